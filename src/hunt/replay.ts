/**
 * Replay: re-run detection, correlation and alerting over stored events with the stored rule
 * versions, and compare the alerts with what was recorded. The engine is a deterministic function of
 * (events, rules, config), so a difference means the record, the rules or the config changed.
 *
 * Rules: for every rule with a recorded alert in the range, the version that alert names; every
 * other rule at its latest stored version. The engine runs over every stored event, so the alerts that
 * start in [from, to), the only ones compared, are re-derived with the history they had. They are written to a private temporary folder and loaded
 * from there exactly as files are.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Alert } from '../alert/types.js';
import { recordToAlert } from '../alert/persist.js';
import { buildRuleSetFromLoaded } from '../rules/engine/index.js';
import { loadRules } from '../rules/sigma/index.js';
import { EVENT_LOG_PAGE, type AlertRecord, type RuleRecord, type Store } from '../store/types.js';
import type { AlertStage } from './alert-stage.js';
import { CorrelationStage, type CorrelationStageOptions } from './correlate-stage.js';
import { Detector } from './store-alerting.js';

export interface ReplayDifference {
  alertId: string;
  ruleId: string;
  /** recorded only, replayed only, or both with different fields. */
  kind: 'missing_in_replay' | 'new_in_replay' | 'changed';
  fields: Array<{ field: string; recorded: unknown; replayed: unknown }>;
}

export interface ReplayReport {
  events: number;
  recorded: number;
  replayed: number;
  rules: number;
  ruleVersionsFromAlerts: number;
  differences: ReplayDifference[];
}

export interface ReplayOptions {
  from: number;
  to: number;
  pipelinePaths: string[];
  placeholders?: Record<string, string[]>;
  /** Correlation settings, as the service ran with them (correlationOptions of its config). */
  correlation: CorrelationStageOptions;
  /** Keep the parses of the stored rule versions here between replays (rules/sigma/parse-cache.ts). */
  cacheDir?: string;
  /** Makes the alert stage (config, assets, suppressions) for the rebuilt correlations. */
  stageFor: (correlations: CorrelationStage | undefined) => AlertStage;
}

async function recordedAlerts(store: Store, from: number, to: number): Promise<AlertRecord[]> {
  const out: AlertRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listAlerts({ from, to, limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
    out.push(...page.items.filter((a) => a.firstTs >= from && a.firstTs < to));
    cursor = page.next;
  } while (cursor !== undefined);
  return out;
}

/**
 * The compared view of an alert: what the engine decides, not what analysts changed later. Its events
 * as a set: a detection that reached the log late but falls inside the alert's span was added at the
 * end. Past MAX_ALERT_EVENTS, which ones were kept depends on the order they arrived in; `count` still
 * covers them all.
 */
function view(a: { ruleVersion?: string; kind: string; dedupKey: string; firstTs: number; lastTs: number; score: number; severity: string; count: number; suppressed: boolean }, doc: Alert | undefined): Record<string, unknown> {
  const events = doc === undefined || (doc.omitted_events ?? 0) > 0 ? undefined : [...doc.events].sort();
  return {
    'rule.version': a.ruleVersion, kind: a.kind, dedup_key: a.dedupKey, first_time: a.firstTs, last_time: a.lastTs, score: a.score, severity: a.severity,
    count: a.count, suppressed: a.suppressed, events, contributions: doc?.explanation.contributions,
  };
}

/** Deduplication key and first detection: one alert of the key starts there, whichever id it got. */
const windowOf = (dedupKey: string, firstTs: number): string => `${dedupKey}\u0000${firstTs}`;

const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);

/** The parse cache's name for the stored rule versions (see loadRules' cacheAs). */
const VERSIONS_CACHE_ROOT = '\u0000replayed rule versions';

export async function replayStore(store: Store, o: ReplayOptions): Promise<ReplayReport> {
  const recorded = await recordedAlerts(store, o.from, o.to);
  const pinned = new Map<string, string>();
  for (const a of recorded) if (a.ruleVersion !== undefined) pinned.set(a.ruleId, a.ruleVersion);
  const rules: RuleRecord[] = [];
  for (const latest of await store.listRules()) {
    const v = pinned.get(latest.id);
    const r = v !== undefined && v !== latest.version ? await store.getRule(latest.id, v) : latest;
    if (r !== undefined && r.enabled) rules.push(r);
  }
  const dir = mkdtempSync(join(tmpdir(), 'weft-replay-'));
  try {
    // One file per distinct content: a file's rules share its version, as when it was recorded.
    const written = new Set<string>();
    for (const r of rules) {
      const h = createHash('sha256').update(r.content).digest('hex').slice(0, 16);
      if (written.has(h)) continue;
      written.add(h);
      writeFileSync(join(dir, `${h}.yml`), r.content);
    }
    // The folder is new each time: the parses are cached under each version file's own name (its content hash).
    const loaded = loadRules([dir], o.cacheDir !== undefined ? { cacheDir: o.cacheDir, cacheAs: { root: VERSIONS_CACHE_ROOT, name: (f) => basename(f) } } : {});
    const built = buildRuleSetFromLoaded(loaded, { pipelinePaths: o.pipelinePaths, placeholders: o.placeholders ?? {} });
    const corr = CorrelationStage.build([dir], built, o.correlation);
    const stage = o.stageFor(corr.stage);
    // Versions are content hashes: the files here carry the stored contents, so they hash the same.
    const detector = new Detector(built.ruleSet, stage, corr.stage);
    let events = 0;
    let after = 0;
    for (;;) {
      const page = await store.readEventLog(after, EVENT_LOG_PAGE);
      if (page.length === 0) break;
      for (const { seq, event } of page) {
        after = seq;
        // Every stored event: those before the range rebuild the state (windows, user risk, confirmation)
        // its alerts saw, those after it the deduplicated detections its alerts absorbed.
        events++;
        detector.process(event);
      }
    }
    detector.settle();
    const keys = stage.neededBaselineKeys();
    const prior = [];
    for (let i = 0; i < keys.length; i += 1000) prior.push(...(await store.getBaselines(keys.slice(i, i + 1000))));
    stage.setPriorBaseline(prior);
    const run = stage.finish();
    const replayed = new Map(run.alerts.filter((a) => Date.parse(a.first_time) >= o.from && Date.parse(a.first_time) < o.to).map((a) => [a.id, a]));
    // An alert's id comes from the detection that opened it. When an older one of its detections
    // reached the log later (a file ingested after a newer one, a retried batch), the recorded alert
    // has the id of the detection that came first and the replay, in event time, another: the pair is
    // then found by its window, and compared like any other.
    const unpaired = new Map<string, Alert>();
    const recordedIds = new Set(recorded.map((r) => r.id));
    for (const a of replayed.values()) if (!recordedIds.has(a.id)) unpaired.set(windowOf(a.dedup_key, Date.parse(a.first_time)), a);
    const differences: ReplayDifference[] = [];
    for (const rec of recorded) {
      const doc = recordToAlert(rec);
      let mine = replayed.get(rec.id);
      if (mine === undefined) {
        const w = windowOf(rec.dedupKey, rec.firstTs);
        mine = unpaired.get(w);
        unpaired.delete(w);
      }
      if (mine === undefined) {
        differences.push({ alertId: rec.id, ruleId: rec.ruleId, kind: 'missing_in_replay', fields: [] });
        continue;
      }
      replayed.delete(mine.id);
      const was = view({ ...rec, suppressed: rec.status === 'suppressed' }, doc);
      const now = view({
        ruleVersion: mine.rule.version, kind: mine.kind, dedupKey: mine.dedup_key, firstTs: Date.parse(mine.first_time), lastTs: Date.parse(mine.last_time),
        score: mine.score, severity: mine.severity, count: mine.count, suppressed: mine.status === 'suppressed',
      }, mine);
      const fields = Object.keys(was).filter((k) => !same(was[k], now[k])).map((k) => ({ field: k, recorded: was[k], replayed: now[k] }));
      if (fields.length > 0) differences.push({ alertId: rec.id, ruleId: rec.ruleId, kind: 'changed', fields });
    }
    for (const a of replayed.values()) differences.push({ alertId: a.id, ruleId: a.rule.id, kind: 'new_in_replay', fields: [] });
    return { events, recorded: recorded.length, replayed: run.alerts.length, rules: rules.length, ruleVersionsFromAlerts: pinned.size, differences };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
