/**
 * The prepare step of the ingest writer: framed records to normalized events (RecordPipeline), plus
 * the batch's quarantine records and source activity. Shared by the writer's inline path and its
 * worker threads (prepare-worker.ts), so both produce exactly the same batch.
 */
import type { WeftEvent } from '../event/model.js';
import { eventColumns, TextPacker, type EventColumns } from '../store/event-columns.js';
import type { QuarantineInput, SourceActivity } from '../store/types.js';
import type { FramedRecord } from './framing.js';
import type { IngestMeta } from './ingest-writer.js';
import type { PipelineCache } from './pipeline-cache.js';

export type IngestRecord = string | FramedRecord | Uint8Array;

/** One submitted batch, decoded and normalized, waiting for its commit. */
export interface PreparedBatch {
  /** The events, unless they were laid out as `rows` (then empty: the rows are what the store needs). */
  events: WeftEvent[];
  /** The events as store columns, when asked for and every event was valid. */
  rows?: EventColumns[];
  /** The buffer the rows' text is packed in (see packText), when a worker laid them out: recycle it after the commit. */
  text?: ArrayBuffer;
  quarantine: QuarantineInput[];
  activity: SourceActivity;
  result: { records: number; events: number; quarantined: number };
}

type Summary = Omit<PreparedBatch, 'events' | 'rows' | 'text'>;

/**
 * `withRows`: lay the events out as store columns here (JSON of each document included), so the
 * thread that commits only inserts. If any event is not storable the events are returned instead,
 * and the store names the bad one when the batch is committed, as before.
 * `packer` (with rows): each row's text goes into its buffer as soon as the row is laid out, and the
 * batch's `text` is that buffer.
 */
export function prepareBatch(pipelines: PipelineCache, records: ReadonlyArray<IngestRecord>, meta: IngestMeta, withRows: boolean, packer?: () => TextPacker): PreparedBatch {
  if (withRows) {
    // Each event is laid out as soon as it is normalized and then dropped, so a batch's event objects
    // die young instead of all living until the last record: kept, a thousand of them outlast a
    // scavenge and are promoted, and the old-generation collections that follow cost more CPU than the
    // JSON itself (bench/prepare.ts).
    // The same goes for the row's strings, when they are packed at once.
    const rows: EventColumns[] = [];
    const text = packer?.();
    const laidOut = run(pipelines, records, meta, (e) => {
      let row: EventColumns;
      try {
        row = eventColumns(e, rows.length);
      } catch {
        return false;
      }
      text?.pack(row);
      rows.push(row);
      return true;
    });
    if (laidOut !== undefined) return { events: [], rows, ...(text !== undefined ? { text: text.finish() } : {}), ...laidOut };
    // An event the store would refuse: prepare again (the pipeline is deterministic) and keep the
    // events, so the commit fails naming it.
  }
  const events: WeftEvent[] = [];
  const summary = run(pipelines, records, meta, (e) => {
    events.push(e);
    return true;
  }) as Summary;
  return { events, ...summary };
}

/** Run the batch through its pipeline, handing each event to `take`; undefined once `take` refuses one. */
function run(pipelines: PipelineCache, records: ReadonlyArray<IngestRecord>, meta: IngestMeta, take: (e: WeftEvent) => boolean): Summary | undefined {
  const pipeline = pipelines.get(meta);
  const at = meta.receivedAt ?? new Date();
  const quarantine: QuarantineInput[] = [];
  let events = 0;
  let sourceType = meta.sourceType;
  for (const rec of records) {
    for (const o of pipeline.process(rec, at)) {
      if (o.kind === 'event') {
        if (!take(o.event)) return undefined;
        events++;
        sourceType ??= o.event.weft.source_type;
      } else {
        quarantine.push(o.quarantine);
      }
    }
  }
  const activity: SourceActivity = {
    id: meta.sourceId, events, quarantined: quarantine.length, seenAt: at.toISOString(),
    ...(sourceType !== undefined ? { type: sourceType } : {}),
    ...(meta.format !== undefined && meta.format !== 'auto' ? { format: meta.format } : {}),
  };
  return { quarantine, activity, result: { records: records.length, events, quarantined: quarantine.length } };
}
