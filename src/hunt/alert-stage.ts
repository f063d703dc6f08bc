/**
 * The alert stage of a hunt or an ingest: watches every event (baseline, facts of matched events),
 * takes the visible rule matches and the correlation alerts as candidates, and at the end runs the
 * alert engine over them in event-time order and groups the alerts into incidents.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AlertEngine, type AlertCandidate, type AlertEngineOptions, type CandidateRule } from '../alert/engine.js';
import { Baseline } from '../alert/baseline.js';
import { eventFacts, type EventFacts } from '../alert/facts.js';
import { documentFields, SuppressionSet, type FieldSource } from '../alert/suppression.js';
import type { Alert } from '../alert/types.js';
import type { CorrelationAlert, CorrelationDef } from '../correlate/index.js';
import { canonicalHostName } from '../enrich/entity-resolver.js';
import type { WeftEvent } from '../event/model.js';
import { buildIncident } from '../incident/build.js';
import { groupAlerts, touchedComponents, type GroupOptions, type KnownTimeline } from '../incident/group.js';
import type { Incident } from '../incident/types.js';
import type { Match } from '../rules/engine/index.js';
import type { MatchedRule } from '../rules/engine/types.js';
import type { BaselineKey, BaselineRecord } from '../store/types.js';
import type { SpillRef } from './event-spill.js';

/** Content hashes of rule files: a rule's version. */
export class RuleVersions {
  private readonly byFile = new Map<string, string>();
  private readonly fileOfRule = new Map<string, string>();

  /**
   * `byRule`: versions by rule id (or name, or title), where rules were built from text that is not
   * their own file (the service's catalog: each stored rule document has its own version).
   */
  constructor(correlations: readonly CorrelationDef[] = [], private readonly byRule?: ReadonlyMap<string, string>) {
    for (const d of correlations) {
      if (d.meta.file === undefined) continue;
      for (const k of [d.meta.id, d.meta.name, d.meta.title]) if (k !== undefined) this.fileOfRule.set(k, d.meta.file);
    }
  }

  ofFile(file: string): string {
    let v = this.byFile.get(file);
    if (v === undefined) {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        // A rule built from text with no file behind it: the version of the empty content.
      }
      v = createHash('sha256').update(text).digest('hex').slice(0, 16);
      this.byFile.set(file, v);
    }
    return v;
  }

  /** The version given for this rule reference, if any (see the constructor). */
  ofRule(ruleRef: string): string | undefined {
    return this.byRule?.get(ruleRef);
  }

  fileOf(ruleRef: string): string | undefined {
    return this.fileOfRule.get(ruleRef);
  }

  /** Every file versioned so far, with its version. */
  files(): Array<[string, string]> {
    return [...this.byFile];
  }
}

export interface AlertStageOptions extends Omit<AlertEngineOptions, 'baseline'> {
  incidentWindowMs: number;
  /** How alerts link into incidents beyond the window (defaults: see groupIncidents). */
  incidentGrouping?: Omit<GroupOptions, 'windowMs'>;
  correlations?: readonly CorrelationDef[];
  /** Rule versions by rule id, name or title, ahead of the version of the rule's file (see RuleVersions). */
  ruleVersions?: ReadonlyMap<string, string>;
  /**
   * The matched events' facts, when a caller that makes a stage per batch keeps them across batches
   * (live alerting): a correlation settled in a later batch than its first events still has their
   * facts (its evidence, entities, rarity anchor). Default: a map of this stage's own.
   */
  facts?: Map<string, EventFacts>;
  /** Facts kept for matched events; beyond it the oldest are dropped (their alerts still have ids). */
  maxFacts?: number;
  /** Baseline keys held in memory; ingest drains them to the store per batch, a hunt keeps them. */
  maxBaselineKeys?: number;
}

export interface AlertRun {
  alerts: Alert[];
  incidents: Incident[];
  engine: AlertEngine;
  /** Detections handed to the engine. */
  candidates: number;
  /** What was kept of the first event of each match alert, by alert id (hunt only, for its output). */
  firstEvents: Map<string, KeptEvent>;
}

/** A run whose incident groups are not built yet (AlertStage.runAndGroup). */
export interface GroupedRun extends Omit<AlertRun, 'incidents'> {
  /** The groups to build, each in time order. */
  groups: Alert[][];
  /** The alerts grouped (this run's and the ones it was given). */
  forIncidents: Alert[];
}

/**
 * What a hunt keeps of a matched event to print it: the fields its table and csv rows show, and
 * where its JSON was spilled (jsonl). Not the event object: a hunt holds every matched event until
 * the end, and a million events' object graphs are gigabytes the garbage collector keeps walking.
 */
export interface KeptEvent {
  readonly host: string;
  readonly user: string;
  readonly file: string;
  readonly json?: SpillRef;
}

function matchGroup(f: EventFacts): Record<string, string> {
  const g: Record<string, string> = {};
  if (f.user !== undefined) g['user.name'] = f.user;
  if (f.host !== undefined) g['host.name'] = f.host;
  if (f.sourceIp !== undefined) g['source.ip'] = f.sourceIp;
  return g;
}

function correlationKind(type: string): AlertCandidate['kind'] {
  return type === 'sequence' ? 'sequence' : type === 'session' ? 'session' : 'correlation';
}

export class AlertStage {
  readonly baseline: Baseline;
  readonly versions: RuleVersions;
  private readonly facts: Map<string, EventFacts>;
  private knownTimeline: KnownTimeline | undefined;
  private readonly candidates: AlertCandidate[] = [];
  /** Correlation candidates (by index) made without the facts of some of their events. */
  private readonly incomplete: Array<{ index: number; alert: CorrelationAlert }> = [];
  /** By event id. */
  private readonly matchEvents = new Map<string, KeptEvent>();
  /** By the rule set's own rule object; weak, so rules a reload replaced are not held. */
  private readonly matchRules = new WeakMap<MatchedRule, CandidateRule>();
  private seq = 0;
  private priorBaseline = new Map<string, BaselineRecord>();
  private readonly suppressions: SuppressionSet;
  droppedFacts = 0;
  /** Match events not kept for output beyond the bound (their alerts print without `event`). */
  droppedEvents = 0;

  constructor(
    private readonly o: AlertStageOptions,
    /** Keep each matched event for printing (hunt); ingest does not need it. */
    private readonly keepEvent?: (event: WeftEvent) => KeptEvent,
  ) {
    this.baseline = new Baseline(o.maxBaselineKeys ?? 500_000);
    this.facts = o.facts ?? new Map();
    this.versions = new RuleVersions(o.correlations ?? [], o.ruleVersions);
    this.suppressions = o.suppressions ?? new SuppressionSet();
  }

  private suppressionFor(rule: CandidateRule, ts: number, fields: FieldSource): AlertCandidate['suppressedBy'] {
    return this.suppressions.size > 0 ? (this.suppressions.find(rule, ts, fields) ?? null) : null;
  }

  /** Every event: baseline observation; facts for events some rule matched. */
  observe(event: WeftEvent, matches: readonly Match<WeftEvent>[]): void {
    this.baseline.observe(event);
    if (matches.length === 0) return;
    if (this.facts.size >= (this.o.maxFacts ?? 1_000_000)) {
      const oldest = this.facts.keys().next();
      if (!oldest.done) this.facts.delete(oldest.value);
      this.droppedFacts++;
    }
    this.facts.set(event.weft.id, eventFacts(event));
  }

  /** A rule's candidate form, one per rule: a hunt's alerts of one rule all share it (nothing writes to it). */
  private candidateRule(r: MatchedRule): CandidateRule {
    let rule = this.matchRules.get(r);
    if (rule === undefined) {
      rule = {
        id: r.id, title: r.title, version: this.versions.ofRule(r.id) ?? this.versions.ofFile(r.file), tags: r.tags,
        ...(r.name !== undefined ? { name: r.name } : {}), ...(r.level !== undefined ? { level: r.level } : {}),
      };
      this.matchRules.set(r, rule);
    }
    return rule;
  }

  /** `position`: the event's event-log position, on the live path (see Alert.log_position). */
  addMatch(m: Match<WeftEvent>, position?: number): void {
    const f = this.facts.get(m.event.weft.id) ?? eventFacts(m.event);
    const rule = this.candidateRule(m.rule);
    const seq = this.seq++;
    if (this.keepEvent !== undefined && !this.matchEvents.has(m.event.weft.id)) {
      if (this.matchEvents.size < (this.o.maxFacts ?? 1_000_000)) this.matchEvents.set(m.event.weft.id, this.keepEvent(m.event));
      else this.droppedEvents++;
    }
    // Suppression is decided now, while the event is at hand: the candidate keeps only its facts.
    this.candidates.push({
      kind: 'match', rule, group: matchGroup(f), eventIds: [f.id], events: [f], ts: f.ts, timestamp: f.timestamp, firstTs: f.ts, lastTs: f.ts,
      selections: m.selections, suppressedBy: this.suppressionFor(rule, f.ts, documentFields(m.event)), seq,
      ...(position !== undefined ? { position } : {}),
    });
  }

  /** `position`: the event-log position of the event that settled it, on the live path. */
  addCorrelation(a: CorrelationAlert, position?: number): void {
    const c = this.correlationCandidate(a, this.seq++, position);
    if (c.events.length < a.events.length) this.incomplete.push({ index: this.candidates.length, alert: a });
    this.candidates.push(c);
  }

  /**
   * Events of the pending correlation alerts whose facts this stage does not have: live alerting
   * keeps facts across batches, but not across a restart or past its bound. The caller reads them
   * from the store and passes them to completeFacts.
   */
  missingFacts(): string[] {
    const out = new Set<string>();
    for (const { alert } of this.incomplete) for (const id of alert.events) if (!this.facts.has(id)) out.add(id);
    return [...out];
  }

  /** Facts of events read back from the store: the pending correlation alerts that lacked them are made again with them. */
  completeFacts(events: readonly WeftEvent[]): void {
    for (const ev of events) this.facts.set(ev.weft.id, eventFacts(ev));
    for (const { index, alert } of this.incomplete) {
      const c = this.candidates[index] as AlertCandidate;
      this.candidates[index] = this.correlationCandidate(alert, c.seq, c.position);
    }
    this.incomplete.length = 0;
  }

  private correlationCandidate(a: CorrelationAlert, seq: number, position: number | undefined): AlertCandidate {
    const ref = a.rule.id ?? a.rule.name ?? a.rule.title;
    const file = this.versions.fileOf(ref) ?? this.versions.fileOf(a.rule.title);
    const rule: CandidateRule = {
      id: ref, title: a.rule.title, version: this.versions.ofRule(ref) ?? (file !== undefined ? this.versions.ofFile(file) : 'unversioned'), tags: a.rule.tags,
      ...(a.rule.name !== undefined ? { name: a.rule.name } : {}), ...(a.rule.level !== undefined ? { level: a.rule.level } : {}),
    };
    const events = a.events.map((id) => this.facts.get(id)).filter((f): f is EventFacts => f !== undefined);
    const group = Object.fromEntries(Object.entries(a.group).map(([k, v]) => [k, k === 'host.name' ? canonicalHostName(v) : v]));
    const first = events[0];
    // Conditions read the group's values first, then the first event's facts.
    const flat: Record<string, string> = { ...group };
    if (first?.user !== undefined) flat['user.name'] ??= first.user;
    if (first?.host !== undefined) flat['host.name'] ??= first.host;
    if (first?.sourceIp !== undefined) flat['source.ip'] ??= first.sourceIp;
    if (first?.destinationIp !== undefined) flat['destination.ip'] ??= first.destinationIp;
    const fields: FieldSource = documentFields({}, flat);
    const ts = Date.parse(a['@timestamp']);
    return {
      kind: correlationKind(a.correlation.type), rule, group, eventIds: a.events, events, ts, timestamp: a['@timestamp'],
      firstTs: Date.parse(a.first_time), lastTs: Date.parse(a.last_time),
      correlation: { type: a.correlation.type, ...(a.value !== undefined ? { value: a.value } : {}) }, suppressedBy: this.suppressionFor(rule, ts, fields), seq,
      ...(position !== undefined ? { position } : {}),
    };
  }

  /** Baseline keys the candidates' anchor events need: ingest fetches them from the store. */
  neededBaselineKeys(): BaselineKey[] {
    const out = new Map<string, BaselineKey>();
    for (const c of this.candidates) {
      const f = c.events[0];
      if (f?.user === undefined) continue;
      for (const k of [['user_process', f.process], ['user_country', f.country], ['user_host', f.host]] as const) {
        if (k[1] !== undefined) out.set(`${k[0]}\u0000${f.user}\u0000${k[1]}`, { kind: k[0], entity: f.user, value: k[1] });
      }
    }
    return [...out.values()];
  }

  /**
   * Timeline entries of events in incidents stored earlier: this stage has no facts for the events
   * of alerts it is seeded with, and an incident rebuilt without them would lose their summaries.
   */
  setKnownTimeline(known: KnownTimeline): void {
    this.knownTimeline = known;
  }

  /** Baseline records from earlier runs (the store); merged with this run's observations when scoring. */
  setPriorBaseline(rows: readonly BaselineRecord[]): void {
    this.priorBaseline = new Map(rows.map((r) => [`${r.kind}\u0000${r.entity}\u0000${r.value}`, r]));
  }

  private lookup(k: BaselineKey): BaselineRecord | undefined {
    const mine = this.baseline.get(k);
    const prior = this.priorBaseline.get(`${k.kind}\u0000${k.entity}\u0000${k.value}`);
    if (mine === undefined) return prior;
    if (prior === undefined) return mine;
    return { ...mine, firstTs: Math.min(mine.firstTs, prior.firstTs), lastTs: Math.max(mine.lastTs, prior.lastTs), count: mine.count + prior.count };
  }

  get pendingCandidates(): number {
    return this.candidates.length;
  }

  /** Event time of the earliest detection held, or undefined when there is none. */
  earliestCandidateTs(): number | undefined {
    let min: number | undefined;
    for (const c of this.candidates) if (min === undefined || c.firstTs < min) min = c.firstTs;
    return min;
  }

  /** The users of the pending detections' events: the only users whose risk the run reads or changes. */
  candidateUsers(): string[] {
    const out = new Set<string>();
    for (const c of this.candidates) for (const e of c.events) if (e.user !== undefined) out.add(e.user);
    return [...out];
  }

  factsOf(id: string): EventFacts | undefined {
    return this.facts.get(id);
  }

  /** Run the engine (optionally seeded with earlier alerts) and group incidents over `incidentAlerts` (default: this run's). */
  finish(seed?: (engine: AlertEngine) => void, incidentAlerts?: (run: Alert[]) => Alert[]): AlertRun {
    return this.buildIncidents(this.runAndGroup(seed, incidentAlerts));
  }

  /**
   * finish's first half: the engine's alerts and the incident groups, not built yet, so a caller can
   * read what building needs (the stored incidents' timelines) for these groups only. Groups
   * `unchangedIncident` names (given the alerts this run created or updated) are left out: their
   * stored incident stands.
   */
  runAndGroup(
    seed?: (engine: AlertEngine) => void, incidentAlerts?: (run: Alert[]) => Alert[],
    unchangedIncident?: (members: readonly Alert[], changed: ReadonlySet<Alert>) => boolean,
  ): GroupedRun {
    const engine = new AlertEngine({ ...this.o, baseline: (k) => this.lookup(k) });
    seed?.(engine);
    const firstEvents = new Map<string, KeptEvent>();
    const candidates = this.candidates.length;
    engine.run(this.candidates);
    const alerts = engine.results();
    if (this.matchEvents.size > 0) {
      // The first event of each match alert, for its output.
      for (const a of alerts) {
        if (a.kind !== 'match') continue;
        const ev = this.matchEvents.get(a.events[0] ?? '');
        if (ev !== undefined) firstEvents.set(a.id, ev);
      }
    }
    const forIncidents = incidentAlerts ? incidentAlerts(alerts) : alerts;
    const mine = new Set(alerts);
    const grouping = { ...this.o.incidentGrouping, windowMs: this.o.incidentWindowMs };
    // Given stored incidents (unchangedIncident), only the components this run's alerts reach can
    // change: the others' stored incidents stand without being regrouped.
    const part = unchangedIncident !== undefined ? touchedComponents(forIncidents, mine, this.facts, grouping) : undefined;
    const groups = groupAlerts(
      part?.alerts ?? forIncidents, this.facts, grouping,
      unchangedIncident !== undefined ? (g) => unchangedIncident(g, mine) : undefined, part?.unlinkable,
    );
    this.candidates.length = 0;
    this.incomplete.length = 0;
    this.matchEvents.clear();
    return { alerts, engine, candidates, firstEvents, groups, forIncidents };
  }

  /** finish's second half: the groups built into incidents (with the known timeline set by then), and the alerts given theirs. */
  buildIncidents(r: GroupedRun): AlertRun {
    const { alerts, engine, candidates, firstEvents, forIncidents } = r;
    const incidents = r.groups.map((g) => buildIncident(g, this.facts, this.knownTimeline));
    const mine = new Set(alerts);
    // By id, not by scanning every alert per incident: that was incidents x alerts (quadratic in a hunt).
    const byId = new Map(forIncidents.map((a) => [a.id, a]));
    for (const inc of incidents) {
      for (const id of inc.alerts) {
        const a = byId.get(id);
        if (a !== undefined) a.incident_id = inc.id;
      }
    }
    for (const inc of incidents) {
      for (const id of inc.alerts) {
        const a = byId.get(id);
        if (a && mine.has(a)) {
          if (engine.decide('alert.grouped')) {
            engine.decisions.push({ action: 'alert.grouped', alertId: a.id, ruleId: a.rule.id, ruleVersion: a.rule.version, eventIds: a.events.slice(0, 20), details: { incident_id: inc.id } });
          }
        }
      }
    }
    return { alerts, incidents, engine, candidates, firstEvents };
  }
}

