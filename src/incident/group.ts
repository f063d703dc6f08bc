/**
 * Alerts into incidents: alerts that share an entity (user, host, ip) within the incident window
 * join one incident. Union-find over alerts in time order: an alert joins every incident that saw
 * one of its entities within the window before it. Suppressed alerts stay out.
 */
import { createHash } from 'node:crypto';
import type { EventFacts } from '../alert/facts.js';
import { clampScore, severityOf } from '../alert/severity.js';
import type { Alert } from '../alert/types.js';
import { tacticOf } from '../alert/attack/index.js';
import { MAX_TIMELINE, type Incident, type KillChainStep, type TimelineEntry } from './types.js';

export interface GroupOptions {
  windowMs: number;
  /** An entity seen in more than this many alerts of distinct rules no longer links (a domain controller's address, a NAT egress); default 12. */
  maxEntityRules?: number;
}

/** Points an incident gets per distinct tactic beyond the first: breadth of the kill chain. */
export const TACTIC_BREADTH_POINTS = 3;

class UnionFind {
  private readonly parent: number[] = [];
  add(): number {
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }
  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r] as number;
    let x = i;
    while (this.parent[x] !== r) {
      const next = this.parent[x] as number;
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The earlier alert stays the root, so the incident keeps the id of its first alert.
    if (ra !== rb) {
      if (ra < rb) this.parent[rb] = ra;
      else this.parent[ra] = rb;
    }
  }
}

const t = (iso: string): number => Date.parse(iso);

export function incidentId(firstAlertId: string): string {
  return createHash('sha256').update(`incident\u0000${firstAlertId}`).digest('hex').slice(0, 32);
}

export function groupIncidents(alerts: readonly Alert[], facts: ReadonlyMap<string, EventFacts>, o: GroupOptions): Incident[] {
  const live = alerts.filter((a) => a.status !== 'suppressed').sort((a, b) => t(a.first_time) - t(b.first_time) || (a.id < b.id ? -1 : 1));
  // Entities that many different rules fire on are infrastructure, not a thread of one attack.
  const maxRules = o.maxEntityRules ?? 12;
  const rulesOf = new Map<string, Set<string>>();
  for (const a of live) for (const k of a.entities.keys) {
    let s = rulesOf.get(k);
    if (!s) rulesOf.set(k, (s = new Set()));
    s.add(a.rule.id);
  }
  const uf = new UnionFind();
  const last = new Map<string, { idx: number; ts: number }>();
  for (const [i, a] of live.entries()) {
    uf.add();
    const start = t(a.first_time);
    for (const k of a.entities.keys) {
      if ((rulesOf.get(k)?.size ?? 0) > maxRules) continue;
      const prev = last.get(k);
      if (prev !== undefined && start - prev.ts <= o.windowMs) uf.union(i, prev.idx);
      const end = t(a.last_time);
      last.set(k, { idx: i, ts: Math.max(end, prev?.ts ?? -Infinity) });
    }
  }
  const groups = new Map<number, Alert[]>();
  for (const [i, a] of live.entries()) {
    const r = uf.find(i);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(a);
  }
  return [...groups.values()].map((g) => buildIncident(g, facts));
}

function buildIncident(members: Alert[], facts: ReadonlyMap<string, EventFacts>): Incident {
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
    firstTs = Math.min(firstTs, t(a.first_time));
    lastTs = Math.max(lastTs, t(a.last_time));
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
  const top = [...members].sort((a, b) => b.score - a.score || t(a.first_time) - t(b.first_time))[0] as Alert;
  const rules = new Set(members.map((a) => a.rule.title));
  const who = [...users].slice(0, 2).map((u) => `user ${u}`).concat([...hosts].slice(0, 2).map((h) => `host ${h}`));
  const title = `${top.rule.title}${rules.size > 1 ? ` and ${rules.size - 1} more` : ''}${who.length > 0 ? ` (${who.join(', ')})` : ''}`;
  return {
    id, title, status: 'open', score, severity: severityOf(score),
    first_time: new Date(firstTs).toISOString(), last_time: new Date(lastTs).toISOString(),
    alerts: members.map((a) => a.id),
    entities: { user: [...users].sort(), host: [...hosts].sort(), ip: [...ips].sort() },
    sources: [...sources].sort(), kill_chain: kill,
    timeline: omitted > 0 ? timeline.slice(0, MAX_TIMELINE) : timeline,
    ...(omitted > 0 ? { omitted_timeline: omitted } : {}),
    events: seenEvent.size,
  };
}
