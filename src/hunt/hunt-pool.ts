/**
 * `weft hunt` on several cores: worker threads decode, normalize and evaluate framed batches (the
 * per-event work, ~90% of a hunt's CPU with the SigmaHQ rule set), while the calling thread frames
 * the input and keeps everything stateful in input order: correlation, the alert stage, output.
 * Each worker builds the same rule set from the same files, so a match travels as a rule index.
 * Nothing is retried: a worker that fails ends the hunt with HuntWorkerError, naming the cause.
 */
import type { Worker } from 'node:worker_threads';
import type { DeclaredFormat } from '../decode/types.js';
import type { IdentityDirectory } from '../enrich/identity-directory.js';
import type { WeftEvent } from '../event/model.js';
import type { FramedBatch } from '../ingest/file-source.js';
import type { RecordOutcome } from '../ingest/record-pipeline.js';
import type { BuildRuleSetOptions, EngineStats, Match, MatchedRule, RuleSet } from '../rules/engine/index.js';
import type { EvaluatedBatch } from './hunt-stream.js';
import { startWorkerThread } from '../ingest/worker-thread.js';

/**
 * Rules a worker compiles: files to read, or rules the caller has read already, as `v8.serialize`d
 * LoadResult bytes (one copy for every worker; reading the SigmaHQ set costs ~4 s of YAML parsing,
 * compiling it ~1.7 s).
 */
export type HuntWorkerRules = BuildRuleSetOptions | (Omit<BuildRuleSetOptions, 'rulePaths'> & { loaded: Uint8Array });

/** What every worker is started with. */
export interface HuntWorkerData {
  rules: HuntWorkerRules;
  format?: DeclaredFormat;
  sourceType?: string;
  timezone?: string;
  maxRecordBytes?: number;
  /** Entity resolution: the directory the calling thread's resolver was built from. */
  identities?: IdentityDirectory;
}

export interface HuntWorkerRequest {
  id: number;
  batch: FramedBatch;
}

/** Per outcome, the matched rules as [rule index, true selections]; null for a quarantine. */
export type WorkerMatches = Array<Array<[number, string[]]> | null>;

export type HuntWorkerReply =
  | { kind: 'ready'; ruleIds: string[] }
  | { kind: 'failed'; message: string }
  | { kind: 'result'; id: number; outcomes: RecordOutcome[]; matches: WorkerMatches; stats: EngineStats }
  | { kind: 'error'; id: number; message: string };

/** A hunt worker could not start, failed on a batch, or exited while it held one. */
export class HuntWorkerError extends Error {
  readonly code = 'hunt_worker_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HuntWorkerError';
  }
}

function startWorker(data: HuntWorkerData): Worker {
  return startWorkerThread(import.meta.url, 'hunt-worker', data);
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: Extract<HuntWorkerReply, { kind: 'result' }>) => void; reject: (e: unknown) => void }>;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, k) => id === b[k]);
}

const ZERO_STATS: EngineStats = { events: 0, exhaustiveEvents: 0, conditionEvaluations: 0, ruleEvaluations: 0, logsourceCandidates: 0, prefilterPassed: 0, matches: 0 };

export class HuntPool {
  private readonly slots: Slot[] = [];
  private infos: readonly MatchedRule[] | undefined;
  /** The rule ids every worker built, in order (all the same: checked at start). */
  private ruleIds: readonly string[] = [];
  private nextId = 1;
  private failure: HuntWorkerError | undefined;
  private closed = false;
  private readonly totals: EngineStats = { ...ZERO_STATS };

  private constructor() {}

  /**
   * Start `size` workers and wait until each has built its rule set. They build while the caller
   * builds its own (start the pool first, then build, then `bind`): the builds overlap.
   */
  static async start(size: number, data: HuntWorkerData): Promise<HuntPool> {
    if (!(size >= 1)) throw new RangeError('a hunt pool needs at least one worker');
    const pool = new HuntPool();
    const ready: Promise<void>[] = [];
    let first: string[] | undefined;
    for (let i = 0; i < size; i++) {
      const worker = startWorker(data);
      const slot: Slot = { worker, pending: new Map() };
      pool.slots.push(slot);
      ready.push(new Promise<void>((resolve, reject) => {
        worker.once('message', (m: HuntWorkerReply) => {
          if (m.kind === 'failed') reject(new HuntWorkerError(`hunt worker could not start: ${m.message}`));
          else if (m.kind !== 'ready') reject(new HuntWorkerError(`hunt worker sent ${m.kind} before it was ready`));
          else if (first !== undefined && !sameIds(m.ruleIds, first)) reject(new HuntWorkerError('hunt workers built different rule sets: the rule files changed while the hunt started'));
          else {
            first ??= m.ruleIds;
            pool.ruleIds = first;
            worker.on('message', (r: HuntWorkerReply) => pool.onReply(slot, r));
            // An idle worker does not keep the process alive (a pool left open cannot hang it);
            // one holding a batch does, while the caller awaits it.
            worker.unref();
            resolve();
          }
        });
        worker.once('error', (err) => reject(new HuntWorkerError(`hunt worker could not start: ${err.message}`, { cause: err })));
        // Settled already if it became ready: then this does nothing.
        worker.once('exit', (code) => reject(new HuntWorkerError(`hunt worker exited (code ${code}) before it was ready`)));
      }));
      worker.on('error', (err) => pool.fail(new HuntWorkerError(`hunt worker failed: ${err.message}`, { cause: err })));
      worker.on('exit', (code) => {
        if (!pool.closed) pool.fail(new HuntWorkerError(`hunt worker exited (code ${code}) while the hunt was running`));
      });
    }
    try {
      await Promise.all(ready);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * The caller's rule set, built from the same options: matches come back as its rule objects. Its
   * rules must be the workers', in the same order.
   */
  bind(ruleSet: RuleSet): void {
    const infos = ruleSet.ruleInfos;
    if (!sameIds(infos.map((r) => r.id), this.ruleIds)) {
      throw new HuntWorkerError(`hunt workers built ${this.ruleIds.length} rules, this thread ${infos.length}: the rule files changed while the hunt started`);
    }
    this.infos = infos;
  }

  /** Engine counters summed over every batch the workers evaluated. */
  stats(): EngineStats {
    return { ...this.totals };
  }

  /** Decode, normalize and evaluate one framed batch on the least busy worker. */
  async evaluate(batch: FramedBatch): Promise<EvaluatedBatch> {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) throw new HuntWorkerError('hunt pool is closed');
    const infos = this.infos;
    if (infos === undefined) throw new HuntWorkerError('hunt pool is not bound to a rule set');
    let slot = this.slots[0] as Slot;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    const reply = await new Promise<Extract<HuntWorkerReply, { kind: 'result' }>>((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, batch } satisfies HuntWorkerRequest);
    });
    for (const k of Object.keys(this.totals) as (keyof EngineStats)[]) this.totals[k] += reply.stats[k];
    const matches = reply.outcomes.map((o, i): Match<WeftEvent>[] | undefined => {
      const ms = reply.matches[i];
      if (o.kind !== 'event' || ms === null || ms === undefined) return undefined;
      return ms.map(([rule, selections]) => ({ rule: infos[rule] as MatchedRule, selections, event: o.event }));
    });
    return { file: batch.file, bytesRead: batch.bytesRead, records: batch.records.length, outcomes: reply.outcomes, matches };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private onReply(slot: Slot, r: HuntWorkerReply): void {
    if (r.kind !== 'result' && r.kind !== 'error') return;
    const p = slot.pending.get(r.id);
    if (p === undefined) return;
    slot.pending.delete(r.id);
    if (slot.pending.size === 0) slot.worker.unref();
    if (r.kind === 'result') p.resolve(r);
    else this.fail(new HuntWorkerError(`hunt worker failed on a batch: ${r.message}`), p.reject);
  }

  /** The first failure ends the hunt: every batch in flight is rejected with it. */
  private fail(err: HuntWorkerError, rejectOne?: (e: unknown) => void): void {
    this.failure ??= err;
    rejectOne?.(this.failure);
    for (const s of this.slots) {
      for (const p of s.pending.values()) p.reject(this.failure);
      s.pending.clear();
    }
  }
}
