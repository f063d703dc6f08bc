/**
 * Sensitive fields (server.sensitive_fields) are encrypted at rest with AES-256-GCM, decrypted only
 * for roles with events:read_sensitive, and re-encrypted by `weft fields rekey` after a key rotation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { WeftEvent } from '../../src/event/model.js';
import { FieldCipher, fieldKey, FieldKeyError } from '../../src/server/field-cipher.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { weft } from '../support/cli.js';
import { bearer, json, testServer } from '../support/server.js';

const EMAIL = 'alice.secret@corp.example';
const OKTA = JSON.stringify({
  uuid: 'sens-1', published: '2026-03-10T08:00:00.000Z', eventType: 'user.session.start',
  actor: { id: '00u1', type: 'User', alternateId: EMAIL, displayName: 'Alice' }, client: { ipAddress: '198.51.100.7' }, outcome: { result: 'SUCCESS' },
});

test('the cipher: round trip, bound to event and field, wrong key and tampering refused, keys validated', () => {
  const k1 = fieldKey(randomBytes(32).toString('base64'), 'k1');
  const k2 = fieldKey(randomBytes(32).toString('base64'), 'k2');
  const c = new FieldCipher(['user.email', 'url.query'], [k1]);
  const e = { '@timestamp': '2026-03-10T08:00:00.000Z', user: { email: EMAIL, name: 'alice' }, url: { query: 'token=abc' }, event: { original: `login ${EMAIL}` }, weft: { id: 'e1', source_id: 's' } } as unknown as WeftEvent;
  assert.equal(c.encryptEvent(e), 3);
  const stored = e as unknown as { user: { email: string; name: string }; url: { query: string }; event: { original: string } };
  assert.ok(FieldCipher.isCiphertext(stored.user.email));
  assert.ok(FieldCipher.isCiphertext(stored.event.original));
  assert.equal(stored.user.name, 'alice', 'fields not listed stay as they are');
  assert.ok(!JSON.stringify(e).includes('alice.secret'));
  assert.equal(c.encryptEvent(e), 0, 'encrypting twice changes nothing');
  const plain = c.decryptEvent(e) as unknown as typeof stored;
  assert.deepEqual([plain.user.email, plain.url.query, plain.event.original], [EMAIL, 'token=abc', `login ${EMAIL}`]);
  const red = c.redactEvent(e) as unknown as { user: Record<string, unknown>; weft: { redacted: string[] } };
  assert.deepEqual(red.user, { name: 'alice' });
  assert.deepEqual(red.weft.redacted, ['user.email', 'url.query', 'event.original']);
  // Moved to another event: the associated data no longer matches.
  const moved = structuredClone(e) as unknown as { weft: { id: string } };
  moved.weft.id = 'e2';
  assert.throws(() => c.decryptEvent(moved as unknown as WeftEvent), FieldKeyError);
  const flipped = structuredClone(e) as unknown as typeof stored;
  flipped.user.email = `${flipped.user.email.slice(0, -3)}AAA`;
  assert.throws(() => c.decryptEvent(flipped as unknown as WeftEvent), FieldKeyError);
  assert.throws(() => new FieldCipher(['user.email'], [k2]).decryptEvent(e), /no configured key has id/);
  assert.throws(() => new FieldCipher(['user.email'], []), /no field key is configured/);
  assert.throws(() => fieldKey('c2hvcnQ=', 'WEFT_FIELD_KEY'), /must be 32 bytes/);
  // Rotation: the new key first, the old one kept to decrypt.
  const rotated = new FieldCipher(['user.email', 'url.query'], [k2, k1]);
  assert.equal(rotated.rekeyEvent(e), 3);
  assert.equal(FieldCipher.keyIdOf(stored.user.email), k2.id);
  assert.equal((new FieldCipher(['user.email', 'url.query'], [k2]).decryptEvent(e) as unknown as typeof stored).user.email, EMAIL);
});

test('over the API: stored encrypted, analyst sees plaintext, viewer sees it withheld', async () => {
  const key = fieldKey(randomBytes(32).toString('base64'), 'test');
  // The Okta mapper puts the login name in all of these; each must be listed for none to leak.
  const fields = ['user.name', 'client.user.name', 'source.user.name', 'okta.actor.alternate_id', 'related.user'];
  const s = await testServer({ config: { server: { sensitive_fields: fields } }, fieldKeys: [key] });
  try {
    const r = await s.app.inject({ method: 'POST', url: '/api/v1/ingest?source=okta&source_type=okta', payload: `${OKTA}\n`, headers: { ...bearer(s.keys.ingest), 'content-type': 'application/x-ndjson' } });
    assert.equal(r.statusCode, 202, r.body);
    const [logged] = await s.store.readEventLog(0, 1);
    const stored = JSON.stringify(logged?.event);
    assert.ok(!stored.includes('alice.secret'), `plaintext at rest: ${stored.slice(0, 300)}`);
    const id = logged?.event.weft.id as string;
    const analyst = json<{ event: { user: { name: string }; related: { user: string[] } }; raw: string }>(await s.app.inject({ method: 'GET', url: `/api/v1/events/${id}`, headers: bearer(s.tokens.analyst) }));
    assert.equal(analyst.event.user.name, EMAIL);
    assert.deepEqual(analyst.event.related.user, ['Alice', EMAIL]);
    assert.equal(analyst.raw, OKTA);
    const viewer = json<{ event: { user: Record<string, unknown>; weft: { redacted: string[] } }; raw: string | null }>(await s.app.inject({ method: 'GET', url: `/api/v1/events/${id}`, headers: bearer(s.tokens.viewer) }));
    assert.equal(viewer.event.user.name, undefined);
    assert.equal(viewer.raw, null);
    assert.deepEqual(viewer.event.weft.redacted.sort(), ['event.original', ...fields].sort());
    const list = (await s.app.inject({ method: 'GET', url: '/api/v1/events', headers: bearer(s.tokens.viewer) })).body;
    assert.ok(!list.includes('alice.secret') && !list.includes('weft-enc:'), 'a viewer sees neither plaintext nor ciphertext');
  } finally {
    await s.close();
  }
});

test('weft fields rekey re-encrypts stored values under the new key; weft ingest encrypts too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-rekey-'));
  try {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const keyFile = join(dir, 'field.keys');
    const config = join(dir, 'weft.yaml');
    writeFileSync(config, `server:\n  sensitive_fields: [user.name]\n  field_key_file: ${keyFile}\n`);
    writeFileSync(keyFile, `# current key first\n${oldKey}\n`);
    const input = join(dir, 'okta.json');
    writeFileSync(input, `${OKTA}\n`);
    const ing = weft(['--config', config, 'ingest', '--source-type', 'okta', '--data-dir', dir, input]);
    assert.equal(ing.code, 0, ing.stderr);
    const readEmail = (): string => {
      const db = new Database(join(dir, 'weft.db'), { readonly: true });
      try {
        return (JSON.parse((db.prepare('SELECT doc FROM events').get() as { doc: string }).doc) as { user: { name: string } }).user.name;
      } finally {
        db.close();
      }
    };
    const before = readEmail();
    assert.equal(FieldCipher.keyIdOf(before), fieldKey(oldKey, 'x').id);
    writeFileSync(keyFile, `${newKey}\n${oldKey}\n`);
    const r = weft(['--config', config, 'fields', 'rekey', '--data-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /examined 1 events; re-encrypted 2 values in 1 events/);
    assert.equal(FieldCipher.keyIdOf(readEmail()), fieldKey(newKey, 'x').id);
    // The old key can go now: everything decrypts with the new one alone.
    const store = new SqliteStore({ path: join(dir, 'weft.db') });
    const [e] = await store.readEventLog(0, 1);
    await store.close();
    const plain = new FieldCipher(['user.name'], [fieldKey(newKey, 'new')]).decryptEvent(e?.event as WeftEvent) as unknown as { user: { name: string }; event: { original: string } };
    assert.equal(plain.user.name, EMAIL);
    assert.equal(plain.event.original, OKTA);
    const again = weft(['--config', config, 'fields', 'rekey', '--data-dir', dir]);
    assert.match(again.stdout, /re-encrypted 0 values/);
    writeFileSync(keyFile, 'not base64 of 32 bytes\n');
    const bad = weft(['--config', config, 'fields', 'rekey', '--data-dir', dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /field.keys:1: a field key must be 32 bytes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
