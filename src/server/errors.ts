/**
 * The one error shape every API answer uses: `{"error": {"code", "message", "details"}}`.
 * Handlers throw ApiError; the app's error handler turns anything else (Fastify's own errors,
 * StoreError, unexpected exceptions) into the same shape without leaking internals.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodError } from 'zod';
import { StoreError } from '../store/errors.js';
import { IngestBusyError, IngestClosedError } from '../ingest/ingest-writer.js';
import type { Logger } from '../log/logger.js';

export type ApiErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'unprocessable'
  | 'unavailable'
  | 'internal';

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details: Record<string, unknown> };
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Extra response headers (Retry-After, WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, details: Record<string, unknown> = {}): ApiError => new ApiError(400, 'invalid_request', message, details);
export const notFound = (what: string, id: string): ApiError => new ApiError(404, 'not_found', `${what} ${id} not found`, { [what]: id });
export const unauthorized = (message = 'authentication required'): ApiError =>
  new ApiError(401, 'unauthorized', message, {}, { 'www-authenticate': 'Bearer realm="weft"' });
export const forbidden = (permission: string): ApiError =>
  new ApiError(403, 'forbidden', `this needs the ${permission} permission, which your role does not have`, { permission });
export const tooMany = (message: string, retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too_many_requests', message, { retry_after_seconds: retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });

/** Where a bad value was: `body`, `query` or `path`, joined with the field path: `query.limit`, `body.items[2].value`. */
export function validationError(where: 'body' | 'query' | 'path', err: ZodError): ApiError {
  const fields = err.issues.map((i) => {
    let field = where as string;
    for (const seg of i.path) field += typeof seg === 'number' ? `[${seg}]` : `.${String(seg)}`;
    // Zod names unknown keys in the issue, not the path: point at each of them.
    const keys = i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys ?? [] : [];
    return keys.length > 0 ? keys.map((k) => ({ field: `${field}.${k}`, message: 'unknown field' })) : [{ field, message: i.message }];
  }).flat();
  const first = fields[0];
  const message = first ? `${first.field}: ${first.message}${fields.length > 1 ? ` (and ${fields.length - 1} more)` : ''}` : `${where} is not valid`;
  return new ApiError(400, 'invalid_request', message, { fields });
}

export function errorBody(code: ApiErrorCode, message: string, details: Record<string, unknown> = {}): ApiErrorBody {
  return { error: { code, message, details } };
}

/** Map any thrown value to an ApiError. Unknown errors become a 500 whose message says nothing internal. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof IngestBusyError) return tooMany(err.message, 1);
  if (err instanceof IngestClosedError) return new ApiError(503, 'unavailable', err.message, {}, { 'retry-after': '5' });
  if (err instanceof StoreError) {
    switch (err.code) {
      case 'not_found': return new ApiError(404, 'not_found', err.message);
      case 'conflict': return new ApiError(409, 'conflict', err.message);
      case 'invalid_record': return new ApiError(400, 'invalid_request', err.message);
      case 'closed': return new ApiError(503, 'unavailable', 'the store is closed (shutting down)', {}, { 'retry-after': '5' });
      default: return new ApiError(503, 'unavailable', 'the store is not reachable, retry later', {}, { 'retry-after': '5' });
    }
  }
  const fe = err as Partial<FastifyError> & { statusCode?: number };
  if (typeof fe.code === 'string' && fe.code.startsWith('FST_')) {
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new ApiError(413, 'payload_too_large', fe.message ?? 'request body is too large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new ApiError(415, 'unsupported_media_type', fe.message ?? 'unsupported content type');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return badRequest(fe.message ?? 'bad request body');
      default:
        if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) return badRequest(fe.message ?? 'bad request');
    }
  }
  // JSON body parse failures from Fastify's parser carry statusCode 400 and a SyntaxError message.
  if (err instanceof SyntaxError && fe.statusCode === 400) return badRequest(`body is not valid JSON: ${err.message}`);
  if (fe.statusCode === 413) return new ApiError(413, 'payload_too_large', 'request body is too large');
  return new ApiError(500, 'internal', 'internal error; the server log has the details');
}

export function sendError(reply: FastifyReply, e: ApiError): FastifyReply {
  for (const [k, v] of Object.entries(e.headers)) void reply.header(k, v);
  return reply.code(e.statusCode).type('application/json; charset=utf-8').send(errorBody(e.code, e.message, e.details));
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const e = toApiError(err);
    if (e.statusCode >= 500) logger.error({ err, method: req.method, url: req.url }, 'request failed');
    return sendError(reply, e);
  };
}
