import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { UnknownSourceTypeError } from '../normalize/registry.js';
import { frameRecordBatches, type FramedRecord } from './framing.js';
import { CommitThread, type CommitThreadData } from './commit-thread.js';
import { IngestClosedError, IngestWriter, ingestWorkersFor, type GroupCommit } from './ingest-writer.js';

const okta = (i: number): string => JSON.stringify({
  uuid: `u-${i}`, published: '2026-03-10T08:00:00.000Z', eventType: 'user.session.start', displayMessage: 'User login to Okta',
  actor: { id: '00u1', type: 'User', alternateId: 'alice@corp.example', displayName: 'Alice' },
  client: { ipAddress: '198.51.100.7' }, outcome: { result: 'SUCCESS' }, severity: 'INFO',
});

async function memStore(): Promise<SqliteStore> {
  const s = new SqliteStore({ path: ':memory:' });
  await s.migrate();
  return s;
}

/** A store whose appendEvents waits until released: lets a test hold commits in flight. */
function gatedStore(inner: Store): { store: Store; open: () => void; appends: () => number } {
  let gate: Promise<void> = new Promise(() => undefined);
  let release: () => void = () => undefined;
  gate = new Promise((r) => { release = r; });
  let appends = 0;
  const store = new Proxy(inner, {
    get(target, prop, recv) {
      if (prop === 'appendEvents') {
        return async (...args: Parameters<Store['appendEvents']>) => {
          appends++;
          await gate;
          return target.appendEvents(...args);
        };
      }
      // The writer commits a group through commitIngest when the store has it: gate that the same way.
      if (prop === 'commitIngest' && target.commitIngest !== undefined) {
        return async (...args: Parameters<NonNullable<Store['commitIngest']>>) => {
          appends++;
          await gate;
          return (target.commitIngest as NonNullable<Store['commitIngest']>).call(target, ...args);
        };
      }
      const v = Reflect.get(target, prop, recv) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store, open: () => release(), appends: () => appends };
}

test('submit resolves after the events and quarantine are in the store', async () => {
  const store = await memStore();
  const commits: GroupCommit[] = [];
  const w = new IngestWriter({ store, onCommit: (c) => commits.push(c) });
  const r = await w.submit([okta(1), okta(2), '{"truncated":'], { sourceId: 'http:test', format: 'json' });
  assert.deepEqual(r, { records: 3, events: 2, quarantined: 1, lastSeq: 2 });
  assert.equal(await store.countEvents(), 2);
  const q = await store.listQuarantine({});
  assert.equal(q.total, 1);
  assert.match(q.items[0]?.reason ?? '', /^decode\.json\./);
  const sources = await store.listSources();
  assert.deepEqual(sources.map((s) => [s.id, s.type, s.events, s.quarantined]), [['http:test', 'okta', 2, 1]]);
  assert.equal(commits.length, 1);
  assert.equal(commits[0]?.inserted, 2);
  // The same records again: stored once (event ids are stable per source and record).
  const again = await w.submit([okta(1), okta(2)], { sourceId: 'http:test', format: 'json' });
  assert.equal(again.events, 2);
  assert.equal(await store.countEvents(), 2);
  assert.equal(commits[1]?.duplicates, 2);
  assert.equal(w.pendingRecords, 0);
  await store.close();
});

test('admission is bounded: tryAcquire refuses past capacity, acquire waits in order', async () => {
  const inner = await memStore();
  const g = gatedStore(inner);
  const w = new IngestWriter({ store: g.store, maxPendingRecords: 10 });
  const first = w.submit(Array.from({ length: 6 }, (_, i) => okta(i)), { sourceId: 's' });
  assert.equal(w.pendingRecords, 6);
  assert.equal(w.tryAcquire(5), undefined, '6 + 5 is over the capacity of 10');
  const p4 = w.tryAcquire(4);
  assert.ok(p4);
  assert.equal(w.pendingRecords, 10);
  assert.equal(w.full, true);
  let waited = false;
  const waiting = w.acquire(3).then((p) => { waited = true; return p; });
  await new Promise((r) => setImmediate(r));
  assert.equal(waited, false);
  assert.equal(w.waitingCallers, 1);
  p4.release();
  await new Promise((r) => setImmediate(r));
  assert.equal(waited, true, 'releasing 4 admits the waiting 3');
  assert.equal(w.pendingRecords, 9);
  assert.equal(w.tryAcquire(2), undefined, '9 + 2 is over');
  const one = w.tryAcquire(1);
  assert.ok(one, '9 + 1 fits');
  one.release();
  (await waiting).release();
  g.open();
  assert.deepEqual(await first, { records: 6, events: 6, quarantined: 0, lastSeq: 6 });
  assert.equal(w.pendingRecords, 0);
  await inner.close();
});

test('an oversized batch is admitted only into an empty writer', async () => {
  const store = await memStore();
  const w = new IngestWriter({ store, maxPendingRecords: 2 });
  const big = w.tryAcquire(5);
  assert.ok(big);
  assert.equal(w.tryAcquire(1), undefined);
  big.release();
  assert.equal(w.pendingRecords, 0);
  big.release();
  assert.equal(w.pendingRecords, 0, 'a second release is a no-op');
  await store.close();
});

test('batches that queue behind a slow commit go into one transaction', async () => {
  const inner = await memStore();
  const g = gatedStore(inner);
  const commits: GroupCommit[] = [];
  const w = new IngestWriter({ store: g.store, onCommit: (c) => commits.push(c) });
  const a = w.submit([okta(1)], { sourceId: 'a' });
  await new Promise((r) => setImmediate(r));
  const b = w.submit([okta(2)], { sourceId: 'b' });
  const c = w.submit([okta(3), 'not json at all {'], { sourceId: 'b', format: 'json' });
  g.open();
  const [ra, rb, rc] = await Promise.all([a, b, c]);
  assert.equal(ra.lastSeq, 1);
  assert.equal(rb.lastSeq, 3);
  assert.equal(rc.lastSeq, 3);
  assert.deepEqual(commits.map((x) => x.events), [1, 2]);
  assert.deepEqual(commits[1]?.bySource.map((s) => [s.id, s.events, s.quarantined]), [['b', 2, 1]]);
  assert.equal(g.appends(), 2);
  await inner.close();
});

test('a failed commit rejects every batch in it and frees their admission', async () => {
  const store = await memStore();
  const broken = new Proxy(store, {
    get(t, prop, recv) {
      if (prop === 'appendEvents' || prop === 'commitIngest') return async () => { throw new Error('disk full'); };
      const v = Reflect.get(t, prop, recv) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  const w = new IngestWriter({ store: broken, maxPendingRecords: 5 });
  await assert.rejects(w.submit([okta(1), okta(2)], { sourceId: 's' }), /disk full/);
  assert.equal(w.pendingRecords, 0);
  await store.close();
});

test('unknown source type is refused before anything is admitted; close refuses new work', async () => {
  const store = await memStore();
  const w = new IngestWriter({ store });
  assert.throws(() => w.checkMeta({ sourceId: 's', sourceType: 'no-such-type' }), UnknownSourceTypeError);
  await w.close();
  assert.equal(w.tryAcquire(1), undefined);
  await assert.rejects(w.acquire(1), IngestClosedError);
  await store.close();
});

/** The stored event rows, text columns as bytes and storage class: what a reader of the file sees. */
function storedRows(s: SqliteStore): unknown[] {
  const db = (s as unknown as { db: { prepare(sql: string): { all(): unknown[] } } }).db;
  return db.prepare(`SELECT seq, id, ts, source_id, source_type, category, action, code, source_ip, destination_ip, user_name, host_name, entity_ids,
    typeof(doc) AS doc_type, hex(doc) AS doc, typeof(raw) AS raw_type, hex(raw) AS raw FROM events ORDER BY seq`).all();
}

interface Variants {
  /** Prepared and committed on this thread. */
  a: IngestWriter;
  inline: SqliteStore;
  /** Prepared on a worker thread, committed here. */
  b: IngestWriter;
  threaded: SqliteStore;
  /** Prepared on a worker thread, committed on the commit thread (a database file, as weft serve has). */
  c: IngestWriter;
  committed: SqliteStore;
  at: Date;
}

/** The same batches through each way of preparing and committing; all closed after `run`. */
async function inlineAndThreaded(run: (w: Variants) => Promise<void>): Promise<void> {
  const inline = await memStore();
  const threaded = await memStore();
  const dir = mkdtempSync(join(tmpdir(), 'weft-writer-'));
  const committed = new SqliteStore({ path: join(dir, 'weft.db') });
  await committed.migrate();
  const a = new IngestWriter({ store: inline });
  const b = new IngestWriter({ store: threaded, prepareWorkers: 1 });
  const c = new IngestWriter({ store: committed, prepareWorkers: 1, commitThread: new CommitThread(committed.file as CommitThreadData) });
  try {
    await run({ a, b, c, inline, threaded, committed, at: new Date('2026-03-10T09:00:00.000Z') });
  } finally {
    await a.close();
    await b.close();
    await c.close();
    await inline.close();
    await threaded.close();
    await committed.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('with a worker thread, a batch is stored exactly as when prepared inline', async () => {
  // Non-ASCII text; JSON escapes of surrogates; and a record whose text holds a lone surrogate
  // (kept as a string, not packed, so it is stored as the string would be).
  const accents = okta(3).replace('User login to Okta', 'Connexion réussie ✓ 😀');
  const escaped = okta(4).replace('User login to Okta', 'half \\ud83d pair').replace('Alice', 'Al\\u00efce');
  const lone = `${okta(5).slice(0, -1)},"x":"a\ud800b"}`;
  const records = [okta(1), okta(2), '{"truncated":', accents, escaped, lone];
  await inlineAndThreaded(async ({ a, b, c, inline, threaded, committed, at }) => {
    const ra = await a.submit(records, { sourceId: 'http:test', format: 'json', receivedAt: at });
    const rb = await b.submit(records, { sourceId: 'http:test', format: 'json', receivedAt: at });
    assert.deepEqual(rb, ra);
    assert.deepEqual(await c.submit(records, { sourceId: 'http:test', format: 'json', receivedAt: at }), ra);
    assert.deepEqual(storedRows(committed), storedRows(inline));
    assert.deepEqual((await committed.listQuarantine({})).items, (await inline.listQuarantine({})).items);
    assert.deepEqual(await committed.listSources(), await inline.listSources());
    assert.deepEqual(rb, { records: 6, events: 5, quarantined: 1, lastSeq: 5 });
    assert.deepEqual(await threaded.readEventLog(0, 10), await inline.readEventLog(0, 10));
    const rows = storedRows(threaded);
    assert.deepEqual(rows, storedRows(inline));
    assert.deepEqual(rows.map((r) => [(r as { doc_type: string }).doc_type, (r as { raw_type: string }).raw_type]), Array.from({ length: 5 }, () => ['text', 'text']));
    assert.match((await threaded.readEventLog(2, 1))[0]?.event.message ?? '', /réussie ✓ 😀/);
    // The lone surrogate is in the stored original exactly as SQLite stores it from a string.
    assert.match((rows[4] as { raw: string }).raw, /61EDA08062/);
    assert.deepEqual((await threaded.listQuarantine({})).items, (await inline.listQuarantine({})).items);
    assert.deepEqual(await threaded.listSources(), await inline.listSources());
    assert.equal(b.pendingRecords, 0);
  });
});

test('with a worker thread, batches packed into recycled text buffers are stored exactly as inline', async () => {
  await inlineAndThreaded(async ({ a, b, c, inline, threaded, committed, at }) => {
    // Shrinking then growing batches: a later batch reuses an earlier, larger buffer that still holds its bytes.
    for (const [n, from] of [[300, 0], [40, 1000], [5, 2000], [500, 3000], [1, 4000]] as const) {
      const records = Array.from({ length: n }, (_, i) => okta(from + i).replace('User login to Okta', `login ${'é'.repeat((from + i) % 7)}`));
      await a.submit(records, { sourceId: 'http:test', format: 'json', receivedAt: at });
      await b.submit(records, { sourceId: 'http:test', format: 'json', receivedAt: at });
      await c.submit(records, { sourceId: 'http:test', format: 'json', receivedAt: at });
    }
    const rows = storedRows(threaded);
    assert.equal(rows.length, 846);
    assert.deepEqual(rows, storedRows(inline));
    assert.deepEqual(storedRows(committed), rows);
  });
});

test('with a worker thread, framed records (as HTTP bodies give them) are stored exactly as inline', async () => {
  const body = Buffer.from([okta(1), okta(2).replace('User login to Okta', 'Connexion réussie ✓'), '{"truncated":', okta(3)].join('\n') + '\n');
  const framed: FramedRecord[] = [];
  for await (const batch of frameRecordBatches((async function* () { yield body; })(), { mode: 'lines', maxRecordBytes: 1 << 20 })) framed.push(...batch);
  assert.equal(framed.length, 4);
  await inlineAndThreaded(async ({ a, b, c, inline, threaded, committed, at }) => {
    const ra = await a.submit(framed, { sourceId: 'http:test', format: 'json', receivedAt: at });
    assert.deepEqual(await b.submit(framed, { sourceId: 'http:test', format: 'json', receivedAt: at }), ra);
    assert.deepEqual(await c.submit(framed, { sourceId: 'http:test', format: 'json', receivedAt: at }), ra);
    assert.deepEqual(storedRows(threaded), storedRows(inline));
    assert.deepEqual(storedRows(committed), storedRows(inline));
    assert.deepEqual((await committed.listQuarantine({})).items, (await inline.listQuarantine({})).items);
    const q = (await threaded.listQuarantine({})).items;
    assert.deepEqual(q, (await inline.listQuarantine({})).items);
    assert.equal(q.length, 1);
    assert.equal(Buffer.from(q[0]?.raw ?? new Uint8Array()).toString('utf8'), '{"truncated":');
    assert.equal(q[0]?.reason, 'decode.json.syntax');
  });
});

test('server.ingest_workers: a number is kept, auto is one worker per core from 1 to 4', () => {
  assert.deepEqual([0, 1, 7].map((n) => ingestWorkersFor(n, 2)), [0, 1, 7]);
  assert.deepEqual([1, 2, 3, 4, 16].map((cores) => ingestWorkersFor('auto', cores)), [1, 2, 3, 4, 4]);
});
