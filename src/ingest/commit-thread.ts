/**
 * Ingest commits to the embedded SQLite store on a thread of their own. better-sqlite3 is
 * synchronous: inserting a batch, writing its pages to the WAL and waiting for the fsync blocked the
 * thread that answers HTTP for ~35 µs per new row, so that thread, not the cores, bounded ingest.
 * Here a worker holds a second connection to the same file and runs SqliteStore.commitIngest;
 * the writer's group commit, one transaction at a time, is unchanged. SQLite serializes writers, so
 * the server's own connection still writes alerts and checkpoints between these transactions (its
 * busy_timeout waits for the lock).
 *
 * Rows cross as columns with their packed text moved, not copied (worker-wire.ts), and the text
 * buffers come back with the answer so the prepare workers can pack into them again.
 */
import type { Worker } from 'node:worker_threads';
import { silentLogger, type Logger } from '../log/logger.js';
import type { EventColumns } from '../store/event-columns.js';
import { StoreError } from '../store/errors.js';
import type { SqliteStoreOptions } from '../store/sqlite/sqlite-store.js';
import type { AppendResult, AuditEntry, AuditInput, QuarantineInput, SourceActivity } from '../store/types.js';
import { startWorkerThread } from './worker-thread.js';
import { rowsToColumns, type RowColumns } from './worker-wire.js';

/** What the worker opens: the same file and settings as the server's SqliteStore (its `file`). */
export type CommitThreadData = Pick<SqliteStoreOptions, 'path' | 'synchronous' | 'recentEventIds'>;

/** One prepared batch's rows, and the buffer their text is packed in (if any). */
export interface CommitPart {
  rows: EventColumns[];
  text?: ArrayBuffer;
}

export type CommitRequest =
  | { id: number; kind: 'ingest'; parts: Array<{ columns: RowColumns; text?: ArrayBuffer }>; quarantine: QuarantineInput[]; activity: SourceActivity[] }
  | { id: number; kind: 'audit'; entries: AuditInput[] };

export type CommitReply =
  | { ready: true }
  | { fatal: string }
  | { id: number; ok: true; appended?: AppendResult; audit?: AuditEntry[]; texts: ArrayBuffer[] }
  | { id: number; ok: false; error: { name: string; message: string; code?: string }; texts: ArrayBuffer[] };

/** What a commit gives back: the store's answer, and the parts' text buffers to recycle. */
export interface ThreadCommit {
  appended: AppendResult;
  texts: ArrayBuffer[];
}

/** The thread cannot commit (it failed to start or died): the caller commits on its own thread. */
export class CommitThreadUnavailableError extends Error {
  readonly code = 'commit_thread_unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'CommitThreadUnavailableError';
  }
}

const STORE_CODES = new Set(['invalid_record', 'not_found', 'conflict', 'migration_failed', 'closed', 'backend']);

function errorFrom(e: { name: string; message: string; code?: string }): Error {
  if (e.name === 'StoreError' && e.code !== undefined && STORE_CODES.has(e.code)) return new StoreError(e.code as StoreError['code'], e.message);
  return new StoreError('backend', `commit thread: ${e.name}: ${e.message}`);
}

interface InFlight {
  resolve: (r: Extract<CommitReply, { ok: true }>) => void;
  reject: (err: unknown) => void;
}

export class CommitThread {
  private worker: Worker | undefined;
  private ready: Promise<void>;
  private readonly inFlight = new Map<number, InFlight>();
  private nextId = 1;
  private broken: string | undefined;
  private closed = false;

  constructor(private readonly data: CommitThreadData, private readonly logger: Logger = silentLogger) {
    this.ready = this.start();
  }

  /** Why the thread cannot commit, or undefined while it can. */
  get unavailable(): string | undefined {
    return this.broken;
  }

  private start(): Promise<void> {
    const worker = startWorkerThread(import.meta.url, 'commit-worker', this.data);
    this.worker = worker;
    return new Promise<void>((resolve) => {
      let started = false;
      worker.on('message', (m: CommitReply) => {
        if ('ready' in m) {
          started = true;
          // Idle, it never keeps the process alive (close() ends it); it does while it holds a commit.
          if (this.inFlight.size === 0) worker.unref();
          resolve();
          return;
        }
        if ('fatal' in m) {
          this.fail(worker, `the commit thread cannot open the store: ${m.fatal}`, !started);
          resolve();
          return;
        }
        const p = this.inFlight.get(m.id);
        if (p === undefined) return;
        this.inFlight.delete(m.id);
        if (this.inFlight.size === 0) worker.unref();
        if (m.ok) p.resolve(m);
        else p.reject(Object.assign(errorFrom(m.error), { texts: m.texts }));
      });
      const died = (why: string): void => {
        this.fail(worker, why, !started);
        resolve();
      };
      worker.on('error', (err) => died(`the commit thread failed: ${err.message}`));
      worker.on('exit', (code) => died(`the commit thread exited (code ${code})`));
    });
  }

  /**
   * In-flight commits fail (nothing of them is acknowledged; SQLite rolled back whatever the thread
   * had not committed). A thread that never started stays down: the writer commits on its own thread.
   * One that ran is started again.
   */
  private fail(worker: Worker, why: string, neverStarted: boolean): void {
    // A thread that fails says so more than once ('error', then 'exit'): only the first counts.
    if (this.closed || this.worker !== worker) return;
    const err = new StoreError('backend', why);
    for (const p of this.inFlight.values()) p.reject(err);
    this.inFlight.clear();
    this.worker = undefined;
    void worker.terminate();
    if (neverStarted) {
      if (this.broken === undefined) this.logger.error({ reason: why }, 'ingest commit thread unavailable; committing on the main thread');
      this.broken = why;
      return;
    }
    this.logger.error({ reason: why }, 'ingest commit thread failed; starting a new one');
    this.ready = this.start();
  }

  /**
   * Commit the parts' rows, the quarantine records and the source activity in one transaction (as
   * SqliteStore.commitIngest). The parts' text buffers are moved to the thread: the rows' packed
   * text is unreadable here afterwards, and the buffers come back in the answer (or on the error,
   * as `texts`). Rejects with CommitThreadUnavailableError, before anything is sent, if the thread
   * cannot commit.
   */
  async commit(parts: CommitPart[], quarantine: QuarantineInput[], activity: SourceActivity[]): Promise<ThreadCommit> {
    const worker = await this.running();
    const wire = parts.map((p) => ({ columns: rowsToColumns(p.rows, p.text), ...(p.text !== undefined ? { text: p.text } : {}) }));
    const transfer: ArrayBuffer[] = [];
    for (const p of wire) {
      transfer.push(p.columns.nums.buffer as ArrayBuffer);
      if (p.text !== undefined) transfer.push(p.text);
    }
    const r = await this.send(worker, { id: this.nextId++, kind: 'ingest', parts: wire, quarantine, activity }, transfer);
    if (r.appended === undefined) throw new StoreError('backend', 'commit thread: an ingest commit was answered without its result');
    return { appended: r.appended, texts: r.texts };
  }

  /**
   * Append to the audit log (SqliteStore.appendAudit) on the thread: the server's own connection
   * then never waits for the write lock an ingest commit holds, which stalled its event loop for
   * tens of milliseconds per request. Rejects with CommitThreadUnavailableError, before anything is
   * sent, if the thread cannot write.
   */
  async appendAudit(entries: AuditInput[]): Promise<AuditEntry[]> {
    const worker = await this.running();
    const r = await this.send(worker, { id: this.nextId++, kind: 'audit', entries }, []);
    if (r.audit === undefined) throw new StoreError('backend', 'commit thread: an audit append was answered without its entries');
    return r.audit;
  }

  private async running(): Promise<Worker> {
    if (this.closed) throw new CommitThreadUnavailableError('the commit thread is closed');
    await this.ready;
    const worker = this.worker;
    if (this.broken !== undefined || worker === undefined) throw new CommitThreadUnavailableError(this.broken ?? 'the commit thread is not running');
    return worker;
  }

  private send(worker: Worker, req: CommitRequest, transfer: ArrayBuffer[]): Promise<Extract<CommitReply, { ok: true }>> {
    return new Promise((resolve, reject) => {
      if (this.inFlight.size === 0) worker.ref();
      this.inFlight.set(req.id, { resolve, reject });
      try {
        worker.postMessage(req, transfer);
      } catch (err) {
        this.inFlight.delete(req.id);
        if (this.inFlight.size === 0) worker.unref();
        reject(new StoreError('backend', `cannot hand the write to the commit thread: ${(err as Error).message}`, { cause: err }));
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready;
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
