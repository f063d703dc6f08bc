import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../log/logger.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { fixtureLines } from '../../../test/support/fixtures.js';
import { MemorySink, until } from '../../../test/support/live.js';
import { FileTail, type FileTailOptions } from './tail.js';
import { CheckpointTailStateStore, FileTailStateStore, TailStateError, TailStateKeeper, type TailStateStore } from './tail-state.js';

const AUTH = fixtureLines('linux', 'auth.log');
const ASA = fixtureLines('cisco_asa', 'asa.log');
const CP = fixtureLines('checkpoint', 'firewall.log');

const dirs: string[] = [];
process.on('exit', () => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'weft-tail-'));
  dirs.push(d);
  return d;
}

const lines = (xs: string[]): string => xs.map((x) => `${x}\n`).join('');

async function keeperFor(backend: TailStateStore): Promise<TailStateKeeper> {
  const k = new TailStateKeeper(backend);
  await k.load();
  return k;
}

function makeTail(paths: string[], sink: MemorySink, keeper: TailStateKeeper, over: Partial<FileTailOptions> = {}): FileTail {
  return new FileTail({ paths, pollIntervalMs: 10, startAt: 'beginning', rotateWaitMs: 0, maxRecordBytes: 1024 * 1024, batchSize: 1000, logger: silentLogger, ...over }, sink, keeper);
}

test('tail follows appends; a partial last line waits for its LF; positions saved after each commit', async () => {
  const dir = tempDir();
  const file = join(dir, 'auth.log');
  const stateFile = join(dir, 'state.json');
  writeFileSync(file, `${lines(AUTH.slice(0, 3))}${(AUTH[3] as string).slice(0, 20)}`);
  const sink = new MemorySink();
  const t = makeTail([file], sink, await keeperFor(new FileTailStateStore(stateFile)));
  await t.pollOnce();
  assert.deepEqual(sink.texts, AUTH.slice(0, 3));
  const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { paths: Record<string, { sourceId: string; files: { offset: number }[] }> };
  assert.equal(saved.paths[file]?.sourceId, file);
  assert.deepEqual(saved.paths[file]?.files.map((f) => f.offset), [Buffer.byteLength(lines(AUTH.slice(0, 3)))]);
  appendFileSync(file, `${(AUTH[3] as string).slice(20)}\n${lines(AUTH.slice(4))}`);
  await t.pollOnce();
  assert.deepEqual(sink.texts, AUTH);
  assert.ok(sink.batches.every((b) => b.meta.sourceId === file && b.meta.filePath === file));
  assert.deepEqual({ records: t.counters.records, files: t.counters.files, lag: t.counters.lagBytes, bytes: t.counters.bytes }, { records: AUTH.length, files: 1, lag: 0, bytes: Buffer.byteLength(lines(AUTH)) });
  await t.close();
});

test('tail survives rename rotation: the old file is read to its end (late writes too), then the new one', async () => {
  const dir = tempDir();
  const file = join(dir, 'app.log');
  writeFileSync(file, lines(AUTH.slice(0, 4)));
  const sink = new MemorySink();
  const keeper = await keeperFor(new FileTailStateStore(join(dir, 'state.json')));
  const t = makeTail([file], sink, keeper, { rotateWaitMs: 60_000 });
  await t.pollOnce();
  appendFileSync(file, lines(AUTH.slice(4, 6)));
  renameSync(file, `${file}.1`);
  appendFileSync(`${file}.1`, lines(AUTH.slice(6, 8))); // the writer has not reopened yet
  writeFileSync(file, lines(ASA));
  await t.pollOnce();
  assert.deepEqual(sink.texts, [...AUTH.slice(0, 8), ...ASA]);
  assert.deepEqual({ rotations: t.counters.rotations, files: t.counters.files }, { rotations: 1, files: 2 });
  // Still draining (rotate_wait not over): a late last line without LF is not complete yet.
  appendFileSync(`${file}.1`, AUTH[8] as string);
  await t.pollOnce();
  assert.equal(sink.texts.length, 8 + ASA.length);
  await t.close();
  // A new tail with rotate_wait 0 resumes both files, finishes the old one (its last line counts now) and keeps the new.
  const t2 = makeTail([file], sink, await keeperFor(new FileTailStateStore(join(dir, 'state.json'))));
  await t2.pollOnce();
  assert.deepEqual(sink.texts, [...AUTH.slice(0, 8), ...ASA, AUTH[8]]);
  assert.equal(t2.counters.files, 1);
  appendFileSync(file, lines(CP.slice(0, 2)));
  await t2.pollOnce();
  assert.deepEqual(sink.texts.slice(-2), CP.slice(0, 2));
  await t2.close();
});

test('tail survives copytruncate: the rest is read from the copy, then the file from its start', async () => {
  const dir = tempDir();
  const file = join(dir, 'fw.log');
  writeFileSync(file, lines(CP.slice(0, 3)));
  const sink = new MemorySink();
  const t = makeTail([file], sink, await keeperFor(new FileTailStateStore(join(dir, 'state.json'))));
  await t.pollOnce();
  appendFileSync(file, lines(CP.slice(3, 5)));
  copyFileSync(file, `${file}.1`);
  truncateSync(file, 0);
  appendFileSync(file, lines(CP.slice(5, 6)));
  await t.pollOnce();
  assert.deepEqual(sink.texts, CP.slice(0, 6));
  assert.equal(t.counters.truncations, 1);
  // Rewritten from the start with more bytes than were read: told by the changed first bytes.
  await t.pollOnce();
  const before = readFileSync(file);
  copyFileSync(file, `${file}.2`);
  writeFileSync(file, lines([...AUTH, ...AUTH.map((l) => `${l} again`)]));
  assert.ok(readFileSync(file).length > before.length);
  await t.pollOnce();
  assert.deepEqual(sink.texts, [...CP.slice(0, 6), ...AUTH, ...AUTH.map((l) => `${l} again`)]);
  assert.equal(t.counters.truncations, 2);
  await t.close();
});

test('tail restart resumes at the committed offset (file state and store checkpoint backends)', async () => {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  const dir = tempDir();
  for (const backend of [new FileTailStateStore(join(dir, 'state.json')), new CheckpointTailStateStore(store)]) {
    const file = join(dir, `${backend.constructor.name}.log`);
    writeFileSync(file, lines(AUTH.slice(0, 5)));
    const sink = new MemorySink();
    const t1 = makeTail([file], sink, await keeperFor(backend));
    await t1.pollOnce();
    await t1.close();
    appendFileSync(file, lines(AUTH.slice(5)));
    const t2 = makeTail([file], sink, await keeperFor(backend));
    await t2.pollOnce();
    await t2.close();
    assert.deepEqual(sink.texts, AUTH, backend.where);
    assert.deepEqual(sink.batches.map((b) => b.records.length), [5, AUTH.length - 5]);
  }
  await store.close();
});

test('tail restart after a rotation while stopped: rest of the rotated file, then the new file', async () => {
  const dir = tempDir();
  const file = join(dir, 'auth.log');
  const backend = new FileTailStateStore(join(dir, 'state.json'));
  writeFileSync(file, lines(AUTH.slice(0, 3)));
  const sink = new MemorySink();
  const t1 = makeTail([file], sink, await keeperFor(backend));
  await t1.pollOnce();
  await t1.close();
  appendFileSync(file, lines(AUTH.slice(3, 7)));
  renameSync(file, `${file}.1`);
  writeFileSync(`${file}.2.gz`, 'not a log');
  writeFileSync(file, lines(ASA));
  const t2 = makeTail([file], sink, await keeperFor(backend));
  await t2.pollOnce();
  assert.deepEqual(sink.texts, [...AUTH.slice(0, 7), ...ASA]);
  await t2.close();
  // Truncated and rewritten while stopped, no copy left: the new content from its start.
  rmSync(`${file}.1`);
  writeFileSync(file, lines(CP.slice(0, 1)));
  const t3 = makeTail([file], sink, await keeperFor(backend));
  await t3.pollOnce();
  assert.deepEqual(sink.texts.slice(7 + ASA.length), CP.slice(0, 1));
  assert.equal(t3.counters.truncations, 1);
  await t3.close();
});

test('tail waits for a slow sink: one chunk in flight, nothing read ahead', async () => {
  const dir = tempDir();
  const file = join(dir, 'big.log');
  const all: string[] = [];
  for (let i = 0; i < 20_000; i++) all.push(`${AUTH[i % AUTH.length]} #${i}`);
  writeFileSync(file, lines(all));
  const size = readFileSync(file).length;
  const sink = new MemorySink();
  sink.hold();
  const t = makeTail([file], sink, await keeperFor(new FileTailStateStore(join(dir, 'state.json'))));
  const polling = t.pollOnce();
  await until(() => sink.calls === 1, 'first write');
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.equal(sink.calls, 1);
  assert.equal(t.counters.bytes, 256 * 1024, 'one chunk read, not the file');
  assert.ok(size > 4 * 256 * 1024);
  sink.release();
  await polling;
  assert.deepEqual(sink.texts, all);
  assert.ok(sink.batches.every((b) => b.records.length <= 1000), 'batches respect ingest.batch_size');
  await t.close();
});

test('tail: a failing sink is retried and the position does not move past what was not committed', async () => {
  const dir = tempDir();
  const file = join(dir, 'auth.log');
  writeFileSync(file, lines(AUTH));
  const sink = new MemorySink();
  sink.failNext(1);
  const t = makeTail([file], sink, await keeperFor(new FileTailStateStore(join(dir, 'state.json'))));
  await t.pollOnce();
  assert.deepEqual(sink.texts, AUTH);
  assert.equal(t.counters.writeErrors, 1);
  await t.close();
  // Closed while the sink keeps failing: nothing committed, so the saved offset stays at 0.
  const dir2 = tempDir();
  const file2 = join(dir2, 'auth.log');
  writeFileSync(file2, lines(AUTH));
  const failing = new MemorySink();
  failing.failNext(1_000_000);
  const backend = new FileTailStateStore(join(dir2, 'state.json'));
  const t2 = makeTail([file2], failing, await keeperFor(backend));
  const polling = t2.pollOnce();
  await until(() => t2.counters.writeErrors >= 2, 'retries');
  await t2.close();
  await polling;
  const st = await backend.load();
  assert.deepEqual(st.paths[file2]?.files.map((f) => f.offset), [0]);
});

test('tail: globs pick up new files; start_at end skips what existed at the first start only', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.log'), lines(AUTH.slice(0, 2)));
  writeFileSync(join(dir, 'skip.txt'), lines(ASA));
  const sink = new MemorySink();
  const t = makeTail([join(dir, '*.log')], sink, await keeperFor(new FileTailStateStore(join(dir, 'state.json'))), { startAt: 'end', id: 'glob-src' });
  await t.pollOnce();
  assert.deepEqual(sink.texts, []);
  appendFileSync(join(dir, 'a.log'), lines(AUTH.slice(2, 3)));
  writeFileSync(join(dir, 'b.log'), lines(ASA.slice(0, 2)));
  await t.pollOnce();
  assert.deepEqual(sink.texts, [AUTH[2], ...ASA.slice(0, 2)]);
  assert.deepEqual(sink.batches.map((b) => [b.meta.sourceId, b.meta.filePath]), [['glob-src', join(dir, 'a.log')], ['glob-src', join(dir, 'b.log')]]);
  await t.close();
  // start_at applies once: a file opened at its end and never committed since resumes where it was opened.
  writeFileSync(join(dir, 'c.log'), lines(CP.slice(0, 1)));
  const other = new MemorySink();
  const t2 = makeTail([join(dir, 'c.log')], other, await keeperFor(new FileTailStateStore(join(dir, 'state2.json'))), { startAt: 'end' });
  await t2.pollOnce();
  await t2.close();
  appendFileSync(join(dir, 'c.log'), lines(CP.slice(1, 2)));
  const t3 = makeTail([join(dir, 'c.log')], other, await keeperFor(new FileTailStateStore(join(dir, 'state2.json'))), { startAt: 'end' });
  await t3.pollOnce();
  await t3.close();
  assert.deepEqual(other.texts, CP.slice(1, 2));
});

test('tail: an oversized line is cut and flagged; bad or foreign state files are refused', async () => {
  const dir = tempDir();
  const file = join(dir, 'x.log');
  writeFileSync(file, lines([AUTH[0] as string, `${AUTH[1]} ${'y'.repeat(300)}`, AUTH[2] as string]));
  assert.ok(AUTH.slice(0, 3).every((l) => l.length < 200));
  const sink = new MemorySink();
  const t = makeTail([file], sink, await keeperFor(new FileTailStateStore(join(dir, 'state.json'))), { maxRecordBytes: 200 });
  await t.pollOnce();
  assert.deepEqual(sink.records.map((r) => [r.text.length, r.oversized]), [[(AUTH[0] as string).length, undefined], [200, true], [(AUTH[2] as string).length, undefined]]);
  assert.equal(t.counters.oversized, 1);
  await t.close();
  const bad = join(dir, 'bad.json');
  for (const content of ['{not json', '{"version":2,"paths":{}}', '{"version":1,"paths":{"/x":{"sourceId":"s","files":[{"fileId":"1:2","offset":-1,"fpLen":0,"fp":"00"}]}}}']) {
    writeFileSync(bad, content);
    await assert.rejects(new FileTailStateStore(bad).load(), (e: unknown) => e instanceof TailStateError && e.message.includes(bad));
  }
});
