/**
 * Alerts into incidents. Union-find over alerts in time order: an alert joins the incidents that
 * recently saw one of its entities (user, host, ip). What counts as a link is deliberately narrow,
 * because one weak link glues two unrelated attacks (or an attack and a day of benign noise) into
 * an incident nobody can read:
 *
 * - Time proximity: a link through one entity holds when the two alerts are at most `linkGapMs`
 *   apart (4h); a link through two or more entities (the same account from the same address) holds
 *   across the whole `windowMs` (24h). So a benign alert on a shared host hours before an attack does
 *   not become the attack's first alert.
 * - Fan-out: an alert that fans out (a spray over many accounts, a scan over many addresses; see
 *   fanout.ts) links through its actor, not its targets. A link through a target is weak.
 * - Weak links and weak alerts never bridge: an alert whose links are all weak, and a low-severity or
 *   low/informational-level alert, joins at most one incident (the one it shares most with) and never
 *   merges two. Links through a weak alert's entities are weak too.
 * - Infrastructure: an entity that more than `maxEntityRules` rules fire on (a domain controller, a
 *   NAT egress) does not link at all.
 *
 * Suppressed alerts stay out. The result does not depend on the order alerts are passed in.
 */
import type { EventFacts } from '../alert/facts.js';
import type { Alert } from '../alert/types.js';
import { buildIncident, type KnownTimeline } from './build.js';
import { DEFAULT_MAX_FAN_OUT, fanOutTargets } from './fanout.js';
import type { Incident } from './types.js';

export { incidentId, TACTIC_BREADTH_POINTS, type KnownTimeline } from './build.js';

export interface GroupOptions {
  /** How far apart two alerts linked through two or more shared entities may be. */
  windowMs: number;
  /** How far apart two alerts linked through one shared entity may be; default 4h (capped at windowMs). */
  linkGapMs?: number;
  /** An entity seen in more than this many alerts of distinct rules no longer links (a domain controller's address, a NAT egress); default 12. */
  maxEntityRules?: number;
  /** More than this many distinct entities of one kind beside one entity under one rule is a fan-out; default 10. */
  maxFanOut?: number;
}

export const DEFAULT_LINK_GAP_MS = 4 * 3_600_000;
export const DEFAULT_MAX_ENTITY_RULES = 12;

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

/** A low-severity alert, or one of a low or informational rule: context for an incident, never a bridge. */
export function isWeakAlert(a: Alert): boolean {
  return a.severity === 'low' || a.rule.level === 'low' || a.rule.level === 'informational';
}

/** When an entity was last seen in one incident: latest event time as a plain link and as a fan-out target. */
interface Sighting {
  strong: number;
  target: number;
}

/** What one earlier incident shares with the alert being placed. */
interface Link {
  /** Distinct entities linking strongly (not a target on either side) within the window. */
  strong: number;
  /** Some strong entity was seen within the link gap. */
  close: boolean;
  /** Some target entity was seen within the link gap. */
  weakClose: boolean;
  /** Latest sighting of any shared entity. */
  lastTs: number;
}

/** The alerts grouped and built into incidents. */
export function groupIncidents(alerts: readonly Alert[], facts: ReadonlyMap<string, EventFacts>, o: GroupOptions, known?: KnownTimeline): Incident[] {
  return groupAlerts(alerts, facts, o).map((g) => buildIncident(g, facts, known));
}

/**
 * Entity keys that link no alerts: more than `maxRules` distinct rules fire on them among the alerts
 * that are not suppressed (a domain controller's address, a NAT egress).
 */
export function unlinkableKeys(alerts: readonly Alert[], maxRules: number): Set<string> {
  // Most keys are seen under one rule: a set is made only for a key's second rule.
  const rulesOf = new Map<string, string | Set<string>>();
  for (const a of alerts) {
    if (a.status === 'suppressed') continue;
    const rule = a.rule.id;
    for (const k of a.entities.keys) {
      const s = rulesOf.get(k);
      if (s === undefined) rulesOf.set(k, rule);
      else if (typeof s === 'string') { if (s !== rule) rulesOf.set(k, new Set([s, rule])); } else s.add(rule);
    }
  }
  const out = new Set<string>();
  for (const [k, rules] of rulesOf) if ((typeof rules === 'string' ? 1 : rules.size) > maxRules) out.add(k);
  return out;
}

/** What live alerting regroups: the alerts a batch can reach, and the keys that do not link among all the alerts. */
export interface TouchedPart {
  alerts: Alert[];
  unlinkable: ReadonlySet<string>;
}

/**
 * The alerts of `alerts` that groupAlerts could place differently because of `touched`: those linked
 * to them, directly or through other alerts, by what grouping reads across alerts. That is a linkable
 * entity key (sightings are kept per key), or any key of an alert's entities or of its events' facts
 * under the same rule (fan-out degrees are kept per rule and key). A key that links nothing (see
 * unlinkableKeys) joins only alerts of one rule: a domain controller's address does not by itself
 * join every alert that names it. groupAlerts on `alerts` with `unlinkable` gives these alerts exactly the
 * groups it gives them among all of `alerts`; every other component's groups are what they were
 * without `touched`. Live alerting regroups just these: a batch costs what its alerts' neighbours
 * cost, not what the day's alerts do.
 */
export function touchedComponents(alerts: readonly Alert[], touched: ReadonlySet<Alert>, facts: ReadonlyMap<string, EventFacts>, o: Pick<GroupOptions, 'maxEntityRules'>): TouchedPart {
  const unlinkable = unlinkableKeys(alerts, o.maxEntityRules ?? DEFAULT_MAX_ENTITY_RULES);
  const uf = new UnionFind();
  const nodeOf = new Map<string, number>();
  const link = (i: number, node: string): void => {
    let n = nodeOf.get(node);
    if (n === undefined) nodeOf.set(node, (n = uf.add()));
    uf.union(i, n);
  };
  const alertNode: number[] = [];
  for (const a of alerts) {
    const i = uf.add();
    alertNode.push(i);
    // A linkable key joins every alert that has it, which covers the rule-and-key join fan-out needs.
    const rule = `${a.rule.id}\u0000`;
    for (const k of a.entities.keys) link(i, unlinkable.has(k) ? rule + k : k);
    for (const e of a.events) {
      const keys = facts.get(e)?.keys;
      if (keys !== undefined) for (const k of keys) link(i, unlinkable.has(k) ? rule + k : k);
    }
  }
  const roots = new Set<number>();
  alerts.forEach((a, j) => { if (touched.has(a)) roots.add(uf.find(alertNode[j] as number)); });
  return { alerts: alerts.filter((_, j) => roots.has(uf.find(alertNode[j] as number))), unlinkable };
}

/**
 * The alerts' incident groups, each in time order (its first alert names the incident). `unchanged`,
 * when given, names the groups that need not be built: the incident stored for them is what building
 * them would give (live alerting: the same alerts as when it was written). They are left out.
 */
export function groupAlerts(
  alerts: readonly Alert[], facts: ReadonlyMap<string, EventFacts>, o: GroupOptions, unchanged?: (members: readonly Alert[]) => boolean,
  /** The keys that link nothing, when `alerts` is a part of a larger set (touchedComponents): counted over the whole set. */
  unlinkable?: ReadonlySet<string>,
): Alert[][] {
  // An alert without a usable time (a damaged stored row) sorts last and stands alone. Times are
  // parsed once per alert, not once per comparison (a hunt sorts tens of thousands of alerts).
  const startOf = new Map<Alert, number>();
  for (const a of alerts) {
    const ts = t(a.first_time);
    startOf.set(a, Number.isFinite(ts) ? ts : Infinity);
  }
  const order = (a: Alert): number => startOf.get(a) as number;
  const live = alerts.filter((a) => a.status !== 'suppressed').sort((a, b) => order(a) - order(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const gap = Math.min(o.linkGapMs ?? DEFAULT_LINK_GAP_MS, o.windowMs);
  const noLink = unlinkable ?? unlinkableKeys(live, o.maxEntityRules ?? DEFAULT_MAX_ENTITY_RULES);
  const linkable = (k: string): boolean => !noLink.has(k);
  const targets = fanOutTargets(live, facts, o.maxFanOut ?? DEFAULT_MAX_FAN_OUT);
  const uf = new UnionFind();
  /** entity key -> incident root (as registered; re-resolved on lookup) -> sighting */
  const seen = new Map<string, Map<number, Sighting>>();
  for (const [i, a] of live.entries()) {
    uf.add();
    const start = order(a);
    if (!Number.isFinite(start)) continue;
    const mine = targets[i] as ReadonlySet<string>;
    const links = new Map<number, Link>();
    for (const k of a.entities.keys) {
      if (!linkable(k)) continue;
      const sightings = seen.get(k);
      if (sightings === undefined) continue;
      // Sightings are kept per incident; incidents merged since are folded together here, so an
      // entity holds one entry per incident it is in, not one per alert. Folding in place is safe:
      // an entry moves only onto a root, and roots are left as they are.
      for (const [idx, p] of sightings) {
        const r = uf.find(idx);
        if (r === idx) continue;
        sightings.delete(idx);
        const q = sightings.get(r);
        sightings.set(r, q === undefined ? p : { strong: Math.max(p.strong, q.strong), target: Math.max(p.target, q.target) });
      }
      const target = mine.has(k);
      for (const [r, s] of sightings) {
        if (start - Math.max(s.strong, s.target) > o.windowMs) {
          sightings.delete(r);
          continue;
        }
        // A target on either side makes the link weak.
        const p = target ? { strong: -Infinity, target: Math.max(s.strong, s.target) } : s;
        let l = links.get(r);
        if (l === undefined) links.set(r, (l = { strong: 0, close: false, weakClose: false, lastTs: -Infinity }));
        if (p.strong > -Infinity) {
          l.strong++;
          if (start - p.strong <= gap) l.close = true;
        }
        if (p.target > -Infinity && start - p.target <= gap) l.weakClose = true;
        l.lastTs = Math.max(l.lastTs, p.strong, p.target);
      }
    }
    const weak = isWeakAlert(a);
    let bridges = false;
    if (!weak) for (const l of links.values()) if (l.close || l.strong >= 2) bridges = true;
    if (bridges) {
      for (const [r, l] of links) if (l.close || l.strong >= 2) uf.union(i, r);
    } else {
      // No bridging: join the one incident this alert shares the most with, the most recent on a tie.
      let best: [number, Link] | undefined;
      for (const [r, l] of links) {
        if (!(weak ? l.close || l.strong >= 2 || l.weakClose : l.weakClose)) continue;
        if (best === undefined || (best[1].strong - l.strong || best[1].lastTs - l.lastTs || r - best[0]) < 0) best = [r, l];
      }
      if (best !== undefined) uf.union(i, best[0]);
    }
    const last = t(a.last_time);
    const end = Number.isFinite(last) ? Math.max(last, start) : start;
    const r = uf.find(i);
    for (const k of a.entities.keys) {
      if (!linkable(k)) continue;
      let s = seen.get(k);
      if (!s) seen.set(k, (s = new Map()));
      const p = s.get(r) ?? { strong: -Infinity, target: -Infinity };
      // A weak alert's entities link later alerts weakly only, so it cannot become a bridge.
      if (weak || mine.has(k)) p.target = Math.max(p.target, end);
      else p.strong = Math.max(p.strong, end);
      s.set(r, p);
    }
  }
  const groups = new Map<number, Alert[]>();
  for (const [i, a] of live.entries()) {
    const r = uf.find(i);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(a);
  }
  const out: Alert[][] = [];
  for (const g of groups.values()) if (unchanged === undefined || !unchanged(g)) out.push(g);
  return out;
}
