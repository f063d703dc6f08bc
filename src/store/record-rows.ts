/**
 * Stored rows to the store's records, shared by the SQLite and PostgreSQL backends: both select the
 * same columns under the same names, and a row reads the same whichever engine returned it (counts
 * may come back as bigint text from PostgreSQL, JSON columns are stored as text in both).
 */
import type {
  AlertRecord, AlertStatus, ApiKeyRecord, AuditEntry, IncidentRecord, QuarantineRecord, ResponseActionRecord, RoleName, RuleAlertStats, RuleRecord, SourceRecord, UserRecord,
} from './types.js';

export type Row = Record<string, unknown>;

export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
export const num = (v: unknown): number => Number(v);
export const jsonOr = <T>(v: unknown, dflt: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : dflt);

/** A boolean column: SQLite stores 0/1, PostgreSQL returns a boolean. */
export const flag = (v: unknown): boolean => v === true || v === 1 || v === 1n;

export function ruleFromRow(r: Row): RuleRecord {
  return {
    id: str(r.id), version: str(r.version), kind: str(r.kind) as RuleRecord['kind'], title: str(r.title), enabled: flag(r.enabled),
    content: str(r.content), loadedAt: str(r.loaded_at),
    ...(r.level !== null ? { level: str(r.level) } : {}),
    ...(r.status !== null ? { status: str(r.status) } : {}),
    ...(r.source_file !== null ? { sourceFile: str(r.source_file) } : {}),
  };
}

export function incidentFromRow(r: Row): IncidentRecord {
  return {
    id: str(r.id), title: str(r.title), status: str(r.status) as IncidentRecord['status'], score: num(r.score),
    severity: str(r.severity) as IncidentRecord['severity'], firstTs: num(r.first_ts), lastTs: num(r.last_ts), doc: jsonOr(r.doc, {}),
    createdAt: str(r.created_at), updatedAt: str(r.updated_at), ...(r.assignee !== null ? { assignee: str(r.assignee) } : {}),
  };
}

export function userFromRow(r: Row): UserRecord {
  return { id: str(r.id), username: str(r.username), passwordHash: str(r.password_hash), role: str(r.role) as RoleName, disabled: flag(r.disabled), createdAt: str(r.created_at), updatedAt: str(r.updated_at) };
}

export function keyFromRow(r: Row): ApiKeyRecord {
  return {
    id: str(r.id), userId: str(r.user_id), name: str(r.name), prefix: str(r.prefix), keyHash: str(r.key_hash), role: str(r.role) as RoleName, createdAt: str(r.created_at),
    ...(r.revoked_at !== null ? { revokedAt: str(r.revoked_at) } : {}),
    ...(r.last_used_at !== null ? { lastUsedAt: str(r.last_used_at) } : {}),
  };
}

export function quarantineFromRow(r: Row): QuarantineRecord {
  return {
    id: str(r.id), reason: str(r.reason), message: str(r.message), sourceId: str(r.source_id), receivedAt: str(r.received_at),
    raw: new Uint8Array(r.raw as Buffer),
    ...(r.format !== null ? { format: str(r.format) } : {}),
    ...(r.source_type !== null ? { sourceType: str(r.source_type) } : {}),
  };
}

export function sourceFromRow(r: Row): SourceRecord {
  return {
    id: str(r.id), events: num(r.events), quarantined: num(r.quarantined),
    ...(r.type !== null ? { type: str(r.type) } : {}),
    ...(r.format !== null ? { format: str(r.format) } : {}),
    ...(r.config !== null ? { config: jsonOr<Record<string, unknown>>(r.config, {}) } : {}),
    ...(r.first_seen !== null ? { firstSeen: str(r.first_seen) } : {}),
    ...(r.last_seen !== null ? { lastSeen: str(r.last_seen) } : {}),
  };
}

export function alertFromRow(r: Row): AlertRecord {
  return {
    id: str(r.id), ruleId: str(r.rule_id), kind: str(r.kind), dedupKey: str(r.dedup_key), firstTs: num(r.first_ts), lastTs: num(r.last_ts),
    score: num(r.score), severity: str(r.severity) as AlertRecord['severity'], status: str(r.status) as AlertRecord['status'], count: num(r.count),
    doc: jsonOr(r.doc, {}), createdAt: str(r.created_at), updatedAt: str(r.updated_at),
    ...(r.rule_version !== null ? { ruleVersion: str(r.rule_version) } : {}),
    ...(r.assignee !== null ? { assignee: str(r.assignee) } : {}),
    ...(r.incident_id !== null ? { incidentId: str(r.incident_id) } : {}),
  };
}

export function responseActionFromRow(r: Row): ResponseActionRecord {
  return {
    id: str(r.id), action: str(r.action), status: str(r.status) as ResponseActionRecord['status'], actor: str(r.actor),
    createdAt: str(r.created_at), updatedAt: str(r.updated_at),
    ...(r.incident_id !== null ? { incidentId: str(r.incident_id) } : {}),
    ...(r.alert_id !== null ? { alertId: str(r.alert_id) } : {}),
    ...(r.result !== null ? { result: jsonOr<Record<string, unknown>>(r.result, {}) } : {}),
  };
}

export function auditFromRow(r: Row): AuditEntry {
  return {
    seq: num(r.seq), ts: str(r.ts), actor: str(r.actor), action: str(r.action), outcome: str(r.outcome) as AuditEntry['outcome'],
    prev_hash: str(r.prev_hash), hash: str(r.hash),
    ...(r.target !== null ? { target: str(r.target) } : {}),
    ...(r.source_ip !== null ? { source_ip: str(r.source_ip) } : {}),
    ...(r.details !== null ? { details: jsonOr<Record<string, unknown>>(r.details, {}) } : {}),
  };
}

/** Rows of `SELECT rule_id, status, COUNT(*) AS n, SUM(count) AS m FROM alerts GROUP BY rule_id, status`, per rule. */
export function alertStatsFromRows(rows: Iterable<Row>): RuleAlertStats[] {
  const out = new Map<string, RuleAlertStats>();
  for (const r of rows) {
    const id = str(r.rule_id);
    let s = out.get(id);
    if (!s) out.set(id, (s = { ruleId: id, alerts: 0, matches: 0, byStatus: {} }));
    s.alerts += num(r.n);
    s.matches += num(r.m);
    s.byStatus[str(r.status) as AlertStatus] = num(r.n);
  }
  return [...out.values()];
}
