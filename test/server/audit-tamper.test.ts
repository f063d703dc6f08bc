/**
 * The access audit is tamper-evident: entries written by API requests (who, what, when, from where,
 * result, record counts) verify; changing, removing or reordering one is detected by the API's
 * verify route and by `weft audit verify`, which names the first bad entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { parseConfig } from '../../src/config/load.js';
import { buildServer } from '../../src/server/app.js';
import { ensureFirstAdmin } from '../../src/server/serve.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { AuditVerification } from '../../src/store/types.js';
import { weft } from '../support/cli.js';
import { bearer, json } from '../support/server.js';

test('access entries verify, and an edited, deleted or swapped access entry is detected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-audit-'));
  try {
    const store = new SqliteStore({ path: join(dir, 'weft.db') });
    await store.migrate();
    const password = await ensureFirstAdmin(store) as string;
    const { app } = await buildServer({ config: parseConfig({}), store, jwtSecret: randomBytes(32), defaultMetrics: false });
    const before = await store.auditLength();
    await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'wrong password!' }, remoteAddress: '192.0.2.7' });
    const token = json<{ access_token: string }>(await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password }, remoteAddress: '192.0.2.7' })).access_token;
    await app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(token), remoteAddress: '192.0.2.7' });
    await app.inject({ method: 'GET', url: '/api/v1/events' });
    const entries = await store.readAudit(before, 100);
    assert.deepEqual(entries.map((e) => [e.actor, e.action, e.outcome, e.source_ip, e.details?.status, e.details?.records]), [
      ['admin', 'auth.login', 'denied', '192.0.2.7', 401, undefined],
      ['admin', 'auth.login', 'success', '192.0.2.7', 200, undefined],
      ['admin', 'users.list', 'success', '192.0.2.7', 200, 1],
      ['anonymous', 'events.search', 'denied', '127.0.0.1', 401, undefined],
    ]);
    for (const e of entries) assert.ok(Number.isFinite(Date.parse(e.ts)));
    const verify = async (): Promise<AuditVerification> => json<AuditVerification>(await app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: bearer(token) }));
    assert.equal((await verify()).ok, true);
    await app.close();
    await store.close();
    assert.equal(weft(['audit', 'verify', '--data-dir', dir]).code, 0);

    const tamper = (sql: string[]): void => {
      const db = new Database(join(dir, 'weft.db'));
      try {
        // The triggers stop the engine, not someone with the file: they drop them first.
        db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
        for (const s of sql) db.exec(s);
      } finally {
        db.close();
      }
    };
    const failedLogin = (entries[0] as { seq: number }).seq;
    const copy = join(dir, 'pristine.db');
    const db = new Database(join(dir, 'weft.db'));
    await db.backup(copy);
    db.close();
    const restore = async (): Promise<void> => {
      const src = new Database(copy);
      await src.backup(join(dir, 'weft.db'));
      src.close();
    };
    const cases: Array<[string, string[], RegExp]> = [
      ['a failed login rewritten as a success', [`UPDATE audit_log SET outcome = 'success' WHERE seq = ${failedLogin}`], /content does not match its hash \(edited\)/],
      ['the source address changed', [`UPDATE audit_log SET source_ip = '10.9.9.9' WHERE seq = ${failedLogin + 2}`], /edited/],
      ['the record count changed', [`UPDATE audit_log SET details = replace(details, '"records":1', '"records":0') WHERE seq = ${failedLogin + 2}`], /edited/],
      ['the failed login deleted', [`DELETE FROM audit_log WHERE seq = ${failedLogin}`], /sequence gap/],
      ['two entries swapped', [
        `UPDATE audit_log SET seq = -1 WHERE seq = ${failedLogin}`, `UPDATE audit_log SET seq = ${failedLogin} WHERE seq = ${failedLogin + 1}`, `UPDATE audit_log SET seq = ${failedLogin + 1} WHERE seq = -1`,
      ], /does not link|edited|sequence/],
    ];
    for (const [what, sql, reason] of cases) {
      await restore();
      tamper(sql);
      const r = weft(['audit', 'verify', '--data-dir', dir]);
      assert.equal(r.code, 1, `${what}: weft audit verify must fail`);
      assert.match(r.stdout, /audit log BROKEN at entry \d+/, what);
      const s2 = new SqliteStore({ path: join(dir, 'weft.db') });
      const v = await s2.verifyAudit();
      await s2.close();
      assert.equal(v.ok, false, what);
      assert.ok((v.firstBadSeq ?? 0) >= failedLogin && (v.firstBadSeq ?? 0) <= failedLogin + 2, `${what}: first bad ${v.firstBadSeq}`);
      assert.match(v.reason ?? '', reason, what);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
