import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { csvCell, huntThreads } from '../../src/cli/commands/hunt.js';
import { weft } from '../support/cli.js';
import { repoRoot } from '../support/shared-data.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'weft-hunt-'));

/** Elastic's real Winlogbeat 4688 and Sysmon records (test/fixtures/windows), one JSON line each. */
function windowsLines(): string {
  const lines: string[] = [];
  for (const f of ['winlogbeat-security-4688.json', 'winlogbeat-sysmon.json', 'winlogbeat-security-4624.json']) {
    const doc = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'windows', f), 'utf8')) as { events: unknown[] };
    for (const e of doc.events) lines.push(JSON.stringify(e));
  }
  return `${lines.join('\n')}\n`;
}

const RULE_4688 = `title: Process created by 4688
id: 0a1b2c3d-0000-4000-8000-000000000001
status: test
level: high
tags: [attack.execution]
logsource:
    product: windows
    category: process_creation
detection:
    sel:
        Image|endswith: '.exe'
    condition: sel
`;
const RULE_LOGON = `title: Any logon
id: 0a1b2c3d-0000-4000-8000-000000000002
level: low
logsource:
    product: windows
    service: security
detection:
    sel:
        EventID: 4624
    condition: sel
`;

function setup(): { dir: string; rules: string; data: string } {
  const dir = tmp();
  const rules = join(dir, 'rules');
  mkdirSync(rules);
  writeFileSync(join(rules, 'proc.yml'), RULE_4688);
  writeFileSync(join(rules, 'logon.yml'), RULE_LOGON);
  const data = join(dir, 'events.ndjson');
  writeFileSync(data, windowsLines());
  return { dir, rules, data };
}

describe('weft hunt', () => {
  const { dir, rules, data } = setup();

  it('prints one JSON line per match with the rule, the event and its selections; summary on stderr', () => {
    const r = weft(['hunt', '--rules', rules, '--output', 'jsonl', data]);
    assert.equal(r.code, 0, r.stderr);
    interface Line {
      kind: string;
      rule: { id: string; title: string; level: string; tags: string[] };
      '@timestamp': string;
      event: { '@timestamp': string; winlog: { event_id: string }; log: { file: { path: string } }; event: { original: unknown } };
      match: { selections: string[] };
      id: string;
      score: number;
      severity: string;
      threat: unknown;
      explanation: { contributions: Array<{ factor: string; points: number }> };
    }
    const all = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    // One line per alert in event-time order, then one per incident, ranked by score.
    const lines = all.filter((l) => l.kind !== 'incident');
    const incidents = all.filter((l) => l.kind === 'incident') as unknown as Array<{ alerts: string[]; score: number; kill_chain: Array<{ tactic_id: string }> }>;
    assert.deepEqual(all.map((l) => l.kind), ['match', 'match', 'match', 'incident', 'incident']);
    assert.deepEqual(lines.map((l) => l.rule.id), ['0a1b2c3d-0000-4000-8000-000000000002', '0a1b2c3d-0000-4000-8000-000000000002', '0a1b2c3d-0000-4000-8000-000000000001']);
    const first = lines[2]!;
    assert.equal(first.score, 70);
    assert.equal(first.severity, 'medium');
    assert.deepEqual(first.threat, { framework: 'MITRE ATT&CK', tactic: { id: ['TA0002'], name: ['Execution'], reference: ['https://attack.mitre.org/tactics/TA0002/'] } });
    assert.deepEqual(first.explanation.contributions.map((c) => [c.factor, c.points]), [['rule_level', 60], ['rarity', 5], ['rarity', 5]]);
    assert.deepEqual(incidents.map((i) => [i.alerts.length, i.score, i.kill_chain.map((k) => k.tactic_id)]), [[1, 70, ['TA0002']], [2, 30, []]]);
    assert.equal(incidents[0]!.alerts[0], first.id);
    assert.equal(first.kind, 'match');
    assert.equal(first.rule.title, 'Process created by 4688');
    assert.equal(first.rule.level, 'high');
    assert.deepEqual(first.rule.tags, ['attack.execution']);
    assert.equal(first['@timestamp'], first.event['@timestamp']);
    assert.equal(first.event.winlog.event_id, '4688');
    assert.equal(first.event.log.file.path, data);
    assert.equal(typeof first.event.event.original, 'string');
    assert.deepEqual(first.match.selections, ['sel']);
    assert.match(r.stderr, /events\s+5\n/);
    assert.match(r.stderr, /matches\s+3\n\s+high\s+1\n\s+low\s+2\n/);
    assert.match(r.stderr, /rules\s+2 loaded, 0 rejected/);
    assert.match(r.stderr, /alerts\s+3 \(0 detections deduplicated into them\)\n\s+medium\s+2\n\s+low\s+1\n/);
    assert.match(r.stderr, /incidents\s+2\n/);
  });

  it('csv: a header and one row per match; --min-level drops lower rules', () => {
    const r = weft(['hunt', '--rules', rules, '--output', 'csv', '--min-level', 'medium', data]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n');
    assert.equal(rows[0], 'timestamp,level,rule_id,title,host,user,file');
    assert.equal(rows.length, 2);
    assert.match(rows[1]!, /^2019-\S+,high,0a1b2c3d-0000-4000-8000-000000000001,Process created by 4688,\S+,\S*,/);
    assert.ok(rows[1]!.endsWith(`,${data}`));
  });

  it('table: matches then the summary on stdout, with rejections by reason', () => {
    writeFileSync(join(rules, 'broken.yml'), RULE_4688.replace("Image|endswith: '.exe'", "Image|nosuchmod: '.exe'").replace('0001', '0003'));
    const r = weft(['hunt', '--rules', rules, data]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /HIGH\s+Process created by 4688/);
    assert.match(r.stdout, /rules\s+2 loaded, 1 rejected\n\s+1 x unknown modifier/);
    assert.match(r.stdout, /rules evaluated per event/);
  });

  it('--assets raises the score on a tier-0 host; --suppressions silences a detection, counted, with its entry', () => {
    const assets = join(dir, 'assets.yaml');
    writeFileSync(assets, 'assets:\n  - {kind: host, value: vagrant, criticality: 5, zone: core}\n');
    const sup = join(dir, 'suppressions.yml');
    writeFileSync(sup, 'allowlist:\n  - {id: lab-logons, reason: the vagrant lab logs on all day, author: tester, rule: Any logon, match: {host.name: "vagrant-*"}}\n');
    const r = weft(['hunt', '--rules', rules, '--output', 'jsonl', '--assets', assets, '--suppressions', sup, data]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; rule?: { title: string }; score: number; status: string; suppressed_by?: { id: string }; explanation?: { contributions: Array<{ factor: string; points: number }> } });
    const proc = lines.find((l) => l.rule?.title === 'Process created by 4688');
    assert.equal(proc?.score, 87);
    assert.deepEqual(proc?.explanation?.contributions.filter((c) => c.factor === 'asset_criticality' || c.factor === 'network_zone').map((c) => c.points), [12, 5]);
    const logons = lines.filter((l) => l.rule?.title === 'Any logon');
    assert.deepEqual(logons.map((l) => [l.status, l.suppressed_by?.id]), [['suppressed', 'lab-logons'], ['suppressed', 'lab-logons']]);
    // Suppressed alerts are in no incident.
    assert.equal(lines.filter((l) => l.kind === 'incident').length, 1);
    assert.match(r.stderr, /suppressed\s+2\n\s+lab-logons\s+2\n/);
    const bad = join(dir, 'bad-suppressions.yml');
    writeFileSync(bad, 'allowlist:\n  - {id: x, author: y, match: {a: b}}\n');
    const b = weft(['hunt', '--rules', rules, '--suppressions', bad, data]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /allowlist\[0\]: reason is required/);
  });

  it('bad arguments exit 2 with a clear message', () => {
    const fmt = weft(['hunt', '--rules', rules, '--format', 'xml', data]);
    assert.equal(fmt.code, 2);
    assert.match(fmt.stderr, /unknown format 'xml'/);
    const missing = weft(['hunt', '--rules', rules, join(dir, 'nope.log')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or directory/);
    const badRules = weft(['hunt', '--rules', join(dir, 'no-rules-here'), data]);
    assert.equal(badRules.code, 2);
    assert.match(badRules.stderr, /rule path not found/);
    const out = weft(['hunt', '--rules', rules, '--output', 'xml', data]);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /unknown output 'xml'/);
    const lvl = weft(['hunt', '--rules', rules, '--min-level', 'severe', data]);
    assert.equal(lvl.code, 2);
    assert.match(lvl.stderr, /unknown level 'severe'/);
    const st = weft(['hunt', '--rules', rules, '--source-type', 'nosuch', data]);
    assert.equal(st.code, 2);
  });

  it('a bad pipeline file exits 2 naming the key', () => {
    const p = join(dir, 'bad-pipeline.yml');
    writeFileSync(p, 'name: bad\nlogsources:\n  - match: {prodcut: windows}\n');
    const r = weft(['hunt', '--rules', rules, '--pipeline', p, data]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /prodcut/);
  });

  it('--threads 2 prints exactly what one thread prints; a bad count is a usage error', () => {
    const mixed = join(dir, 'threads.ndjson');
    writeFileSync(mixed, `${readFileSync(data, 'utf8')}{"truncated": \n`);
    const strip = (s: string): string => s.replace(/"ingest_time":"[^"]*"/g, '');
    const one = weft(['hunt', '--threads', '1', '--rules', rules, '--output', 'jsonl', mixed]);
    const two = weft(['hunt', '--threads', '2', '--rules', rules, '--output', 'jsonl', mixed]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    assert.ok(one.stdout.split('\n').length > 3);
    assert.equal(strip(two.stdout), strip(one.stdout));
    assert.equal(two.stderr, one.stderr);
    for (const bad of ['0', 'many', '1.5', '65']) {
      const r = weft(['hunt', '--threads', bad, '--rules', rules, data]);
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /--threads must be auto or a whole number from 1 to 64/);
    }
  });

  it('auto threads: none on two cores, on stdin or for small input; one per core but one, at most 4, for large input', () => {
    const big = join(dir, 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, 128 * 1024 * 1024); // sparse: the size is all that counts
    assert.equal(huntThreads(undefined, [big], 2), 0);
    assert.equal(huntThreads('auto', [big], 3), 2);
    assert.equal(huntThreads('auto', [big], 16), 4);
    assert.equal(huntThreads('auto', [data], 16), 0);
    assert.equal(huntThreads('auto', ['-'], 16), 0);
    assert.equal(huntThreads('1', [big], 16), 0);
    assert.equal(huntThreads('3', [data], 2), 3);
  });

  it('quarantines malformed records, counts them and still hunts the rest', () => {
    const mixed = join(dir, 'mixed.ndjson');
    writeFileSync(mixed, `${readFileSync(data, 'utf8')}{"truncated": \nnot json at all\n`);
    const r = weft(['hunt', '--rules', rules, '--output', 'jsonl', mixed]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').filter((l) => !l.startsWith('{"kind":"incident"')).length, 3);
    assert.match(r.stderr, /quarantined\s+[12]\n/);
  });
});

describe('weft rules', () => {
  const { rules } = setup();
  writeFileSync(join(rules, 'broken.yml'), 'title: Broken\nid: 0a1b2c3d-0000-4000-8000-00000000000f\nlogsource: {product: windows}\ndetection:\n    sel:\n        Image|nosuchmod: x\n    condition: sel\n');

  it('validate prints counts and each rejection, --output json, exit 1 when any is rejected', () => {
    const t = weft(['rules', 'validate', rules]);
    assert.equal(t.code, 1);
    assert.match(t.stdout, /loaded\s+2\nrejected\s+1/);
    assert.match(t.stdout, /broken\.yml:\d+: .*nosuchmod/);
    const j = weft(['rules', 'validate', '--output', 'json', rules]);
    assert.equal(j.code, 1);
    const doc = JSON.parse(j.stdout) as { loaded: number; rejected: Array<{ file: string; line: number; reason: string }> };
    assert.equal(doc.loaded, 2);
    assert.equal(doc.rejected.length, 1);
    assert.ok(doc.rejected[0]!.file.endsWith('broken.yml') && doc.rejected[0]!.line > 0 && /nosuchmod/.test(doc.rejected[0]!.reason));
    const ok = weft(['rules', 'validate', join(rules, 'proc.yml')]);
    assert.equal(ok.code, 0);
    assert.equal(weft(['rules', 'validate', join(rules, 'missing.yml')]).code, 2);
  });

  it('validate --with loads the rules a correlation references without validating or counting them', () => {
    const corr = tmp();
    const other = tmp();
    writeFileSync(join(other, 'logon.yml'), RULE_LOGON);
    writeFileSync(join(other, 'broken.yml'), 'title: Broken elsewhere\nlogsource: {product: windows}\ndetection:\n    sel:\n        Image|nosuchmod: x\n    condition: sel\n');
    writeFileSync(join(corr, 'burst.yml'), 'title: Logon burst\nid: 0a1b2c3d-0000-4000-8000-0000000000c1\ncorrelation:\n    type: event_count\n    rules: [0a1b2c3d-0000-4000-8000-000000000002]\n    group-by: [user.name]\n    timespan: 5m\n    condition: {gte: 3}\nlevel: high\n');
    const alone = weft(['rules', 'validate', corr]);
    assert.equal(alone.code, 1);
    assert.match(alone.stdout, /burst\.yml:1: correlation 'Logon burst': references unknown rule '0a1b2c3d-0000-4000-8000-000000000002'/);
    assert.match(alone.stdout, /hint: rules outside the validated paths can be named with --with DIR/);
    // The referenced rule is found; the other folder's broken rule is not this validation's business.
    const withRules = weft(['rules', 'validate', '--output', 'json', corr, '--with', other]);
    assert.equal(withRules.code, 0, withRules.stdout + withRules.stderr);
    assert.deepEqual(JSON.parse(withRules.stdout), { loaded: 1, rejected: [] });
    // A --with folder that holds the validated files too does not load them twice.
    writeFileSync(join(other, 'burst.yml'), readFileSync(join(corr, 'burst.yml'), 'utf8'));
    const overlap = weft(['rules', 'validate', '--output', 'json', join(other, 'burst.yml'), '--with', other]);
    assert.deepEqual(JSON.parse(overlap.stdout), { loaded: 1, rejected: [] });
    assert.equal(weft(['rules', 'validate', corr, '--with', join(other, 'nope')]).code, 2);
  });

  it('list prints id, level, title and logsource; --output json', () => {
    const j = weft(['rules', 'list', '--output', 'json', join(rules, 'proc.yml'), join(rules, 'logon.yml')]);
    assert.equal(j.code, 0);
    assert.deepEqual((JSON.parse(j.stdout) as Array<{ id: string; level: string; title: string; logsource: unknown }>).map((r) => [r.id, r.level, r.title, r.logsource]), [
      ['0a1b2c3d-0000-4000-8000-000000000001', 'high', 'Process created by 4688', { product: 'windows', category: 'process_creation' }],
      ['0a1b2c3d-0000-4000-8000-000000000002', 'low', 'Any logon', { product: 'windows', service: 'security' }],
    ]);
    const t = weft(['rules', 'list', join(rules, 'logon.yml')]);
    assert.match(t.stdout, /0a1b2c3d-0000-4000-8000-000000000002\s+low\s+Any logon\s+\(windows\/security\)/);
  });

  it('test runs match and no_match records and fails on a wrong expectation', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'tests'));
    writeFileSync(join(dir, 'logon.yml'), RULE_LOGON);
    const doc = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'windows', 'winlogbeat-security-4624.json'), 'utf8')) as { events: unknown[] };
    const proc = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'windows', 'winlogbeat-security-4688.json'), 'utf8')) as { events: unknown[] };
    const yamlList = (recs: unknown[]): string => recs.map((r) => `  - record: ${JSON.stringify(JSON.stringify(r))}`).join('\n');
    writeFileSync(join(dir, 'tests', 'logon.yml'), `match:\n${yamlList(doc.events)}\nno_match:\n${yamlList(proc.events)}\n`);
    const pass = weft(['rules', 'test', dir]);
    assert.equal(pass.code, 0, pass.stdout + pass.stderr);
    assert.match(pass.stdout, /pass\s+\S*logon\.yml/);
    assert.match(pass.stdout, /1 rule file\(s\) tested, 1 passed, 0 failed/);
    // The test records under tests/ are not rules: validate and list do not read them.
    const v = weft(['rules', 'validate', dir]);
    assert.equal(v.code, 0, v.stdout);
    assert.match(v.stdout, /loaded\s+1\nrejected\s+0/);
    // Swap the lists: now every record is on the wrong side.
    writeFileSync(join(dir, 'tests', 'logon.yml'), `match:\n${yamlList(proc.events)}\nno_match:\n${yamlList(doc.events)}\n  - record: "\\u0001 not a record at all"\n`);
    const fail = weft(['rules', 'test', dir]);
    assert.equal(fail.code, 1);
    assert.match(fail.stdout, /FAIL\s+\S*logon\.yml/);
    assert.match(fail.stdout, /logon\.yml:2 \(match\): the rule did not match/);
    assert.match(fail.stdout, /logon\.yml:\d+ \(no_match\): the rule matched/);
    assert.match(fail.stdout, /logon\.yml:\d+ \(no_match\): record was quarantined \(decode\.record\.unrecognized/);
    writeFileSync(join(dir, 'tests', 'logon.yml'), 'match: 12\nbogus: 1\n');
    const bad = weft(['rules', 'test', dir]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /logon\.yml:\d+: .*(bogus|match)/);
  });
});

describe('csv cells', () => {
  it('quote separators and neutralize spreadsheet formulas from event values', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  });
});
