/**
 * The bounded commit path every live source shares (HTTP bulk, OTLP/HTTP, and the syslog and tail
 * listeners): records in, decode + normalize + enrich (RecordPipeline), then one group commit to the
 * store. A caller is told "committed" only after the events and quarantine records are in the store,
 * so an acknowledgement never covers data a crash could lose.
 *
 * Memory is bounded by admission: every submit holds a permit for its records until its commit ends.
 * Non-blocking callers (HTTP answers 429, UDP drops and counts) use `tryAcquire`; callers that can
 * wait (a paused TCP socket, a file tail) use `acquire`, which queues them in arrival order.
 */
import { availableParallelism } from 'node:os';
import type { DeclaredFormat } from '../decode/types.js';
import type { EntityResolver } from '../enrich/entity-resolver.js';
import type { WeftEvent } from '../event/model.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { mapperFor } from '../normalize/registry.js';
import { eventColumns, type EventColumns } from '../store/event-columns.js';
import type { AppendResult, SourceActivity, Store } from '../store/types.js';
import type { FramedRecord } from './framing.js';
import { CommitThreadUnavailableError, type CommitPart, type CommitThread, type ThreadCommit } from './commit-thread.js';
import type { DeclaredSource } from './declared-sources.js';
import { PipelineCache } from './pipeline-cache.js';
import { PreparePool } from './prepare-pool.js';
import { prepareBatch, type PreparedBatch } from './prepare.js';

/** Where a batch of records came from and how to read it. */
export interface IngestMeta {
  /** Stable source id: part of every event id, so a retried record is stored once. */
  sourceId: string;
  /** Declared source type; detected per record when absent. */
  sourceType?: string;
  /** Declared wire format; detected per record when absent (`auto`). */
  format?: DeclaredFormat;
  /** Receive time stamped on the events; now when absent. */
  receivedAt?: Date;
  /** The file the records were read from (tailing): stamped as `log.file.path`. */
  filePath?: string;
}

/** What one submit led to, once committed. */
export interface CommitResult {
  /** Framed records submitted. */
  records: number;
  /** Events the records produced (an OTLP request or a CloudTrail file yields many). */
  events: number;
  /** Records kept in the quarantine with a reason. */
  quarantined: number;
  /** Event-log position after the commit that carried this batch. */
  lastSeq: number;
}

/** The writer is full: the caller should slow down (HTTP 429, TCP pause) and try again. */
export class IngestBusyError extends Error {
  readonly code = 'ingest_busy';
  constructor(message = 'ingest is at capacity, retry later') {
    super(message);
    this.name = 'IngestBusyError';
  }
}

/** The writer is shutting down and accepts nothing new. */
export class IngestClosedError extends Error {
  readonly code = 'ingest_closed';
  constructor() {
    super('ingest is shutting down');
    this.name = 'IngestClosedError';
  }
}

/** Admission for `records` records; released when their commit ends (or explicitly, if never submitted). */
export interface IngestPermit {
  readonly records: number;
  release(): void;
}

export interface IngestWriterOptions {
  store: Store;
  /** Records admitted but not yet committed, at most (default 50,000). */
  maxPendingRecords?: number;
  /** Events per store transaction when batches are grouped (default 10,000). */
  maxCommitEvents?: number;
  timezone?: string;
  /** `ingest.sources`: type, format and zone by source id, where the sender declares none. */
  sources?: readonly DeclaredSource[];
  maxRecordBytes?: number;
  resolver?: EntityResolver;
  /**
   * Worker threads that decode and normalize (default 0: on the calling thread). With workers the
   * calling thread only frames, commits and answers; a store with commitIngest also gets the events
   * already laid out as columns.
   */
  prepareWorkers?: number;
  /**
   * Commit on this thread instead of the calling one (the embedded store; see commit-thread.ts).
   * The writer closes it when it closes.
   */
  commitThread?: CommitThread;
  /** Applied to each batch of events just before it is stored (sensitive-field encryption). */
  beforeStore?: (events: WeftEvent[]) => void;
  /** Called after each group commit, with per-source counts: metrics, and waking event-log consumers. */
  onCommit?: (commit: GroupCommit) => void;
  logger?: Logger;
}

/** At most this many prepare workers for `auto`: past it the single committing thread is the limit. */
const AUTO_INGEST_WORKERS_MAX = 4;

/**
 * Prepare workers for `server.ingest_workers`. `auto` is one per core, 1 to 4. On 2 cores, with a
 * new record in every line (bench/http-ingest.ts), two workers and the commit thread reach ~16.4k
 * events/s and one worker ~15.3k: the store's commit, not decoding, is the limit there. (An earlier
 * 23k -> 33k for one -> two workers was measured on repeated records, which the store skips.)
 */
export function ingestWorkersFor(setting: number | 'auto', cores = availableParallelism()): number {
  if (setting !== 'auto') return setting;
  return Math.max(1, Math.min(AUTO_INGEST_WORKERS_MAX, cores));
}

export interface GroupCommit {
  events: number;
  inserted: number;
  duplicates: number;
  quarantined: number;
  lastSeq: number;
  bySource: SourceActivity[];
  /** Quarantined records by reason code. */
  quarantineReasons: Record<string, number>;
  /** Store time for the whole group, in milliseconds. */
  storeMs: number;
}

interface Job extends PreparedBatch {
  resolve: (r: CommitResult) => void;
  reject: (err: unknown) => void;
}

interface Waiter {
  records: number;
  resolve: (p: IngestPermit) => void;
  reject: (err: unknown) => void;
}

export class IngestWriter {
  private readonly store: Store;
  private readonly maxPending: number;
  private readonly maxCommitEvents: number;
  private readonly logger: Logger;
  private readonly pipelines: PipelineCache;
  private readonly pool: PreparePool | undefined;
  /** Lay events out as store columns while preparing (the store takes columns, nothing edits events first). */
  private readonly withRows: boolean;
  /** Batches being decoded and normalized (on a worker): not queued yet, but not done either. */
  private preparing = 0;
  private readonly queue: Job[] = [];
  private readonly waiters: Waiter[] = [];
  private pending = 0;
  /** Groups handed to the store and not answered yet. */
  private committing = 0;
  private readonly maxCommitsInFlight: number;
  private closed = false;
  private idle: Array<() => void> = [];

  constructor(private readonly opts: IngestWriterOptions) {
    this.store = opts.store;
    this.maxPending = opts.maxPendingRecords ?? 50_000;
    this.maxCommitEvents = opts.maxCommitEvents ?? 10_000;
    this.maxCommitsInFlight = opts.commitThread !== undefined ? 2 : 1;
    this.logger = opts.logger ?? silentLogger;
    this.pipelines = new PipelineCache({
      ...(opts.timezone !== undefined ? { timezone: opts.timezone } : {}),
      ...(opts.sources !== undefined ? { sources: opts.sources } : {}),
      ...(opts.maxRecordBytes !== undefined ? { maxRecordBytes: opts.maxRecordBytes } : {}),
      ...(opts.resolver !== undefined ? { resolver: opts.resolver } : {}),
    });
    this.withRows = this.store.commitIngest !== undefined && opts.beforeStore === undefined;
    const workers = opts.prepareWorkers ?? 0;
    this.pool = workers > 0
      ? new PreparePool(workers, {
        ...(opts.timezone !== undefined ? { timezone: opts.timezone } : {}),
        ...(opts.sources !== undefined ? { sources: [...opts.sources] } : {}),
        ...(opts.maxRecordBytes !== undefined ? { maxRecordBytes: opts.maxRecordBytes } : {}),
        ...(opts.resolver !== undefined ? { resolver: opts.resolver.directory !== undefined ? { identities: opts.resolver.directory } : {} } : {}),
      }, this.logger)
      : undefined;
  }

  /** Records admitted and not yet committed: the queue depth exported as a metric. */
  get pendingRecords(): number {
    return this.pending;
  }

  get capacity(): number {
    return this.maxPending;
  }

  /** Batches waiting for the store. */
  get queuedBatches(): number {
    return this.queue.length;
  }

  /** Callers waiting for admission. */
  get waitingCallers(): number {
    return this.waiters.length;
  }

  /** True when a new batch would be refused now: lets HTTP answer 429 before reading the body. */
  get full(): boolean {
    return this.closed || this.pending >= this.maxPending || this.waiters.length > 0;
  }

  /**
   * Admission without waiting, or undefined when full. A batch larger than the whole capacity is
   * admitted only into an empty writer, so it cannot starve yet memory stays bounded by one batch.
   */
  tryAcquire(records: number): IngestPermit | undefined {
    if (this.closed) return undefined;
    if (this.waiters.length > 0) return undefined;
    if (this.pending > 0 && this.pending + records > this.maxPending) return undefined;
    return this.grant(records);
  }

  /** Admission, waiting in arrival order while the writer is full. */
  acquire(records: number): Promise<IngestPermit> {
    const now = this.tryAcquire(records);
    if (now) return Promise.resolve(now);
    if (this.closed) return Promise.reject(new IngestClosedError());
    return new Promise((resolve, reject) => this.waiters.push({ records, resolve, reject }));
  }

  private grant(records: number): IngestPermit {
    this.pending += records;
    let released = false;
    return {
      records,
      release: () => {
        if (released) return;
        released = true;
        this.pending -= records;
        this.admitWaiters();
      },
    };
  }

  private admitWaiters(): void {
    while (this.waiters.length > 0) {
      const w = this.waiters[0] as Waiter;
      if (this.pending > 0 && this.pending + w.records > this.maxPending) return;
      this.waiters.shift();
      w.resolve(this.grant(w.records));
    }
  }

  /**
   * Throws UnknownSourceTypeError for a source type no mapper has, so a caller can refuse the
   * request (HTTP 400) before taking any of its records.
   */
  checkMeta(meta: IngestMeta): void {
    if (meta.sourceType !== undefined) mapperFor(meta.sourceType);
  }

  /**
   * Decode, normalize and commit `records`; resolves once they are in the store. With a permit from
   * tryAcquire/acquire the batch is already admitted; without one this waits for admission.
   * Rejects with the store's error if the commit fails: nothing of the batch is acknowledged then.
   */
  submit(records: ReadonlyArray<string | FramedRecord | Uint8Array>, meta: IngestMeta, permit?: IngestPermit): Promise<CommitResult> {
    if (permit === undefined) return this.acquire(records.length).then((p) => this.submit(records, meta, p));
    // Not an async function: one keeps its arguments until it returns, and a batch's records held
    // while it waits for its commit outlive scavenges and are promoted. They are handed on here.
    let prepared: Promise<PreparedBatch>;
    this.preparing++;
    try {
      prepared = this.pool !== undefined
        ? this.pool.run(records, { ...meta, receivedAt: meta.receivedAt ?? new Date() }, this.withRows)
        : Promise.resolve(prepareBatch(this.pipelines, records, meta, this.withRows));
    } catch (err) {
      prepared = Promise.reject(err);
    }
    return this.commitPrepared(prepared, permit);
  }

  private async commitPrepared(prepared: Promise<PreparedBatch>, p: IngestPermit): Promise<CommitResult> {
    try {
      let job: PreparedBatch;
      try {
        job = await prepared;
      } finally {
        this.preparing--;
      }
      return await new Promise<CommitResult>((resolve, reject) => {
        this.queue.push({ ...job, resolve, reject });
        this.commitLoop();
      });
    } finally {
      p.release();
      this.settle();
    }
  }

  /**
   * Whatever queued meanwhile goes into the next transaction together. One group at a time, except on
   * a commit thread: it takes the next group while the last one is being answered here, and commits
   * them in the order sent.
   */
  private commitLoop(): void {
    while (this.queue.length > 0 && this.committing < this.maxCommitsInFlight) {
      const group: Job[] = [];
      let n = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0] as Job;
        if (group.length > 0 && n + next.result.events > this.maxCommitEvents) break;
        group.push(next);
        n += next.result.events;
        this.queue.shift();
      }
      this.committing++;
      void this.commitGroup(group).finally(() => {
        this.committing--;
        this.commitLoop();
        this.settle();
      });
    }
  }

  /** Wake drain() callers once nothing is being prepared, queued or committed. */
  private settle(): void {
    if (this.committing > 0 || this.queue.length > 0 || this.preparing > 0 || this.idle.length === 0) return;
    const idle = this.idle;
    this.idle = [];
    for (const f of idle) f();
  }

  private async commitGroup(group: Job[]): Promise<void> {
    const quarantine = group.length === 1 ? (group[0] as Job).quarantine : group.flatMap((j) => j.quarantine);
    let events = 0;
    for (const j of group) events += j.result.events;
    const started = performance.now();
    // The rows' text buffers, to give back to the workers once the rows are done with (stored or
    // failed). A commit on the commit thread moves them there and back.
    let texts: ArrayBuffer[] = [];
    for (const j of group) if (j.text !== undefined) texts.push(j.text);
    try {
      const bySource = mergeActivity(group.map((j) => j.activity));
      let appended: AppendResult;
      if (this.store.commitIngest !== undefined) {
        const parts = this.partsOf(group);
        const thread = this.opts.commitThread;
        let done: ThreadCommit | undefined;
        if (thread !== undefined && thread.unavailable === undefined) {
          try {
            done = await thread.commit(parts, quarantine, bySource);
            texts = done.texts;
          } catch (err) {
            // Unavailable: nothing was sent, the rows are intact and are committed here instead.
            if (!(err instanceof CommitThreadUnavailableError)) {
              texts = (err as { texts?: ArrayBuffer[] }).texts ?? [];
              throw err;
            }
          }
        }
        appended = done !== undefined
          ? done.appended
          : await this.store.commitIngest({ rows: parts.flatMap((p) => p.rows), quarantine, activity: bySource });
      } else {
        appended = await this.commitSeparately(group.length === 1 ? (group[0] as Job).events : group.flatMap((j) => j.events), quarantine, bySource);
      }
      const storeMs = performance.now() - started;
      const quarantineReasons: Record<string, number> = {};
      for (const q of quarantine) quarantineReasons[q.reason] = (quarantineReasons[q.reason] ?? 0) + 1;
      for (const j of group) j.resolve({ ...j.result, lastSeq: appended.lastSeq });
      try {
        this.opts.onCommit?.({ events, inserted: appended.inserted, duplicates: appended.duplicates, quarantined: quarantine.length, lastSeq: appended.lastSeq, bySource, quarantineReasons, storeMs });
      } catch (err) {
        this.logger.warn({ err }, 'ingest onCommit hook failed');
      }
    } catch (err) {
      this.logger.error({ err, events, quarantined: quarantine.length }, 'ingest commit failed; the batch is not acknowledged');
      for (const j of group) j.reject(err);
    }
    for (const t of texts) this.pool?.recycle(t);
  }

  /**
   * The group's events as store columns, batch by batch in order: laid out while preparing, or here
   * (after beforeStore). Indexes in a validation error count from the start of the group, as
   * appendEvents does.
   */
  private partsOf(group: Job[]): CommitPart[] {
    const loose = group.flatMap((j) => (j.rows === undefined ? j.events : []));
    if (loose.length > 0) this.opts.beforeStore?.(loose);
    const parts: CommitPart[] = [];
    let at = 0;
    for (const j of group) {
      if (j.rows !== undefined) {
        parts.push(j.text !== undefined ? { rows: j.rows, text: j.text } : { rows: j.rows });
        at += j.rows.length;
      } else {
        const rows: EventColumns[] = [];
        for (const e of j.events) rows.push(eventColumns(e, at++));
        parts.push({ rows });
      }
    }
    return parts;
  }

  /** A store without commitIngest: quarantine first, events second, activity last. */
  private async commitSeparately(events: WeftEvent[], quarantine: Job['quarantine'], bySource: SourceActivity[]): Promise<AppendResult> {
    this.opts.beforeStore?.(events);
    // Each write is idempotent on retry except the activity counters, which are statistics. A crash
    // between them leaves nothing acknowledged.
    if (quarantine.length > 0) await this.store.addQuarantine(quarantine);
    const appended = events.length > 0 ? await this.store.appendEvents(events) : { inserted: 0, duplicates: 0, lastSeq: await this.store.lastEventSeq() };
    await this.store.recordSourceActivity(bySource);
    return appended;
  }

  /** Resolves when every admitted batch has been committed (or failed). */
  drain(): Promise<void> {
    if (this.committing === 0 && this.queue.length === 0 && this.preparing === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Refuse new work, fail waiting callers, and wait for what was admitted to commit. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(new IngestClosedError());
    await this.drain();
    await this.pool?.close();
    await this.opts.commitThread?.close();
  }
}

function mergeActivity(list: SourceActivity[]): SourceActivity[] {
  if (list.length === 1) return list;
  const by = new Map<string, SourceActivity>();
  for (const a of list) {
    const cur = by.get(a.id);
    if (cur === undefined) {
      by.set(a.id, { ...a });
      continue;
    }
    cur.events += a.events;
    cur.quarantined += a.quarantined;
    if (a.seenAt > cur.seenAt) cur.seenAt = a.seenAt;
    if (cur.type === undefined && a.type !== undefined) cur.type = a.type;
    if (cur.format === undefined && a.format !== undefined) cur.format = a.format;
  }
  return [...by.values()];
}
