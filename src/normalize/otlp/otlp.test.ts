import { test } from 'node:test';
import assert from 'node:assert/strict';
import { otlpMapper } from './index.js';
import { detectMapper } from '../registry.js';
import { decodeRecords } from '../../decode/detect.js';
import type { Decoded } from '../../decode/types.js';
import { assertNeverThrows, at, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { fixtureText } from '../../../test/support/fixtures.js';
import { encodeLogsRequest } from '../../../test/support/otlp-encode.js';

const exampleJson = fixtureText('opentelemetry-proto', 'logs.json');

function decodedFrom(record: string | Uint8Array, format: 'auto' | 'otlp-protobuf' = 'auto'): Decoded[] {
  return decodeRecords(record, format).map((r) => {
    if (!r.ok) assert.fail(`${r.error.code}: ${r.error.message}`);
    return r.value;
  });
}

const EXPECTED = {
  '@timestamp': '2018-12-13T14:51:00.300Z',
  event: { kind: 'event', dataset: 'generic.otel' },
  message: 'Example log record',
  log: { level: 'Information' },
  trace: { id: '5b8efff798038103d269b633813fc60c' },
  span: { id: 'eee19b7ec3c1b174' },
  service: { name: 'my.service' },
  labels: { string_attribute: 'some string' },
  otel: {
    attributes: {
      'boolean.attribute': true, 'int.attribute': 10, 'double.attribute': 637.704,
      'array.attribute': ['many', 'values'], 'map.attribute': { 'some.map.key': 'some value' },
    },
    scope: { name: 'my.library', version: '1.0.0', attributes: { 'my.scope.attribute': 'some scope attribute' } },
  },
};

test('otlp: the opentelemetry-proto example maps to ECS as Elastic maps OTel logs', () => {
  const [d] = decodedFrom(exampleJson);
  assert.ok(d !== undefined);
  assert.equal(detectMapper(d), otlpMapper);
  assert.deepEqual(mapOk(otlpMapper, d), EXPECTED);
});

test('otlp: the same request in protobuf maps to the same event', () => {
  const [d] = decodedFrom(encodeLogsRequest(JSON.parse(exampleJson) as Record<string, unknown>), 'otlp-protobuf');
  assert.ok(d !== undefined);
  assert.equal(d.format, 'otlp-protobuf');
  assert.deepEqual(mapOk(otlpMapper, d), EXPECTED);
});

test('otlp: observed time stands in for an unknown time; host and other resource attributes; non-string body', () => {
  const req = JSON.parse(exampleJson) as { resourceLogs: { resource: { attributes: unknown[] }; scopeLogs: { logRecords: Record<string, unknown>[] }[] }[] };
  const rl = req.resourceLogs[0]!;
  rl.resource.attributes.push({ key: 'host.name', value: { stringValue: 'web-01' } }, { key: 'k8s.pod.name', value: { stringValue: 'api-7f' } });
  const rec = rl.scopeLogs[0]!.logRecords[0]!;
  rec.timeUnixNano = '0';
  rec.observedTimeUnixNano = '1544712661000000000';
  rec.body = { kvlistValue: { values: [{ key: 'k', value: { intValue: '3' } }] } };
  rec.severityNumber = 9;
  rec.attributes = [{ key: 'exception.type', value: { stringValue: 'IOError' } }];
  const [d] = decodedFrom(JSON.stringify(req));
  assert.ok(d !== undefined);
  const e = mapOk(otlpMapper, d);
  assert.equal(at(e, '@timestamp'), '2018-12-13T14:51:01.000Z');
  assert.equal(at(e, 'event.created'), undefined);
  assert.equal(at(e, 'host.name'), 'web-01');
  assert.equal(at(e, 'host.hostname'), 'web-01');
  assert.deepEqual(at(e, 'related.hosts'), ['web-01']);
  assert.deepEqual(at(e, 'otel.resource.attributes'), { 'k8s.pod.name': 'api-7f' });
  assert.equal(at(e, 'message'), undefined);
  assert.deepEqual(at(e, 'otel.body'), { k: 3 });
  assert.equal(at(e, 'event.severity'), 9);
  assert.equal(at(e, 'error.type'), 'IOError');
  assert.equal(at(e, 'labels'), undefined);
});

test('otlp: bad input is a specific failure, never an exception', () => {
  const [good] = decodedFrom(exampleJson);
  assert.ok(good !== undefined);
  expectFail(otlpMapper, { format: 'json', fields: { body: 'x' } }, 'normalize.otlp.unsupported_format');
  expectFail(otlpMapper, { format: 'otlp-json', fields: { ...good.fields, resource: 'x' } }, 'normalize.otlp.missing_context');
  const { timestamp: _t, observed_timestamp: _o, ...untimed } = good.fields;
  expectFail(otlpMapper, { format: 'otlp-json', fields: untimed }, 'normalize.otlp.missing_timestamp');
  expectFail(otlpMapper, { format: 'otlp-json', fields: { ...untimed, timestamp: 'not a date' } }, 'normalize.otlp.missing_timestamp');
  // Ids that are not the hex OTLP defines are not passed on as trace context.
  const e = mapOk(otlpMapper, { format: 'otlp-json', fields: { ...good.fields, trace_id: 'zz', span_id: '1234' } });
  assert.equal(at(e, 'trace'), undefined);
  assert.equal(at(e, 'span'), undefined);
  assertNeverThrows(otlpMapper, good);
});
