import type { SigmaLevel, SigmaLogsource } from '../types.js';
import type { SigmaStatus } from '../sigma/types.js';

/** What a match says about its rule: built once per rule, shared by every match. */
export interface MatchedRule {
  /** The rule's id; rules without one are identified by title. */
  id: string;
  /** The rule's `name` (Sigma v2.1), by which correlations may reference it. */
  name?: string;
  title: string;
  level?: SigmaLevel;
  tags: readonly string[];
  status?: SigmaStatus;
  author?: string;
  logsource: SigmaLogsource;
  file: string;
}

export interface Match<E = unknown> {
  rule: MatchedRule;
  /** The search identifiers that were true (from the rule's explain). */
  selections: string[];
  event: E;
}

/** Counters since the rule set was built (or since `resetStats`). */
export interface EngineStats {
  events: number;
  /** Events the prefilter could not be used on (text view truncated, or index disabled). */
  exhaustiveEvents: number;
  /** Logsource conditions evaluated (each distinct condition at most once per event). */
  conditionEvaluations: number;
  /** Rule predicates evaluated. */
  ruleEvaluations: number;
  /** Rules whose logsource condition held (the candidates a logsource-only index would evaluate). */
  logsourceCandidates: number;
  /** Of those, the rules that also passed the literal prefilter (evaluated). */
  prefilterPassed: number;
  matches: number;
}

export interface EngineStatsSummary extends EngineStats {
  rules: number;
  rulesEvaluatedPerEvent: number;
  conditionsEvaluatedPerEvent: number;
  /** prefilterPassed / logsourceCandidates. */
  prefilterPassRate: number;
}
