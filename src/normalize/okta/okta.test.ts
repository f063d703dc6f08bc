import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oktaMapper } from './index.js';
import { at, assertNeverThrows, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { decodeOk } from '../../../test/support/real-decode.js';
import { fixtureDir } from '../../../test/support/fixture-catalog.js';

const records = readFileSync(join(fixtureDir('okta'), 'system.log'), 'utf8').trim().split('\n').map((l) => decodeOk(l));
const login = records[1]!;

test('okta: MFA push verification keeps the factor and risk', () => {
  const e = mapOk(oktaMapper, records[3]!);
  assert.equal(at(e, 'event.action'), 'user.authentication.auth_via_mfa');
  assert.deepEqual(at(e, 'event.category'), ['authentication']);
  assert.equal((e.okta as { debug_context: { debug_data: { factor: string } } }).debug_context.debug_data.factor, 'OKTA_VERIFY_PUSH');
  assert.equal(at(e, 'user.name'), 'user@domain.com');
});

test('okta: bad input is a specific failure', () => {
  const f = login.fields;
  expectFail(oktaMapper, { format: 'json', fields: { ...f, published: undefined } }, 'normalize.okta.missing_published');
  expectFail(oktaMapper, { format: 'json', fields: { ...f, published: '2020-02-30 nope' } }, 'normalize.okta.bad_timestamp');
  expectFail(oktaMapper, { format: 'json', fields: { ...f, eventType: 42 } }, 'normalize.okta.missing_event_type');
  expectFail(oktaMapper, { format: 'json', fields: { ...f, actor: 'admin' } }, 'normalize.okta.bad_actor');
  expectFail(oktaMapper, { format: 'json', fields: { ...f, target: { id: 'x' } } }, 'normalize.okta.bad_target');
});

test('okta: detect is specific and hostile values never throw', () => {
  assert.equal(oktaMapper.detect(login), true);
  assert.equal(oktaMapper.detect({ format: 'json', fields: { eventType: 'x', published: 'y' } }), false);
  assert.equal(oktaMapper.detect({ format: 'kv', fields: login.fields }), false);
  assertNeverThrows(oktaMapper, login);
});
