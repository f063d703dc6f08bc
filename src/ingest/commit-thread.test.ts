import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { eventColumns, TextPacker, type EventColumns } from '../store/event-columns.js';
import { StoreError } from '../store/errors.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { makeEvent } from '../store/testdata/events.js';
import { CommitThread, CommitThreadUnavailableError, type CommitThreadData } from './commit-thread.js';
import { IngestWriter } from './ingest-writer.js';

async function withFileStore(run: (store: SqliteStore, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-commit-thread-'));
  const store = new SqliteStore({ path: join(dir, 'weft.db') });
  try {
    await store.migrate();
    await run(store, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A commit thread on a migrated database file, closed after `run`. */
async function withThread(run: (thread: CommitThread, store: SqliteStore) => Promise<void>): Promise<void> {
  await withFileStore(async (store) => {
    const thread = new CommitThread(store.file as CommitThreadData);
    try {
      await run(thread, store);
    } finally {
      await thread.close();
    }
  });
}

/** Rows for events from..to, their text packed into one buffer as a prepare worker packs it. */
function packedRows(from: number, to: number): { rows: EventColumns[]; text: ArrayBuffer } {
  const packer = new TextPacker((n) => new ArrayBuffer(Math.max(n, 4096)), () => undefined, 0);
  const rows: EventColumns[] = [];
  for (let i = from; i < to; i++) {
    const row = eventColumns(makeEvent(i), i - from);
    packer.pack(row);
    rows.push(row);
  }
  const text = packer.finish();
  return { rows, text };
}

const activity = [{ id: 'test-source', type: 'linux', format: 'syslog', seenAt: '2026-01-05T12:00:00.000Z', events: 5, quarantined: 1 }];

test('the commit thread stores rows, quarantine and activity in one transaction on the same file, and gives the text buffers back', async () => {
  await withThread(async (thread, store) => {
    const packed = packedRows(0, 3);
    const bytes = packed.text.byteLength;
    const loose = [eventColumns(makeEvent(3), 0), eventColumns(makeEvent(4), 1)];
    const quarantine = [{ reason: 'decode.syslog.truncated', message: 'cut', sourceId: 'test-source', raw: '<86>Jan  5', receivedAt: '2026-01-05T12:00:00.000Z' }];
    const r = await thread.commit([{ rows: packed.rows, text: packed.text }, { rows: loose }], quarantine, activity);
    assert.deepEqual(r.appended, { inserted: 5, duplicates: 0, lastSeq: 5 });
    // Moved there and back: the buffer here is detached, the one returned has the bytes.
    assert.equal(packed.text.byteLength, 0);
    assert.equal(r.texts.length, 1);
    assert.equal(r.texts[0]?.byteLength, bytes);
    // The server's own connection reads what the thread committed.
    assert.equal(await store.countEvents(), 5);
    for (let i = 0; i < 5; i++) assert.deepEqual(await store.getEvent(makeEvent(i).weft.id), makeEvent(i));
    assert.equal((await store.listQuarantine({})).total, 1);
    assert.equal((await store.listSources())[0]?.events, 5);
    // The same rows again are duplicates, not new rows.
    const again = packedRows(0, 3);
    assert.deepEqual((await thread.commit([again], [], [])).appended, { inserted: 0, duplicates: 3, lastSeq: 5 });
  });
});

test('a commit the store refuses rejects with a StoreError naming the cause; nothing of it is stored and its buffers come back', async () => {
  await withThread(async (thread, store) => {
    const packed = packedRows(0, 2);
    const bad = { ...eventColumns(makeEvent(9), 0), sourceId: null as unknown as string };
    const err = await thread.commit([packed, { rows: [bad] }], [], []).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof StoreError, String(err));
    assert.equal(err.code, 'backend');
    assert.match(err.message, /NOT NULL constraint failed: events\.source_id/);
    assert.equal((err as unknown as { texts: ArrayBuffer[] }).texts[0]?.byteLength, 4096);
    assert.equal(await store.countEvents(), 0);
    // The thread goes on committing.
    assert.equal((await thread.commit([packedRows(0, 2)], [], [])).appended.inserted, 2);
  });
});

test('a commit thread that dies fails only what it held and is started again', async () => {
  await withThread(async (thread, store) => {
    assert.equal((await thread.commit([packedRows(0, 2)], [], [])).appended.lastSeq, 2);
    const worker = (thread as unknown as { worker: Worker }).worker;
    const exited = new Promise((r) => worker.once('exit', r));
    await worker.terminate();
    await exited;
    assert.equal(thread.unavailable, undefined);
    assert.deepEqual((await thread.commit([packedRows(2, 5)], [], [])).appended, { inserted: 3, duplicates: 0, lastSeq: 5 });
    assert.equal(await store.countEvents(), 5);
  });
});

test('a commit thread that cannot open the store is unavailable (commits and audit appends), and the writer commits on its own thread instead', async () => {
  await withFileStore(async (store, dir) => {
    // A path under a regular file: the directory for the database cannot be made.
    writeFileSync(join(dir, 'not-a-dir'), '');
    const thread = new CommitThread({ path: join(dir, 'not-a-dir', 'weft.db'), synchronous: 'full' });
    const err = await thread.commit([packedRows(0, 1)], [], []).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CommitThreadUnavailableError, String(err));
    assert.match(err.message, /cannot open the store: .*not-a-dir/);
    assert.match(thread.unavailable ?? '', /not-a-dir/);
    await assert.rejects(thread.appendAudit([{ actor: 'a', action: 'b' }]), CommitThreadUnavailableError);
    const writer = new IngestWriter({ store, prepareWorkers: 1, commitThread: thread });
    try {
      const lines = [0, 1, 2].map((i) => (makeEvent(i).event as { original: string }).original);
      const r = await writer.submit(lines, { sourceId: 'http:test', sourceType: 'linux', format: 'syslog', receivedAt: new Date('2026-01-05T12:00:00Z') });
      assert.deepEqual(r, { records: 3, events: 3, quarantined: 0, lastSeq: 3 });
      assert.equal(await store.countEvents(), 3);
    } finally {
      await writer.close();
    }
  });
});

test('commits on the thread and writes on the server connection interleave without a lost write', async () => {
  await withThread(async (thread, store) => {
    const commits = Array.from({ length: 8 }, (_, k) => thread.commit([packedRows(k * 100, k * 100 + 100)], [], []));
    for (let k = 0; k < 8; k++) await store.addQuarantine([{ reason: 'decode.test', message: `m${k}`, sourceId: 's', raw: `r${k}`, receivedAt: '2026-01-05T12:00:00.000Z' }]);
    const done = await Promise.all(commits);
    // One transaction at a time, in the order sent.
    assert.deepEqual(done.map((d) => d.appended.lastSeq), [100, 200, 300, 400, 500, 600, 700, 800]);
    assert.equal(await store.countEvents(), 800);
    assert.equal((await store.listQuarantine({})).total, 8);
  });
});

test('audit appends on the thread continue the chain the server connection started, between ingest commits', async () => {
  await withThread(async (thread, store) => {
    await store.appendAudit([{ actor: 'admin', action: 'users.create', target: 'alice' }]);
    const commits = [0, 1, 2].map((k) => thread.commit([packedRows(k * 10, k * 10 + 10)], [], []));
    const appended = await Promise.all([1, 2, 3].map((k) => thread.appendAudit([{ actor: 'ingest-key', action: 'events.ingest', details: { events: k } }, { actor: 'ingest-key', action: 'events.ingest', outcome: 'denied' }])));
    await Promise.all(commits);
    assert.deepEqual(appended.flat().map((e) => e.seq), [2, 3, 4, 5, 6, 7]);
    assert.deepEqual(await store.readAudit(0, 10), [
      ...(await store.readAudit(0, 1)),
      ...appended.flat(),
    ]);
    assert.equal((await store.verifyAudit()).ok, true);
    assert.equal(await store.countEvents(), 30);
  });
});
