/**
 * Every detection rule of the bundled pack over the generated scenario: each step of each story is
 * matched by at least one rule, and the single-event rules' precision and recall against the ground
 * truth are reported (and pinned, so a change in rules or generator shows up here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateScenario } from '../../src/scenario/index.js';
import { rulePackSources } from '../../src/rules/pack/index.js';
import { normalizeText } from '../support/normalize-records.js';
import { loadPack, ruleMatches } from '../support/rule-eval.js';

interface RuleScore { tp: number; fp: number; steps: Set<string> }

test('scenario detection: every story step is matched by a rule; precision and recall per rule', async (t) => {
  const scenario = generateScenario({ seed: 'weft-demo', start: '2026-03-10T00:00:00Z' });
  const { rules, compileErrors, loaded } = loadPack(rulePackSources());
  assert.deepEqual(compileErrors, []);
  assert.deepEqual(loaded.rejections, []);
  const stepOf = new Map<string, string>();
  for (const s of scenario.truth.stories) for (const st of s.steps) for (const r of st.records) stepOf.set(r.eventId, `${s.id}/${st.id}`);

  const scores = new Map<string, RuleScore>(rules.map((r) => [r.stem, { tp: 0, fp: 0, steps: new Set<string>() }]));
  const attackMatched = new Set<string>();
  for (const f of scenario.truth.files) {
    const content = scenario.files.find((x) => x.path === f.path)?.content ?? '';
    const { records, failures } = await normalizeText(content, f.path, { receivedAt: new Date('2026-03-11T01:00:00Z') });
    assert.deepEqual(failures, [], f.path);
    for (const rec of records) {
      const step = stepOf.get(rec.eventId);
      for (const rule of rules) {
        if (!ruleMatches(rule, rec.event)) continue;
        const s = scores.get(rule.stem) as RuleScore;
        if (step === undefined) s.fp++;
        else {
          s.tp++;
          s.steps.add(step);
          attackMatched.add(rec.eventId);
        }
      }
    }
  }

  // Per story: which steps are detected, and by which rules.
  const undetected: string[] = [];
  for (const s of scenario.truth.stories) {
    const lines = s.steps.map((st) => {
      const key = `${s.id}/${st.id}`;
      const by = rules.filter((r) => scores.get(r.stem)?.steps.has(key)).map((r) => r.stem);
      if (by.length === 0) undetected.push(key);
      return `  ${st.id}: ${by.length > 0 ? by.join(', ') : 'NOT DETECTED'}`;
    });
    t.diagnostic(`${s.id}\n${lines.join('\n')}`);
  }
  assert.deepEqual(undetected, []);

  // Precision = attack records matched / all matched; recall = attack records matched / attack records of the steps the rule covers.
  const stepSize = new Map<string, number>();
  for (const s of scenario.truth.stories) for (const st of s.steps) stepSize.set(`${s.id}/${st.id}`, st.records.length);
  const rows: string[] = [];
  let tpAll = 0;
  let fpAll = 0;
  for (const r of rules) {
    const s = scores.get(r.stem) as RuleScore;
    tpAll += s.tp;
    fpAll += s.fp;
    const covered = [...s.steps].reduce((n, k) => n + (stepSize.get(k) ?? 0), 0);
    const precision = s.tp + s.fp === 0 ? 0 : s.tp / (s.tp + s.fp);
    rows.push(`${r.stem.padEnd(44)} tp=${String(s.tp).padStart(3)} fp=${String(s.fp).padStart(3)} precision=${precision.toFixed(2)} recall(covered steps)=${covered === 0 ? '-' : (s.tp / covered).toFixed(2)}`);
  }
  const attackTotal = stepOf.size;
  t.diagnostic(`single-event rules over ${scenario.truth.benign.count + attackTotal} records (${attackTotal} attack):\n${rows.join('\n')}`);
  t.diagnostic(`overall: ${attackMatched.size}/${attackTotal} attack records matched by some rule (recall ${(attackMatched.size / attackTotal).toFixed(2)}); alert precision ${(tpAll / (tpAll + fpAll)).toFixed(2)} (${tpAll} true, ${fpAll} false matches)`);

  // Pinned: which steps each rule finds, and the rules that fire on benign records.
  const coverage = Object.fromEntries(rules.map((r) => [r.stem, [...(scores.get(r.stem) as RuleScore).steps].sort()]));
  assert.deepEqual(coverage, {
    aws_iam_access_key_created_for_other_user: ['cloud-privesc/persist'],
    aws_iam_admin_policy_attached: ['cloud-privesc/escalate'],
    aws_iam_get_account_authorization_details: ['cloud-privesc/discovery'],
    aws_iam_inline_policy_put: ['cloud-privesc/escalate'],
    aws_sts_assume_role_by_person: ['cloud-privesc/assume-role'],
    aws_sts_role_chaining_from_sso: ['cloud-privesc/assume-role'],
    linux_local_user_created: ['ssh-brute-force/privilege'],
    linux_ssh_failed_password: ['ssh-brute-force/guessing'],
    linux_ssh_login_success: ['ssh-brute-force/login'],
    linux_ssh_password_login_from_public_ip: ['ssh-brute-force/login'],
    linux_sudo_root_shell: ['ssh-brute-force/privilege'],
    firewall_large_outbound_transfer: ['exfiltration/transfer'],
    zeek_large_outbound_transfer: ['exfiltration/transfer'],
    okta_mfa_authentication: ['password-spray/takeover'],
    okta_mfa_factor_enrolled: ['password-spray/takeover'],
    okta_mfa_push_sent: ['password-spray/takeover'],
    okta_sign_in_invalid_credentials: ['password-spray/spray'],
    okta_sign_in_scripted_client: ['password-spray/spray'],
    win_7zip_password_archive: ['exfiltration/staging'],
    win_admin_account_ntlm_network_logon: ['lateral-movement/smb-fileserver'],
    win_admin_share_access: ['lateral-movement/smb-dc', 'lateral-movement/smb-fileserver'],
    win_executable_written_to_admin_share: ['lateral-movement/smb-fileserver'],
    win_lsass_dump_comsvcs: ['credential-dumping/comsvcs-minidump'],
    win_lsass_dump_file_created: ['credential-dumping/comsvcs-minidump'],
    win_lsass_full_access: ['credential-dumping/comsvcs-minidump', 'credential-dumping/procdump'],
    win_ntds_dit_read_over_share: ['lateral-movement/smb-dc'],
    win_ntdsutil_ifm: ['credential-dumping/ntds-ifm'],
    win_office_spawns_script_interpreter: ['phishing-powershell/macro-exec'],
    win_powershell_encoded_command: ['phishing-powershell/macro-exec'],
    win_powershell_public_network_connection: ['phishing-powershell/c2'],
    win_procdump_lsass: ['credential-dumping/procdump'],
    win_rdp_logon_from_server: ['lateral-movement/rdp-jump'],
    win_user_logon: ['lateral-movement/rdp-jump'],
  });
  const noisy = rules.filter((r) => (scores.get(r.stem) as RuleScore).fp > 0).map((r) => r.stem).sort();
  assert.deepEqual(noisy, [
    'firewall_large_outbound_transfer', 'linux_ssh_failed_password', 'linux_ssh_login_success', 'okta_mfa_authentication',
    'okta_sign_in_invalid_credentials', 'win_admin_share_access', 'win_user_logon', 'zeek_large_outbound_transfer',
  ]);
});
