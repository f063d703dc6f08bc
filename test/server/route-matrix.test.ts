/**
 * Every route x every role (and no credentials), by access token and by API key: the status must be
 * exactly 2xx where the role has the route's permission, 403 where it does not, 401 without
 * credentials. Every audited route must write exactly one audit entry per request, allowed or not.
 * A route added without an example here fails the test: the example list must match the route table.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { roleHasPermission, ROLE_NAMES } from '../../src/store/roles.js';
import type { RoleName } from '../../src/store/types.js';
import type { RegisteredRoute } from '../../src/server/route.js';
import { bearer, json, PASSWORD, testServer, type TestServer } from '../support/server.js';

interface Example {
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
  /** Expected status for an allowed API-key caller, when it differs (logout has no session with a key). */
  apiKeyStatus?: number;
}

type ExampleFn = (s: TestServer, role: RoleName | undefined, via: 'token' | 'api key') => Promise<Example> | Example;

const RULE = `title: Matrix test rule
id: 5f0b6c3e-3a41-4a55-9d7e-6f1c2b8a9e01
status: experimental
level: low
logsource:
  product: okta
detection:
  selection:
    eventType: user.session.start
  condition: selection
`;

const OKTA = JSON.stringify({
  uuid: 'matrix-1', published: '2026-03-10T08:00:00.000Z', eventType: 'user.session.start',
  actor: { id: '00u1', type: 'User', alternateId: 'alice@corp.example' }, client: { ipAddress: '198.51.100.7' }, outcome: { result: 'SUCCESS' },
});

let eventId = '';

const EXAMPLES: Record<string, ExampleFn> = {
  'GET /health': () => ({ url: '/health' }),
  'GET /ready': () => ({ url: '/ready' }),
  'GET /metrics': () => ({ url: '/metrics' }),
  'GET /api/v1/openapi.json': () => ({ url: '/api/v1/openapi.json' }),
  'POST /api/v1/auth/login': () => ({ url: '/api/v1/auth/login', payload: { username: 'viewer-user', password: PASSWORD } }),
  'POST /api/v1/auth/refresh': async (s) => ({ url: '/api/v1/auth/refresh', payload: { refresh_token: (await s.ctx.tokens.login(s.users.viewer)).refresh_token } }),
  // Logout ends the session it is called with: use a fresh one, so the role's main token lives on.
  'POST /api/v1/auth/logout': async (s, role, via) => ({
    url: '/api/v1/auth/logout', apiKeyStatus: 400,
    ...(role && via === 'token' ? { headers: bearer((await s.ctx.tokens.login(s.users[role])).access_token) } : {}),
  }),
  'GET /api/v1/auth/me': () => ({ url: '/api/v1/auth/me' }),
  'GET /api/v1/users': () => ({ url: '/api/v1/users' }),
  'POST /api/v1/users': () => ({ url: '/api/v1/users', payload: { username: `u-${randomUUID().slice(0, 8)}`, role: 'viewer', password: PASSWORD } }),
  'GET /api/v1/users/:id': (s) => ({ url: `/api/v1/users/${s.users.viewer.id}` }),
  'PATCH /api/v1/users/:id': (s) => ({ url: `/api/v1/users/${s.users.viewer.id}`, payload: { role: 'viewer' } }),
  'GET /api/v1/roles': () => ({ url: '/api/v1/roles' }),
  'GET /api/v1/users/:id/keys': (s) => ({ url: `/api/v1/users/${s.users.ingest.id}/keys` }),
  'POST /api/v1/users/:id/keys': (s) => ({ url: `/api/v1/users/${s.users.ingest.id}/keys`, payload: { name: 'matrix' } }),
  'DELETE /api/v1/keys/:id': async (s) => ({ url: `/api/v1/keys/${(await s.ctx.apiKeys.create(s.users.ingest, 'to-revoke')).record.id}` }),
  'GET /api/v1/audit': () => ({ url: '/api/v1/audit?limit=5' }),
  'GET /api/v1/audit/verify': () => ({ url: '/api/v1/audit/verify' }),
  'GET /api/v1/events': () => ({ url: '/api/v1/events?q=alice&limit=5' }),
  'GET /api/v1/events/:id': () => ({ url: `/api/v1/events/${eventId}` }),
  'GET /api/v1/alerts': () => ({ url: '/api/v1/alerts?status=open' }),
  'POST /api/v1/alerts/ack': () => ({ url: '/api/v1/alerts/ack', payload: { ids: ['a1', 'missing'] } }),
  'GET /api/v1/alerts/:id': () => ({ url: '/api/v1/alerts/a1' }),
  'PATCH /api/v1/alerts/:id': () => ({ url: '/api/v1/alerts/a1', payload: { assignee: 'bob' } }),
  'GET /api/v1/alerts/:id/comments': () => ({ url: '/api/v1/alerts/a1/comments' }),
  'POST /api/v1/alerts/:id/comments': () => ({ url: '/api/v1/alerts/a1/comments', payload: { body: 'looked at it' } }),
  'POST /api/v1/alerts/:id/actions': () => ({ url: '/api/v1/alerts/a1/actions', payload: { action: 'isolate_host' } }),
  'GET /api/v1/incidents': () => ({ url: '/api/v1/incidents' }),
  'GET /api/v1/incidents/:id': () => ({ url: '/api/v1/incidents/i1' }),
  'PATCH /api/v1/incidents/:id': () => ({ url: '/api/v1/incidents/i1', payload: { status: 'investigating' } }),
  'GET /api/v1/incidents/:id/comments': () => ({ url: '/api/v1/incidents/i1/comments' }),
  'POST /api/v1/incidents/:id/comments': () => ({ url: '/api/v1/incidents/i1/comments', payload: { body: 'escalated' } }),
  'POST /api/v1/incidents/:id/actions': () => ({ url: '/api/v1/incidents/i1/actions', payload: { action: 'disable_user', status: 'succeeded' } }),
  'GET /api/v1/rules': () => ({ url: '/api/v1/rules?q=matrix' }),
  'GET /api/v1/rules/:id': () => ({ url: '/api/v1/rules/5f0b6c3e-3a41-4a55-9d7e-6f1c2b8a9e01' }),
  'POST /api/v1/rules': () => ({ url: '/api/v1/rules', payload: RULE, headers: { 'content-type': 'application/yaml' } }),
  'PATCH /api/v1/rules/:id': () => ({ url: '/api/v1/rules/5f0b6c3e-3a41-4a55-9d7e-6f1c2b8a9e01', payload: { enabled: true } }),
  'POST /api/v1/rules/test': () => ({ url: '/api/v1/rules/test', payload: { rule: RULE, records: [OKTA] } }),
  'GET /api/v1/assets': () => ({ url: '/api/v1/assets' }),
  'PUT /api/v1/assets': () => ({ url: '/api/v1/assets', payload: { items: [{ id: 'h1', kind: 'host', value: 'dc01', criticality: 5 }] } }),
  'GET /api/v1/asset-types': () => ({ url: '/api/v1/asset-types' }),
  'PUT /api/v1/asset-types': () => ({ url: '/api/v1/asset-types', payload: { items: [{ name: 'dc', default_criticality: 5 }] } }),
  'GET /api/v1/intel/feeds': () => ({ url: '/api/v1/intel/feeds' }),
  'PUT /api/v1/intel/feeds/:id': () => ({ url: '/api/v1/intel/feeds/f1', payload: { name: 'abuse' } }),
  'POST /api/v1/intel/feeds/:id/iocs': () => ({ url: '/api/v1/intel/feeds/f1/iocs', payload: { items: [{ type: 'ip', value: '203.0.113.7' }] } }),
  'GET /api/v1/intel/iocs': () => ({ url: '/api/v1/intel/iocs?type=ip&value=203.0.113.7' }),
  'GET /api/v1/quarantine': () => ({ url: '/api/v1/quarantine' }),
  'GET /api/v1/quarantine/reasons': () => ({ url: '/api/v1/quarantine/reasons' }),
  'POST /api/v1/quarantine/redrive': () => ({ url: '/api/v1/quarantine/redrive', payload: { limit: 10 } }),
  'GET /api/v1/sources': () => ({ url: '/api/v1/sources' }),
  'POST /api/v1/ingest': () => ({ url: '/api/v1/ingest?source=matrix', payload: `${OKTA}\n`, headers: { 'content-type': 'application/x-ndjson' } }),
  'POST /v1/logs': () => ({
    url: '/v1/logs', headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'matrix' } }] }, scopeLogs: [{ logRecords: [{ timeUnixNano: '1773129600000000000', severityText: 'INFO', body: { stringValue: 'hello' } }] }] }] }),
  }),
};

let s: TestServer;

before(async () => {
  s = await testServer();
  const now = new Date().toISOString();
  await s.store.upsertIncidents([{ id: 'i1', title: 'Incident', status: 'open', score: 70, severity: 'high', firstTs: 1, lastTs: 2, doc: {}, createdAt: now, updatedAt: now }]);
  await s.store.upsertAlerts([{
    id: 'a1', ruleId: 'r1', kind: 'match', dedupKey: 'r1|x', firstTs: 1, lastTs: 2, score: 50, severity: 'medium', status: 'open', count: 1, doc: {},
    incidentId: 'i1', createdAt: now, updatedAt: now,
  }]);
  await s.ctx.writer.submit([OKTA], { sourceId: 'seed' });
  eventId = (await s.store.readEventLog(0, 1))[0]?.event.weft.id as string;
  await s.store.putRules(s.catalog.parse(RULE).documents.map((d) => d.record));
  await s.store.putFeed({ id: 'f1', name: 'abuse', updatedAt: now });
});

after(async () => {
  await s.close();
});

const key = (r: RegisteredRoute): string => `${r.method} ${r.url}`;

test('the examples cover every route exactly', () => {
  const routes = s.routes.routes.map(key).sort();
  assert.deepEqual(Object.keys(EXAMPLES).sort(), routes);
  assert.equal(new Set(routes).size, routes.length, 'no route is declared twice');
});

function expected(route: RegisteredRoute, role: RoleName | undefined): 'ok' | 401 | 403 {
  if (route.access === 'public') return 'ok';
  if (role === undefined) return 401;
  if (route.access === 'authenticated') return 'ok';
  return roleHasPermission(role, route.access) ? 'ok' : 403;
}

for (const via of ['token', 'api key'] as const) {
  test(`every route x every role, by ${via}: 2xx / 401 / 403 exactly, and one audit entry per audited request`, async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of s.routes.routes) {
      for (const role of [...ROLE_NAMES, undefined]) {
        const ex = await (EXAMPLES[key(route)] as ExampleFn)(s, role, via);
        const creds = role === undefined ? {} : bearer(via === 'token' ? s.tokens[role] : s.keys[role]);
        const before = await s.store.auditLength();
        const res = await s.app.inject({
          method: route.method, url: ex.url, headers: { ...creds, ...ex.headers },
          ...(ex.payload !== undefined ? { payload: typeof ex.payload === 'string' ? ex.payload : JSON.stringify(ex.payload) } : {}),
          ...(ex.payload !== undefined && ex.headers?.['content-type'] === undefined ? { headers: { ...creds, ...ex.headers, 'content-type': 'application/json' } } : {}),
        });
        checked++;
        const want = expected(route, role);
        const who = `${route.method} ${route.url} as ${role ?? 'nobody'} (${via})`;
        if (want === 'ok') {
          const wantStatus = via === 'api key' && role !== undefined && ex.apiKeyStatus !== undefined ? ex.apiKeyStatus : undefined;
          if (wantStatus !== undefined ? res.statusCode !== wantStatus : res.statusCode < 200 || res.statusCode > 299) {
            failures.push(`${who}: expected ${wantStatus ?? '2xx'}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
          }
        } else if (res.statusCode !== want) {
          failures.push(`${who}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
        } else {
          const body = json<{ error: { code: string; message: string; details: unknown } }>(res);
          assert.equal(body.error.code, want === 401 ? 'unauthorized' : 'forbidden', who);
          assert.equal(typeof body.error.message, 'string');
        }
        const added = (await s.store.auditLength()) - before;
        if (added !== (route.audit === false ? 0 : 1)) failures.push(`${who}: wrote ${added} audit entries, expected ${route.audit === false ? 0 : 1}`);
        if (route.audit !== false && added === 1) {
          const [entry] = await s.store.readAudit(before, 1);
          const outcome = want === 'ok' ? (res.statusCode < 400 ? 'success' : 'failure') : 'denied';
          if (entry?.action !== route.audit || entry.outcome !== outcome) failures.push(`${who}: audit entry ${entry?.action}/${entry?.outcome}, expected ${route.audit}/${outcome}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.equal(checked, s.routes.routes.length * 5);
  });
}
