import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityId } from '../event/event-id.js';
import { CorrelationEngine } from './engine.js';
import { CorrelationRuleError } from './errors.js';
import { parseCorrelationText } from './load.js';
import { input, logon, oktaLogin, ssh, sysmonProcess, T0 } from './testdata/events.js';
import * as sc from './testdata/scenarios.js';
import { engineFor, runAll, type Scenario } from './testdata/scenarios.js';
import type { CorrelationAlert, EngineInput } from './types.js';

const S = 1000;
const M = 60_000;
const iso = (ms: number): string => new Date(T0 + ms).toISOString();
const ids = (inputs: readonly EngineInput[], idx: number[]): string[] => idx.map((i) => (inputs[i] as EngineInput).event.weft.id);
const run = (s: Scenario): CorrelationAlert[] => runAll(engineFor(s.rules, s.options), s.inputs);
const ENTITY = (canonical: string): string => entityId('user', canonical);

test('event_count: fires on the event that reaches the count, then resets the group', () => {
  const s = sc.bruteForce;
  const alerts = run(s);
  assert.deepEqual(alerts, [
    {
      kind: 'correlation',
      rule: { title: 'SSH brute force', tags: ['attack.credential-access', 'attack.t1110'], id: '6a3f0d3e-1111-4c1e-9d55-000000000001', name: 'ssh_brute_force', level: 'high' },
      correlation: { type: 'event_count' },
      group: { 'user.name': 'root', 'source.ip': '89.160.20.156' },
      events: ids(s.inputs, [0, 1, 3]),
      sources: ['linux'],
      first_time: iso(0),
      last_time: iso(20 * S),
      '@timestamp': iso(20 * S),
      value: 3,
    },
    {
      kind: 'correlation',
      rule: { title: 'SSH brute force', tags: ['attack.credential-access', 'attack.t1110'], id: '6a3f0d3e-1111-4c1e-9d55-000000000001', name: 'ssh_brute_force', level: 'high' },
      correlation: { type: 'event_count' },
      group: { 'user.name': 'root', 'source.ip': '89.160.20.156' },
      events: ids(s.inputs, [4, 5, 6]),
      sources: ['linux'],
      first_time: iso(25 * S),
      last_time: iso(35 * S),
      '@timestamp': iso(35 * S),
      value: 3,
    },
  ]);
});

test('event_count: on_fire: refire keeps the window and fires on every later event that meets the condition', () => {
  const s = sc.bruteForce;
  const rules = s.rules.replace('  condition: {gte: 3}', '  condition: {gte: 3}\n  on_fire: refire');
  const alerts = runAll(engineFor(rules), s.inputs);
  assert.deepEqual(alerts.map((a) => [a['@timestamp'], a.value, a.events]), [
    [iso(20 * S), 3, ids(s.inputs, [0, 1, 3])],
    [iso(25 * S), 4, ids(s.inputs, [0, 1, 3, 4])],
    [iso(30 * S), 5, ids(s.inputs, [0, 1, 3, 4, 5])],
    [iso(35 * S), 6, ids(s.inputs, [0, 1, 3, 4, 5, 6])],
  ]);
});

test('sliding window edges: an event exactly one timespan after the first is inside, one ms later is not', () => {
  const rules = sc.bruteForce.rules;
  const at = (ms: number): EngineInput => input(ssh({ ms, user: 'root', ip: '192.0.2.9' }), 'ssh_failed');
  const inside = runAll(engineFor(rules), [at(0), at(30 * S), at(60 * S)]);
  assert.equal(inside.length, 1);
  assert.equal(inside[0]?.first_time, iso(0));
  assert.equal(inside[0]?.last_time, iso(60 * S));
  assert.deepEqual(runAll(engineFor(rules), [at(0), at(30 * S), at(60 * S + 1)]), []);
  // Sliding, not fixed buckets: 3 events that straddle a minute boundary still count.
  assert.equal(runAll(engineFor(rules), [at(50 * S), at(70 * S), at(100 * S)]).length, 1);
});

test('event_count with an upper bound (lt) is decided when the window anchored at the first event closes', () => {
  const rules = `title: Quiet host
name: quiet
correlation:
  type: event_count
  rules: [ssh_failed]
  group-by: [host.name]
  timespan: 1m
  condition: {gte: 1, lt: 3}
`;
  const inputs = [
    input(ssh({ ms: 0, user: 'a', ip: '10.9.0.1', host: 'h1' }), 'ssh_failed'),
    input(ssh({ ms: 10 * S, user: 'a', ip: '10.9.0.1', host: 'h2' }), 'ssh_failed'),
    input(ssh({ ms: 20 * S, user: 'a', ip: '10.9.0.1', host: 'h2' }), 'ssh_failed'),
    input(ssh({ ms: 30 * S, user: 'a', ip: '10.9.0.1', host: 'h2' }), 'ssh_failed'),
    input(ssh({ ms: 60 * S, user: 'a', ip: '10.9.0.1', host: 'h1' }), 'ssh_failed'),
  ];
  const engine = engineFor(rules);
  const alerts = runAll(engine, inputs);
  // h1: two events in [0, 60s] (both edges inclusive) -> 2 < 3 fires at the window end; h2: 3 events, no.
  assert.deepEqual(alerts.map((a) => [a.group, a.value, a['@timestamp'], a.events]), [[{ 'host.name': 'h1' }, 2, iso(60 * S), ids(inputs, [0, 4])]]);
});

test('interleaved groups keep separate windows', () => {
  const rules = sc.bruteForce.rules;
  const inputs: EngineInput[] = [];
  for (let i = 0; i < 3; i++) {
    inputs.push(input(ssh({ ms: i * 10 * S, user: 'u1', ip: '10.8.0.1' }), 'ssh_failed'));
    inputs.push(input(ssh({ ms: i * 10 * S + 1, user: 'u2', ip: '10.8.0.1' }), 'ssh_failed'));
    inputs.push(input(ssh({ ms: i * 10 * S + 2, user: 'u1', ip: '10.8.0.2' }), 'ssh_failed'));
  }
  const alerts = runAll(engineFor(rules), inputs);
  assert.deepEqual(alerts.map((a) => [a.group['user.name'], a.group['source.ip'], a.events]), [
    ['u1', '10.8.0.1', ids(inputs, [0, 3, 6])],
    ['u2', '10.8.0.1', ids(inputs, [1, 4, 7])],
    ['u1', '10.8.0.2', ids(inputs, [2, 5, 8])],
  ]);
});

test('events missing a group-by field are skipped and counted', () => {
  const engine = engineFor(sc.bruteForce.rules);
  const noIp = ssh({ ms: 0, user: 'root', ip: '10.0.0.1' });
  delete (noIp as { source?: unknown }).source;
  const inputs = [input(noIp, 'ssh_failed'), input(structuredClone(noIp), 'ssh_failed'), input(ssh({ ms: 1, user: 'root', ip: '10.0.0.1' }), 'ssh_failed')];
  (inputs[1] as EngineInput).event.weft.id = 'other-id';
  assert.deepEqual(runAll(engine, inputs), []);
  assert.deepEqual(engine.stats().missingGroupBy, { 'SSH brute force': 2 });
  assert.equal(engine.stats().processed, 3);
});

test('temporal expression: absence fires when the window closes without the negated rule', () => {
  const s = sc.absence;
  const alerts = run(s);
  // bob succeeded within 2m, dave never failed, eve succeeded exactly at the window end (inclusive);
  // frank's success came 1 ms too late; carol never succeeded.
  assert.deepEqual(alerts.map((a) => [a.group, a.events, a.first_time, a['@timestamp']]), [
    [{ 'user.name': 'frank' }, ids(s.inputs, [3]), iso(0), iso(120 * S)],
    [{ 'user.name': 'carol' }, ids(s.inputs, [4]), iso(10 * S), iso(130 * S)],
  ]);
});

test('absence needs the watermark to pass the window end: nothing before, the alert once it does', () => {
  const engine = engineFor(sc.absence.rules, { allowedLatenessMs: 30 * S });
  const fail = input(ssh({ ms: 0, user: 'carol', ip: '10.1.1.3' }), 'ssh_failed');
  assert.deepEqual(engine.push(fail, 0).alerts, []);
  // Watermark = 150s - 30s = 120s: the window [0, 120s] is not yet closed (an event at 120s may still come).
  assert.deepEqual(engine.push(input(ssh({ ms: 150 * S, user: 'zed', ip: '10.1.1.9', ok: true }), 'other_rule'), 1).alerts, []);
  const out = engine.push(input(ssh({ ms: 150 * S + 1, user: 'zed', ip: '10.1.1.9', ok: true }), 'other_rule'), 2);
  assert.deepEqual(out.alerts.map((a) => [a.group, a['@timestamp']]), [[{ 'user.name': 'carol' }, iso(120 * S)]]);
  assert.deepEqual(engine.flush().alerts, []);
});

test('chained correlations: the inner alert is a match of the outer rule; generate: false hides the inner one and the base rules', () => {
  const s = sc.chained;
  const engine = engineFor(s.rules);
  const alerts = runAll(engine, s.inputs);
  assert.deepEqual(alerts, [
    {
      kind: 'correlation',
      rule: { title: 'Multiple failed logins followed by a successful login', tags: [], id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6', level: 'high' },
      correlation: { type: 'temporal_ordered' },
      group: { 'user.name': 'root' },
      events: ids(s.inputs, [0, 1, 3, 4]),
      sources: ['linux'],
      first_time: iso(10 * S),
      last_time: iso(50 * S),
      '@timestamp': iso(50 * S),
      value: 2,
    },
  ]);
  assert.deepEqual([...engine.hiddenRules].sort(), ['ssh_failed', 'ssh_success']);
  assert.deepEqual(engine.defs.map((d) => engine.isHidden(d)), [false, true]);
  assert.equal(engine.stats().alerts, 2, 'the inner alert was produced, only not reported');
});

test('generate: true reports the referenced correlation and leaves its rules visible', () => {
  const rules = sc.chained.rules.replace('  timespan: 2m\n', '  timespan: 2m\n  generate: true\n');
  const engine = engineFor(rules);
  const alerts = runAll(engine, sc.chained.inputs);
  assert.deepEqual(alerts.map((a) => [a.rule.title, a['@timestamp']]), [
    ['Multiple failed logins', iso(10 * S)],
    ['Multiple failed logins followed by a successful login', iso(50 * S)],
  ]);
  assert.deepEqual([...engine.hiddenRules], ['ssh_failed']);
});

test('temporal_ordered: the order of rules matters', () => {
  const rules = `title: Success then failures
name: ordered
correlation:
  type: temporal_ordered
  rules: [ssh_success, ssh_failed]
  group-by: [user.name]
  timespan: 1m
`;
  const inputs = [
    input(ssh({ ms: 0, user: 'x', ip: '10.7.0.1' }), 'ssh_failed'),
    input(ssh({ ms: 1 * S, user: 'x', ip: '10.7.0.1', ok: true }), 'ssh_success'),
    input(ssh({ ms: 2 * S, user: 'y', ip: '10.7.0.1', ok: true }), 'ssh_success'),
    input(ssh({ ms: 62 * S + 1, user: 'y', ip: '10.7.0.1' }), 'ssh_failed'),
    input(ssh({ ms: 70 * S, user: 'x', ip: '10.7.0.1' }), 'ssh_failed'),
  ];
  // x: success at 1s then failure at 70s is 69s apart (> 1m); the failure at 0 came before. y: 60.001s apart.
  assert.deepEqual(runAll(engineFor(rules), inputs), []);
  const inTime = [...inputs.slice(0, 3), input(ssh({ ms: 61 * S, user: 'x', ip: '10.7.0.1' }), 'ssh_failed')];
  assert.deepEqual(runAll(engineFor(rules), inTime).map((a) => a.events), [ids(inTime, [1, 3])]);
});

test('temporal: all rules within the timespan, in any order, per group', () => {
  const s = sc.recon;
  assert.deepEqual(run(s).map((a) => [a.group, a.events, a.value, a['@timestamp']]), [[{ 'host.name': 'ws-b' }, ids(s.inputs, [0, 2, 3]), 3, iso(5 * M)]]);
});

test('aliases: different fields per base rule group together, each read with its own resolver', () => {
  const s = sc.aliases;
  assert.deepEqual(run(s).map((a) => [a.group, a.events, a.sources]), [[{ account: 'alice' }, ids(s.inputs, [0, 2]), ['linux', 'windows']]]);
  // Without the Windows pipeline, TargetUserName is read as a top-level field and is missing.
  const engine = engineFor(s.rules);
  assert.deepEqual(runAll(engine, s.inputs), []);
  assert.deepEqual(engine.stats().missingGroupBy, { 'SSH failures and a Windows network logon by the same account': 2 });
});

test('value_count: distinct values of the field per group', () => {
  const s = sc.spray;
  assert.deepEqual(run(s).map((a) => [a.group, a.value, a.events]), [[{ 'source.ip': '203.0.113.7' }, 3, ids(s.inputs, [0, 1, 2, 4])]]);
});

test('temporal with a count condition: any 2 of the 3 rules', () => {
  const rules = sc.recon.rules.replace('  timespan: 5m\n', '  timespan: 5m\n  condition: {gte: 2}\n');
  const s = sc.recon;
  assert.deepEqual(runAll(engineFor(rules), s.inputs).map((a) => [a.group, a.events, a.value]), [
    [{ 'host.name': 'ws-b' }, ids(s.inputs, [0, 2]), 2],
    [{ 'host.name': 'ws-c' }, ids(s.inputs, [4, 5]), 2],
  ]);
});

test('value_count over two fields counts distinct combinations', () => {
  const rules = `title: Distinct user and address pairs
name: pairs
correlation:
  type: value_count
  rules: [ssh_failed]
  group-by: [host.name]
  timespan: 5m
  condition: {field: [user.name, source.ip], gte: 3}
`;
  const inputs = [
    input(ssh({ ms: 0, user: 'a', ip: '10.0.0.1' }), 'ssh_failed'),
    input(ssh({ ms: 1, user: 'a', ip: '10.0.0.2' }), 'ssh_failed'),
    input(ssh({ ms: 2, user: 'a', ip: '10.0.0.1' }), 'ssh_failed'),
    input(ssh({ ms: 3, user: 'b', ip: '10.0.0.1' }), 'ssh_failed'),
  ];
  assert.deepEqual(runAll(engineFor(rules), inputs).map((a) => [a.value, a['@timestamp']]), [[3, iso(3)]]);
});

test('value_sum and value_avg', () => {
  const s = sc.sums;
  assert.deepEqual(run(s).map((a) => [a.rule.name, a.group, a.value, a.events]), [
    ['port_sum', { 'source.ip': '192.0.2.1' }, 140000, ids(s.inputs, [0, 1, 2])],
    ['port_avg', { 'source.ip': '192.0.2.2' }, 61000, ids(s.inputs, [3])],
  ]);
});

test('value_percentile: values whose share of the window meets the condition, decided at window close', () => {
  const s = sc.rare;
  assert.deepEqual(run(s).map((a) => [a.group, a.value, a.events, a['@timestamp']]), [[{ 'host.name': 'ws-b' }, 10, ids(s.inputs, [4]), iso(10 * M)]]);
});

test('sequence: steps in order within maxspan (inclusive), until cancels, min_sources, entity grouping', () => {
  const s = sc.sequence;
  assert.deepEqual(run(s).map((a) => [a.group, a.events, a.sources, a['@timestamp']]), [
    [{ 'entity.user': ENTITY('corp\\alice') }, ids(s.inputs, [0, 5]), ['okta', 'windows'], iso(1 * M)],
    [{ 'entity.user': ENTITY('corp\\dave') }, ids(s.inputs, [3, 7]), ['okta', 'windows'], iso(10 * M)],
  ]);
  // min_sources: 3 cannot be met by two source types.
  assert.deepEqual(runAll(engineFor(s.rules.replace('min_sources: 2', 'min_sources: 3')), s.inputs), []);
});

test('session: closes after the gap with all its events and sources; min_sources filters single-source sessions', () => {
  const s = sc.session;
  assert.deepEqual(run(s), [
    {
      kind: 'correlation',
      rule: { title: 'Cross-source user session', tags: [], name: 'user_session' },
      correlation: { type: 'session' },
      group: { 'entity.user': ENTITY('corp\\alice') },
      events: ids(s.inputs, [0, 2, 3]),
      sources: ['okta', 'windows'],
      first_time: iso(0),
      last_time: iso(7 * M),
      '@timestamp': iso(7 * M),
      value: 3,
    },
  ]);
  // Without min_sources every session is reported: bob's, and alice's second one (12m + 1ms is past the 5m gap).
  const all = runAll(engineFor(s.rules.replace('  min_sources: 2\n', '')), s.inputs);
  assert.deepEqual(all.map((a) => [a.group['entity.user'], a.value, a.sources]), [
    [ENTITY('corp\\bob'), 1, ['windows']],
    [ENTITY('corp\\alice'), 3, ['okta', 'windows']],
    [ENTITY('corp\\alice'), 1, ['windows']],
  ]);
});

test('session: max_events keeps the first ids and counts the rest', () => {
  const rules = `title: Busy session
name: busy
correlation:
  type: session
  rules: [ssh_failed]
  group-by: [user.name]
  gap: 1m
  max_events: 2
  condition: {gte: 3}
`;
  const inputs = [0, 1, 2, 3].map((i) => input(ssh({ ms: i * S, user: 'u', ip: '10.6.0.1' }), 'ssh_failed'));
  assert.deepEqual(runAll(engineFor(rules), inputs).map((a) => [a.value, a.events, a.omitted_events]), [[4, ids(inputs, [0, 1]), 2]]);
});

test('lateral_movement: a path of logons across hosts by one account', () => {
  const s = sc.lateral;
  assert.deepEqual(run(s).map((a) => [a.group, a.path, a.value, a.events]), [[{ 'user.name': 'alice' }, ['10.0.0.1', 'ws-b', 'ws-c'], 2, ids(s.inputs, [0, 3])]]);
  // min_hops 3 is not reached.
  assert.deepEqual(runAll(engineFor(s.rules.replace('min_hops: 2', 'min_hops: 3')), s.inputs), []);
});

test('process_lineage: parent chains by host and pid', () => {
  const s = sc.lineage;
  assert.deepEqual(run(s).map((a) => [a.group, a.events, a['@timestamp']]), [[{ 'host.name': 'ws-b' }, ids(s.inputs, [0, 2, 3]), iso(3 * M)]]);
});

test('process_lineage: Sysmon process GUIDs link parent and child even when pids do not', () => {
  const rules = sc.lineage.rules.replace('  group-by: [host.name]\n', '');
  const inputs = [
    input(sysmonProcess({ ms: 0, computer: 'ws-b', guid: '{aa-1}', parentGuid: '{aa-0}', pid: 50, ppid: 10, image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE' }), 'office_app'),
    input(sysmonProcess({ ms: 1 * S, computer: 'ws-b', guid: '{aa-2}', parentGuid: '{aa-1}', pid: 60, ppid: 999, image: 'C:\\Windows\\System32\\cmd.exe' }), 'shell_from_office'),
    input(sysmonProcess({ ms: 2 * S, computer: 'ws-b', guid: '{aa-3}', parentGuid: '{zz-9}', pid: 70, ppid: 60, image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' }), 'powershell_from_shell'),
    input(sysmonProcess({ ms: 3 * S, computer: 'ws-b', guid: '{aa-4}', parentGuid: '{aa-2}', pid: 71, ppid: 1, image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' }), 'powershell_from_shell'),
  ];
  // The third event names pid 60 as its parent (cmd's pid) but another GUID: host+pid links it too, so it
  // completes the chain; the fourth links by GUID only. With reset, the chain is consumed by the first.
  assert.deepEqual(runAll(engineFor(rules), inputs).map((a) => [a.events, a.sources]), [[ids(inputs, [0, 1, 2]), ['sysmon']]]);
  const refire = runAll(engineFor(rules.replace('  timespan: 10m', '  timespan: 10m\n  on_fire: refire')), inputs);
  assert.deepEqual(refire.map((a) => a.events), [ids(inputs, [0, 1, 2]), ids(inputs, [0, 1, 3])]);
});

test('group-by on an entity with several canonical ids fans out to one group per id', () => {
  const e = oktaLogin({ ms: 0, login: 'shared@corp.com' });
  e.weft.entity = { user: [ENTITY('corp\\a'), ENTITY('corp\\b')] };
  const rules = `title: Any okta login
name: any_okta
correlation:
  type: event_count
  rules: [okta_login]
  group-by: [entity.user]
  timespan: 1m
  condition: {gte: 1}
`;
  assert.deepEqual(runAll(engineFor(rules), [input(e, 'okta_login')]).map((a) => a.group['entity.user']), [ENTITY('corp\\a'), ENTITY('corp\\b')]);
  const engine = engineFor(rules, { maxFanout: 1 });
  assert.equal(runAll(engine, [input(structuredClone(e), 'okta_login')]).length, 1);
  assert.equal(engine.stats().fanoutTruncated, 1);
});

test('hostile group values: separators inside a value and huge fan-outs are contained', () => {
  const rules = sc.bruteForce.rules.replace('{gte: 3}', '{gte: 1}');
  const sep = ssh({ ms: 0, user: 'root', ip: '10.0.0.1' });
  (sep.user as { name: string }).name = 'ro\u0001ot';
  const engine = engineFor(rules);
  assert.deepEqual(runAll(engine, [input(sep, 'ssh_failed')]), []);
  assert.deepEqual(engine.stats().missingGroupBy, { 'SSH brute force': 1 });
  const wide = ssh({ ms: 0, user: 'root', ip: '10.0.0.1' });
  (wide.source as { ip: unknown }).ip = Array.from({ length: 10_000 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);
  const e2 = engineFor(rules);
  assert.equal(runAll(e2, [input(wide, 'ssh_failed')]).length, 16);
  assert.equal(e2.stats().fanoutTruncated, 1);
});

test('alerts handed out are the caller\'s: mutating them changes nothing inside', () => {
  const s = sc.chained;
  const engine = engineFor(s.rules.replace('  timespan: 2m\n', '  timespan: 2m\n  generate: true\n'));
  const out: CorrelationAlert[] = [];
  s.inputs.forEach((x, i) => {
    for (const a of engine.push(x, i).alerts) {
      out.push(structuredClone(a));
      a.events.length = 0;
      a.rule.tags.push('mutated');
    }
  });
  for (const a of engine.flush().alerts) out.push(a);
  assert.deepEqual(out, runAll(engineFor(s.rules.replace('  timespan: 2m\n', '  timespan: 2m\n  generate: true\n')), s.inputs));
});

test('late events are returned, counted, and never touch state; clock skew is applied first', () => {
  const engine = engineFor(sc.bruteForce.rules, { allowedLatenessMs: 1 * M, clockSkewMs: { 'fast-host': 30 * S } });
  const at = (ms: number, sourceId?: string): EngineInput => input(ssh({ ms, user: 'root', ip: '10.5.0.1', ...(sourceId !== undefined && { sourceId }) }), 'ssh_failed');
  assert.deepEqual(engine.push(at(10 * M), 0), { alerts: [], late: [], invalid: [] });
  const late = engine.push(at(9 * M - 1), 1);
  assert.deepEqual(late.late, [{ position: 1, id: (at(9 * M - 1).event.weft.id), time: T0 + 9 * M - 1, watermark: T0 + 9 * M }]);
  assert.deepEqual(engine.push(at(9 * M), 2).late, [], 'exactly at the watermark is in time');
  // Reported at 9m20s by a clock 30s fast: really 8m50s, late.
  assert.equal(engine.push(at(9 * M + 20 * S, 'fast-host'), 3).late[0]?.time, T0 + 8 * M + 50 * S);
  const out = engine.flush();
  assert.deepEqual(out.alerts, [], 'two in-time events do not reach 3; the late ones were not counted');
  assert.equal(engine.stats().late, 2);
  assert.equal(engine.stats().processed, 2);
});

test('bad inputs are reported with a reason and never throw', () => {
  const engine = engineFor(sc.bruteForce.rules);
  const good = ssh({ ms: 0, user: 'root', ip: '10.5.0.1' });
  const noZone = structuredClone(good);
  noZone['@timestamp'] = '2024-05-01T10:00:00';
  const badTime = structuredClone(good);
  badTime['@timestamp'] = '2024-13-45T99:00:00Z';
  const noId = structuredClone(good) as unknown as { weft: Record<string, unknown> };
  delete noId.weft['id'];
  const cases: Array<[unknown, string]> = [
    [null, 'input is not an object'],
    [{ event: 'x', matches: [] }, 'event is not an object'],
    [{ event: noId, matches: ['ssh_failed'] }, 'event has no weft.id'],
    [{ event: good, matches: 'ssh_failed' }, 'matches is not a list of rule ids/names'],
    [{ event: good, matches: [42] }, 'matches is not a list of rule ids/names'],
    [{ event: noZone, matches: ['ssh_failed'] }, "@timestamp '2024-05-01T10:00:00' has no time zone"],
    [{ event: badTime, matches: ['ssh_failed'] }, "@timestamp '2024-13-45T99:00:00Z' is not a valid time"],
  ];
  cases.forEach(([x, reason], i) => {
    const out = engine.push(x as EngineInput, i);
    assert.equal(out.invalid.length, 1, reason);
    assert.equal(out.invalid[0]?.reason, reason);
  });
  assert.equal(engine.stats().invalid, cases.length);
  assert.equal(engine.stats().processed, 0);
});

test('state is bounded: least-recently-updated keys are evicted and counted', () => {
  const rules = sc.bruteForce.rules.replace('{gte: 3}', '{gte: 2}');
  const engine = engineFor(rules, { maxStateEntries: 2 });
  const at = (ms: number, user: string): EngineInput => input(ssh({ ms, user, ip: '10.4.4.4' }), 'ssh_failed');
  const inputs = [at(0, 'a'), at(1, 'b'), at(2, 'c'), at(3, 'a'), at(4, 'c')];
  const alerts = runAll(engine, inputs);
  // c evicts a (the oldest); a's second event starts over (evicting b); c's second event fires.
  assert.deepEqual(alerts.map((a) => [a.group['user.name'], a.events]), [['c', ids(inputs, [2, 4])]]);
  assert.equal(engine.stats().evictions, 2);
});

test('state expires with its window: nothing is left after the watermark passes', () => {
  const engine = engineFor(sc.bruteForce.rules, { allowedLatenessMs: 0 });
  engine.push(input(ssh({ ms: 0, user: 'root', ip: '10.3.3.3' }), 'ssh_failed'), 0);
  engine.push(input(ssh({ ms: 1, user: 'other', ip: '10.3.3.3' }), 'unrelated'), 1);
  assert.equal(engine.stats().stateEntries, 1);
  engine.push(input(ssh({ ms: 60 * S + 1, user: 'other', ip: '10.3.3.3' }), 'unrelated'), 2);
  assert.equal(engine.stats().stateEntries, 0);
  assert.equal(engine.stats().timers, 0);
});

test('rule set errors: cycles, unknown references, aliases naming other rules, duplicate names', () => {
  const parse = (y: string) => parseCorrelationText(y, 'x.yml').correlations;
  const cyc = parse(`title: A
name: a
correlation: {type: event_count, rules: [b], timespan: 1m, condition: {gte: 1}}
---
title: B
name: b
correlation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 1}}
`);
  assert.throws(() => new CorrelationEngine(cyc), (e: unknown) => e instanceof CorrelationRuleError && /cycle/.test(e.message));
  const one = parse(sc.bruteForce.rules);
  assert.throws(() => new CorrelationEngine(one, { knownRules: ['something_else'] }), /references unknown rule 'ssh_failed'/);
  assert.doesNotThrow(() => new CorrelationEngine(one, { knownRules: ['ssh_failed'] }));
  const alias = parse(sc.aliases.rules.replace('      ssh_failed: user.name', '      not_listed: user.name'));
  assert.throws(() => new CorrelationEngine(alias), /alias 'account' names 'not_listed', which is not in 'rules'/);
  assert.throws(() => new CorrelationEngine([...one, ...one]), /id or name '6a3f0d3e-1111-4c1e-9d55-000000000001' is used by two correlations/);
});

test('a real Windows logon stream through pipeline resolution: remote logons by account and source address', () => {
  const rules = `title: Repeated network logons
name: repeated_network_logons
correlation:
  type: event_count
  rules: [win_network_logon]
  group-by: [TargetUserName, IpAddress]
  timespan: 10m
  condition: {gte: 2}
`;
  const inputs = [
    input(logon({ ms: 0, user: 'alice', ip: '10.0.0.1', computer: 'ws-b' }), 'win_network_logon'),
    input(logon({ ms: 1 * M, user: 'alice', ip: '10.0.0.2', computer: 'ws-b' }), 'win_network_logon'),
    input(logon({ ms: 2 * M, user: 'alice', ip: '10.0.0.1', computer: 'ws-c' }), 'win_network_logon'),
  ];
  const alerts = runAll(engineFor(rules, { resolverFor: () => sc.windowsSecurityResolver() }), inputs);
  assert.deepEqual(alerts.map((a) => [a.group, a.events]), [[{ TargetUserName: 'alice', IpAddress: '10.0.0.1' }, ids(inputs, [0, 2])]]);
});
