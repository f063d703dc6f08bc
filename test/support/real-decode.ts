/**
 * The real decoders as mapper tests use them: one record through `decodeRecord` (format detection
 * included, exactly as ingest decodes it), which must succeed.
 */
import assert from 'node:assert/strict';
import { decodeRecord } from '../../src/decode/detect.js';
import type { DeclaredFormat, Decoded } from '../../src/decode/types.js';

export interface RealDecodeOptions {
  format?: DeclaredFormat;
  /** Receive time; RFC 3164 lines without a year take the year that puts them at or before it. */
  receivedAt?: Date;
  timezone?: string;
}

/** Receive time at the end of `year`, so that RFC 3164 lines without a year land in it. */
export function receivedIn(year: number): Date {
  return new Date(Date.UTC(year, 11, 31, 23, 59, 59));
}

export function decodeOk(record: string, opts: RealDecodeOptions = {}): Decoded {
  const r = decodeRecord(record, opts.format ?? 'auto', {
    receivedAt: opts.receivedAt ?? new Date('2024-05-01T10:00:00Z'),
    ...(opts.timezone !== undefined ? { timezone: opts.timezone } : {}),
  });
  if (!r.ok) assert.fail(`${r.error.code}: ${r.error.message} (${record.slice(0, 80)})`);
  return r.value;
}
