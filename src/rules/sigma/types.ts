/** The loaded forms of the three Sigma document kinds, and the compiler's output. */
import type { EventPredicate, MatchDetail, RuleRejection, SigmaLevel, SigmaLogsource } from '../types.js';
import type { ParsedDetection } from './detection.js';

export type SigmaStatus = 'stable' | 'test' | 'experimental' | 'deprecated' | 'unsupported';
export type RelatedType = 'derived' | 'obsolete' | 'merged' | 'renamed' | 'similar';

interface SigmaDocumentBase {
  id?: string;
  name?: string;
  title: string;
  description?: string;
  author?: string;
  date?: string;
  modified?: string;
  references: string[];
  falsepositives: string[];
  status?: SigmaStatus;
  level?: SigmaLevel;
  taxonomy?: string;
  file: string;
  /** 1-based line where the YAML document starts. */
  line: number;
}

export interface SigmaRule extends SigmaDocumentBase {
  kind: 'rule';
  tags: string[];
  logsource: SigmaLogsource;
  fields: string[];
  related: Array<{ id: string; type: RelatedType }>;
  license?: string;
  scope?: string[];
  /** The detection section as written (plain data). */
  detection: Record<string, unknown>;
  /** The validated detection: search identifiers and the resolved condition. */
  parsed: ParsedDetection;
}

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile';

/** Comparisons of a correlation condition; several are AND-ed (`gt: 100, lte: 200` is a range). */
export interface NumericCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
  neq?: number;
}

export interface CorrelationCondition extends NumericCondition {
  /** The field(s) value_* types aggregate. */
  field?: string[];
}

export interface SigmaCorrelation extends SigmaDocumentBase {
  kind: 'correlation';
  type: CorrelationType;
  /** Referenced rules or correlations, by id or name. */
  rules: string[];
  groupBy: string[];
  /** As written (`5m`) and in milliseconds. */
  timespan: string;
  timespanMs: number;
  condition?: CorrelationCondition;
  /** alias -> (rule name -> field). */
  aliases: Record<string, Record<string, string>>;
  generate: boolean;
}

export interface SigmaFilter extends SigmaDocumentBase {
  kind: 'filter';
  logsource: SigmaLogsource;
  /** Rules (ids or names) the filter applies to. */
  rules: string[];
  /** The filter's search identifiers and condition; applied as `and not (...)`. */
  parsed: ParsedDetection;
}

export interface LoadResult {
  rules: SigmaRule[];
  correlations: SigmaCorrelation[];
  filters: SigmaFilter[];
  rejections: RuleRejection[];
}

export interface CompiledRule {
  rule: SigmaRule;
  predicate: EventPredicate;
  /** Which search identifiers were true, when the rule matches; null when it does not. */
  explain(event: unknown): MatchDetail | null;
  /** The search identifiers true on an event the predicate is known to match (explain without re-running it). */
  selections(event: unknown): string[];
  /**
   * Literals for an index/prefilter: an event can only match if its text contains (case-insensitive)
   * at least one string of EVERY inner list. Empty outer list = no requirement known.
   * Strings are lowercased. Only string values and regexes (their mandatory literal) of the rule
   * contribute (never numbers), and only positive, non-negated matches.
   */
  requiredLiterals: string[][];
  /** Sigma field names the detection reads (including `fieldref` targets), before resolution. */
  fields: string[];
  /** Event paths the resolver mapped those fields to. */
  eventPaths: string[];
  /**
   * The detection has keyword searches (items without a field): its literals can be in any value of
   * the event, not only at `eventPaths`.
   */
  keywordSearch: boolean;
  /** Filters (by title) that were applied to this rule. */
  appliedFilters: string[];
}
