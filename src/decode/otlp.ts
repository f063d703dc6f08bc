/**
 * OTLP logs in the JSON encoding (ExportLogsServiceRequest: resourceLogs / scopeLogs / logRecords).
 * One request holds many log records: splitOtlpJson returns one raw object per logRecord, with the
 * resource and scope attributes attached. AnyValue wrappers are unwrapped to plain values.
 */
import { parseJsonText } from './json.js';
import { int64Value, MAX_ANYVALUE_DEPTH, nanosToIso, SEVERITY_NUMBERS, type OtlpLogFields, type OtlpScope } from './otlp-model.js';
import { decoded, decodeFailure } from './result.js';
import { recordText } from './text.js';
import type { DecodeOptions, DecodeResult, RawRecord } from './types.js';

const FORMAT = 'otlp-json';
const DECIMAL = /^-?\d{1,20}$/;
const HEX = /^[0-9A-Fa-f]*$/;

/** Thrown inside the walk and caught at the top; not an Error, so no stack trace is captured per bad record. */
class OtlpShapeError {
  constructor(readonly message: string) {}
}

function isObject(v: unknown): v is RawRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpShapeError(`${what} must be an array`);
  return v;
}

function str(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new OtlpShapeError(`${what} must be a string`);
  return v;
}

function uint(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new OtlpShapeError(`${what} must be a non-negative integer`);
  return n;
}

/** int64/fixed64 in proto3 JSON: a number or a decimal string. */
function bigintOf(v: unknown, what: string): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'string' && DECIMAL.test(v)) return BigInt(v);
  throw new OtlpShapeError(`${what} must be an integer or a decimal string`);
}

function anyValue(v: unknown, depth: number): unknown {
  if (depth > MAX_ANYVALUE_DEPTH) throw new OtlpShapeError(`AnyValue nests deeper than ${MAX_ANYVALUE_DEPTH} levels`);
  if (!isObject(v)) throw new OtlpShapeError('AnyValue must be an object');
  if ('stringValue' in v) return typeof v.stringValue === 'string' ? v.stringValue : String(v.stringValue);
  if ('boolValue' in v) return v.boolValue === true;
  if ('intValue' in v) {
    const b = bigintOf(v.intValue, 'intValue');
    return b === undefined ? undefined : int64Value(b);
  }
  if ('doubleValue' in v) {
    const d = v.doubleValue;
    if (typeof d === 'number') return d;
    if (typeof d === 'string') return Number(d);
    throw new OtlpShapeError('doubleValue must be a number');
  }
  if ('bytesValue' in v) return str(v.bytesValue, 'bytesValue') ?? '';
  if ('arrayValue' in v) {
    const a = v.arrayValue;
    return isObject(a) ? list(a.values, 'arrayValue.values').map((x) => anyValue(x, depth + 1)) : [];
  }
  if ('kvlistValue' in v) {
    const kv = v.kvlistValue;
    return isObject(kv) ? keyValues(kv.values, depth + 1) : {};
  }
  return null;
}

function keyValues(v: unknown, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list(v, 'attributes')) {
    if (!isObject(item) || typeof item.key !== 'string') throw new OtlpShapeError('attribute must be {key, value}');
    out[item.key] = item.value === undefined || item.value === null ? null : anyValue(item.value, depth);
  }
  return out;
}

function hexId(v: unknown, what: string): string | undefined {
  const s = str(v, what);
  if (s === undefined) return undefined;
  if (!HEX.test(s)) throw new OtlpShapeError(`${what} must be hex`);
  return s.toLowerCase();
}

function severityNumber(v: unknown): number | undefined {
  if (typeof v === 'string' && v in SEVERITY_NUMBERS) return SEVERITY_NUMBERS[v];
  return uint(v, 'severityNumber');
}

function logRecordFields(rec: unknown, resource: OtlpLogFields['resource'], scope: OtlpScope): OtlpLogFields {
  if (!isObject(rec)) throw new OtlpShapeError('logRecord must be an object');
  const out: OtlpLogFields = { attributes: keyValues(rec.attributes, 0), resource, scope };
  const t = bigintOf(rec.timeUnixNano, 'timeUnixNano');
  if (t !== undefined && t > 0n) {
    out.time_unix_nano = t.toString();
    const iso = nanosToIso(t);
    if (iso !== undefined) out.timestamp = iso;
  }
  const o = bigintOf(rec.observedTimeUnixNano, 'observedTimeUnixNano');
  if (o !== undefined && o > 0n) {
    out.observed_time_unix_nano = o.toString();
    const iso = nanosToIso(o);
    if (iso !== undefined) out.observed_timestamp = iso;
  }
  const sev = severityNumber(rec.severityNumber);
  if (sev !== undefined && sev !== 0) out.severity_number = sev;
  const sevText = str(rec.severityText, 'severityText');
  if (sevText !== undefined) out.severity_text = sevText;
  if (rec.body !== undefined && rec.body !== null) out.body = anyValue(rec.body, 0);
  const dropped = uint(rec.droppedAttributesCount, 'droppedAttributesCount');
  if (dropped) out.dropped_attributes_count = dropped;
  const flags = uint(rec.flags, 'flags');
  if (flags) out.flags = flags;
  const traceId = hexId(rec.traceId, 'traceId');
  if (traceId) out.trace_id = traceId;
  const spanId = hexId(rec.spanId, 'spanId');
  if (spanId) out.span_id = spanId;
  const eventName = str(rec.eventName, 'eventName');
  if (eventName !== undefined) out.event_name = eventName;
  return out;
}

function splitRequest(req: unknown): DecodeResult[] {
  if (!isObject(req) || !Array.isArray(req.resourceLogs)) {
    return [decodeFailure(FORMAT, 'not_request', 'record is not an ExportLogsServiceRequest (no resourceLogs array)')];
  }
  const out: DecodeResult[] = [];
  try {
    for (const rl of req.resourceLogs) {
      if (!isObject(rl)) throw new OtlpShapeError('resourceLogs entry must be an object');
      const res = isObject(rl.resource) ? rl.resource : {};
      const resource: OtlpLogFields['resource'] = { attributes: keyValues(res.attributes, 0) };
      const rdrop = uint(res.droppedAttributesCount, 'resource.droppedAttributesCount');
      if (rdrop) resource.dropped_attributes_count = rdrop;
      const rurl = str(rl.schemaUrl, 'schemaUrl');
      if (rurl !== undefined) resource.schema_url = rurl;
      for (const sl of list(rl.scopeLogs, 'scopeLogs')) {
        if (!isObject(sl)) throw new OtlpShapeError('scopeLogs entry must be an object');
        const sc = isObject(sl.scope) ? sl.scope : {};
        const scope: OtlpScope = { attributes: keyValues(sc.attributes, 0) };
        const name = str(sc.name, 'scope.name');
        if (name !== undefined) scope.name = name;
        const version = str(sc.version, 'scope.version');
        if (version !== undefined) scope.version = version;
        const sdrop = uint(sc.droppedAttributesCount, 'scope.droppedAttributesCount');
        if (sdrop) scope.dropped_attributes_count = sdrop;
        const surl = str(sl.schemaUrl, 'scopeLogs.schemaUrl');
        if (surl !== undefined) scope.schema_url = surl;
        for (const rec of list(sl.logRecords, 'logRecords')) {
          out.push(decoded(FORMAT, logRecordFields(rec, resource, scope) as unknown as RawRecord));
        }
      }
    }
  } catch (e) {
    if (e instanceof OtlpShapeError) return [decodeFailure(FORMAT, 'bad_field', e.message)];
    throw e;
  }
  return out;
}

/** One result per logRecord in an OTLP/JSON request (none for an empty request). */
export function splitOtlpJson(record: string | Uint8Array, _opts?: DecodeOptions): DecodeResult[] {
  const r = parseJsonText(recordText(record), FORMAT);
  if (!r.ok) return [decodeFailure(FORMAT, r.what, r.message)];
  return splitRequest(r.value);
}

/** An already-parsed OTLP/JSON request (detection parses once). */
export function splitOtlpJsonValue(value: unknown): DecodeResult[] {
  return splitRequest(value);
}

/** Exactly one logRecord per request, else `decode.otlp-json.multiple_records` / `.empty`. */
export function decodeOtlpJson(record: string | Uint8Array, opts?: DecodeOptions): DecodeResult {
  return single(splitOtlpJson(record, opts), FORMAT);
}

export function single(results: DecodeResult[], format: string): DecodeResult {
  if (results.length === 1 && results[0] !== undefined) return results[0];
  if (results.length === 0) return decodeFailure(format, 'empty', 'record holds no event (an empty array or request)');
  return decodeFailure(format, 'multiple_records', `record holds ${results.length} events; decodeRecords or the split function returns one result each`);
}
