import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../log/logger.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { makeEvent } from '../store/testdata/events.js';
import type { LoggedEvent } from '../store/types.js';
import { EventLogTailer, type EventLogConsumer } from './event-log-tailer.js';

/** Counts events and remembers the seqs it saw; its state is the count. */
class Counter implements EventLogConsumer {
  readonly name = 'counter';
  count = 0;
  seqs: number[] = [];
  failNext = 0;
  restore(state: Uint8Array | undefined): void {
    this.count = state ? Number(Buffer.from(state).toString('utf8')) : 0;
  }
  handle(batch: LoggedEvent[]): void {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('consumer hiccup');
    }
    this.count += batch.length;
    for (const b of batch) this.seqs.push(b.seq);
  }
  snapshot(): Uint8Array {
    return Buffer.from(String(this.count));
  }
}

test('a consumer sees every committed event once, in order, and resumes from its checkpoint', async () => {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  await store.appendEvents(Array.from({ length: 250 }, (_, i) => makeEvent(i)));
  const c1 = new Counter();
  const t1 = new EventLogTailer({ store, consumer: c1, logger: silentLogger, batchSize: 100, idleMs: 10_000 });
  await t1.start();
  // Appended while the tailer idles: stop() must still catch up before it checkpoints.
  await store.appendEvents(Array.from({ length: 50 }, (_, i) => makeEvent(1000 + i)));
  await t1.stop();
  assert.equal(c1.count, 300);
  assert.deepEqual(c1.seqs, Array.from({ length: 300 }, (_, i) => i + 1));
  assert.deepEqual(await store.loadCheckpoint('counter').then((c) => [c?.position, Buffer.from(c?.state ?? []).toString()]), [300, '300']);

  await store.appendEvents(Array.from({ length: 20 }, (_, i) => makeEvent(2000 + i)));
  const c2 = new Counter();
  c2.failNext = 1;
  const t2 = new EventLogTailer({ store, consumer: c2, logger: silentLogger, batchSize: 100, idleMs: 10_000 });
  await t2.start();
  assert.equal(c2.count, 300, 'restored from the checkpoint, not replayed from zero');
  await t2.stop();
  assert.equal(c2.count, 320, 'after a failed batch the events are handled on the next try, once');
  assert.deepEqual(c2.seqs, Array.from({ length: 20 }, (_, i) => 301 + i));
  await store.close();
});

test('events committed while a batch is being handled are read at once, not at the next idle poll', async () => {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  await store.appendEvents(Array.from({ length: 10 }, (_, i) => makeEvent(i)));
  let release: () => void = () => {};
  const handling = new Promise<void>((resolve) => { release = resolve; });
  let entered: () => void = () => {};
  const inFirst = new Promise<void>((resolve) => { entered = resolve; });
  const seen: number[] = [];
  let secondBatchAt = 0;
  const consumer: EventLogConsumer = {
    name: 'slow',
    restore: () => {},
    async handle(batch) {
      if (seen.length === 0) {
        entered();
        await handling;
      } else {
        secondBatchAt = Date.now();
      }
      for (const b of batch) seen.push(b.seq);
    },
    snapshot: () => new Uint8Array(0),
  };
  // An idle poll far longer than the test may take: only the wake can explain a prompt second read.
  const tailer = new EventLogTailer({ store, consumer, logger: silentLogger, batchSize: 100, idleMs: 60_000 });
  await tailer.start();
  try {
    await inFirst;
    await store.appendEvents(Array.from({ length: 5 }, (_, i) => makeEvent(100 + i)));
    tailer.wake(); // as the ingest writer's onCommit does, while the first batch is still in hand
    const woke = Date.now();
    release();
    for (let i = 0; i < 200 && seen.length < 15; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(secondBatchAt > 0, 'the events committed during the first batch were not read within 2 s');
    assert.ok(secondBatchAt - woke < 1000, `second batch read ${secondBatchAt - woke} ms after the wake`);
    assert.deepEqual(seen, Array.from({ length: 15 }, (_, i) => i + 1));
  } finally {
    release();
    await tailer.stop();
    await store.close();
  }
});
