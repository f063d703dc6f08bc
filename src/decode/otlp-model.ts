/** The per-logRecord raw object that both OTLP encodings (JSON, protobuf) decode to. */
import { isoFromMillis } from '../event/iso-time.js';
import { lookupTable } from '../event/own-props.js';

export interface OtlpScope {
  name?: string;
  version?: string;
  attributes: Record<string, unknown>;
  dropped_attributes_count?: number;
  schema_url?: string;
}

export interface OtlpResource {
  attributes: Record<string, unknown>;
  dropped_attributes_count?: number;
  schema_url?: string;
}

export interface OtlpLogFields {
  /** ISO 8601 UTC of timeUnixNano (millisecond precision); the exact value is in time_unix_nano. */
  timestamp?: string;
  time_unix_nano?: string;
  observed_timestamp?: string;
  observed_time_unix_nano?: string;
  severity_number?: number;
  severity_text?: string;
  body?: unknown;
  attributes: Record<string, unknown>;
  dropped_attributes_count?: number;
  flags?: number;
  trace_id?: string;
  span_id?: string;
  event_name?: string;
  resource: OtlpResource;
  scope: OtlpScope;
}

/** Maximum AnyValue nesting (arrays in maps in arrays ...) accepted from a sender. */
export const MAX_ANYVALUE_DEPTH = 64;

/** ISO time of a nanosecond epoch count, or undefined for 0 (OTLP's "unknown"). */
export function nanosToIso(nanos: bigint): string | undefined {
  if (nanos <= 0n) return undefined;
  const ms = Number(nanos / 1_000_000n);
  if (ms > 253_402_300_799_999) return undefined;
  return isoFromMillis(ms);
}

export const SEVERITY_NUMBERS: Readonly<Record<string, number>> = lookupTable({
  SEVERITY_NUMBER_UNSPECIFIED: 0,
  SEVERITY_NUMBER_TRACE: 1, SEVERITY_NUMBER_TRACE2: 2, SEVERITY_NUMBER_TRACE3: 3, SEVERITY_NUMBER_TRACE4: 4,
  SEVERITY_NUMBER_DEBUG: 5, SEVERITY_NUMBER_DEBUG2: 6, SEVERITY_NUMBER_DEBUG3: 7, SEVERITY_NUMBER_DEBUG4: 8,
  SEVERITY_NUMBER_INFO: 9, SEVERITY_NUMBER_INFO2: 10, SEVERITY_NUMBER_INFO3: 11, SEVERITY_NUMBER_INFO4: 12,
  SEVERITY_NUMBER_WARN: 13, SEVERITY_NUMBER_WARN2: 14, SEVERITY_NUMBER_WARN3: 15, SEVERITY_NUMBER_WARN4: 16,
  SEVERITY_NUMBER_ERROR: 17, SEVERITY_NUMBER_ERROR2: 18, SEVERITY_NUMBER_ERROR3: 19, SEVERITY_NUMBER_ERROR4: 20,
  SEVERITY_NUMBER_FATAL: 21, SEVERITY_NUMBER_FATAL2: 22, SEVERITY_NUMBER_FATAL3: 23, SEVERITY_NUMBER_FATAL4: 24,
});

/** An int64 as a JS number when it is exactly representable, else its decimal string. */
export function int64Value(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}
