import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOtlpJson, splitOtlpJson } from './otlp.js';
import { decodeOtlpProtobuf, splitOtlpProtobuf } from './otlp-protobuf.js';
import type { DecodeResult } from './types.js';
import { fixtureText } from '../../test/support/fixtures.js';
import { encodeLogsRequest } from '../../test/support/otlp-encode.js';

const exampleJson = fixtureText('opentelemetry-proto', 'logs.json');

const expected = {
  timestamp: '2018-12-13T14:51:00.300Z',
  time_unix_nano: '1544712660300000000',
  observed_timestamp: '2018-12-13T14:51:00.300Z',
  observed_time_unix_nano: '1544712660300000000',
  severity_text: 'Information',
  body: 'Example log record',
  trace_id: '5b8efff798038103d269b633813fc60c',
  span_id: 'eee19b7ec3c1b174',
  attributes: {
    'string.attribute': 'some string',
    'boolean.attribute': true,
    'int.attribute': 10,
    'double.attribute': 637.704,
    'array.attribute': ['many', 'values'],
    'map.attribute': { 'some.map.key': 'some value' },
  },
  resource: { attributes: { 'service.name': 'my.service' } },
  scope: { name: 'my.library', version: '1.0.0', attributes: { 'my.scope.attribute': 'some scope attribute' } },
};

function only(results: DecodeResult[], format: string): Record<string, unknown> {
  assert.equal(results.length, 1);
  const r = results[0]!;
  if (!r.ok) assert.fail(`expected success, got ${r.error.code}: ${r.error.message}`);
  assert.equal(r.value.format, format);
  return r.value.fields;
}

function errorCode(results: DecodeResult[]): string {
  assert.equal(results.length, 1);
  const r = results[0]!;
  if (r.ok) assert.fail(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error.code;
}

test('OTLP/JSON example from opentelemetry-proto: AnyValue unwrapped, resource and scope attached', () => {
  assert.deepEqual(only(splitOtlpJson(exampleJson), 'otlp-json'), expected);
  assert.deepEqual(decodeOtlpJson(exampleJson).ok, true);
});

test('the same request in protobuf decodes to the same object', () => {
  const bytes = encodeLogsRequest(JSON.parse(exampleJson) as Record<string, unknown>);
  assert.deepEqual(only(splitOtlpProtobuf(bytes), 'otlp-protobuf'), expected);
  assert.equal(decodeOtlpProtobuf(bytes).ok, true);
});

test('one request with several records yields one result each, sharing resource and scope', () => {
  const req = JSON.parse(exampleJson) as { resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[] };
  const recs = req.resourceLogs[0]!.scopeLogs[0]!.logRecords;
  recs.push({ ...recs[0]!, body: { stringValue: 'second' }, timeUnixNano: '1544712661300000000', severityNumber: 'SEVERITY_NUMBER_WARN' });
  const json = JSON.stringify(req);
  const fromJson = splitOtlpJson(json);
  assert.equal(fromJson.length, 2);
  const second = fromJson[1]!;
  assert.ok(second.ok);
  assert.equal(second.value.fields.body, 'second');
  assert.equal(second.value.fields.timestamp, '2018-12-13T14:51:01.300Z');
  assert.equal(second.value.fields.severity_number, 13);
  assert.deepEqual(second.value.fields.resource, expected.resource);
  assert.equal(splitOtlpProtobuf(encodeLogsRequest(req as unknown as Record<string, unknown>)).length, 2);
  const single = decodeOtlpJson(json);
  assert.equal(single.ok ? 'ok' : single.error.code, 'decode.otlp-json.multiple_records');
  assert.deepEqual(splitOtlpJson('{"resourceLogs":[]}'), []);
});

test('int64 beyond 2^53 stays exact as a string', () => {
  const req = '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"big","value":{"intValue":"9223372036854775807"}}]}]}]}]}';
  const f = only(splitOtlpJson(req), 'otlp-json');
  assert.deepEqual(f.attributes, { big: '9223372036854775807' });
  assert.deepEqual(f.scope, { attributes: {} });
});

test('bad OTLP/JSON: not a request, wrong field types, too deep, syntax', () => {
  assert.equal(errorCode(splitOtlpJson('{"resourceSpans":[]}')), 'decode.otlp-json.not_request');
  assert.equal(errorCode(splitOtlpJson('{"resourceLogs":[{"scopeLogs":{}}]}')), 'decode.otlp-json.bad_field');
  assert.equal(errorCode(splitOtlpJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"soon"}]}]}]}')), 'decode.otlp-json.bad_field');
  assert.equal(errorCode(splitOtlpJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"not hex!"}]}]}]}')), 'decode.otlp-json.bad_field');
  let deep = '{"stringValue":"x"}';
  for (let i = 0; i < 70; i++) deep = `{"arrayValue":{"values":[${deep}]}}`;
  assert.equal(errorCode(splitOtlpJson(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${deep}}]}]}]}`)), 'decode.otlp-json.bad_field');
  assert.equal(errorCode(splitOtlpJson('{"resourceLogs":[')), 'decode.otlp-json.syntax');
});

test('bad protobuf: truncated at every cut point, wrong wire types, text instead of bytes', () => {
  const bytes = encodeLogsRequest(JSON.parse(exampleJson) as Record<string, unknown>);
  for (let cut = 1; cut < bytes.length; cut++) {
    const results = splitOtlpProtobuf(bytes.subarray(0, cut));
    assert.ok(results.length <= 1, `cut ${cut}`);
    // Some cuts land between whole fields and leave a valid, smaller request.
    if (results[0] && !results[0].ok) assert.match(results[0].error.code, /^decode\.otlp-protobuf\.(truncated|bad_wire_type|bad_varint|bad_tag)$/);
  }
  // resource_logs (field 1) sent as a varint.
  assert.equal(errorCode(splitOtlpProtobuf(Uint8Array.from([0x08, 0x01]))), 'decode.otlp-protobuf.bad_wire_type');
  // A length that runs past the end.
  assert.equal(errorCode(splitOtlpProtobuf(Uint8Array.from([0x0a, 0x7f, 0x00]))), 'decode.otlp-protobuf.truncated');
  // An 11-byte varint.
  assert.equal(errorCode(splitOtlpProtobuf(Uint8Array.from([0x0a, ...new Array<number>(11).fill(0xff)]))), 'decode.otlp-protobuf.bad_varint');
  assert.equal(errorCode(splitOtlpProtobuf('text')), 'decode.otlp-protobuf.not_binary');
  assert.deepEqual(splitOtlpProtobuf(new Uint8Array(0)), []);
});

test('protobuf AnyValue nesting is bounded', () => {
  // AnyValue{array_value: ArrayValue{values: [AnyValue{...}]}} nested 100 times.
  let inner: Uint8Array = Uint8Array.from([0x0a, 0x01, 0x78]); // string_value "x"
  const wrap = (field: number, body: Uint8Array): Uint8Array => {
    const len: number[] = [];
    let n = body.length;
    while (n >= 0x80) { len.push((n & 0x7f) | 0x80); n >>>= 7; }
    len.push(n);
    return Uint8Array.from([(field << 3) | 2, ...len, ...body]);
  };
  for (let i = 0; i < 100; i++) inner = wrap(5, wrap(1, inner));
  const record = wrap(5, inner); // LogRecord.body
  const req = wrap(1, wrap(2, wrap(2, record)));
  assert.equal(errorCode(splitOtlpProtobuf(req)), 'decode.otlp-protobuf.too_deep');
});

test('a severityNumber that names an Object.prototype member is a bad field, not that member', () => {
  for (const name of ['constructor', '__proto__', 'toString']) {
    const req = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', severityNumber: name, body: { stringValue: 'x' } }] }] }] };
    const [r] = splitOtlpJson(JSON.stringify(req));
    assert.equal(r?.ok, false, name);
    if (r !== undefined && !r.ok) assert.equal(r.error.message, 'severityNumber must be a non-negative integer');
  }
  const named = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', severityNumber: 'SEVERITY_NUMBER_WARN', body: { stringValue: 'x' } }] }] }] };
  const [ok] = splitOtlpJson(JSON.stringify(named));
  assert.equal(ok?.ok && ok.value.fields.severity_number, 13);
});
