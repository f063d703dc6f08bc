import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { EventDoc, fail } from '../common/doc.js';
import { fromIsoWithZone } from '../common/time.js';
import { int, isRecord, str, type Rec } from '../common/values.js';
import { lookupTable } from '../../event/own-props.js';

/**
 * OTLP log records (one per raw object, resource and scope attached by the decoders) to ECS the way
 * Elastic's OpenTelemetry ECS mapping does: time, body, severity, trace context and the semantic-
 * convention resource attributes become ECS fields; every other attribute is kept, flat strings under
 * `labels`, the rest (and the scope) under `otel`.
 */

const SOURCE = 'otlp';
const FORMATS = new Set(['otlp-json', 'otlp-protobuf']);

/** Resource attributes with an ECS home (semantic conventions -> ECS, as Elastic's exporter maps them). */
const RESOURCE_ECS: Readonly<Record<string, readonly string[][]>> = lookupTable({
  'service.name': [['service', 'name']],
  'service.version': [['service', 'version']],
  'service.instance.id': [['service', 'node', 'name']],
  'deployment.environment': [['service', 'environment']],
  'deployment.environment.name': [['service', 'environment']],
  'host.name': [['host', 'name'], ['host', 'hostname']],
  'host.id': [['host', 'id']],
  'host.arch': [['host', 'architecture']],
  'host.ip': [['host', 'ip']],
  'os.type': [['host', 'os', 'platform']],
  'os.name': [['host', 'os', 'name']],
  'os.version': [['host', 'os', 'version']],
  'os.description': [['host', 'os', 'full']],
  'process.pid': [['process', 'pid']],
  'process.executable.path': [['process', 'executable']],
  'process.command_line': [['process', 'command_line']],
  'container.id': [['container', 'id']],
  'container.name': [['container', 'name']],
  'container.image.name': [['container', 'image', 'name']],
  'cloud.provider': [['cloud', 'provider']],
  'cloud.region': [['cloud', 'region']],
  'cloud.availability_zone': [['cloud', 'availability_zone']],
  'cloud.account.id': [['cloud', 'account', 'id']],
  'telemetry.sdk.name': [['agent', 'name']],
  'telemetry.sdk.version': [['agent', 'version']],
});

/** Log-record attributes with an ECS home (exception semantic conventions -> ECS `error.*`). */
const RECORD_ECS: Readonly<Record<string, readonly string[]>> = lookupTable({
  'exception.type': ['error', 'type'],
  'exception.message': ['error', 'message'],
  'exception.stacktrace': ['error', 'stack_trace'],
});

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

function detect(d: Decoded): boolean {
  return FORMATS.has(d.format);
}

function time(v: unknown): string | undefined {
  return typeof v === 'string' ? fromIsoWithZone(v) : undefined;
}

function map(d: Decoded, _ctx: MapperContext): MapResult {
  if (!FORMATS.has(d.format)) return fail(SOURCE, 'unsupported_format', `format ${d.format} is not OTLP`);
  const f = d.fields;
  const resource = isRecord(f.resource) ? f.resource : undefined;
  const scope = isRecord(f.scope) ? f.scope : undefined;
  if (resource === undefined || scope === undefined) return fail(SOURCE, 'missing_context', 'OTLP log record has no "resource" or "scope" object');
  const attrs = isRecord(f.attributes) ? f.attributes : {};
  const resAttrs = isRecord(resource.attributes) ? resource.attributes : {};

  const doc = new EventDoc();
  // OTLP: time_unix_nano 0 means unknown; the collector's observed time is the documented fallback.
  const ts = time(f.timestamp) ?? time(f.observed_timestamp);
  if (ts === undefined) return fail(SOURCE, 'missing_timestamp', 'OTLP log record has neither a time nor an observed time');
  doc.put(['@timestamp'], ts);
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'dataset'], str(attrs['event.dataset']) ?? str(resAttrs['event.dataset']) ?? 'generic.otel');
  const observed = time(f.observed_timestamp);
  if (observed !== undefined && observed !== ts) doc.put(['event', 'created'], observed);
  doc.put(['event', 'action'], str(f.event_name));

  if (typeof f.body === 'string') doc.put(['message'], f.body);
  else if (f.body !== undefined && f.body !== null) doc.put(['otel', 'body'], f.body);
  doc.put(['log', 'level'], str(f.severity_text));
  doc.put(['event', 'severity'], int(f.severity_number, 0, 24));

  const trace = str(f.trace_id)?.toLowerCase();
  const span = str(f.span_id)?.toLowerCase();
  if (trace !== undefined && TRACE_ID.test(trace)) doc.put(['trace', 'id'], trace);
  if (span !== undefined && SPAN_ID.test(span)) doc.put(['span', 'id'], span);

  const labels: Rec = {};
  const otherResource: Rec = {};
  for (const [k, v] of Object.entries(resAttrs)) {
    const paths = RESOURCE_ECS[k];
    if (paths !== undefined && (typeof v === 'string' || typeof v === 'number')) {
      for (const p of paths) doc.put(p, k === 'process.pid' ? int(v, 0) : v);
    } else otherResource[k] = v;
  }
  const host = str(resAttrs['host.name']);
  if (host !== undefined) doc.relate('hosts', host);
  const otherAttrs: Rec = {};
  for (const [k, v] of Object.entries(attrs)) {
    const path = RECORD_ECS[k];
    if (path !== undefined && typeof v === 'string') doc.put(path, v);
    else if (typeof v === 'string') labels[k.replace(/\./g, '_')] = v;
    else otherAttrs[k] = v;
  }
  doc.merge(['labels'], labels);
  doc.merge(['otel', 'attributes'], otherAttrs);
  doc.merge(['otel', 'resource', 'attributes'], otherResource);
  const scopeOut: Rec = {};
  if (str(scope.name) !== undefined) scopeOut.name = scope.name;
  if (str(scope.version) !== undefined) scopeOut.version = scope.version;
  if (isRecord(scope.attributes) && Object.keys(scope.attributes).length > 0) scopeOut.attributes = scope.attributes;
  doc.merge(['otel', 'scope'], scopeOut);
  doc.put(['otel', 'flags'], int(f.flags, 0));
  return doc.finish();
}

export const otlpMapper: Mapper = {
  sourceType: SOURCE,
  description: 'OpenTelemetry (OTLP JSON or protobuf) log records: ECS as Elastic maps OTel logs, other attributes under labels/otel',
  priority: 50,
  detect,
  map,
};
