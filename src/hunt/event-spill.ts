/**
 * Text written aside to a temporary file and read back by reference. A hunt prints every match
 * alert with its first event, but only after the last event has been read (alerts are decided in
 * event-time order at the end); holding a million events' JSON in memory until then is gigabytes.
 * Here each costs two numbers in memory; the file is removed on close.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where one text was written: byte offset and length in the spill file. */
export interface SpillRef {
  readonly offset: number;
  readonly length: number;
}

/** Pending text is written out once it reaches this many bytes (one write call per batch, not per text). */
const FLUSH_BYTES = 1 << 20;

export class EventSpill {
  private readonly dir: string;
  private fd: number | undefined;
  private pending: string[] = [];
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
    const length = Buffer.byteLength(text, 'utf8');
    const ref = { offset: this.written + this.pendingBytes, length };
    this.pending.push(text);
    this.pendingBytes += length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    return ref;
  }

  read(ref: SpillRef): string {
    this.flush();
    const buf = Buffer.allocUnsafe(ref.length);
    let got = 0;
    while (got < ref.length) {
      const n = readSync(this.openFd(), buf, got, ref.length - got, ref.offset + got);
      if (n === 0) throw new Error(`spill file ends before byte ${ref.offset + ref.length}`);
      got += n;
    }
    return buf.toString('utf8');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.pending = [];
    this.pendingBytes = 0;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.openFd(), buf, off, buf.length - off, this.written + off);
    this.written += buf.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error('event spill is closed');
    return this.fd;
  }
}
