import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WeftEvent } from '../../event/model.js';
import { createTestDatabase, rawClient } from '../../../test/support/postgres.js';
import { StoreError } from '../errors.js';
import { storeContract } from '../store.contract.js';
import { makeEvent } from '../testdata/events.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { PostgresStore } from './postgres-store.js';

const db = await createTestDatabase('store');
const stores: PostgresStore[] = [];

function open(schema: string, poolSize = 4): PostgresStore {
  if (typeof db === 'string') throw new Error(db);
  const s = new PostgresStore({ url: db.url, schema, poolSize });
  stores.push(s);
  return s;
}

async function migrated(schema: string): Promise<PostgresStore> {
  const s = open(schema);
  await s.migrate();
  return s;
}

/** An event at a given time (and optionally from another source), id still derived from i. */
function at(i: number, iso: string, sourceId?: string): WeftEvent {
  const e = makeEvent(i, { '@timestamp': iso });
  if (sourceId !== undefined) e.weft = { ...e.weft, source_id: sourceId };
  return e;
}

if (typeof db === 'string') {
  test('postgres store', { skip: db }, () => undefined);
} else {
  after(async () => {
    for (const s of stores) await s.close();
    await db.drop();
  });

  storeContract('postgres', () => migrated('contract'));

  describe('postgres store', () => {
    test('partitions are created per month on demand, and rows land in the right one', async () => {
      const s = await migrated('parts');
      const evs = [
        at(1, '2025-12-31T23:59:59.999Z'),
        at(2, '2026-01-01T00:00:00.000Z'),
        at(3, '2024-02-29T12:00:00.000+05:00'),
        // 23:30 UTC on the last day of February: the offset must not push it into March.
        at(4, '2026-03-01T00:30:00.000+01:00'),
      ];
      const r = await s.appendEvents(evs);
      assert.deepEqual(r, { inserted: 4, duplicates: 0, lastSeq: 4 });
      const c = await rawClient((db as { url: string }).url, 'parts');
      try {
        const parts = await c.query(`SELECT k.relname FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
          WHERE p.relname = 'events' AND p.relnamespace = 'parts'::regnamespace ORDER BY 1`);
        assert.deepEqual(parts.rows.map((x) => x.relname), ['events_2024_02', 'events_2025_12', 'events_2026_01', 'events_2026_02']);
        const placed = await c.query(`SELECT tableoid::regclass::text AS part, id FROM events`);
        const partOf = new Map(placed.rows.map((x) => [x.id as string, x.part as string]));
        assert.deepEqual(evs.map((e) => partOf.get(e.weft.id)), ['events_2025_12', 'events_2026_01', 'events_2024_02', 'events_2026_02']);

        // The event log is in append order, not time order.
        assert.deepEqual((await s.readEventLog(0, 10)).map((x) => [x.seq, x.event.weft.id]), evs.map((e, k) => [k + 1, e.weft.id]));
        // A retry creates nothing and stores nothing; a duplicate inside one batch is stored once.
        assert.deepEqual(await s.appendEvents(evs), { inserted: 0, duplicates: 4, lastSeq: 4 });
        assert.deepEqual(await s.appendEvents([at(5, '2026-01-02T00:00:00Z'), at(5, '2026-01-02T00:00:00Z')]), { inserted: 1, duplicates: 1, lastSeq: 5 });
        // Duplicates burn no seqs: the next stored event follows directly.
        assert.equal((await s.appendEvents([at(6, '2026-01-02T00:00:01Z')])).lastSeq, 6);

        await assert.rejects(s.appendEvents([at(7, '2026-01-02T00:00:00Z'), at(8, '+010000-01-01T00:00:00.000Z')]), (err: unknown) => {
          assert.ok(err instanceof StoreError);
          assert.equal(err.code, 'invalid_record');
          assert.match(err.message, /^event 1 \(.+\): @timestamp \+010000-01-01T00:00:00.000Z is outside the years 1-9999/);
          return true;
        });
        await assert.rejects(s.appendEvents([at(9, '0000-06-01T00:00:00Z')]), /event 0 .*outside the years/);
        assert.equal(await s.countEvents(), 6);
        // Query bounds beyond what any stored event can have select as open ends; non-numbers are refused.
        assert.equal((await s.searchEvents({ from: -8.64e15, to: 8.64e15 })).total, 6);
        assert.equal((await s.searchEvents({ from: Date.parse('2026-01-01T00:00:00Z'), to: 1e300 })).total, 4);
        assert.equal((await s.searchEvents({ to: -1e300 })).total, 0);
        await assert.rejects(s.searchEvents({ from: Number.NaN }), (err: unknown) => err instanceof StoreError && err.code === 'invalid_record' && /from must be a finite number/.test(err.message));

        assert.deepEqual(await s.ensurePartitions(Date.parse('2027-01-15T00:00:00Z'), Date.parse('2027-03-02T00:00:00Z')), ['events_2027_01', 'events_2027_02', 'events_2027_03']);
        assert.deepEqual(await s.ensurePartitions(Date.parse('2026-12-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z')), ['events_2026_12']);
        await assert.rejects(s.ensurePartitions(Date.parse('2027-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z')), /partition range/);
      } finally {
        await c.end();
      }
    });

    test('a batch that fails inside the database stores nothing, not even its new partition', async () => {
      const s = await migrated('atomic');
      const first = await s.appendEvents([at(1, '2026-01-05T00:00:00Z')]);
      const c = await rawClient((db as { url: string }).url, 'atomic');
      try {
        // A constraint the store does not check itself, so the failure happens mid-INSERT, after partition DDL.
        await c.query(`ALTER TABLE events ADD CONSTRAINT no_evil CHECK (source_id <> 'evil')`);
        const batch = [at(2, '2030-05-01T00:00:00Z'), at(3, '2026-01-05T00:00:01Z'), at(4, '2026-01-05T00:00:02Z', 'evil')];
        await assert.rejects(s.appendEvents(batch), (err: unknown) => {
          assert.ok(err instanceof StoreError);
          assert.equal(err.code, 'invalid_record');
          assert.match(err.message, /append events: .*no_evil/);
          return true;
        });
        assert.equal(await s.countEvents(), 1);
        assert.equal(await s.lastEventSeq(), first.lastSeq);
        assert.equal(await s.getEvent(batch[0]!.weft.id), undefined);
        const left = await c.query(`SELECT to_regclass('events_2030_05') AS p, (SELECT count(*) FROM event_ids)::int AS ids`);
        assert.deepEqual(left.rows[0], { p: null, ids: 1 });
        await c.query('ALTER TABLE events DROP CONSTRAINT no_evil');
        const again = await s.appendEvents(batch);
        assert.equal(again.inserted, 3);
        assert.ok(again.lastSeq > first.lastSeq);
        assert.deepEqual((await s.readEventLog(first.lastSeq, 10)).map((x) => x.event.weft.id), batch.map((e) => e.weft.id));
      } finally {
        await c.end();
      }
    });

    test('concurrent appends from two pools: seq order is commit order, a tailing reader misses nothing', async () => {
      const a = await migrated('concurrent');
      const b = open('concurrent');
      const reader = open('concurrent');
      const batches = 40;
      const size = 50;
      const writer = async (s: PostgresStore, base: number): Promise<{ ids: string[]; lastSeq: number }[]> => {
        const out: { ids: string[]; lastSeq: number }[] = [];
        for (let k = 0; k < batches; k++) {
          // Spread over six months so partitions are also created under contention.
          const evs = Array.from({ length: size }, (_, j) => at(base + k * size + j, new Date(Date.UTC(2026, k % 6, 1) + j * 1000).toISOString()));
          const r = await s.appendEvents(evs);
          assert.equal(r.inserted, size);
          out.push({ ids: evs.map((e) => e.weft.id), lastSeq: r.lastSeq });
        }
        return out;
      };
      let done = false;
      const seen: { seq: number; id: string }[] = [];
      const tail = (async () => {
        let after = 0;
        for (;;) {
          const finished = done;
          const page = await reader.readEventLog(after, 500);
          for (const x of page) {
            assert.ok(x.seq > after, 'seqs arrive strictly increasing');
            seen.push({ seq: x.seq, id: x.event.weft.id });
            after = x.seq;
          }
          if (finished && page.length === 0) return;
        }
      })();
      const [ra, rb] = await Promise.all([writer(a, 1_000_000), writer(b, 2_000_000)]);
      done = true;
      await tail;
      const total = 2 * batches * size;
      assert.equal(seen.length, total, 'the tailing reader saw every event exactly once');
      assert.equal(new Set(seen.map((x) => x.id)).size, total);
      const c = await rawClient((db as { url: string }).url, 'concurrent');
      try {
        const all = await c.query('SELECT seq::int AS seq FROM events ORDER BY seq');
        assert.deepEqual(seen.map((x) => x.seq), all.rows.map((x) => x.seq));
      } finally {
        await c.end();
      }
      // Appends are serialized: each batch owns a contiguous run of seqs ending at its lastSeq.
      const bySeq = new Map(seen.map((x) => [x.seq, x.id]));
      for (const r of [...ra, ...rb]) {
        assert.deepEqual(r.ids.map((_, j) => bySeq.get(r.lastSeq - size + 1 + j)), r.ids);
      }
    });

    test('concurrent migrate() calls apply each migration once', async () => {
      const racers = [open('migrate_race'), open('migrate_race'), open('migrate_race'), open('migrate_race')];
      assert.equal(await racers[0]!.schemaVersion(), 0);
      const versions = await Promise.all(racers.map((s) => s.migrate()));
      const latest = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]!.version;
      assert.deepEqual(versions, racers.map(() => latest));
      const c = await rawClient((db as { url: string }).url, 'migrate_race');
      try {
        assert.deepEqual((await c.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version), POSTGRES_MIGRATIONS.map((m) => m.version));
      } finally {
        await c.end();
      }
      assert.deepEqual((await racers[1]!.listRoles()).map((r) => r.name), ['admin', 'analyst', 'ingest', 'viewer']);
      assert.equal(await racers[2]!.migrate(), latest);
    });

    test('a failing migration is typed and leaves nothing of itself behind', async () => {
      const s = open('migrate_fail');
      const c = await rawClient((db as { url: string }).url, 'migrate_fail');
      try {
        // Something else already owns a table the first migration creates.
        await c.query('CREATE SCHEMA migrate_fail; CREATE TABLE migrate_fail.alerts (x int)');
        await assert.rejects(s.migrate(), (err: unknown) => {
          assert.ok(err instanceof StoreError);
          assert.equal(err.code, 'migration_failed');
          assert.match(err.message, /^migration 1 \(initial schema\) failed: relation "alerts" already exists$/);
          return true;
        });
        assert.equal(await s.schemaVersion(), 0);
        const left = await c.query(`SELECT to_regclass('event_ids') AS ids, to_regclass('events') AS events, (SELECT count(*) FROM schema_migrations)::int AS applied`);
        assert.deepEqual(left.rows[0], { ids: null, events: null, applied: 0 });
        await c.query('DROP TABLE migrate_fail.alerts');
      } finally {
        await c.end();
      }
      assert.equal(await s.migrate(), POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]!.version);
    });

    test('the audit log refuses UPDATE, DELETE and TRUNCATE; concurrent appenders do not fork the chain', async () => {
      const a = await migrated('audit_guard');
      const b = open('audit_guard');
      await Promise.all(Array.from({ length: 10 }, (_, k) => (k % 2 === 0 ? a : b).appendAudit([{ actor: `u${k}`, action: 'login' }, { actor: `u${k}`, action: 'logout' }])));
      assert.deepEqual(await a.verifyAudit(), { ok: true, count: 20, head: { seq: 20, hash: (await a.readAudit(19, 1))[0]!.hash } });
      const c = await rawClient((db as { url: string }).url, 'audit_guard');
      try {
        await assert.rejects(c.query(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 1`), /audit_log is append-only \(UPDATE refused\)/);
        await assert.rejects(c.query('DELETE FROM audit_log WHERE seq = 1'), /audit_log is append-only \(DELETE refused\)/);
        await assert.rejects(c.query('TRUNCATE audit_log'), /audit_log is append-only \(TRUNCATE refused\)/);
      } finally {
        await c.end();
      }
      assert.deepEqual(await a.verifyAudit(), { ok: true, count: 20, head: { seq: 20, hash: (await a.readAudit(19, 1))[0]!.hash } });
    });

    test('audit tampering is detected (edit, delete, swap, insert) after the triggers are dropped', async () => {
      const expected = { edit: [3, /content does not match/], delete: [4, /sequence gap/], swap: [2, /does not link/], insert: [3, /content does not match/] } as const;
      for (const attack of ['edit', 'delete', 'swap', 'insert'] as const) {
        const schema = `audit_${attack}`;
        const s = await migrated(schema);
        const appended = await s.appendAudit([1, 2, 3, 4, 5].map((i) => ({ actor: `user${i}`, action: 'alert.update', target: `a${i}`, details: { i } })));
        assert.deepEqual(await s.verifyAudit(), { ok: true, count: 5, head: { seq: 5, hash: appended[4]!.hash } });
        // The attacker has superuser access: drops the append-only triggers and rewrites rows.
        const c = await rawClient((db as { url: string }).url, schema);
        try {
          await c.query('DROP TRIGGER audit_log_no_update ON audit_log; DROP TRIGGER audit_log_no_truncate ON audit_log');
          if (attack === 'edit') await c.query(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`);
          if (attack === 'delete') await c.query('DELETE FROM audit_log WHERE seq = 3');
          if (attack === 'swap') {
            await c.query(`UPDATE audit_log t SET ts = o.ts, actor = o.actor, action = o.action, target = o.target, details = o.details, prev_hash = o.prev_hash, hash = o.hash
              FROM audit_log o WHERE (t.seq, o.seq) IN ((2, 4), (4, 2))`);
          }
          if (attack === 'insert') {
            // Make room at seq 3 and forge an entry that links to entry 2.
            await c.query('UPDATE audit_log SET seq = -seq WHERE seq >= 3; UPDATE audit_log SET seq = -seq + 1 WHERE seq < 0');
            await c.query(`INSERT INTO audit_log (seq, ts, actor, action, outcome, prev_hash, hash)
              SELECT 3, '2026-01-01T00:00:00.000Z', 'mallory', 'user.create', 'success', hash, $1 FROM audit_log WHERE seq = 2`, ['f'.repeat(64)]);
          }
        } finally {
          await c.end();
        }
        const v = await s.verifyAudit();
        assert.equal(v.ok, false, `${attack} was not detected`);
        assert.equal(v.firstBadSeq, expected[attack][0], `${attack}: ${v.reason}`);
        assert.match(v.reason ?? '', expected[attack][1]);
      }
    });

    test('NUL characters and broken surrogates round-trip exactly and stay searchable', async () => {
      const s = await migrated('hostile');
      const nul = makeEvent(1, { user: { name: 'ev\u0000il' }, message: 'half a pair \ud800 here, a whole one 😀 here' });
      (nul.event as { original: string }).original = 'raw with a \u0000 NUL byte and a lone \udc00 low surrogate';
      // A literal backslash followed by "u0000" is ordinary text, not a NUL: stored as-is.
      const literal = makeEvent(2, { message: 'C:\\u0000dir and \\\\u0000' });
      assert.deepEqual(await s.appendEvents([nul, literal]), { inserted: 2, duplicates: 0, lastSeq: 2 });
      assert.deepEqual(await s.getEvent(nul.weft.id), nul);
      assert.deepEqual(await s.getEvent(literal.weft.id), literal);
      assert.deepEqual((await s.readEventLog(0, 10)).map((x) => x.event), [nul, literal]);
      assert.deepEqual((await s.searchEvents({ userName: 'ev\u0000il' })).items, [nul]);
      assert.deepEqual((await s.searchEvents({ text: 'NUL BYTE' })).items, [nul]);
      const c = await rawClient((db as { url: string }).url, 'hostile');
      try {
        const rows = await c.query('SELECT id, exact IS NOT NULL AS exact, doc->>$1 AS message, raw FROM events ORDER BY seq', ['message']);
        assert.deepEqual(rows.rows.map((r) => [r.exact, r.message]), [[true, 'half a pair \ufffd here, a whole one 😀 here'], [false, 'C:\\u0000dir and \\\\u0000']]);
        assert.equal(rows.rows[0].raw, 'raw with a \ufffd NUL byte and a lone \ufffd low surrogate');
      } finally {
        await c.end();
      }
      const badId = makeEvent(3);
      badId.weft = { ...badId.weft, id: 'a\u0000b' };
      await assert.rejects(s.appendEvents([badId]), /event 0: weft\.id contains a NUL character/);
      assert.equal(await s.getEvent('a\u0000b'), undefined);
    });

    test('hourly summary view counts events per UTC hour, source and category after a refresh', async () => {
      const s = await migrated('hourly');
      const noCategory = at(4, '2026-01-05T10:30:00+05:30', 'B');
      noCategory.event = { kind: 'event' };
      await s.appendEvents([at(1, '2026-01-05T10:05:00Z', 'A'), at(2, '2026-01-05T10:59:59.999Z', 'A'), at(3, '2026-01-05T11:00:00Z', 'A'), noCategory]);
      assert.deepEqual(await s.hourlySummary(), [], 'empty until refreshed');
      await s.refreshHourlySummary({ concurrently: false });
      assert.deepEqual(await s.hourlySummary(), [
        { hour: '2026-01-05T05:00:00.000Z', sourceId: 'B', events: 1 },
        { hour: '2026-01-05T10:00:00.000Z', sourceId: 'A', category: 'authentication', events: 2 },
        { hour: '2026-01-05T11:00:00.000Z', sourceId: 'A', category: 'authentication', events: 1 },
      ]);
      await s.appendEvents([at(5, '2026-01-05T11:45:00Z', 'A')]);
      await s.refreshHourlySummary();
      assert.deepEqual(await s.hourlySummary({ from: Date.parse('2026-01-05T11:00:00Z'), sourceId: 'A' }), [
        { hour: '2026-01-05T11:00:00.000Z', sourceId: 'A', category: 'authentication', events: 2 },
      ]);
    });

    test('eventsContaining matches JSONB containment through the GIN index', async () => {
      const s = await migrated('contains');
      const evs = Array.from({ length: 600 }, (_, i) => makeEvent(i));
      await s.appendEvents(evs);
      const want = evs.filter((e) => (e.user as { name: string }).name === 'user5' && (e.host as { name: string }).name === 'host3').reverse();
      assert.ok(want.length > 1);
      const got = await s.eventsContaining({ user: { name: 'user5' }, host: { name: 'host3' } }, { limit: 1000 });
      assert.deepEqual(got, want);
      // i = 42 (mod 256) share this address.
      assert.deepEqual(await s.eventsContaining({ event: { category: ['authentication'] }, source: { ip: '10.0.42.38' } }), [evs[554], evs[298], evs[42]]);
      assert.deepEqual(await s.eventsContaining({ user: { name: "x' OR 1=1 --" } }), []);
      await assert.rejects(s.eventsContaining([] as unknown as Record<string, unknown>), /match must be a JSON object/);
      const c = await rawClient((db as { url: string }).url, 'contains');
      try {
        await c.query('ANALYZE events');
        await c.query('SET enable_seqscan = off');
        const plan = await c.query(`EXPLAIN SELECT doc FROM events WHERE doc @> '{"user":{"name":"user5"}}'::jsonb`);
        assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /Bitmap Index Scan on events_\d{4}_\d{2}_doc_idx/);
      } finally {
        await c.end();
      }
    });

    test('errors are typed: unreachable server, missing database, conflicts, bad references, closed store', async () => {
      const down = new PostgresStore({ url: 'postgres://postgres@127.0.0.1:1/weft', connectTimeoutMs: 2000 });
      await assert.rejects(down.migrate(), (err: unknown) => err instanceof StoreError && err.code === 'backend' && /ECONNREFUSED/.test(err.message));
      await down.close();
      const u = new URL((db as { url: string }).url);
      u.pathname = '/weft_test_no_such_database';
      const missing = new PostgresStore({ url: u.toString() });
      await assert.rejects(missing.countEvents(), (err: unknown) => err instanceof StoreError && err.code === 'backend' && /does not exist/.test(err.message));
      await missing.close();
      assert.throws(() => new PostgresStore({ url: 'postgres://x/y', schema: 'x; DROP TABLE events' }), /schema name must match/);

      const s = await migrated('errors');
      await s.createUser({ id: 'u1', username: 'alice', passwordHash: 'h', role: 'admin', disabled: false, createdAt: 'x', updatedAt: 'x' });
      await s.createApiKey({ id: 'k1', userId: 'u1', name: 'a', prefix: 'wk_1', keyHash: 'h', role: 'ingest', createdAt: 'x' });
      await assert.rejects(s.createApiKey({ id: 'k2', userId: 'u1', name: 'b', prefix: 'wk_1', keyHash: 'h', role: 'ingest', createdAt: 'x' }),
        (err: unknown) => err instanceof StoreError && err.code === 'conflict' && /api_keys_prefix_key/.test(err.message));
      await assert.rejects(s.createApiKey({ id: 'k3', userId: 'nobody', name: 'c', prefix: 'wk_3', keyHash: 'h', role: 'ingest', createdAt: 'x' }),
        (err: unknown) => err instanceof StoreError && err.code === 'invalid_record' && /foreign key/.test(err.message));
      // A batch upsert with the same id twice applies both, in order (SQLite semantics), instead of failing.
      await s.putFeed({ id: 'f1', name: 'feed', updatedAt: 'x' });
      const ioc = { feedId: 'f1', type: 'ip' as const, value: '203.0.113.9', firstSeen: 'a', lastSeen: 'a' };
      assert.equal(await s.putIocs([ioc, { ...ioc, threat: 'c2', lastSeen: 'b' }]), 2);
      assert.deepEqual(await s.findIocs('ip', ['203.0.113.9']), [{ ...ioc, threat: 'c2', lastSeen: 'b' }]);
      await s.close();
      await assert.rejects(s.countEvents(), (err: unknown) => err instanceof StoreError && err.code === 'closed');
    });
  });
}
