import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLeef } from './leef.js';
import type { DecodeResult } from './types.js';
import { fixtureLines } from '../../test/support/fixtures.js';

function fields(r: DecodeResult): Record<string, unknown> {
  if (!r.ok) assert.fail(`expected success, got ${r.error.code}: ${r.error.message}`);
  assert.equal(r.value.format, 'leef');
  return r.value.fields;
}

function errorCode(r: DecodeResult): string {
  if (r.ok) assert.fail(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error.code;
}

const jan = { receivedAt: new Date('2026-02-01T00:00:00Z') };

test('LEEF 1.0 (tab) and 2.0 (caret) examples from the IBM guide, bare', () => {
  const [v1, v2] = fixtureLines('tenzir', 'leef-docs.leef');
  assert.deepEqual(fields(decodeLeef(v1!)), {
    leef: {
      version: '1.0', vendor: 'Microsoft', product: 'MSExchange', product_version: '2016', event_id: '15345',
      delimiter: '\t', attributes: { src: '10.50.1.1', dst: '2.10.20.20', spt: '1200' },
    },
  });
  assert.deepEqual(fields(decodeLeef(v2!)), {
    leef: {
      version: '2.0', vendor: 'Lancope', product: 'StealthWatch', product_version: '1.0', event_id: '41',
      delimiter: '^', attributes: { src: '10.0.1.8', dst: '10.0.0.5', sev: '5', srcPort: '81', dstPort: '21' },
    },
  });
});

test('LEEF after RFC 3164 and RFC 5424 headers (IBM guide)', () => {
  const [bsd, bsd2, ietf] = fixtureLines('ibm-leef', 'leef-guide.log');
  assert.deepEqual(fields(decodeLeef(bsd!, jan)), {
    leef: {
      version: '1.0', vendor: 'Microsoft', product: 'MSExchange', product_version: '4.0 SP1', event_id: '15345', delimiter: '\t',
      attributes: { src: '192.0.2.0', dst: '172.50.123.1', sev: '5', cat: 'anomaly', srcPort: '81', dstPort: '21', usrName: 'joe.black' },
    },
    syslog: { timestamp: '2026-01-18T11:07:53.000Z', hostname: 'host' },
  });
  assert.deepEqual(fields(decodeLeef(bsd2!, jan)).syslog, { timestamp: '2026-01-18T11:07:53.000Z', hostname: '192.168.1.1' });
  // The space in "4.0 SP1" must not be taken for RFC 5424 field separators.
  assert.deepEqual(fields(decodeLeef(ietf!)), {
    leef: {
      version: '1.0', vendor: 'Microsoft', product: 'MSExchange', product_version: '4.0 SP1', event_id: '15345', delimiter: '\t',
      attributes: { src: '192.0.2.0', dst: '172.50.123.1' },
    },
    syslog: { facility: 1, severity: 5, priority: 13, version: 1, timestamp: '2019-01-18T11:07:53.520Z', hostname: '192.168.1.1' },
  });
});

test('LEEF 2.0 delimiter spellings from the guide: ^, x5E, 0x09, xa6', () => {
  const attrs = (line: string) => (fields(decodeLeef(line)).leef as { delimiter: string; attributes: unknown });
  assert.deepEqual(attrs('LEEF:2.0|Vendor|Product|Version|EventID|x5E|a=1^b=2'), { ...attrs('LEEF:2.0|Vendor|Product|Version|EventID|^|a=1^b=2') });
  assert.equal(attrs('LEEF:2.0|Vendor|Product|Version|EventID|x5E|a=1^b=2').delimiter, '^');
  assert.deepEqual(attrs('LEEF:2.0|Vendor|Product|Version|EventID|0x09|a=1\tb=x y').attributes, { a: '1', b: 'x y' });
  assert.deepEqual(attrs('LEEF:2.0|Vendor|Product|Version|EventID|xa6|a=1\u00a6b=2').attributes, { a: '1', b: '2' });
  // An empty delimiter field means the default tab.
  assert.deepEqual(attrs('LEEF:2.0|Vendor|Product|Version|EventID||a=1\tb=2').attributes, { a: '1', b: '2' });
});

test('tabs relayed as spaces fall back to " key=" splitting; a stray delimiter is glued back', () => {
  assert.deepEqual((fields(decodeLeef('LEEF:1.0|V|P|1|E|src=1.2.3.4 msg=two words dst=5.6.7.8')).leef as { attributes: unknown }).attributes,
    { src: '1.2.3.4', msg: 'two words', dst: '5.6.7.8' });
  assert.deepEqual((fields(decodeLeef('LEEF:2.0|V|P|1|E|^|a=1^2^b=3')).leef as { attributes: unknown }).attributes, { a: '1^2', b: '3' });
});

test('bad input: missing header fields, bad version, bad delimiter, not LEEF', () => {
  const cases: [string, string][] = [
    ['LEEF:1.0|Microsoft|MSExchange|2016', 'decode.leef.bad_header'],
    ['LEEF:', 'decode.leef.bad_header'],
    ['LEEF:3.0|a|b|c|d|x=1', 'decode.leef.bad_version'],
    ['LEEF:2.0|a|b|c|d|xZZ|x=1', 'decode.leef.bad_delimiter'],
    ['LEEF:2.0|a|b|c|d|0x0|x=1', 'decode.leef.bad_delimiter'],
    ['LEEF:1.0|a|b|c|d|novalue\tx=1', 'decode.leef.bad_attribute'],
    ['CEF:0|a|b|c|d|e|f|x=1', 'decode.leef.not_leef'],
  ];
  for (const [input, code] of cases) assert.equal(errorCode(decodeLeef(input)), code, input);
});

test('attribute keys named after Object.prototype members stay plain string fields', () => {
  const r = decodeLeef('LEEF:1.0|V|P|1|1|__proto__=x\tconstructor=a\tb\tusrName=bob');
  assert.ok(r.ok);
  if (!r.ok) return;
  const attrs = (r.value.fields.leef as { attributes: Record<string, string> }).attributes;
  assert.deepEqual(Object.keys(attrs), ['__proto__', 'constructor', 'usrName']);
  assert.deepEqual([attrs['__proto__'], attrs['constructor'], attrs['usrName']], ['x', 'a\tb', 'bob']);
});
