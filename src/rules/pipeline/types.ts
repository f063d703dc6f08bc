import type { EventPredicate } from '../types.js';

/** The logsource keys a pipeline entry may match on. */
export const MATCH_KEYS = ['product', 'category', 'service'] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];

/** A literal a condition compares with: any-of, case-insensitive, numbers compared as text. */
export type ConditionValue = string | number | boolean;

export interface PipelineLogsource {
  /** Lowercased; every key present must equal the rule's logsource value (case-insensitive). */
  match: Partial<Record<MatchKey, string>>;
  /** OR of AND-maps over normalized-event paths; `null` when the entry adds no condition. */
  conditions: Record<string, ConditionValue[]>[] | null;
  /** Compiled once at load time from `conditions`. */
  predicate: EventPredicate | null;
  /** Sigma field -> candidate paths for rules of this logsource (first present wins). */
  fields: Record<string, string[]>;
  /** 1-based line of the entry in its file. */
  line: number;
}

export interface Pipeline {
  name: string;
  description?: string;
  /** Lower applies first. */
  priority: number;
  file: string;
  logsources: PipelineLogsource[];
  /** Pipeline-wide mappings, used for every logsource the pipeline matches. */
  fields: Record<string, string[]>;
  /** Fallback path templates for fields nothing maps; `{field}` is replaced by the Sigma field name. */
  unmapped: string[];
}

export interface PipelineError {
  file: string;
  line?: number;
  message: string;
}
