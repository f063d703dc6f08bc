/**
 * What one `weft ingest` run hands the next, so that a correlation whose events are split across two
 * runs (a brute force in yesterday's rotated log, its successful login in today's) is found as one
 * run over both would find it. Stored as the store checkpoint `correlate:ingest`.
 *
 * Format (framed as the engine's snapshot is: correlate/checkpoint.ts frameParts): `WEFTCARY`, a
 * format version, then two length-prefixed parts: UTF-8 JSON with the digests of the alerts the run
 * reported when it settled its open windows and the events it took that a later input could repeat,
 * and the engine snapshot taken before it settled them.
 */
import { createHash } from 'node:crypto';
import { frameParts, unframeParts } from '../correlate/checkpoint.js';
import { CheckpointError } from '../correlate/errors.js';
import type { CorrelationAlert } from '../correlate/index.js';

export const INGEST_CORRELATION_CHECKPOINT = 'correlate:ingest';
const MAGIC = 'WEFTCARY';
const VERSION = 1;

export interface CorrelationCarry {
  /** The engine as it stood before the run settled its open windows. */
  engine: Uint8Array;
  /**
   * Digests (alertDigest) of the alerts that settling reported. Their windows are still open in
   * `engine`, so the next run closes them again: the same alert from the same events is not reported
   * twice; one that the next run's events extended is.
   */
  reported: string[];
  /**
   * Ids and times of the events the engine took that a later input could bring again without
   * being late (at or after its watermark): the same file ingested twice, or an overlap. A
   * continuing run skips them, so no window counts an event twice.
   */
  recent: Array<[string, number]>;
}

/**
 * One correlation alert's identity: its correlation, the events it counted and when it fired, and
 * what a capped event list leaves out (a session's events past max_events, its value and end).
 */
export function alertDigest(a: CorrelationAlert): string {
  const rule = a.rule.id ?? a.rule.name ?? a.rule.title;
  const what = [rule, a.correlation.type, a.events, a['@timestamp'], a.last_time, a.value ?? null, a.omitted_events ?? 0];
  return createHash('sha256').update(JSON.stringify(what)).digest('hex').slice(0, 32);
}

export function encodeCarry(c: CorrelationCarry): Uint8Array {
  return frameParts(MAGIC, VERSION, [new TextEncoder().encode(JSON.stringify({ reported: c.reported, recent: c.recent })), c.engine]);
}

/** Throws CheckpointError naming what is wrong; the engine part is checked when it is restored. */
export function decodeCarry(bytes: Uint8Array): CorrelationCarry {
  const [metaPart, engine] = unframeParts(bytes, MAGIC, VERSION, { what: 'carry-over', foreign: 'a Weft ingest correlation carry-over', parts: ['reported alerts', 'engine'] }) as [Uint8Array, Uint8Array];
  let meta: unknown;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(metaPart));
  } catch (e) {
    throw new CheckpointError(`carry-over reported-alerts part is damaged: ${(e as Error).message}`);
  }
  const { reported, recent } = (meta ?? {}) as { reported?: unknown; recent?: unknown };
  if (!Array.isArray(reported) || !reported.every((r) => typeof r === 'string')) {
    throw new CheckpointError('carry-over reported-alerts part is not a list of digests');
  }
  if (!Array.isArray(recent) || !recent.every((r) => Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && typeof r[1] === 'number')) {
    throw new CheckpointError('carry-over recent-events part is not a list of [event id, time]');
  }
  return { engine, reported, recent: recent as Array<[string, number]> };
}
