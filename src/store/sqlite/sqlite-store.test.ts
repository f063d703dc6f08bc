import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { storeContract } from '../store.contract.js';
import { makeEvent } from '../testdata/events.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { ALERT_STAMPS_SQL, SqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
process.on('exit', () => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), 'weft-sqlite-'));
  dirs.push(d);
  return join(d, 'weft.db');
}

storeContract('sqlite', async () => {
  const s = new SqliteStore({ path: tempDb(), synchronous: 'normal' });
  await s.migrate();
  return s;
});

test('sqlite: a process killed mid-batch leaves no partial batch', async () => {
  const path = tempDb();
  const setup = new SqliteStore({ path });
  await setup.migrate();
  await setup.close();
  // The child appends batches of 20k events until it is killed; we kill it while it writes.
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'testdata', 'append-forever.ts'), path, '20000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Without this the child would report to our test runner instead of writing to its stdout.
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')),
  });
  let committed = 0;
  let killing = false;
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      committed += chunk.split('\n').filter((l) => l === 'committed').length;
      // After two whole batches, kill it somewhere inside the third.
      if (committed >= 2 && !killing) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), 30);
      }
    });
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
  const db = new Database(path, { readonly: true });
  const n = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  db.close();
  assert.ok(committed >= 2, 'the child committed batches before it was killed');
  assert.equal(n % 20000, 0, `found ${n} events: a partial batch was stored`);
  assert.ok(n >= 40000);
});

test('sqlite: WAL mode and migration errors are typed', async () => {
  const path = tempDb();
  const s = new SqliteStore({ path });
  await s.migrate();
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
  await s.close();
  await assert.rejects(s.countEvents(), /store is closed/);
  // A path below a regular file can never be a database.
  assert.throws(() => new SqliteStore({ path: join(path, 'sub', 'weft.db') }), /ENOTDIR|cannot open SQLite database/);
});

test('sqlite: audit tampering is detected (edit, delete, swap)', async () => {
  for (const attack of ['edit', 'delete', 'swap', 'insert'] as const) {
    const path = tempDb();
    const s = new SqliteStore({ path });
    await s.migrate();
    const appended = await s.appendAudit([1, 2, 3, 4, 5].map((i) => ({ actor: `user${i}`, action: 'alert.update', target: `a${i}`, details: { i } })));
    assert.deepEqual(await s.verifyAudit(), { ok: true, count: 5, head: { seq: 5, hash: appended[4]!.hash } });
    await s.close();
    // The attacker has the file: drops the append-only triggers and rewrites rows.
    const db = new Database(path);
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    if (attack === 'edit') db.prepare(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`).run();
    if (attack === 'delete') db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    if (attack === 'swap') {
      const r2 = db.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as Record<string, unknown>;
      const r4 = db.prepare('SELECT * FROM audit_log WHERE seq = 4').get() as Record<string, unknown>;
      const upd = db.prepare('UPDATE audit_log SET ts=@ts, actor=@actor, action=@action, target=@target, details=@details, prev_hash=@prev_hash, hash=@hash WHERE seq=@to');
      upd.run({ ...r4, to: 2 });
      upd.run({ ...r2, to: 4 });
    }
    if (attack === 'insert') {
      // Make room at seq 3 and forge an entry that links to entry 2.
      db.exec('UPDATE audit_log SET seq = -seq WHERE seq >= 3; UPDATE audit_log SET seq = -seq + 1 WHERE seq < 0;');
      const r2 = db.prepare('SELECT hash FROM audit_log WHERE seq = 2').get() as { hash: string };
      db.prepare(`INSERT INTO audit_log (seq, ts, actor, action, outcome, prev_hash, hash) VALUES (3, '2026-01-01T00:00:00.000Z', 'mallory', 'user.create', 'success', ?, ?)`)
        .run(r2.hash, 'f'.repeat(64));
    }
    db.close();
    const s2 = new SqliteStore({ path });
    const v = await s2.verifyAudit();
    await s2.close();
    assert.equal(v.ok, false, `${attack} was not detected`);
    assert.ok(v.firstBadSeq !== undefined && v.firstBadSeq <= 4, `${attack}: first bad entry ${v.firstBadSeq}`);
    assert.ok(v.reason && v.reason.length > 0);
  }
});

test('sqlite: event ids are deduplicated across both id levels, and found in either', async () => {
  const path = tempDb();
  // Three ids fit the small level: most of these batches move it into the large one.
  const s = new SqliteStore({ path, recentEventIds: 3 });
  await s.migrate();
  const events = Array.from({ length: 11 }, (_, i) => makeEvent(i));
  const seen: number[] = [];
  for (let i = 0; i < events.length; i += 2) {
    const r = await s.appendEvents(events.slice(i, i + 2));
    seen.push(r.inserted);
  }
  assert.deepEqual(seen, [2, 2, 2, 2, 2, 1]);
  // Everything again, with one new event and one repeated inside the batch.
  const again = await s.appendEvents([...events, makeEvent(11), makeEvent(11)]);
  assert.deepEqual({ inserted: again.inserted, duplicates: again.duplicates, lastSeq: again.lastSeq }, { inserted: 1, duplicates: 12, lastSeq: 12 });
  assert.equal(await s.countEvents(), 12);
  const db = new Database(path, { readonly: true });
  const levels = db.prepare('SELECT (SELECT COUNT(*) FROM event_ids) AS big, (SELECT COUNT(*) FROM event_ids_recent) AS small').get();
  const joined = db.prepare('SELECT COUNT(*) AS n FROM events e JOIN (SELECT id, seq FROM event_ids UNION ALL SELECT id, seq FROM event_ids_recent) l ON l.id = e.id AND l.seq = e.seq').get();
  db.close();
  // The small level reached 3 after the 2nd, 4th and 6th batch (11 ids moved); the new one waits.
  assert.deepEqual(levels, { big: 11, small: 1 });
  assert.deepEqual(joined, { n: 12 });
  for (const i of [0, 5, 11]) {
    const got = await s.getEvent(events[i]?.weft.id ?? makeEvent(11).weft.id);
    assert.equal(got?.weft.id, (events[i] ?? makeEvent(11)).weft.id);
  }
  assert.equal(await s.getEvent('0'.repeat(32)), undefined);
  // rewriteEvents finds rows through the levels too.
  const changed = { ...makeEvent(4), host: { name: 'renamed' } };
  assert.equal(await s.rewriteEvents([changed]), 1);
  assert.equal((await s.getEvent(changed.weft.id))?.host?.name, 'renamed');
  await s.close();
});

test('sqlite: migration 4 keeps the events, their seqs and ids, and the sequence counter', async () => {
  const path = tempDb();
  const db = new Database(path);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const m of SQLITE_MIGRATIONS.filter((x) => x.version <= 3)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, '2026-01-01T00:00:00.000Z');
  }
  const ins = db.prepare('INSERT INTO events (seq, id, ts, ingest_ts, source_id, doc, raw) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const old = [makeEvent(1), makeEvent(2), makeEvent(3)];
  old.forEach((e, k) => {
    const { original, ...rest } = e.event ?? {};
    ins.run([1, 2, 7][k], e.weft.id, Date.parse(e['@timestamp']), Date.parse(e['@timestamp']), 'test-source', JSON.stringify({ ...e, event: rest }), original);
  });
  // Rows 8 and 9 were written once and rolled back: the counter is past them, and stays so.
  db.prepare(`UPDATE sqlite_sequence SET seq = 9 WHERE name = 'events'`).run();
  db.close();
  const s = new SqliteStore({ path });
  assert.equal(await s.migrate(), Math.max(...SQLITE_MIGRATIONS.map((m) => m.version)));
  const r = await s.appendEvents([makeEvent(2), makeEvent(4)]);
  assert.deepEqual({ inserted: r.inserted, duplicates: r.duplicates, lastSeq: r.lastSeq }, { inserted: 1, duplicates: 1, lastSeq: 10 });
  assert.equal((await s.getEvent(old[2]!.weft.id))?.event?.original, old[2]!.event?.original);
  await s.close();
  const check = new Database(path, { readonly: true });
  assert.deepEqual(check.prepare('SELECT seq, id FROM events ORDER BY seq').all(), [
    { seq: 1, id: old[0]!.weft.id }, { seq: 2, id: old[1]!.weft.id }, { seq: 7, id: old[2]!.weft.id }, { seq: 10, id: makeEvent(4).weft.id },
  ]);
  assert.deepEqual(check.prepare(`SELECT name FROM sqlite_master WHERE tbl_name = 'events' AND type = 'index' ORDER BY name`).all().map((x) => (x as { name: string }).name),
    ['events_destination_ip', 'events_host', 'events_source', 'events_source_ip', 'events_ts', 'events_user']);
  assert.deepEqual(check.prepare(`SELECT name, seq FROM sqlite_sequence WHERE name LIKE 'events%'`).all(), [{ name: 'events', seq: 10 }]);
  check.close();
});

test('sqlite: two processes appending to one database both commit every batch', async () => {
  const path = tempDb();
  const s = new SqliteStore({ path });
  await s.migrate();
  // The child appends batches of 500 (its own events) until killed; this process appends others meanwhile.
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'testdata', 'append-forever.ts'), path, '500'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')),
  });
  let childCommits = 0;
  let mine = 0;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => { childCommits += chunk.split('\n').filter((l) => l === 'committed').length; });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    while (childCommits < 1) await new Promise((r) => setTimeout(r, 10));
    // At least 40 batches here, and on until the child has committed two more, with pauses after the
    // 40th: back-to-back batches for a fixed count let a child starved of CPU (a loaded CI machine)
    // or of the write lock commit only one meanwhile.
    const before = childCommits;
    const deadline = Date.now() + 60_000;
    let b = 0;
    for (; b < 40 || childCommits < before + 2; b++) {
      if (Date.now() > deadline) assert.fail(`the child committed ${childCommits - before} batches in 60 s while this process appended ${b}`);
      // Ids the child never writes (it counts up from 0).
      const r = await s.appendEvents(Array.from({ length: 200 }, (_, i) => makeEvent(10_000_000 + b * 200 + i)));
      mine += r.inserted;
      await new Promise((r2) => (b < 40 ? setImmediate(r2) : setTimeout(r2, 20)));
    }
    assert.equal(mine, b * 200);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  const total = await s.countEvents();
  await s.close();
  assert.equal((total - mine) % 500, 0, `${total} events: a partial batch of the child's`);
});

test('sqlite: the reference version sees writes by another connection, a raw DELETE included', async () => {
  const path = tempDb();
  const reader = new SqliteStore({ path });
  await reader.migrate();
  const writer = new SqliteStore({ path });
  const v0 = await reader.referenceVersion();
  await writer.putAssets([{ id: 'h1', kind: 'host', value: 'dc01', criticality: 5, tags: [] }]);
  const v1 = await reader.referenceVersion();
  assert.ok(v1 > v0, `${v1} > ${v0}`);
  await writer.close();
  // Not through the Store API: an operator's own SQL must not leave a reader with a stale copy.
  const db = new Database(path);
  db.prepare('DELETE FROM assets').run();
  db.prepare(`INSERT INTO attack_objects (id, kind, name, tactics) VALUES ('T1', 'technique', 'x', '[]')`).run();
  db.close();
  const v2 = await reader.referenceVersion();
  assert.equal(v2, v1 + 2);
  assert.deepEqual(await reader.listAssets(), []);
  await reader.close();
});

test('sqlite: alert stamps read the window through alerts_last, not every alert ever stored', async () => {
  const path = tempDb();
  const s = new SqliteStore({ path });
  await s.migrate();
  await s.close();
  const db = new Database(path);
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${ALERT_STAMPS_SQL}`).all({ from: 0 }) as Array<{ detail: string }>).map((r) => r.detail);
  db.close();
  assert.ok(plan.some((d) => /USING INDEX alerts_last \(last_ts>\?\)/.test(d)), plan.join('; '));
});
