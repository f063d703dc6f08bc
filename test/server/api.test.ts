/** The API's behaviour beyond permissions: error shape and limits, ingest formats, search, alerts, rules, quarantine, sources, OpenAPI. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DetectConsumer } from '../../src/server/detect-consumer.js';
import { encodeLogsRequest } from '../support/otlp-encode.js';
import { repoRoot } from '../support/shared-data.js';
import { bearer, json, testServer, type TestServer } from '../support/server.js';
import { oktaEventRule, oktaThreeFromOneAddress } from '../support/okta-rules.js';

type ErrorBody = { error: { code: string; message: string; details: Record<string, unknown> } };
type Page<T = Record<string, unknown>> = { items: T[]; total: number; next?: string };

const okta = (i: number, extra: Record<string, unknown> = {}): string => JSON.stringify({
  uuid: `api-${i}`, published: new Date(Date.UTC(2026, 2, 10, 8, 0, i)).toISOString(), eventType: i % 2 === 0 ? 'user.session.start' : 'user.session.end',
  actor: { id: '00u1', type: 'User', alternateId: `user${i % 3}@corp.example` }, client: { ipAddress: `198.51.100.${i % 5}` }, outcome: { result: 'SUCCESS' }, ...extra,
});

let s: TestServer;
const get = (url: string, token = s.tokens.admin) => s.app.inject({ method: 'GET', url, headers: bearer(token) });
const send = (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: unknown, token = s.tokens.admin) =>
  s.app.inject({ method, url, headers: { ...bearer(token), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
const ingest = (body: string | Buffer, query = '', contentType = 'application/x-ndjson') =>
  s.app.inject({ method: 'POST', url: `/api/v1/ingest${query}`, headers: { ...bearer(s.keys.ingest), 'content-type': contentType }, payload: body });

before(async () => {
  s = await testServer({
    config: {
      server: { body_limit: '256KiB' },
      ingest: { max_record_bytes: '8KiB', sources: [{ id: 'bastion-berlin', type: 'linux', format: 'syslog', timezone: 'Europe/Berlin' }] },
    },
  });
});
after(async () => {
  await s.close();
});

describe('errors and limits', () => {
  test('one error shape; validation names the field; unknown routes and fields', async () => {
    const bad = json<ErrorBody>(await get('/api/v1/alerts?status=closed&limit=0&extra=1'));
    assert.equal(bad.error.code, 'invalid_request');
    assert.match(bad.error.message, /^query\.status: /);
    assert.deepEqual((bad.error.details.fields as Array<{ field: string }>).map((f) => f.field), ['query.status', 'query.limit', 'query.extra']);
    const body = json<ErrorBody>(await send('PATCH', '/api/v1/alerts/nope', { status: 'done', owner: 'x' }));
    assert.deepEqual((body.error.details.fields as Array<{ field: string }>).map((f) => f.field).sort(), ['body.owner', 'body.status']);
    const empty = json<ErrorBody>(await send('PATCH', '/api/v1/alerts/nope', {}));
    assert.match(empty.error.message, /nothing to change/);
    const notFound = await get('/api/v1/nothing-here');
    assert.equal(notFound.statusCode, 404);
    assert.equal(json<ErrorBody>(notFound).error.code, 'not_found');
    const missing = await get('/api/v1/alerts/does-not-exist');
    assert.deepEqual(json<ErrorBody>(missing), { error: { code: 'not_found', message: 'alert does-not-exist not found', details: { alert: 'does-not-exist' } } });
  });

  test('malformed, hostile and oversized bodies are refused with the same shape', async () => {
    const malformed = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: { ...bearer(s.tokens.admin), 'content-type': 'application/json' }, payload: '{"username": "x", ' });
    assert.equal(malformed.statusCode, 400);
    assert.equal(json<ErrorBody>(malformed).error.code, 'invalid_request');
    const proto = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: { ...bearer(s.tokens.admin), 'content-type': 'application/json' }, payload: '{"__proto__": {"role": "admin"}, "username": "p"}' });
    assert.equal(proto.statusCode, 400);
    const huge = await ingest(`${okta(0)}\n`.repeat(2000));
    assert.equal(huge.statusCode, 413);
    assert.equal(json<ErrorBody>(huge).error.code, 'payload_too_large');
    const wrongType = await s.app.inject({ method: 'POST', url: '/v1/logs', headers: { ...bearer(s.keys.ingest), 'content-type': 'text/csv' }, payload: 'a,b' });
    assert.equal(wrongType.statusCode, 415);
    const longId = await get(`/api/v1/alerts/${'x'.repeat(300)}`);
    assert.equal(longId.statusCode, 414, 'a path parameter over 256 characters');
    assert.ok(json<ErrorBody>(longId).error.code);
  });
});

describe('ingest', () => {
  test('NDJSON: events stored, bad lines quarantined with their reason, oversized records kept unparsed', async () => {
    const r = await ingest(`${okta(1)}\n${okta(2)}\n\n{"truncated": \n${JSON.stringify({ big: 'x'.repeat(9000) })}\n`, '?source=okta-prod');
    assert.equal(r.statusCode, 202, r.body);
    assert.deepEqual(json(r), { accepted: 4, events: 2, quarantined: 2, last_seq: 2 });
    const q = json<Page<{ reason: string; source_id: string; raw: string }>>(await get('/api/v1/quarantine?source_id=okta-prod'));
    assert.equal(q.total, 2);
    assert.deepEqual(q.items.map((x) => x.reason).sort(), ['decode.json.syntax', 'decode.record.oversized']);
    const reasons = json<Page<{ reason: string; count: number }>>(await get('/api/v1/quarantine/reasons'));
    assert.equal(reasons.items.reduce((n, x) => n + x.count, 0), 2);
  });

  test('raw lines with a declared format and source type; unknown source type and empty bodies refused', async () => {
    const lines = readFileSync(join(repoRoot, 'test', 'fixtures', 'linux', 'auth.log'), 'utf8').split('\n').filter((l) => l.trim() !== '').slice(0, 5);
    const r = await ingest(lines.join('\n'), '?source=bastion', 'text/plain');
    assert.equal(r.statusCode, 202);
    assert.equal(json<{ events: number }>(r).events, 5);
    const viaHeaders = await s.app.inject({
      method: 'POST', url: '/api/v1/ingest', payload: lines[0],
      headers: { ...bearer(s.keys.ingest), 'content-type': 'text/plain', 'x-weft-format': 'syslog', 'x-weft-source-type': 'linux', 'x-weft-source': 'bastion' },
    });
    assert.equal(viaHeaders.statusCode, 202);
    const unknown = await ingest(lines[0] as string, '?source_type=mainframe', 'text/plain');
    assert.equal(unknown.statusCode, 400);
    assert.match(json<ErrorBody>(unknown).error.message, /^query\.source_type: /);
    const badHeader = await s.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: 'x', headers: { ...bearer(s.keys.ingest), 'content-type': 'text/plain', 'x-weft-format': 'xml' } });
    assert.equal(badHeader.statusCode, 400);
    assert.equal((await ingest('\n\n  \n')).statusCode, 400);
    assert.equal((await ingest('')).statusCode, 400);
  });

  test('a source declared in ingest.sources is read with its type, format and zone when the request says none', async () => {
    // `Feb 23 00:13:35`: RFC 3164 carries no zone. The declared Berlin bastion's clock says CET (+01:00).
    const line = readFileSync(join(repoRoot, 'test', 'fixtures', 'linux', 'auth.log'), 'utf8').split('\n')[1] as string;
    assert.match(line, /^Feb 23 00:13:35 /);
    for (const source of ['bastion-berlin', 'bastion-utc']) assert.equal((await ingest(line, `?source=${source}`, 'text/plain')).statusCode, 202);
    type Ev = { '@timestamp': string; weft: { source_type: string } };
    const [berlin] = json<Page<Ev>>(await get('/api/v1/events?source_id=bastion-berlin')).items;
    const [utc] = json<Page<Ev>>(await get('/api/v1/events?source_id=bastion-utc')).items;
    assert.match(berlin?.['@timestamp'] ?? '', /-02-22T23:13:35\.000Z$/);
    assert.match(utc?.['@timestamp'] ?? '', /-02-23T00:13:35\.000Z$/);
    assert.equal(berlin?.weft.source_type, 'linux');
    // What the request declares wins: as RFC 3164 with no source type, the line is plain syslog.
    const declared = await ingest(line.replace('sshd[7483]', 'sshd[7484]'), '?source=bastion-berlin&source_type=syslog', 'text/plain');
    assert.equal(declared.statusCode, 202);
    const types = json<Page<Ev>>(await get('/api/v1/events?source_id=bastion-berlin')).items.map((e) => e.weft.source_type).sort();
    assert.deepEqual(types, ['linux', 'syslog']);
  });

  test('OTLP/HTTP logs, JSON and protobuf: 200 once committed', async () => {
    const req = {
      resourceLogs: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeLogs: [{
          scope: { name: 'app', version: '1' },
          logRecords: [0, 1, 2].map((i) => ({
            timeUnixNano: String(1773129600000000000n + BigInt(i) * 1000000000n), severityText: 'INFO', body: { stringValue: `otlp message ${i}` },
            attributes: [{ key: 'n', value: { intValue: String(i) } }], traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174',
            observedTimeUnixNano: String(1773129600000000000n + BigInt(i) * 1000000000n),
          })),
        }],
      }],
    };
    const before = await s.store.countEvents();
    const j = await s.app.inject({ method: 'POST', url: '/v1/logs?source=otel', headers: { ...bearer(s.keys.ingest), 'content-type': 'application/json' }, payload: JSON.stringify(req) });
    assert.equal(j.statusCode, 200, j.body);
    assert.deepEqual(json(j), {});
    const pb = await s.app.inject({ method: 'POST', url: '/v1/logs?source=otel-pb', headers: { ...bearer(s.keys.ingest), 'content-type': 'application/x-protobuf' }, payload: Buffer.from(encodeLogsRequest(req)) });
    assert.equal(pb.statusCode, 200, pb.body);
    assert.equal(pb.headers['content-type'], 'application/x-protobuf');
    assert.equal(await s.store.countEvents(), before + 6);
    const garbage = await s.app.inject({ method: 'POST', url: '/v1/logs?source=otel-pb', headers: { ...bearer(s.keys.ingest), 'content-type': 'application/x-protobuf' }, payload: Buffer.from([0x0a, 0xff, 0xff, 0x01]) });
    assert.equal(garbage.statusCode, 200);
    assert.ok((await s.store.listQuarantine({ sourceId: 'otel-pb' })).total >= 1, 'an undecodable OTLP request is quarantined, not dropped');
  });
});

describe('events, sources, quarantine', () => {
  test('search by time range, fields and text, with paging; total counts every match; raw record on get', async () => {
    await ingest(Array.from({ length: 30 }, (_, i) => okta(100 + i)).join('\n'), '?source=search&source_type=okta');
    const all = json<Page<{ weft: { id: string } }>>(await get('/api/v1/events?source_id=search&limit=7'));
    assert.equal(all.total, 30);
    assert.equal(all.items.length, 7);
    const seen = new Set(all.items.map((e) => e.weft.id));
    let next = all.next;
    while (next !== undefined) {
      const p = json<Page<{ weft: { id: string } }>>(await get(`/api/v1/events?source_id=search&limit=7&cursor=${next}`));
      for (const e of p.items) seen.add(e.weft.id);
      assert.equal(p.total, 30);
      next = p.next;
    }
    assert.equal(seen.size, 30);
    const range = json<Page>(await get(`/api/v1/events?source_id=search&from=${encodeURIComponent('2026-03-10T08:01:50Z')}&to=${Date.UTC(2026, 2, 10, 8, 2, 0)}`));
    assert.equal(range.total, 10);
    const text = json<Page>(await get('/api/v1/events?source_id=search&q=USER1@CORP'));
    assert.equal(text.total, 10);
    const ip = json<Page>(await get('/api/v1/events?source_id=search&source.ip=198.51.100.3'));
    assert.equal(ip.total, 6);
    const one = json<{ event: { weft: { id: string } }; raw: string }>(await get(`/api/v1/events/${all.items[0]?.weft.id}`));
    assert.equal(one.event.weft.id, all.items[0]?.weft.id);
    assert.match(one.raw, /^\{"uuid":"api-/);
    const badCursor = await get('/api/v1/events?cursor=zzz');
    assert.equal(badCursor.statusCode, 400);
    assert.match(json<ErrorBody>(badCursor).error.message, /^query\.cursor/);
    assert.equal((await get('/api/v1/events?from=yesterday')).statusCode, 400);
    assert.match(json<ErrorBody>(await get('/api/v1/events?from=2026-03-11T00:00:00Z&to=2026-03-10T00:00:00Z')).error.message, /^query\.to: must be after/);
  });

  test('sources show last seen and events per second', async () => {
    const sources = json<Page<{ id: string; events: number; last_seen: string; events_per_second: number; correlation_behind_seconds: number | null }>>(await get('/api/v1/sources'));
    const search = sources.items.find((x) => x.id === 'search');
    assert.equal(search?.correlation_behind_seconds, null, 'no live correlation runs in this server');
    assert.equal(search?.events, 30);
    assert.ok(search && search.events_per_second > 0 && Number.isFinite(Date.parse(search.last_seen)));
  });

  test('quarantine re-drive stores what now normalizes and keeps the rest', async () => {
    const before = json<Page>(await get('/api/v1/quarantine')).total;
    const r = json<{ examined: number; redriven: number; still_quarantined: number }>(await send('POST', '/api/v1/quarantine/redrive', { limit: 100 }, s.tokens.analyst));
    assert.equal(r.examined, before);
    assert.equal(r.redriven, 0, 'nothing was fixed in between');
    assert.equal(r.still_quarantined, before);
  });
});

describe('alerts and incidents', () => {
  before(async () => {
    const now = '2026-03-10T09:00:00.000Z';
    await s.store.upsertIncidents([{ id: 'inc-1', title: 'Brute force', status: 'open', score: 80, severity: 'high', firstTs: 1, lastTs: 3, doc: {}, createdAt: now, updatedAt: now }]);
    await s.store.upsertAlerts(['al-1', 'al-2', 'al-3'].map((id, i) => ({
      id, ruleId: i === 2 ? 'r2' : 'r1', kind: 'match', dedupKey: `r|${id}`, firstTs: 1000 + i, lastTs: 2000 + i, score: 50, severity: i === 0 ? 'high' as const : 'low' as const,
      status: 'open' as const, count: 1, doc: { rule: { title: 'T' } }, createdAt: now, updatedAt: now, ...(i < 2 ? { incidentId: 'inc-1' } : {}),
    })));
  });

  test('filter, update, comment, act, bulk acknowledge', async () => {
    assert.equal(json<Page>(await get('/api/v1/alerts?severity=high', s.tokens.viewer)).total, 1);
    assert.equal(json<Page>(await get('/api/v1/alerts?rule=r1&incident=inc-1', s.tokens.viewer)).total, 2);
    const upd = json<{ status: string; assignee: string }>(await send('PATCH', '/api/v1/alerts/al-1', { status: 'investigating', assignee: 'bob' }, s.tokens.analyst));
    assert.deepEqual([upd.status, upd.assignee], ['investigating', 'bob']);
    assert.equal((await send('POST', '/api/v1/alerts/al-1/comments', { body: 'checked the host' }, s.tokens.analyst)).statusCode, 201);
    assert.equal((await send('POST', '/api/v1/alerts/al-1/actions', { action: 'isolate_host', result: { edr: 'ok' } }, s.tokens.analyst)).statusCode, 201);
    const got = json<{ comments: Array<{ author: string; body: string }>; actions: Array<{ action: string; actor: string; status: string }> }>(await get('/api/v1/alerts/al-1', s.tokens.viewer));
    assert.deepEqual(got.comments.map((c) => [c.author, c.body]), [['analyst-user', 'checked the host']]);
    assert.deepEqual(got.actions.map((a) => [a.action, a.actor, a.status]), [['isolate_host', 'analyst-user', 'pending']]);
    const ack = json<{ acknowledged: string[]; not_open: number; not_found: string[] }>(await send('POST', '/api/v1/alerts/ack', { ids: ['al-1', 'al-2', 'al-3', 'al-9'] }, s.tokens.analyst));
    assert.deepEqual(ack, { acknowledged: ['al-2', 'al-3'], not_open: 1, not_found: ['al-9'] });
    assert.equal(json<Page>(await get('/api/v1/alerts?status=acknowledged')).total, 2);
    const inc = json<{ alerts: Page; status: string }>(await get('/api/v1/incidents/inc-1'));
    assert.equal(inc.alerts.total, 2);
    const incUpd = json<{ status: string; assignee: string | null }>(await send('PATCH', '/api/v1/incidents/inc-1', { status: 'resolved', assignee: null }, s.tokens.analyst));
    assert.deepEqual([incUpd.status, incUpd.assignee], ['resolved', null]);
    assert.equal((await send('POST', '/api/v1/incidents/nope/comments', { body: 'x' }, s.tokens.analyst)).statusCode, 404);
    const audit = await s.store.readAudit(0, 100_000);
    const bulk = audit.filter((e) => e.action === 'alerts.bulk_ack').at(-1);
    assert.deepEqual([bulk?.actor, bulk?.details?.records, bulk?.details?.ids], ['analyst-user', 2, ['al-2', 'al-3']]);
  });
});

describe('rules', () => {
  const RULE = (title: string, eventType: string): string =>
    oktaEventRule(`7d1f3a52-6c0e-4f4b-8d83-${title === 'Okta session start' ? '000000000001' : '000000000002'}`, eventType, title);

  test('upload validates with the compiler and refuses a bad rule with its reason', async () => {
    const bad = await s.app.inject({
      method: 'POST', url: '/api/v1/rules', headers: { ...bearer(s.tokens.analyst), 'content-type': 'application/yaml' },
      payload: 'title: Broken\nlogsource:\n  product: okta\ndetection:\n  selection:\n    eventType|nosuchmodifier: x\n  condition: selection\n',
    });
    assert.equal(bad.statusCode, 422);
    const e = json<ErrorBody>(bad);
    assert.equal(e.error.code, 'unprocessable');
    assert.match(e.error.message, /^line \d+: .*nosuchmodifier/);
    assert.equal((e.error.details.rejections as unknown[]).length, 1);
    const notYaml = await s.app.inject({ method: 'POST', url: '/api/v1/rules', headers: { ...bearer(s.tokens.analyst), 'content-type': 'application/yaml' }, payload: ': : :\n  - [' });
    assert.equal(notYaml.statusCode, 422);
    const ok = await send('POST', '/api/v1/rules', { content: `${RULE('Okta session start', 'user.session.start')}---\n${RULE('Okta session end', 'user.session.end')}` }, s.tokens.analyst);
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(json<Page>(ok).total, 2);
  });

  test('hits from live detection, enable/disable, test against posted records', async () => {
    await s.catalog.reload();
    const detect = new DetectConsumer(s.catalog);
    await detect.handle(await s.store.readEventLog(0, 100_000));
    const list = json<Page<{ id: string; hits: number; enabled: boolean }>>(await get('/api/v1/rules?q=okta%20session', s.tokens.viewer));
    const byId = Object.fromEntries(list.items.map((r) => [r.id, r]));
    assert.equal(byId['7d1f3a52-6c0e-4f4b-8d83-000000000001']?.hits, 15 + 1, 'even uuids start sessions: 15 of the 30 searched, and api-2');
    assert.equal(byId['7d1f3a52-6c0e-4f4b-8d83-000000000002']?.hits, 15 + 1);
    const off = json<{ enabled: boolean }>(await send('PATCH', '/api/v1/rules/7d1f3a52-6c0e-4f4b-8d83-000000000002', { enabled: false }, s.tokens.analyst));
    assert.equal(off.enabled, false);
    assert.equal(s.catalog.active?.ruleSet.evaluate(JSON.parse('{}')).length, 0);
    assert.ok(!(s.catalog.active?.loaded === undefined));
    const t = json<{ items: Array<{ matched: boolean; rules: Array<{ id: string }> }>; matched: number }>(await send('POST', '/api/v1/rules/test', {
      id: '7d1f3a52-6c0e-4f4b-8d83-000000000001', records: [okta(500), okta(501), 'garbage'], source_type: 'okta',
    }, s.tokens.viewer));
    assert.deepEqual(t.items.map((x) => x.matched), [true, false, false]);
    assert.equal(t.matched, 1);
    const both = await send('POST', '/api/v1/rules/test', { id: 'x', rule: 'y', events: [] }, s.tokens.viewer);
    assert.match(json<ErrorBody>(both).error.message, /^body\.rule: give exactly one of rule or id/);
    const snap = JSON.parse(Buffer.from(detect.snapshot()).toString('utf8')) as { hits: Record<string, number> };
    assert.equal(snap.hits['7d1f3a52-6c0e-4f4b-8d83-000000000001'], 16, 'hit counts travel in the checkpoint');
  });

  test('a correlation upload is checked against the active rules: an unknown reference is refused', async () => {
    const corr = (ref: string): string => oktaThreeFromOneAddress('7d1f3a52-6c0e-4f4b-8d83-0000000000c9', ref, 'Many Okta sessions from one address');
    const typo = await send('POST', '/api/v1/rules', { content: corr('7d1f3a52-6c0e-4f4b-8d83-00000000000x') }, s.tokens.analyst);
    assert.equal(typo.statusCode, 422);
    assert.equal(json<ErrorBody>(typo).error.message, "line 1: correlation 'Many Okta sessions from one address' references unknown rule '7d1f3a52-6c0e-4f4b-8d83-00000000000x'");
    const ok = await send('POST', '/api/v1/rules', { content: corr('7d1f3a52-6c0e-4f4b-8d83-000000000001') }, s.tokens.analyst);
    assert.equal(ok.statusCode, 201, ok.body);
    assert.deepEqual(json<Page<{ kind: string }>>(ok).items.map((r) => r.kind), ['correlation']);
  });
});

test('the OpenAPI document lists every route with its method', async () => {
  const doc = json<{ openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>(await s.app.inject({ method: 'GET', url: '/api/v1/openapi.json' }));
  assert.equal(doc.openapi, '3.1.0');
  for (const r of s.routes.routes) {
    const op = doc.paths[r.url.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[r.method.toLowerCase()];
    assert.ok(op, `${r.method} ${r.url} missing`);
    assert.ok(op.responses[String(r.status)]);
  }
});
