/**
 * Alert and incident documents for output: Weft's JSONL line, the ECS alert document and the OCSF
 * Detection Finding (class 2004). Pure functions of the alert; the same alert always gives the same
 * bytes.
 */
import { ECS_VERSION, type WeftEvent } from '../../event/model.js';
import type { Incident } from '../../incident/types.js';
import type { MatchedRule } from '../../rules/engine/types.js';
import type { Severity } from '../../store/types.js';
import type { Alert } from '../types.js';

type Rec = Record<string, unknown>;

/**
 * Weft's JSONL alert line: the fields of issues 5/6 (`kind`, `rule.*`, `@timestamp`, `event` and
 * `match` for matches; `correlation`, `group`, `events`, `first_time`, `last_time` for correlations)
 * plus `score`, `severity` and ECS `threat.*` at the top level.
 */
export function alertLine(a: Alert, extra: { rule?: MatchedRule; event?: WeftEvent } = {}): Rec {
  const r = extra.rule;
  const line: Rec = {
    kind: a.kind,
    id: a.id,
    rule: {
      id: a.rule.id, version: a.rule.version, title: a.rule.title, level: a.rule.level ?? null, tags: a.rule.tags,
      ...(r !== undefined ? { status: r.status ?? null, author: r.author ?? null, logsource: r.logsource } : {}),
    },
    '@timestamp': a['@timestamp'],
    score: a.score,
    severity: a.severity,
    threat: a.threat,
    status: a.status,
    count: a.count,
    group: a.group,
    events: a.events,
    ...(a.omitted_events !== undefined ? { omitted_events: a.omitted_events } : {}),
    sources: a.sources,
    first_time: a.first_time,
    last_time: a.last_time,
    entities: { user: a.entities.user, host: a.entities.host, ip: a.entities.ip },
    explanation: a.explanation,
    ...(a.incident_id !== undefined ? { incident_id: a.incident_id } : {}),
    ...(a.suppressed_by !== undefined ? { suppressed_by: a.suppressed_by } : {}),
  };
  if (a.kind === 'match') {
    if (extra.event !== undefined) line.event = extra.event;
    line.match = { selections: a.explanation.selections ?? [] };
  } else if (a.explanation.correlation !== undefined) {
    line.correlation = { type: a.explanation.correlation.type };
    if (a.explanation.correlation.value !== undefined) line.value = a.explanation.correlation.value;
  }
  return line;
}

export function incidentLine(i: Incident): Rec {
  return { kind: 'incident', ...i };
}

/** ECS `event.severity` is a number; Weft's four severities map onto 1..4. */
const SEVERITY_NUMBER: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/** An ECS alert document (event.kind: alert), as Elastic Security's detection alerts carry. */
export function ecsAlert(a: Alert): Rec {
  const related: Rec = {};
  if (a.entities.user.length > 0) related.user = a.entities.user;
  if (a.entities.host.length > 0) related.hosts = a.entities.host;
  if (a.entities.ip.length > 0) related.ip = a.entities.ip;
  return {
    '@timestamp': a['@timestamp'],
    ecs: { version: ECS_VERSION },
    message: `${a.rule.title} (score ${a.score}, ${a.severity})`,
    event: {
      kind: 'alert', id: a.id, created: a['@timestamp'], start: a.first_time, end: a.last_time,
      risk_score: a.score, severity: SEVERITY_NUMBER[a.severity], dataset: 'weft.alert', provider: 'weft',
    },
    rule: { id: a.rule.id, uuid: a.rule.id, name: a.rule.title, version: a.rule.version, ruleset: 'weft' },
    threat: a.threat,
    related,
    ...(a.entities.user[0] !== undefined ? { user: { name: a.entities.user[0] } } : {}),
    ...(a.entities.host[0] !== undefined ? { host: { name: a.entities.host[0] } } : {}),
    labels: { weft_kind: a.kind, weft_status: a.status, weft_count: String(a.count), ...(a.incident_id !== undefined ? { weft_incident: a.incident_id } : {}) },
    weft: { alert: { events: a.events, sources: a.sources, explanation: a.explanation, dedup_key: a.dedup_key, severity: a.severity } },
  };
}

/** OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
const OCSF_SEVERITY: Record<Severity, [number, string]> = { low: [2, 'Low'], medium: [3, 'Medium'], high: [4, 'High'], critical: [5, 'Critical'] };
/** OCSF risk_level_id: 0 Info, 1 Low, 2 Medium, 3 High, 4 Critical. */
const OCSF_RISK: Record<Severity, [number, string]> = { low: [1, 'Low'], medium: [2, 'Medium'], high: [3, 'High'], critical: [4, 'Critical'] };
/** Finding status_id: 1 New, 2 In Progress, 3 Suppressed, 4 Resolved, 99 Other. */
const OCSF_STATUS: Record<Alert['status'], [number, string]> = {
  open: [1, 'New'], acknowledged: [2, 'In Progress'], investigating: [2, 'In Progress'], suppressed: [3, 'Suppressed'], resolved: [4, 'Resolved'], false_positive: [4, 'Resolved'],
};

export const OCSF_VERSION = '1.3.0';

/** OCSF Detection Finding (category 2 Findings, class 2004); activity 1 Create, 2 Update after deduplication. */
export function ocsfDetectionFinding(a: Alert, productVersion: string): Rec {
  const activity = a.count > 1 ? 2 : 1;
  const [severityId, severity] = OCSF_SEVERITY[a.severity];
  const [riskId, risk] = OCSF_RISK[a.severity];
  const [statusId, status] = OCSF_STATUS[a.status];
  const tactics = a.threat.tactic?.id.map((id, i) => ({ uid: id, name: a.threat.tactic?.name[i] })) ?? [];
  const techniques = a.threat.technique?.id.map((id, i) => ({ uid: id, ...(a.threat.technique?.name?.[i] !== undefined ? { name: a.threat.technique.name[i] } : {}) })) ?? [];
  const subs = a.threat.technique?.subtechnique?.id.map((id, i) => ({ uid: id, ...(a.threat.technique?.subtechnique?.name?.[i] !== undefined ? { name: a.threat.technique.subtechnique.name[i] } : {}) })) ?? [];
  const attacks: Rec[] = [];
  for (const t of techniques) attacks.push({ technique: t, ...(tactics[0] ? { tactic: tactics[0] } : {}), tactics, version: 'enterprise' });
  for (const s of subs) attacks.push({ sub_technique: s, technique: { uid: s.uid.split('.')[0] }, ...(tactics[0] ? { tactic: tactics[0] } : {}), tactics, version: 'enterprise' });
  if (attacks.length === 0) for (const t of tactics) attacks.push({ tactic: t, tactics: [t], version: 'enterprise' });
  const ms = (iso: string): number => Date.parse(iso);
  return {
    category_uid: 2, category_name: 'Findings', class_uid: 2004, class_name: 'Detection Finding',
    activity_id: activity, activity_name: activity === 1 ? 'Create' : 'Update', type_uid: 2004 * 100 + activity,
    type_name: `Detection Finding: ${activity === 1 ? 'Create' : 'Update'}`,
    time: ms(a['@timestamp']), start_time: ms(a.first_time), end_time: ms(a.last_time), count: a.count,
    severity_id: severityId, severity, risk_score: a.score, risk_level_id: riskId, risk_level: risk,
    status_id: statusId, status, is_alert: true,
    message: a.rule.title,
    metadata: { version: OCSF_VERSION, product: { name: 'Weft', vendor_name: 'Weft', version: productVersion }, uid: a.id },
    finding_info: {
      uid: a.id, title: a.rule.title, types: [a.kind],
      analytic: { uid: a.rule.id, name: a.rule.title, version: a.rule.version, type_id: 1, type: 'Rule' },
      first_seen_time: ms(a.first_time), last_seen_time: ms(a.last_time), created_time: ms(a['@timestamp']),
      ...(attacks.length > 0 ? { attacks } : {}),
      related_events: a.events.map((id) => ({ uid: id })),
    },
    observables: [
      ...a.entities.user.map((u) => ({ name: 'user.name', type_id: 4, type: 'User Name', value: u })),
      ...a.entities.host.map((h) => ({ name: 'device.hostname', type_id: 1, type: 'Hostname', value: h })),
      ...a.entities.ip.map((ip) => ({ name: 'ip', type_id: 2, type: 'IP Address', value: ip })),
    ],
    unmapped: { weft: { dedup_key: a.dedup_key, explanation: a.explanation, sources: a.sources, ...(a.incident_id !== undefined ? { incident_id: a.incident_id } : {}) } },
  };
}
