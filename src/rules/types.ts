/**
 * The contract between the Sigma compiler (src/rules/sigma), the processing pipelines
 * (src/rules/pipeline) and the rule index / hunt (src/rules/index, src/cli).
 */
import type { FieldAccessor } from '../event/field-path.js';

export type SigmaLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

export interface SigmaLogsource {
  product?: string;
  category?: string;
  service?: string;
  definition?: string;
}

/** Where a rule came from, for error messages and `weft rules validate`. */
export interface RuleOrigin {
  file: string;
  /** 1-based line of the YAML document (or of the offending key, in errors). */
  line: number;
}

/** A rejected rule: nothing is skipped silently. `reason` names the unsupported feature or the bad key. */
export interface RuleRejection {
  file: string;
  line: number;
  reason: string;
  ruleId?: string;
}

/**
 * How a pipeline tells the compiler to read a Sigma field on a normalized event.
 * Several candidate paths: the first one present on the event is used (e.g. `Image` reads
 * `winlog.event_data.Image`, else `process.executable`).
 */
export interface FieldResolution {
  paths: string[];
  accessor: FieldAccessor;
}

export interface FieldResolver {
  resolve(sigmaField: string): FieldResolution;
}

/** Why an event matched: which search identifiers were true. */
export interface MatchDetail {
  selections: string[];
}

/** A predicate over a normalized event, built once per rule. */
export type EventPredicate = (event: unknown) => boolean;
