/**
 * The plain sink: one RecordPipeline per source, events to store.appendEvents and the rest to
 * store.addQuarantine, source activity recorded. Used by `weft ingest --follow`, by the tests, and as
 * the starting point for the server's writer. Both store calls are idempotent (stable event ids,
 * quarantine ids from source+reason+bytes), so a batch written again after a crash is not stored twice.
 */
import type { EntityResolver } from '../../enrich/entity-resolver.js';
import type { WeftEvent } from '../../event/model.js';
import type { QuarantineInput, Store } from '../../store/types.js';
import type { FramedRecord } from '../framing.js';
import { RecordPipeline } from '../record-pipeline.js';
import type { RecordSink, SinkMeta } from './sink.js';

export interface StoreRecordSinkOptions {
  timezone?: string;
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
  private readonly pipelines = new Map<string, RecordPipeline>();
  readonly totals: StoreSinkTotals = { records: 0, events: 0, stored: 0, duplicates: 0, quarantined: 0, quarantinedByReason: {} };

  constructor(private readonly store: Store, private readonly opts: StoreRecordSinkOptions = {}) {}

  async write(records: FramedRecord[], meta: SinkMeta): Promise<void> {
    if (records.length === 0) return;
    const pipeline = this.pipelineFor(meta);
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

  /** One pipeline per (source, declared type and format, file): the set is fixed by the configuration. */
  private pipelineFor(meta: SinkMeta): RecordPipeline {
    const key = `${meta.sourceId}\0${meta.sourceType ?? ''}\0${meta.format ?? ''}\0${meta.filePath ?? ''}`;
    let p = this.pipelines.get(key);
    if (p === undefined) {
      p = new RecordPipeline({
        sourceId: meta.sourceId,
        ...(meta.sourceType !== undefined ? { sourceType: meta.sourceType } : {}),
        ...(meta.format !== undefined ? { format: meta.format } : {}),
        ...(meta.filePath !== undefined ? { filePath: meta.filePath } : {}),
        ...(this.opts.timezone !== undefined ? { timezone: this.opts.timezone } : {}),
        ...(this.opts.maxRecordBytes !== undefined ? { maxRecordBytes: this.opts.maxRecordBytes } : {}),
        ...(this.opts.resolver !== undefined ? { resolver: this.opts.resolver } : {}),
      });
      this.pipelines.set(key, p);
    }
    return p;
  }
}
