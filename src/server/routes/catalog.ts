/** Assets, threat intel (feeds and IOCs), the quarantine (list, re-drive) and sources (last seen, events/s). */
import { z } from 'zod';
import { QuarantineReader } from '../../ingest/quarantine-reread.js';
import type { AssetRecord, IocRecord, IocType, QuarantineRecord } from '../../store/types.js';
import type { ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import { pageArray, pageQuery, type RouteTable } from '../route.js';

const IOC_TYPES: [IocType, ...IocType[]] = ['ip', 'cidr', 'domain', 'url', 'md5', 'sha1', 'sha256', 'email', 'user_agent', 'filename'];
const CASELESS: ReadonlySet<IocType> = new Set(['domain', 'md5', 'sha1', 'sha256', 'email']);

const asset = z.strictObject({
  id: z.string().min(1).max(256),
  kind: z.enum(['host', 'ip', 'cidr', 'user']),
  value: z.string().min(1).max(512),
  asset_type: z.string().min(1).max(128).optional(),
  criticality: z.number().int().min(1).max(5),
  zone: z.string().min(1).max(128).optional(),
  owner: z.string().min(1).max(256).optional(),
  tags: z.array(z.string().min(1).max(128)).max(64).default([]),
});

function assetJson(a: AssetRecord): Record<string, unknown> {
  return { id: a.id, kind: a.kind, value: a.value, asset_type: a.assetType ?? null, criticality: a.criticality, zone: a.zone ?? null, owner: a.owner ?? null, tags: a.tags };
}

function iocJson(i: IocRecord): Record<string, unknown> {
  return {
    feed_id: i.feedId, type: i.type, value: i.value, threat: i.threat ?? null, confidence: i.confidence ?? null,
    first_seen: i.firstSeen, last_seen: i.lastSeen, expires_at: i.expiresAt ?? null,
  };
}

function quarantineJson(q: QuarantineRecord): Record<string, unknown> {
  const raw = Buffer.from(q.raw);
  const text = raw.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(raw);
  return {
    id: q.id, reason: q.reason, message: q.message, source_id: q.sourceId, source_type: q.sourceType ?? null, format: q.format ?? null,
    received_at: q.receivedAt, raw: isText ? text : raw.toString('base64'), raw_encoding: isText ? 'utf8' : 'base64', raw_bytes: raw.length,
  };
}

export function catalogRoutes(t: RouteTable, ctx: ServerContext): void {
  // ------------------------------------------------------------------ assets
  t.add({
    method: 'GET', url: '/api/v1/assets', summary: 'List assets', tag: 'assets', access: 'assets:read', audit: 'assets.list',
    query: z.strictObject({ kind: z.enum(['host', 'ip', 'cidr', 'user']).optional(), ...pageQuery }),
    handler: async ({ query, audit }) => {
      const all = (await ctx.store.listAssets()).filter((a) => query.kind === undefined || a.kind === query.kind);
      const page = pageArray(all.map(assetJson), query.limit, query.cursor);
      audit.records = page.items.length;
      return page;
    },
  });
  t.add({
    method: 'PUT', url: '/api/v1/assets', summary: 'Create or replace assets (by id)', tag: 'assets', access: 'assets:write', audit: 'assets.put',
    body: z.strictObject({ items: z.array(asset).min(1).max(1000) }),
    handler: async ({ body, audit }) => {
      await ctx.store.putAssets(body.items.map((a) => ({
        id: a.id, kind: a.kind, value: a.value, criticality: a.criticality, tags: a.tags,
        ...(a.asset_type !== undefined ? { assetType: a.asset_type } : {}), ...(a.zone !== undefined ? { zone: a.zone } : {}), ...(a.owner !== undefined ? { owner: a.owner } : {}),
      })));
      audit.records = body.items.length;
      return { stored: body.items.length };
    },
  });
  t.add({
    method: 'GET', url: '/api/v1/asset-types', summary: 'List asset types', tag: 'assets', access: 'assets:read', audit: 'asset_types.list',
    handler: async ({ audit }) => {
      const items = (await ctx.store.listAssetTypes()).map((x) => ({ name: x.name, description: x.description ?? null, default_criticality: x.defaultCriticality }));
      audit.records = items.length;
      return { items, total: items.length };
    },
  });
  t.add({
    method: 'PUT', url: '/api/v1/asset-types', summary: 'Create or replace asset types (by name)', tag: 'assets', access: 'assets:write', audit: 'asset_types.put',
    body: z.strictObject({
      items: z.array(z.strictObject({ name: z.string().min(1).max(128), description: z.string().max(1024).optional(), default_criticality: z.number().int().min(1).max(5) })).min(1).max(1000),
    }),
    handler: async ({ body, audit }) => {
      await ctx.store.putAssetTypes(body.items.map((x) => ({ name: x.name, defaultCriticality: x.default_criticality, ...(x.description !== undefined ? { description: x.description } : {}) })));
      audit.records = body.items.length;
      return { stored: body.items.length };
    },
  });

  // ------------------------------------------------------------------ threat intel
  t.add({
    method: 'GET', url: '/api/v1/intel/feeds', summary: 'List threat-intel feeds', tag: 'intel', access: 'intel:read', audit: 'intel.feeds.list',
    handler: async ({ audit }) => {
      const items = (await ctx.store.listFeeds()).map((f) => ({ id: f.id, name: f.name, source: f.source ?? null, updated_at: f.updatedAt }));
      audit.records = items.length;
      return { items, total: items.length };
    },
  });
  t.add({
    method: 'PUT', url: '/api/v1/intel/feeds/:id', summary: 'Create or rename a feed', tag: 'intel', access: 'intel:write', audit: 'intel.feeds.put',
    params: z.strictObject({ id: z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only') }),
    body: z.strictObject({ name: z.string().min(1).max(256), source: z.string().min(1).max(1024).optional() }),
    handler: async ({ params, body, audit }) => {
      const feed = { id: params.id, name: body.name, updatedAt: new Date().toISOString(), ...(body.source !== undefined ? { source: body.source } : {}) };
      await ctx.store.putFeed(feed);
      audit.target = params.id;
      return { id: feed.id, name: feed.name, source: feed.source ?? null, updated_at: feed.updatedAt };
    },
  });
  t.add({
    method: 'POST', url: '/api/v1/intel/feeds/:id/iocs', summary: 'Add or refresh indicators in a feed', tag: 'intel', access: 'intel:write', audit: 'intel.iocs.put',
    params: z.strictObject({ id: z.string().min(1).max(128) }),
    body: z.strictObject({
      items: z.array(z.strictObject({
        type: z.enum(IOC_TYPES), value: z.string().min(1).max(2048), threat: z.string().min(1).max(256).optional(),
        confidence: z.number().int().min(0).max(100).optional(), expires_at: z.iso.datetime().optional(),
      })).min(1).max(10_000),
    }),
    handler: async ({ params, body, audit }) => {
      audit.target = params.id;
      if (!(await ctx.store.listFeeds()).some((f) => f.id === params.id)) throw notFound('feed', params.id);
      const now = new Date().toISOString();
      const n = await ctx.store.putIocs(body.items.map((i) => ({
        feedId: params.id, type: i.type, value: CASELESS.has(i.type) ? i.value.trim().toLowerCase() : i.value.trim(), firstSeen: now, lastSeen: now,
        ...(i.threat !== undefined ? { threat: i.threat } : {}), ...(i.confidence !== undefined ? { confidence: i.confidence } : {}),
        ...(i.expires_at !== undefined ? { expiresAt: i.expires_at } : {}),
      })));
      audit.records = n;
      return { stored: n };
    },
  });
  t.add({
    method: 'GET', url: '/api/v1/intel/iocs', summary: 'Look up indicators by type and value(s)', tag: 'intel', access: 'intel:read', audit: 'intel.iocs.lookup',
    query: z.strictObject({
      type: z.enum(IOC_TYPES),
      value: z.string().min(1).max(8192).describe('one value, or several separated by commas (at most 100)'),
    }),
    handler: async ({ query, audit }) => {
      const values = query.value.split(',').map((v) => v.trim()).filter((v) => v !== '').slice(0, 100).map((v) => (CASELESS.has(query.type) ? v.toLowerCase() : v));
      const items = (await ctx.store.findIocs(query.type, values)).map(iocJson);
      audit.records = items.length;
      return { items, total: items.length };
    },
  });

  // ------------------------------------------------------------------ quarantine
  t.add({
    method: 'GET', url: '/api/v1/quarantine', summary: 'Quarantined records with their reason and raw bytes, oldest first', tag: 'quarantine', access: 'quarantine:read', audit: 'quarantine.list',
    query: z.strictObject({ reason: z.string().min(1).max(256).optional(), source_id: z.string().min(1).max(512).optional(), ...pageQuery }),
    handler: async ({ query, audit }) => {
      const page = await ctx.store.listQuarantine({
        ...(query.reason !== undefined ? { reason: query.reason } : {}), ...(query.source_id !== undefined ? { sourceId: query.source_id } : {}),
        limit: query.limit ?? 100, ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      });
      audit.records = page.items.length;
      return { items: page.items.map(quarantineJson), total: page.total, ...(page.next !== undefined ? { next: page.next } : {}) };
    },
  });
  t.add({
    method: 'GET', url: '/api/v1/quarantine/reasons', summary: 'Quarantine counts by reason code', tag: 'quarantine', access: 'quarantine:read', audit: 'quarantine.reasons',
    handler: async ({ audit }) => {
      const counts = await ctx.store.quarantineCountsByReason();
      const items = Object.entries(counts).map(([reason, count]) => ({ reason, count }));
      audit.records = items.length;
      return { items, total: items.length };
    },
  });
  t.add({
    method: 'POST', url: '/api/v1/quarantine/redrive',
    summary: 'Run quarantined records through decode and normalize again (after a fix); what now normalizes is stored and leaves the quarantine',
    tag: 'quarantine', access: 'quarantine:write', audit: 'quarantine.redrive',
    body: z.strictObject({
      ids: z.array(z.string().min(1).max(64)).min(1).max(1000).optional(),
      reason: z.string().min(1).max(256).optional(),
      limit: z.number().int().min(1).max(1000).default(500),
      cursor: z.string().min(1).max(512).optional(),
    }),
    handler: async ({ body, audit }) => {
      let records: QuarantineRecord[];
      let next: string | undefined;
      if (body.ids !== undefined) {
        // The store lists by reason or source; ids are picked from full pages (bounded by the id count).
        const want = new Set(body.ids);
        records = [];
        let cursor: string | undefined;
        do {
          const page = await ctx.store.listQuarantine({ limit: 1000, ...(body.reason !== undefined ? { reason: body.reason } : {}), ...(cursor ? { cursor } : {}) });
          for (const r of page.items) if (want.has(r.id)) records.push(r);
          cursor = records.length < want.size ? page.next : undefined;
        } while (cursor);
      } else {
        const page = await ctx.store.listQuarantine({ limit: body.limit, ...(body.reason !== undefined ? { reason: body.reason } : {}), ...(body.cursor ? { cursor: body.cursor } : {}) });
        records = page.items;
        next = page.next;
      }
      const { events, fixed } = new QuarantineReader(ctx.config).read(records);
      if (ctx.cipher.enabled) for (const e of events) ctx.cipher.encryptEvent(e);
      if (events.length > 0) await ctx.store.appendEvents(events);
      const removed = await ctx.store.removeQuarantine(fixed);
      audit.records = records.length;
      audit.details = { redriven: removed, events: events.length };
      return { examined: records.length, redriven: removed, events: events.length, still_quarantined: records.length - fixed.length, ...(next !== undefined ? { next } : {}) };
    },
  });

  // ------------------------------------------------------------------ sources
  t.add({
    method: 'GET', url: '/api/v1/sources', summary: 'Sources with last seen time, counts, events/s over the last minute and how far correlation sees them behind', tag: 'sources', access: 'sources:read', audit: 'sources.list',
    query: z.strictObject({ ...pageQuery }),
    handler: async ({ query, audit }) => {
      const lags = ctx.correlationLag?.();
      const all = (await ctx.store.listSources()).map((s) => {
        const behind = lags?.get(s.id);
        return {
          id: s.id, type: s.type ?? null, format: s.format ?? null, first_seen: s.firstSeen ?? null, last_seen: s.lastSeen ?? null,
          events: s.events, quarantined: s.quarantined, events_per_second: Math.round(ctx.rates.rate(s.id) * 100) / 100,
          // How far live correlation sees this source behind the others (null: not tracked, e.g. silent past correlation.source_idle).
          correlation_behind_seconds: behind === undefined ? null : Math.round(behind / 1000),
        };
      });
      const page = pageArray(all, query.limit, query.cursor);
      audit.records = page.items.length;
      return page;
    },
  });
}
