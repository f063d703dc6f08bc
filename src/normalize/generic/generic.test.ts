import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { genericMapper } from './index.js';
import { assertNeverThrows, at, CTX, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { fixtureDir } from '../../../test/support/fixture-catalog.js';
import { decodeOk } from '../../../test/support/real-decode.js';

const cef = (line: string) => decodeOk(line);
const leef = (line: string) => decodeOk(line);
const kvLine = (line: string) => decodeOk(line);
const jsonLine = (line: string) => decodeOk(line);

const dir = fixtureDir('generic');
const cefLines = readFileSync(join(dir, 'cef.log'), 'utf8').trim().split('\n');
const leefLine = readFileSync(join(dir, 'leef.log'), 'utf8').trim();

test('generic: CEF keeps every extension under the vendor namespace and maps the obvious fields', () => {
  const e = mapOk(genericMapper, cef(cefLines[1] as string));
  assert.equal(at(e, 'source.ip'), '89.160.20.156');
  assert.equal(at(e, 'source.port'), 33876);
  assert.equal(at(e, 'destination.port'), 443);
  assert.equal(at(e, 'user.name'), 'bob');
  assert.equal(at(e, 'event.code'), '18');
  assert.equal(at(e, 'observer.vendor'), 'Elastic');
  assert.equal(at(e, '@timestamp'), CTX.receivedAt.toISOString());
  const vendor = e.elastic as Record<string, unknown>;
  assert.equal(vendor.destinationTranslatedAddress, '10.10.10.10');
  assert.equal(vendor.oldFileHash, 'a9796280592f86b74b27e370662d41eb');
  assert.deepEqual(vendor.cef, { version: '0', device_vendor: 'Elastic', device_product: 'Vaporware', device_version: '1.0.0-alpha', signature_id: '18', name: 'Authentication', severity: 'low' });
  assert.equal(at(e, 'event.severity'), 2);
});

test('generic: LEEF 2.0 with a custom delimiter', () => {
  const e = mapOk(genericMapper, leef(leefLine));
  assert.equal(at(e, 'source.ip'), '192.0.2.0');
  assert.equal(at(e, 'destination.ip'), '172.50.123.1');
  assert.equal(at(e, 'source.port'), 81);
  assert.equal(at(e, 'destination.port'), 21);
  assert.equal(at(e, 'user.name'), 'joe.black');
  assert.equal(at(e, 'event.severity'), 5);
  assert.equal((e.lancope as Record<string, unknown>).cat, 'anomaly');
  // The line came behind an RFC 3164 header: its time is the event time (the LEEF carries none), its fields are kept.
  assert.equal(at(e, '@timestamp'), '2024-04-19T10:29:53.000Z');
  assert.equal(at(e, 'event.created'), undefined);
  assert.deepEqual(at(e, 'log.syslog'), { priority: 111, facility: { code: 13 }, severity: { code: 7 }, hostname: '3.3.3.3' });
});

test('generic: small flat records go to labels, nested ones to a namespace named for the source', () => {
  const kv = mapOk(genericMapper, kvLine('date=2020-04-23 time=01:16:08 srcip=10.10.10.10 dstip=67.43.156.13 action="deny" user="alice"'));
  assert.equal(at(kv, 'source.ip'), '10.10.10.10');
  assert.equal(at(kv, 'user.name'), 'alice');
  assert.equal((kv as Record<string, unknown>).kv, undefined);
  assert.equal(at(kv, 'event.action'), 'deny');
  assert.equal(at(kv, 'event.outcome'), undefined);
  assert.equal((kv.labels as Record<string, string>).dstip, '67.43.156.13');
  const nested = mapOk(genericMapper, jsonLine('{"timestamp":"2018-07-05T15:51:23.009510-0400","event_type":"stats","stats":{"uptime":5400}}'), { ...CTX, sourceId: 'file:/var/log/ids/eve.json' });
  assert.equal(at(nested, '@timestamp'), '2018-07-05T19:51:23.009Z');
  assert.deepEqual((nested as Record<string, unknown>).file_var_log_ids_eve_json, { timestamp: '2018-07-05T15:51:23.009510-0400', event_type: 'stats', stats: { uptime: 5400 } });
});

test('generic: bad input is a specific failure', () => {
  expectFail(genericMapper, { format: 'syslog-rfc3164', fields: { message: 'x' } }, 'normalize.generic.unsupported_format');
  expectFail(genericMapper, { format: 'cef', fields: { extensions: {} } }, 'normalize.generic.missing_cef_header');
  expectFail(genericMapper, { format: 'cef', fields: { cef: { device_vendor: 'x' } } }, 'normalize.generic.missing_cef_header');
  expectFail(genericMapper, { format: 'leef', fields: { attributes: {} } }, 'normalize.generic.missing_leef_header');
  expectFail(genericMapper, { format: 'json', fields: {} }, 'normalize.generic.empty_record');
  expectFail(genericMapper, { format: 'kv', fields: { src: '1.2.3.4' } }, 'normalize.generic.missing_pairs');
  expectFail(genericMapper, { format: 'kv', fields: { kv: {} } }, 'normalize.generic.empty_record');
  expectFail(genericMapper, decodeOk('1157689312.049   5006 10.105.21.199 TCP_MISS/200'), 'normalize.generic.unsupported_format');
  assertNeverThrows(genericMapper, cef(cefLines[0] as string));
  assertNeverThrows(genericMapper, leef(leefLine));
  assertNeverThrows(genericMapper, kvLine('<189>date=2020-04-23 time=01:16:08 srcip=10.10.10.10 user="alice"'));
  assertNeverThrows(genericMapper, jsonLine('{"src_ip":"1.2.3.4","user":"a","time":1700000000}'));
});

test('generic: CEF and LEEF as Weft\'s own decoders produce them (header nested, syslog envelope) map the same way', async () => {
  const { decodeRecord } = await import('../../decode/detect.js');
  // The real Check Point Log Exporter line of test/fixtures/elastic-beats/cef-checkpoint.log behind a syslog header.
  const cpLine = readFileSync(join(fixtureDir('elastic-beats'), 'cef-checkpoint.log'), 'utf8').split('\n')[0] as string;
  const r = decodeRecord(`<134>Nov 26 22:17:32 gw-hostname ${cpLine}`);
  assert.ok(r.ok);
  const e = mapOk(genericMapper, r.value);
  assert.equal(at(e, 'observer.vendor'), 'Check Point');
  assert.equal(at(e, 'observer.product'), 'VPN-1 & FireWall-1');
  assert.equal(at(e, 'event.code'), 'Log');
  assert.equal(at(e, 'event.action'), 'Accept');
  assert.equal(at(e, 'source.ip'), '192.168.101.100');
  assert.equal(at(e, 'destination.ip'), '52.173.84.157');
  assert.equal(at(e, 'destination.port'), 443);
  assert.equal(at(e, '@timestamp'), '2018-11-26T22:17:32.000Z');
  assert.equal(at(e, 'check_point.layer_name'), 'Network');
  assert.equal(at(e, 'check_point.cef.device_vendor'), 'Check Point');
  assert.equal(at(e, 'check_point.extensions'), undefined);

  const l = decodeRecord(leefLine);
  assert.ok(l.ok);
  const le = mapOk(genericMapper, l.value);
  assert.equal(at(le, 'observer.vendor'), 'Lancope');
  assert.equal(at(le, 'source.ip'), '192.0.2.0');
  assert.equal(at(le, 'lancope.usrName'), 'joe.black');
  assert.equal(at(le, 'lancope.leef.attributes'), undefined);
});

test('generic: CEF and LEEF keys named like Object.prototype members stay own keys of the vendor namespace, in order', () => {
  const e = mapOk(genericMapper, cef('CEF:0|Acme|Gate|1.0|7|Blocked|5|__proto__=x constructor=y src=10.0.0.1 cef=own'));
  assert.equal(Object.getPrototypeOf(e.acme), Object.prototype);
  assert.equal(JSON.stringify(e.acme), '{"cef":"own","__proto__":"x","constructor":"y","src":"10.0.0.1"}');
  const l = mapOk(genericMapper, leef('LEEF:2.0|Acme|Gate|1.0|7|^|__proto__=x^src=10.0.0.2'));
  assert.deepEqual(Object.keys(l.acme as object), ['leef', '__proto__', 'src']);
  assert.equal((l.acme as Record<string, unknown>).src, '10.0.0.2');
});
