/** The Sigma rule compiler: load and validate rules, correlations and filters; compile detections. */
export { loadRules, ruleFiles, type LoadOptions } from './load.js';
export { parseRuleText } from './parse.js';
export { RuleParseCache, type ParseCacheStats } from './parse-cache.js';
export { compileRule, isRejection, filterApplies, CompileError, type CompileOptions } from './compile.js';
export { parseCondition, ConditionError, type ConditionNode } from './condition.js';
export { eventText } from './event-text.js';
export type {
  CompiledRule,
  CorrelationCondition,
  CorrelationType,
  LoadResult,
  SigmaCorrelation,
  SigmaFilter,
  SigmaRule,
  SigmaStatus,
} from './types.js';
