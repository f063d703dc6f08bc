import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fortigateMapper } from './index.js';
import { at, assertNeverThrows, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { decodeOk } from '../../../test/support/real-decode.js';
import { fixtureDir } from '../../../test/support/fixture-catalog.js';

const raw = readFileSync(join(fixtureDir('fortigate'), 'log.log'), 'utf8').trim().split('\n');
const utm = decodeOk(raw[0] as string);
const pairs = utm.fields.kv as Record<string, string>;

test('fortigate: the kv decoder gives the pairs under kv and the PRI under syslog', () => {
  assert.equal(utm.format, 'kv');
  assert.equal(pairs.logid, '0316013056');
  // The RFC 3164 decoder reads FortiGate's date=/time=/tz= into the header time.
  assert.deepEqual(utm.fields.syslog, { facility: 23, severity: 4, priority: 188, timestamp: '2020-04-23T17:17:48.000Z' });
  const e = mapOk(fortigateMapper, utm);
  assert.equal(at(e, '@timestamp'), '2020-04-23T17:17:48.000Z');
  assert.equal(at(e, 'user.name'), 'elasticuser');
  assert.equal(at(e, 'log.syslog.priority'), 188);
  assert.equal(at(e, 'fortinet.firewall.vd'), 'root');
});

test('fortigate: the same pairs behind a syslog header with a program tag map the same way', () => {
  const viaKv = mapOk(fortigateMapper, utm);
  const tagged = decodeOk(`<188>Apr 23 12:17:48 fw01 fortigate: ${(raw[0] as string).replace(/^<\d+>/, '')}`);
  assert.equal(tagged.format, 'syslog-rfc3164');
  assert.ok(fortigateMapper.detect(tagged));
  assert.deepEqual(mapOk(fortigateMapper, tagged), viaKv);
});

test('fortigate: bad input is a specific failure', () => {
  expectFail(fortigateMapper, decodeOk('a=1 b=2'), 'normalize.fortigate.not_fortigate');
  expectFail(fortigateMapper, { format: 'kv', fields: { logid: '1', devid: 'x' } }, 'normalize.fortigate.not_fortigate');
  expectFail(fortigateMapper, { format: 'kv', fields: { kv: { ...pairs, date: undefined } } }, 'normalize.fortigate.missing_time');
  expectFail(fortigateMapper, { format: 'kv', fields: { kv: { ...pairs, date: '2020-13-45' } } }, 'normalize.fortigate.bad_timestamp');
  assert.equal(fortigateMapper.detect({ format: 'json', fields: { kv: pairs } }), false);
  assertNeverThrows(fortigateMapper, utm);
  assertNeverThrows(fortigateMapper, { format: 'kv', fields: pairs });
});

test('fortigate: a pair named like an Object.prototype member stays an own key of fortinet.firewall', () => {
  const e = mapOk(fortigateMapper, decodeOk(`${raw[0] as string} __proto__="x" constructor="y"`));
  const fw = (e.fortinet as Record<string, Record<string, unknown>>).firewall as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(fw), Object.prototype);
  assert.equal(Object.hasOwn(fw, '__proto__') && fw['__proto__'], 'x');
  assert.equal(fw.constructor, 'y');
});
