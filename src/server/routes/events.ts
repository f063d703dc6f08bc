/** Event search and fetch. Sensitive fields are decrypted only for roles with events:read_sensitive. */
import { z } from 'zod';
import type { WeftEvent } from '../../event/model.js';
import { roleHasPermission } from '../../store/roles.js';
import { StoreError } from '../../store/errors.js';
import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { idParam, pageQuery, timeParam, type RouteTable } from '../route.js';

/** What a caller may see of a stored event. */
export function visibleEvent(ctx: ServerContext, principal: Principal | undefined, e: WeftEvent): WeftEvent {
  if (!ctx.cipher.enabled) return e;
  if (principal && roleHasPermission(principal.role, 'events:read_sensitive')) {
    try {
      return ctx.cipher.decryptEvent(e);
    } catch (err) {
      // A value that does not decrypt is withheld, not served as ciphertext, and the reason logged.
      ctx.logger.error({ err: (err as Error).message, event: e.weft.id }, 'sensitive field does not decrypt');
    }
  }
  return ctx.cipher.redactEvent(e);
}

const ip = z.string().min(1).max(64);

export function eventRoutes(t: RouteTable, ctx: ServerContext): void {
  t.add({
    method: 'GET', url: '/api/v1/events', summary: 'Search events by time range, field conditions and free text; newest first',
    tag: 'events', access: 'events:read', audit: 'events.search',
    query: z.strictObject({
      from: timeParam.optional().describe('inclusive lower bound on @timestamp: ISO-8601 or epoch ms'),
      to: timeParam.optional().describe('exclusive upper bound on @timestamp'),
      source_id: z.string().min(1).max(512).optional(),
      'source.ip': ip.optional(),
      'destination.ip': ip.optional(),
      'user.name': z.string().min(1).max(512).optional(),
      'host.name': z.string().min(1).max(512).optional(),
      q: z.string().min(1).max(256).optional().describe('case-insensitive substring of the stored event or its raw record'),
      ...pageQuery,
    }),
    handler: async ({ query, principal, audit }) => {
      if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
        throw new ApiError(400, 'invalid_request', 'query.to: must be after query.from', { fields: [{ field: 'query.to', message: 'must be after query.from' }] });
      }
      let page;
      try {
        page = await ctx.store.searchEvents({
          ...(query.from !== undefined ? { from: query.from } : {}),
          ...(query.to !== undefined ? { to: query.to } : {}),
          ...(query.source_id !== undefined ? { sourceId: query.source_id } : {}),
          ...(query['source.ip'] !== undefined ? { sourceIp: query['source.ip'] } : {}),
          ...(query['destination.ip'] !== undefined ? { destinationIp: query['destination.ip'] } : {}),
          ...(query['user.name'] !== undefined ? { userName: query['user.name'] } : {}),
          ...(query['host.name'] !== undefined ? { hostName: query['host.name'] } : {}),
          ...(query.q !== undefined ? { text: query.q } : {}),
          limit: query.limit ?? 100,
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        });
      } catch (err) {
        if (err instanceof StoreError && err.code === 'invalid_record' && query.cursor !== undefined && /cursor/.test(err.message)) {
          throw new ApiError(400, 'invalid_request', 'query.cursor: not a cursor this search gave out', { fields: [{ field: 'query.cursor', message: 'not valid' }] });
        }
        throw err;
      }
      audit.records = page.items.length;
      audit.details = { total: page.total };
      return { items: page.items.map((e) => visibleEvent(ctx, principal, e)), total: page.total, ...(page.next !== undefined ? { next: page.next } : {}) };
    },
  });
  t.add({
    method: 'GET', url: '/api/v1/events/:id', summary: 'One event with its raw record', tag: 'events', access: 'events:read', audit: 'events.get',
    params: idParam,
    handler: async ({ params, principal, audit }) => {
      audit.target = params.id;
      const e = await ctx.store.getEvent(params.id);
      if (!e) throw notFound('event', params.id);
      audit.records = 1;
      const v = visibleEvent(ctx, principal, e);
      const raw = (v.event as { original?: unknown } | undefined)?.original;
      return { event: v, raw: typeof raw === 'string' ? raw : null };
    },
  });
}
