/**
 * The path from detection to the store, shared by `weft ingest` (and `weft serve` later): rule
 * matches and correlations into the alert stage per event, then at the end alerts, incidents, user
 * risk and every decision (audited) into the store. Earlier alerts continue: deduplication and
 * incident grouping see the stored alerts of the recent past.
 */
import { readFileSync } from 'node:fs';
import { decisionAudit, alertToRecord, incidentToRecord, recordToAlert } from '../alert/persist.js';
import type { Alert } from '../alert/types.js';
import type { WeftEvent } from '../event/model.js';
import { incidentId } from '../incident/group.js';
import type { TimelineEntry } from '../incident/types.js';
import type { RuleSet } from '../rules/engine/index.js';
import { mayHoldCorrelation, parseCorrelationText } from '../correlate/index.js';
import { loadRules, ruleFiles } from '../rules/sigma/index.js';
import type { LoadResult } from '../rules/sigma/types.js';
import type { AlertRecord, IncidentRecord, RuleRecord, Store, UserRiskRecord } from '../store/types.js';
import type { AlertRun, AlertStage } from './alert-stage.js';
import type { CarryOutcome, CorrelationStage } from './correlate-stage.js';

/** Evaluate one event at a time: rules, correlation input, alert stage. */
export class Detector {
  matches = 0;
  constructor(
    readonly ruleSet: RuleSet,
    readonly stage: AlertStage,
    readonly correlate?: CorrelationStage,
  ) {}

  process(ev: WeftEvent): void {
    const ms = this.ruleSet.evaluate(ev);
    this.correlate?.collect(ev, ms);
    this.stage.observe(ev, ms);
    for (const m of ms) {
      if (this.correlate?.isHidden(m)) continue;
      this.matches++;
      this.stage.addMatch(m);
    }
  }

  /** Settle the correlation windows: their alerts join the stage. Returns how many. */
  settle(): number {
    const alerts = this.correlate?.finish() ?? [];
    for (const a of alerts) this.stage.addCorrelation(a);
    return alerts.length;
  }

  /**
   * settle() for a run that continues the one before it (`previous`: that run's carry): see
   * CorrelationStage.finishContinuing. `carry` is this run's, for the next; none without correlations.
   */
  settleContinuing(previous: Uint8Array | undefined): { count: number; carry?: Uint8Array; outcome?: CarryOutcome } {
    if (this.correlate === undefined) return { count: 0 };
    const r = this.correlate.finishContinuing(previous);
    for (const a of r.alerts) this.stage.addCorrelation(a);
    return { count: r.alerts.length, carry: r.carry, outcome: r.outcome };
  }
}

/** Store every rule document of these paths under its file's content version (for replay); `loaded`: the paths' rules, if already read. */
export async function storeRuleVersions(store: Store, rulePaths: string[], versionOf: (file: string) => string, now: string, loaded: LoadResult = loadRules(rulePaths)): Promise<number> {
  const text = new Map<string, string>();
  const records: RuleRecord[] = [];
  const docs = [
    ...loaded.rules.map((r) => ({ d: r, kind: 'sigma' as const })),
    ...loaded.correlations.map((r) => ({ d: r, kind: 'correlation' as const })),
    ...loaded.filters.map((r) => ({ d: r, kind: 'filter' as const })),
  ];
  const contentOf = (file: string): string => {
    let content = text.get(file);
    if (content === undefined) text.set(file, (content = readFileSync(file, 'utf8')));
    return content;
  };
  for (const { d, kind } of docs) {
    records.push({
      id: d.id ?? d.name ?? d.title, version: versionOf(d.file), kind, title: d.title, enabled: true, content: contentOf(d.file), sourceFile: d.file, loadedAt: now,
      ...(d.level !== undefined ? { level: d.level } : {}), ...(d.status !== undefined ? { status: d.status } : {}),
    });
  }
  // Weft's own correlation types, which the Sigma loader leaves out: stored too, so replay has their files.
  const sigmaAt = new Set(loaded.correlations.map((c) => `${c.file}:${c.line}`));
  for (const file of ruleFiles(rulePaths).files) {
    const content = contentOf(file);
    if (!mayHoldCorrelation(content)) continue;
    for (const { meta: m } of parseCorrelationText(content, file).correlations) {
      if (sigmaAt.has(`${file}:${m.line ?? 0}`)) continue;
      records.push({
        id: m.id ?? m.name ?? m.title, version: versionOf(file), kind: 'link', title: m.title, enabled: true, content, sourceFile: file, loadedAt: now,
        ...(m.level !== undefined ? { level: m.level } : {}),
      });
    }
  }
  await store.putRules(records);
  return records.length;
}

export interface StoredRunSummary {
  alertsWritten: number;
  created: number;
  deduplicated: number;
  suppressed: number;
  incidents: number;
  auditEntries: number;
}

async function storedAlertsSince(store: Store, from: number): Promise<AlertRecord[]> {
  const out: AlertRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listAlerts({ from, limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  return out;
}

/**
 * The stored alerts of the recent past, kept between runs by a reader that finishes run after run
 * against the same store (live alerting): each run reads every alert's stamp and fetches only the
 * alerts whose stamp moved (this reader's own writes, an analyst's change, another process), so
 * the documents of a day's alerts are not read and parsed again for every batch of events. What it
 * returns is what reading them all would return, in the same order.
 */
export class RecentAlerts {
  private kept = new Map<string, { stamp: string; record: AlertRecord }>();
  /** Alerts fetched in full so far (for tests). */
  fetched = 0;

  async since(store: Store, from: number): Promise<AlertRecord[]> {
    const stamps = await store.alertStamps(from);
    const stale = stamps.filter((s) => this.kept.get(s.id)?.stamp !== s.stamp).map((s) => s.id);
    const fresh = new Map((await store.getAlerts(stale)).map((r) => [r.id, r]));
    this.fetched += fresh.size;
    const out: AlertRecord[] = [];
    const next = new Map<string, { stamp: string; record: AlertRecord }>();
    for (const s of stamps) {
      // An alert rewritten between the two reads is taken as fetched; its stamp is stale, so the
      // next run fetches it again.
      const record = fresh.get(s.id) ?? this.kept.get(s.id)?.record;
      if (record === undefined) continue; // deleted between the two reads
      next.set(s.id, { stamp: s.stamp, record });
      out.push(record);
    }
    // Alerts that left the window (or the store) are dropped: the copy never outgrows the window.
    this.kept = next;
    return out;
  }
}

/** The event entries of stored incidents' timelines, by event id. */
function knownTimeline(incidents: Iterable<IncidentRecord>): Map<string, TimelineEntry> {
  const out = new Map<string, TimelineEntry>();
  for (const inc of incidents) {
    const timeline = (inc.doc as { timeline?: unknown }).timeline;
    if (!Array.isArray(timeline)) continue;
    for (const e of timeline as TimelineEntry[]) {
      if (e !== null && typeof e === 'object' && e.type === 'event' && typeof e.event_id === 'string' && typeof e['@timestamp'] === 'string' && typeof e.title === 'string') out.set(e.event_id, e);
    }
  }
  return out;
}

/** Events read back per batch for correlation alerts that lack their facts: beyond it they count what is known. */
const MAX_FACTS_READ = 5000;

const chunks = <T>(xs: readonly T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/**
 * Finish the stage against the store: seed it with recent stored alerts and user risk, look up the
 * baselines its detections need, run it, and write alerts, incidents, user risk and the audit trail.
 */
export async function finishIntoStore(stage: AlertStage, store: Store, o: {
  suppressionWindowMs: number; incidentWindowMs: number; configHash: string; now?: string;
  /** The stored alerts kept from this reader's previous run, when it finishes run after run. */
  recent?: RecentAlerts;
  /** Events read back from the store as detection saw them (sensitive fields decrypted). */
  view?: (e: WeftEvent) => WeftEvent;
}): Promise<{ run: AlertRun; summary: StoredRunSummary }> {
  const now = o.now ?? new Date().toISOString();
  // Correlation alerts whose earlier events this process has no facts for (a restart, or evicted
  // from the facts kept between batches): their events are read back, so the alert counts them all.
  const missing = stage.missingFacts().slice(0, MAX_FACTS_READ);
  if (missing.length > 0) {
    const events = await store.getEvents(missing);
    stage.completeFacts(o.view !== undefined ? events.map(o.view) : events);
  }
  const keys = stage.neededBaselineKeys();
  const prior = [];
  for (const c of chunks(keys, 1000)) prior.push(...(await store.getBaselines(c)));
  stage.setPriorBaseline(prior);
  const earliest = stage.earliestCandidateTs();
  const from = earliest === undefined ? undefined : earliest - Math.max(o.suppressionWindowMs, o.incidentWindowMs);
  const recent = from === undefined ? [] : o.recent !== undefined ? await o.recent.since(store, from) : await storedAlertsSince(store, from);
  const recentById = new Map(recent.map((r) => [r.id, r]));
  const seeded = recent.map(recordToAlert).filter((a): a is Alert => a !== undefined);
  // Only the risk of the users this run can score: every user ever scored is a day's worth of rows.
  const risk: UserRiskRecord[] = [];
  for (const c of chunks(stage.candidateUsers(), 1000)) risk.push(...(await store.getUserRisk(c)));
  // A stored incident whose alerts are all seeded, none of them changed by this run, and all of the
  // window's alerts it holds: rebuilding it would give it again, so it is neither built nor written.
  // (Grouping is a function of the alerts, and its id of the first one.)
  const seededSet = new Set(seeded);
  const inWindow = new Map<string, number>();
  for (const a of seeded) if (a.incident_id !== undefined) inWindow.set(a.incident_id, (inWindow.get(a.incident_id) ?? 0) + 1);
  const unchanged = (members: readonly Alert[], changed: ReadonlySet<Alert>): boolean => {
    const id = members[0]?.incident_id;
    if (id === undefined || inWindow.get(id) !== members.length || incidentId((members[0] as Alert).id) !== id) return false;
    for (const a of members) if (a.incident_id !== id || changed.has(a) || !seededSet.has(a)) return false;
    return true;
  };
  const grouped = stage.runAndGroup(
    (engine) => {
      engine.seed(seeded);
      engine.seedUserRisk(risk);
    },
    (mine) => {
      const ids = new Set(mine.map((a) => a.id));
      return [...seeded.filter((a) => !ids.has(a.id)), ...mine];
    },
    unchanged,
  );
  // The stored incidents of the alerts in the groups to build (their incident as stored, before the
  // build gives them this run's): their timelines describe events this run has no facts for, and
  // their status and assignee outlive the regrouping.
  const storedIncidents = new Map<string, IncidentRecord>();
  for (const g of grouped.groups) {
    for (const a of g) {
      if (a.incident_id === undefined || storedIncidents.has(a.incident_id)) continue;
      const inc = await store.getIncident(a.incident_id);
      if (inc !== undefined) storedIncidents.set(inc.id, inc);
    }
  }
  stage.setKnownTimeline(knownTimeline(storedIncidents.values()));
  const run = stage.buildIncidents(grouped);
  // Incidents: keep an analyst's status and assignee on an incident that exists already.
  const incidentRecords: IncidentRecord[] = [];
  for (const inc of run.incidents) incidentRecords.push(incidentToRecord(inc, now, storedIncidents.get(inc.id) ?? await store.getIncident(inc.id)));
  await store.upsertIncidents(incidentRecords);
  // Seeded alerts whose incident changed are written again, with this run's.
  const changed = new Map<string, Alert>();
  for (const a of run.alerts) changed.set(a.id, a);
  for (const a of seeded) if (a.incident_id !== (recentById.get(a.id)?.incidentId)) changed.set(a.id, a);
  const records = [...changed.values()].map((a) => alertToRecord(a, now, recentById.get(a.id)));
  for (const c of chunks(records, 1000)) await store.upsertAlerts(c);
  // A stored incident whose alerts all went to another one (a regrouping whose first alert is now an
  // earlier one) would stay in the queue empty: dropped, unless someone has worked on it.
  const left = new Set<string>();
  for (const a of seeded) {
    const was = recentById.get(a.id)?.incidentId;
    if (was !== undefined && was !== a.incident_id) left.add(was);
  }
  for (const inc of run.incidents) left.delete(inc.id);
  if (left.size > 0) await store.dropOrphanIncidents([...left]);
  // Only the users whose risk this run moved: the engine holds every seeded user, and rewriting them
  // all on every consumer batch made each batch's cost grow with the number of users ever scored.
  const before = new Map(risk.map((r) => [r.user, r]));
  await store.putUserRisk(run.engine.userRiskRecords().filter((r) => {
    const was = before.get(r.user);
    return was === undefined || was.risk !== r.risk || was.asOfTs !== r.asOfTs;
  }));
  const audit = run.engine.decisions.map((d) => decisionAudit(d, o.configHash));
  for (const c of chunks(audit, 1000)) await store.appendAudit(c);
  const count = (action: string): number => run.engine.decisions.filter((d) => d.action === action).length;
  return {
    run,
    summary: {
      alertsWritten: records.length, created: count('alert.created'), deduplicated: count('alert.deduplicated'), suppressed: count('alert.suppressed'),
      incidents: run.incidents.length, auditEntries: audit.length,
    },
  };
}
