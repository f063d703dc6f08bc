/** Order independence within the allowed lateness, and exact resumption from checkpoints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointError } from './errors.js';
import { input, rng, ssh } from './testdata/events.js';
import { ALL, engineFor, runAll, type Scenario } from './testdata/scenarios.js';
import type { CorrelationAlert, EngineInput, EngineOptions } from './types.js';

const LATENESS = 5 * 60_000;

/** Arrival order where each event may be overtaken by events up to LATENESS newer: never late. */
function shuffleWithinLateness(inputs: readonly EngineInput[], seed: number, lateness = LATENESS): EngineInput[] {
  const r = rng(seed);
  return inputs
    .map((x) => ({ x, k: Date.parse(x.event['@timestamp'] as string) + r() * lateness }))
    .sort((a, b) => a.k - b.k)
    .map((p) => p.x);
}

/** A busy stream: 400 SSH events over 30 minutes, 6 users, 4 addresses, failures and successes. */
function busyStream(seed: number): EngineInput[] {
  const r = rng(seed);
  const users = ['root', 'admin', 'alice', 'bob', 'carol', 'oracle'];
  const ips = ['89.160.20.156', '203.0.113.7', '198.51.100.1', '10.0.2.2'];
  const out: EngineInput[] = [];
  for (let i = 0; i < 400; i++) {
    const ok = r() < 0.15;
    const ms = Math.floor(r() * 30 * 60_000);
    const ev = ssh({ ms, user: users[Math.floor(r() * users.length)] as string, ip: ips[Math.floor(r() * ips.length)] as string, ok, port: 20000 + Math.floor(r() * 40000) });
    out.push(input(ev, ok ? 'ssh_success' : 'ssh_failed'));
  }
  return out.sort((a, b) => Date.parse(a.event['@timestamp'] as string) - Date.parse(b.event['@timestamp'] as string) || (a.event.weft.id < b.event.weft.id ? -1 : 1));
}

const BUSY_RULES = `title: Brute force
name: bf
correlation: {type: event_count, rules: [ssh_failed], group-by: [user.name], timespan: 2m, condition: {gte: 4}}
---
title: Spray
name: spray
correlation: {type: value_count, rules: [ssh_failed], group-by: [source.ip], timespan: 3m, condition: {field: user.name, gte: 4}}
---
title: Quiet pair
name: quiet
correlation: {type: event_count, rules: [ssh_success], group-by: [user.name, source.ip], timespan: 5m, condition: {gte: 1, lte: 2}}
---
title: Failure without success
name: absent
correlation: {type: temporal, rules: [ssh_failed, ssh_success], group-by: [user.name], timespan: 1m, condition: ssh_failed and not ssh_success}
---
title: Success after failures
name: after
correlation: {type: temporal_ordered, rules: [bf, ssh_success], group-by: [user.name], timespan: 5m}
---
title: Port average
name: avg
correlation: {type: value_avg, rules: [ssh_failed], group-by: [source.ip], timespan: 1m, condition: {field: source.port, gt: 45000}, on_fire: refire}
---
title: Sessions
name: sess
correlation: {type: session, rules: [ssh_failed, ssh_success], group-by: [source.ip], gap: 45s}
---
title: Sequence
name: seq
correlation: {type: sequence, rules: [ssh_failed, ssh_success, ssh_failed], until: [nothing], group-by: [user.name], maxspan: 2m}
`;

const busy: Scenario = { name: 'busy random stream', rules: BUSY_RULES, inputs: busyStream(7) };

function combined(): Scenario {
  const inputs = ALL.flatMap((s) => s.inputs).sort((a, b) => Date.parse(a.event['@timestamp'] as string) - Date.parse(b.event['@timestamp'] as string));
  const options: EngineOptions = {};
  for (const s of ALL) if (s.options?.resolverFor) options.resolverFor = s.options.resolverFor;
  return { name: 'all scenarios together', rules: ALL.map((s) => s.rules).join('---\n'), inputs, options };
}

test('every scenario gives exactly the same alerts when its events arrive shuffled within the allowed lateness', () => {
  for (const s of [...ALL, busy, combined()]) {
    const sorted = runAll(engineFor(s.rules, s.options), s.inputs);
    assert.ok(sorted.length > 0, `${s.name}: the scenario must produce alerts for the comparison to mean anything`);
    for (let seed = 1; seed <= 5; seed++) {
      const shuffled = shuffleWithinLateness(s.inputs, seed * 7919);
      const engine = engineFor(s.rules, s.options);
      const got = runAll(engine, shuffled);
      assert.equal(engine.stats().late, 0, `${s.name}: a shuffle within the lateness has no late events`);
      assert.deepEqual(got, sorted, `${s.name}, seed ${seed}`);
    }
  }
});

test('the busy stream really is out of order and produces every kind of alert', () => {
  const shuffled = shuffleWithinLateness(busy.inputs, 1);
  let inversions = 0;
  for (let i = 1; i < shuffled.length; i++) if ((shuffled[i - 1] as EngineInput).event['@timestamp'] as string > ((shuffled[i] as EngineInput).event['@timestamp'] as string)) inversions++;
  assert.ok(inversions > 100, `only ${inversions} inversions`);
  const kinds = new Set(runAll(engineFor(busy.rules), busy.inputs).map((a) => a.rule.name));
  // bf feeds 'after' and is hidden (generate: false), so it does not appear on its own.
  assert.deepEqual([...kinds].sort(), ['absent', 'after', 'avg', 'quiet', 'seq', 'sess', 'spray']);
});

test('shuffled beyond the lateness, the events that arrive too late are reported, not applied', () => {
  const s = busy;
  const shuffled = shuffleWithinLateness(s.inputs, 3, 20 * 60_000);
  const engine = engineFor(s.rules, { allowedLatenessMs: 60_000 });
  let late = 0;
  shuffled.forEach((x, i) => (late += engine.push(x, i).late.length));
  engine.flush();
  assert.ok(late > 0);
  assert.equal(engine.stats().late, late);
  assert.equal(engine.stats().processed + late, s.inputs.length);
});

/**
 * Run with crashes: snapshot after 20 random inputs; crash at 20 random inputs (dropping the alerts
 * emitted since the last snapshot, as a consumer that commits alerts with the checkpoint would),
 * restore into a new engine and replay from the recorded position.
 */
function runWithCrashes(s: Scenario, inputs: readonly EngineInput[], seed: number): { alerts: CorrelationAlert[]; restores: number } {
  const r = rng(seed);
  const pick = (n: number): Set<number> => {
    const set = new Set<number>();
    while (set.size < Math.min(n, inputs.length)) set.add(Math.floor(r() * inputs.length));
    return set;
  };
  const snapAt = pick(20);
  const crashAt = pick(20);
  let engine = engineFor(s.rules, s.options);
  let snap = engine.snapshot();
  let committed: CorrelationAlert[] = [];
  let pending: CorrelationAlert[] = [];
  let restores = 0;
  for (let i = 0; i < inputs.length; i++) {
    pending.push(...engine.push(inputs[i] as EngineInput, i).alerts);
    if (snapAt.has(i)) {
      snap = engine.snapshot();
      committed = [...committed, ...pending];
      pending = [];
    }
    if (crashAt.has(i)) {
      crashAt.delete(i);
      pending = [];
      engine = engineFor(s.rules, s.options);
      engine.restore(snap);
      restores++;
      i = engine.position ?? -1; // the loop's i++ resumes after the recorded position
    }
  }
  return { alerts: [...committed, ...pending, ...engine.flush().alerts], restores };
}

test('a run stopped anywhere and resumed from its last snapshot gives exactly the uninterrupted alerts', () => {
  for (const s of [busy, combined()]) {
    for (const seed of [11, 23]) {
      const arrival = shuffleWithinLateness(s.inputs, seed);
      const expected = runAll(engineFor(s.rules, s.options), arrival);
      const { alerts, restores } = runWithCrashes(s, arrival, seed);
      assert.equal(restores, 20);
      assert.deepEqual(alerts, expected, `${s.name}, seed ${seed}`);
    }
  }
});

test('a snapshot restored and taken again is byte-identical', () => {
  const s = busy;
  const engine = engineFor(s.rules);
  s.inputs.slice(0, 200).forEach((x, i) => engine.push(x, i));
  const a = engine.snapshot();
  const other = engineFor(s.rules);
  other.restore(a);
  assert.deepEqual(other.snapshot(), a);
  assert.equal(other.position, 199);
  assert.deepEqual(other.stats(), engine.stats());
});

test('damaged or foreign snapshots are refused with a specific error', () => {
  const engine = engineFor(busy.rules);
  busy.inputs.slice(0, 50).forEach((x, i) => engine.push(x, i));
  const good = engine.snapshot();
  const fresh = () => engineFor(busy.rules);
  const refuse = (bytes: Uint8Array, re: RegExp): void => {
    assert.throws(() => fresh().restore(bytes), (e: unknown) => e instanceof CheckpointError && re.test(e.message));
  };
  refuse(new Uint8Array(0), /bad magic/);
  refuse(new TextEncoder().encode('{"not":"a snapshot"}'), /bad magic/);
  const v2 = good.slice();
  new DataView(v2.buffer).setUint16(8, 2);
  refuse(v2, /format version 2 is not supported \(expected 1\)/);
  refuse(good.subarray(0, good.length - 10), /truncated/);
  refuse(good.subarray(0, 20), /truncated \(state part\)/);
  const trailing = new Uint8Array(good.length + 1);
  trailing.set(good);
  refuse(trailing, /trailing bytes/);
  const damaged = good.slice();
  damaged[20] = 0xff;
  refuse(damaged, /damaged/);
  assert.throws(() => engineFor(busy.rules.replace('gte: 4}}', 'gte: 5}}')).restore(good), /different rule set/);
  // A refused snapshot leaves the engine as it was.
  const e = fresh();
  assert.throws(() => e.restore(damaged));
  assert.equal(e.position, undefined);
});

test('under changed rules, a snapshot carries over exactly the correlations defined the same way', () => {
  const docs = BUSY_RULES.split('---\n');
  const named = (n: string): string => docs.find((d) => d.includes(`name: ${n}\n`)) as string;
  // Spray removed, Quiet pair changed, a new correlation first, so every kept one moves to another index.
  const added = 'title: Three failures\nname: bf3\ncorrelation: {type: event_count, rules: [ssh_failed], group-by: [user.name], timespan: 2m, condition: {gte: 3}}\n';
  const changed = named('quiet').replace('lte: 2', 'lte: 3');
  const kept = ['bf', 'absent', 'after', 'avg', 'sess', 'seq'];
  const newRules = [added, changed, ...[...kept].reverse().map(named)].join('---\n');

  const split = 200;
  const old = engineFor(busy.rules);
  const before: CorrelationAlert[] = [];
  busy.inputs.slice(0, split).forEach((x, i) => before.push(...old.push(x, i).alerts));
  const watermark = old.watermark;
  const snap = old.snapshot();

  assert.throws(() => engineFor(newRules).restore(snap), /different rule set/);
  const next = engineFor(newRules);
  const report = next.restore(snap, { carryOver: true });
  assert.deepEqual(report, { exact: false, carried: 6, dropped: ['Spray', 'Quiet pair'], started: 2 });
  assert.equal(next.position, split - 1);
  const after: CorrelationAlert[] = [];
  for (let i = split; i < busy.inputs.length; i++) after.push(...next.push(busy.inputs[i] as EngineInput, i).alerts);
  after.push(...next.flush().alerts);

  // The unchanged correlations: exactly the alerts of an uninterrupted run under the old rules, each
  // in its own order (between correlations, ties in time follow rule order, which changed).
  const uninterrupted = runAll(engineFor(busy.rules), busy.inputs);
  const of = (alerts: CorrelationAlert[], name: string): CorrelationAlert[] => alerts.filter((a) => a.rule.name === name);
  for (const name of kept) {
    if (name !== 'bf') assert.ok(of(uninterrupted, name).length > 0, `${name} must alert for the comparison to mean anything`);
    assert.deepEqual(of([...before, ...after], name), of(uninterrupted, name), name);
  }
  // The changed and the new correlation start empty: they see only events not yet applied at the snapshot.
  const timeOf = new Map(busy.inputs.map((x) => [x.event.weft.id, Date.parse(x.event['@timestamp'] as string)]));
  const fresh = after.filter((a) => a.rule.name === 'quiet' || a.rule.name === 'bf3');
  assert.ok(fresh.some((a) => a.rule.name === 'quiet') && fresh.some((a) => a.rule.name === 'bf3'));
  for (const a of fresh) for (const id of a.events) assert.ok((timeOf.get(id) as number) > watermark, `${a.rule.name}: ${id} was applied before the snapshot`);
  assert.equal(after.filter((a) => a.rule.name === 'spray').length, 0);

  // The same rules: an exact restore, reported as such.
  assert.deepEqual(engineFor(busy.rules).restore(snap, { carryOver: true }), { exact: true, carried: 8, dropped: [], started: 0 });
});

test('a snapshot without per-correlation digests restores only into the identical rules', () => {
  const engine = engineFor(busy.rules);
  busy.inputs.slice(0, 50).forEach((x, i) => engine.push(x, i));
  const snap = engine.snapshot();
  // Rewrite the state part without `defs`, as snapshots written before it existed were.
  const dv = new DataView(snap.buffer, snap.byteOffset);
  const aLen = dv.getUint32(10);
  const body = JSON.parse(new TextDecoder().decode(snap.subarray(14, 14 + aLen))) as Record<string, unknown>;
  delete body['defs'];
  const a = new TextEncoder().encode(JSON.stringify(body));
  const rest = snap.subarray(14 + aLen);
  const legacy = new Uint8Array(14 + a.length + rest.length);
  legacy.set(snap.subarray(0, 10));
  new DataView(legacy.buffer).setUint32(10, a.length);
  legacy.set(a, 14);
  legacy.set(rest, 14 + a.length);
  assert.equal(engineFor(busy.rules).restore(legacy).exact, true);
  assert.throws(() => engineFor(busy.rules.replace('gte: 4}}', 'gte: 5}}')).restore(legacy, { carryOver: true }), (e: unknown) => e instanceof CheckpointError && /lists no correlations to carry over/.test(e.message));
});
