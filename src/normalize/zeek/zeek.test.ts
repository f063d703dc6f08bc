import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zeekMapper } from './index.js';
import { communityId } from '../common/community-id.js';
import { at, assertNeverThrows, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { decodeOk } from '../../../test/support/real-decode.js';
import { fixtureDir } from '../../../test/support/fixture-catalog.js';

const first = (name: string) => decodeOk(readFileSync(join(fixtureDir('zeek'), `${name}.log`), 'utf8').split('\n')[0] as string);

test('zeek: community ID matches the spec for both directions and IPv6', () => {
  const a = communityId('tcp', '10.156.0.2', 56190, '46.101.87.151', 443);
  assert.equal(a, '1:ziCfaAfpSmrkSIWraOMW2mxUmFc=');
  assert.equal(communityId('tcp', '46.101.87.151', 443, '10.156.0.2', 56190), a);
  assert.equal(communityId('udp', 'fe80::4ef:15cf:769f:ff21', 5353, 'ff02::fb', 5353), '1:Jq0sRtlGSMjsvMBE1ZYybbR2tI0=');
  assert.equal(communityId('gre', '10.0.0.1', 1, '10.0.0.2', 2), undefined);
  assert.equal(communityId('tcp', 'not-an-ip', 1, '10.0.0.2', 2), undefined);
});

test('zeek: the log kind follows _path when present', () => {
  const conn = first('conn');
  assert.equal(at(mapOk(zeekMapper, { format: 'json', fields: { ...conn.fields, _path: 'conn' } }), 'event.dataset'), 'zeek.connection');
  expectFail(zeekMapper, { format: 'json', fields: { ...conn.fields, _path: 'weird' } }, 'normalize.zeek.unknown_log');
  const iso = mapOk(zeekMapper, { format: 'json', fields: { ...conn.fields, ts: '2021-06-09T20:55:13.160328Z' } });
  assert.equal(at(iso, '@timestamp'), '2021-06-09T20:55:13.160Z');
});

test('zeek: bad input is a specific failure', () => {
  const conn = first('conn');
  expectFail(zeekMapper, { format: 'json', fields: { ...conn.fields, ts: 'soon' } }, 'normalize.zeek.bad_timestamp');
  expectFail(zeekMapper, { format: 'json', fields: { ...conn.fields, ts: undefined } }, 'normalize.zeek.bad_timestamp');
  expectFail(zeekMapper, { format: 'json', fields: { ...conn.fields, uid: 7 } }, 'normalize.zeek.missing_uid');
  expectFail(zeekMapper, { format: 'json', fields: { ...conn.fields, 'id.orig_h': 'localhost' } }, 'normalize.zeek.bad_address');
  expectFail(zeekMapper, { format: 'json', fields: { ...first('files').fields, fuid: '' } }, 'normalize.zeek.missing_fuid');
  expectFail(zeekMapper, { format: 'json', fields: { hello: 'world', ts: 1 } }, 'normalize.zeek.unknown_log');
});

test('zeek: hostile values never throw', () => {
  for (const n of ['conn', 'dns', 'http', 'ssl', 'files']) assertNeverThrows(zeekMapper, first(n));
});
