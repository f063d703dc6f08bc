import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRecord, decodeRecords, detectFormat, sniffFormat } from './detect.js';
import type { DeclaredFormat, DecodeResult } from './types.js';
import { fixtureLines, fixtureText } from '../../test/support/fixtures.js';
import { encodeLogsRequest } from '../../test/support/otlp-encode.js';

const opts = { receivedAt: new Date('2026-01-05T00:00:00Z') };

function format(r: DecodeResult): string {
  return r.ok ? r.value.format : r.error.code;
}

test('auto detection picks the format per record', () => {
  const cases: [string, string][] = [
    [fixtureLines('rfc', 'rfc5424-examples.log')[2]!, 'syslog-rfc5424'],
    [fixtureLines('rfc', 'rfc3164-examples.log')[0]!, 'syslog-rfc3164'],
    [fixtureLines('elastic-integrations', 'cisco_asa-test-sample.log')[0]!, 'syslog-rfc3164'],
    [fixtureLines('elastic-integrations', 'cef-test-cef.log')[0]!, 'cef'],
    [fixtureLines('ibm-leef', 'leef-guide.log')[0]!, 'leef'],
    [fixtureLines('ibm-leef', 'leef-guide.log')[2]!, 'leef'],
    [fixtureLines('tenzir', 'leef-docs.leef')[1]!, 'leef'],
    [fixtureLines('elastic-integrations', 'fortinet_fortigate-test-fortinet-7-4.log')[0]!, 'kv'],
    [`<189>${fixtureLines('elastic-integrations', 'fortinet_fortigate-test-fortinet-7-4.log')[0]!}`, 'kv'],
    [fixtureLines('elastic-integrations', 'windows-powershell_operational-event.ndjson')[0]!, 'winlogbeat-json'],
    ['{"Event":{"System":{"EventID":4624}}}', 'evtx-json'],
    ['{"a":1}', 'json'],
    [fixtureText('opentelemetry-proto', 'logs.json'), 'otlp-json'],
    ['2019-06-14T10:40:20.912134 localhost sudo: session opened', 'syslog-rfc3164'],
  ];
  for (const [text, want] of cases) {
    const results = decodeRecords(text, 'auto', opts);
    assert.equal(results.length, 1, text);
    assert.equal(format(results[0]!), want, text);
    assert.equal(detectFormat(text, opts), want, text);
  }
  // A syslog line whose message merely starts with key=value after a program tag stays syslog.
  assert.equal(format(decodeRecord('<34>Oct 11 22:14:15 host app[1]: user=bob action=login', 'auto', opts)), 'syslog-rfc3164');
});

test('a line no structured decoder recognizes is a text record; bytes that are not text are unrecognized', () => {
  const squid = fixtureLines('squid', 'access.log')[0]!;
  const hello = decodeRecord('hello world', 'auto');
  assert.deepEqual(hello, { ok: true, value: { format: 'text', fields: { message: 'hello world' } } });
  assert.equal(sniffFormat('hello world'), 'unknown');
  assert.equal(detectFormat('hello world'), 'text');
  assert.deepEqual(decodeRecord(`  ${squid}\r\n`, 'auto'), { ok: true, value: { format: 'text', fields: { message: squid } } });
  assert.equal(detectFormat(squid), 'text');
  for (const bad of ['', '   ', '\u0000\u0001 binary garbage', 'abc\u007fdef', Buffer.from([0x41, 0xff, 0xfe, 0x42])]) {
    const r = decodeRecord(bad, 'auto');
    assert.equal(format(r), 'decode.record.unrecognized', JSON.stringify(bad));
    if (!r.ok) assert.ok(r.error.message.length > 0);
    if (typeof bad === 'string') assert.equal(detectFormat(bad), 'unknown');
  }
  assert.match((decodeRecord('ab\u0007cd') as { error: { message: string } }).error.message, /control character U\+0007 at offset 2/);
});

test('auditd lines are text records, not key=value: msg repeats and the first holds the record time', () => {
  const lines = fixtureLines('linux', 'auditd.log');
  for (const l of lines) {
    assert.equal(sniffFormat(l), 'text', l);
    assert.deepEqual(decodeRecord(l, 'auto'), { ok: true, value: { format: 'text', fields: { message: l } } });
  }
  // With the node= prefix that audispd adds, and inside syslog without a program tag: kept whole too.
  assert.equal(format(decodeRecord(`node=web01 ${lines[0]!}`)), 'text');
  const wrapped = decodeRecord(`<14>Dec  7 02:16:32 web01 ${lines[0]!}`, 'auto', opts);
  assert.ok(wrapped.ok);
  assert.equal(wrapped.value.format, 'syslog-rfc3164');
  assert.equal(wrapped.value.fields.message, lines[0]);
  // Not auditd: a key=value line whose type= is not followed by msg=audit( stays key=value.
  assert.equal(format(decodeRecord('type=USER_LOGIN msg=hello a=1')), 'kv');
  // Declared key=value, an auditd line is decoded as such (the later msg wins: the caller asked for it).
  const kv = decodeRecord(lines[0]!, 'kv');
  assert.ok(kv.ok);
  assert.equal(kv.value.format, 'kv');
  assert.equal((kv.value.fields.kv as Record<string, string>).type, 'USER_CMD');
});

test('declared text keeps any printable line whole', () => {
  const cef = fixtureLines('elastic-integrations', 'cef-test-cef.log')[0]!;
  assert.deepEqual(decodeRecord(cef, 'text'), { ok: true, value: { format: 'text', fields: { message: cef } } });
  assert.equal(format(decodeRecord('', 'text')), 'decode.text.empty');
  assert.equal(format(decodeRecord('a\u0000b', 'text')), 'decode.text.not_text');
  assert.equal(format(decodeRecord(`${'x'.repeat(2000)}`, 'text', { maxRecordBytes: 1000 })), 'decode.text.oversized');
});

test('Check Point puts [key:"value"; ...] where RFC 5424 SD goes: kept as the message unless RFC 5424 is declared', () => {
  const cp = fixtureLines('checkpoint', 'firewall.log')[0]!;
  const r = decodeRecord(cp, 'auto');
  assert.ok(r.ok);
  assert.equal(r.value.format, 'syslog-rfc5424');
  assert.deepEqual({ ...r.value.fields, message: undefined }, {
    syslog: { facility: 16, severity: 6, priority: 134, version: 1 }, timestamp: '2020-03-29T13:19:20.000Z',
    hostname: 'gw-da58d3', app_name: 'CheckPoint', procid: '1930', message: undefined,
  });
  assert.equal(r.value.fields.message, cp.slice(cp.indexOf('[flags:')));
  assert.equal(format(decodeRecord(cp, 'syslog')), 'syslog-rfc5424');
  assert.equal(detectFormat(cp), 'syslog-rfc5424');
  // Declared RFC 5424, the structured data must be RFC 5424's.
  const strict = decodeRecord(cp, 'syslog-rfc5424');
  assert.equal(format(strict), 'decode.syslog-rfc5424.bad_structured_data');
  // A broken header is still an error, whatever follows it.
  assert.equal(format(decodeRecord(cp.replace('2020-03-29T13:19:20Z', '2020-03-29 13:19'), 'auto')), 'decode.syslog-rfc5424.bad_timestamp');
});

test('a declared format that does not match is format_mismatch', () => {
  const cef = fixtureLines('elastic-integrations', 'cef-test-cef.log')[0]!;
  const json = '{"a":1}';
  const bsd = fixtureLines('rfc', 'rfc3164-examples.log')[0]!;
  const ietf = fixtureLines('rfc', 'rfc5424-examples.log')[0]!;
  const cases: [string, DeclaredFormat, string][] = [
    [json, 'cef', 'decode.cef.format_mismatch'],
    [cef, 'json', 'decode.json.format_mismatch'],
    [cef, 'ndjson', 'decode.ndjson.format_mismatch'],
    [ietf, 'syslog-rfc3164', 'decode.syslog-rfc3164.format_mismatch'],
    [bsd, 'syslog-rfc5424', 'decode.syslog-rfc5424.format_mismatch'],
    [json, 'syslog', 'decode.syslog.format_mismatch'],
    [cef, 'leef', 'decode.leef.format_mismatch'],
    [bsd, 'cef', 'decode.cef.format_mismatch'],
    [json, 'evtx-json', 'decode.evtx-json.format_mismatch'],
    ['{"Event":{"System":{}}}', 'winlogbeat-json', 'decode.winlogbeat-json.format_mismatch'],
    [bsd, 'otlp-json', 'decode.otlp-json.format_mismatch'],
    ['hello', 'kv', 'decode.kv.format_mismatch'],
  ];
  for (const [text, declared, code] of cases) assert.equal(format(decodeRecord(text, declared, opts)), code, `${declared}: ${text}`);
});

test('declared formats that match decode as declared, syslog-wrapped payloads included', () => {
  const leef = fixtureLines('ibm-leef', 'leef-guide.log')[0]!;
  assert.equal(format(decodeRecord(leef, 'leef', opts)), 'leef');
  assert.equal(format(decodeRecord(leef, 'syslog', opts)), 'leef');
  assert.equal(format(decodeRecord(leef, 'syslog-rfc3164', opts)), 'leef');
  assert.equal(format(decodeRecord('{"Event":{"System":{}}}', 'json')), 'evtx-json');
  assert.equal(format(decodeRecord('{"Event":{"System":{}}}', 'evtx-json')), 'evtx-json');
  const bytes = encodeLogsRequest(JSON.parse(fixtureText('opentelemetry-proto', 'logs.json')) as Record<string, unknown>);
  assert.equal(format(decodeRecord(bytes, 'otlp-protobuf')), 'otlp-protobuf');
  assert.equal(format(decodeRecord(fixtureText('opentelemetry-proto', 'logs.json'), 'otlp-json')), 'otlp-json');
  // A CEF payload with a broken header inside syslog reports the CEF problem.
  assert.equal(format(decodeRecord('<34>Oct 11 22:14:15 host CEF:0|a|b', 'auto', opts)), 'decode.cef.bad_header');
});

test('oversized records are refused without parsing', () => {
  const big = `{"a":"${'x'.repeat(2000)}"}`;
  assert.equal(format(decodeRecord(big, 'auto', { maxRecordBytes: 1000 })), 'decode.record.oversized');
  assert.equal(format(decodeRecord(big, 'json', { maxRecordBytes: 1000 })), 'decode.json.oversized');
  assert.equal(format(decodeRecord(Buffer.from(big), 'json', { maxRecordBytes: 1000 })), 'decode.json.oversized');
  // Multi-byte text: 400 characters of 3 bytes each is 1200 bytes.
  assert.equal(format(decodeRecord(`{"a":"${'€'.repeat(400)}"}`, 'json', { maxRecordBytes: 1000 })), 'decode.json.oversized');
  assert.equal(format(decodeRecord(`{"a":"${'€'.repeat(300)}"}`, 'json', { maxRecordBytes: 1000 })), 'json');
  // Default limit is 1 MiB.
  assert.equal(format(decodeRecord(`CEF:0|a|b|c|d|e|f|msg=${'y'.repeat(1024 * 1024)}`)), 'decode.record.oversized');
});

test('JSON arrays and OTLP requests give several results through decodeRecords', () => {
  assert.deepEqual(decodeRecords('[{"a":1},{"b":2}]').map(format), ['json', 'json']);
  assert.equal(format(decodeRecord('[{"a":1},{"b":2}]')), 'decode.record.multiple_records');
});
