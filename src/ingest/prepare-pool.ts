/**
 * Decode + normalize on worker threads, so the thread that answers HTTP and commits to the store is
 * not also the one parsing every record. The writer's admission already bounds what is in flight
 * (every batch holds a permit until its commit), so the pool adds no queue of its own beyond the
 * workers' message ports. A worker that dies fails only the batches it held (IngestWorkerError) and
 * is replaced.
 */
import type { Worker } from 'node:worker_threads';
import type { IdentityDirectory } from '../enrich/identity-directory.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { UnknownSourceTypeError } from '../normalize/registry.js';
import type { DeclaredSource } from './declared-sources.js';
import type { IngestMeta } from './ingest-writer.js';
import type { IngestRecord, PreparedBatch } from './prepare.js';
import { startWorkerThread } from './worker-thread.js';
import { framedToColumns, rowsFromColumns, type FramedColumns, type RowColumns } from './worker-wire.js';

/** What every worker is started with: the same settings the inline pipeline cache gets. */
export interface PrepareWorkerData {
  timezone?: string;
  sources?: DeclaredSource[];
  maxRecordBytes?: number;
  /** Entity resolution (with the resolver's directory, if it has one), rebuilt in each worker. */
  resolver?: { identities?: IdentityDirectory };
}

export interface PrepareRequest {
  id: number;
  /** The records, as columns when they allow it (see worker-wire.ts). */
  records: ReadonlyArray<IngestRecord> | FramedColumns;
  meta: Omit<IngestMeta, 'receivedAt'> & { receivedAt: number };
  withRows: boolean;
}

/** A text buffer back from the writer after its commit, for the worker to pack into again. */
export interface RecycleRequest {
  recycle: ArrayBuffer;
}

/** A prepared batch as a worker sends it: its rows, if any, as columns. */
export type WireBatch = Omit<PreparedBatch, 'rows'> & { columns?: RowColumns };

export type PrepareReply =
  | { id: number; ok: true; batch: WireBatch }
  | { id: number; ok: false; error: { name: string; message: string; sourceType?: string } };

/** A worker failed or exited while it held the batch: nothing of it was committed. */
export class IngestWorkerError extends Error {
  readonly code = 'ingest_worker_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IngestWorkerError';
  }
}

interface Pending {
  resolve: (b: PreparedBatch) => void;
  reject: (err: unknown) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** It has answered at least once: a worker that cannot even start is not restarted in a loop. */
  answered: boolean;
}

function startWorker(data: PrepareWorkerData): Worker {
  return startWorkerThread(import.meta.url, 'prepare-worker', data);
}

export class PreparePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(size: number, private readonly data: PrepareWorkerData, private readonly logger: Logger = silentLogger) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  private spawn(): Slot {
    const worker = startWorker(this.data);
    const slot: Slot = { worker, pending: new Map(), answered: false };
    worker.on('message', (m: PrepareReply) => {
      slot.answered = true;
      const p = slot.pending.get(m.id);
      if (p === undefined) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) worker.unref();
      if (!m.ok) {
        p.reject(m.error.name === 'UnknownSourceTypeError' && m.error.sourceType !== undefined ? new UnknownSourceTypeError(m.error.sourceType) : new IngestWorkerError(`ingest worker: ${m.error.name}: ${m.error.message}`));
        return;
      }
      const { columns, ...batch } = m.batch;
      if (columns === undefined) {
        p.resolve(batch);
        return;
      }
      try {
        p.resolve({ ...batch, rows: rowsFromColumns(columns, batch.text) });
      } catch (err) {
        p.reject(new IngestWorkerError(`ingest worker: malformed reply: ${(err as Error).message}`, { cause: err }));
      }
    });
    const fail = (err: IngestWorkerError): void => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      const i = this.slots.indexOf(slot);
      if (i < 0 || this.closed) return;
      if (!slot.answered) {
        this.logger.error({ err }, 'ingest worker failed before its first batch; not restarted');
        this.slots.splice(i, 1);
        return;
      }
      this.logger.error({ err }, 'ingest worker failed; starting a new one');
      this.slots[i] = this.spawn();
    };
    worker.on('error', (err) => fail(new IngestWorkerError(`ingest worker failed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => fail(new IngestWorkerError(`ingest worker exited (code ${code})`)));
    // An idle worker never keeps the process alive (close() ends it on shutdown); one holding a batch
    // does, until it answers. After the listeners: adding a 'message' listener refs the port again.
    worker.unref();
    return slot;
  }

  /** Decode and normalize one batch on the least busy worker. */
  run(records: ReadonlyArray<IngestRecord>, meta: IngestMeta, withRows: boolean): Promise<PreparedBatch> {
    if (this.closed) return Promise.reject(new IngestWorkerError('ingest workers are closed'));
    if (this.slots.length === 0) return Promise.reject(new IngestWorkerError('no ingest worker could be started'));
    let slot = this.slots[0] as Slot;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    const { receivedAt, ...rest } = meta;
    const columns = framedToColumns(records);
    const req: PrepareRequest = { id, records: columns ?? records, meta: { ...rest, receivedAt: (receivedAt ?? new Date()).getTime() }, withRows };
    return new Promise<PreparedBatch>((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      try {
        slot.worker.postMessage(req, columns !== undefined ? [columns.nums.buffer as ArrayBuffer] : []);
      } catch (err) {
        slot.pending.delete(id);
        if (slot.pending.size === 0) slot.worker.unref();
        reject(new IngestWorkerError(`cannot hand the batch to an ingest worker: ${(err as Error).message}`, { cause: err }));
      }
    });
  }

  /**
   * Give a batch's text buffer (PreparedBatch.text) back to a worker once its rows are committed;
   * the rows' text views are detached by this.
   */
  recycle(buffer: ArrayBuffer): void {
    if (this.closed || buffer.byteLength === 0) return;
    let slot = this.slots[0];
    for (const s of this.slots) if (slot === undefined || s.pending.size < slot.pending.size) slot = s;
    if (slot === undefined) return;
    const m: RecycleRequest = { recycle: buffer };
    try {
      slot.worker.postMessage(m, [buffer]);
    } catch {
      // A worker that is going away: the buffer is simply freed.
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
