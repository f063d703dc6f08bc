/** Rules: list with hit counts, get, upload (validated by the Sigma compiler), enable/disable, test against posted events. */
import { z } from 'zod';
import { DECLARED_FORMATS } from '../../cli/formats.js';
import type { WeftEvent } from '../../event/model.js';
import { RecordPipeline } from '../../ingest/record-pipeline.js';
import { ALL_MAPPERS, UnknownSourceTypeError } from '../../normalize/registry.js';
import type { RuleRecord } from '../../store/types.js';
import type { ServerContext } from '../context.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { MAX_RULE_TEXT, type RuleCatalog } from '../rule-catalog.js';
import { idParam, pageArray, pageQuery, type RouteTable } from '../route.js';

function ruleJson(r: RuleRecord, hits: number, withContent = false): Record<string, unknown> {
  return {
    id: r.id, version: r.version, kind: r.kind, title: r.title, level: r.level ?? null, status: r.status ?? null, enabled: r.enabled,
    source_file: r.sourceFile ?? null, loaded_at: r.loadedAt, hits, ...(withContent ? { content: r.content } : {}),
  };
}

const SOURCE_TYPES = ALL_MAPPERS.map((m) => m.sourceType) as [string, ...string[]];

export function ruleRoutes(t: RouteTable, ctx: ServerContext, catalog: RuleCatalog | undefined): void {
  const reload = async (): Promise<void> => {
    if (catalog) await catalog.reload();
  };
  t.add({
    method: 'GET', url: '/api/v1/rules', summary: 'List rules (latest version of each) with live hit counts', tag: 'rules', access: 'rules:read', audit: 'rules.list',
    query: z.strictObject({
      enabled: z.enum(['true', 'false']).optional(),
      kind: z.enum(['sigma', 'correlation', 'filter', 'link']).optional(),
      level: z.enum(['informational', 'low', 'medium', 'high', 'critical']).optional(),
      q: z.string().min(1).max(256).optional().describe('case-insensitive substring of the id or title'),
      ...pageQuery,
    }),
    handler: async ({ query, audit }) => {
      const q = query.q?.toLowerCase();
      const all = (await ctx.store.listRules()).filter((r) => (query.enabled === undefined || String(r.enabled) === query.enabled)
        && (query.kind === undefined || r.kind === query.kind) && (query.level === undefined || r.level === query.level)
        && (q === undefined || r.id.toLowerCase().includes(q) || r.title.toLowerCase().includes(q)));
      const page = pageArray(all.map((r) => ruleJson(r, ctx.hits.get(r.id))), query.limit, query.cursor);
      audit.records = page.items.length;
      return page;
    },
  });
  t.add({
    method: 'GET', url: '/api/v1/rules/:id', summary: 'One rule with its YAML (latest version, or ?version=)', tag: 'rules', access: 'rules:read', audit: 'rules.get',
    params: idParam, query: z.strictObject({ version: z.string().min(1).max(64).optional() }),
    handler: async ({ params, query, audit }) => {
      audit.target = params.id;
      const r = await ctx.store.getRule(params.id, query.version);
      if (!r) throw notFound('rule', params.id);
      audit.records = 1;
      return ruleJson(r, ctx.hits.get(r.id), true);
    },
  });
  t.add({
    method: 'POST', url: '/api/v1/rules', summary: 'Upload Sigma rules (YAML, one or more documents); a rule the compiler refuses is answered 422 with the reason',
    tag: 'rules', access: 'rules:write', audit: 'rules.upload', status: 201,
    bodyTypes: ['application/yaml', 'text/plain'],
    body: z.union([
      z.string().min(1).max(MAX_RULE_TEXT),
      z.strictObject({ content: z.string().min(1).max(MAX_RULE_TEXT), enabled: z.boolean().default(true) }),
    ]),
    handler: async ({ body, audit }) => {
      if (!catalog) throw new ApiError(503, 'unavailable', 'rules are not loaded in this server');
      const text = typeof body === 'string' ? body : body.content;
      const enabled = typeof body === 'string' ? true : body.enabled;
      const parsed = catalog.parse(text);
      const refused = parsed.rejections.length > 0 ? parsed.rejections : catalog.unknownReferences(parsed.documents);
      if (refused.length > 0 || parsed.documents.length === 0) {
        audit.details = { rejected: refused.length };
        const first = refused[0];
        throw new ApiError(422, 'unprocessable', first ? `line ${first.line}: ${first.reason}` : 'the upload holds no rule',
          { rejections: refused.map((r) => ({ line: r.line, reason: r.reason, rule_id: r.ruleId ?? null })) });
      }
      const records = parsed.documents.map((d) => ({ ...d.record, enabled }));
      await ctx.store.putRules(records);
      await reload();
      audit.records = records.length;
      audit.target = records.map((r) => r.id).join(',').slice(0, 512);
      audit.details = { versions: records.map((r) => `${r.id}@${r.version}`) };
      return { items: records.map((r) => ruleJson(r, ctx.hits.get(r.id))), total: records.length };
    },
  });
  t.add({
    method: 'PATCH', url: '/api/v1/rules/:id', summary: 'Enable or disable a rule (every version)', tag: 'rules', access: 'rules:write', audit: 'rules.update',
    params: idParam, body: z.strictObject({ enabled: z.boolean() }),
    handler: async ({ params, body, audit }) => {
      audit.target = params.id;
      if (!(await ctx.store.setRuleEnabled(params.id, body.enabled))) throw notFound('rule', params.id);
      await reload();
      audit.details = { enabled: body.enabled };
      const r = await ctx.store.getRule(params.id);
      audit.records = 1;
      return ruleJson(r as RuleRecord, ctx.hits.get(params.id));
    },
  });
  t.add({
    method: 'POST', url: '/api/v1/rules/test', summary: 'Run a rule (posted YAML, or a stored rule by id) against posted events or raw records',
    tag: 'rules', access: 'rules:read', audit: 'rules.test',
    body: z.strictObject({
      rule: z.string().min(1).max(MAX_RULE_TEXT).optional().describe('Sigma YAML to test'),
      id: z.string().min(1).max(256).optional().describe('or the id of a stored rule'),
      events: z.array(z.record(z.string(), z.unknown())).max(1000).optional().describe('ECS events'),
      records: z.array(z.string().min(1).max(1024 * 1024)).max(1000).optional().describe('raw records, run through decode and normalize first'),
      format: z.enum(DECLARED_FORMATS).optional(),
      source_type: z.enum(SOURCE_TYPES).optional(),
    }).refine((b) => (b.rule === undefined) !== (b.id === undefined), { message: 'give exactly one of rule or id', path: ['rule'] })
      .refine((b) => b.events !== undefined || b.records !== undefined, { message: 'give events or records to test against', path: ['events'] }),
    handler: async ({ body, audit }) => {
      if (!catalog) throw new ApiError(503, 'unavailable', 'rules are not loaded in this server');
      let text = body.rule;
      if (text === undefined) {
        const stored = await ctx.store.getRule(body.id as string);
        if (!stored) throw notFound('rule', body.id as string);
        text = stored.content;
      }
      const parsed = catalog.parse(text);
      if (parsed.rejections.length > 0) {
        const first = parsed.rejections[0];
        throw new ApiError(422, 'unprocessable', first ? `line ${first.line}: ${first.reason}` : 'the rule does not compile',
          { rejections: parsed.rejections.map((r) => ({ line: r.line, reason: r.reason })) });
      }
      const built = catalog.compile(text);
      const inputs: Array<{ event?: WeftEvent; quarantine?: { reason: string; message: string } }> = [];
      for (const e of body.events ?? []) inputs.push({ event: e as unknown as WeftEvent });
      if (body.records !== undefined) {
        let p: RecordPipeline;
        try {
          p = new RecordPipeline({
            sourceId: 'rule-test', timezone: ctx.config.ingest.timezone,
            ...(body.format !== undefined ? { format: body.format } : {}), ...(body.source_type !== undefined ? { sourceType: body.source_type } : {}),
          });
        } catch (err) {
          if (err instanceof UnknownSourceTypeError) throw badRequest(`body.source_type: ${err.message}`);
          throw err;
        }
        const at = new Date();
        for (const r of body.records) {
          for (const o of p.process(r, at)) {
            inputs.push(o.kind === 'event' ? { event: o.event } : { quarantine: { reason: o.quarantine.reason, message: o.quarantine.message } });
          }
        }
      }
      const results = inputs.map((inp, index) => {
        if (!inp.event) return { index, matched: false, rules: [], quarantine: inp.quarantine };
        const matches = built.ruleSet.evaluate(inp.event);
        return { index, matched: matches.length > 0, rules: matches.map((m) => ({ id: m.rule.id, title: m.rule.title, selections: m.selections })) };
      });
      audit.records = inputs.length;
      audit.details = { matched: results.filter((r) => r.matched).length };
      return { items: results, total: results.length, matched: results.filter((r) => r.matched).length };
    },
  });
}
