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
import { auditHash, GENESIS_HASH } from '../../src/store/audit-chain.js';
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
    const intact = await verify();
    assert.equal(intact.ok, true);
    assert.equal(intact.head?.seq, intact.count);
    const anchored = await app.inject({ method: 'GET', url: `/api/v1/audit/verify?anchor=${intact.head?.seq}:${intact.head?.hash}`, headers: bearer(token) });
    assert.equal(json<AuditVerification>(anchored).ok, true);
    const future = json<AuditVerification>(await app.inject({ method: 'GET', url: `/api/v1/audit/verify?anchor=${intact.count + 50}:${'a'.repeat(64)}`, headers: bearer(token) }));
    assert.equal(future.ok, false);
    assert.match(future.reason ?? '', /^truncated: the chain ends at entry \d+, but entry \d+ was recorded as its head earlier$/);
    const malformed = await app.inject({ method: 'GET', url: '/api/v1/audit/verify?anchor=12:xyz', headers: bearer(token) });
    assert.equal(malformed.statusCode, 400);
    assert.match(malformed.body, /anchor must be SEQ:HASH/);
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

test('a chain cut short or rewritten from the start verifies on its own, and fails against the head recorded earlier', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-audit-anchor-'));
  try {
    const store = new SqliteStore({ path: join(dir, 'weft.db') });
    await store.migrate();
    await store.appendAudit(['alert.ack', 'alert.close', 'rule.disable', 'user.create', 'auth.login'].map((action, i) => ({ actor: i === 3 ? 'mallory' : 'alice', action, target: `t${i}` })));
    await store.close();
    const first = weft(['audit', 'verify', '--data-dir', dir]);
    assert.equal(first.code, 0);
    const head = /head (\d+:[0-9a-f]{64})/.exec(first.stdout)?.[1];
    assert.ok(head !== undefined, first.stdout);
    assert.equal(head.split(':')[0], '5');
    assert.equal(weft(['audit', 'verify', '--anchor', head, '--data-dir', dir]).code, 0);

    const db = new Database(join(dir, 'weft.db'));
    db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
    // Cut off the last two entries (who created mallory, and the login after it).
    db.exec('DELETE FROM audit_log WHERE seq > 3');
    db.close();
    assert.equal(weft(['audit', 'verify', '--data-dir', dir]).code, 0, 'the chain alone cannot show a cut tail');
    const cut = weft(['audit', 'verify', '--anchor', head, '--data-dir', dir]);
    assert.equal(cut.code, 1);
    assert.match(cut.stdout, /BROKEN at entry 4: truncated: the chain ends at entry 3, but entry 5 was recorded as its head earlier/);

    // Rewrite the whole chain with consistent hashes: the acknowledgement becomes someone else's.
    const s2 = new SqliteStore({ path: join(dir, 'weft.db') });
    const kept = await s2.readAudit(0, 10);
    await s2.close();
    const db2 = new Database(join(dir, 'weft.db'));
    db2.exec('DELETE FROM audit_log');
    let prev = GENESIS_HASH;
    const ins = db2.prepare('INSERT INTO audit_log (seq, ts, actor, action, target, outcome, source_ip, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)');
    for (const e of [...kept, ...kept.slice(0, 2)].map((e, i) => ({ ...e, seq: i + 1, actor: i === 0 ? 'bob' : e.actor }))) {
      const hash = auditHash(e.seq, e.ts, e, prev);
      ins.run(e.seq, e.ts, e.actor, e.action, e.target ?? null, e.outcome ?? 'success', prev, hash);
      prev = hash;
    }
    db2.close();
    assert.equal(weft(['audit', 'verify', '--data-dir', dir]).code, 0, 'a consistently rewritten chain verifies on its own');
    const rewritten = weft(['audit', 'verify', '--anchor', head, '--data-dir', dir]);
    assert.equal(rewritten.code, 1);
    assert.match(rewritten.stdout, /BROKEN at entry 5: entry 5 does not have the recorded hash [0-9a-f]{16}\.\.\.: the chain up to it was rewritten/);

    const bad = weft(['audit', 'verify', '--anchor', '5:abc', '--data-dir', dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /expected SEQ:HASH/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
