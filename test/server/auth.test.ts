import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { bearer, json, PASSWORD, testServer, type TestServer } from '../support/server.js';

let s: TestServer;
let clock = Date.parse('2026-03-10T08:00:00.000Z');

before(async () => {
  s = await testServer({ now: () => clock, config: { server: { access_token_ttl: '15m' } } });
});
after(async () => {
  await s.close();
});

const login = (username: string, password: string, ip = '10.0.0.1') =>
  s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: ip });
const me = (token: string) => s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });

interface Pair { access_token: string; refresh_token: string; expires_in: number; token_type: string }

test('login issues a working access token; wrong password and unknown user get the same 401', async () => {
  const ok = await login('analyst-user', PASSWORD);
  assert.equal(ok.statusCode, 200);
  const pair = json<Pair>(ok);
  assert.equal(pair.token_type, 'Bearer');
  assert.equal(pair.expires_in, 900);
  assert.match(pair.refresh_token, /^wr_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
  const who = json(await me(pair.access_token));
  assert.deepEqual([who.name, who.role, who.auth], ['analyst-user', 'analyst', 'user']);
  const bad = await login('analyst-user', 'wrong password!!');
  const unknown = await login('nobody', 'wrong password!!');
  assert.equal(bad.statusCode, 401);
  assert.equal(unknown.statusCode, 401);
  assert.deepEqual(json(bad), json(unknown));
  const tail = await s.store.readAudit((await s.store.auditLength()) - 4, 4);
  assert.deepEqual(tail.map((e) => [e.action, e.actor, e.outcome, e.source_ip]), [
    ['auth.login', 'analyst-user', 'success', '10.0.0.1'],
    ['auth.me', 'analyst-user', 'success', '127.0.0.1'],
    ['auth.login', 'analyst-user', 'denied', '10.0.0.1'],
    ['auth.login', 'nobody', 'denied', '10.0.0.1'],
  ]);
  assert.deepEqual(tail.map((e) => e.details?.reason), [undefined, undefined, 'bad_password', 'unknown_user']);
});

test('repeated failed logins are throttled, even with the right password, until the lock passes', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await login('viewer-user', 'not the password', '10.0.0.9')).statusCode, 401);
  const locked = await login('viewer-user', PASSWORD, '10.0.0.9');
  assert.equal(locked.statusCode, 429);
  assert.equal(locked.headers['retry-after'], '1');
  // From another address the username is still locked.
  assert.equal((await login('viewer-user', PASSWORD, '10.0.0.10')).statusCode, 429);
  clock += 1500;
  assert.equal((await login('viewer-user', PASSWORD, '10.0.0.10')).statusCode, 200);
  const last = (await s.store.readAudit((await s.store.auditLength()) - 3, 3)).map((e) => [e.outcome, e.details?.reason ?? null, e.details?.status]);
  assert.deepEqual(last, [['denied', 'throttled', 429], ['denied', 'throttled', 429], ['success', null, 200]]);
});

test('refresh rotates; a replayed refresh token revokes the session', async () => {
  const first = json<Pair>(await login('admin-user', PASSWORD));
  const r1 = await s.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: first.refresh_token } });
  assert.equal(r1.statusCode, 200);
  const second = json<Pair>(r1);
  assert.notEqual(second.refresh_token, first.refresh_token);
  assert.equal((await me(second.access_token)).statusCode, 200);
  const replay = await s.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: first.refresh_token } });
  assert.equal(replay.statusCode, 401);
  // The replay ended the session: the live refresh token and access token stop working too.
  assert.equal((await s.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: second.refresh_token } })).statusCode, 401);
  assert.equal((await me(second.access_token)).statusCode, 401);
  for (const bad of ['', 'wr_x.y', `wr_${'0'.repeat(36)}.${'a'.repeat(43)}`, 'x'.repeat(300)]) {
    const r = await s.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: bad } });
    assert.ok(r.statusCode === 401 || r.statusCode === 400, `${bad.slice(0, 20)}: ${r.statusCode}`);
  }
});

test('logout revokes the access token and the refresh token at once', async () => {
  const pair = json<Pair>(await login('analyst-user', PASSWORD));
  assert.equal((await me(pair.access_token)).statusCode, 200);
  assert.equal((await s.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(pair.access_token) })).statusCode, 204);
  assert.equal((await me(pair.access_token)).statusCode, 401);
  assert.equal((await s.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: pair.refresh_token } })).statusCode, 401);
});

test('access tokens expire; forged, unsigned and malformed tokens are refused', async () => {
  const pair = json<Pair>(await login('viewer-user', PASSWORD));
  clock += 15 * 60_000 + 1000;
  assert.equal((await me(pair.access_token)).statusCode, 401);
  const claims = { sid: 'x', role: 'admin', name: 'admin-user' };
  const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(s.users.admin.id).setIssuer('weft').setAudience('weft-api')
    .setIssuedAt(Math.floor(clock / 1000)).setExpirationTime(Math.floor(clock / 1000) + 60).sign(new Uint8Array(32).fill(7));
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ ...claims, sub: s.users.admin.id, iss: 'weft', aud: 'weft-api', exp: Math.floor(clock / 1000) + 60 })).toString('base64url');
  for (const token of [forged, `${header}.${payload}.`, 'abc', 'wk_short', `wk_${'a'.repeat(8)}_${'b'.repeat(43)}`]) {
    const r = await me(token);
    assert.equal(r.statusCode, 401, token.slice(0, 30));
    assert.equal(json<{ error: { code: string } }>(r).error.code, 'unauthorized');
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="weft"');
  }
  assert.equal((await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Basic Zm9vOmJhcg==' } })).statusCode, 401);
});

test('disabling a user ends its sessions and its API keys; revoked keys stop at once', async () => {
  const admin = json<Pair>(await login('admin-user', PASSWORD));
  const created = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: bearer(admin.access_token), payload: { username: 'temp', role: 'analyst', password: PASSWORD } });
  assert.equal(created.statusCode, 201);
  const temp = json<{ id: string }>(created);
  const k = json<{ id: string; key: string; role: string }>(await s.app.inject({
    method: 'POST', url: `/api/v1/users/${temp.id}/keys`, headers: bearer(admin.access_token), payload: { name: 'auto', role: 'viewer' },
  }));
  assert.equal(k.role, 'viewer');
  assert.equal((await me(k.key)).statusCode, 200);
  const session = json<Pair>(await login('temp', PASSWORD));
  assert.equal((await s.app.inject({ method: 'PATCH', url: `/api/v1/users/${temp.id}`, headers: bearer(admin.access_token), payload: { disabled: true } })).statusCode, 200);
  assert.equal((await me(session.access_token)).statusCode, 401);
  assert.equal((await me(k.key)).statusCode, 401);
  assert.equal((await login('temp', PASSWORD)).statusCode, 401);
  // A key carries no more than its owner's role.
  const tooMuch = await s.app.inject({ method: 'POST', url: `/api/v1/users/${s.users.viewer.id}/keys`, headers: bearer(admin.access_token), payload: { name: 'x', role: 'admin' } });
  assert.equal(tooMuch.statusCode, 400);
  assert.match(json<{ error: { message: string } }>(tooMuch).error.message, /^body\.role: a viewer cannot hold a key with role admin/);
  // Revocation through the API applies to the next request, cache or not.
  const k2 = json<{ id: string; key: string }>(await s.app.inject({ method: 'POST', url: `/api/v1/users/${s.users.viewer.id}/keys`, headers: bearer(admin.access_token), payload: { name: 'y' } }));
  assert.equal((await me(k2.key)).statusCode, 200);
  assert.equal((await s.app.inject({ method: 'DELETE', url: `/api/v1/keys/${k2.id}`, headers: bearer(admin.access_token) })).statusCode, 204);
  assert.equal((await me(k2.key)).statusCode, 401);
  // Key listings never show hashes or keys.
  const list = (await s.app.inject({ method: 'GET', url: `/api/v1/users/${s.users.viewer.id}/keys`, headers: bearer(admin.access_token) })).body;
  assert.doesNotMatch(list, /key_hash|keyHash|wk_[A-Za-z0-9_-]{8}_/);
  assert.doesNotMatch((await s.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(admin.access_token) })).body, /argon2|password/);
});

test('an admin cannot disable or demote itself; weak passwords are refused naming the field', async () => {
  const admin = json<Pair>(await login('admin-user', PASSWORD));
  const self = await s.app.inject({ method: 'PATCH', url: `/api/v1/users/${s.users.admin.id}`, headers: bearer(admin.access_token), payload: { disabled: true } });
  assert.equal(self.statusCode, 409);
  const weak = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: bearer(admin.access_token), payload: { username: 'weak', role: 'viewer', password: 'short' } });
  assert.equal(weak.statusCode, 400);
  assert.match(json<{ error: { message: string } }>(weak).error.message, /^body\.password: password must be at least 12 characters/);
});
