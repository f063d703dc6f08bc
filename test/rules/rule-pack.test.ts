/**
 * Weft's bundled rule pack: every rule loads, compiles against the bundled pipelines and passes its
 * own test records (rules/tests/<stem>.yml) through the real decoders and mappers; every correlation
 * references rules that exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { join } from 'node:path';
import { bundledRulesDir, parseRuleTestFile, readRuleTestFile, rulePackSources, RuleTestFileError, TESTS_DIR, MAX_TEST_FILE_BYTES } from '../../src/rules/pack/index.js';
import { loadPack, ruleTestFailures } from '../support/rule-eval.js';

const dir = bundledRulesDir();
const pack = loadPack(rulePackSources(dir));
const testDir = join(dir, TESTS_DIR);
const testStems = readdirSync(testDir).filter((n) => n.endsWith('.yml')).map((n) => n.slice(0, -4)).sort();
const TECHNIQUE_TAG = /^attack\.t\d{4}(\.\d{3})?$/;
const TACTIC_TAG = /^attack\.[a-z]+(-[a-z]+)*$/;

test('rule pack: every document loads and compiles with the bundled pipelines', () => {
  assert.deepEqual(pack.loaded.rejections, []);
  assert.deepEqual(pack.compileErrors, []);
  assert.equal(pack.rules.length, 33);
  assert.equal(pack.loaded.correlations.length, 5);
  assert.deepEqual(pack.loaded.filters, []);
});

test('rule pack: metadata is complete and ids and names are unique', () => {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const r of [...pack.loaded.rules, ...pack.loaded.correlations]) {
    assert.ok(r.id !== undefined && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(r.id), `${r.file}: id`);
    assert.ok(!ids.has(r.id), `${r.file}: duplicate id ${r.id}`);
    ids.add(r.id);
    assert.ok(r.name !== undefined && /^[a-z0-9_]+$/.test(r.name), `${r.file}: name`);
    assert.ok(!names.has(r.name), `${r.file}: duplicate name ${r.name}`);
    names.add(r.name);
    assert.ok(r.file.endsWith(`${r.name}.yml`), `${r.file}: the file is named after the rule`);
    assert.ok((r.description ?? '').length > 40, `${r.file}: description`);
    assert.ok(r.level !== undefined, `${r.file}: level`);
    assert.equal(r.status, 'experimental');
    assert.equal(r.author, 'Weft');
    assert.ok(r.falsepositives.length > 0, `${r.file}: falsepositives`);
    assert.ok(r.references.some((u) => u.startsWith('https://')), `${r.file}: references`);
  }
  for (const r of pack.loaded.rules) {
    assert.ok(r.tags.some((t) => TECHNIQUE_TAG.test(t)), `${r.file}: an ATT&CK technique tag`);
    assert.ok(r.tags.some((t) => TACTIC_TAG.test(t) && !TECHNIQUE_TAG.test(t)), `${r.file}: an ATT&CK tactic tag`);
  }
});

test('rule pack: every rule has a test file and every test file a rule', () => {
  assert.deepEqual(pack.rules.map((r) => r.stem).sort(), testStems);
});

for (const rule of pack.rules) {
  test(`rule ${rule.stem}: matches its match records and none of its no_match records`, async () => {
    const t = readRuleTestFile(join(testDir, `${rule.stem}.yml`));
    assert.ok(t.match.length >= 1 && t.noMatch.length >= 1);
    assert.deepEqual(await ruleTestFailures(rule, t), []);
  });
}

test('rule tests can fail: swapping match and no_match of a rule reports every record', async () => {
  const rule = pack.rules.find((r) => r.stem === 'win_lsass_full_access');
  assert.ok(rule !== undefined);
  const t = readRuleTestFile(join(testDir, 'win_lsass_full_access.yml'));
  const failures = await ruleTestFailures(rule, { file: t.file, match: t.noMatch, noMatch: t.match });
  assert.equal(failures.length, t.match.length + t.noMatch.length);
  assert.ok(failures.every((f) => / match(es)? win_lsass_full_access|does not match win_lsass_full_access/.test(f)), failures.join('\n'));
});

test('rule tests: a record that no decoder or mapper takes is reported, not skipped', async () => {
  const rule = pack.rules.find((r) => r.stem === 'linux_sudo_root_shell');
  assert.ok(rule !== undefined);
  const t = parseRuleTestFile('match:\n  - "this is not a log record"\n  - "\\x01\\x02 binary"\nno_match:\n  - \'{"truncated": \'\n', 'bad.yml');
  const failures = await ruleTestFailures(rule, t);
  assert.equal(failures.length, 3);
  // Plain text decodes (as a text record) but no mapper claims it.
  assert.match(failures[0] as string, /^bad\.yml:2: record does not normalize \(normalize\.unknown_source: /);
  assert.match(failures[1] as string, /^bad\.yml:3: record does not normalize \(decode\.record\.unrecognized: /);
  assert.match(failures[2] as string, /^bad\.yml:5: record does not normalize \(decode\.json\./);
});

test('correlations: each references existing rules or correlations by name, with a group-by and a timespan', () => {
  const known = new Set<string>();
  for (const r of [...pack.loaded.rules, ...pack.loaded.correlations]) {
    if (r.name !== undefined) known.add(r.name);
    if (r.id !== undefined) known.add(r.id);
  }
  const byName = new Map(pack.loaded.correlations.map((c) => [c.name, c]));
  for (const c of pack.loaded.correlations) {
    assert.ok(c.rules.length > 0, `${c.file}: rules`);
    for (const ref of c.rules) assert.ok(known.has(ref), `${c.file}: references unknown rule ${ref}`);
    assert.ok(c.groupBy.length > 0, `${c.file}: group-by`);
    assert.ok(c.timespanMs > 0, `${c.file}: timespan`);
    // The loader keeps no tags for correlations; read them from the document itself.
    const doc = parse(readFileSync(c.file, 'utf8')) as { tags?: string[] };
    assert.ok((doc.tags ?? []).some((t) => TECHNIQUE_TAG.test(t)), `${c.file}: technique tag`);
  }
  const spray = byName.get('okta_password_spray');
  assert.equal(spray?.type, 'value_count');
  assert.deepEqual(spray?.condition, { field: ['user.name'], gte: 10 });
  assert.deepEqual(spray?.groupBy, ['source.ip']);
  const burst = byName.get('ssh_failed_password_burst');
  assert.equal(burst?.type, 'event_count');
  assert.deepEqual(burst?.condition, { gte: 5 });
  assert.equal(burst?.generate, false);
  const brute = byName.get('ssh_brute_force_success');
  assert.equal(brute?.type, 'temporal_ordered');
  assert.deepEqual(brute?.rules, ['ssh_failed_password_burst', 'linux_ssh_login_success']);
  assert.deepEqual(brute?.groupBy, ['source.ip', 'user.name']);
  assert.equal(brute?.timespanMs, 30 * 60_000);
});

test('rule test files: bad files are refused with the file, line and key named', () => {
  const bad = (text: string, want: RegExp): void => {
    assert.throws(() => parseRuleTestFile(text, 't.yml'), (e: unknown) => e instanceof RuleTestFileError && want.test(e.message));
  };
  bad('match: [\n', /^t\.yml:\d+: YAML syntax: /);
  bad('- a\n- b\n', /^t\.yml:1: must be a map with "match" and "no_match" lists$/);
  bad('no_match:\n  - x\n', /^t\.yml: needs a non-empty "match" list$/);
  bad('match:\n  - x\n', /^t\.yml: needs a non-empty "no_match" list$/);
  bad('match:\n  - x\nno_match: []\n', /^t\.yml: needs a non-empty "no_match" list$/);
  bad('match: x\nno_match:\n  - y\n', /^t\.yml:1: match: must be a list of records$/);
  bad('match:\n  - x\nno_match:\n  - y\nextra: 1\n', /^t\.yml:5: extra: unknown key/);
  bad('match:\n  - record: x\n    formt: json\nno_match:\n  - y\n', /^t\.yml:3: match\[0\]\.formt: unknown key/);
  bad('match:\n  - record: x\n    format: xml\nno_match:\n  - y\n', /^t\.yml:3: match\[0\]\.format: unknown format "xml"/);
  bad('match:\n  - note: only a note\nno_match:\n  - y\n', /^t\.yml:2: match\[0\]: missing "record"$/);
  bad('match:\n  - ""\nno_match:\n  - y\n', /^t\.yml:2: match\[0\]: a record must be non-empty text$/);
  bad('match:\n  - 42\nno_match:\n  - y\n', /^t\.yml:2: match\[0\]: a record must be non-empty text$/);
  bad('match:\n  - [a]\nno_match:\n  - y\n', /^t\.yml:2: match\[0\]: must be the record text or a map with "record"$/);
  bad('match:\n  - x\n  - x\nmatch:\n  - y\nno_match:\n  - z\n', /^t\.yml:\d+: YAML syntax: /);
  bad(`match:\n  - "${'x'.repeat(MAX_TEST_FILE_BYTES)}"\nno_match:\n  - y\n`, /^t\.yml: file is larger than/);
  assert.throws(() => readRuleTestFile(join(testDir, 'no-such-rule.yml')), (e: unknown) => e instanceof RuleTestFileError && /cannot read: ENOENT/.test(e.message));
});
