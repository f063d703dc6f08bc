/**
 * File tailing: follow appends to files (paths or globs), across rotation and restarts.
 *
 * Each poll: the path is stat'ed; a different file under it (rename rotation) or no file (moved away)
 * turns the file being read into a draining one, still read until it has not grown for rotate_wait,
 * and the new file is read from its first byte. A file that got shorter, or whose first bytes changed,
 * was truncated (copytruncate): the copy is looked for next to it (same first bytes) and read from the
 * committed offset, then the truncated file is read from 0.
 *
 * Records are written to the sink one chunk at a time; the offset after the last committed record is
 * saved only after the sink resolved, and nothing more is read while a write is pending. A restart
 * finds each saved file again by identity (dev:ino, under the path or a rotated name next to it) and
 * fingerprint (SHA-256 of its first bytes), and resumes at its committed offset. A crash between a commit
 * and saving its offset re-delivers that last batch; StoreRecordSink stores it once (stable ids).
 */
import { createHash } from 'node:crypto';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import type { DeclaredFormat } from '../../decode/types.js';
import type { Logger } from '../../log/logger.js';
import type { FramedRecord } from '../framing.js';
import { tailCounters, type TailCounters } from './counters.js';
import { Closing, SinkClosedError, writeWithRetry } from './retry.js';
import type { RecordSink, SinkMeta } from './sink.js';
import { StreamFramer } from './stream-framer.js';
import type { FilePosition, TailStateKeeper } from './tail-state.js';

export interface FileTailOptions {
  /** Source id of every record; default the path. */
  id?: string;
  paths: string[];
  sourceType?: string;
  format?: DeclaredFormat;
  pollIntervalMs: number;
  /** Where to start in a file present at the first start and never seen before. */
  startAt: 'beginning' | 'end';
  rotateWaitMs: number;
  maxRecordBytes: number;
  batchSize: number;
  logger: Logger;
  /** Base for relative paths; default the working directory. */
  cwd?: string;
}

const CHUNK_BYTES = 256 * 1024;
const FP_MAX = 1024;
const GLOB_CHARS = /[*?[\]{}]/;
/** Rotated names that cannot be the plain copy of a log (compressed). */
const COMPRESSED = /\.(gz|bz2|xz|zst|lz4|zip)$/i;
/** More files than this still draining under one path: the oldest is given up (and logged). */
const MAX_FILES_PER_PATH = 8;

interface Followed {
  fh: FileHandle;
  fileId: string;
  /** Where the file was found (the path, or a rotated name when resuming). */
  foundAt: string;
  readPos: number;
  committed: number;
  framer: StreamFramer;
  fp: string;
  fpLen: number;
  size: number;
  /** No longer the file the path names: read until idle for rotate_wait, then closed. */
  draining: boolean;
  lastGrowth: number;
}

type BigStats = Awaited<ReturnType<typeof statBig>>;

function statBig(p: string) {
  return stat(p, { bigint: true });
}

async function statOrUndefined(p: string): Promise<BigStats | undefined> {
  try {
    return await statBig(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const idOf = (st: { dev: bigint; ino: bigint }): string => `${st.dev}:${st.ino}`;

async function fingerprint(fh: FileHandle, len: number): Promise<string> {
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return createHash('sha256').update(buf.subarray(0, got)).digest('hex');
}

export class FileTail {
  readonly counters: TailCounters;
  private readonly closing = new Closing();
  private readonly tails = new Map<string, PathTail>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private first = true;

  constructor(readonly opts: FileTailOptions, readonly sink: RecordSink, readonly state: TailStateKeeper) {
    this.counters = tailCounters(opts.id ?? opts.paths.join(','));
  }

  get isClosed(): boolean {
    return this.closing.isClosed;
  }

  /** Resolve the paths, resume saved positions, read what is there, then poll. */
  async start(): Promise<void> {
    await this.pollOnce();
    this.schedule();
  }

  /** One poll of every path (tests and `start` call it directly). */
  async pollOnce(): Promise<void> {
    const run = this.poll();
    this.running = run;
    try {
      await run;
    } finally {
      this.running = undefined;
    }
  }

  private schedule(): void {
    if (this.closing.isClosed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pollOnce().catch((err: unknown) => this.opts.logger.error({ err, tail: this.counters.id }, 'tail: poll failed'))
        .finally(() => this.schedule());
    }, this.opts.pollIntervalMs);
  }

  private async poll(): Promise<void> {
    const first = this.first;
    this.first = false;
    let added = false;
    for (const p of await this.expand()) {
      if (this.closing.isClosed) return;
      let t = this.tails.get(p);
      if (t === undefined) {
        t = new PathTail(p, this);
        this.tails.set(p, t);
        await t.resume(first);
        added = true;
      }
      await t.poll();
    }
    if (added) await this.state.save();
    let files = 0;
    let lag = 0;
    for (const t of this.tails.values()) {
      files += t.files.length;
      for (const f of t.files) lag += Math.max(0, f.size - f.committed);
    }
    this.counters.files = files;
    this.counters.lagBytes = lag;
  }

  private async expand(): Promise<string[]> {
    const cwd = this.opts.cwd ?? process.cwd();
    const out: string[] = [];
    for (const p of this.opts.paths) {
      if (GLOB_CHARS.test(p)) out.push(...(await glob(p, { cwd, absolute: true, onlyFiles: true })).sort());
      else out.push(resolve(cwd, p));
    }
    // Paths followed before keep being polled even when a glob no longer matches (rotated away meanwhile).
    for (const p of this.tails.keys()) if (!out.includes(p)) out.push(p);
    return [...new Set(out)];
  }

  /** Stop polling; let a pending write finish; save positions; close the files. */
  async close(): Promise<void> {
    this.closing.close();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running.catch(() => undefined);
    for (const t of this.tails.values()) await t.closeFiles();
    await this.state.save();
  }

  /** Write records; false when closed before the sink took them (the position is then not advanced). */
  async write(records: FramedRecord[], meta: SinkMeta): Promise<boolean> {
    const c = this.counters;
    for (let i = 0; i < records.length; i += this.opts.batchSize) {
      const batch = records.length <= this.opts.batchSize ? records : records.slice(i, i + this.opts.batchSize);
      try {
        await writeWithRetry(this.sink, batch, meta, this.closing, this.opts.logger, () => { c.writeErrors++; });
      } catch (err) {
        if (err instanceof SinkClosedError) return false;
        throw err;
      }
      c.records += batch.length;
      for (const r of batch) if (r.oversized) c.oversized++;
    }
    return true;
  }
}

/** One followed path and the files read for it. */
class PathTail {
  /** Oldest first; at most one is not draining (the last). */
  files: Followed[] = [];
  private readonly sourceId: string;

  constructor(readonly path: string, private readonly t: FileTail) {
    this.sourceId = t.opts.id ?? path;
  }

  private get logger(): Logger {
    return this.t.opts.logger;
  }

  private get current(): Followed | undefined {
    const last = this.files[this.files.length - 1];
    return last !== undefined && !last.draining ? last : undefined;
  }

  /** First sight of the path in this process: pick up saved positions, else start per start_at. */
  async resume(firstPoll: boolean): Promise<void> {
    const saved = this.t.state.get(this.path);
    const st = await statOrUndefined(this.path);
    if (saved === undefined || saved.files.length === 0) {
      if (st === undefined || !st.isFile()) return;
      const atEnd = firstPoll && this.t.opts.startAt === 'end';
      await this.openCurrent(this.path, atEnd ? Number(st.size) : 0);
      // Saved at once: a restart before the first commit must not apply start_at again.
      this.record();
      return;
    }
    const liveId = st?.isFile() ? idOf(st) : undefined;
    let liveClaimed = false;
    for (const pos of saved.files) {
      if (pos.fileId === liveId && !liveClaimed) {
        const f = await this.openAt(this.path, pos);
        if (f !== undefined) {
          liveClaimed = true;
          this.files.push(f);
          continue;
        }
        // Same inode, other content: rewritten or truncated while we were away. Its old content may be in a copy.
        this.t.counters.truncations++;
      }
      const found = await this.findRotated(pos);
      if (found !== undefined) {
        found.draining = true;
        this.files.push(found);
      } else {
        this.logger.warn({ path: this.path, fileId: pos.fileId, offset: pos.offset }, 'tail: a file read before the restart is gone; records written to it after the saved position are not read');
      }
    }
    if (!liveClaimed && st?.isFile()) await this.openCurrent(this.path, 0);
    // Anything resumed that is not the live file drains; keep them ordered before it.
    this.files.sort((a, b) => Number(a.draining === false) - Number(b.draining === false));
    this.record();
  }

  /** Open a saved file under `at` if it is still that file (identity and first bytes); undefined if not. */
  private async openAt(at: string, pos: FilePosition): Promise<Followed | undefined> {
    let fh: FileHandle;
    try {
      fh = await open(at, 'r');
    } catch {
      return undefined;
    }
    const st = await fh.stat({ bigint: true });
    if (idOf(st) !== pos.fileId || Number(st.size) < pos.offset || Number(st.size) < pos.fpLen || await fingerprint(fh, pos.fpLen) !== pos.fp) {
      await fh.close();
      return undefined;
    }
    return this.followed(fh, idOf(st), at, pos.offset, Number(st.size), pos.fp, pos.fpLen, false);
  }

  /** A saved file no longer under the path: a sibling with its identity, else (a copy) with its first bytes. */
  private async findRotated(pos: FilePosition, notId?: string): Promise<Followed | undefined> {
    const dir = dirname(this.path);
    const base = basename(this.path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return undefined;
    }
    const candidates = names.filter((n) => n !== base && n.startsWith(base) && !COMPRESSED.test(n)).sort();
    // By identity first (rename rotation), then by content (copytruncate leaves a copy with another inode).
    for (const byId of [true, false]) {
      for (const n of candidates) {
        const p = join(dir, n);
        const st = await statOrUndefined(p);
        if (st === undefined || !st.isFile() || idOf(st) === notId) continue;
        if (byId ? idOf(st) !== pos.fileId : idOf(st) === pos.fileId) continue;
        if (pos.fpLen === 0 && !byId) continue;
        const f = await this.openAt(p, { ...pos, fileId: idOf(st) });
        if (f !== undefined) {
          this.logger.info({ path: this.path, rotated: p, offset: pos.offset }, 'tail: reading the rest of a rotated file');
          return f;
        }
      }
    }
    return undefined;
  }

  private async openCurrent(p: string, offset: number): Promise<void> {
    let fh: FileHandle;
    try {
      fh = await open(p, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const st = await fh.stat({ bigint: true });
    const size = Number(st.size);
    const fpLen = Math.min(size, FP_MAX);
    const f = this.followed(fh, idOf(st), p, Math.min(offset, size), size, await fingerprint(fh, fpLen), fpLen, false);
    this.files.push(f);
  }

  private followed(fh: FileHandle, fileId: string, foundAt: string, offset: number, size: number, fp: string, fpLen: number, draining: boolean): Followed {
    return {
      fh, fileId, foundAt, readPos: offset, committed: offset, size, fp, fpLen, draining, lastGrowth: Date.now(),
      framer: new StreamFramer({ mode: 'lf', maxRecordBytes: this.t.opts.maxRecordBytes, startOffset: offset }),
    };
  }

  async poll(): Promise<void> {
    await this.checkPath();
    for (const f of [...this.files]) {
      if (this.t.isClosed) return;
      await this.read(f);
      if (f.draining && f.readPos >= f.size && Date.now() - f.lastGrowth >= this.t.opts.rotateWaitMs) await this.finish(f);
    }
  }

  /** Has the path been rotated, truncated or created since the last poll? */
  private async checkPath(): Promise<void> {
    const cur = this.current;
    const st = await statOrUndefined(this.path);
    if (cur !== undefined) {
      if (st === undefined || idOf(st) !== cur.fileId) {
        cur.draining = true;
        cur.lastGrowth = Date.now();
        this.t.counters.rotations++;
        this.logger.info({ path: this.path }, 'tail: file rotated; reading the rest of the old one, then the new one');
      } else if (Number(st.size) < cur.readPos || (cur.fpLen > 0 && await fingerprint(cur.fh, cur.fpLen) !== cur.fp)) {
        await this.truncated(cur);
      }
    }
    if (this.current === undefined && st?.isFile()) {
      if (this.files.some((f) => f.fileId === idOf(st))) return; // moved back under its name: still draining
      await this.openCurrent(this.path, 0);
      this.trim();
      this.record();
    }
  }

  /** copytruncate: the records after our offset are in the copy, if there is one; the file restarts at 0. */
  private async truncated(cur: Followed): Promise<void> {
    this.t.counters.truncations++;
    const copy = cur.fpLen > 0
      ? await this.findRotated({ fileId: cur.fileId, offset: cur.committed, fpLen: cur.fpLen, fp: cur.fp }, cur.fileId)
      : undefined;
    this.logger.info({ path: this.path, copy: copy?.foundAt }, 'tail: file truncated; reading it again from the start');
    if (copy !== undefined) {
      copy.draining = true;
      this.files.splice(this.files.indexOf(cur), 0, copy);
    } else if (cur.committed < cur.size) {
      this.logger.warn({ path: this.path, lostFrom: cur.committed }, 'tail: file truncated before it was read to its end and no copy was found');
    }
    const size = Number((await cur.fh.stat()).size);
    cur.fpLen = Math.min(size, FP_MAX);
    cur.fp = await fingerprint(cur.fh, cur.fpLen);
    cur.readPos = 0;
    cur.committed = 0;
    cur.size = size;
    cur.framer = new StreamFramer({ mode: 'lf', maxRecordBytes: this.t.opts.maxRecordBytes });
    this.trim();
    this.record();
  }

  /** Read a file from its position to its end, committing chunk by chunk. */
  private async read(f: Followed): Promise<void> {
    f.size = Number((await f.fh.stat()).size);
    while (f.readPos < f.size && !this.t.isClosed) {
      const want = Math.min(CHUNK_BYTES, f.size - f.readPos);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await f.fh.read(buf, 0, want, f.readPos);
      if (bytesRead === 0) break;
      f.readPos += bytesRead;
      f.lastGrowth = Date.now();
      this.t.counters.bytes += bytesRead;
      const recs = f.framer.push(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      if (!(await this.commit(f, recs, f.framer.consumed))) return;
      if (f.fpLen < FP_MAX && f.readPos > f.fpLen) {
        f.fpLen = Math.min(f.readPos, FP_MAX);
        f.fp = await fingerprint(f.fh, f.fpLen);
      }
    }
  }

  private async commit(f: Followed, recs: FramedRecord[], consumed: number): Promise<boolean> {
    if (recs.length > 0) {
      const meta: SinkMeta = {
        sourceId: this.sourceId,
        receivedAt: new Date(),
        filePath: this.path,
        ...(this.t.opts.sourceType !== undefined ? { sourceType: this.t.opts.sourceType } : {}),
        ...(this.t.opts.format !== undefined ? { format: this.t.opts.format } : {}),
      };
      if (!(await this.t.write(recs, meta))) return false;
    }
    if (consumed !== f.committed) {
      f.committed = consumed;
      this.record();
      if (recs.length > 0) await this.t.state.save();
    }
    return true;
  }

  /** A draining file idle for rotate_wait: its last line, even without LF, is complete now. */
  private async finish(f: Followed): Promise<void> {
    if (!(await this.commit(f, f.framer.end(), f.readPos))) return;
    await f.fh.close();
    this.files.splice(this.files.indexOf(f), 1);
    this.record();
    await this.t.state.save();
  }

  /** Too many rotated files still draining (rotation faster than rotate_wait): give up the oldest. */
  private trim(): void {
    while (this.files.length > MAX_FILES_PER_PATH) {
      const f = this.files.shift() as Followed;
      this.logger.warn({ path: this.path, file: f.foundAt, unread: f.size - f.committed }, 'tail: too many rotated files draining; closing the oldest');
      void f.fh.close();
    }
  }

  /** Put this path's positions into the shared state (saved by the caller). */
  private record(): void {
    this.t.state.set(this.path, {
      sourceId: this.sourceId,
      files: this.files.map((f) => ({ fileId: f.fileId, offset: f.committed, fpLen: f.fpLen, fp: f.fp })),
    });
  }

  async closeFiles(): Promise<void> {
    for (const f of this.files) await f.fh.close().catch(() => undefined);
    this.files = [];
  }
}
