/**
 * Test support: raw text to normalized events with the real framing, decoders and mappers, the way
 * ingest will do it (frame, decode, split CloudTrail files, pick the first mapper that claims the
 * record). Failures are returned, never dropped, so a test can assert there are none.
 */
import { Readable } from 'node:stream';
import { decodeRecords } from '../../src/decode/detect.js';
import type { DeclaredFormat, Decoded } from '../../src/decode/types.js';
import type { EcsFields } from '../../src/event/model.js';
import { eventId } from '../../src/event/event-id.js';
import { frameRecords, type FramingMode } from '../../src/ingest/framing.js';
import { cloudtrailRecords } from '../../src/normalize/cloudtrail/index.js';
import { mappers } from '../../src/normalize/sources.js';
import type { Mapper, MapperContext } from '../../src/normalize/types.js';
import { windowsMappers } from '../../src/normalize/windows/index.js';

/** Every mapper, Windows included, highest detection priority first (generic last). */
export const allMappers: readonly Mapper[] = [...windowsMappers, ...mappers].sort((a, b) => b.priority - a.priority);

export interface NormalizedRecord {
  /** The record's raw text (for a record split out of a CloudTrail file: its compact JSON). */
  raw: string;
  /** 1-based line of the framed record in the input. */
  line: number;
  /** Index of the record inside a CloudTrail file, when split from one. */
  index?: number;
  eventId: string;
  sourceType: string;
  event: EcsFields;
}

export interface NormalizeFailure {
  line: number;
  reason: string;
  message: string;
}

export interface NormalizeHints {
  format?: DeclaredFormat;
  sourceType?: string;
  framing?: FramingMode;
  /** Receive time for decoders that infer a year (RFC 3164); default: now. */
  receivedAt?: Date;
}

function pickMapper(d: Decoded, sourceType: string | undefined): Mapper | undefined {
  if (sourceType !== undefined) return allMappers.find((m) => m.sourceType === sourceType);
  return allMappers.find((m) => m.detect(d));
}

/** Normalize every record of a text; the sourceId feeds event ids as ingest computes them. */
export async function normalizeText(text: string, sourceId: string, hints: NormalizeHints = {}): Promise<{ records: NormalizedRecord[]; failures: NormalizeFailure[] }> {
  const ctx: MapperContext = { sourceId, receivedAt: new Date('2030-01-01T00:00:00Z'), timezone: 'UTC' };
  const records: NormalizedRecord[] = [];
  const failures: NormalizeFailure[] = [];
  const mapOne = (d: Decoded, raw: string, line: number, index?: number): void => {
    const m = pickMapper(d, hints.sourceType);
    if (m === undefined) {
      failures.push({ line, reason: 'normalize.unknown_source', message: `no mapper recognizes this ${d.format} record` });
      return;
    }
    const r = m.map(d, ctx);
    if (!r.ok) {
      failures.push({ line, reason: r.reason, message: r.message });
      return;
    }
    const rec: NormalizedRecord = { raw, line, eventId: eventId(sourceId, raw), sourceType: m.sourceType, event: r.event };
    if (index !== undefined) rec.index = index;
    records.push(rec);
  };
  const stream = Readable.from([Buffer.from(text, 'utf8')]);
  for await (const framed of frameRecords(stream, { mode: hints.framing ?? 'auto' })) {
    for (const res of decodeRecords(framed.text, hints.format ?? 'auto', hints.receivedAt === undefined ? {} : { receivedAt: hints.receivedAt })) {
      if (!res.ok) {
        failures.push({ line: framed.line, reason: res.error.code, message: res.error.message });
        continue;
      }
      const d = res.value;
      if (d.format === 'json' && Array.isArray(d.fields['Records'])) {
        const split = cloudtrailRecords(d.fields);
        if (!Array.isArray(split)) {
          failures.push({ line: framed.line, reason: 'cloudtrail_file', message: split.error });
          continue;
        }
        split.forEach((rec, i) => mapOne({ format: 'json', fields: rec }, JSON.stringify(rec), framed.line, i));
        continue;
      }
      mapOne(d, framed.text, framed.line);
    }
  }
  return { records, failures };
}
