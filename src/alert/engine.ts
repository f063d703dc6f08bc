/**
 * The alert engine: detections (rule matches and correlation alerts) in, deduplicated, suppressed,
 * scored alerts out, with every decision recorded for the audit log. It is a deterministic function
 * of its input and configuration: candidates are processed in event-time order and every time it
 * uses (windows, risk decay, rarity) is event time.
 */
import { hash } from 'node:crypto';
import type { SigmaLevel } from '../rules/types.js';
import type { BaselineKey, BaselineRecord, UserRiskRecord } from '../store/types.js';
import { AttackCatalog, ecsThreat, type EcsThreat } from './attack/index.js';
import { AssetInventory } from './assets.js';
import type { EventFacts } from './facts.js';
import { scoreAlert, type ScoreContext } from './scoring.js';
import { severityOf } from './severity.js';
import { SuppressionSet, type FieldSource, type SuppressionEntry } from './suppression.js';
import { MAX_ALERT_EVENTS, type Alert, type AlertKind } from './types.js';

export interface CandidateRule {
  id: string;
  name?: string;
  version: string;
  title: string;
  level?: SigmaLevel;
  tags: readonly string[];
}

/** One detection before alerting: a rule match or a correlation alert. */
export interface AlertCandidate {
  kind: AlertKind;
  rule: CandidateRule;
  /** What deduplication groups on, besides the rule. */
  group: Record<string, string>;
  /** All contributing event ids, in event-time order. */
  eventIds: readonly string[];
  /** Facts of the contributing events that are known. */
  events: readonly EventFacts[];
  /** The detection's time (match: the event's; correlation: when its condition was met). */
  ts: number;
  timestamp: string;
  firstTs: number;
  lastTs: number;
  selections?: readonly string[];
  correlation?: { type: string; value?: number };
  /** Field values for suppression conditions (not needed when `suppressedBy` is decided already). */
  fields?: FieldSource;
  /**
   * The suppression decided when the detection was made (null: none applies), so a candidate need
   * not hold its event until the engine runs; undefined: the engine decides from `fields`.
   */
  suppressedBy?: SuppressionEntry | null;
  /** Tie-breaker within one millisecond: input order. */
  seq: number;
  /** Event-log position of the detection (live path): see Alert.log_position. */
  position?: number;
}

export type DecisionAction = 'alert.created' | 'alert.deduplicated' | 'alert.suppressed' | 'alert.scored' | 'alert.grouped';

export interface AlertDecision {
  action: DecisionAction;
  alertId: string;
  ruleId: string;
  ruleVersion: string;
  eventIds: string[];
  details: Record<string, unknown>;
}

export interface AlertEngineOptions {
  /**
   * Same rule + group key within this long after the alert's last detection (or, for a detection that
   * arrives late, before its first): one alert.
   */
  suppressionWindowMs: number;
  /** Multi-source confirmation looks back this far. */
  confirmationWindowMs: number;
  /** User risk halves over this much event time. */
  riskHalfLifeMs: number;
  assets?: AssetInventory;
  zoneWeights?: Readonly<Record<string, number>>;
  suppressions?: SuppressionSet;
  attack?: AttackCatalog;
  baseline?: (key: BaselineKey) => BaselineRecord | undefined;
  configHash: string;
  /**
   * Keep every decision in `decisions` for the audit log (default). A hunt writes no audit log and
   * only needs the counts: without the records it allocates three objects fewer per alert.
   */
  recordDecisions?: boolean;
}

const isoOf = (ms: number): string => new Date(ms).toISOString();

/**
 * Distinct values, sorted when there are several. A match has one event with one value per field,
 * so the common case needs no Set and no sort (this runs for every detection of a hunt).
 */
class Distinct {
  private readonly out: string[] = [];
  private seen: Set<string> | undefined;

  add(v: string | undefined): void {
    if (v === undefined) return;
    const out = this.out;
    if (this.seen === undefined) {
      if (out.length === 0) {
        out.push(v);
        return;
      }
      if (out.length === 1 && out[0] === v) return;
      this.seen = new Set(out);
    }
    if (!this.seen.has(v)) {
      this.seen.add(v);
      out.push(v);
    }
  }

  sorted(): string[] {
    return this.out.length > 1 ? this.out.sort() : this.out;
  }
}

/** The alert's entity lists, each distinct and sorted, from one pass over its events. */
function entityLists(events: readonly EventFacts[]): { users: string[]; hosts: string[]; ips: string[]; keys: string[]; sources: string[]; sourceIds: string[] } {
  const users = new Distinct();
  const hosts = new Distinct();
  const ips = new Distinct();
  const keys = new Distinct();
  const sources = new Distinct();
  const sourceIds = new Distinct();
  for (const e of events) {
    users.add(e.user);
    hosts.add(e.host);
    ips.add(e.sourceIp);
    ips.add(e.destinationIp);
    for (const k of e.keys) keys.add(k);
    sources.add(e.sourceType);
    sourceIds.add(e.sourceId);
  }
  return { users: users.sorted(), hosts: hosts.sorted(), ips: ips.sorted(), keys: keys.sorted(), sources: sources.sorted(), sourceIds: sourceIds.sorted() };
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function sortedUnion(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** The span of an alert's detections, for multi-source confirmation; kept in step with the alert. */
interface Span {
  first: number;
  last: number;
  /** The alert's entity keys and sources when the span was last listed: it is in the list of each pair. */
  keys: readonly string[];
  sources: readonly string[];
}

export function alertId(dedupKey: string, firstEventId: string, ts: number): string {
  return hash('sha256', `${dedupKey}\u0000${firstEventId}\u0000${ts}`, 'hex').slice(0, 32);
}

export function groupKey(group: Readonly<Record<string, string>>): string {
  return Object.keys(group).sort().map((k) => `${k}=${group[k]}`).join('|');
}

export function compareCandidates(a: AlertCandidate, b: AlertCandidate): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  if (a.kind !== b.kind) return a.kind === 'match' ? -1 : b.kind === 'match' ? 1 : a.kind < b.kind ? -1 : 1;
  if (a.rule.id !== b.rule.id) return a.rule.id < b.rule.id ? -1 : 1;
  const ea = a.eventIds[0] ?? '';
  const eb = b.eventIds[0] ?? '';
  if (ea !== eb) return ea < eb ? -1 : 1;
  return a.seq - b.seq;
}

export class AlertEngine {
  /**
   * Alerts by deduplication key (rule, group, suppression), each list in order of last_time. A key
   * has several when its detections fell in separate windows; a late detection joins the one whose
   * window holds it, not simply the newest.
   */
  private readonly open = new Map<string, Alert[]>();
  private readonly alerts: Alert[] = [];
  /** The alerts in `alerts`, for a constant-time check (a search of the array made heavy deduplication quadratic). */
  private readonly inResults = new Set<Alert>();
  private readonly risk = new Map<string, { risk: number; asOf: number }>();
  /** user -> the scores the known alerts (seeded and this run's) added to the user's risk, at their detection times. */
  private readonly riskHistory = new Map<string, Array<{ ts: number; score: number }>>();
  /** Seeded alerts not in riskHistory yet. */
  private unrisked: Array<{ users: readonly string[]; score: number; made: string }> = [];
  /** Seeded alerts by entity key, not yet listed in entitySources. */
  private readonly unlisted = new Map<string, Alert[]>();
  /**
   * entity key -> source type -> the detection spans of the alerts that reported it, in order of
   * first detection: seeded alerts too, so an alert of this run is confirmed by one stored earlier.
   */
  private readonly entitySources = new Map<string, Map<string, Span[]>>();
  private readonly spans = new Map<Alert, Span>();
  /** The longest span noted: bounds how far back a confirmation search must look. */
  private maxSpan = 0;
  /** Every decision, in order (empty when the options say not to record them). */
  readonly decisions: AlertDecision[] = [];
  /** Decisions made, by action (recorded or not). */
  readonly decisionCounts: Record<DecisionAction, number> = { 'alert.created': 0, 'alert.deduplicated': 0, 'alert.suppressed': 0, 'alert.scored': 0, 'alert.grouped': 0 };
  private readonly assets: AssetInventory;
  private readonly suppressions: SuppressionSet;
  private readonly attack: AttackCatalog;
  /** What scoring reads of the engine: the same for every alert. */
  private readonly scoring: ScoreContext;
  /** By rule id, with the tags it was mapped from (a rule id seen with other tags is mapped again). */
  private readonly threats = new Map<string, { tags: readonly string[]; threat: EcsThreat }>();
  readonly suppressedByEntry = new Map<string, number>();
  /** Detections already recorded in a seeded alert, skipped. */
  repeated = 0;
  /** Seeded alert id -> the log position it had incorporated when it was stored. */
  private readonly seededPositions = new Map<string, number>();

  constructor(private readonly o: AlertEngineOptions) {
    this.assets = o.assets ?? new AssetInventory();
    this.suppressions = o.suppressions ?? new SuppressionSet();
    this.attack = o.attack ?? new AttackCatalog();
    this.scoring = {
      assets: this.assets,
      zoneWeights: o.zoneWeights ?? {},
      userRisk: (u, ts) => this.userRisk(u, ts),
      baseline: o.baseline ?? (() => undefined),
      confirmingSources: (k, ts) => this.confirming(k, ts),
    };
  }

  /**
   * The rule's ATT&CK block, mapped once per rule rather than per alert. Alerts of one rule share
   * it, so it is frozen: a change to one alert's threat would otherwise show in all of them.
   */
  private threatOf(rule: CandidateRule): EcsThreat {
    const known = this.threats.get(rule.id);
    if (known !== undefined && sameTags(known.tags, rule.tags)) return known.threat;
    const threat = deepFreeze(ecsThreat(this.attack.map(rule.tags), this.attack));
    this.threats.set(rule.id, { tags: rule.tags, threat });
    return threat;
  }

  /** Alerts recorded earlier (a previous ingest): deduplication continues them. */
  seed(alerts: readonly Alert[]): void {
    // Live alerting seeds a day of alerts for every batch: each time is parsed once, not per comparison.
    const byLast = alerts.map((a) => ({ a, last: Date.parse(a.last_time) })).sort((x, y) => x.last - y.last);
    for (const { a } of byLast) {
      this.keep(this.openKey(a.dedup_key, a.suppressed_by), a);
      if (a.log_position !== undefined) this.seededPositions.set(a.id, a.log_position);
      if (a.suppressed_by !== undefined || a.status === 'suppressed') continue;
      // Listed for confirmation when an alert on one of its keys is scored, and counted in the risk
      // history when a late detection needs it: most batches need neither for most stored alerts.
      for (const k of a.entities.keys) {
        const pending = this.unlisted.get(k);
        if (pending === undefined) this.unlisted.set(k, [a]);
        else pending.push(a);
      }
      // Its users as stored: a detection of this run may yet add some.
      this.unrisked.push({ users: a.entities.user, score: a.score, made: a['@timestamp'] });
    }
  }

  seedUserRisk(rows: readonly UserRiskRecord[]): void {
    for (const r of rows) this.risk.set(r.user, { risk: r.risk, asOf: r.asOfTs });
  }

  userRiskRecords(): UserRiskRecord[] {
    return [...this.risk].map(([user, r]) => ({ user, risk: r.risk, asOfTs: r.asOf })).sort((a, b) => (a.user < b.user ? -1 : 1));
  }

  /** Alerts created or updated by this engine, in creation order. */
  results(): Alert[] {
    return this.alerts;
  }

  private openKey(dedupKey: string, sup: { id: string } | undefined): string {
    return sup === undefined ? dedupKey : `${dedupKey}|suppressed:${sup.id}`;
  }

  /** Add an alert to its key's list, or move it after its last_time grew: the list stays in last_time order. */
  private keep(key: string, a: Alert): void {
    let list = this.open.get(key);
    if (list === undefined) this.open.set(key, (list = []));
    // From the end: the alert a detection joins is nearly always the key's newest.
    let i = list.lastIndexOf(a);
    if (i < 0) i = list.push(a) - 1;
    const last = Date.parse(a.last_time);
    while (i + 1 < list.length && Date.parse((list[i + 1] as Alert).last_time) < last) {
      list[i] = list[i + 1] as Alert;
      list[++i] = a;
    }
    while (i > 0 && Date.parse((list[i - 1] as Alert).last_time) > last) {
      list[i] = list[i - 1] as Alert;
      list[--i] = a;
    }
  }

  /**
   * The key's alerts whose window holds `ts` (from suppressionWindowMs before their first detection
   * to as long after their last), newest first. In event-time order a detection only ever meets the
   * newest alert; one that reached the log late may belong to an older window, or to none.
   */
  private *covering(key: string, ts: number): Generator<Alert> {
    const list = this.open.get(key);
    if (list === undefined) return;
    const w = this.o.suppressionWindowMs;
    for (let i = list.length - 1; i >= 0; i--) {
      const a = list[i] as Alert;
      // The list is in last_time order: no earlier alert's window reaches ts either.
      if (ts - Date.parse(a.last_time) > w) return;
      if (Date.parse(a.first_time) - ts <= w) yield a;
    }
  }

  /**
   * The user's risk at ts from the alerts before it. The risk is kept as one decayed sum as of the
   * latest alert; for an earlier ts (a late detection), the known alerts after ts (this run's and the
   * seeded ones, which cover every alert since the run's earliest detection) are taken out of it.
   */
  private userRisk(user: string, ts: number): number {
    const r = this.risk.get(user);
    if (r === undefined) return 0;
    const h = this.o.riskHalfLifeMs;
    if (ts >= r.asOf) return r.risk * 0.5 ** ((ts - r.asOf) / h);
    if (this.unrisked.length > 0) {
      // A stored alert added its score to the risk of the users of the detection that made it, at
      // that detection's time (its @timestamp); later detections may have added users: the best known.
      for (const a of this.unrisked) {
        const made = Date.parse(a.made);
        if (Number.isFinite(made)) this.noteRisk(a.users, a.score, made);
      }
      this.unrisked = [];
    }
    let later = 0;
    for (const c of this.riskHistory.get(user) ?? []) if (c.ts > ts) later += c.score * 0.5 ** ((r.asOf - c.ts) / h);
    return Math.max(0, (r.risk - later) * 0.5 ** ((ts - r.asOf) / h));
  }

  /** Note what an alert added to its users' risk, for userRisk at an earlier time. */
  private noteRisk(users: readonly string[], score: number, ts: number): void {
    for (const u of users) {
      let list = this.riskHistory.get(u);
      if (list === undefined) this.riskHistory.set(u, (list = []));
      list.push({ ts, score });
    }
  }

  /**
   * Add an alert's score to its user's risk. Decay is exponential, so the sum is the same whatever
   * order the alerts come in: a late (older) alert adds its score as decayed to the risk's time,
   * instead of moving that time back and decaying the newer scores twice.
   */
  private addRisk(user: string, score: number, ts: number): void {
    const r = this.risk.get(user);
    if (r === undefined || ts >= r.asOf) this.risk.set(user, { risk: this.userRisk(user, ts) + score, asOf: ts });
    else this.risk.set(user, { risk: r.risk + score * 0.5 ** ((r.asOf - ts) / this.o.riskHalfLifeMs), asOf: r.asOf });
  }

  /**
   * The source types with an alert on one of the keys that had a detection in the confirmation
   * window up to ts: one that started at or before ts and had not ended more than the window before
   * it (an alert's detections are never further apart than the suppression window). An alert that
   * starts after ts (a late detection's alert is scored after newer ones) does not confirm it.
   */
  private confirming(keys: readonly string[], ts: number): string[] {
    for (const k of keys) {
      const pending = this.unlisted.get(k);
      if (pending === undefined) continue;
      this.unlisted.delete(k);
      for (const a of pending) this.noteSources(a);
    }
    const out = new Set<string>();
    const from = ts - this.o.confirmationWindowMs;
    for (const k of keys) {
      const m = this.entitySources.get(k);
      if (!m) continue;
      for (const [src, list] of m) {
        if (out.has(src)) continue;
        for (let i = list.length - 1; i >= 0; i--) {
          const sp = list[i] as Span;
          // In order of first detection: no earlier alert can still reach the window.
          if (sp.first + this.maxSpan < from) break;
          if (sp.first <= ts && sp.last >= from) {
            out.add(src);
            break;
          }
        }
      }
    }
    return [...out];
  }

  /** The suppression entry that silences a detection now, or null. */
  suppressionFor(rule: CandidateRule, ts: number, fields: FieldSource): SuppressionEntry | null {
    return this.suppressions.size > 0 ? (this.suppressions.find(rule, ts, fields) ?? null) : null;
  }

  /** Process candidates; they are sorted here, so callers may pass them in any order. */
  run(candidates: AlertCandidate[]): void {
    candidates.sort(compareCandidates);
    for (const c of candidates) this.process(c);
  }

  process(c: AlertCandidate): void {
    const dedupKey = `${c.rule.id}|${groupKey(c.group)}`;
    const sup: SuppressionEntry | undefined = c.suppressedBy !== undefined ? (c.suppressedBy ?? undefined)
      : this.suppressions.size > 0 && c.fields !== undefined ? this.suppressions.find(c.rule, c.ts, c.fields) : undefined;
    const key = this.openKey(dedupKey, sup);
    const { users, hosts, ips, keys, sources, sourceIds } = entityLists(c.events);
    const base = { ruleId: c.rule.id, ruleVersion: c.rule.version };

    let existing: Alert | undefined;
    for (const a of this.covering(key, c.ts)) {
      // The same detection again (a file ingested twice, a replay over stored alerts): nothing new.
      if (c.eventIds.length > 0 && c.eventIds.every((id) => a.events.includes(id))) {
        this.repeated++;
        return;
      }
      // Only the position stored before this run counts: within a run, candidates go in event-time
      // order, which need not be log order.
      const storedAt = this.seededPositions.get(a.id);
      if (storedAt !== undefined && c.position !== undefined && c.position <= storedAt) {
        this.repeated++;
        return;
      }
      // A resolved or false-positive alert is not reopened: a new one starts.
      if (existing === undefined && a.status !== 'resolved' && a.status !== 'false_positive') existing = a;
    }
    if (existing !== undefined) {
      const known = new Set(existing.events);
      const added = c.eventIds.filter((id) => !known.has(id));
      // A new array: a stored alert's events may be shared with the record it was read from. The
      // list is in event-time order: a detection older than all of the alert's (one that reached the
      // log late) goes in front, and the newest are the ones left out past MAX_ALERT_EVENTS.
      const all = c.lastTs < Date.parse(existing.first_time) ? [...added, ...existing.events] : [...existing.events, ...added];
      existing.events = all.length > MAX_ALERT_EVENTS ? all.slice(0, MAX_ALERT_EVENTS) : all;
      if (all.length > MAX_ALERT_EVENTS) existing.omitted_events = (existing.omitted_events ?? 0) + all.length - MAX_ALERT_EVENTS;
      existing.count++;
      if (c.position !== undefined) existing.log_position = Math.max(existing.log_position ?? c.position, c.position);
      if (c.lastTs > Date.parse(existing.last_time)) existing.last_time = isoOf(c.lastTs);
      // A detection older than the alert it joins (a stored alert continued by events that reached
      // the log late) moves its start back: the alert covers the same events whichever batch saw them.
      if (c.firstTs < Date.parse(existing.first_time)) existing.first_time = isoOf(c.firstTs);
      existing.sources = sortedUnion(existing.sources, sources);
      existing.source_ids = sortedUnion(existing.source_ids, sourceIds);
      existing.entities = {
        user: sortedUnion(existing.entities.user, users), host: sortedUnion(existing.entities.host, hosts),
        ip: sortedUnion(existing.entities.ip, ips), keys: sortedUnion(existing.entities.keys, keys),
      };
      this.keep(key, existing);
      if (!this.inResults.has(existing)) {
        this.inResults.add(existing);
        this.alerts.push(existing);
      }
      if (sup !== undefined) this.suppressedByEntry.set(sup.id, (this.suppressedByEntry.get(sup.id) ?? 0) + 1);
      const action = sup !== undefined ? 'alert.suppressed' : 'alert.deduplicated';
      if (this.decide(action)) {
        this.decisions.push({
          ...base, action, alertId: existing.id, eventIds: [...c.eventIds],
          details: { count: existing.count, last_time: existing.last_time, ...(sup !== undefined ? { suppression: sup.id, reason: sup.reason, author: sup.author } : {}) },
        });
      }
      if (sup === undefined) this.noteSources(existing);
      return;
    }

    const { score, contributions } = scoreAlert(
      { kind: c.kind, ...(c.rule.level !== undefined ? { level: c.rule.level } : {}), events: c.events, ts: c.ts, users, hosts, ips, sources, keys },
      this.scoring,
    );
    const eventIds = c.eventIds.slice(0, MAX_ALERT_EVENTS);
    const firstEvent = c.eventIds[0] ?? '';
    const id = alertId(key, firstEvent, c.ts);
    const alert: Alert = {
      id, kind: c.kind,
      rule: { id: c.rule.id, version: c.rule.version, title: c.rule.title, tags: [...c.rule.tags], ...(c.rule.level !== undefined ? { level: c.rule.level } : {}) },
      dedup_key: dedupKey, group: { ...c.group }, entities: { user: users, host: hosts, ip: ips, keys },
      events: eventIds, ...(c.eventIds.length > eventIds.length ? { omitted_events: c.eventIds.length - eventIds.length } : {}),
      sources, source_ids: sourceIds, count: 1,
      first_time: isoOf(c.firstTs), last_time: isoOf(c.lastTs), '@timestamp': c.timestamp,
      score, severity: severityOf(score), threat: this.threatOf(c.rule),
      explanation: {
        ...(c.selections !== undefined ? { selections: [...c.selections] } : {}),
        ...(c.correlation !== undefined ? { correlation: { ...c.correlation } } : {}),
        contributions,
      },
      status: sup !== undefined ? 'suppressed' : 'open',
      ...(sup !== undefined ? { suppressed_by: { id: sup.id, kind: sup.kind, reason: sup.reason, author: sup.author } } : {}),
      ...(c.position !== undefined ? { log_position: c.position } : {}),
    };
    this.keep(key, alert);
    this.alerts.push(alert);
    this.inResults.add(alert);
    if (sup !== undefined) {
      this.suppressedByEntry.set(sup.id, (this.suppressedByEntry.get(sup.id) ?? 0) + 1);
      if (this.decide('alert.suppressed')) {
        this.decisions.push({ ...base, action: 'alert.suppressed', alertId: id, eventIds: [...c.eventIds], details: { suppression: sup.id, kind: sup.kind, reason: sup.reason, author: sup.author } });
      }
      return;
    }
    const record = this.decide('alert.created');
    this.decide('alert.scored');
    if (record) {
      const ev = [...c.eventIds];
      this.decisions.push({ ...base, action: 'alert.created', alertId: id, eventIds: ev, details: { kind: c.kind, dedup_key: dedupKey } });
      this.decisions.push({ ...base, action: 'alert.scored', alertId: id, eventIds: ev, details: { score, severity: alert.severity, contributions } });
    }
    for (const u of users) this.addRisk(u, score, c.ts);
    this.noteRisk(users, score, c.ts);
    this.noteSources(alert);
  }

  /** Count a decision; true when the engine records them (the caller then pushes the record). */
  decide(action: DecisionAction): boolean {
    this.decisionCounts[action]++;
    return this.o.recordDecisions !== false;
  }

  /** Record (or update, after it grew) an unsuppressed alert's span under each of its entity keys and sources. */
  private noteSources(a: Alert): void {
    if (a.suppressed_by !== undefined || a.status === 'suppressed') return;
    const first = Date.parse(a.first_time);
    const last = Date.parse(a.last_time);
    if (!Number.isFinite(first) || !Number.isFinite(last)) return;
    if (last - first > this.maxSpan) this.maxSpan = last - first;
    const keys = a.entities.keys;
    const sources = a.sources;
    const sp = this.spans.get(a);
    if (sp === undefined) {
      const made: Span = { first, last, keys, sources };
      this.spans.set(a, made);
      for (const k of keys) for (const src of sources) this.listOf(k, src).push(made);
      this.sortIn(made);
      return;
    }
    const moved = sp.first !== first;
    sp.first = first;
    sp.last = last;
    // A detection that joined may have brought keys or sources the span is not listed under yet
    // (every join makes new arrays, so compare what they hold).
    let listed = false;
    if (keys !== sp.keys || sources !== sp.sources) {
      for (const k of keys) {
        for (const src of sources) {
          if (sp.keys.includes(k) && sp.sources.includes(src)) continue;
          this.listOf(k, src).push(sp);
          listed = true;
        }
      }
      sp.keys = keys;
      sp.sources = sources;
    }
    if (moved || listed) this.sortIn(sp);
  }

  private listOf(key: string, source: string): Span[] {
    let m = this.entitySources.get(key);
    if (!m) this.entitySources.set(key, (m = new Map()));
    let list = m.get(source);
    if (!list) m.set(source, (list = []));
    return list;
  }

  /** Keep each list holding the span in order of first detection (a late detection moves an alert's start back). */
  private sortIn(sp: Span): void {
    for (const k of sp.keys) {
      for (const src of sp.sources) {
        const list = this.listOf(k, src);
        let i = list.lastIndexOf(sp);
        while (i > 0 && (list[i - 1] as Span).first > sp.first) {
          list[i] = list[i - 1] as Span;
          list[--i] = sp;
        }
      }
    }
  }

}
