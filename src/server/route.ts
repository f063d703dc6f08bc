/**
 * How every API route is declared: method, path, the permission it needs, zod schemas for path,
 * query and body, and whether it is audited. One declaration drives authentication and the
 * permission check (before the body is read), validation (errors name the field), the access audit,
 * the OpenAPI document and the route x role test. A route cannot be added without saying who may
 * call it: `access` is required.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { z, type ZodType } from 'zod';
import { roleHasPermission, type Permission } from '../store/roles.js';
import type { AuditInput } from '../store/types.js';
import type { Principal } from './auth/principal.js';
import { ApiError, errorBody, forbidden, unauthorized, validationError } from './errors.js';
import type { ServerContext } from './context.js';

export type Access = Permission | 'public' | 'authenticated';
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What a handler adds to its audit entry. */
export interface AuditNote {
  /** The record acted on (alert id, user name...). */
  target?: string;
  /** Records read or written. */
  records?: number;
  details?: Record<string, unknown>;
  /** Overrides the actor (login: the username tried). */
  actor?: string;
  /** Overrides the outcome derived from the status code (a 200 that is still a refusal). */
  outcome?: AuditInput['outcome'];
}

export interface RequestState {
  principal?: Principal;
  audit: AuditNote;
  /** The audit action of the matched route; undefined = not audited. */
  action?: string;
  started: number;
  /** Route template for metrics labels. */
  route?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    weft: RequestState;
  }
}

export interface HandlerArgs<P, Q, B> {
  req: FastifyRequest;
  reply: FastifyReply;
  principal: Principal | undefined;
  params: P;
  query: Q;
  body: B;
  audit: AuditNote;
}

export interface RouteDef<P extends ZodType = ZodType, Q extends ZodType = ZodType, B extends ZodType = ZodType> {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  access: Access;
  /** Audit action (`alerts.update`); false for routes that touch no data (health, metrics). */
  audit: string | false;
  params?: P;
  query?: Q;
  body?: B;
  /** Body content types accepted besides JSON (documented in OpenAPI). */
  bodyTypes?: string[];
  /** Success status (default 200). */
  status?: number;
  /** Extra onRequest checks after authorization (ingest: refuse with 429 before reading the body). */
  beforeBody?: (req: FastifyRequest, reply: FastifyReply) => void;
  /** Per-route body limit in bytes (default: server.body_limit). */
  bodyLimit?: number;
  /** Example response for the OpenAPI document. */
  response?: ZodType;
  handler: (args: HandlerArgs<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>;
}

/** What the route table keeps of each route: enough for OpenAPI and the route x role test. */
export interface RegisteredRoute {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  access: Access;
  audit: string | false;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  bodyTypes?: string[];
  status: number;
  response?: ZodType;
}

/** Bearer token (JWT or API key) or X-API-Key header. */
function credentials(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    return m ? m[1] : '';
  }
  const k = req.headers['x-api-key'];
  return typeof k === 'string' ? k.trim() : undefined;
}

/** Authenticate a request; undefined when it carries no credentials. Throws 401 on bad ones. */
export async function authenticate(ctx: ServerContext, req: FastifyRequest): Promise<Principal | undefined> {
  const token = credentials(req);
  if (token === undefined) return undefined;
  if (token === '') throw unauthorized('the Authorization header must be "Bearer <token>"');
  if (token.startsWith('wk_')) {
    const p = await ctx.apiKeys.verify(token);
    if (!p) {
      ctx.metrics.authFailures.inc({ kind: 'api_key' });
      throw unauthorized('the API key is not valid (unknown, revoked, or its owner is disabled)');
    }
    return p;
  }
  const p = await ctx.tokens.verifyAccess(token);
  if (!p) {
    ctx.metrics.authFailures.inc({ kind: 'token' });
    throw unauthorized('the access token is not valid (expired, malformed or logged out); log in or refresh');
  }
  return p;
}

function parse<T extends ZodType>(schema: T | undefined, value: unknown, where: 'body' | 'query' | 'path'): z.output<T> | undefined {
  if (schema === undefined) return undefined;
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!r.success) throw validationError(where, r.error);
  return r.data;
}

export function outcomeOf(status: number): NonNullable<AuditInput['outcome']> {
  if (status === 401 || status === 403) return 'denied';
  return status < 400 ? 'success' : 'failure';
}

export class RouteTable {
  constructor(private readonly app: FastifyInstance, private readonly ctx: ServerContext, readonly routes: RegisteredRoute[] = []) {}

  /** The same table, registering into a plugin scope (own content-type parsers). */
  forScope(scope: FastifyInstance): RouteTable {
    return new RouteTable(scope, this.ctx, this.routes);
  }

  add<P extends ZodType, Q extends ZodType, B extends ZodType>(def: RouteDef<P, Q, B>): void {
    const ctx = this.ctx;
    this.routes.push({
      method: def.method, url: def.url, summary: def.summary, tag: def.tag, access: def.access, audit: def.audit, status: def.status ?? 200,
      ...(def.params ? { params: def.params } : {}), ...(def.query ? { query: def.query } : {}), ...(def.body ? { body: def.body } : {}),
      ...(def.bodyTypes ? { bodyTypes: def.bodyTypes } : {}), ...(def.response ? { response: def.response } : {}),
    });
    const opts: RouteOptions = {
      method: def.method,
      url: def.url,
      ...(def.bodyLimit !== undefined ? { bodyLimit: def.bodyLimit } : {}),
      // Authentication and the permission check run before the body is read: an unauthorized
      // client cannot make the server buffer a large body.
      onRequest: async (req, reply) => {
        req.weft = { audit: {}, started: performance.now(), route: def.url, ...(def.audit !== false ? { action: def.audit } : {}) };
        // Public routes (health, login, refresh) ignore credentials altogether.
        if (def.access === 'public') return;
        const principal = await authenticate(ctx, req);
        if (!principal) throw unauthorized();
        req.weft.principal = principal;
        if (def.access !== 'authenticated' && !roleHasPermission(principal.role, def.access)) throw forbidden(def.access);
        def.beforeBody?.(req, reply);
      },
      handler: async (req, reply) => {
        const params = parse(def.params, req.params, 'path');
        const query = parse(def.query, req.query, 'query');
        const body = parse(def.body, req.body, 'body');
        const out = await def.handler({
          req, reply, principal: req.weft.principal, params: params as z.output<P>, query: query as z.output<Q>, body: body as z.output<B>, audit: req.weft.audit,
        });
        if (reply.sent) return reply;
        if (out === undefined) return reply.code(204).send();
        return reply.code(def.status ?? 200).send(out);
      },
      onSend: async (req, reply, payload) => {
        const st = req.weft as RequestState | undefined;
        if (!st?.action) return payload;
        const a = st.audit;
        const status = reply.statusCode;
        const entry: AuditInput = {
          actor: a.actor ?? st.principal?.name ?? 'anonymous',
          action: st.action,
          outcome: a.outcome ?? outcomeOf(status),
          ...(a.target !== undefined ? { target: a.target } : {}),
          source_ip: req.ip,
          details: {
            method: req.method, route: def.url, status,
            ...(st.principal ? { role: st.principal.role, auth: st.principal.kind } : {}),
            ...(a.records !== undefined ? { records: a.records } : {}),
            ...a.details,
          },
        };
        try {
          await ctx.auditor.record(entry);
          ctx.metrics.auditEntries.inc();
          return payload;
        } catch (err) {
          // Nothing is answered as done unless it is audited: fail the request instead.
          ctx.logger.error({ err, action: st.action }, 'access audit failed; answering 503');
          void reply.code(503).header('content-type', 'application/json; charset=utf-8');
          return JSON.stringify(errorBody('unavailable', 'the audit log could not be written; nothing was answered'));
        }
      },
    };
    this.app.route(opts);
  }
}

/** Schemas shared by many routes. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(1000).optional().describe('items per page (default 100, at most 1000)'),
  cursor: z.string().min(1).max(512).optional().describe('the `next` value of the previous page'),
};

/** A time bound: ISO-8601 or milliseconds since the epoch. */
export const timeParam = z.string().max(64).transform((v, c) => {
  const ms = /^\d{1,16}$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) {
    c.addIssue({ code: 'custom', message: `expected an ISO-8601 time or epoch milliseconds, got '${v.slice(0, 40)}'` });
    return z.NEVER;
  }
  return ms;
});

export const idParam = z.strictObject({ id: z.string().min(1).max(256) });

/** Page an in-memory list the same way the store pages its tables: `{items, total, next}`. */
export function pageArray<T>(all: T[], limit: number | undefined, cursor: string | undefined): { items: T[]; total: number; next?: string } {
  let start = 0;
  if (cursor !== undefined) {
    const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Number.isInteger(n) || n < 0) throw new ApiError(400, 'invalid_request', 'query.cursor: not a cursor this list gave out', { fields: [{ field: 'query.cursor', message: 'not valid' }] });
    start = n;
  }
  const size = limit ?? 100;
  const items = all.slice(start, start + size);
  const end = start + items.length;
  return { items, total: all.length, ...(end < all.length ? { next: Buffer.from(String(end)).toString('base64url') } : {}) };
}
