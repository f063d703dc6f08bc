/** Alerts and incidents: list with filters, get, update status and assignee, comments, response actions, bulk acknowledge. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AlertRecord, AlertStatus, CommentRecord, IncidentRecord, IncidentStatus, ResponseActionRecord, Severity } from '../../store/types.js';
import type { ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import { idParam, pageQuery, timeParam, type RouteTable } from '../route.js';

const ALERT_STATUSES: [AlertStatus, ...AlertStatus[]] = ['open', 'acknowledged', 'investigating', 'resolved', 'false_positive', 'suppressed'];
const INCIDENT_STATUSES: [IncidentStatus, ...IncidentStatus[]] = ['open', 'investigating', 'resolved', 'false_positive'];
const SEVERITIES: [Severity, ...Severity[]] = ['low', 'medium', 'high', 'critical'];
const assignee = z.string().min(1).max(128).nullable();
const commentBody = z.strictObject({ body: z.string().min(1).max(10_000) });
const actionBody = z.strictObject({
  action: z.string().min(1).max(128).regex(/^[a-z0-9_.:-]+$/i, 'letters, digits and _ . : - only').describe('what was done or is requested: isolate_host, disable_user...'),
  status: z.enum(['pending', 'running', 'succeeded', 'failed']).optional(),
  result: z.record(z.string(), z.unknown()).optional(),
});

const iso = (ms: number): string => new Date(ms).toISOString();

export function alertJson(a: AlertRecord): Record<string, unknown> {
  return {
    id: a.id, rule_id: a.ruleId, rule_version: a.ruleVersion ?? null, kind: a.kind, dedup_key: a.dedupKey, first_time: iso(a.firstTs), last_time: iso(a.lastTs),
    score: a.score, severity: a.severity, status: a.status, assignee: a.assignee ?? null, incident_id: a.incidentId ?? null, count: a.count, doc: a.doc,
    created_at: a.createdAt, updated_at: a.updatedAt,
  };
}

export function incidentJson(i: IncidentRecord): Record<string, unknown> {
  return {
    id: i.id, title: i.title, status: i.status, assignee: i.assignee ?? null, score: i.score, severity: i.severity, first_time: iso(i.firstTs), last_time: iso(i.lastTs),
    doc: i.doc, created_at: i.createdAt, updated_at: i.updatedAt,
  };
}

function commentJson(c: CommentRecord): Record<string, unknown> {
  return { id: c.id, author: c.author, body: c.body, created_at: c.createdAt };
}

function actionJson(a: ResponseActionRecord): Record<string, unknown> {
  return {
    id: a.id, action: a.action, status: a.status, actor: a.actor, result: a.result ?? null, alert_id: a.alertId ?? null, incident_id: a.incidentId ?? null,
    created_at: a.createdAt, updated_at: a.updatedAt,
  };
}

/** Comments and response actions work the same on alerts and incidents. */
function notesRoutes(t: RouteTable, ctx: ServerContext, kind: 'alert' | 'incident', base: string, exists: (id: string) => Promise<boolean>): void {
  const perm = kind === 'alert' ? 'alerts' : 'incidents';
  const must = async (id: string): Promise<void> => {
    if (!(await exists(id))) throw notFound(kind, id);
  };
  t.add({
    method: 'GET', url: `${base}/:id/comments`, summary: `Comments on an ${kind}, oldest first`, tag: `${perm}`, access: `${perm}:read`, audit: `${perm}.comments.list`,
    params: idParam,
    handler: async ({ params, audit }) => {
      audit.target = params.id;
      await must(params.id);
      const items = (await ctx.store.listComments(kind, params.id)).map(commentJson);
      audit.records = items.length;
      return { items, total: items.length };
    },
  });
  t.add({
    method: 'POST', url: `${base}/:id/comments`, summary: `Comment on an ${kind}`, tag: `${perm}`, access: `${perm}:write`, audit: `${perm}.comment`, status: 201,
    params: idParam, body: commentBody,
    handler: async ({ params, body, principal, audit }) => {
      audit.target = params.id;
      await must(params.id);
      const c: CommentRecord = { id: randomUUID(), targetKind: kind, targetId: params.id, author: principal?.name ?? 'unknown', body: body.body, createdAt: new Date().toISOString() };
      await ctx.store.addComment(c);
      audit.records = 1;
      return commentJson(c);
    },
  });
  t.add({
    method: 'POST', url: `${base}/:id/actions`, summary: `Record a response action on an ${kind}`, tag: `${perm}`, access: `${perm}:write`, audit: `${perm}.action`, status: 201,
    params: idParam, body: actionBody,
    handler: async ({ params, body, principal, audit }) => {
      audit.target = params.id;
      await must(params.id);
      const now = new Date().toISOString();
      const a: ResponseActionRecord = {
        id: randomUUID(), action: body.action, status: body.status ?? 'pending', actor: principal?.name ?? 'unknown', createdAt: now, updatedAt: now,
        ...(kind === 'alert' ? { alertId: params.id } : { incidentId: params.id }),
        ...(body.result !== undefined ? { result: body.result } : {}),
      };
      await ctx.store.addResponseAction(a);
      audit.records = 1;
      audit.details = { action: a.action, status: a.status };
      return actionJson(a);
    },
  });
}

export function alertRoutes(t: RouteTable, ctx: ServerContext): void {
  const base = '/api/v1/alerts';
  t.add({
    method: 'GET', url: base, summary: 'List alerts, newest first, filtered by status, severity, rule, incident and time', tag: 'alerts', access: 'alerts:read', audit: 'alerts.list',
    query: z.strictObject({
      status: z.enum(ALERT_STATUSES).optional(),
      severity: z.enum(SEVERITIES).optional(),
      rule: z.string().min(1).max(256).optional().describe('rule id'),
      incident: z.string().min(1).max(256).optional().describe('incident id'),
      from: timeParam.optional().describe('alerts whose last event is at or after this time'),
      to: timeParam.optional().describe('alerts whose first event is before this time'),
      ...pageQuery,
    }),
    handler: async ({ query, audit }) => {
      const page = await ctx.store.listAlerts({
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.severity !== undefined ? { severity: query.severity } : {}),
        ...(query.rule !== undefined ? { ruleId: query.rule } : {}),
        ...(query.incident !== undefined ? { incidentId: query.incident } : {}),
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.to !== undefined ? { to: query.to } : {}),
        limit: query.limit ?? 100,
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      });
      audit.records = page.items.length;
      return { items: page.items.map(alertJson), total: page.total, ...(page.next !== undefined ? { next: page.next } : {}) };
    },
  });
  t.add({
    method: 'POST', url: `${base}/ack`, summary: 'Acknowledge many open alerts at once', tag: 'alerts', access: 'alerts:write', audit: 'alerts.bulk_ack',
    body: z.strictObject({ ids: z.array(z.string().min(1).max(256)).min(1).max(1000) }),
    handler: async ({ body, audit }) => {
      const now = new Date().toISOString();
      const changed: AlertRecord[] = [];
      const missing: string[] = [];
      let unchanged = 0;
      for (const id of new Set(body.ids)) {
        const a = await ctx.store.getAlert(id);
        if (!a) missing.push(id);
        else if (a.status === 'open') changed.push({ ...a, status: 'acknowledged', updatedAt: now });
        else unchanged++;
      }
      if (changed.length > 0) await ctx.store.upsertAlerts(changed);
      audit.records = changed.length;
      audit.details = { ids: changed.map((a) => a.id), not_found: missing.length, unchanged };
      return { acknowledged: changed.map((a) => a.id), not_open: unchanged, not_found: missing };
    },
  });
  t.add({
    method: 'GET', url: `${base}/:id`, summary: 'One alert with its comments and response actions', tag: 'alerts', access: 'alerts:read', audit: 'alerts.get',
    params: idParam,
    handler: async ({ params, audit }) => {
      audit.target = params.id;
      const a = await ctx.store.getAlert(params.id);
      if (!a) throw notFound('alert', params.id);
      audit.records = 1;
      return {
        ...alertJson(a),
        comments: (await ctx.store.listComments('alert', a.id)).map(commentJson),
        actions: (await ctx.store.listResponseActions({ alertId: a.id })).map(actionJson),
      };
    },
  });
  t.add({
    method: 'PATCH', url: `${base}/:id`, summary: 'Change an alert\'s status or assignee', tag: 'alerts', access: 'alerts:write', audit: 'alerts.update',
    params: idParam,
    body: z.strictObject({ status: z.enum(ALERT_STATUSES).optional(), assignee: assignee.optional() })
      .refine((b) => b.status !== undefined || b.assignee !== undefined, { message: 'nothing to change: give status or assignee' }),
    handler: async ({ params, body, audit }) => {
      audit.target = params.id;
      const a = await ctx.store.getAlert(params.id);
      if (!a) throw notFound('alert', params.id);
      const next: AlertRecord = { ...a, updatedAt: new Date().toISOString() };
      if (body.status !== undefined) next.status = body.status;
      if (body.assignee === null) delete next.assignee;
      else if (body.assignee !== undefined) next.assignee = body.assignee;
      await ctx.store.upsertAlerts([next]);
      audit.records = 1;
      audit.details = { status: [a.status, next.status], assignee: [a.assignee ?? null, next.assignee ?? null] };
      return alertJson(next);
    },
  });
  notesRoutes(t, ctx, 'alert', base, async (id) => (await ctx.store.getAlert(id)) !== undefined);
}

export function incidentRoutes(t: RouteTable, ctx: ServerContext): void {
  const base = '/api/v1/incidents';
  t.add({
    method: 'GET', url: base, summary: 'List incidents, newest first, filtered by status, severity and assignee', tag: 'incidents', access: 'incidents:read', audit: 'incidents.list',
    query: z.strictObject({
      status: z.enum(INCIDENT_STATUSES).optional(),
      severity: z.enum(SEVERITIES).optional(),
      assignee: z.string().min(1).max(128).optional(),
      ...pageQuery,
    }),
    handler: async ({ query, audit }) => {
      const page = await ctx.store.listIncidents({
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.severity !== undefined ? { severity: query.severity } : {}),
        ...(query.assignee !== undefined ? { assignee: query.assignee } : {}),
        limit: query.limit ?? 100,
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      });
      audit.records = page.items.length;
      return { items: page.items.map(incidentJson), total: page.total, ...(page.next !== undefined ? { next: page.next } : {}) };
    },
  });
  t.add({
    method: 'GET', url: `${base}/:id`, summary: 'One incident with its alerts, comments and response actions', tag: 'incidents', access: 'incidents:read', audit: 'incidents.get',
    params: idParam,
    handler: async ({ params, audit }) => {
      audit.target = params.id;
      const i = await ctx.store.getIncident(params.id);
      if (!i) throw notFound('incident', params.id);
      const alerts = await ctx.store.listAlerts({ incidentId: i.id, limit: 1000 });
      audit.records = 1 + alerts.items.length;
      return {
        ...incidentJson(i),
        alerts: { items: alerts.items.map(alertJson), total: alerts.total },
        comments: (await ctx.store.listComments('incident', i.id)).map(commentJson),
        actions: (await ctx.store.listResponseActions({ incidentId: i.id })).map(actionJson),
      };
    },
  });
  t.add({
    method: 'PATCH', url: `${base}/:id`, summary: 'Change an incident\'s status or assignee', tag: 'incidents', access: 'incidents:write', audit: 'incidents.update',
    params: idParam,
    body: z.strictObject({ status: z.enum(INCIDENT_STATUSES).optional(), assignee: assignee.optional() })
      .refine((b) => b.status !== undefined || b.assignee !== undefined, { message: 'nothing to change: give status or assignee' }),
    handler: async ({ params, body, audit }) => {
      audit.target = params.id;
      const i = await ctx.store.getIncident(params.id);
      if (!i) throw notFound('incident', params.id);
      const next: IncidentRecord = { ...i, updatedAt: new Date().toISOString() };
      if (body.status !== undefined) next.status = body.status;
      if (body.assignee === null) delete next.assignee;
      else if (body.assignee !== undefined) next.assignee = body.assignee;
      await ctx.store.upsertIncidents([next]);
      audit.records = 1;
      audit.details = { status: [i.status, next.status], assignee: [i.assignee ?? null, next.assignee ?? null] };
      return incidentJson(next);
    },
  });
  notesRoutes(t, ctx, 'incident', base, async (id) => (await ctx.store.getIncident(id)) !== undefined);
}
