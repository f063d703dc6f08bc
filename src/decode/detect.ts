/**
 * Per-record format detection and the one entry point the pipeline calls: decodeRecords (every raw
 * object in a record: several for a JSON array or an OTLP request) and decodeRecord (exactly one).
 * A declared format that does not fit the record is a `format_mismatch` error for the quarantine,
 * never a silent fallback to another decoder.
 */
import { parseCef } from './cef.js';
import { decodeJsonRecords, classifyJson, jsonParseResults, jsonValueResults, parsedJsonText, parseJsonText, type JsonParse } from './json.js';
import { looksLikeKv, parseKv } from './kv.js';
import { parseLeef } from './leef.js';
import { single, splitOtlpJson, splitOtlpJsonValue } from './otlp.js';
import { splitOtlpProtobuf } from './otlp-protobuf.js';
import { looksLikeAuditd, textRecord } from './plain-text.js';
import { decoded, decodeFailure, excerpt } from './result.js';
import type { SyslogParts } from './syslog-common.js';
import { envelopeHeader } from './syslog-envelope.js';
import { parseRfc3164 } from './syslog-rfc3164.js';
import { looksLikeRfc5424, parseRfc5424, syslogFields } from './syslog-rfc5424.js';
import { exceedsBytes, recordText, skipBlank } from './text.js';
import type { DeclaredFormat, DecodeOptions, DecodeResult, RawRecord, WireFormat } from './types.js';

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

export interface DecodeRecordOptions extends DecodeOptions {
  /** Records larger than this (UTF-8 bytes) are refused unparsed with `decode.<format|record>.oversized`. */
  maxRecordBytes?: number;
}

/** What a record looks like from its first bytes, before any parsing. */
export type Sniffed = 'syslog-rfc5424' | 'syslog-rfc3164' | 'cef' | 'leef' | 'json' | 'kv' | 'text' | 'unknown';

const BSD_START = /^(?:[*.]?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}\d|\d{4}-\d\d-\d\d[T ]\d\d:|\d{1,12}: )/i;

export function sniffFormat(text: string): Sniffed {
  const s = skipBlank(text);
  const c = text.charCodeAt(s);
  if (c === 0x3c /* < */) return looksLikeRfc5424(text, s) ? 'syslog-rfc5424' : 'syslog-rfc3164';
  if (c === 0x7b || c === 0x5b) return 'json';
  if (text.startsWith('CEF:', s)) return 'cef';
  if (text.startsWith('LEEF:', s)) return 'leef';
  if (BSD_START.test(s === 0 ? text.slice(0, 32) : text.slice(s, s + 32))) return 'syslog-rfc3164';
  // auditd opens like key=value but is its own layout (see looksLikeAuditd): the mapper reads the line.
  if (looksLikeAuditd(text, s)) return 'text';
  if (looksLikeKv(text, s)) return 'kv';
  return 'unknown';
}

/** The full format a record decodes to (for a syslog record: the payload's format if it carries one). */
export function detectFormat(text: string, opts?: DecodeOptions): WireFormat | 'unknown' {
  const sniffed = sniffFormat(text);
  if (sniffed === 'unknown') {
    const t = textRecord(text, skipBlank(text), 'record');
    return t.ok ? 'text' : 'unknown';
  }
  if (sniffed === 'kv' || sniffed === 'cef' || sniffed === 'leef' || sniffed === 'text') return sniffed;
  if (sniffed === 'json') {
    const r = parseJsonText(text);
    return r.ok && typeof r.value === 'object' && r.value !== null && !Array.isArray(r.value)
      ? classifyJson(r.value as RawRecord) : 'json';
  }
  const first = decodeSyslog(text, sniffed, opts)[0];
  return first?.ok ? first.value.format : sniffed;
}

/** Syslog, and a CEF / LEEF / key=value payload when the message carries one. */
function decodeSyslog(text: string, rfc: 'syslog-rfc5424' | 'syslog-rfc3164', opts?: DecodeOptions, strict5424 = false): DecodeResult[] {
  // Only a record declared RFC 5424 must carry valid structured data; otherwise Check Point's
  // `[key:"value"; ...]` where SD belongs stays in the message for the mapper to read.
  const r = rfc === 'syslog-rfc5424' ? parseRfc5424(text, { lenientStructuredData: !strict5424 }) : parseRfc3164(text, opts);
  if (!r.ok) return [decodeFailure(rfc, r.what, r.message)];
  return [syslogPayload(r.parts, rfc)];
}

function syslogPayload(parts: SyslogParts, rfc: WireFormat): DecodeResult {
  const msg = parts.message;
  if (msg !== undefined) {
    if (msg.startsWith('CEF:')) {
      const c = parseCef(msg, 0);
      return c.ok ? decoded('cef', { cef: c.cef, syslog: envelopeHeader(parts) }) : decodeFailure('cef', c.what, c.message);
    }
    if (msg.startsWith('LEEF:')) {
      const l = parseLeef(msg, 0);
      return l.ok ? decoded('leef', { leef: l.leef, syslog: envelopeHeader(parts) }) : decodeFailure('leef', l.what, l.message);
    }
    // FortiGate and similar put key=value right after the header, with no program tag.
    if (parts.app_name === undefined && parts.cisco === undefined && looksLikeKv(msg) && !looksLikeAuditd(msg)) {
      const kv = parseKv(msg);
      if (kv.ok && kv.count >= 2) return decoded('kv', { kv: kv.pairs, syslog: envelopeHeader(parts) });
    }
  }
  return decoded(rfc, syslogFields(parts));
}

function jsonRecords(r: JsonParse): DecodeResult[] {
  if (!r.ok) return [decodeFailure('json', r.what, r.message)];
  const v = r.value;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    // One object: classified once here (jsonValueResults would classify it again).
    const format = classifyJson(v as RawRecord);
    return format === 'otlp-json' ? splitOtlpJsonValue(v) : [decoded(format, v as RawRecord)];
  }
  return jsonValueResults(v);
}

function mismatch(declared: string, sniffed: Sniffed, text: string): DecodeResult[] {
  const seen = sniffed === 'unknown' ? `no known format ("${excerpt(text, skipBlank(text), 30)}")` : sniffed;
  return [decodeFailure(declared, 'format_mismatch', `declared ${declared} but the record looks like ${seen}`)];
}

/** Keep only results of the wanted JSON dialect; others become mismatch errors. */
function requireDialect(results: DecodeResult[], want: WireFormat): DecodeResult[] {
  return results.map((r) => (r.ok && r.value.format !== want
    ? decodeFailure(want, 'format_mismatch', `declared ${want} but the JSON object is ${r.value.format}`)
    : r));
}

/**
 * Every raw object in one framed record: exactly one result for line formats, one per element for a
 * JSON array, one per logRecord for an OTLP request (none for an empty one).
 */
export function decodeRecords(record: string | Uint8Array, declared: DeclaredFormat = 'auto', opts: DecodeRecordOptions = {}): DecodeResult[] {
  const max = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  if (exceedsBytes(record, max)) {
    const scope = declared === 'auto' ? 'record' : declared;
    return [decodeFailure(scope, 'oversized', `record is larger than the ${max}-byte limit; not parsed`)];
  }
  if (declared === 'otlp-protobuf') return splitOtlpProtobuf(record, opts);
  const text = recordText(record);
  const sniffed = sniffFormat(text);
  switch (declared) {
    case 'auto':
      switch (sniffed) {
        case 'syslog-rfc5424':
        case 'syslog-rfc3164': return decodeSyslog(text, sniffed, opts);
        case 'cef': { const c = parseCef(text, skipBlank(text)); return [c.ok ? decoded('cef', { cef: c.cef }) : decodeFailure('cef', c.what, c.message)]; }
        case 'leef': { const l = parseLeef(text, skipBlank(text)); return [l.ok ? decoded('leef', { leef: l.leef }) : decodeFailure('leef', l.what, l.message)]; }
        case 'json': return jsonRecords(parseJsonText(text));
        case 'kv': { const kv = parseKv(text, skipBlank(text)); return [kv.ok ? decoded('kv', { kv: kv.pairs }) : decodeFailure('kv', kv.what, kv.message)]; }
        default:
          // Anything else that is text stays a record; what is not text is unrecognized.
          return [textRecord(text, skipBlank(text), 'record')];
      }
    case 'text':
      return [textRecord(text, skipBlank(text), 'text')];
    case 'syslog':
      if (sniffed !== 'syslog-rfc5424' && sniffed !== 'syslog-rfc3164') return mismatch(declared, sniffed, text);
      return decodeSyslog(text, sniffed, opts);
    case 'syslog-rfc5424':
    case 'syslog-rfc3164':
      if (sniffed !== declared) return mismatch(declared, sniffed, text);
      return decodeSyslog(text, declared, opts, true);
    case 'cef':
    case 'leef':
    case 'kv': {
      // An auditd line declared key=value is decoded as such (its repeated `msg` keeps the last value).
      const fits = sniffed === declared || (declared === 'kv' && sniffed === 'text');
      if (!fits && sniffed !== 'syslog-rfc5424' && sniffed !== 'syslog-rfc3164') return mismatch(declared, sniffed, text);
      let results: DecodeResult[];
      if (sniffed === 'syslog-rfc5424' || sniffed === 'syslog-rfc3164') results = decodeSyslog(text, sniffed, opts);
      else if (declared === 'cef') { const c = parseCef(text, skipBlank(text)); results = [c.ok ? decoded('cef', { cef: c.cef }) : decodeFailure('cef', c.what, c.message)]; }
      else if (declared === 'leef') { const l = parseLeef(text, skipBlank(text)); results = [l.ok ? decoded('leef', { leef: l.leef }) : decodeFailure('leef', l.what, l.message)]; }
      else { const kv = parseKv(text, skipBlank(text)); results = [kv.ok ? decoded('kv', { kv: kv.pairs }) : decodeFailure('kv', kv.what, kv.message)]; }
      return results.map((r) => (r.ok && r.value.format !== declared
        ? decodeFailure(declared, 'format_mismatch', `declared ${declared} but the syslog message carries no ${declared} payload`)
        : r));
    }
    case 'json':
    case 'ndjson':
      if (sniffed !== 'json') return mismatch(declared, sniffed, text);
      return decodeJsonRecords(text);
    case 'evtx-json':
    case 'winlogbeat-json':
      if (sniffed !== 'json') return mismatch(declared, sniffed, text);
      return requireDialect(decodeJsonRecords(text), declared);
    case 'otlp-json':
      if (sniffed !== 'json') return mismatch(declared, sniffed, text);
      return splitOtlpJson(text, opts);
    default: {
      const never: never = declared;
      return [decodeFailure('record', 'unknown_format', `unknown declared format ${String(never)}`)];
    }
  }
}

/**
 * decodeRecords for a record whose text framing has already parsed to an object (`value`), with the
 * same results, without parsing it again. A declared format other than JSON's goes the usual way.
 */
export function decodeParsedJson(text: string, value: object, declared: DeclaredFormat = 'auto', opts: DecodeRecordOptions = {}): DecodeResult[] {
  const plain = declared === 'auto' || declared === 'json' || declared === 'ndjson';
  const dialect = declared === 'evtx-json' || declared === 'winlogbeat-json';
  if ((!plain && !dialect) || exceedsBytes(text, opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES) || sniffFormat(text) !== 'json') {
    return decodeRecords(text, declared, opts);
  }
  const r = parsedJsonText(text, value);
  if (declared === 'auto') return jsonRecords(r);
  return dialect ? requireDialect(jsonParseResults(r), declared) : jsonParseResults(r);
}

/** Exactly one raw object per record; a record holding several is `decode.<format>.multiple_records`. */
export function decodeRecord(record: string | Uint8Array, declared: DeclaredFormat = 'auto', opts: DecodeRecordOptions = {}): DecodeResult {
  const results = decodeRecords(record, declared, opts);
  return single(results, declared === 'auto' ? 'record' : declared);
}
