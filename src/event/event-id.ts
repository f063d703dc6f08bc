import { hash } from 'node:crypto';
import { writeUtf8 } from './utf8-write.js';

/*
 * The record's UTF-8 bytes are written into one reused buffer after the source id and a NUL, and
 * hashed from there: building `${sourceId}\0${raw}` as a string first costs a copy of the whole
 * record (the concatenation is flattened) before the hash encodes it again. Hashing is synchronous,
 * so one buffer serves every call.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);
let scratchSource: string | undefined;
let scratchPrefix = 0;
/** Larger records are hashed without the buffer, so one huge record does not pin its size for good. */
const SCRATCH_MAX = 4 * 1024 * 1024;
/**
 * Views of the scratch buffer's first n bytes, by n: a subarray per call costs about as much as
 * the hash call's own overhead. Record lengths repeat, and the table is bounded by VIEW_MAX.
 */
let views: (Buffer | undefined)[] = [];
const VIEW_MAX = 16 * 1024;

function viewOf(end: number): Buffer {
  if (end > VIEW_MAX) return scratch.subarray(0, end);
  let v = views[end];
  if (v === undefined) views[end] = v = scratch.subarray(0, end);
  return v;
}

function withPrefix(sourceId: string, need: number): void {
  if (need > scratch.length) {
    scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
    scratchSource = undefined;
    views = [];
  }
  if (sourceId !== scratchSource) {
    scratchPrefix = scratch.write(sourceId, 0, 'utf8');
    scratch[scratchPrefix++] = 0;
    scratchSource = sourceId;
  }
}

/**
 * The stable id of an event: SHA-256 over the source id and the raw record, first 128 bits in hex.
 * Retries and replays of the same record from the same source produce the same id, so the store's
 * primary key deduplicates them. Two byte-identical records from one source are one event by design.
 */
export function eventId(sourceId: string, raw: string | Uint8Array): string {
  // The same bytes as hashing sourceId, NUL, raw in turn. A UTF-8 code unit takes at most 3 bytes.
  const rawMax = typeof raw === 'string' ? raw.length * 3 : raw.length;
  const need = sourceId.length * 3 + 1 + rawMax;
  if (need > SCRATCH_MAX) {
    const data = typeof raw === 'string' ? `${sourceId}\0${raw}` : Buffer.concat([Buffer.from(`${sourceId}\0`), raw]);
    return hash('sha256', data, 'hex').slice(0, 32);
  }
  withPrefix(sourceId, need);
  const end = typeof raw === 'string'
    ? scratchPrefix + writeUtf8(scratch, raw, scratchPrefix)
    : (scratch.set(raw, scratchPrefix), scratchPrefix + raw.length);
  return hash('sha256', viewOf(end), 'hex').slice(0, 32);
}

/** SHA-256 hex of a canonical entity form (`user:corp\alice`), the id enrichment assigns. */
export function entityId(kind: string, canonical: string): string {
  return hash('sha256', `${kind}:${canonical}`, 'hex');
}
