/** Typed errors of the correlation engine. */

/** A correlation rule that cannot be run: bad field, unknown reference, cycle. */
export class CorrelationRuleError extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(`correlation '${rule}': ${message}`);
    this.name = 'CorrelationRuleError';
  }
}

/** A snapshot that cannot be restored: wrong magic, version, rule set or a damaged payload. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}
