/**
 * One framed record in, one outcome per raw object out: a normalized, stamped ECS event, or a
 * quarantine record saying exactly why not. This is path stages 2 to 4 for every source (files, stdin,
 * HTTP, syslog); it never throws on bad input, so nothing already accepted is lost.
 */
import { DEFAULT_MAX_RECORD_BYTES, decodeRecords } from '../decode/detect.js';
import type { DeclaredFormat, Decoded, DecodeResult } from '../decode/types.js';
import type { EntityResolver } from '../enrich/entity-resolver.js';
import { eventId } from '../event/event-id.js';
import { isCanonicalUtcIso } from '../event/iso-time.js';
import { ECS_VERSION, type EcsFields, type WeftEvent } from '../event/model.js';
import { cloudtrailRecords } from '../normalize/cloudtrail/index.js';
import { detectMapper, mapperFor } from '../normalize/registry.js';
import type { Mapper } from '../normalize/types.js';
import type { QuarantineInput } from '../store/types.js';
import { decodeFramed, type FramedRecord } from './framing.js';

export interface RecordPipelineOptions {
  /** Stable id of the source; part of every event id. */
  sourceId: string;
  /** Declared source type (`--source-type`); otherwise chosen per record from the content. */
  sourceType?: string;
  /** Declared wire format (`--format`); `auto` detects per record. */
  format?: DeclaredFormat;
  /** Zone for timestamps that carry none. */
  timezone?: string;
  maxRecordBytes?: number;
  /** Stamped on every event as `log.file.path` (file sources). */
  filePath?: string;
  /** Entity resolution: sets `weft.entity` ids on every event. */
  resolver?: EntityResolver;
}

export type RecordOutcome =
  | { kind: 'event'; event: WeftEvent }
  | { kind: 'quarantine'; quarantine: QuarantineInput };

/** An outcome before the `weft.*` stamp: the event as normalized, or the same quarantine record. */
export type NormalizeOutcome =
  | { kind: 'event'; event: EcsFields | WeftEvent }
  | { kind: 'quarantine'; quarantine: QuarantineInput };

type Rec = Record<string, unknown>;

const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

export class RecordPipeline {
  private readonly declaredMapper: Mapper | undefined;
  private readonly format: DeclaredFormat;
  private readonly timezone: string;
  private readonly maxRecordBytes: number;
  private lastReceivedMs = Number.NaN;
  private lastReceivedIso = '';

  /** Throws UnknownSourceTypeError for a source type no mapper has: a bad argument, not bad data. */
  constructor(private readonly opts: RecordPipelineOptions) {
    this.declaredMapper = opts.sourceType !== undefined ? mapperFor(opts.sourceType) : undefined;
    this.format = opts.format ?? 'auto';
    this.timezone = opts.timezone ?? 'UTC';
    this.maxRecordBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  /**
   * Process one framed record. `receivedAt` is the receive time, never used as event time unless the
   * record has none. Bytes (a binary OTLP protobuf request) are decoded as they are; each event's
   * `event.original` is then the JSON of its decoded fields, since the bytes are not text.
   */
  process(rec: FramedRecord | string | Uint8Array, receivedAt: Date): RecordOutcome[] {
    return this.run(rec, receivedAt, true) as RecordOutcome[];
  }

  /**
   * Decode and normalize only (path stages 2 and 3): each event as its mapper made it, validated and
   * with `event.original` and `ecs.version`, but without the `weft.*` stamp (event id, source, ingest
   * time) or entity ids. What the ingest benchmark times as decode + normalize.
   */
  normalizeOnly(rec: FramedRecord | string | Uint8Array, receivedAt: Date): NormalizeOutcome[] {
    return this.run(rec, receivedAt, false);
  }

  private run(rec: FramedRecord | string | Uint8Array, receivedAt: Date, stamp: boolean): NormalizeOutcome[] {
    const binary = rec instanceof Uint8Array;
    const text = binary ? '' : typeof rec === 'string' ? rec : rec.text;
    // Not a closure: one would be allocated (and, under tsx, named) for every record.
    const raw: string | Uint8Array = binary ? rec : text;
    let results: DecodeResult[];
    try {
      const opts = { timezone: this.timezone, receivedAt, maxRecordBytes: this.maxRecordBytes };
      // Bytes or a bare string were never cut by framing, so they cannot carry the framer's oversized mark.
      results = binary || typeof rec === 'string' ? decodeRecords(rec, this.format, opts) : decodeFramed(rec, this.format, opts);
    } catch (err) {
      // Decoders are written never to throw; if one does, the record is still kept, not lost.
      return [this.quarantine(raw, 'decode.record.internal_error', `decoder failed: ${(err as Error).message}`, receivedAt)];
    }
    const single = results.length === 1 && !binary;
    const out: NormalizeOutcome[] = [];
    for (const r of results) {
      if (!r.ok) {
        out.push(this.quarantine(raw, r.error.code, r.error.message, receivedAt));
        continue;
      }
      // A CloudTrail file (`{"Records": [...]}`) holds many events in one document.
      const ct = r.value.format === 'json' && Array.isArray(r.value.fields.Records) ? cloudtrailRecords(r.value.fields) : undefined;
      if (ct !== undefined) {
        if ('error' in ct) {
          out.push(this.quarantine(text, 'normalize.cloudtrail.bad_records', ct.error, receivedAt));
        } else {
          for (const fields of ct) out.push(this.normalize({ format: 'json', fields }, JSON.stringify(fields), receivedAt, stamp));
        }
        continue;
      }
      const original = single ? text.trim() : safeJson(r.value.fields);
      out.push(this.normalize(r.value, original, receivedAt, stamp));
    }
    return out;
  }

  private normalize(decoded: Decoded, original: string, receivedAt: Date, stamp: boolean): NormalizeOutcome {
    let mapper = this.declaredMapper;
    if (mapper !== undefined) {
      if (!mapper.detect(decoded)) {
        return this.quarantine(original, `normalize.${mapper.sourceType}.not_this_source`,
          `declared source type ${mapper.sourceType} does not fit this ${decoded.format} record`, receivedAt, decoded.format);
      }
    } else {
      mapper = detectMapper(decoded);
      if (mapper === undefined) {
        return this.quarantine(original, 'normalize.unknown_source', `no mapper recognizes this ${decoded.format} record`, receivedAt, decoded.format);
      }
    }
    let mapped;
    try {
      mapped = mapper.map(decoded, { sourceId: this.opts.sourceId, receivedAt, timezone: this.timezone, original });
    } catch (err) {
      return this.quarantine(original, `normalize.${mapper.sourceType}.internal_error`, `mapper failed: ${(err as Error).message}`, receivedAt, decoded.format, mapper.sourceType);
    }
    if (!mapped.ok) return this.quarantine(original, mapped.reason, mapped.message, receivedAt, decoded.format, mapper.sourceType);
    const ev = mapped.event as Rec;
    const ts = ev['@timestamp'];
    // Mappers write toISOString's form, usually as the last time they formatted: checked without Date.
    if (typeof ts !== 'string' || (!isCanonicalUtcIso(ts) && !Number.isFinite(Date.parse(ts)))) {
      return this.quarantine(original, 'validate.@timestamp', `@timestamp is missing or not a date: ${String(ts)}`, receivedAt, decoded.format, mapper.sourceType);
    }
    // The mapper's event is fresh per record: stamp it in place (same keys, same order as copying would give).
    if (isRec(ev.event)) ev.event.original = original;
    else ev.event = { original };
    ev.ecs = { version: ECS_VERSION };
    if (this.opts.filePath !== undefined) {
      if (!isRec(ev.log)) ev.log = {};
      const log = ev.log as Rec;
      if (isRec(log.file)) log.file.path = this.opts.filePath;
      else log.file = { path: this.opts.filePath };
    }
    if (!stamp) return { kind: 'event', event: ev as EcsFields };
    const id = eventId(this.opts.sourceId, original);
    const ingestTime = this.isoOf(receivedAt);
    if (isRec(ev.weft)) {
      const weft = ev.weft;
      weft.id = id;
      weft.source_id = this.opts.sourceId;
      weft.source_type = mapper.sourceType;
      weft.ingest_time = ingestTime;
    } else {
      // Mappers rarely set weft.*: one literal (same keys, same order) instead of four property adds.
      ev.weft = { id, source_id: this.opts.sourceId, source_type: mapper.sourceType, ingest_time: ingestTime };
    }
    const out = ev as WeftEvent;
    this.opts.resolver?.enrich(out);
    return { kind: 'event', event: out };
  }

  /** Callers pass one receive time for a whole batch: format it once. */
  private isoOf(d: Date): string {
    const t = d.getTime();
    if (t !== this.lastReceivedMs) {
      this.lastReceivedMs = t;
      this.lastReceivedIso = d.toISOString();
    }
    return this.lastReceivedIso;
  }

  private quarantine(raw: string | Uint8Array, reason: string, message: string, receivedAt: Date, format?: string, sourceType?: string): RecordOutcome {
    return {
      kind: 'quarantine',
      quarantine: {
        reason, message, raw, sourceId: this.opts.sourceId, receivedAt: receivedAt.toISOString(),
        ...(format !== undefined ? { format } : {}),
        ...(sourceType ?? this.opts.sourceType ? { sourceType: sourceType ?? this.opts.sourceType } : {}),
      },
    };
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
