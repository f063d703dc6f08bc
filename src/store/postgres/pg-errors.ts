import { StoreError } from '../errors.js';

interface PgErrorFields {
  code?: unknown;
  detail?: unknown;
  constraint?: unknown;
  message?: unknown;
}

/** Connection-level failures (no SQLSTATE): the server is down, unreachable or refused us. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

/**
 * Map a driver error to a typed StoreError with the same codes the SQLite store uses: unique
 * violations are `conflict`, bad data (constraint, type and encoding errors) is `invalid_record`,
 * everything else (connection, server, permissions) is `backend`. `what` names the operation.
 */
export function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as PgErrorFields;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' && e.message.length > 0 ? e.message : String(err);
  const detail = typeof e.detail === 'string' ? ` (${e.detail})` : '';
  if (code === '23505') return new StoreError('conflict', `${what}: ${message}${detail}`, { cause: err });
  // 23xxx integrity (foreign key, not null, check), 22xxx data exceptions (bad value, encoding).
  if (code.startsWith('23') || code.startsWith('22')) return new StoreError('invalid_record', `${what}: ${message}${detail}`, { cause: err });
  if (NETWORK_CODES.has(code)) return new StoreError('backend', `${what}: cannot reach PostgreSQL (${code}): ${message}`, { cause: err });
  return new StoreError('backend', `${what}: ${message}${detail}`, { cause: err });
}

/** The URL with any password removed, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable PostgreSQL URL)';
  }
}
