/**
 * The Store contract: every implementation runs this suite unchanged (see sqlite-store.test.ts).
 * `open` must return a fresh, empty, migrated store.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { WeftEvent } from '../event/model.js';
import { makeEvent } from './testdata/events.js';
import { StoreError } from './errors.js';
import type { AlertRecord, IncidentRecord, Store } from './types.js';

function alert(id: string, firstTs: number, over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    id, ruleId: 'r1', ruleVersion: 'v1', kind: 'match', dedupKey: `r1|${id}`, firstTs, lastTs: firstTs + 10, score: 50, severity: 'medium',
    status: 'open', count: 1, doc: { rule: { title: 'Test' }, events: ['e1'] }, createdAt: '2026-01-05T12:00:00.000Z', updatedAt: '2026-01-05T12:00:00.000Z', ...over,
  };
}

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    before(async () => { store = await open(); });
    after(async () => { await store.close(); });

    test('migrations are applied and idempotent', async () => {
      const v = await store.schemaVersion();
      assert.ok(v >= 1);
      assert.equal(await store.migrate(), v);
      const roles = await store.listRoles();
      assert.deepEqual(roles.map((r) => r.name), ['admin', 'analyst', 'ingest', 'viewer']);
      assert.deepEqual(roles.find((r) => r.name === 'ingest')?.permissions, ['events:ingest']);
      assert.ok(roles.find((r) => r.name === 'admin')?.permissions.includes('audit:read'));
      assert.ok(!roles.find((r) => r.name === 'viewer')?.permissions.some((p) => p.endsWith(':write')));
    });

    test('100k events are written in batches and read back intact, in order', async () => {
      const n = 100_000;
      const batch = 5_000;
      const written: WeftEvent[] = [];
      let lastSeq = 0;
      for (let start = 0; start < n; start += batch) {
        const evs = Array.from({ length: batch }, (_, k) => makeEvent(start + k));
        written.push(...evs);
        const r = await store.appendEvents(evs);
        assert.equal(r.inserted, batch);
        assert.equal(r.duplicates, 0);
        assert.ok(r.lastSeq > lastSeq);
        lastSeq = r.lastSeq;
      }
      assert.equal(await store.countEvents(), n);
      assert.equal(await store.lastEventSeq(), lastSeq);
      let after = 0;
      let idx = 0;
      for (;;) {
        const page = await store.readEventLog(after, 10_000);
        if (page.length === 0) break;
        for (const { seq, event } of page) {
          assert.ok(seq > after);
          assert.deepEqual(event, written[idx], `event ${idx} differs after the round trip`);
          after = seq;
          idx++;
        }
      }
      assert.equal(idx, n);
    });

    test('a retried batch is deduplicated by event id', async () => {
      const before = await store.countEvents();
      const evs = [makeEvent(0), makeEvent(1), makeEvent(200_001)];
      const r = await store.appendEvents(evs);
      assert.deepEqual({ inserted: r.inserted, duplicates: r.duplicates }, { inserted: 1, duplicates: 2 });
      assert.equal(await store.countEvents(), before + 1);
    });

    test('a batch with one invalid event stores nothing and names the bad record', async () => {
      const before = await store.countEvents();
      const good = [makeEvent(300_000), makeEvent(300_001)];
      const bad = makeEvent(300_002, { '@timestamp': 'yesterday' });
      await assert.rejects(store.appendEvents([...good, bad, makeEvent(300_003)]), (err: unknown) => {
        assert.ok(err instanceof StoreError);
        assert.equal(err.code, 'invalid_record');
        assert.match(err.message, /event 2 .*@timestamp/);
        return true;
      });
      const noId = makeEvent(300_004);
      (noId.weft as { id?: string }).id = '';
      await assert.rejects(store.appendEvents([noId]), /weft\.id is missing/);
      assert.equal(await store.countEvents(), before);
      assert.equal(await store.getEvent(good[0]!.weft.id), undefined);
    });

    test('getEvent returns the raw record; searchEvents filters, counts and pages', async () => {
      const e = makeEvent(42);
      const got = await store.getEvent(e.weft.id);
      assert.deepEqual(got, e);
      assert.equal(await store.getEvent('nope'), undefined);
      const some = [makeEvent(42), makeEvent(43), makeEvent(7)];
      const many = await store.getEvents([some[0]!.weft.id, 'nope', some[1]!.weft.id, some[2]!.weft.id, some[0]!.weft.id]);
      assert.deepEqual(many.sort((a, b) => (a.weft.id < b.weft.id ? -1 : 1)), [...some].sort((a, b) => (a.weft.id < b.weft.id ? -1 : 1)));
      assert.deepEqual(await store.getEvents([]), []);

      const t0 = Date.parse(makeEvent(100)['@timestamp']);
      const t1 = Date.parse(makeEvent(110)['@timestamp']);
      const win = await store.searchEvents({ from: t0, to: t1, limit: 4 });
      assert.equal(win.total, 10);
      assert.equal(win.items.length, 4);
      assert.equal(win.items[0]!['@timestamp'], makeEvent(109)['@timestamp']);
      let seen = win.items.length;
      let cursor = win.next;
      while (cursor) {
        const p = await store.searchEvents({ from: t0, to: t1, limit: 4, cursor });
        assert.equal(p.total, 10);
        seen += p.items.length;
        cursor = p.next;
      }
      assert.equal(seen, 10);

      const byUser = await store.searchEvents({ userName: 'user5', hostName: 'host3', from: t0, to: t0 + 100_000_000 });
      assert.ok(byUser.total > 0);
      for (const ev of byUser.items) {
        assert.equal((ev.user as { name: string }).name, 'user5');
        assert.equal((ev.host as { name: string }).name, 'host3');
      }
      // i = 42 (mod 256) all share this address: ~390 of the 100k events.
      const byIp = await store.searchEvents({ sourceIp: '10.0.42.38', limit: 2 });
      assert.equal(byIp.total, 391);
      assert.equal(byIp.items.length, 2);
      const firstIp = await store.searchEvents({ sourceIp: '10.0.42.38', to: Date.parse(makeEvent(43)['@timestamp']) });
      assert.deepEqual(firstIp.items.map((x) => x.weft.id), [e.weft.id]);
      const text = await store.searchEvents({ text: 'SSHD[1042]', limit: 10 });
      assert.deepEqual(text.items.map((x) => x.weft.id), [e.weft.id]);
      const hostile = await store.searchEvents({ text: "%' OR 1=1 --", limit: 10 });
      assert.equal(hostile.total, 0);
      await assert.rejects(store.searchEvents({ cursor: 'garbage!' }), /cursor is not valid/);
      await assert.rejects(store.searchEvents({ limit: 0 }), /limit must be a positive integer/);
    });

    test('rewriteEvents replaces stored documents in place, keeps positions, ignores unknown events', async () => {
      const a = makeEvent(400_000);
      const b = makeEvent(400_001);
      await store.appendEvents([a, b]);
      const log = await store.readEventLog((await store.lastEventSeq()) - 2, 10);
      const changed = structuredClone(a) as WeftEvent & { user?: { name?: string } };
      changed.user = { name: 'weft-enc:v1:abc:xyz' };
      (changed.event as Record<string, unknown>).original = 'weft-enc:v1:abc:raw';
      const ghost = makeEvent(400_002);
      assert.equal(await store.rewriteEvents([changed, ghost]), 1);
      assert.deepEqual(await store.getEvent(a.weft.id), changed);
      assert.deepEqual(await store.getEvent(b.weft.id), b);
      assert.equal(await store.getEvent(ghost.weft.id), undefined);
      const after = await store.readEventLog((await store.lastEventSeq()) - 2, 10);
      assert.deepEqual(after.map((x) => x.seq), log.map((x) => x.seq));
      assert.deepEqual(after[0]?.event, changed);
      const found = await store.searchEvents({ userName: 'weft-enc:v1:abc:xyz' });
      assert.deepEqual(found.items.map((e) => e.weft.id), [a.weft.id], 'the indexed columns follow the new document');
      assert.equal(await store.rewriteEvents([]), 0);
    });

    test('quarantine keeps raw bytes, dedupes retries, lists by reason, removes', async () => {
      const raw = new Uint8Array([0x3c, 0x31, 0x33, 0x3e, 0xff, 0xfe, 0x00, 0x41]);
      const n = await store.addQuarantine([
        { reason: 'decode.syslog.bad_pri', message: 'PRI is not a number', sourceId: 's1', raw, receivedAt: '2026-01-05T12:00:00.000Z', format: 'syslog-rfc3164' },
        { reason: 'decode.syslog.bad_pri', message: 'PRI is not a number', sourceId: 's1', raw, receivedAt: '2026-01-05T12:00:01.000Z' },
        { reason: 'validate.@timestamp', message: 'no timestamp', sourceId: 's1', raw: '{"a":1}', receivedAt: '2026-01-05T12:00:02.000Z' },
      ]);
      assert.equal(n, 2);
      assert.deepEqual(await store.quarantineCountsByReason(), { 'decode.syslog.bad_pri': 1, 'validate.@timestamp': 1 });
      const page = await store.listQuarantine({ reason: 'decode.syslog.bad_pri' });
      assert.equal(page.total, 1);
      assert.deepEqual(page.items[0]!.raw, raw);
      assert.equal(page.items[0]!.format, 'syslog-rfc3164');
      const p1 = await store.listQuarantine({ limit: 1 });
      assert.equal(p1.items.length, 1);
      assert.ok(p1.next);
      const p2 = await store.listQuarantine({ limit: 1, cursor: p1.next });
      assert.notEqual(p2.items[0]!.id, p1.items[0]!.id);
      assert.equal(await store.removeQuarantine([page.items[0]!.id, 'missing']), 1);
      assert.equal((await store.listQuarantine({})).total, 1);
    });

    test('sources accumulate activity', async () => {
      await store.recordSourceActivity([{ id: 'fw1', type: 'fortigate', format: 'syslog-rfc3164', events: 10, quarantined: 1, seenAt: '2026-01-05T12:00:00.000Z' }]);
      await store.recordSourceActivity([{ id: 'fw1', events: 5, quarantined: 0, seenAt: '2026-01-05T13:00:00.000Z' }]);
      const s = (await store.listSources()).find((x) => x.id === 'fw1');
      assert.deepEqual(s, { id: 'fw1', type: 'fortigate', format: 'syslog-rfc3164', events: 15, quarantined: 1, firstSeen: '2026-01-05T12:00:00.000Z', lastSeen: '2026-01-05T13:00:00.000Z' });
    });

    test('rules are versioned; the latest version is listed; enable/disable', async () => {
      const base = { id: 'rule-1', kind: 'sigma' as const, title: 'T', level: 'high', status: 'stable', enabled: true, sourceFile: 'a.yml' };
      await store.putRules([{ ...base, version: 'v1', content: 'title: T', loadedAt: '2026-01-01T00:00:00.000Z' }]);
      await store.putRules([{ ...base, version: 'v2', content: 'title: T2', loadedAt: '2026-01-02T00:00:00.000Z' }]);
      assert.equal((await store.getRule('rule-1'))?.version, 'v2');
      assert.equal((await store.getRule('rule-1', 'v1'))?.content, 'title: T');
      assert.deepEqual((await store.listRules()).map((r) => [r.id, r.version]), [['rule-1', 'v2']]);
      assert.equal(await store.setRuleEnabled('rule-1', false), true);
      assert.deepEqual(await store.listRules({ enabledOnly: true }), []);
      assert.equal(await store.setRuleEnabled('missing', false), false);
    });

    test('checkpoints round-trip state and position', async () => {
      const state = new Uint8Array([1, 2, 3, 0, 255]);
      await store.saveCheckpoint({ name: 'correlate', position: 42, state });
      await store.saveCheckpoint({ name: 'correlate', position: 43, state });
      const cp = await store.loadCheckpoint('correlate');
      assert.equal(cp?.position, 43);
      assert.deepEqual(cp?.state, state);
      assert.equal(await store.loadCheckpoint('other'), undefined);
    });

    test('a lease goes to one owner until it ends or is released; its holder renews it', async () => {
      const t = 1_800_000_000_000;
      assert.deepEqual(await store.tryLease('ingest', 'host-a:1', t, t + 60_000), { granted: true });
      assert.deepEqual(await store.tryLease('ingest', 'host-b:2', t + 1000, t + 61_000), { granted: false, holder: 'host-a:1', expiresAtMs: t + 60_000 });
      // Renewed by its holder; another name is another lease.
      assert.deepEqual(await store.tryLease('ingest', 'host-a:1', t + 30_000, t + 90_000), { granted: true });
      assert.deepEqual(await store.tryLease('other', 'host-b:2', t, t + 60_000), { granted: true });
      assert.deepEqual(await store.tryLease('ingest', 'host-b:2', t + 89_999, t + 150_000), { granted: false, holder: 'host-a:1', expiresAtMs: t + 90_000 });
      // Past its end (a holder that died stops renewing), the next owner takes it.
      assert.deepEqual(await store.tryLease('ingest', 'host-b:2', t + 90_001, t + 150_000), { granted: true });
      // Releasing what one does not hold changes nothing; the holder's release frees it at once.
      await store.releaseLease('ingest', 'host-a:1');
      assert.equal((await store.tryLease('ingest', 'host-c:3', t + 90_002, t + 150_000)).granted, false);
      await store.releaseLease('ingest', 'host-b:2');
      assert.deepEqual(await store.tryLease('ingest', 'host-c:3', t + 90_003, t + 150_000), { granted: true });
      // Of many owners asking at once, exactly one gets it.
      const attempts = await Promise.all(Array.from({ length: 8 }, (_, i) => store.tryLease('race', `owner-${i}`, t, t + 60_000)));
      assert.equal(attempts.filter((a) => a.granted).length, 1);
      assert.equal(await store.loadCheckpoint('ingest'), undefined, 'a lease is not a checkpoint of that name');
    });

    test('correlations, alerts and incidents round-trip; alerts page newest first', async () => {
      await store.putCorrelations([{ id: 'c1', ruleId: 'corr', groupKey: 'user=alice', firstTs: 1, lastTs: 2, doc: { events: ['a', 'b'] } }]);
      assert.deepEqual(await store.listCorrelations('corr'), [{ id: 'c1', ruleId: 'corr', groupKey: 'user=alice', firstTs: 1, lastTs: 2, doc: { events: ['a', 'b'] } }]);
      await store.upsertIncidents([{ id: 'i1', title: 'Brute force on host1', status: 'open', score: 80, severity: 'high', firstTs: 1000, lastTs: 5000, doc: { tactics: ['credential-access'] }, createdAt: 'x', updatedAt: 'x' }]);
      await store.upsertAlerts([alert('a1', 1000), alert('a2', 3000, { incidentId: 'i1' }), alert('a3', 2000, { severity: 'high' })]);
      const a2 = await store.getAlert('a2');
      assert.deepEqual(a2, alert('a2', 3000, { incidentId: 'i1' }));
      await store.upsertAlerts([alert('a1', 1000, { count: 5, lastTs: 9000, status: 'acknowledged', assignee: 'bob' })]);
      assert.equal((await store.getAlert('a1'))?.count, 5);
      // Stamps: in listAlerts' order, within the window, moved by every write and by nothing else.
      const stamps = await store.alertStamps(1005);
      assert.deepEqual(stamps.map((x) => x.id), ['a2', 'a3', 'a1']);
      assert.deepEqual((await store.alertStamps(3005)).map((x) => x.id), ['a2', 'a1'], 'last_ts >= from');
      assert.deepEqual(await store.alertStamps(1005), stamps);
      await store.upsertAlerts([alert('a3', 2000, { severity: 'high', doc: { rule: { title: 'Test' }, events: ['e1', 'e2'] } })]);
      const moved = await store.alertStamps(1005);
      assert.deepEqual(moved.map((x, k) => x.stamp === stamps[k]?.stamp), [true, false, true], 'only the rewritten alert changes, though its columns did not');
      assert.deepEqual((await store.getAlerts(['a3', 'nope', 'a2'])).map((x) => x.id).sort(), ['a2', 'a3']);
      assert.deepEqual((await store.getAlerts(['a3']))[0]?.doc, { rule: { title: 'Test' }, events: ['e1', 'e2'] });
      assert.deepEqual(await store.getAlerts([]), []);
      // An alert continued by events older than its start moves its start back, never forward.
      await store.upsertAlerts([alert('a1', 400, { count: 6, lastTs: 9000 })]);
      await store.upsertAlerts([alert('a1', 2000, { count: 7, lastTs: 9000 })]);
      assert.deepEqual([(await store.getAlert('a1'))?.firstTs, (await store.getAlert('a1'))?.count], [400, 7]);
      const page = await store.listAlerts({ limit: 2 });
      assert.equal(page.total, 3);
      assert.deepEqual(page.items.map((a) => a.id), ['a2', 'a3']);
      const rest = await store.listAlerts({ limit: 2, cursor: page.next });
      assert.deepEqual(rest.items.map((a) => a.id), ['a1']);
      assert.equal(rest.next, undefined);
      assert.deepEqual((await store.listAlerts({ severity: 'high' })).items.map((a) => a.id), ['a3']);
      assert.deepEqual((await store.listAlerts({ incidentId: 'i1' })).items.map((a) => a.id), ['a2']);
      assert.equal((await store.getIncident('i1'))?.title, 'Brute force on host1');
      assert.equal((await store.listIncidents({ status: 'open' })).total, 1);
      await store.addResponseAction({ id: 'ra1', incidentId: 'i1', action: 'disable_user', status: 'pending', actor: 'bob', createdAt: 'x', updatedAt: 'x' });
      assert.equal(await store.updateResponseAction('ra1', { status: 'succeeded', result: { ok: true }, updatedAt: 'y' }), true);
      assert.deepEqual(await store.listResponseActions({ incidentId: 'i1' }), [
        { id: 'ra1', incidentId: 'i1', action: 'disable_user', status: 'succeeded', actor: 'bob', result: { ok: true }, createdAt: 'x', updatedAt: 'y' },
      ]);
    });

    test('an incident no alert belongs to any more is dropped, unless someone has worked on it', async () => {
      const inc = (id: string, o: Partial<IncidentRecord> = {}): IncidentRecord => ({ id, title: id, status: 'open', score: 50, severity: 'medium', firstTs: 1000, lastTs: 2000, doc: {}, createdAt: 'x', updatedAt: 'x', ...o });
      await store.upsertIncidents([inc('o-empty'), inc('o-held'), inc('o-assigned', { assignee: 'bob' }), inc('o-closed', { status: 'resolved' }), inc('o-acted'), inc('o-new')]);
      await store.upsertAlerts([alert('oa1', 1000, { incidentId: 'o-held' }), alert('oa2', 1500, { incidentId: 'o-new' })]);
      await store.addResponseAction({ id: 'ora1', incidentId: 'o-acted', action: 'disable_user', status: 'pending', actor: 'bob', createdAt: 'x', updatedAt: 'x' });
      const dropped = await store.dropOrphanIncidents(['o-empty', 'o-held', 'o-assigned', 'o-closed', 'o-acted', 'o-missing']);
      assert.deepEqual(dropped, ['o-empty']);
      assert.equal(await store.getIncident('o-empty'), undefined);
      for (const id of ['o-held', 'o-assigned', 'o-closed', 'o-acted', 'o-new']) assert.equal((await store.getIncident(id))?.id, id);
      // Its alert moved to another incident: now it is empty too.
      await store.upsertAlerts([alert('oa1', 1000, { incidentId: 'o-new' })]);
      assert.deepEqual(await store.dropOrphanIncidents(['o-held', 'o-new']), ['o-held']);
      assert.deepEqual(await store.dropOrphanIncidents([]), []);
    });

    test('users, api keys, conflicts', async () => {
      const u = { id: 'u1', username: 'alice', passwordHash: '$argon2id$v=19$...', role: 'analyst' as const, disabled: false, createdAt: 'x', updatedAt: 'x' };
      await store.createUser(u);
      await assert.rejects(store.createUser({ ...u, id: 'u2' }), (err: unknown) => err instanceof StoreError && err.code === 'conflict');
      assert.deepEqual(await store.getUser({ username: 'alice' }), u);
      assert.equal(await store.updateUser('u1', { disabled: true, updatedAt: 'y' }), true);
      assert.equal((await store.getUser({ id: 'u1' }))?.disabled, true);
      await store.createApiKey({ id: 'k1', userId: 'u1', name: 'fw', prefix: 'wk_abcd', keyHash: 'h', role: 'ingest', createdAt: 'x' });
      assert.equal((await store.findApiKeyByPrefix('wk_abcd'))?.role, 'ingest');
      assert.equal(await store.revokeApiKey('k1', 'z'), true);
      assert.equal(await store.revokeApiKey('k1', 'z'), false);
      assert.equal((await store.listApiKeys('u1'))[0]?.revokedAt, 'z');
    });

    test('sessions: refresh rotates only from the current hash; revoke one or all of a user', async () => {
      await store.createUser({ id: 'su1', username: 'sess-user', passwordHash: 'h', role: 'viewer', disabled: false, createdAt: 'x', updatedAt: 'x' });
      const s = { id: 's1', userId: 'su1', refreshHash: 'r1', createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-08T00:00:00.000Z', sourceIp: '10.0.0.1' };
      await store.createSession(s);
      await store.createSession({ id: 's2', userId: 'su1', refreshHash: 'q1', createdAt: 'x', expiresAt: 'y' });
      assert.deepEqual(await store.getSession('s1'), s);
      assert.equal(await store.getSession('nope'), undefined);
      assert.equal(await store.rotateSessionRefresh('s1', 'stale', 'r2', 'e2'), false);
      assert.equal(await store.rotateSessionRefresh('s1', 'r1', 'r2', 'e2'), true);
      assert.equal(await store.rotateSessionRefresh('s1', 'r1', 'r3', 'e3'), false, 'a replayed refresh token must not rotate again');
      assert.deepEqual(await store.getSession('s1'), { ...s, refreshHash: 'r2', expiresAt: 'e2' });
      assert.equal(await store.revokeSessions({ id: 's1' }, 'z1'), 1);
      assert.equal(await store.revokeSessions({ id: 's1' }, 'z2'), 0);
      assert.equal((await store.getSession('s1'))?.revokedAt, 'z1');
      assert.equal(await store.rotateSessionRefresh('s1', 'r2', 'r4', 'e4'), false, 'a revoked session cannot refresh');
      assert.equal(await store.revokeSessions({ userId: 'su1' }, 'z3'), 1);
      assert.equal((await store.getSession('s2'))?.revokedAt, 'z3');
    });

    test('comments on alerts and incidents, oldest first', async () => {
      await store.addComment({ id: 'c2', targetKind: 'alert', targetId: 'a9', author: 'bob', body: 'second', createdAt: '2026-01-02T00:00:00.000Z' });
      await store.addComment({ id: 'c1', targetKind: 'alert', targetId: 'a9', author: 'alice', body: 'first \u00e9 "quoted"', createdAt: '2026-01-01T00:00:00.000Z' });
      await store.addComment({ id: 'c3', targetKind: 'incident', targetId: 'a9', author: 'carol', body: 'other kind', createdAt: '2026-01-01T00:00:00.000Z' });
      assert.deepEqual(await store.listComments('alert', 'a9'), [
        { id: 'c1', targetKind: 'alert', targetId: 'a9', author: 'alice', body: 'first \u00e9 "quoted"', createdAt: '2026-01-01T00:00:00.000Z' },
        { id: 'c2', targetKind: 'alert', targetId: 'a9', author: 'bob', body: 'second', createdAt: '2026-01-02T00:00:00.000Z' },
      ]);
      assert.deepEqual((await store.listComments('incident', 'a9')).map((c) => c.id), ['c3']);
      assert.deepEqual(await store.listComments('alert', 'none'), []);
    });

    test('assets and threat intel', async () => {
      await store.putAssetTypes([{ name: 'domain_controller', defaultCriticality: 5, description: 'tier-0' }]);
      await store.putAssets([{ id: 'h1', kind: 'host', value: 'dc01', assetType: 'domain_controller', criticality: 5, zone: 'core', tags: ['tier0'] }]);
      assert.deepEqual(await store.listAssets(), [{ id: 'h1', kind: 'host', value: 'dc01', assetType: 'domain_controller', criticality: 5, zone: 'core', tags: ['tier0'] }]);
      await store.putFeed({ id: 'f1', name: 'abuse', updatedAt: 'x' });
      assert.equal(await store.putIocs([
        { feedId: 'f1', type: 'ip', value: '203.0.113.7', threat: 'c2', confidence: 80, firstSeen: 'a', lastSeen: 'a' },
        { feedId: 'f1', type: 'sha256', value: 'ab'.repeat(32), firstSeen: 'a', lastSeen: 'a' },
      ]), 2);
      assert.deepEqual((await store.findIocs('ip', ['203.0.113.7', '198.51.100.1'])).map((i) => i.threat), ['c2']);
      assert.deepEqual(await store.findIocs('ip', []), []);
    });

    test('entity baselines merge first/last/count and are looked up by key', async () => {
      await store.mergeBaselines([
        { kind: 'user_process', entity: 'alice', value: 'powershell.exe', firstTs: 5000, lastTs: 6000, count: 2 },
        { kind: 'user_host', entity: 'alice', value: 'ws01', firstTs: 100, lastTs: 100, count: 1 },
      ]);
      await store.mergeBaselines([
        { kind: 'user_process', entity: 'alice', value: 'powershell.exe', firstTs: 1000, lastTs: 2000, count: 1 },
        { kind: 'user_process', entity: 'alice', value: 'powershell.exe', firstTs: 7000, lastTs: 9000, count: 3 },
      ]);
      const got = await store.getBaselines([
        { kind: 'user_process', entity: 'alice', value: 'powershell.exe' },
        { kind: 'user_process', entity: 'bob', value: 'powershell.exe' },
        { kind: 'user_host', entity: 'alice', value: "ws01' OR '1'='1" },
      ]);
      assert.deepEqual(got, [{ kind: 'user_process', entity: 'alice', value: 'powershell.exe', firstTs: 1000, lastTs: 9000, count: 6 }]);
      assert.deepEqual(await store.getBaselines([]), []);
    });

    test('user risk is replaced per user; ATT&CK objects round-trip', async () => {
      await store.putUserRisk([{ user: 'alice', risk: 12.5, asOfTs: 1000 }, { user: 'bob', risk: 3, asOfTs: 2000 }]);
      await store.putUserRisk([{ user: 'alice', risk: 40, asOfTs: 5000 }]);
      assert.deepEqual(await store.getUserRisk(['alice', 'carol']), [{ user: 'alice', risk: 40, asOfTs: 5000 }]);
      assert.deepEqual((await store.getUserRisk()).map((r) => r.user), ['alice', 'bob']);
      assert.equal(await store.putAttackObjects([
        { id: 'TA0002', kind: 'tactic', name: 'Execution', tactics: ['execution'], url: 'https://attack.mitre.org/tactics/TA0002' },
        { id: 'T1059.001', kind: 'technique', name: 'PowerShell', tactics: ['execution'] },
      ]), 2);
      await store.putAttackObjects([{ id: 'T1059.001', kind: 'technique', name: 'PowerShell', tactics: ['execution', 'defense-evasion'] }]);
      assert.deepEqual(await store.listAttackObjects(), [
        { id: 'T1059.001', kind: 'technique', name: 'PowerShell', tactics: ['execution', 'defense-evasion'] },
        { id: 'TA0002', kind: 'tactic', name: 'Execution', tactics: ['execution'], url: 'https://attack.mitre.org/tactics/TA0002' },
      ]);
    });

    test('the reference version moves with every write to assets or ATT&CK objects, and with nothing else', async () => {
      const v0 = await store.referenceVersion();
      assert.ok(Number.isSafeInteger(v0), `version ${v0}`);
      await store.putAssetTypes([{ name: 'ref_version_type', defaultCriticality: 2 }]);
      await store.putUserRisk([{ user: 'ref-version-user', risk: 1, asOfTs: 1 }]);
      await store.putFeed({ id: 'ref-version-feed', name: 'x', updatedAt: 'x' });
      assert.equal(await store.referenceVersion(), v0);
      await store.putAssets([{ id: 'ref-h1', kind: 'host', value: 'ref-ws01', criticality: 2, tags: [] }]);
      const v1 = await store.referenceVersion();
      assert.ok(v1 > v0, `${v1} > ${v0} after an asset insert`);
      assert.equal(await store.referenceVersion(), v1, 'reading does not move it');
      await store.putAssets([{ id: 'ref-h1', kind: 'host', value: 'ref-ws01', criticality: 4, tags: ['changed'] }]);
      const v2 = await store.referenceVersion();
      assert.ok(v2 > v1, `${v2} > ${v1} after an asset update`);
      await store.putAttackObjects([{ id: 'T9999', kind: 'technique', name: 'Ref version', tactics: [] }]);
      assert.ok((await store.referenceVersion()) > v2, 'after an ATT&CK object write');
    });

    test('alert statistics per rule count alerts and matches by status', async () => {
      await store.upsertAlerts([
        alert('s1', 100, { ruleId: 'stats-rule', count: 3 }),
        alert('s2', 200, { ruleId: 'stats-rule', count: 1, status: 'false_positive' }),
        alert('s3', 300, { ruleId: 'stats-rule', count: 2, status: 'false_positive' }),
        alert('s4', 400, { ruleId: 'stats-other', count: 7, status: 'suppressed' }),
      ]);
      const stats = (await store.alertStatsByRule()).filter((s) => s.ruleId.startsWith('stats-')).sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1));
      assert.deepEqual(stats, [
        { ruleId: 'stats-other', alerts: 1, matches: 7, byStatus: { suppressed: 1 } },
        { ruleId: 'stats-rule', alerts: 3, matches: 6, byStatus: { false_positive: 2, open: 1 } },
      ]);
    });

    test('audit log is hash-chained and verifies', async () => {
      assert.equal(await store.auditLength(), 0);
      const entries = await store.appendAudit([
        { actor: 'alice', action: 'login', source_ip: '127.0.0.1' },
        { actor: 'alice', action: 'alert.update', target: 'a1', details: { status: 'acknowledged' } },
      ]);
      assert.equal(entries[0]!.seq, 1);
      assert.equal(entries[1]!.prev_hash, entries[0]!.hash);
      await store.appendAudit([{ actor: 'bob', action: 'login', outcome: 'failure' }]);
      const all = await store.readAudit(0, 100);
      assert.deepEqual(all.map((e) => e.seq), [1, 2, 3]);
      assert.deepEqual(all[1]!.details, { status: 'acknowledged' });
      assert.deepEqual(await store.verifyAudit(), { ok: true, count: 3, head: { seq: 3, hash: all[2]!.hash } });
      assert.equal(await store.auditLength(), 3);
    });
  });
}
