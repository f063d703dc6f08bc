/**
 * Writes rules/tests/<stem>.yml for every rule of the pack from the example scenario: the story records
 * the rule matches (`match`), the benign records closest to matching (most of the rule's literals, but
 * no match) and hand-made edge variants of a matched record (`VARIANTS`). Run it after changing the
 * generator or a rule, then review the diff: `node --import tsx scripts/rule-tests-from-scenario.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { bundledRulesDir, rulePackSources, TESTS_DIR } from '../src/rules/pack/index.js';
import { generateScenario } from '../src/scenario/index.js';
import { fieldAccessor } from '../src/event/field-path.js';
import { normalizeText, type NormalizedRecord } from '../test/support/normalize-records.js';
import { loadPack, ruleMatches } from '../test/support/rule-eval.js';

type Variant = [kind: 'match' | 'no_match', from: RegExp, to: string, note: string];

const VARIANTS: Readonly<Record<string, Variant[]>> = {
  win_powershell_encoded_command: [['match', / -enc /, ' /EncodedCommand ', 'slash form of the full flag (windash)']],
  win_lsass_dump_comsvcs: [['match', /MiniDump/, '#24', 'MiniDump called by ordinal']],
  linux_ssh_password_login_from_public_ip: [
    ['no_match', /203\.0\.113\.77/, '10.20.0.31', 'password login from a private address'],
    ['no_match', /Accepted password/, 'Accepted publickey', 'key login from the same public address'],
  ],
  linux_sudo_root_shell: [
    ['match', /COMMAND=\/bin\/bash/, 'COMMAND=/usr/bin/su -', 'su - through sudo'],
    ['no_match', /COMMAND=\/bin\/bash/, 'COMMAND=/bin/bash /opt/backup/run.sh', 'a script run by bash, not an interactive shell'],
  ],
  aws_iam_admin_policy_attached: [
    ['no_match', /AdministratorAccess/, 'ReadOnlyAccess', 'a read-only policy attached'],
    ['no_match', /"requestParameters":/, '"errorCode":"AccessDenied","errorMessage":"User is not authorized to perform: iam:AttachRolePolicy","requestParameters":', 'the attach was denied'],
  ],
  aws_iam_access_key_created_for_other_user: [['no_match', /"requestParameters":\{"userName":"svc-backup"\}/, '"requestParameters":null', 'a user creating a key for themselves (no userName)']],
  win_lsass_full_access: [['no_match', /0x1FFFFF/, '0x1000', 'query-only access to lsass']],
  win_office_spawns_script_interpreter: [['no_match', /"ParentImage": "[^"]*"/, '"ParentImage": "C:\\\\Windows\\\\explorer.exe"', 'the same PowerShell started from Explorer']],
  okta_sign_in_scripted_client: [['no_match', /python-requests\/2\.31\.0/g, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 'the same failure from a browser']],
  zeek_large_outbound_transfer: [['no_match', /"orig_bytes":\d+/, '"orig_bytes":40000000', 'a 40 MB upload']],
  firewall_large_outbound_transfer: [['no_match', / out=\d+/, ' out=4000', 'a small outbound connection']],
  win_rdp_logon_from_server: [['no_match', /"IpAddress": "10\.10\.1\.20"/, '"IpAddress": "10.20.0.40"', 'RDP from a workstation address']],
  win_admin_share_access: [['no_match', /"SubjectUserName": "[^"]*"/, '"SubjectUserName": "FS01$"', 'a computer account on C$']],
  win_7zip_password_archive: [['no_match', / -p\S+/, '', 'an archive without a password']],
  win_user_logon: [
    ['no_match', /"TargetUserName": "[^"]*"/, '"TargetUserName": "JMP01$"', 'a computer account logging on'],
    ['no_match', /"LogonType": "10"/, '"LogonType": "3"', 'a network logon'],
    ['match', /"LogonType": "10"/, '"LogonType": "11"', 'a logon with cached credentials'],
  ],
  aws_sts_assume_role_by_person: [
    ['no_match', /"userIdentity":\{"type":"AssumedRole"/, '"userIdentity":{"type":"AWSService","invokedBy":"lambda.amazonaws.com"', 'a Lambda function assuming its execution role'],
    ['match', /"eventName":"AssumeRole"/, '"eventName":"AssumeRoleWithSAML"', 'a SAML federation into a role'],
  ],
  win_ntdsutil_ifm: [['no_match', /ifm/g, 'snapshot', 'ntdsutil listing snapshots']],
  linux_ssh_failed_password: [['no_match', /Failed password/, 'Failed publickey', 'a rejected key']],
  win_admin_account_ntlm_network_logon: [['no_match', /"AuthenticationPackageName": "NTLM"/, '"AuthenticationPackageName": "Kerberos"', 'the same logon over Kerberos']],
};

interface Rec { file: string; rec: NormalizedRecord }
interface Entry { note: string; text: string }

const get = {
  code: fieldAccessor('event.code'),
  action: fieldAccessor('event.action'),
  parent: fieldAccessor('process.parent.executable'),
  user: fieldAccessor('user.name'),
};

const scenario = generateScenario({ seed: 'weft-demo', start: '2026-03-10T00:00:00Z' });
const stepOf = new Map<string, string>();
for (const s of scenario.truth.stories) for (const st of s.steps) for (const r of st.records) stepOf.set(r.eventId, `${s.id}/${st.id}`);
const all: Rec[] = [];
for (const f of scenario.truth.files) {
  const content = scenario.files.find((x) => x.path === f.path)?.content ?? '';
  const { records, failures } = await normalizeText(content, f.path, { receivedAt: new Date('2026-03-11T01:00:00Z') });
  if (failures.length > 0) throw new Error(`${f.path}: ${failures.length} records do not normalize`);
  for (const rec of records) all.push({ file: f.path, rec });
}
/** The raw text as the source delivers it: a CloudTrail record travels inside a one-record file. */
const raw = (x: Rec): string => (x.file.startsWith('cloudtrail/') ? `{"Records":[${x.rec.raw}]}` : x.rec.raw);
const kindOf = (x: Rec): string => `${x.file.split('/')[0] ?? ''}|${String(get.code(x.rec.event))}|${String(get.action(x.rec.event))}`;
const entry = (e: Entry): string => `  - note: ${JSON.stringify(e.note)}\n    record: |-\n${e.text.split('\n').map((l) => `      ${l}`).join('\n')}\n`;

const outDir = join(bundledRulesDir(), TESTS_DIR);
mkdirSync(outDir, { recursive: true });
const { rules } = loadPack(rulePackSources());
for (const rule of rules) {
  const name = rule.compiled.rule.name ?? rule.stem;
  const hits = all.filter((x) => ruleMatches(rule, x.rec.event));
  const tps = hits.filter((x) => stepOf.has(x.rec.eventId));
  if (tps.length === 0) throw new Error(`${name} matches no story record`);
  const match: Entry[] = [];
  const kinds = new Set<string>();
  for (const x of tps) {
    if (kinds.has(kindOf(x)) || match.length >= 3) continue;
    kinds.add(kindOf(x));
    match.push({ note: `${stepOf.get(x.rec.eventId) ?? ''} (${x.file})`, text: raw(x) });
  }
  for (const x of tps) if (match.length < 2 && !match.some((m) => m.text === raw(x))) match.push({ note: `${stepOf.get(x.rec.eventId) ?? ''} (${x.file})`, text: raw(x) });
  const variants = VARIANTS[name] ?? [];
  const base = tps.find((x) => variants.every(([, from]) => new RegExp(from.source).test(raw(x)))) ?? (tps[0] as Rec);
  const extra: (Entry & { kind: string })[] = variants.map(([kind, from, to, note]) => {
    if (!new RegExp(from.source).test(raw(base))) throw new Error(`${name}: variant "${note}" does not apply`);
    return { kind, note, text: raw(base).replace(from, to) };
  });
  match.push(...extra.filter((v) => v.kind === 'match'));

  const sources = new Set(hits.map((x) => x.file.split('/')[0]));
  const literals = rule.compiled.requiredLiterals.flat();
  const near = all
    .filter((x) => sources.has(x.file.split('/')[0]) && !ruleMatches(rule, x.rec.event))
    .map((x) => ({ x, score: literals.reduce((n, l) => n + (x.rec.raw.toLowerCase().includes(l) ? 1 : 0), 0) }))
    .sort((a, b) => b.score - a.score);
  const noMatch: Entry[] = [];
  const seen = new Set<string>();
  for (const { x, score } of near) {
    const key = `${score}|${kindOf(x)}|${String(get.parent(x.rec.event))}|${String(get.user(x.rec.event))}`;
    if (seen.has(key)) continue;
    seen.add(key);
    noMatch.push({ note: `benign (${x.file})`, text: raw(x) });
    if (noMatch.length >= 3) break;
  }
  noMatch.push(...extra.filter((v) => v.kind === 'no_match'));
  const stem = basename(rule.compiled.rule.file).replace(/\.ya?ml$/, '');
  writeFileSync(join(outDir, `${stem}.yml`), `# Raw records for ${stem} (${rule.compiled.rule.title}), written by\n# scripts/rule-tests-from-scenario.ts from the example scenario (seed weft-demo) plus hand-made variants.\nmatch:\n${match.map(entry).join('')}no_match:\n${noMatch.map(entry).join('')}`);
  process.stdout.write(`${stem}: ${match.length} match, ${noMatch.length} no_match\n`);
}
