/** Liveness, readiness, metrics and the OpenAPI document: no authentication, not audited. */
import type { ServerContext } from '../context.js';
import { openApiDocument } from '../openapi.js';
import type { RouteTable } from '../route.js';

export function systemRoutes(t: RouteTable, ctx: ServerContext, version: string): void {
  t.add({
    method: 'GET', url: '/health', summary: 'Liveness: the process answers', tag: 'system', access: 'public', audit: false,
    handler: async () => ({ status: 'ok' }),
  });
  t.add({
    method: 'GET', url: '/ready', summary: 'Readiness: store reachable, rules loaded, not overloaded', tag: 'system', access: 'public', audit: false,
    handler: async ({ reply }) => {
      const reasons: string[] = [];
      try {
        await ctx.store.lastEventSeq();
      } catch (err) {
        reasons.push(`store not reachable: ${(err as Error).message}`);
      }
      reasons.push(...ctx.readiness().reasons);
      if (ctx.writer.full) reasons.push(`ingest queue full (${ctx.writer.pendingRecords} of ${ctx.writer.capacity} records pending)`);
      if (reasons.length > 0) {
        void reply.code(503);
        return { status: 'not_ready', reasons };
      }
      return { status: 'ready' };
    },
  });
  t.add({
    method: 'GET', url: '/metrics', summary: 'Prometheus metrics (text format)', tag: 'system', access: 'public', audit: false,
    handler: async ({ reply }) => {
      const m = await ctx.metrics.render();
      return reply.type(m.contentType).send(m.body);
    },
  });
  let doc: unknown;
  t.add({
    method: 'GET', url: '/api/v1/openapi.json', summary: 'This API, as an OpenAPI 3 document', tag: 'system', access: 'public', audit: false,
    handler: async () => {
      doc ??= openApiDocument(t.routes, version);
      return doc;
    },
  });
}
