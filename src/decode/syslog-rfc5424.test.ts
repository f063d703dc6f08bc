import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRfc5424, parseRfc5424 } from './syslog-rfc5424.js';
import type { DecodeResult } from './types.js';
import { fixtureLines } from '../../test/support/fixtures.js';

function fields(r: DecodeResult): Record<string, unknown> {
  if (!r.ok) assert.fail(`expected success, got ${r.error.code}: ${r.error.message}`);
  assert.equal(r.value.format, 'syslog-rfc5424');
  return r.value.fields;
}

function errorCode(r: DecodeResult): string {
  if (r.ok) assert.fail(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error.code;
}

test('RFC 5424 section 6.5 examples, with the BOM before MSG removed', () => {
  const [su, nil, sd, sdOnly] = fixtureLines('rfc', 'rfc5424-examples.log');
  assert.deepEqual(fields(decodeRfc5424(su!)), {
    syslog: { facility: 4, severity: 2, priority: 34, version: 1 },
    timestamp: '2003-10-11T22:14:15.003Z',
    hostname: 'mymachine.example.com',
    app_name: 'su',
    msgid: 'ID47',
    message: "'su root' failed for lonvick on /dev/pts/8",
  });
  // Microsecond fraction and a -07:00 offset.
  assert.deepEqual(fields(decodeRfc5424(nil!)), {
    syslog: { facility: 20, severity: 5, priority: 165, version: 1 },
    timestamp: '2003-08-24T12:14:15.000Z',
    hostname: '192.0.2.1',
    app_name: 'myproc',
    procid: '8710',
    message: "%% It's time to make the do-nuts.",
  });
  assert.deepEqual(fields(decodeRfc5424(sd!)), {
    syslog: { facility: 20, severity: 5, priority: 165, version: 1 },
    timestamp: '2003-10-11T22:14:15.003Z',
    hostname: 'mymachine.example.com',
    app_name: 'evntslog',
    msgid: 'ID47',
    structured_data: { 'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' } },
    message: 'An application event log entry...',
  });
  assert.deepEqual(fields(decodeRfc5424(sdOnly!)), {
    syslog: { facility: 20, severity: 5, priority: 165, version: 1 },
    timestamp: '2003-10-11T22:14:15.003Z',
    hostname: 'mymachine.example.com',
    app_name: 'evntslog',
    msgid: 'ID47',
    structured_data: {
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
      'examplePriority@32473': { class: 'high' },
    },
  });
});

test('SD-PARAM escapes \\] \\" \\\\ and NILVALUE timestamp (tenzir samples)', () => {
  const lines = fixtureLines('tenzir', 'syslog.log');
  assert.deepEqual(fields(decodeRfc5424(lines[0]!)).structured_data, {
    'exampleSDID@32473': { iut: '3', eventSource: 'App]lication', eventID: '1011' },
  });
  assert.deepEqual(fields(decodeRfc5424(lines[2]!)), {
    syslog: { facility: 20, severity: 5, priority: 165, version: 8 },
    hostname: '192.0.2.1',
    app_name: 'myproc',
    procid: '8710',
    message: "%% It's time to make the do-nuts.",
  });
  assert.deepEqual(fields(decodeRfc5424(lines[3]!)).structured_data, {
    'exampleSDID@32473': { iut: '4', eventSource: 'Applic"ation', eventID: '1011' },
  });
  assert.deepEqual(fields(decodeRfc5424(lines[4]!)).structured_data, {
    'exampleSDID@32473': { iut: '5', eventSource: 'Applic\\ation', eventID: '1011' },
    'examplePriority@32473': { class: 'high' },
  });
  // A real rsyslog line: NILVALUE SD, extra spaces kept in MSG, offset +01:00.
  assert.deepEqual(fields(decodeRfc5424(lines[9]!)), {
    syslog: { facility: 3, severity: 6, priority: 30, version: 1 },
    timestamp: '2020-03-02T18:44:46.396Z',
    hostname: 'parallels-Parallels-Virtual-Platform',
    app_name: 'packagekitd',
    procid: '1370',
    message: ' PARENT process running...',
  });
});

test('RFC 5848 signature block parses as structured data (glossy messages)', () => {
  const line = fixtureLines('glossy', 'messages.log')[6]!;
  const f = fields(decodeRfc5424(line));
  assert.equal(f.timestamp, '2009-05-03T12:00:39.529Z');
  assert.deepEqual(Object.keys((f.structured_data as Record<string, Record<string, string>>).ssign!), ['VER', 'RSID', 'SG', 'SPRI', 'GBC', 'FMN', 'CNT', 'HB', 'SIGN']);
});

test('bad input: truncated headers, bad SD, bad stamps', () => {
  const cases: [string, string][] = [
    ['', 'decode.syslog-rfc5424.bad_pri'],
    ['2003-10-11T22:14:15.003Z host app - - -', 'decode.syslog-rfc5424.bad_pri'],
    ['<34> 2003-10-11T22:14:15.003Z host', 'decode.syslog-rfc5424.bad_version'],
    ['<34>1 2003-10-11T22:14:15.003Z', 'decode.syslog-rfc5424.truncated'],
    ['<34>1 2003-10-11T22:14:15.003Z host', 'decode.syslog-rfc5424.truncated'],
    ['<34>1 2003-10-11T22:14:15.003Z host app 12 ID47', 'decode.syslog-rfc5424.truncated'],
    ['<34>1 2003-10-11T22:14:15.003Z host app 12 ID47 ', 'decode.syslog-rfc5424.truncated'],
    ['<34>1 2003-13-11T22:14:15.003Z host app - - -', 'decode.syslog-rfc5424.bad_timestamp'],
    ['<34>1 2003-10-11 22:14:15 host app - - -', 'decode.syslog-rfc5424.bad_timestamp'],
    ['<34>1 2003-10-11T22:14:15.003 host app - - -', 'decode.syslog-rfc5424.bad_timestamp'],
    ['<34>1 2003-10-11T22:14:15.003Z host app - - [id a="1"', 'decode.syslog-rfc5424.bad_structured_data'],
    ['<34>1 2003-10-11T22:14:15.003Z host app - - [id a="1]', 'decode.syslog-rfc5424.bad_structured_data'],
    ['<34>1 2003-10-11T22:14:15.003Z host app - - [id a=1]', 'decode.syslog-rfc5424.bad_structured_data'],
    ['<34>1 2003-10-11T22:14:15.003Z host app - - [ id a="1"]', 'decode.syslog-rfc5424.bad_structured_data'],
    ['<34>1 2003-10-11T22:14:15.003Z host app - - x', 'decode.syslog-rfc5424.bad_structured_data'],
    ['<34>1 2003-10-11T22:14:15.003Z host app - - [id a="1"]x', 'decode.syslog-rfc5424.bad_structured_data'],
  ];
  for (const [input, code] of cases) assert.equal(errorCode(decodeRfc5424(input)), code, input);
});

test('RFC 6.3.5 example 3: a space between SD elements makes the second one MSG', () => {
  const f = fields(decodeRfc5424('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] [examplePriority@32473 class="high"]'));
  assert.deepEqual(f.structured_data, { 'exampleSDID@32473': { iut: '3' } });
  assert.equal(f.message, '[examplePriority@32473 class="high"]');
});

test('unknown backslash escapes in SD values stay as written; invalid UTF-8 is replaced', () => {
  assert.deepEqual(fields(decodeRfc5424('<34>1 - h a - - [x p="C:\\dir\\n"]')).structured_data, { x: { p: 'C:\\dir\\n' } });
  const bytes = Buffer.concat([Buffer.from('<34>1 - h a - - - '), Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xfe, 0x62])]);
  assert.equal(fields(decodeRfc5424(bytes)).message, 'a\ufffdb');
});

test('lenient structured data: SD that opens with [ but is not RFC 5424 becomes the MSG; the header must still be valid', () => {
  const cases: [string, string][] = [
    ['<34>1 2003-10-11T22:14:15.003Z host app - - [id a="1"', '[id a="1"'],
    ['<34>1 2003-10-11T22:14:15.003Z host app - - [ id a="1"]', '[ id a="1"]'],
    ['<34>1 2003-10-11T22:14:15.003Z host app - - [id a="1"]x', '[id a="1"]x'],
    ['<134>1 2020-03-29T13:19:20Z gw CheckPoint 1930 - [flags:"133440"; origin:"192.168.1.100"]', '[flags:"133440"; origin:"192.168.1.100"]'],
  ];
  for (const [input, message] of cases) {
    const r = parseRfc5424(input, { lenientStructuredData: true });
    assert.ok(r.ok, input);
    assert.equal(r.parts.message, message);
    assert.equal(r.parts.structured_data, undefined);
    assert.equal(r.parts.app_name !== undefined, true);
    // The strict default is unchanged.
    assert.equal(parseRfc5424(input).ok, false);
  }
  // Valid SD still parses as SD, and SD that is neither - nor [ is still an error.
  const ok = parseRfc5424('<34>1 2003-10-11T22:14:15.003Z host app - - [id a="1"] hi', { lenientStructuredData: true });
  assert.ok(ok.ok);
  assert.deepEqual(ok.parts.structured_data, { id: { a: '1' } });
  assert.equal(ok.parts.message, 'hi');
  const x = parseRfc5424('<34>1 2003-10-11T22:14:15.003Z host app - - x', { lenientStructuredData: true });
  assert.equal(x.ok, false);
  assert.equal(parseRfc5424('<34>1 2003-13-11T22:14:15.003Z host app - - [a:"b"]', { lenientStructuredData: true }).ok, false);
});
