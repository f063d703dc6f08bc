/**
 * The prepare step of the ingest writer: framed records to normalized events (RecordPipeline), plus
 * the batch's quarantine records and source activity. Shared by the writer's inline path and its
 * worker threads (prepare-worker.ts), so both produce exactly the same batch.
 */
import type { WeftEvent } from '../event/model.js';
import { eventColumns, type EventColumns } from '../store/event-columns.js';
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

/**
 * `withRows`: lay the events out as store columns here (JSON of each document included), so the
 * thread that commits only inserts. If any event is not storable the events are returned instead,
 * and the store names the bad one when the batch is committed, as before.
 */
export function prepareBatch(pipelines: PipelineCache, records: ReadonlyArray<IngestRecord>, meta: IngestMeta, withRows: boolean): PreparedBatch {
  const pipeline = pipelines.get(meta);
  const at = meta.receivedAt ?? new Date();
  const events: WeftEvent[] = [];
  const quarantine: QuarantineInput[] = [];
  let sourceType = meta.sourceType;
  for (const rec of records) {
    for (const o of pipeline.process(rec, at)) {
      if (o.kind === 'event') {
        events.push(o.event);
        sourceType ??= o.event.weft.source_type;
      } else {
        quarantine.push(o.quarantine);
      }
    }
  }
  const activity: SourceActivity = {
    id: meta.sourceId, events: events.length, quarantined: quarantine.length, seenAt: at.toISOString(),
    ...(sourceType !== undefined ? { type: sourceType } : {}),
    ...(meta.format !== undefined && meta.format !== 'auto' ? { format: meta.format } : {}),
  };
  const result = { records: records.length, events: events.length, quarantined: quarantine.length };
  if (withRows) {
    const rows = layOut(events);
    if (rows !== undefined) return { events: [], rows, quarantine, activity, result };
  }
  return { events, quarantine, activity, result };
}

function layOut(events: WeftEvent[]): EventColumns[] | undefined {
  const rows: EventColumns[] = new Array<EventColumns>(events.length);
  try {
    for (let i = 0; i < events.length; i++) rows[i] = eventColumns(events[i] as WeftEvent, i);
  } catch {
    return undefined;
  }
  return rows;
}
