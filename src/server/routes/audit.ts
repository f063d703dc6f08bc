/** The audit log, read-only over the API (the chain is append-only; `weft audit verify` checks it too). */
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import type { RouteTable } from '../route.js';
import { parseAuditAnchor, verifyStoreAudit } from '../../store/audit-chain.js';
import type { AuditAnchor } from '../../store/types.js';

export function auditRoutes(t: RouteTable, ctx: ServerContext): void {
  t.add({
    method: 'GET', url: '/api/v1/audit', summary: 'Audit entries in order, after a sequence number', tag: 'audit', access: 'audit:read', audit: 'audit.read',
    query: z.strictObject({
      after: z.coerce.number().int().min(0).optional().describe('return entries after this seq (default 0)'),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
      cursor: z.string().regex(/^\d{1,16}$/).optional().describe('the `next` of the previous page'),
    }),
    handler: async ({ query, audit }) => {
      const after = query.cursor !== undefined ? Number(query.cursor) : (query.after ?? 0);
      const limit = query.limit ?? 100;
      const rows = await ctx.store.readAudit(after, limit + 1);
      const items = rows.slice(0, limit);
      const total = await ctx.store.auditLength();
      audit.records = items.length;
      const last = items[items.length - 1];
      return { items, total, ...(rows.length > limit && last ? { next: String(last.seq) } : {}) };
    },
  });
  t.add({
    method: 'GET', url: '/api/v1/audit/verify', summary: 'Check the whole hash chain, and that it still holds an entry recorded earlier', tag: 'audit', access: 'audit:read', audit: 'audit.verify',
    query: z.strictObject({
      anchor: z.string().transform((s, c) => {
        const a = parseAuditAnchor(s);
        if (a === undefined) c.addIssue({ code: 'custom', message: 'anchor must be SEQ:HASH (a head printed by an earlier verify)' });
        return a as AuditAnchor;
      }).optional().describe('SEQ:HASH of a head recorded earlier: detects a chain cut short after it'),
    }),
    handler: async ({ query, audit }) => {
      const v = await verifyStoreAudit(ctx.store, query.anchor);
      audit.records = v.count;
      return v;
    },
  });
}
