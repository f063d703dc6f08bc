/**
 * Byte stream (file, stdin, TCP) to records. Modes:
 * - `lines`: LF or CRLF lines; blank lines are skipped.
 * - `json-stream`: JSON documents one after another, pretty-printed across lines or not (NDJSON, and
 *   `evtx_dump -o json` output); a top-level array is split into its elements.
 * - `auto`: the first non-blank byte decides: `{` or `[` means json-stream, anything else lines.
 *
 * Memory is bounded by maxRecordBytes: a longer record is yielded once with `oversized: true`, its text
 * cut to the limit, and the rest of it is skipped without being buffered. Bytes are decoded as UTF-8
 * with replacement characters, so invalid UTF-8 reaches the decoder instead of throwing here.
 */
import type { Readable } from 'node:stream';
import { DEFAULT_MAX_RECORD_BYTES, decodeParsedJson, decodeRecords, type DecodeRecordOptions } from '../decode/detect.js';
import { decodeFailure } from '../decode/result.js';
import type { DeclaredFormat, DecodeResult } from '../decode/types.js';

export type FramingMode = 'lines' | 'json-stream' | 'auto';

export interface FramingOptions {
  mode?: FramingMode;
  maxRecordBytes?: number;
  /**
   * json-stream framing: parse a record that is one whole line (NDJSON) here, as the way to find
   * where it ends, and hand the value on in `FramedRecord.json`. For a reader that decodes in this
   * thread (the decoder then does not parse the text again): finding the end of a record byte by
   * byte in JavaScript cost about as much as parsing it. Off where records go to other threads.
   */
  parseJson?: boolean;
}

export interface FramedRecord {
  text: string;
  /** Byte offset of the record's first byte in the stream. */
  offset: number;
  /** 1-based line number of the record's first byte. */
  line: number;
  /** UTF-8 length of the whole record, even when text was cut. */
  byteLength: number;
  /** The record was longer than maxRecordBytes: text holds only its first maxRecordBytes bytes. */
  oversized?: true;
  /** The record's JSON object, when framing parsed it (FramingOptions.parseJson); `text` is its exact text. */
  json?: object;
  /**
   * The transport framing itself was broken (a bad RFC 6587 length prefix, a connection cut mid-frame):
   * the record is quarantined with this code (`decode.<scope>.<what>`) and never parsed.
   */
  framingError?: { code: string; message: string };
}

const LF = 0x0a;
const CR = 0x0d;

function isBlankByte(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === LF || b === CR;
}

function toText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** Accumulates the bytes of one record up to a limit, then only counts. */
export class RecordBuffer {
  private parts: Buffer[] = [];
  private kept = 0;
  total = 0;
  offset = 0;
  line = 1;

  constructor(private readonly limit: number) {}

  /** Bytes held in memory for the record being framed (never more than the limit). */
  get bufferedBytes(): number {
    return this.kept;
  }

  start(offset: number, line: number): void {
    this.parts = [];
    this.kept = 0;
    this.total = 0;
    this.offset = offset;
    this.line = line;
  }

  add(chunk: Buffer, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.total += n;
    const room = this.limit - this.kept;
    if (room <= 0) return;
    const take = Math.min(room, n);
    this.parts.push(chunk.subarray(from, from + take));
    this.kept += take;
  }

  finish(trimCr: boolean): FramedRecord {
    let bytes = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.kept);
    let total = this.total;
    if (trimCr && total <= this.limit && bytes.length > 0 && bytes[bytes.length - 1] === CR) {
      bytes = bytes.subarray(0, bytes.length - 1);
      total--;
    }
    const rec: FramedRecord = { text: toText(bytes), offset: this.offset, line: this.line, byteLength: total };
    if (total > this.limit) rec.oversized = true;
    this.parts = [];
    this.kept = 0;
    return rec;
  }
}

async function* lines(chunks: AsyncIterable<Buffer>, limit: number, first: { chunk: Buffer; offset: number } | undefined): AsyncGenerator<FramedRecord[]> {
  const buf = new RecordBuffer(limit);
  let offset = 0; // stream offset of chunk[0]
  let line = 1;
  let inRecord = false;
  let blank = true;
  async function* all(): AsyncGenerator<Buffer> {
    if (first) yield first.chunk;
    yield* chunks;
  }
  if (first) offset = first.offset;
  for await (const chunk of all()) {
    const batch: FramedRecord[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (!inRecord) {
        // Fast path: the whole line is inside this chunk and within the limit.
        const nl = chunk.indexOf(LF, pos);
        if (nl >= 0 && nl - pos <= limit) {
          let end = nl;
          if (end > pos && chunk[end - 1] === CR) end--;
          let k = pos;
          while (k < end && isBlankByte(chunk[k] as number)) k++;
          if (k < end) batch.push({ text: chunk.toString('utf8', pos, end), offset: offset + pos, line, byteLength: end - pos });
          line++;
          pos = nl + 1;
          continue;
        }
        buf.start(offset + pos, line);
        inRecord = true;
        blank = true;
      }
      const nl = chunk.indexOf(LF, pos);
      const end = nl < 0 ? chunk.length : nl;
      if (blank) {
        for (let i = pos; i < end; i++) {
          if (!isBlankByte(chunk[i] as number)) { blank = false; break; }
        }
      }
      buf.add(chunk, pos, end);
      if (nl < 0) break;
      const rec = buf.finish(true);
      inRecord = false;
      line++;
      pos = nl + 1;
      if (!blank) batch.push(rec);
    }
    offset += chunk.length;
    if (batch.length > 0) yield batch;
  }
  if (inRecord && !blank) yield [buf.finish(true)];
}

/**
 * JSON documents in sequence. Tracks string/escape state and nesting depth over raw bytes (all JSON
 * structure is ASCII, so UTF-8 continuation bytes never look like structure). A raw newline inside a
 * string cannot be valid JSON: the broken document ends there so one bad record cannot swallow the rest.
 *
 * A plain class rather than the generator's own locals: the byte loop is the hot part of reading
 * JSON files, and V8 optimizes an ordinary method far better than an async generator's body.
 */
class JsonFramer {
  private readonly buf: RecordBuffer;
  private line = 1;
  private depth = 0; // nesting inside the current record
  private inString = false;
  private escaped = false;
  private inRecord = false;
  private recordIsJunk = false; // a non-JSON line between documents: framed to its end of line
  private arrayDepth = 0; // 1 while inside a top-level array whose elements are records

  constructor(
    private readonly limit: number,
    private offset: number,
    private readonly parseJson = false,
  ) {
    this.buf = new RecordBuffer(limit);
  }

  /**
   * The single-line object record starting at `start` (a `{` outside any array), parsed, if the
   * line is one whole JSON object that fits the limit and ends in this chunk: JSON.parse accepts a
   * text only when it is exactly one value, so the record ends where the byte scan would end it.
   * Undefined otherwise (a pretty-printed document, two objects on a line, invalid JSON): the byte
   * scan frames it, as it always did.
   */
  private wholeLine(chunk: Buffer, start: number, lf: number): FramedRecord | undefined {
    let end = lf;
    while (end > start && isBlankByte(chunk[end - 1] as number)) end--;
    if (chunk[end - 1] !== 0x7d || end - start > this.limit) return undefined;
    const text = chunk.toString('utf8', start, end);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (json === null || typeof json !== 'object') return undefined;
    return { text, offset: this.offset + start, line: 0, byteLength: end - start, json };
  }

  /** The records that end in this chunk. */
  push(chunk: Buffer): FramedRecord[] {
    const buf = this.buf;
    const limit = this.limit;
    const offset = this.offset;
    let { line, depth, inString, escaped, inRecord, recordIsJunk, arrayDepth } = this;
    const batch: FramedRecord[] = [];
    let i = 0;
    let recordStart = 0;
    const n = chunk.length;
    // The next LF at or after i (n: none in this chunk), for the single-line fast path.
    let nextLf = -1;
    while (i < n) {
      const b = chunk[i] as number;
      if (!inRecord) {
        if (b === LF) { line++; i++; continue; }
        if (isBlankByte(b)) { i++; continue; }
        if (this.parseJson && b === 0x7b && arrayDepth === 0) {
          if (nextLf < i) {
            nextLf = chunk.indexOf(LF, i);
            if (nextLf < 0) nextLf = n;
          }
          const rec = nextLf < n ? this.wholeLine(chunk, i, nextLf) : undefined;
          if (rec !== undefined) {
            rec.line = line;
            batch.push(rec);
            line++;
            i = nextLf + 1;
            continue;
          }
        }
        if (arrayDepth === 1 && b === 0x2c /* , */) { i++; continue; }
        if (arrayDepth === 1 && b === 0x5d /* ] */) { arrayDepth = 0; i++; continue; }
        if (arrayDepth === 0 && b === 0x5b /* [ */) { arrayDepth = 1; i++; continue; }
        inRecord = true;
        recordIsJunk = b !== 0x7b && b !== 0x5b && arrayDepth === 0;
        depth = 0;
        inString = false;
        escaped = false;
        recordStart = i;
        buf.start(offset + i, line);
      }
      if (recordIsJunk) {
        const nl = chunk.indexOf(LF, i);
        if (nl < 0) break;
        buf.add(chunk, recordStart, nl);
        inRecord = false;
        const rec = buf.finish(true);
        line++;
        i = nl + 1;
        batch.push(rec);
        continue;
      }
      let ended = false;
      for (; i < n; i++) {
        if (inString) {
          if (escaped) {
            escaped = false;
            continue;
          }
          // Most of a record's bytes are inside strings: a tight loop to the next byte that matters.
          while (i < n) {
            const c = chunk[i] as number;
            if (c === 0x22 || c === 0x5c || c === LF) break;
            i++;
          }
          if (i === n) break;
          const c = chunk[i] as number;
          if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
          else {
            ended = true; // a raw newline: broken string, end the record before it
            break;
          }
          continue;
        }
        const c = chunk[i] as number;
        if (depth === 0 && (c === 0x2c || c === 0x20 || c === 0x09 || c === CR || c === LF)) {
          ended = true; // a scalar element of a top-level array ends at its separator
          break;
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (depth === 0) { ended = true; break; } // the enclosing array's `]`, not ours
          depth--;
          if (depth === 0) { i++; ended = true; break; }
        } else if (c === LF) line++;
      }
      // A stray closer where a value should start (`[1,}`) is a record of its own: always advance.
      if (ended && i === recordStart && buf.total === 0) i++;
      if (ended && buf.total === 0 && i - recordStart <= limit) {
        // The whole record is in this chunk (the common case): no buffering, no intermediate Buffers.
        inRecord = false;
        batch.push({ text: chunk.toString('utf8', recordStart, i), offset: buf.offset, line: buf.line, byteLength: i - recordStart });
        continue;
      }
      buf.add(chunk, recordStart, i);
      if (ended) {
        inRecord = false;
        batch.push(buf.finish(false));
      }
    }
    if (inRecord && recordIsJunk) buf.add(chunk, recordStart, n);
    this.offset = offset + n;
    this.line = line;
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.inRecord = inRecord;
    this.recordIsJunk = recordIsJunk;
    this.arrayDepth = arrayDepth;
    return batch;
  }

  /** The record still open at the end of the stream, if any. */
  end(): FramedRecord | undefined {
    return this.inRecord ? this.buf.finish(true) : undefined;
  }
}

async function* jsonStream(chunks: AsyncIterable<Buffer>, limit: number, first: { chunk: Buffer; offset: number } | undefined, parseJson: boolean): AsyncGenerator<FramedRecord[]> {
  const framer = new JsonFramer(limit, first?.offset ?? 0, parseJson);
  if (first) {
    const batch = framer.push(first.chunk);
    if (batch.length > 0) yield batch;
  }
  for await (const chunk of chunks) {
    const batch = framer.push(chunk);
    if (batch.length > 0) yield batch;
  }
  const last = framer.end();
  if (last !== undefined) yield [last];
}

async function* bufferChunks(stream: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const c of stream) {
    if (typeof c === 'string') yield Buffer.from(c, 'utf8');
    else if (c instanceof Uint8Array) yield Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }
}

/** A UTF-8 BOM at the very start of a stream is not part of the first record. */
function withoutBom(chunk: Buffer): { chunk: Buffer; offset: number } {
  return chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? { chunk: chunk.subarray(3), offset: 3 } : { chunk, offset: 0 };
}

/**
 * Frame a byte stream into batches of records, one batch per chunk read: the cheap way to consume a
 * stream (one await per chunk instead of one per record).
 */
export async function* frameRecordBatches(stream: Readable | AsyncIterable<unknown>, opts: FramingOptions = {}): AsyncGenerator<FramedRecord[]> {
  const limit = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  let mode = opts.mode ?? 'auto';
  const it = bufferChunks(stream)[Symbol.asyncIterator]();
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => it };
  let first: { chunk: Buffer; offset: number } | undefined;
  if (mode === 'auto') {
    // Read until a non-blank byte shows up; skip a UTF-8 BOM.
    const held: Buffer[] = [];
    let decided: FramingMode | undefined;
    for (;;) {
      const next = await it.next();
      if (next.done) break;
      held.push(next.value);
      const all = held.length === 1 ? next.value : Buffer.concat(held);
      let k = 0;
      if (all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf) k = 3;
      while (k < all.length && isBlankByte(all[k] as number)) k++;
      if (k < all.length) {
        decided = all[k] === 0x7b || all[k] === 0x5b ? 'json-stream' : 'lines';
        break;
      }
    }
    if (held.length > 0) first = withoutBom(held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held));
    mode = decided ?? 'lines';
  } else {
    const next = await it.next();
    if (!next.done) first = withoutBom(next.value);
  }
  if (mode === 'json-stream') yield* jsonStream(rest, limit, first, opts.parseJson === true);
  else yield* lines(rest, limit, first);
}

/** Frame a byte stream into records, one at a time; see the module comment for the modes. */
export async function* frameRecords(stream: Readable | AsyncIterable<unknown>, opts: FramingOptions = {}): AsyncGenerator<FramedRecord> {
  for await (const batch of frameRecordBatches(stream, opts)) yield* batch;
}

/** Decode a framed record: an oversized or badly framed one is refused unparsed, as decodeRecords would. */
export function decodeFramed(rec: FramedRecord, declared: DeclaredFormat = 'auto', opts: DecodeRecordOptions = {}): DecodeResult[] {
  if (rec.framingError) return [{ ok: false, error: { ...rec.framingError } }];
  if (rec.oversized) {
    const scope = declared === 'auto' ? 'record' : declared;
    return [decodeFailure(scope, 'oversized', `record of ${rec.byteLength} bytes at line ${rec.line} is larger than the limit; not parsed`)];
  }
  if (rec.json !== undefined) return decodeParsedJson(rec.text, rec.json, declared, opts);
  return decodeRecords(rec.text, declared, opts);
}
