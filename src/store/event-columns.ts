import type { WeftEvent } from '../event/model.js';
import { writeUtf8 } from '../event/utf8-write.js';
import { StoreError } from './errors.js';

/** The indexed columns both stores extract from an ECS event. */
export interface EventColumns {
  id: string;
  ts: number;
  ingestTs: number;
  sourceId: string;
  sourceType: string | null;
  category: string | null;
  action: string | null;
  code: string | null;
  sourceIp: string | null;
  destinationIp: string | null;
  userName: string | null;
  hostName: string | null;
  entityIds: string | null;
  /** The ECS document without `event.original` (kept once, in `raw`). */
  doc: string;
  raw: string | null;
  /**
   * `doc` and `raw` as UTF-8, when packed (packText): then `doc` is '' and `raw` null, and a store
   * writes these bytes as the text.
   */
  docUtf8?: Uint8Array;
  rawUtf8?: Uint8Array | null;
}

/** String.prototype.isWellFormed (Node 20; the ES2024 lib typings are not in use): O(1) on one-byte strings. */
function wellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** Not packed yet, and both texts well-formed (their UTF-8 is then exactly the string's). */
function packable(r: EventColumns): boolean {
  return r.docUtf8 === undefined && wellFormed(r.doc) && (r.raw === null || wellFormed(r.raw));
}

/** A new buffer, not zeroed and not from Buffer's shared pool (the whole ArrayBuffer is handed over). */
function newBuffer(bytes: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}

/**
 * Moves rows' `doc` and `raw` into one UTF-8 buffer, row by row as they are laid out, so each row's
 * strings die young instead of waiting for the whole batch (see prepare.ts). An ingest worker
 * transfers that buffer to the committing thread instead of copying thousands of strings into its
 * heap, where they would wait for the commit and be promoted by the GC.
 * A row whose text is not well-formed UTF-16 (a lone surrogate) keeps its strings, so the bytes a
 * store writes are exactly those it would write for the string.
 * `take` supplies a buffer of at least the given size (a recycled one: see PreparePool.recycle);
 * `give` gets back one the packer outgrew.
 */
export class TextPacker {
  private buf: Buffer | undefined;
  private at = 0;
  private readonly packed: EventColumns[] = [];
  /** Per packed row: doc start, doc length, raw start, raw length (-1: no raw). */
  private readonly spans: number[] = [];

  constructor(
    private readonly take: (bytes: number) => ArrayBuffer = newBuffer,
    private readonly give?: (buffer: ArrayBuffer) => void,
    /** Bytes to ask for first (e.g. what the previous batch needed), so the buffer rarely grows. */
    private readonly expected = 0,
  ) {}

  /** Bytes packed so far. */
  get bytes(): number {
    return this.at;
  }

  pack(r: EventColumns): void {
    if (!packable(r)) return;
    const docAt = this.write(r.doc);
    const docLen = this.at - docAt;
    let rawAt = 0;
    let rawLen = -1;
    if (r.raw !== null) {
      rawAt = this.write(r.raw);
      rawLen = this.at - rawAt;
    }
    this.packed.push(r);
    this.spans.push(docAt, docLen, rawAt, rawLen);
    r.doc = '';
    r.raw = null;
  }

  /** Point every packed row at its bytes and return the buffer (an empty one if nothing was packed: none was taken). */
  finish(): ArrayBuffer {
    const buf = this.buf;
    if (buf === undefined) return new ArrayBuffer(0);
    const spans = this.spans;
    for (let i = 0; i < this.packed.length; i++) {
      const r = this.packed[i] as EventColumns;
      const k = i * 4;
      r.docUtf8 = new Uint8Array(buf.buffer, buf.byteOffset + (spans[k] as number), spans[k + 1] as number);
      const rawLen = spans[k + 3] as number;
      r.rawUtf8 = rawLen < 0 ? null : new Uint8Array(buf.buffer, buf.byteOffset + (spans[k + 2] as number), rawLen);
    }
    return buf.buffer as ArrayBuffer;
  }

  /** Append `s` as UTF-8; returns where it starts. */
  private write(s: string): number {
    const start = this.at;
    // UTF-16 to UTF-8 is at most 3 bytes per code unit: only a string that might not fit is measured.
    const room = this.buf === undefined ? 0 : this.buf.length - start;
    if (room < s.length * 3) {
      const need = Buffer.byteLength(s, 'utf8');
      if (room < need) this.grow(start + need);
    }
    this.at = start + writeUtf8(this.buf as Buffer, s, start);
    return start;
  }

  private grow(min: number): void {
    const old = this.buf;
    const next = Buffer.from(this.take(old === undefined ? Math.max(min, this.expected) : Math.max(min, old.length * 2)));
    if (old !== undefined) {
      old.copy(next, 0, 0, this.at);
      this.give?.(old.buffer as ArrayBuffer);
    }
    this.buf = next;
  }
}

/** Pack rows laid out already (see TextPacker), into one buffer of exactly the size they need. */
export function packText(rows: EventColumns[], take: (bytes: number) => ArrayBuffer = newBuffer): ArrayBuffer {
  let total = 0;
  for (const r of rows) {
    if (!packable(r)) continue;
    total += Buffer.byteLength(r.doc, 'utf8') + (r.raw === null ? 0 : Buffer.byteLength(r.raw, 'utf8'));
  }
  // Nothing to pack (no events, or none well-formed): no buffer to take and give back.
  if (total === 0) return new ArrayBuffer(0);
  const packer = new TextPacker(take, undefined, total);
  for (const r of rows) packer.pack(r);
  return packer.finish();
}

function first(v: unknown): string | null {
  if (Array.isArray(v)) return v.length > 0 ? first(v[0]) : null;
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : String(v);
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Validate the fields the store relies on and extract its columns. Throws StoreError naming the field. */
export function eventColumns(e: WeftEvent, index: number): EventColumns {
  const weft = obj(e.weft);
  if (!weft || typeof weft.id !== 'string' || weft.id.length === 0) {
    throw new StoreError('invalid_record', `event ${index}: weft.id is missing`);
  }
  if (typeof weft.source_id !== 'string' || weft.source_id.length === 0) {
    throw new StoreError('invalid_record', `event ${index} (${weft.id}): weft.source_id is missing`);
  }
  const ts = typeof e['@timestamp'] === 'string' ? Date.parse(e['@timestamp']) : NaN;
  if (!Number.isFinite(ts)) {
    throw new StoreError('invalid_record', `event ${index} (${weft.id}): @timestamp is missing or not a date: ${String(e['@timestamp'])}`);
  }
  const ingest = typeof weft.ingest_time === 'string' ? Date.parse(weft.ingest_time) : NaN;
  const event = obj(e.event);
  const original = event?.original;
  let doc: string;
  if (event === undefined || original === undefined) {
    doc = JSON.stringify(e);
  } else if (!Object.isFrozen(event)) {
    // JSON.stringify leaves out members whose value is undefined, so hiding `original` for the call
    // gives the text of a copy without `original` without copying the event; the value is back
    // before anything else runs.
    event.original = undefined;
    try {
      doc = JSON.stringify(e);
    } finally {
      event.original = original;
    }
  } else {
    const { original: _omit, ...rest } = event;
    doc = JSON.stringify({ ...e, event: rest });
  }
  return {
    id: weft.id,
    ts,
    ingestTs: Number.isFinite(ingest) ? ingest : ts,
    sourceId: weft.source_id,
    sourceType: typeof weft.source_type === 'string' ? weft.source_type : null,
    category: first(event?.category),
    action: first(event?.action),
    code: first(event?.code),
    sourceIp: first(obj(e.source)?.ip),
    destinationIp: first(obj(e.destination)?.ip),
    userName: first(obj(e.user)?.name),
    hostName: first(obj(e.host)?.name),
    entityIds: weft.entity ? JSON.stringify(weft.entity) : null,
    doc,
    raw: typeof original === 'string' ? original : null,
  };
}

/** Rebuild the stored event: put `event.original` back. */
export function eventFromRow(doc: string, raw: string | null): WeftEvent {
  const e = JSON.parse(doc) as WeftEvent;
  if (raw !== null) {
    // The document was stored without `original`, so adding it to the fresh object puts it last, as a copy would.
    const event = obj(e.event);
    if (event !== undefined) event.original = raw;
    else e.event = { original: raw };
  }
  return e;
}

/** Opaque keyset cursor: `<ts>:<seq>` in base64url. */
export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === arity && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
  } catch {
    // fall through to the typed error
  }
  throw new StoreError('invalid_record', `cursor is not valid: ${cursor.slice(0, 64)}`);
}

export function clampLimit(limit: number | undefined, dflt = 100, max = 10_000): number {
  if (limit === undefined) return dflt;
  if (!Number.isInteger(limit) || limit < 1) throw new StoreError('invalid_record', `limit must be a positive integer, got ${limit}`);
  return Math.min(limit, max);
}
