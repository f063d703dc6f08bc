/**
 * The example scenario: deterministic bytes, every record decodes and normalizes with the real
 * decoders and mappers to the id the ground truth names, and each story has the shape it claims.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { normalizeText, type NormalizedRecord } from '../../test/support/normalize-records.js';
import { at } from '../../test/support/mapper-harness.js';
import { generateScenario, runScenarioCommand, ScenarioOptionsError, ScenarioWriteError, STORIES, writeScenario, type GroundTruth, type Scenario } from './index.js';
import { Rng } from './rng.js';

const OPTS = { seed: 'weft-demo', start: '2026-03-10T00:00:00Z' };
const t0 = performance.now();
const scenario = generateScenario(OPTS);
const elapsedMs = performance.now() - t0;
const DAY_START = Date.parse(OPTS.start);
const DAY_END = DAY_START + 86_400_000;

/** Every file normalized once (the ground truth's files, in order). */
const normalized = new Map<string, { records: NormalizedRecord[]; failures: { line: number; reason: string; message: string }[] }>();
async function norm(s: Scenario = scenario): Promise<typeof normalized> {
  if (s === scenario && normalized.size > 0) return normalized;
  const out = s === scenario ? normalized : new Map<string, { records: NormalizedRecord[]; failures: { line: number; reason: string; message: string }[] }>();
  for (const f of s.truth.files) {
    const file = s.files.find((x) => x.path === f.path);
    assert.ok(file !== undefined, `ground truth names ${f.path} but no such file was generated`);
    out.set(f.path, await normalizeText(file.content, f.path, { receivedAt: new Date(DAY_END + 3_600_000) }));
  }
  return out;
}

function stepRecords(truth: GroundTruth, story: string, step: string): Set<string> {
  const s = truth.stories.find((x) => x.id === story)?.steps.find((x) => x.id === step);
  assert.ok(s !== undefined, `no step ${story}/${step}`);
  return new Set(s.records.map((r) => r.eventId));
}

async function eventsOf(story: string, step: string): Promise<NormalizedRecord[]> {
  const ids = stepRecords(scenario.truth, story, step);
  const out: NormalizedRecord[] = [];
  for (const { records } of (await norm()).values()) for (const r of records) if (ids.has(r.eventId)) out.push(r);
  return out.sort((a, b) => String(a.event['@timestamp']).localeCompare(String(b.event['@timestamp'])));
}

test('scenario: same seed gives the same bytes; another seed gives different ones', () => {
  const again = generateScenario(OPTS);
  assert.equal(again.files.length, scenario.files.length);
  for (let i = 0; i < scenario.files.length; i++) {
    assert.equal(again.files[i]?.path, scenario.files[i]?.path);
    assert.ok(again.files[i]?.content === scenario.files[i]?.content, `${scenario.files[i]?.path} differs between two runs`);
  }
  assert.deepEqual(again.truth, scenario.truth);
  const other = generateScenario({ ...OPTS, seed: 'another seed' });
  const okta = (s: Scenario): string | undefined => s.files.find((f) => f.path === 'okta/system.log')?.content;
  assert.notEqual(okta(other), okta(scenario));
  assert.deepEqual(other.truth.stories.map((s) => s.steps.map((st) => st.id)), scenario.truth.stories.map((s) => s.steps.map((st) => st.id)));
});

test('scenario: size and time of the default day', (t) => {
  const total = scenario.truth.files.reduce((n, f) => n + f.records, 0);
  const attack = scenario.truth.stories.reduce((n, s) => n + s.steps.reduce((m, st) => m + st.records.length, 0), 0);
  t.diagnostic(`${total} records (${attack} attack) in ${scenario.truth.files.length} files, generated in ${elapsedMs.toFixed(0)} ms`);
  assert.ok(total >= 20_000 && total <= 60_000, `total ${total}`);
  assert.equal(scenario.truth.benign.count + attack, total);
  assert.ok(elapsedMs < 10_000, `generation took ${elapsedMs.toFixed(0)} ms`);
  const byDir = new Map<string, number>();
  for (const f of scenario.truth.files) byDir.set(f.path.split('/')[0] as string, (byDir.get(f.path.split('/')[0] as string) ?? 0) + f.records);
  for (const dir of ['windows', 'linux', 'okta', 'cloudtrail', 'firewall', 'zeek']) assert.ok((byDir.get(dir) ?? 0) > 200, `${dir}: ${byDir.get(dir)}`);
  assert.deepEqual(scenario.files.map((f) => f.path).filter((p) => !p.startsWith('cloudtrail/')), [
    'firewall/checkpoint.log', 'linux/auth.log', 'okta/system.log', 'windows/domain-controllers.json', 'windows/servers.json',
    'windows/workstations.json', 'zeek/conn.log', 'zeek/dns.log', 'identities.yaml',
  ]);
  assert.equal(scenario.files.filter((f) => f.path.startsWith('cloudtrail/')).length, 24);
});

test('scenario: every record decodes and normalizes, with the source type and event id the ground truth names', async () => {
  const byFile = await norm();
  const truthIds = new Set(scenario.truth.benign.eventIds);
  assert.equal(truthIds.size, scenario.truth.benign.count, 'benign ids are unique');
  for (const s of scenario.truth.stories) for (const st of s.steps) for (const r of st.records) {
    assert.ok(!truthIds.has(r.eventId), `${r.eventId} is listed twice`);
    truthIds.add(r.eventId);
  }
  const seen = new Set<string>();
  for (const f of scenario.truth.files) {
    const { records, failures } = byFile.get(f.path) ?? { records: [], failures: [] };
    assert.deepEqual(failures, [], `${f.path} has records that do not normalize`);
    assert.equal(records.length, f.records, f.path);
    for (const r of records) {
      assert.equal(r.sourceType, f.sourceType, `${f.path}:${r.line} was taken by ${r.sourceType}`);
      assert.ok(truthIds.has(r.eventId), `${f.path}:${r.line}: event id ${r.eventId} is not in the ground truth`);
      assert.ok(!seen.has(r.eventId), `${f.path}:${r.line}: duplicate event id`);
      seen.add(r.eventId);
      const ts = Date.parse(String(r.event['@timestamp']));
      assert.ok(ts >= DAY_START && ts < DAY_END, `${f.path}:${r.line}: @timestamp ${String(r.event['@timestamp'])} outside the day`);
    }
  }
  assert.equal(seen.size, truthIds.size);
});

test('scenario: markers point at the record: line (and index) of each attack record', async () => {
  const byFile = await norm();
  for (const s of scenario.truth.stories) for (const st of s.steps) for (const m of st.records) {
    const rec = byFile.get(m.file)?.records.find((r) => r.eventId === m.eventId);
    assert.ok(rec !== undefined, `${s.id}/${st.id}: ${m.file} has no record ${m.eventId}`);
    if (m.index === undefined) assert.equal(rec.line, m.line);
    else {
      assert.equal(rec.index, m.index);
      const content = scenario.files.find((f) => f.path === m.file)?.content ?? '';
      assert.equal(content.split('\n')[m.line - 1]?.replace(/,$/, ''), rec.raw, 'a CloudTrail record sits on its marker line');
    }
  }
});

test('scenario: ground truth stories, steps, techniques and times', () => {
  const t = scenario.truth;
  assert.equal(t.seed, 'weft-demo');
  assert.equal(t.start, '2026-03-10T00:00:00.000Z');
  assert.equal(t.end, '2026-03-11T00:00:00.000Z');
  assert.deepEqual(t.stories.map((s) => s.id), STORIES.map((s) => s.id));
  assert.deepEqual(t.stories.map((s) => s.id), ['password-spray', 'ssh-brute-force', 'phishing-powershell', 'credential-dumping', 'lateral-movement', 'cloud-privesc', 'exfiltration']);
  for (const s of t.stories) {
    assert.ok(s.steps.length >= 2, `${s.id} has several steps`);
    for (const st of s.steps) {
      assert.ok(st.records.length > 0);
      assert.ok(st.techniques.every((x) => /^T\d{4}(\.\d{3})?$/.test(x)) && st.techniques.every((x) => s.techniques.includes(x)), `${s.id}/${st.id} techniques`);
      assert.ok(Date.parse(st.start) <= Date.parse(st.end));
      assert.ok(Date.parse(st.start) >= DAY_START && Date.parse(st.end) < DAY_END);
    }
  }
  const sources = (id: string): string[] => [...new Set(t.stories.find((s) => s.id === id)?.steps.flatMap((st) => st.records.map((r) => r.file.split('/')[0] as string)))].sort();
  assert.deepEqual(sources('ssh-brute-force'), ['firewall', 'linux']);
  assert.deepEqual(sources('phishing-powershell'), ['firewall', 'windows', 'zeek']);
  assert.deepEqual(sources('cloud-privesc'), ['cloudtrail', 'okta']);
  assert.deepEqual(sources('exfiltration'), ['firewall', 'windows', 'zeek']);
  assert.deepEqual(sources('lateral-movement'), ['windows', 'zeek']);
});

test('story password-spray: one address, many users, one or two tries each, then a takeover with MFA fatigue', async () => {
  const spray = await eventsOf('password-spray', 'spray');
  const ips = new Set(spray.map((r) => at(r.event, 'source.ip')));
  assert.deepEqual([...ips], ['198.51.100.23']);
  const perUser = new Map<string, number>();
  for (const r of spray) {
    assert.equal(at(r.event, 'event.outcome'), 'failure');
    perUser.set(String(at(r.event, 'user.name')), (perUser.get(String(at(r.event, 'user.name'))) ?? 0) + 1);
  }
  assert.ok(perUser.size >= 30, `${perUser.size} users`);
  assert.ok([...perUser.values()].every((n) => n <= 2));
  const take = await eventsOf('password-spray', 'takeover');
  assert.deepEqual(take.map((r) => at(r.event, 'event.action')), [
    'policy.evaluate_sign_on', 'system.push.send_factor_verify_push', 'system.push.send_factor_verify_push', 'system.push.send_factor_verify_push',
    'system.push.send_factor_verify_push', 'user.authentication.auth_via_mfa', 'user.session.start', 'user.mfa.factor.activate',
  ]);
  assert.ok(take.every((r) => at(r.event, 'source.ip') === '198.51.100.23'));
  const victim = at(take[0]?.event, 'user.name');
  assert.ok(perUser.has(String(victim)), 'the taken-over account was sprayed');
});

test('story ssh-brute-force: at least five failures, then Accepted from the same address for the same user, then root', async () => {
  const fails = (await eventsOf('ssh-brute-force', 'guessing')).filter((r) => r.sourceType === 'linux' && at(r.event, 'system.auth.ssh.event') === 'Failed');
  const ok = (await eventsOf('ssh-brute-force', 'login')).filter((r) => r.sourceType === 'linux' && at(r.event, 'system.auth.ssh.event') === 'Accepted');
  assert.ok(fails.length >= 5);
  assert.equal(ok.length, 1);
  const win = ok[0]?.event;
  for (const f of fails) {
    assert.equal(at(f.event, 'source.ip'), at(win, 'source.ip'));
    assert.equal(at(f.event, 'user.name'), at(win, 'user.name'));
    assert.ok(String(f.event['@timestamp']) < String(win?.['@timestamp']));
  }
  const priv = await eventsOf('ssh-brute-force', 'privilege');
  assert.ok(priv.some((r) => at(r.event, 'process.command_line') === '/bin/bash' && at(r.event, 'user.effective.name') === 'root'));
  assert.ok(priv.some((r) => at(r.event, 'process.name') === 'useradd' && at(r.event, 'user.name') === 'sysupdate'));
});

test('story phishing-powershell: WINWORD.EXE starts powershell.exe -enc, which beacons to the domain it resolved', async () => {
  const exec = await eventsOf('phishing-powershell', 'macro-exec');
  assert.equal(exec.length, 2);
  assert.match(String(at(exec[0]?.event, 'process.command_line')), /WINWORD\.EXE" \/n ".*\\Content\.Outlook\\[A-Z0-9]+\\Invoice_7731\.docm"/);
  assert.match(String(at(exec[0]?.event, 'process.parent.executable')), /\\OUTLOOK\.EXE$/);
  assert.match(String(at(exec[1]?.event, 'process.parent.executable')), /\\WINWORD\.EXE$/);
  assert.equal(at(exec[1]?.event, 'process.parent.pid'), at(exec[0]?.event, 'process.pid'));
  assert.match(String(at(exec[1]?.event, 'process.command_line')), /^powershell\.exe -nop -w hidden -enc [A-Za-z0-9+/=]+$/);
  const script = Buffer.from(String(at(exec[1]?.event, 'process.command_line')).split(' ').pop() as string, 'base64').toString('utf16le');
  assert.match(script, /^\$u='https:\/\/cdn-telemetry-sync\.com\/c'/);
  const c2 = await eventsOf('phishing-powershell', 'c2');
  const dns = c2.filter((r) => at(r.event, 'event.dataset') === 'zeek.dns');
  assert.equal(dns.length, 1);
  const resolved = at(dns[0]?.event, 'dns.resolved_ip') as string[];
  const dsts = new Set(c2.filter((r) => at(r.event, 'event.dataset') !== 'zeek.dns').map((r) => at(r.event, 'destination.ip')));
  assert.deepEqual([...dsts], resolved);
});

test('story lateral-movement: 4624 logons hop A -> B (type 3, NTLM) -> C (type 10) -> DC (type 3) with admin shares', async () => {
  const hop = async (step: string, type: string): Promise<{ host: string; from: string; user: string }> => {
    const logon = (await eventsOf('lateral-movement', step)).find((r) => at(r.event, 'winlog.event_id') === '4624');
    assert.ok(logon !== undefined, step);
    assert.equal(at(logon.event, 'winlog.event_data.LogonType'), type);
    return { host: String(at(logon.event, 'host.name')), from: String(at(logon.event, 'source.ip')), user: String(at(logon.event, 'user.name')) };
  };
  const a = await hop('smb-fileserver', '3');
  const b = await hop('rdp-jump', '10');
  const c = await hop('smb-dc', '3');
  assert.deepEqual([a.host, b.host, c.host], ['FS01.corp.example', 'JUMP01.corp.example', 'DC01.corp.example']);
  assert.equal(b.from, '10.10.1.20', 'RDP to the jump host comes from FS01');
  assert.equal(c.from, '10.10.1.5', 'the DC logon comes from JUMP01');
  assert.ok(a.user.startsWith('adm-') && a.user === b.user && b.user === c.user);
  const shares = [...(await eventsOf('lateral-movement', 'smb-fileserver')), ...(await eventsOf('lateral-movement', 'smb-dc'))]
    .filter((r) => ['5140', '5145'].includes(String(at(r.event, 'winlog.event_id'))))
    .map((r) => `${String(at(r.event, 'winlog.event_id'))} ${String(at(r.event, 'winlog.event_data.ShareName'))}`);
  assert.deepEqual(shares, ['5140 \\\\*\\ADMIN$', '5145 \\\\*\\ADMIN$', '5140 \\\\*\\C$', '5145 \\\\*\\C$']);
});

test('story credential-dumping and cloud-privesc and exfiltration: the tell-tale records are there', async () => {
  const dump = await eventsOf('credential-dumping', 'comsvcs-minidump');
  assert.ok(dump.some((r) => /comsvcs\.dll, MiniDump \d+ C:\\Users\\Public\\lsass\.dmp full$/.test(String(at(r.event, 'process.command_line')))));
  assert.ok(dump.some((r) => at(r.event, 'winlog.event_data.GrantedAccess') === '0x1FFFFF' && /lsass\.exe$/.test(String(at(r.event, 'winlog.event_data.TargetImage')))));
  const pd = await eventsOf('credential-dumping', 'procdump');
  assert.ok(pd.some((r) => String(at(r.event, 'process.command_line')).includes('-ma lsass.exe')));
  const cloud = [...(await eventsOf('cloud-privesc', 'discovery')), ...(await eventsOf('cloud-privesc', 'assume-role')), ...(await eventsOf('cloud-privesc', 'escalate')), ...(await eventsOf('cloud-privesc', 'persist'))];
  assert.deepEqual(cloud.map((r) => at(r.event, 'event.action')), [
    'user.authentication.sso', 'GetCallerIdentity', 'ListUsers', 'ListRoles', 'GetAccountAuthorizationDetails', 'ListAttachedRolePolicies',
    'AssumeRole', 'AttachRolePolicy', 'PutUserPolicy', 'CreateAccessKey',
  ]);
  const big = (await eventsOf('exfiltration', 'transfer')).filter((r) => at(r.event, 'event.dataset') === 'zeek.connection');
  assert.equal(big.length, 3);
  const dst = at(big[0]?.event, 'destination.ip');
  assert.ok(big.every((r) => Number(at(r.event, 'zeek.connection.orig_bytes')) > 600_000_000 && at(r.event, 'destination.ip') === dst));
  // The destination is rare: no benign record of the day talks to it.
  const benign = new Set(scenario.truth.benign.eventIds);
  for (const { records } of (await norm()).values()) {
    for (const r of records) if (benign.has(r.eventId)) assert.ok(!r.raw.includes(String(dst)), `benign record mentions ${String(dst)}`);
  }
});

test('identities.yaml: one canonical user per person with the names each source uses', async () => {
  const text = scenario.files.find((f) => f.path === 'identities.yaml')?.content ?? '';
  const doc = parse(text) as { version: number; domain: string; users: { id: string; aliases: { windows: string[]; okta: string[]; aws?: string[]; linux?: string[] } }[] };
  assert.equal(doc.version, 1);
  assert.equal(doc.users.length, 50);
  assert.equal(new Set(doc.users.map((u) => u.id)).size, 50);
  for (const u of doc.users) {
    assert.ok(u.aliases.windows.includes(`CORP\\${u.id}`));
    assert.ok(u.aliases.okta.includes(`${u.id}@corp.example`));
  }
  // The sprayed engineer appears in Okta and, through SSO, in CloudTrail: both forms are in the directory.
  const sso = (await eventsOf('cloud-privesc', 'discovery')).filter((r) => r.sourceType === 'cloudtrail');
  const arn = String(at(sso[0]?.event, 'aws.cloudtrail.user_identity.arn'));
  const email = arn.split('/').pop() as string;
  const user = doc.users.find((u) => u.aliases.okta.includes(email));
  assert.ok(user?.aliases.aws !== undefined);
  const pattern = user.aliases.aws.find((a) => a.startsWith('arn:')) as string;
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('\\*', '[^/]+').replace('*', '[^/]+')}$`);
  assert.match(arn, re);
  assert.ok(user.aliases.windows.some((w) => w.startsWith('CORP\\adm-')) === false || user.id !== email);
});

test('options: bad values are refused with the option named', () => {
  const bad = (opts: Parameters<typeof generateScenario>[0], option: string, want: RegExp): void => {
    assert.throws(() => generateScenario(opts), (e: unknown) => e instanceof ScenarioOptionsError && e.option === option && want.test(e.message));
  };
  bad({ seed: '', start: OPTS.start }, 'seed', /non-empty text/);
  bad({ seed: 1.5, start: OPTS.start }, 'seed', /safe integer/);
  bad({ seed: 1, start: '2026-03-10' }, 'start', /ISO 8601 time with a zone/);
  bad({ seed: 1, start: '2026-03-10T00:00:00' }, 'start', /with a zone/);
  bad({ seed: 1, start: '2026-02-31T00:00:00Z' }, 'start', /not a valid date and time: 2026-02-31/);
  bad({ seed: 1, start: '2026-03-10T24:00:00Z' }, 'start', /not a valid date and time/);
  bad({ seed: 1, start: OPTS.start, users: 5 }, 'users', /12 to 500/);
  bad({ seed: 1, start: OPTS.start, users: 10_000 }, 'users', /12 to 500/);
  bad({ seed: 1, start: OPTS.start, hosts: 2.5 }, 'hosts', /16 to 500/);
  assert.throws(() => runScenarioCommand({ out: '' }), (e: unknown) => e instanceof ScenarioOptionsError && e.option === 'out');
  assert.throws(() => runScenarioCommand({ out: '/tmp/x', users: 'many' }), (e: unknown) => e instanceof ScenarioOptionsError && e.option === 'users' && /whole number/.test(e.message));
});

test('writeScenario and the CLI entry write every file and ground-truth.json; a blocked path is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-scenario-'));
  try {
    const small = { seed: 7, start: '2026-06-01T00:00:00+02:00', users: 12, hosts: 16 };
    const s = writeScenario(join(dir, 'a'), small);
    for (const f of s.files) assert.ok(readFileSync(join(dir, 'a', f.path), 'utf8') === f.content, f.path);
    const truth = JSON.parse(readFileSync(join(dir, 'a', 'ground-truth.json'), 'utf8')) as GroundTruth;
    assert.deepEqual(truth, s.truth);
    assert.equal(truth.start, '2026-05-31T22:00:00.000Z');
    const summary = runScenarioCommand({ out: join(dir, 'b'), seed: 7, start: small.start, users: '12', hosts: 16 });
    assert.equal(summary.records, s.truth.benign.count + summary.attackRecords);
    assert.deepEqual(summary.stories.map((x) => x.id), STORIES.map((x) => x.id));
    assert.ok(readFileSync(join(dir, 'b', 'okta', 'system.log'), 'utf8') === s.files.find((f) => f.path === 'okta/system.log')?.content);
    writeFileSync(join(dir, 'blocker'), 'not a directory');
    assert.throws(() => writeScenario(join(dir, 'blocker'), small), (e: unknown) => e instanceof ScenarioWriteError && e.message.startsWith(`cannot write scenario file ${join(dir, 'blocker')}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('small worlds still tell every story and normalize cleanly', async () => {
  const s = generateScenario({ seed: 'small', start: '2026-01-01T00:00:00Z', users: 12, hosts: 16 });
  assert.deepEqual(s.truth.stories.map((x) => x.steps.every((st) => st.records.length > 0)), STORIES.map(() => true));
  for (const [path, { failures }] of await norm(s)) assert.deepEqual(failures, [], path);
});

test('Rng: fixed streams per seed, ranges respected, empty pick refused', () => {
  const a = new Rng('x');
  const b = new Rng('x');
  const seqA = Array.from({ length: 5 }, () => a.u32());
  assert.deepEqual(Array.from({ length: 5 }, () => b.u32()), seqA);
  assert.notDeepEqual(Array.from({ length: 5 }, () => new Rng('y').u32()), seqA);
  const r = new Rng(1);
  for (let i = 0; i < 2000; i++) {
    const n = r.int(3, 7);
    assert.ok(n >= 3 && n <= 7 && Number.isInteger(n));
    const f = r.float();
    assert.ok(f >= 0 && f < 1);
  }
  assert.match(r.uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.throws(() => r.pick([]), RangeError);
});
