import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WeftEvent } from '../event/model.js';
import { silentLogger } from '../log/logger.js';
import type { Match, RuleSet } from '../rules/engine/index.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { makeEvent } from '../store/testdata/events.js';
import type { LoggedEvent } from '../store/types.js';
import { EventLogTailer, type EventLogConsumer } from './event-log-tailer.js';
import { ruleMatches, SharedEventLog, SharedLoggedEvent } from './shared-event-log.js';

async function storeWith(n: number): Promise<SqliteStore> {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  if (n > 0) await store.appendEvents(Array.from({ length: n }, (_, i) => makeEvent(i)));
  return store;
}

const plain = (b: LoggedEvent[]): Array<[number, WeftEvent]> => b.map((x) => [x.seq, x.event]);

test('every read answers what the store answers, whichever reader comes first, with commits in between', async () => {
  const store = await storeWith(0);
  const log = new SharedEventLog({ store, maxEvents: 50 });
  // Two readers at different positions, batch sizes that do and do not divide the commits, commits
  // of various sizes between reads: a deterministic walk over the interleavings.
  const pos = [0, 0];
  const limits = [40, 17];
  let next = 0;
  let seed = 7;
  const rand = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  for (let step = 0; step < 300; step++) {
    if (rand(3) === 0) {
      const k = 1 + rand(60);
      await store.appendEvents(Array.from({ length: k }, (_, i) => makeEvent(next + i)));
      next += k;
    }
    const r = rand(2);
    const limit = limits[r] as number;
    const expected = await store.readEventLog(pos[r] as number, limit);
    const got = await log.read(pos[r] as number, limit);
    assert.deepEqual(plain(got), plain(expected), `step ${step}, reader ${r} after ${pos[r]}`);
    if (got.length > 0) pos[r] = (got[got.length - 1] as LoggedEvent).seq;
  }
  assert.ok(log.reused > 0, 'the second reader is served from memory');
  assert.ok(log.loaded < 2 * next, `each event is read from the store about once (${log.loaded} reads of ${next} events)`);
  await store.close();
});

test('a reader far behind reads from the store; the events in memory stay bounded', async () => {
  const store = await storeWith(300);
  const log = new SharedEventLog({ store, maxEvents: 100 });
  assert.equal((await log.read(0, 100)).length, 100);
  assert.equal((await log.read(100, 100)).length, 100);
  assert.equal((await log.read(200, 100)).length, 100);
  const before = log.loaded;
  const again = await log.read(0, 100);
  assert.deepEqual(again.map((e) => e.seq), Array.from({ length: 100 }, (_, i) => i + 1));
  assert.equal(log.loaded, before + 100, 'evicted events come from the store again');
  const overlap = await log.read(50, 100);
  assert.deepEqual(overlap.map((e) => e.seq), Array.from({ length: 100 }, (_, i) => i + 51));
  assert.equal(log.loaded, before + 150, 'the half still in memory is reused, the rest read');
  await store.close();
});

test('the view is applied once per event and both readers get the same objects', async () => {
  const store = await storeWith(10);
  let views = 0;
  const log = new SharedEventLog({ store, view: (e) => { views++; return { ...e, message: 'viewed' } as WeftEvent; } });
  const a = await log.read(0, 100);
  const b = await log.read(0, 100);
  assert.equal(views, 10);
  assert.equal(a.length, 10);
  for (let i = 0; i < 10; i++) {
    assert.equal(a[i], b[i]);
    assert.equal((a[i] as LoggedEvent).event.message, 'viewed');
  }
  await store.close();
});

test('rule matches are computed once per event and rule set', () => {
  let calls = 0;
  const fakeRules = (tag: string): RuleSet => ({
    evaluate: (e: WeftEvent): Match<WeftEvent>[] => {
      calls++;
      return [{ rule: { id: tag, title: tag, tags: [], logsource: {}, file: 'f' }, selections: ['sel'], event: e }];
    },
  }) as unknown as RuleSet;
  const r1 = fakeRules('r1');
  const r2 = fakeRules('r2');
  const shared = new SharedLoggedEvent(1, makeEvent(1));
  const first = ruleMatches(r1, shared);
  assert.equal(ruleMatches(r1, shared), first);
  assert.equal(calls, 1);
  // Rules reloaded: evaluated again against the new set.
  assert.equal(ruleMatches(r2, shared)[0]?.rule.id, 'r2');
  assert.equal(calls, 2);
  // A plain logged event (no sharing) is evaluated each time.
  const loose: LoggedEvent = { seq: 2, event: makeEvent(2) };
  ruleMatches(r1, loose);
  ruleMatches(r1, loose);
  assert.equal(calls, 4);
});

/** Remembers the seqs it saw; its state is their count. */
class Seqs implements EventLogConsumer {
  seqs: number[] = [];
  constructor(readonly name: string) {}
  restore(state: Uint8Array | undefined): void {
    if (state !== undefined) this.seqs = Array.from({ length: Number(Buffer.from(state).toString('utf8')) }, () => 0);
  }
  handle(batch: LoggedEvent[]): void {
    for (const b of batch) this.seqs.push(b.seq);
  }
  snapshot(): Uint8Array {
    return Buffer.from(String(this.seqs.length));
  }
}

test('tailers sharing one log each see every event once, in order, from their own checkpoints', async () => {
  const store = await storeWith(120);
  // One consumer checkpointed earlier than the other (as after a kill between two checkpoint writes).
  await store.saveCheckpoint({ name: 'b', position: 30, state: Buffer.from('30') });
  const log = new SharedEventLog({ store, maxEvents: 50 });
  const a = new Seqs('a');
  const b = new Seqs('b');
  const ta = new EventLogTailer({ store, consumer: a, logger: silentLogger, batchSize: 50, idleMs: 10_000, reader: log });
  const tb = new EventLogTailer({ store, consumer: b, logger: silentLogger, batchSize: 50, idleMs: 10_000, reader: log });
  await ta.start();
  await tb.start();
  await store.appendEvents(Array.from({ length: 80 }, (_, i) => makeEvent(500 + i)));
  ta.wake();
  tb.wake();
  await ta.stop();
  await tb.stop();
  assert.deepEqual(a.seqs, Array.from({ length: 200 }, (_, i) => i + 1));
  assert.deepEqual(b.seqs.slice(30), Array.from({ length: 170 }, (_, i) => i + 31));
  assert.equal((await store.loadCheckpoint('a'))?.position, 200);
  assert.equal((await store.loadCheckpoint('b'))?.position, 200);
  await store.close();
});

test('readers woken together read the store once and get the same objects', async () => {
  const store = await storeWith(100);
  const log = new SharedEventLog({ store });
  const [a, b] = await Promise.all([log.read(0, 500), log.read(0, 500)]);
  assert.equal(a.length, 100);
  assert.equal(log.loaded, 100);
  assert.equal(log.reused, 100);
  for (let i = 0; i < 100; i++) assert.equal(a[i], b[i]);
  await store.close();
});

test('a failed read fails only its reader; the next one reads again', async () => {
  const store = await storeWith(10);
  const log = new SharedEventLog({ store });
  const real = store.readEventLog.bind(store);
  store.readEventLog = () => Promise.reject(new Error('disk on fire'));
  await assert.rejects(log.read(0, 100), /disk on fire/);
  store.readEventLog = real;
  assert.deepEqual((await log.read(0, 100)).map((e) => e.seq), Array.from({ length: 10 }, (_, i) => i + 1));
  await store.close();
});
