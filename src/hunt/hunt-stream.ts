/**
 * The hunt path as a stream: outcome batches (decode + normalize, from readOutcomes or any other
 * source) in, the same batches with each event's rule matches out, in input order. `weft hunt` prints
 * it; a correlation stage or `weft ingest` can consume it the same way.
 */
import type { WeftEvent } from '../event/model.js';
import { readFramed, readOutcomes, type OutcomeBatch, type ReadOptions } from '../ingest/file-source.js';
import type { HuntPool } from './hunt-pool.js';
import type { Match, RuleSet } from '../rules/engine/index.js';
import type { SigmaLevel } from '../rules/types.js';
import type { QuarantineInput } from '../store/types.js';
import type { RecordOutcome } from '../ingest/record-pipeline.js';
import type { CorrelationAlert } from '../correlate/index.js';
import type { CorrelationStage } from './correlate-stage.js';

export const LEVELS: readonly SigmaLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];

export function levelRank(level: SigmaLevel | undefined): number {
  return level === undefined ? 0 : LEVELS.indexOf(level);
}

export interface HuntOptions {
  /** Matches of rules below this level are dropped (rules without a level count as informational). */
  minLevel?: SigmaLevel;
  /** Correlation rules over the matches, in event time; their base matches with `generate: false` are not reported. */
  correlate?: CorrelationStage;
  /** Called for every event with all its matches (hidden ones too): the alert stage's baseline and facts. */
  onEvent?: (event: WeftEvent, matches: readonly Match<WeftEvent>[]) => void;
}

export interface HuntBatch {
  file: string;
  /** Bytes of `file` consumed so far. */
  bytesRead: number;
  /** Records framed in this batch. */
  records: number;
  /** Events normalized in this batch (matched or not). */
  events: number;
  /** Matches, in event order, then rule order within an event. */
  matches: Match<WeftEvent>[];
  /** Correlation alerts: empty until the last batch, which carries them all in event-time order. */
  correlations: CorrelationAlert[];
  quarantined: QuarantineInput[];
}

/** An outcome batch with its events evaluated: matches per outcome, undefined for a quarantine. */
export interface EvaluatedBatch {
  file: string;
  bytesRead: number;
  records: number;
  outcomes: RecordOutcome[];
  matches: Array<readonly Match<WeftEvent>[] | undefined>;
}

/** Evaluate every event of every batch here, on this thread. */
async function* evaluateInline(batches: AsyncIterable<OutcomeBatch>, ruleSet: RuleSet): AsyncGenerator<EvaluatedBatch> {
  for await (const b of batches) {
    yield { ...b, matches: b.outcomes.map((o) => (o.kind === 'event' ? ruleSet.evaluate(o.event) : undefined)) };
  }
}

/** Evaluate every event of every batch; one output batch per input batch. */
export function huntOutcomes(batches: AsyncIterable<OutcomeBatch>, ruleSet: RuleSet, opts: HuntOptions = {}): AsyncGenerator<HuntBatch> {
  return huntEvaluated(evaluateInline(batches, ruleSet), opts);
}

/**
 * Batches evaluated here or on worker threads, in input order: correlation input, the alert stage's
 * observation, and the reported matches (hidden ones and those below the level left out).
 */
export async function* huntEvaluated(batches: AsyncIterable<EvaluatedBatch>, opts: HuntOptions = {}): AsyncGenerator<HuntBatch> {
  const min = levelRank(opts.minLevel);
  const corr = opts.correlate;
  let last: HuntBatch | undefined;
  for await (const b of batches) {
    const out: HuntBatch = { file: b.file, bytesRead: b.bytesRead, records: b.records, events: 0, matches: [], correlations: [], quarantined: [] };
    for (let i = 0; i < b.outcomes.length; i++) {
      const o = b.outcomes[i] as RecordOutcome;
      if (o.kind === 'quarantine') {
        out.quarantined.push(o.quarantine);
        continue;
      }
      out.events++;
      const ms = b.matches[i] ?? [];
      corr?.collect(o.event, ms);
      opts.onEvent?.(o.event, ms);
      for (const m of ms) {
        if (corr !== undefined && corr.isHidden(m)) continue;
        if (min === 0 || levelRank(m.rule.level) >= min) out.matches.push(m);
      }
    }
    last = out;
    yield out;
  }
  if (corr !== undefined) {
    const settled = corr.finish();
    if (settled.length > 0) {
      yield { file: last?.file ?? '', bytesRead: last?.bytesRead ?? 0, records: 0, events: 0, matches: [], correlations: settled, quarantined: [] };
    }
  }
}

/** Read files (directories, globs expanded by the caller; `-` is stdin) and hunt over them. */
export function huntFiles(files: string[], ruleSet: RuleSet, opts: HuntOptions & ReadOptions = {}): AsyncGenerator<HuntBatch> {
  return huntOutcomes(readOutcomes(files, opts), ruleSet, opts);
}

/** The same as huntFiles, with decoding, normalizing and detection on the pool's worker threads. */
export function huntFilesParallel(files: string[], pool: HuntPool, opts: HuntOptions & ReadOptions = {}): AsyncGenerator<HuntBatch> {
  return huntEvaluated(evaluateOnPool(files, pool, opts), opts);
}

/** Framed batches to the pool, a few per worker in flight, results in input order. */
async function* evaluateOnPool(files: string[], pool: HuntPool, opts: ReadOptions): AsyncGenerator<EvaluatedBatch> {
  const inFlight: Promise<EvaluatedBatch>[] = [];
  const depth = pool.size * 2;
  for await (const b of readFramed(files, opts)) {
    const p = pool.evaluate(b);
    // Awaited in order below, where a failure is thrown; until then it must not count as unhandled.
    p.catch(() => undefined);
    inFlight.push(p);
    if (inFlight.length >= depth) yield await (inFlight.shift() as Promise<EvaluatedBatch>);
  }
  while (inFlight.length > 0) yield await (inFlight.shift() as Promise<EvaluatedBatch>);
}
