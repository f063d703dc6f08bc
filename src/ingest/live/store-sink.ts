/**
 * The plain sink: one RecordPipeline per source, events to store.appendEvents and the rest to
 * store.addQuarantine, source activity recorded. Used by `weft ingest --follow`, by the tests, and as
 * the starting point for the server's writer. Both store calls are idempotent (stable event ids,
 * quarantine ids from source+reason+bytes), so a batch written again after a crash is not stored twice.
 */
import type { DeclaredSource } from '../declared-sources.js';
import type { EntityResolver } from '../../enrich/entity-resolver.js';
import type { WeftEvent } from '../../event/model.js';
import type { QuarantineInput, Store } from '../../store/types.js';
import type { FramedRecord } from '../framing.js';
import { PipelineCache } from '../pipeline-cache.js';
import type { RecordSink, SinkMeta } from './sink.js';

export interface StoreRecordSinkOptions {
  timezone?: string;
  /** `ingest.sources`: type, format and zone by source id, where the listener or file declares none. */
  sources?: readonly DeclaredSource[];
  maxRecordBytes?: number;
  resolver?: EntityResolver;
}

export interface StoreSinkTotals {
  records: number;
  events: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  quarantinedByReason: Record<string, number>;
}

export class StoreRecordSink implements RecordSink {
  private readonly pipelines: PipelineCache;
  readonly totals: StoreSinkTotals = { records: 0, events: 0, stored: 0, duplicates: 0, quarantined: 0, quarantinedByReason: {} };

  constructor(private readonly store: Store, opts: StoreRecordSinkOptions = {}) {
    // The set of sources is fixed by the configuration, so nothing is ever recycled in practice.
    this.pipelines = new PipelineCache(opts);
  }

  async write(records: FramedRecord[], meta: SinkMeta): Promise<void> {
    if (records.length === 0) return;
    const pipeline = this.pipelines.get(meta);
    const events: WeftEvent[] = [];
    const quarantine: QuarantineInput[] = [];
    for (const rec of records) {
      for (const o of pipeline.process(rec, meta.receivedAt)) {
        if (o.kind === 'event') events.push(o.event);
        else quarantine.push(o.quarantine);
      }
    }
    let stored = 0;
    let duplicates = 0;
    if (events.length > 0) {
      const r = await this.store.appendEvents(events);
      stored = r.inserted;
      duplicates = r.duplicates;
    }
    if (quarantine.length > 0) await this.store.addQuarantine(quarantine);
    await this.store.recordSourceActivity([{
      id: meta.sourceId, events: events.length, quarantined: quarantine.length, seenAt: meta.receivedAt.toISOString(),
      ...(meta.sourceType !== undefined ? { type: meta.sourceType } : {}),
      ...(meta.format !== undefined ? { format: meta.format } : {}),
    }]);
    // Counted only once committed, so the totals never claim what a failed write did not store.
    const t = this.totals;
    t.records += records.length;
    t.events += events.length;
    t.stored += stored;
    t.duplicates += duplicates;
    t.quarantined += quarantine.length;
    for (const q of quarantine) t.quarantinedByReason[q.reason] = (t.quarantinedByReason[q.reason] ?? 0) + 1;
  }

}
