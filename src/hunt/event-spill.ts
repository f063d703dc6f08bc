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
    const fd = this.openFd();
    if (ref.offset >= this.written) {
      // Still in the pending buffer.
      const at = ref.offset - this.written;
      return this.pending.toString('utf8', at, at + ref.length);
    }
    const buf = Buffer.allocUnsafe(ref.length);
    let got = 0;
    while (got < ref.length) {
      const n = readSync(fd, buf, got, ref.length - got, ref.offset + got);
      if (n === 0) throw new Error(`spill file ends before byte ${ref.offset + ref.length}`);
      got += n;
    }
    return buf.toString('utf8');
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
