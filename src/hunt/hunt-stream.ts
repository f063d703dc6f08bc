/**
 * The hunt path as a stream: outcome batches (decode + normalize, from readOutcomes or any other
 * source) in, the same batches with each event's rule matches out, in input order. `weft hunt` prints
 * it; a correlation stage or `weft ingest` can consume it the same way.
 */
import type { WeftEvent } from '../event/model.js';
import { readOutcomes, type OutcomeBatch, type ReadOptions } from '../ingest/file-source.js';
import type { Match, RuleSet } from '../rules/engine/index.js';
import type { SigmaLevel } from '../rules/types.js';
import type { QuarantineInput } from '../store/types.js';

export const LEVELS: readonly SigmaLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];

export function levelRank(level: SigmaLevel | undefined): number {
  return level === undefined ? 0 : LEVELS.indexOf(level);
}

export interface HuntOptions {
  /** Matches of rules below this level are dropped (rules without a level count as informational). */
  minLevel?: SigmaLevel;
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
  quarantined: QuarantineInput[];
}

/** Evaluate every event of every batch; one output batch per input batch. */
export async function* huntOutcomes(batches: AsyncIterable<OutcomeBatch>, ruleSet: RuleSet, opts: HuntOptions = {}): AsyncGenerator<HuntBatch> {
  const min = levelRank(opts.minLevel);
  for await (const b of batches) {
    const out: HuntBatch = { file: b.file, bytesRead: b.bytesRead, records: b.records, events: 0, matches: [], quarantined: [] };
    for (const o of b.outcomes) {
      if (o.kind === 'quarantine') {
        out.quarantined.push(o.quarantine);
        continue;
      }
      out.events++;
      const ms = ruleSet.evaluate(o.event);
      for (const m of ms) if (min === 0 || levelRank(m.rule.level) >= min) out.matches.push(m);
    }
    yield out;
  }
}

/** Read files (directories, globs expanded by the caller; `-` is stdin) and hunt over them. */
export function huntFiles(files: string[], ruleSet: RuleSet, opts: HuntOptions & ReadOptions = {}): AsyncGenerator<HuntBatch> {
  return huntOutcomes(readOutcomes(files, opts), ruleSet, opts);
}
