/**
 * Quarantined records read again (`weft quarantine replay`, `POST /api/v1/quarantine/redrive`):
 * as live ingest reads their source (its declared type, format and zone, `ingest.sources`), binary
 * OTLP requests as the bytes they are. Only a record that now normalizes completely leaves the
 * quarantine; the caller stores the events and removes those records.
 */
import type { WeftConfig } from '../config/schema.js';
import type { WeftEvent } from '../event/model.js';
import type { QuarantineRecord } from '../store/types.js';
import { PipelineCache } from './pipeline-cache.js';

export interface Reread {
  /** The events of the records that now normalize. */
  events: WeftEvent[];
  /** Those records' ids. */
  fixed: string[];
}

export class QuarantineReader {
  private readonly pipelines: PipelineCache;

  constructor(config: WeftConfig) {
    this.pipelines = new PipelineCache({ timezone: config.ingest.timezone, maxRecordBytes: config.ingest.max_record_bytes, sources: config.ingest.sources });
  }

  read(records: readonly QuarantineRecord[]): Reread {
    const out: Reread = { events: [], fixed: [] };
    for (const r of records) {
      const binary = r.format === 'otlp-protobuf';
      const p = this.pipelines.get({ sourceId: r.sourceId, ...(binary ? { format: 'otlp-protobuf' as const } : {}) });
      const outcomes = p.process(binary ? r.raw : Buffer.from(r.raw).toString('utf8'), new Date(r.receivedAt));
      if (outcomes.length > 0 && outcomes.every((o) => o.kind === 'event')) {
        for (const o of outcomes) if (o.kind === 'event') out.events.push(o.event);
        out.fixed.push(r.id);
      }
    }
    return out;
  }
}
