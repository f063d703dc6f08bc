import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceClocks } from './source-clocks.js';
import { input, oktaLogin, T0 } from './testdata/events.js';
import * as sc from './testdata/scenarios.js';
import { engineFor, runAll } from './testdata/scenarios.js';
import type { EngineInput } from './types.js';

const S = 1000;
const M = 60_000;
const clocks = (o: { idle?: number; lag?: number; max?: number } = {}): SourceClocks =>
  new SourceClocks({ latenessMs: 1 * M, idleMs: o.idle ?? 5 * M, maxLagMs: o.lag ?? 15 * M, ...(o.max !== undefined ? { maxSources: o.max } : {}) });

test('one source: the watermark is its newest event time minus the lateness', () => {
  const c = clocks();
  assert.equal(c.watermark, -Infinity);
  c.note('wec', 10 * M, 10 * M);
  assert.equal(c.watermark, 9 * M);
  c.note('wec', 8 * M, 10 * M);
  assert.equal(c.watermark, 9 * M, 'an older event does not move it');
  c.note('wec', 12 * M, 12 * M);
  assert.equal(c.watermark, 11 * M);
  assert.equal(c.heldBy, undefined);
});

test('a source that lags holds the watermark at its own time, and says so', () => {
  const c = clocks();
  c.note('wec', 20 * M, 20 * M);
  c.note('cloudtrail', 12 * M, 20 * M);
  // CloudTrail's 12m event arrived when Windows was at 20m, but the watermark had reached 19m already.
  assert.equal(c.watermark, 19 * M, 'it never moves back');
  assert.equal(c.heldBy, 'cloudtrail', 'CloudTrail keeps it from moving on');
  c.note('wec', 25 * M, 25 * M);
  assert.equal(c.watermark, 19 * M, 'Windows moving on does not pass CloudTrail');
  assert.equal(c.heldBackMs, 5 * M, 'newest 25m, minus the 1m lateness, is 5m past the watermark');
  c.note('cloudtrail', 21 * M, 25 * M);
  assert.equal(c.watermark, 20 * M);
  c.note('cloudtrail', 26 * M, 26 * M);
  assert.equal(c.watermark, 25 * M, 'caught up: nothing holds it');
  assert.equal(c.heldBy, undefined);
});

test('a source delivering in bursts holds the watermark by its lag between bursts too', () => {
  const c = clocks();
  c.note('cloudtrail', 0, 10 * M);
  c.note('wec', 15 * M, 15 * M);
  // Ten minutes behind when it last delivered, so now at 5m.
  assert.equal(c.watermark, 4 * M);
  assert.equal(c.heldBy, 'cloudtrail');
  assert.deepEqual(c.lags(), new Map([['cloudtrail', 10 * M], ['wec', 0]]));
  c.note('cloudtrail', 5 * M, 15 * M);
  c.note('wec', 16 * M, 16 * M);
  assert.equal(c.watermark, 5 * M);
});

test('a quiet source that is up to date holds nothing back; one silent for the idle time is forgotten', () => {
  const c = clocks({ idle: 5 * M });
  c.note('wec', 10 * M, 10 * M);
  c.note('vpn', 10 * M, 10 * M);
  c.note('wec', 14 * M, 14 * M);
  assert.equal(c.watermark, 13 * M, 'the VPN had no lag: it would send 14m events now');
  assert.equal(c.heldBy, undefined);
  c.note('wec', 15 * M, 15 * M);
  assert.equal(c.size, 2, 'exactly the idle time: still known');
  c.note('wec', 15 * M + 1, 15 * M + 1);
  assert.equal(c.size, 1, 'idle: forgotten');
});

test('a source further behind than the maximum lag does not hold the watermark', () => {
  const c = clocks({ lag: 15 * M, idle: 60 * M });
  c.note('wec', 60 * M, 60 * M);
  c.note('replay', 10 * M, 60 * M);
  assert.equal(c.watermark, 59 * M);
  c.note('wec', 80 * M, 80 * M);
  assert.equal(c.watermark, 80 * M - 15 * M - 1 * M, 'at most the maximum lag behind the newest event time');
  assert.equal(c.heldBy, undefined, 'the replaying source holds nothing');
  c.note('replay', 70 * M, 80 * M);
  assert.equal(c.watermark, 69 * M, 'within the lag again: it holds');
  assert.equal(c.heldBy, 'replay');
});

test('a maximum lag of 0 gives one watermark for all sources', () => {
  const c = clocks({ lag: 0 });
  c.note('wec', 20 * M, 20 * M);
  c.note('cloudtrail', 12 * M, 20 * M);
  c.note('wec', 25 * M, 25 * M);
  assert.equal(c.watermark, 24 * M);
  assert.equal(c.size, 0);
});

test('sources are bounded: the one that delivered least recently is forgotten first', () => {
  const c = clocks({ max: 2 });
  c.note('a', 10 * M, 1);
  c.note('b', 10 * M, 3);
  c.note('a', 10 * M, 4);
  c.note('c', 10 * M, 5);
  assert.deepEqual(c.state().clocks.map(([id]) => id).sort(), ['a', 'c']);
});

test('state and restore: the same watermark and clocks; without clock state, newest minus lateness', () => {
  const c = clocks();
  c.note('wec', 20 * M, 20 * M);
  c.note('cloudtrail', 12 * M, 20 * M);
  c.note('wec', 30 * M, 31 * M);
  const r = clocks();
  r.restore(c.newest, c.state());
  assert.deepEqual(r.state(), c.state());
  assert.equal(r.watermark, c.watermark);
  r.note('cloudtrail', 26 * M, 32 * M);
  c.note('cloudtrail', 26 * M, 32 * M);
  assert.deepEqual([r.watermark, r.heldBy], [c.watermark, c.heldBy]);
  const old = clocks();
  old.restore(30 * M, undefined);
  assert.equal(old.watermark, 29 * M);
  assert.throws(() => new SourceClocks({ latenessMs: -1, idleMs: 0, maxLagMs: 0 }), /latenessMs must be >= 0/);
  assert.throws(() => new SourceClocks({ latenessMs: 0, idleMs: Number.NaN, maxLagMs: 0 }), /idleMs must be >= 0/);
});

/** The inputs with each event's receive time set: `delay(i)` after its event time. */
function arriving(inputs: readonly EngineInput[], delay: (x: EngineInput) => number): EngineInput[] {
  const out = inputs.map((x) => {
    const event = structuredClone(x.event);
    const at = Date.parse(event['@timestamp']) + delay(x);
    event.weft.ingest_time = new Date(at).toISOString();
    return { at, x: { event, matches: x.matches } };
  });
  // Arrival order, as a live consumer reads the event log.
  return out.sort((a, b) => a.at - b.at).map((o) => o.x);
}

/** Okta 12 minutes behind Windows; Okta delivered before (an unrelated sign-in), so its clock is known. */
function oktaBehind(): { inOrder: EngineInput[]; arrived: EngineInput[] } {
  const inOrder = [input(oktaLogin({ ms: -15 * M, login: 'erin@corp.com', entity: 'corp\\erin' }), 'okta_login'), ...sc.sequence.inputs];
  return { inOrder, arrived: arriving(inOrder, (x) => (x.event.weft.source_type === 'okta' ? 12 * M : 1 * S)) };
}

test('a lagging source still correlates: Okta 12 minutes behind Windows gives the alerts of time-ordered input', () => {
  const s = sc.sequence;
  const { inOrder, arrived } = oktaBehind();
  const expected = runAll(engineFor(s.rules), inOrder);
  assert.equal(expected.length, 2, 'the scenario itself: alice and dave');
  const engine = engineFor(s.rules);
  assert.deepEqual(runAll(engine, arrived), expected);
  assert.equal(engine.stats().late, 0);

  // One watermark for all sources: the Okta events come after Windows moved it on, and are lost.
  const global = engineFor(s.rules, { maxSourceLagMs: 0 });
  assert.deepEqual(runAll(global, arrived), []);
  assert.equal(global.stats().late, 5);
});

test('the engine reports which source holds its watermark, and checkpoints the clocks', () => {
  const s = sc.sequence;
  const { arrived } = oktaBehind();
  const engine = engineFor(s.rules);
  const cut = arrived.findIndex((x) => x.event.weft.source_type === 'okta' && x.event['@timestamp'] === new Date(T0).toISOString());
  for (let i = 0; i < cut; i++) engine.push(arrived[i] as EngineInput, i);
  assert.equal(engine.stats().watermarkHeldBy, 'okta-api');
  assert.equal(engine.stats().sources, 2);
  const copy = engineFor(s.rules);
  copy.restore(engine.snapshot());
  assert.deepEqual(copy.stats(), engine.stats());
  const rest = (e: typeof engine): unknown[] => arrived.slice(cut).flatMap((x, i) => e.push(x, cut + i).alerts).concat(e.flush().alerts);
  const fromCopy = rest(copy);
  assert.equal(fromCopy.length, 2);
  assert.deepEqual(fromCopy, rest(engine));
});

test('an event dated far after it was received is refused, and moves no clock: one bogus timestamp cannot stop correlation', () => {
  const s = sc.sequence;
  const engine = engineFor(s.rules);
  const bogus = structuredClone(s.inputs[0] as EngineInput);
  bogus.event['@timestamp'] = '2099-01-01T00:00:00.000Z';
  bogus.event.weft.ingest_time = new Date(T0).toISOString();
  const out = engine.push(bogus, 0);
  assert.equal(out.invalid.length, 1);
  assert.match(out.invalid[0]?.reason ?? '', /^@timestamp '2099-01-01T00:00:00.000Z' is \d+ s after the event was received \(weft\.ingest_time\): more than 900 s ahead$/);
  assert.deepEqual(engine.observe(bogus.event), []);
  assert.equal(engine.watermark, -Infinity, 'no clock moved');
  assert.deepEqual(runAll(engine, s.inputs), runAll(engineFor(s.rules), s.inputs), 'the real events correlate as without it');
  // Within the limit, a source running ahead is taken at its word (clock_skew corrects it).
  const ahead = structuredClone(s.inputs[0] as EngineInput);
  ahead.event.weft.ingest_time = new Date(T0 - 14 * M).toISOString();
  assert.deepEqual(engineFor(s.rules).push(ahead, 0).invalid, []);
  assert.throws(() => engineFor(s.rules, { maxAheadMs: -1 }), /maxAheadMs must be >= 0/);
});
