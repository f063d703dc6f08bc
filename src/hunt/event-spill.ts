/**
 * Text written aside to a temporary file and read back by reference. A hunt prints every match
 * alert with its first event, but only after the last event has been read (alerts are decided in
 * event-time order at the end); holding a million events' JSON in memory until then is gigabytes.
 * Here each costs two numbers in memory; the file is removed on close.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeUtf8 } from '../event/utf8-write.js';

/** Where one text was written: byte offset and length in the spill file. */
export interface SpillRef {
  readonly offset: number;
  readonly length: number;
}

/** Pending text is written out once this buffer is full (one write call per batch, not per text). */
const FLUSH_BYTES = 1 << 20;

export class EventSpill {
  private readonly dir: string;
  private fd: number | undefined;
  private pending = Buffer.allocUnsafe(FLUSH_BYTES);
  private pendingBytes = 0;
  /** Bytes written to the file so far. */
  private written = 0;

  constructor(parent: string = tmpdir()) {
    this.dir = mkdtempSync(join(parent, 'weft-spill-'));
    this.fd = openSync(join(this.dir, 'events.jsonl'), 'w+', 0o600);
  }

  /** Bytes held by the spill file (and not yet written). */
  get bytes(): number {
    return this.written + this.pendingBytes;
  }

  add(text: string): SpillRef {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes: make room for the worst case first.
    const most = text.length * 3;
    if (this.pendingBytes + most > this.pending.length) {
      this.flush();
      if (most > this.pending.length) {
        // Larger than the buffer: written on its own.
        const buf = Buffer.from(text, 'utf8');
        const ref = { offset: this.written, length: buf.length };
        this.writeOut(buf, buf.length);
        return ref;
      }
    }
    // Encoded once, straight into the pending buffer: no byteLength pass, no joined string per flush.
    const length = writeUtf8(this.pending, text, this.pendingBytes);
    const ref = { offset: this.written + this.pendingBytes, length };
    this.pendingBytes += length;
    return ref;
  }

  read(ref: SpillRef): string {
    this.openFd();
    if (ref.offset >= this.written) {
      // Still in the pending buffer.
      const at = ref.offset - this.written;
      return this.pending.toString('utf8', at, at + ref.length);
    }
    const buf = Buffer.allocUnsafe(ref.length);
    this.readInto(ref, buf, 0);
    return buf.toString('utf8');
  }

  /** The text's UTF-8 bytes copied into `target` at `at` (room for `ref.length` is the caller's); returns the count. */
  readInto(ref: SpillRef, target: Buffer, at: number): number {
    const fd = this.openFd();
    if (ref.offset >= this.written) {
      const from = ref.offset - this.written;
      return this.pending.copy(target, at, from, from + ref.length);
    }
    // Straight into the target, one read per text. A megabyte read-ahead window measured worse: a
    // hunt reads texts in alert (event-time) order, which need not be the order they were spilled
    // (on the bench corpus it is not), so most reads missed and each miss read a megabyte.
    this.readFully(fd, target, at, ref.length, ref.offset);
    return ref.length;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.pendingBytes = 0;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    this.writeOut(this.pending, this.pendingBytes);
    this.pendingBytes = 0;
  }

  private readFully(fd: number, buf: Buffer, at: number, length: number, position: number): void {
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, at + got, length - got, position + got);
      if (n === 0) throw new Error(`spill file ends before byte ${position + length}`);
      got += n;
    }
  }

  private writeOut(buf: Buffer, length: number): void {
    let off = 0;
    while (off < length) off += writeSync(this.openFd(), buf, off, length - off, this.written + off);
    this.written += length;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error('event spill is closed');
    return this.fd;
  }
}
