import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCef, parseSpaceDelimitedPairs } from './cef.js';
import { rng } from '../../test/support/rng.js';
import type { DecodeResult } from './types.js';
import { fixtureLines } from '../../test/support/fixtures.js';

function fields(r: DecodeResult): Record<string, unknown> {
  if (!r.ok) assert.fail(`expected success, got ${r.error.code}: ${r.error.message}`);
  assert.equal(r.value.format, 'cef');
  return r.value.fields;
}

function errorCode(r: DecodeResult): string {
  if (r.ok) assert.fail(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error.code;
}

test('bare CEF with spaces in values and trailing padding (elastic/integrations cef)', () => {
  const lines = fixtureLines('elastic-integrations', 'cef-test-cef.log');
  assert.deepEqual(fields(decodeCef(lines[0]!)), {
    cef: {
      version: '0',
      device: { vendor: 'Elastic', product: 'Vaporware', version: '1.0.0-alpha', event_class_id: '18' },
      name: 'Web request',
      severity: 'low',
      extensions: {
        eventId: '3457', requestMethod: 'POST', slat: '38.915', slong: '-77.511', proto: 'TCP',
        sourceServiceName: 'httpd', requestContext: 'https://www.google.com', src: '89.160.20.156', spt: '33876',
        dst: '192.168.10.1', dpt: '443', request: 'https://www.example.com/cart',
      },
    },
  });
  assert.deepEqual((fields(decodeCef(lines[3]!)).cef as { extensions: unknown }).extensions, {
    message: 'This event is padded with whitespace', dst: '192.168.1.2', src: '192.168.3.4',
  });
});

test('escaped = in values, labels turned into named custom fields (Check Point via elastic/beats)', () => {
  const [first, second, third] = fixtureLines('elastic-beats', 'cef-checkpoint.log');
  const cef = fields(decodeCef(first!)).cef as Record<string, Record<string, string>>;
  assert.equal(cef.device!.product, 'VPN-1 & FireWall-1');
  assert.equal(cef.extensions!.originsicname, 'CN=R80,O=R80_M..6u6bdo');
  assert.equal(cef.extensions!.loguid, '{0x5bfc70fc,0x1,0xfe65a8c0,0xc0000001}');
  assert.equal(cef.extensions!.cs5, 'Business / Economy');
  // cs2Label without cs2 names nothing.
  assert.deepEqual(cef.custom, { 'Matched Category': 'Business / Economy', 'This field is made up': '1508150533713' });
  assert.deepEqual((fields(decodeCef(second!)).cef as Record<string, unknown>).custom, {
    'Email Control': 'SMTP Policy Restrictions', 'Subscription expiration': 'Apr 11 2020 10:42:13',
  });
  assert.deepEqual((fields(decodeCef(third!)).cef as Record<string, unknown>).custom, {
    'Source IPv6 Address': 'fd00::555', 'Destination IPv6 Address': '::1', 'Duration in Seconds': '5',
  });
});

test('odd keys, escaped backslashes, = inside URLs and JSON values (elastic/beats decode_cef samples)', () => {
  const lines = fixtureLines('elastic-beats', 'decode_cef-samples.log');
  const ext = (i: number) => (fields(decodeCef(lines[i]!)).cef as { extensions: Record<string, string> }).extensions;
  assert.deepEqual(ext(0), {
    src: '10.0.0.192', 'additional.dotfieldName': 'new_value', 'ad.Authentification': 'MICROSOFT_AUTHENTICATION_PACKAGE_V1_0',
    'ad.Error_,Code': '3221225578', dst: '12.121.122.82', 'ad.field[0]': 'field0', 'ad.foo.name[1]': 'new_name',
  });
  assert.equal(ext(2).filePath, 'C:\\Users\\trend\\Desktop\\eicar.exe');
  assert.equal(ext(2).cs6, 'ContainerImageName | ContainerName | ContainerID');
  assert.equal(ext(4).request, 'http://vpx247.example.net/FFC/login_post.html?abc=def');
  assert.equal(ext(5).msg, 'Transformed (xout) potential credit card numbers seen in server response');
  assert.equal(ext(6).rawEvent, '{"x": "y"}');
  assert.equal((fields(decodeCef(lines[6]!)).cef as { severity: string }).severity, 'very-high');
});

test('CEF after an RFC 3164 header (ArcSight CEF guide example) and after RFC 5424', () => {
  const bsd = 'Sep 19 08:26:10 host CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232';
  assert.deepEqual(fields(decodeCef(bsd, { receivedAt: new Date('2026-01-01T00:00:00Z') })), {
    cef: {
      version: '0',
      device: { vendor: 'Security', product: 'threatmanager', version: '1.0', event_class_id: '100' },
      name: 'worm successfully stopped',
      severity: '10',
      extensions: { src: '10.0.0.1', dst: '2.1.2.2', spt: '1232' },
    },
    syslog: { timestamp: '2025-09-19T08:26:10.000Z', hostname: 'host' },
  });
  const ietf = `<134>1 2020-03-02T19:37:57.819303+01:00 fw01 - - - - ${fixtureLines('elastic-beats', 'cef-fp-ngfw-smc.log')[0]!}`;
  const f = fields(decodeCef(ietf));
  assert.deepEqual(f.syslog, { facility: 16, severity: 6, priority: 134, version: 1, timestamp: '2020-03-02T18:37:57.819Z', hostname: 'fw01' });
  assert.equal((f.cef as { extensions: Record<string, string> }).extensions.rt, 'Jan 17 2020 08:52:10');
});

test('header escapes \\| and \\\\, extension escapes \\n \\r', () => {
  const f = fields(decodeCef('CEF:0|Ven\\|dor|Pro\\\\duct|1|2|Name with \\| pipe|5|msg=line1\\nline2\\rend path=C:\\\\x act=a\\=b'));
  const cef = f.cef as { device: { vendor: string; product: string }; name: string; extensions: Record<string, string> };
  assert.equal(cef.device.vendor, 'Ven|dor');
  assert.equal(cef.device.product, 'Pro\\duct');
  assert.equal(cef.name, 'Name with | pipe');
  assert.deepEqual(cef.extensions, { msg: 'line1\nline2\rend', path: 'C:\\x', act: 'a=b' });
});

test('bad input: missing header fields, bad version, stray extension text, not CEF', () => {
  const cases: [string, string][] = [
    ['CEF:0|Elastic|Vaporware|1.0.0-alpha|18|Web request', 'decode.cef.bad_header'],
    ['CEF:', 'decode.cef.bad_header'],
    ['CEF:0|a|b|c|d|e|f', 'decode.cef.bad_header'],
    ['CEF:zero|a|b|c|d|e|f|src=1', 'decode.cef.bad_version'],
    ['CEF:0|a|b|c|d|e|f|garbage before src=1', 'decode.cef.bad_extension'],
    ['CEF:0|a|b|c|d|e|f|no pairs at all', 'decode.cef.bad_extension'],
    ['{"cef": 0}', 'decode.cef.not_cef'],
    ['<34>Oct 11 22:14:15 host su: not cef', 'decode.cef.not_cef'],
  ];
  for (const [input, code] of cases) assert.equal(errorCode(decodeCef(input)), code, input);
});

test('lenient where real senders are sloppy: unknown escapes, trailing backslash, empty extension, huge value', () => {
  assert.deepEqual((fields(decodeCef('CEF:0|a|b|c|d|e|f|p=C:\\Windows\\q x=\\')).cef as { extensions: unknown }).extensions, { p: 'C:\\Windows\\q', x: '\\' });
  assert.deepEqual((fields(decodeCef('CEF:0|a|b|c|d|e|f|')).cef as { extensions: unknown }).extensions, {});
  const big = 'v'.repeat(1_000_000);
  assert.equal(((fields(decodeCef(`CEF:0|a|b|c|d|e|f|msg=${big} src=1`)).cef as { extensions: Record<string, string> }).extensions.msg)!.length, 1_000_000);
  const bytes = Buffer.concat([Buffer.from('CEF:0|a|b|c|d|e|f|msg='), Buffer.from([0xff, 0xfe]), Buffer.from(' src=1')]);
  assert.deepEqual((fields(decodeCef(bytes)).cef as { extensions: unknown }).extensions, { msg: '\ufffd\ufffd', src: '1' });
});

test('extension keys and custom labels named after Object.prototype members stay plain string fields', () => {
  const r = decodeCef('CEF:0|V|P|1|1|n|5|__proto__=x constructorLabel=ctor cs1Label=__proto__ cs1=val');
  assert.ok(r.ok);
  if (!r.ok) return;
  const cef = r.value.fields.cef as { extensions: Record<string, string>; custom?: Record<string, string> };
  assert.deepEqual(Object.keys(cef.extensions), ['__proto__', 'constructorLabel', 'cs1Label', 'cs1']);
  assert.equal(cef.extensions['__proto__'], 'x');
  // `constructorLabel` names no `constructor` extension: no custom field (not Object's constructor).
  assert.deepEqual(Object.keys(cef.custom ?? {}), ['__proto__']);
  assert.equal(cef.custom?.['__proto__'], 'val');
  assert.equal(Object.getPrototypeOf(cef.custom), Object.prototype);
});

/** The extension splitter as first written, one character at a time: the model the fast one must match. */
function modelPairs(ext: string): { pairs: Record<string, string>; strayAt: number } {
  const keyChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_.\-[\],]/.test(c);
  const pairs: Record<string, string> = {};
  let key: string | undefined;
  let valueStart = 0;
  let strayAt = -1;
  let first = 0;
  while (first < ext.length && ' \t\r\n'.includes(ext[first] as string)) first++;
  for (let i = first; i < ext.length; i++) {
    if (ext[i] === '\\') { i++; continue; }
    if (ext[i] !== '=') continue;
    let k = i;
    while (k > 0 && keyChar(ext[k - 1])) k--;
    if (k === i || (k > first && ext[k - 1] !== ' ' && ext[k - 1] !== '\t')) continue;
    if (key !== undefined) Object.defineProperty(pairs, key, { value: ext.slice(valueStart, k).trim(), enumerable: true, writable: true, configurable: true });
    else if (k > first) strayAt = first;
    key = ext.slice(k, i);
    valueStart = i + 1;
  }
  if (key !== undefined) Object.defineProperty(pairs, key, { value: ext.slice(valueStart).trim(), enumerable: true, writable: true, configurable: true });
  else if (first < ext.length) strayAt = first;
  return { pairs, strayAt };
}

test('CEF extension splitting matches the character-by-character model on 50,000 random strings of keys, = and backslashes', () => {
  const rand = rng(3);
  const parts = ['a', 'k', 'cs1Label', '=', '\\', '\\\\', ' ', '\t', '|', 'x.y', '-', '[', ']', ',', 'é'];
  for (let t = 0; t < 50_000; t++) {
    let s = '';
    for (let i = Math.floor(rand() * 24); i > 0; i--) s += parts[Math.floor(rand() * parts.length)];
    assert.deepEqual(parseSpaceDelimitedPairs(s, false), modelPairs(s), JSON.stringify(s));
  }
});
