/**
 * Push-style framing for live byte streams (TCP/TLS syslog connections, tailed files): bytes come in as
 * the socket or file delivers them, complete records come out. Two framings (RFC 6587):
 * - `lf`: non-transparent framing, one record per LF (CRLF accepted, blank lines skipped);
 * - `octet-counting`: `MSG-LEN SP SYSLOG-MSG` frames, MSG-LEN a decimal without leading zero.
 * `auto` decides once per stream from its first non-blank bytes: a digit 1-9, up to ten digits and a
 * space mean octet counting, anything else LF.
 *
 * Memory is bounded: at most maxRecordBytes of one record plus a few length digits are held. A longer
 * record comes out once with `oversized` and its text cut; the rest of it is counted, not kept. A frame
 * whose length prefix is not a length is quarantined (`decode.frame.bad_length`) up to the next LF, where
 * framing resynchronizes; a stream that ends inside a frame yields the partial frame as
 * `decode.frame.truncated`, so nothing received is dropped silently.
 */
import { DEFAULT_MAX_RECORD_BYTES } from '../../decode/detect.js';
import { excerpt } from '../../decode/result.js';
import { RecordBuffer, type FramedRecord } from '../framing.js';

export type StreamFraming = 'auto' | 'lf' | 'octet-counting';

export interface StreamFramerOptions {
  mode?: StreamFraming;
  maxRecordBytes?: number;
  /** Stream offset of the first byte pushed (a tail resuming mid-file). */
  startOffset?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
/** Ten digits is up to 9,999,999,999 bytes: more than any sane frame, and still exact as a double. */
const MAX_LENGTH_DIGITS = 10;

function isBlank(b: number): boolean {
  return b === SP || b === 0x09 || b === LF || b === CR || b === 0;
}

function blankRange(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isBlank(buf[i] as number)) return false;
  return true;
}

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

export class StreamFramer {
  private mode: 'undecided' | 'lf' | 'octet';
  private readonly max: number;
  private readonly rec: RecordBuffer;
  /** Stream offset of the next byte to be pushed. */
  private next: number;
  /** Stream offset up to which every byte belongs to a record already returned (or to blank space). */
  private done: number;
  /** `auto` only: the first non-blank bytes, while they could still be a length prefix (at most 10 digits). */
  private held: Buffer | undefined;
  private heldAt = 0;
  private line = 1;
  private inRecord = false;
  private blank = true;
  // octet counting
  private oct: 'len' | 'body' | 'junk' = 'len';
  private lenDigits = 0;
  private lenValue = 0;
  private remaining = 0;
  private frameStart = 0;
  private frameNo = 1;

  constructor(opts: StreamFramerOptions = {}) {
    const mode = opts.mode ?? 'auto';
    this.mode = mode === 'auto' ? 'undecided' : mode === 'lf' ? 'lf' : 'octet';
    this.max = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.rec = new RecordBuffer(this.max);
    this.next = opts.startOffset ?? 0;
    this.done = this.next;
  }

  /** The framing in force: undefined while `auto` has not seen enough bytes to decide. */
  get framing(): 'lf' | 'octet-counting' | undefined {
    return this.mode === 'undecided' ? undefined : this.mode === 'lf' ? 'lf' : 'octet-counting';
  }

  /** Stream offset after the last byte of the last record returned: where a resumed reader starts. */
  get consumed(): number {
    return this.done;
  }

  /** Bytes held in memory for a record not complete yet. */
  get bufferedBytes(): number {
    return (this.held?.length ?? 0) + (this.inRecord ? this.rec.bufferedBytes : 0) + (this.mode === 'octet' && this.oct === 'len' ? this.lenDigits : 0);
  }

  /** Feed the next bytes of the stream; returns the records they complete, in order. */
  push(chunk: Buffer): FramedRecord[] {
    let buf = chunk;
    let at = this.next;
    this.next += chunk.length;
    if (this.held !== undefined) {
      buf = Buffer.concat([this.held, chunk]);
      at = this.heldAt;
      this.held = undefined;
    }
    const out: FramedRecord[] = [];
    if (this.mode === 'undecided') {
      let k = 0;
      while (k < buf.length && isBlank(buf[k] as number)) {
        if (buf[k] === LF) this.line++;
        k++;
      }
      if (k === buf.length) {
        this.done = at + buf.length;
        return out;
      }
      const first = buf[k] as number;
      if (first >= 0x31 && first <= 0x39) {
        let j = k + 1;
        while (j < buf.length && j - k < MAX_LENGTH_DIGITS && isDigit(buf[j] as number)) j++;
        if (j === buf.length && j - k < MAX_LENGTH_DIGITS) {
          // Only digits so far: keep them (at most ten bytes) until the byte after them decides.
          this.held = buf.subarray(k);
          this.heldAt = at + k;
          this.done = at + k;
          return out;
        }
        this.mode = j < buf.length && buf[j] === SP ? 'octet' : 'lf';
      } else {
        this.mode = 'lf';
      }
      buf = buf.subarray(k);
      at += k;
      this.done = at;
    }
    if (this.mode === 'lf') this.pushLf(buf, at, out);
    else this.pushOctet(buf, at, out);
    return out;
  }

  /** The stream ended (EOF, connection closed): returns what was left as a last record, if anything. */
  end(): FramedRecord[] {
    const out: FramedRecord[] = [];
    if (this.held !== undefined) {
      // Digits and then the end: a line without LF, not a frame.
      const text = this.held.toString('latin1');
      out.push({ text, offset: this.heldAt, line: this.line, byteLength: this.held.length });
      this.held = undefined;
    } else if (this.mode === 'lf') {
      if (this.inRecord && !this.blank) out.push(this.rec.finish(true));
    } else if (this.mode === 'octet') {
      if (this.oct === 'len' && this.lenDigits > 0) {
        const text = String(this.lenValue);
        out.push(this.truncated({ text, offset: this.frameStart, line: this.frameNo, byteLength: text.length }, 'the length prefix'));
      } else if (this.oct === 'body') {
        const declared = this.lenValue;
        const r = this.rec.finish(false);
        out.push(this.truncated(r, `${r.byteLength} of ${declared} bytes`));
      } else if (this.oct === 'junk') {
        out.push(this.badLength(this.rec.finish(true)));
      }
    }
    this.inRecord = false;
    this.oct = 'len';
    this.lenDigits = 0;
    this.done = this.next;
    return out;
  }

  private pushLf(buf: Buffer, at: number, out: FramedRecord[]): void {
    let pos = 0;
    while (pos < buf.length) {
      if (!this.inRecord) {
        // Fast path: the whole line is in this chunk and within the limit.
        const nl = buf.indexOf(LF, pos);
        if (nl >= 0 && nl - pos <= this.max) {
          let end = nl;
          if (end > pos && buf[end - 1] === CR) end--;
          if (!blankRange(buf, pos, end)) out.push({ text: buf.toString('utf8', pos, end), offset: at + pos, line: this.line, byteLength: end - pos });
          this.line++;
          pos = nl + 1;
          this.done = at + pos;
          continue;
        }
        this.rec.start(at + pos, this.line);
        this.inRecord = true;
        this.blank = true;
      }
      const nl = buf.indexOf(LF, pos);
      const end = nl < 0 ? buf.length : nl;
      if (this.blank && !blankRange(buf, pos, end)) this.blank = false;
      this.rec.add(buf, pos, end);
      if (nl < 0) break;
      const r = this.rec.finish(true);
      this.inRecord = false;
      this.line++;
      pos = nl + 1;
      this.done = at + pos;
      if (!this.blank) out.push(r);
    }
  }

  private pushOctet(buf: Buffer, at: number, out: FramedRecord[]): void {
    let pos = 0;
    const n = buf.length;
    while (pos < n) {
      if (this.oct === 'len') {
        const b = buf[pos] as number;
        if (this.lenDigits === 0) {
          // Senders that end each frame with LF (or NUL) anyway: tolerated between frames.
          if (isBlank(b)) {
            pos++;
            this.done = at + pos;
            continue;
          }
          this.frameStart = at + pos;
          if (b >= 0x31 && b <= 0x39) {
            this.lenValue = b - 0x30;
            this.lenDigits = 1;
            pos++;
            continue;
          }
          this.startJunk();
          continue;
        }
        if (b === SP) {
          pos++;
          this.oct = 'body';
          this.remaining = this.lenValue;
          this.lenDigits = 0;
          this.rec.start(this.frameStart, this.frameNo);
          this.inRecord = true;
          continue;
        }
        if (isDigit(b) && this.lenDigits < MAX_LENGTH_DIGITS) {
          this.lenValue = this.lenValue * 10 + (b - 0x30);
          this.lenDigits++;
          pos++;
          continue;
        }
        this.startJunk();
        continue;
      }
      if (this.oct === 'body') {
        const take = Math.min(this.remaining, n - pos);
        this.rec.add(buf, pos, pos + take);
        this.remaining -= take;
        pos += take;
        if (this.remaining === 0) {
          out.push(this.rec.finish(false));
          this.inRecord = false;
          this.oct = 'len';
          this.frameNo++;
          this.done = at + pos;
        }
        continue;
      }
      // junk: a frame that did not start with a length; quarantined up to the next LF.
      const nl = buf.indexOf(LF, pos);
      const end = nl < 0 ? n : nl;
      this.rec.add(buf, pos, end);
      if (nl < 0) break;
      pos = nl + 1;
      out.push(this.badLength(this.rec.finish(true)));
      this.inRecord = false;
      this.oct = 'len';
      this.frameNo++;
      this.done = at + pos;
    }
  }

  /** Switch to skipping a bad frame; the digits already read belong to it. */
  private startJunk(): void {
    this.rec.start(this.frameStart, this.frameNo);
    if (this.lenDigits > 0) {
      const digits = Buffer.from(String(this.lenValue), 'latin1');
      this.rec.add(digits, 0, digits.length);
    }
    this.lenDigits = 0;
    this.inRecord = true;
    this.oct = 'junk';
  }

  private badLength(r: FramedRecord): FramedRecord {
    r.framingError = {
      code: 'decode.frame.bad_length',
      message: `octet-counted frame at byte ${r.offset} does not start with a length and a space: "${excerpt(r.text)}"`,
    };
    return r;
  }

  private truncated(r: FramedRecord, what: string): FramedRecord {
    r.framingError = {
      code: 'decode.frame.truncated',
      message: `the stream ended inside the octet-counted frame at byte ${r.offset} (${what} received)`,
    };
    return r;
  }
}
