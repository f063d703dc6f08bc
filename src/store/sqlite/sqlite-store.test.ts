import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { storeContract } from '../store.contract.js';
import { SqliteStore } from './sqlite-store.js';

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
