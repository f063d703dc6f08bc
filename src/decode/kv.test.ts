import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKv } from './kv.js';
import type { DecodeResult } from './types.js';
import { fixtureLines } from '../../test/support/fixtures.js';

function fields(r: DecodeResult): Record<string, unknown> {
  if (!r.ok) assert.fail(`expected success, got ${r.error.code}: ${r.error.message}`);
  assert.equal(r.value.format, 'kv');
  return r.value.fields;
}

function errorCode(r: DecodeResult): string {
  if (r.ok) assert.fail(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error.code;
}

const lines = fixtureLines('elastic-integrations', 'fortinet_fortigate-test-fortinet-7-4.log');

test('FortiGate traffic log (elastic/integrations fortinet_fortigate)', () => {
  assert.deepEqual(fields(decodeKv(lines[1]!)), {
    kv: {
      date: '2019-05-10', time: '11:50:48', logid: '0001000014', type: 'traffic', subtype: 'local', level: 'notice',
      vd: 'vdom1', eventtime: '1557514248379911176', srcip: '172.16.200.254', srcport: '62024', srcintf: 'port11',
      srcintfrole: 'undefined', dstip: '172.16.200.2', dstport: '443', dstintf: 'vdom1', dstintfrole: 'undefined',
      sessionid: '107478', proto: '6', action: 'server-rst', policyid: '0', policytype: 'local-in-policy',
      service: 'HTTPS', dstcountry: 'Reserved', srccountry: 'Reserved', trandisp: 'noop', app: 'Web Management(HTTPS)',
      duration: '5', sentbyte: '1247', rcvdbyte: '1719', sentpkt: '5', rcvdpkt: '6', appcat: 'unscanned',
    },
  });
});

test('runs of spaces between pairs, quotes with apostrophes, an unterminated quote at the end', () => {
  const kv = (i: number) => fields(decodeKv(lines[i]!)).kv as Record<string, string>;
  assert.deepEqual(kv(6), {
    date: '2019-02-20', time: '09:57:22', logid: '0111046400', type: 'event', subtype: 'fortiextender', level: 'notice',
    vd: 'root', eventtime: '1550685442', logdesc: 'FortiExtender system activity', action: 'FortiExtender Authorized',
    msg: 'ext SN:FX04DN4N16002352 authorized',
  });
  assert.equal(kv(7).msg, 'FX04DN4N16002352 STATE: sim with imsi:302720502331361 in slot:2 on carrier:Rogers connecting');
  assert.equal(kv(8).reason, "sim-switch can't take effect due to unavailability of 2 sim cards");
});

test('FortiGate after a bare PRI keeps the syslog header', () => {
  const f = fields(decodeKv(`<189>${lines[0]!}`));
  assert.deepEqual(f.syslog, { facility: 23, severity: 5, priority: 189, timestamp: '2019-05-10T11:37:47.000Z' });
  assert.equal((f.kv as Record<string, string>).utmref, '65500-742');
});

test('single quotes, escapes inside quotes, bare words continuing a value', () => {
  assert.deepEqual(fields(decodeKv(`a='x y' b="say \\"hi\\" \\\\ ok" c=disk full d=\\q`)).kv, {
    a: 'x y', b: 'say "hi" \\ ok', c: 'disk full', d: '\\q',
  });
});

test('bad input: no pairs, text before the first pair', () => {
  assert.equal(errorCode(decodeKv('')), 'decode.kv.no_pairs');
  assert.equal(errorCode(decodeKv('hello world')), 'decode.kv.no_pairs');
  assert.equal(errorCode(decodeKv('=value')), 'decode.kv.no_pairs');
  assert.equal(errorCode(decodeKv('<34>Oct 11 22:14:15 host su: failed')), 'decode.kv.no_pairs');
});

test('keys named after Object.prototype members are fields like any other', () => {
  const r = decodeKv('__proto__=x constructor=y toString=z a=b continued');
  assert.ok(r.ok);
  if (!r.ok) return;
  const kv = r.value.fields.kv as Record<string, string>;
  assert.deepEqual(Object.keys(kv), ['__proto__', 'constructor', 'toString', 'a']);
  assert.equal(Object.getPrototypeOf(kv), Object.prototype);
  assert.deepEqual([kv['__proto__'], kv['constructor'], kv['toString'], kv['a']], ['x', 'y', 'z', 'b continued']);
});
