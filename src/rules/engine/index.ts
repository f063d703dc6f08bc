/** The detection engine: an indexed, prefiltered Sigma rule set built from rule and pipeline files. */
export { buildRuleSet, buildRuleSetFromLoaded, compileLoaded, CompileMemo, type BuildRuleSetOptions, type BuildRuleSetResult, type LoadedPipelines } from './build.js';
export { RuleSet, type EvaluateOptions, type RuleSetCondition, type RuleSetEntry } from './rule-set.js';
export { LiteralScanner } from './literal-scanner.js';
export { ConditionDispatch } from './condition-dispatch.js';
export type { EngineStats, EngineStatsSummary, Match, MatchedRule } from './types.js';
