/**
 * OTLP logs in the protobuf encoding (HTTP `application/x-protobuf`, ExportLogsServiceRequest from
 * opentelemetry-proto `collector/logs/v1/logs_service.proto` and `logs/v1/logs.proto`). The logs schema
 * is small, so this is a hand-written wire-format reader: it checks every length against the buffer,
 * skips unknown fields, and bounds AnyValue nesting. It yields the same raw objects as the JSON decoder.
 */
import { int64Value, MAX_ANYVALUE_DEPTH, nanosToIso, type OtlpLogFields, type OtlpResource, type OtlpScope } from './otlp-model.js';
import { single } from './otlp.js';
import { decoded, decodeFailure } from './result.js';
import type { DecodeOptions, DecodeResult, RawRecord } from './types.js';

const FORMAT = 'otlp-protobuf';

/** Thrown inside the reader and caught at the top; not an Error, so no stack trace is captured per bad record. */
class WireError {
  constructor(readonly what: string, readonly message: string) {}
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A bounded view over one message's bytes. */
class Reader {
  pos: number;
  constructor(private readonly buf: Uint8Array, start: number, readonly end: number) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint that must fit 32 bits unsigned (tags, lengths, enums, counts). */
  uint32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('truncated', 'varint runs past the end of its message');
      const b = this.buf[this.pos++] as number;
      if (shift < 32) result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result > 0xffffffff ? result % 2 ** 32 : result;
      shift += 7;
    }
    throw new WireError('bad_varint', 'varint is longer than 10 bytes');
  }

  /** A full 64-bit varint, as a signed two's-complement bigint (int64). */
  int64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('truncated', 'varint runs past the end of its message');
      const b = this.buf[this.pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    throw new WireError('bad_varint', 'varint is longer than 10 bytes');
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new WireError('truncated', 'fixed64 runs past the end of its message');
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(this.buf[this.pos + i] as number);
    this.pos += 8;
    return v;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new WireError('truncated', 'fixed32 runs past the end of its message');
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16)) + (b[p + 3] as number) * 0x1000000;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new WireError('truncated', 'double runs past the end of its message');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field as a sub-reader. */
  sub(): Reader {
    const len = this.uint32();
    if (len > this.end - this.pos) throw new WireError('truncated', `length ${len} runs past the end of its message`);
    const r = new Reader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  bytes(): Uint8Array {
    const r = this.sub();
    return this.buf.subarray(r.pos, r.end);
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0: this.int64(); return;
      case 1: this.fixed64(); return;
      case 2: this.sub(); return;
      case 5: this.fixed32(); return;
      default: throw new WireError('bad_wire_type', `wire type ${wireType} is not used by OTLP (groups are not supported)`);
    }
  }
}

function expect(wire: number, want: number, field: string): void {
  if (wire !== want) throw new WireError('bad_wire_type', `${field} has wire type ${wire}, expected ${want}`);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function anyValue(r: Reader, depth: number): unknown {
  if (depth > MAX_ANYVALUE_DEPTH) throw new WireError('too_deep', `AnyValue nests deeper than ${MAX_ANYVALUE_DEPTH} levels`);
  let value: unknown = null;
  while (!r.done()) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1: expect(wire, 2, 'string_value'); value = r.string(); break;
      case 2: expect(wire, 0, 'bool_value'); value = r.int64() !== 0n; break;
      case 3: expect(wire, 0, 'int_value'); value = int64Value(r.int64()); break;
      case 4: expect(wire, 1, 'double_value'); value = r.double(); break;
      case 5: {
        expect(wire, 2, 'array_value');
        const arr = r.sub();
        const values: unknown[] = [];
        while (!arr.done()) {
          const t = arr.uint32();
          if (t >>> 3 === 1) { expect(t & 7, 2, 'ArrayValue.values'); values.push(anyValue(arr.sub(), depth + 1)); } else arr.skip(t & 7);
        }
        value = values;
        break;
      }
      case 6: {
        expect(wire, 2, 'kvlist_value');
        const kv = r.sub();
        const out: Record<string, unknown> = {};
        while (!kv.done()) {
          const t = kv.uint32();
          if (t >>> 3 === 1) { expect(t & 7, 2, 'KeyValueList.values'); keyValue(kv.sub(), out, depth + 1); } else kv.skip(t & 7);
        }
        value = out;
        break;
      }
      case 7: expect(wire, 2, 'bytes_value'); value = Buffer.from(r.bytes()).toString('base64'); break;
      default: r.skip(wire);
    }
  }
  return value;
}

function keyValue(r: Reader, into: Record<string, unknown>, depth: number): void {
  let key = '';
  let value: unknown = null;
  while (!r.done()) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) { expect(tag & 7, 2, 'KeyValue.key'); key = r.string(); } else if (tag >>> 3 === 2) { expect(tag & 7, 2, 'KeyValue.value'); value = anyValue(r.sub(), depth); } else r.skip(tag & 7);
  }
  into[key] = value;
}

function logRecord(r: Reader, resource: OtlpResource, scope: OtlpScope): OtlpLogFields {
  const out: OtlpLogFields = { attributes: {}, resource, scope };
  while (!r.done()) {
    const tag = r.uint32();
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1: {
        expect(wire, 1, 'time_unix_nano');
        const t = r.fixed64();
        if (t > 0n) {
          out.time_unix_nano = t.toString();
          const iso = nanosToIso(t);
          if (iso !== undefined) out.timestamp = iso;
        }
        break;
      }
      case 11: {
        expect(wire, 1, 'observed_time_unix_nano');
        const t = r.fixed64();
        if (t > 0n) {
          out.observed_time_unix_nano = t.toString();
          const iso = nanosToIso(t);
          if (iso !== undefined) out.observed_timestamp = iso;
        }
        break;
      }
      case 2: { expect(wire, 0, 'severity_number'); const s = r.uint32(); if (s !== 0) out.severity_number = s; break; }
      case 3: { expect(wire, 2, 'severity_text'); const s = r.string(); if (s !== '') out.severity_text = s; break; }
      case 5: expect(wire, 2, 'body'); out.body = anyValue(r.sub(), 0); break;
      case 6: expect(wire, 2, 'attributes'); keyValue(r.sub(), out.attributes, 0); break;
      case 7: { expect(wire, 0, 'dropped_attributes_count'); const d = r.uint32(); if (d) out.dropped_attributes_count = d; break; }
      case 8: { expect(wire, 5, 'flags'); const f = r.fixed32(); if (f) out.flags = f; break; }
      case 9: { expect(wire, 2, 'trace_id'); const b = r.bytes(); if (b.length) out.trace_id = hex(b); break; }
      case 10: { expect(wire, 2, 'span_id'); const b = r.bytes(); if (b.length) out.span_id = hex(b); break; }
      case 12: { expect(wire, 2, 'event_name'); const s = r.string(); if (s !== '') out.event_name = s; break; }
      default: r.skip(wire);
    }
  }
  return out;
}

function scopeLogs(r: Reader, resource: OtlpResource, out: DecodeResult[]): void {
  const scope: OtlpScope = { attributes: {} };
  const records: Reader[] = [];
  while (!r.done()) {
    const tag = r.uint32();
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1: {
        expect(wire, 2, 'scope');
        const s = r.sub();
        while (!s.done()) {
          const t = s.uint32();
          switch (t >>> 3) {
            case 1: { expect(t & 7, 2, 'scope.name'); const v = s.string(); if (v !== '') scope.name = v; break; }
            case 2: { expect(t & 7, 2, 'scope.version'); const v = s.string(); if (v !== '') scope.version = v; break; }
            case 3: expect(t & 7, 2, 'scope.attributes'); keyValue(s.sub(), scope.attributes, 0); break;
            case 4: { expect(t & 7, 0, 'scope.dropped_attributes_count'); const d = s.uint32(); if (d) scope.dropped_attributes_count = d; break; }
            default: s.skip(t & 7);
          }
        }
        break;
      }
      // Records may precede the scope on the wire: read them once the scope is known.
      case 2: expect(wire, 2, 'log_records'); records.push(r.sub()); break;
      case 3: { expect(wire, 2, 'schema_url'); const u = r.string(); if (u !== '') scope.schema_url = u; break; }
      default: r.skip(wire);
    }
  }
  for (const rec of records) out.push(decoded(FORMAT, logRecord(rec, resource, scope) as unknown as RawRecord));
}

function resourceLogs(r: Reader, out: DecodeResult[]): void {
  const resource: OtlpResource = { attributes: {} };
  const scopes: Reader[] = [];
  while (!r.done()) {
    const tag = r.uint32();
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1: {
        expect(wire, 2, 'resource');
        const s = r.sub();
        while (!s.done()) {
          const t = s.uint32();
          if (t >>> 3 === 1) { expect(t & 7, 2, 'resource.attributes'); keyValue(s.sub(), resource.attributes, 0); } else if (t >>> 3 === 2) { expect(t & 7, 0, 'resource.dropped_attributes_count'); const d = s.uint32(); if (d) resource.dropped_attributes_count = d; } else s.skip(t & 7);
        }
        break;
      }
      case 2: expect(wire, 2, 'scope_logs'); scopes.push(r.sub()); break;
      case 3: { expect(wire, 2, 'schema_url'); const u = r.string(); if (u !== '') resource.schema_url = u; break; }
      default: r.skip(wire);
    }
  }
  for (const s of scopes) scopeLogs(s, resource, out);
}

/** One result per logRecord in a protobuf ExportLogsServiceRequest (none for an empty request). */
export function splitOtlpProtobuf(record: string | Uint8Array, _opts?: DecodeOptions): DecodeResult[] {
  if (typeof record === 'string') {
    return [decodeFailure(FORMAT, 'not_binary', 'OTLP protobuf must be given as bytes, not text')];
  }
  const out: DecodeResult[] = [];
  try {
    const r = new Reader(record, 0, record.byteLength);
    while (!r.done()) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) { expect(tag & 7, 2, 'resource_logs'); resourceLogs(r.sub(), out); } else if (tag === 0) throw new WireError('bad_tag', 'field number 0 is not valid'); else r.skip(tag & 7);
    }
  } catch (e) {
    if (e instanceof WireError) return [decodeFailure(FORMAT, e.what, e.message)];
    throw e;
  }
  return out;
}

export function decodeOtlpProtobuf(record: string | Uint8Array, opts?: DecodeOptions): DecodeResult {
  return single(splitOtlpProtobuf(record, opts), FORMAT);
}
