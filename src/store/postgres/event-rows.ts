import type { WeftEvent } from '../../event/model.js';
import { StoreError } from '../errors.js';
import { eventColumns } from '../event-columns.js';
import { MAX_PARTITION_YEAR, MIN_PARTITION_YEAR, monthKey, yearOf } from './partitions.js';
import { hasUnstorableJson, hasUnstorableText, storableJson, storableOrNull, storableText } from './pg-text.js';

/**
 * The event batch as column arrays, ready for one `INSERT ... SELECT FROM unnest($1::text[], ...)`:
 * a 5000-event batch is one statement with 17 parameters, not 5000 statements.
 */
export interface EventColumnArrays {
  id: string[];
  ts: string[];
  ingestTs: string[];
  sourceId: string[];
  sourceType: (string | null)[];
  category: (string | null)[];
  action: (string | null)[];
  code: (string | null)[];
  sourceIp: (string | null)[];
  destinationIp: (string | null)[];
  userName: (string | null)[];
  hostName: (string | null)[];
  entityIds: (string | null)[];
  doc: string[];
  raw: (string | null)[];
  exact: (string | null)[];
  /** Partition month of each event (see partitions.ts). */
  month: number[];
}

const inRange = (ms: number): boolean => {
  const y = yearOf(ms);
  return y >= MIN_PARTITION_YEAR && y <= MAX_PARTITION_YEAR;
};

/**
 * Validate a batch (every event, before anything is written) and lay it out as column arrays. The
 * first occurrence of an id wins within a batch, as INSERT OR IGNORE does in the SQLite store;
 * `batchDuplicates` counts the later ones.
 */
export function eventColumnArrays(events: WeftEvent[]): { cols: EventColumnArrays; batchDuplicates: number } {
  const cols: EventColumnArrays = {
    id: [], ts: [], ingestTs: [], sourceId: [], sourceType: [], category: [], action: [], code: [], sourceIp: [],
    destinationIp: [], userName: [], hostName: [], entityIds: [], doc: [], raw: [], exact: [], month: [],
  };
  const seen = new Set<string>();
  let batchDuplicates = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as WeftEvent;
    const c = eventColumns(e, i);
    if (hasUnstorableText(c.id)) {
      throw new StoreError('invalid_record', `event ${i}: weft.id contains a NUL character or a broken surrogate, which PostgreSQL cannot store`);
    }
    if (!inRange(c.ts)) {
      throw new StoreError('invalid_record', `event ${i} (${c.id}): @timestamp ${String(e['@timestamp'])} is outside the years ${MIN_PARTITION_YEAR}-${MAX_PARTITION_YEAR} the PostgreSQL store partitions`);
    }
    if (seen.has(c.id)) {
      batchDuplicates++;
      continue;
    }
    seen.add(c.id);
    const badDoc = hasUnstorableJson(c.doc);
    const badRaw = c.raw !== null && hasUnstorableText(c.raw);
    cols.id.push(c.id);
    cols.ts.push(new Date(c.ts).toISOString());
    // ingest_ts is an index column only; an unpartitionable ingest time falls back to the event time.
    cols.ingestTs.push(new Date(inRange(c.ingestTs) ? c.ingestTs : c.ts).toISOString());
    cols.sourceId.push(storableText(c.sourceId));
    cols.sourceType.push(storableOrNull(c.sourceType));
    cols.category.push(storableOrNull(c.category));
    cols.action.push(storableOrNull(c.action));
    cols.code.push(storableOrNull(c.code));
    cols.sourceIp.push(storableOrNull(c.sourceIp));
    cols.destinationIp.push(storableOrNull(c.destinationIp));
    cols.userName.push(storableOrNull(c.userName));
    cols.hostName.push(storableOrNull(c.hostName));
    cols.entityIds.push(c.entityIds);
    cols.doc.push(badDoc ? storableJson(c.doc) : c.doc);
    cols.raw.push(badRaw ? storableText(c.raw as string) : c.raw);
    // JSON text escapes NUL and lone surrogates, so the exact event survives in a text column.
    cols.exact.push(badDoc || badRaw ? JSON.stringify(e) : null);
    cols.month.push(monthKey(c.ts));
  }
  return { cols, batchDuplicates };
}

/** Keep only the rows at these positions (in order). */
export function selectRows(cols: EventColumnArrays, keep: number[]): EventColumnArrays {
  const pick = <T>(a: T[]): T[] => keep.map((k) => a[k] as T);
  return {
    id: pick(cols.id), ts: pick(cols.ts), ingestTs: pick(cols.ingestTs), sourceId: pick(cols.sourceId), sourceType: pick(cols.sourceType),
    category: pick(cols.category), action: pick(cols.action), code: pick(cols.code), sourceIp: pick(cols.sourceIp),
    destinationIp: pick(cols.destinationIp), userName: pick(cols.userName), hostName: pick(cols.hostName), entityIds: pick(cols.entityIds),
    doc: pick(cols.doc), raw: pick(cols.raw), exact: pick(cols.exact), month: pick(cols.month),
  };
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Rebuild a stored event: the exact JSON when one was kept, else the document with `event.original` put back. */
export function eventFromPgRow(doc: unknown, raw: unknown, exact: unknown): WeftEvent {
  if (typeof exact === 'string') return JSON.parse(exact) as WeftEvent;
  // The driver parses JSONB; accept text too in case a caller selected doc::text.
  const e = (typeof doc === 'string' ? JSON.parse(doc) : doc) as WeftEvent;
  if (typeof raw === 'string') e.event = { ...(obj(e.event) ?? {}), original: raw };
  return e;
}
