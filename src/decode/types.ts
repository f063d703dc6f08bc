/**
 * Decoders turn one framed record (a line, a JSON document, a datagram) into a raw object.
 * They are pure and never throw on bad bytes: a bad record is a typed DecodeError.
 */

export type WireFormat =
  | 'syslog-rfc3164'
  | 'syslog-rfc5424'
  | 'cef'
  | 'leef'
  | 'json'
  | 'kv'
  | 'evtx-json'
  | 'winlogbeat-json'
  | 'otlp-json'
  | 'otlp-protobuf'
  /** A line no structured decoder recognizes, kept whole as `{message}` for a mapper that knows its layout. */
  | 'text';

/** The formats a user may declare with `--format`; `auto` detects per record. */
export type DeclaredFormat = WireFormat | 'auto' | 'syslog' | 'ndjson';

export type RawRecord = Record<string, unknown>;

export interface Decoded {
  format: WireFormat;
  /** The decoded fields. For syslog-wrapped CEF/LEEF the inner payload's fields, with the syslog header under `syslog`. */
  fields: RawRecord;
}

export interface DecodeError {
  /** `decode.<format>.<what>`, e.g. `decode.cef.bad_header`, `decode.json.syntax`. */
  code: string;
  message: string;
}

export type DecodeResult = { ok: true; value: Decoded } | { ok: false; error: DecodeError };

export interface DecodeOptions {
  /** IANA zone or fixed offset (`+02:00`) for formats that carry no zone (RFC 3164). Default UTC. */
  timezone?: string;
  /** Receive time: RFC 3164 year inference uses it so that a December line read in January lands last year. */
  receivedAt?: Date;
}

export type Decoder = (record: string | Uint8Array, opts?: DecodeOptions) => DecodeResult;
