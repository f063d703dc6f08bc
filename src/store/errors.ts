/** Errors raised by a Store. `code` is stable for callers and API error bodies. */
export class StoreError extends Error {
  constructor(
    readonly code: 'invalid_record' | 'not_found' | 'conflict' | 'migration_failed' | 'closed' | 'backend',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
