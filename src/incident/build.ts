/** One incident from its member alerts: entities, kill chain, timeline, score and title. */
import { hash } from 'node:crypto';
import type { EventFacts } from '../alert/facts.js';
import { clampScore, severityOf } from '../alert/severity.js';
import type { Alert } from '../alert/types.js';
import { tacticOf } from '../alert/attack/index.js';
import { MAX_TIMELINE, type Incident, type KillChainStep, type TimelineEntry } from './types.js';

/** Points an incident gets per distinct tactic beyond the first: breadth of the kill chain. */
export const TACTIC_BREADTH_POINTS = 3;

const t = (iso: string): number => Date.parse(iso);

export function incidentId(firstAlertId: string): string {
  return hash('sha256', `incident\u0000${firstAlertId}`, 'hex').slice(0, 32);
}

/** What an incident stored earlier said of an event: its timeline entry, by event id. */
export type KnownTimeline = ReadonlyMap<string, TimelineEntry>;

/**
 * `members` in time order (first alert first: it names the incident). An event whose facts this run
 * does not have (an alert stored by an earlier batch) keeps the timeline entry `known` holds for it.
 */
export function buildIncident(members: Alert[], facts: ReadonlyMap<string, EventFacts>, known?: KnownTimeline): Incident {
  const first = members[0] as Alert;
  const id = incidentId(first.id);
  const users = new Set<string>();
  const hosts = new Set<string>();
  const ips = new Set<string>();
  const sources = new Set<string>();
  const kill: KillChainStep[] = [];
  const seenTactic = new Map<string, KillChainStep>();
  const timeline: TimelineEntry[] = [];
  const seenEvent = new Set<string>();
  let firstTs = Infinity;
  let lastTs = -Infinity;
  let maxScore = 0;
  for (const a of members) {
    for (const u of a.entities.user) users.add(u);
    for (const h of a.entities.host) hosts.add(h);
    for (const ip of a.entities.ip) ips.add(ip);
    for (const s of a.sources) sources.add(s);
    // Unparseable times (a damaged stored row) do not poison the incident's span.
    const [ft, lt] = [t(a.first_time), t(a.last_time)];
    if (Number.isFinite(ft)) firstTs = Math.min(firstTs, ft);
    if (Number.isFinite(lt)) lastTs = Math.max(lastTs, lt);
    maxScore = Math.max(maxScore, a.score);
    for (const tid of a.threat.tactic?.id ?? []) {
      const step = seenTactic.get(tid);
      if (step === undefined) {
        const fresh = { tactic_id: tid, tactic: tacticOf(tid)?.name ?? tid, first_seen: a.first_time, alert_id: a.id };
        seenTactic.set(tid, fresh);
        kill.push(fresh);
      } else if (t(a.first_time) < t(step.first_seen)) {
        step.first_seen = a.first_time;
        step.alert_id = a.id;
      }
    }
    timeline.push({ '@timestamp': a.first_time, type: 'alert', alert_id: a.id, title: a.rule.title, severity: a.severity });
    for (const e of a.events) {
      if (seenEvent.has(e)) continue;
      seenEvent.add(e);
      const f = facts.get(e);
      const k = f === undefined ? known?.get(e) : undefined;
      if (k !== undefined) {
        timeline.push({ ...k, alert_id: a.id });
        continue;
      }
      timeline.push({
        '@timestamp': f?.timestamp ?? a.first_time, type: 'event', alert_id: a.id, event_id: e, title: f?.summary || a.rule.title,
        ...(f !== undefined ? { source_type: f.sourceType } : {}),
      });
    }
  }
  // Alerts before their own events at the same instant; then by id for a stable order.
  timeline.sort((x, y) => t(x['@timestamp']) - t(y['@timestamp']) || (x.type === y.type ? 0 : x.type === 'alert' ? -1 : 1) || ((x.event_id ?? x.alert_id) < (y.event_id ?? y.alert_id) ? -1 : 1));
  const omitted = timeline.length > MAX_TIMELINE ? timeline.length - MAX_TIMELINE : 0;
  // Tactics in the order first observed; at the same instant (one event, several tactics), in
  // kill-chain order, so the progression does not depend on the order alerts were processed.
  kill.sort((x, y) => t(x.first_seen) - t(y.first_seen) || (tacticOf(x.tactic_id)?.order ?? 99) - (tacticOf(y.tactic_id)?.order ?? 99));
  const score = clampScore(maxScore + TACTIC_BREADTH_POINTS * Math.max(0, kill.length - 1));
  const top = members.length === 1 ? first : [...members].sort((a, b) => b.score - a.score || t(a.first_time) - t(b.first_time))[0] as Alert;
  const rules = new Set(members.map((a) => a.rule.title));
  const who = [...users].slice(0, 2).map((u) => `user ${u}`).concat([...hosts].slice(0, 2).map((h) => `host ${h}`));
  const title = `${top.rule.title}${rules.size > 1 ? ` and ${rules.size - 1} more` : ''}${who.length > 0 ? ` (${who.join(', ')})` : ''}`;
  return {
    id, title, status: 'open', score, severity: severityOf(score),
    first_time: Number.isFinite(firstTs) ? new Date(firstTs).toISOString() : first.first_time,
    last_time: Number.isFinite(lastTs) ? new Date(Math.max(lastTs, firstTs)).toISOString() : Number.isFinite(firstTs) ? new Date(firstTs).toISOString() : first.last_time,
    alerts: members.map((a) => a.id),
    entities: { user: [...users].sort(), host: [...hosts].sort(), ip: [...ips].sort() },
    sources: [...sources].sort(), kill_chain: kill,
    timeline: omitted > 0 ? timeline.slice(0, MAX_TIMELINE) : timeline,
    ...(omitted > 0 ? { omitted_timeline: omitted } : {}),
    events: seenEvent.size,
  };
}
