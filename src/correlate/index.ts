/** Weft's event-time correlation engine: Sigma correlations and Weft's extensions. */
export { CorrelationEngine } from './engine.js';
export { mayHoldCorrelation, parseCorrelationText, type CorrelationLoadResult } from './load.js';
export { fromSigma, parseWeftDocument, isWeftDocument, SIGMA_TYPES, WEFT_TYPES } from './definition.js';
export { parseRuleExpression, testCondition, ExpressionError } from './condition.js';
export { CHECKPOINT_VERSION } from './checkpoint.js';
export { CorrelationRuleError, CheckpointError } from './errors.js';
export type * from './types.js';
