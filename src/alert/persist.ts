/**
 * Alerts, incidents and decisions to and from the store. The alert document is kept whole in the
 * record's `doc`, so what was recorded can be compared field by field on replay.
 */
import type { Incident } from '../incident/types.js';
import type { AlertRecord, AuditInput, IncidentRecord } from '../store/types.js';
import type { AlertDecision } from './engine.js';
import type { Alert } from './types.js';

export function alertToRecord(a: Alert, now: string, existing?: AlertRecord): AlertRecord {
  // An analyst's status and assignee outlive re-processing; a suppressed alert stays suppressed.
  const status = existing !== undefined && existing.status !== 'open' && a.status !== 'suppressed' ? existing.status : a.status;
  const assignee = existing?.assignee;
  return {
    id: a.id, ruleId: a.rule.id, ruleVersion: a.rule.version, kind: a.kind, dedupKey: a.dedup_key,
    firstTs: Date.parse(a.first_time), lastTs: Date.parse(a.last_time), score: a.score, severity: a.severity,
    status, count: a.count, doc: { ...a, status } as unknown as Record<string, unknown>,
    createdAt: existing?.createdAt ?? now, updatedAt: now,
    ...(assignee !== undefined ? { assignee } : {}),
    ...(a.incident_id !== undefined ? { incidentId: a.incident_id } : {}),
  };
}

export function recordToAlert(r: AlertRecord): Alert | undefined {
  const d = r.doc as unknown as Partial<Alert>;
  if (typeof d.id !== 'string' || typeof d.dedup_key !== 'string' || d.rule === undefined || !Array.isArray(d.events)) return undefined;
  return { ...(d as Alert), status: r.status };
}

export function incidentToRecord(i: Incident, now: string, existing?: IncidentRecord): IncidentRecord {
  const status = existing?.status ?? i.status;
  const assignee = existing?.assignee ?? i.assignee;
  return {
    id: i.id, title: i.title, status, score: i.score, severity: i.severity,
    firstTs: Date.parse(i.first_time), lastTs: Date.parse(i.last_time),
    doc: { ...i, status, ...(assignee !== undefined ? { assignee } : {}) } as unknown as Record<string, unknown>,
    createdAt: existing?.createdAt ?? now, updatedAt: now,
    ...(assignee !== undefined ? { assignee } : {}),
  };
}

/** One audit entry per decision: the action, the alert, the rule version, the events and the config hash. */
export function decisionAudit(d: AlertDecision, configHash: string): AuditInput {
  return {
    actor: 'engine',
    action: d.action,
    target: d.alertId,
    details: { rule_id: d.ruleId, rule_version: d.ruleVersion, event_ids: d.eventIds, config_hash: configHash, ...d.details },
  };
}
