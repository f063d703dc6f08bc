/**
 * Live alerting in `weft serve`: every committed event, in event-log order, through the active rule
 * set, the correlation engine (windows close as event time passes them) and the alert stage, whose
 * alerts, incidents, user risk and audited decisions go to the store after each batch, continuing
 * the stored alerts of the recent past as `weft ingest` does. The checkpoint is the correlation
 * engine's state at the event-log position the tailer saves with it, so a restart resumes exactly.
 */
import type { EventFacts } from '../alert/facts.js';
import type { WeftEvent } from '../event/model.js';
import { alertStageFor, configHash } from '../cli/alerting.js';
import type { WeftConfig } from '../config/schema.js';
import { CorrelationStage, correlationOptions } from '../hunt/correlate-stage.js';
import { finishIntoStore, RecentAlerts } from '../hunt/store-alerting.js';
import type { Logger } from '../log/logger.js';
import type { LoggedEvent, Store } from '../store/types.js';
import type { EventLogConsumer } from './event-log-tailer.js';
import type { ServerMetrics } from './metrics.js';
import { ReferenceData } from './reference-data.js';
import type { RuleCatalog } from './rule-catalog.js';
import { ruleMatches } from './shared-event-log.js';

/**
 * Facts of matched events kept across batches, so a correlation settled in a later batch than its
 * first events still counts them (evidence, entities, rarity). About 300 bytes each. A correlation
 * whose events are older than the last this many matched events, or that spans a restart, has facts
 * of the ones still kept.
 */
const LIVE_FACTS = 100_000;

export interface AlertingConsumerOptions {
  store: Store;
  config: WeftConfig;
  /** The active rules: detection rules and the enabled correlation documents, rebuilt after every rule change. */
  catalog: RuleCatalog;
  logger: Logger;
  metrics?: ServerMetrics;
  /** Events as the consumer reads them from the log (sensitive fields decrypted): for events it reads back by id. */
  view?: (e: WeftEvent) => WeftEvent;
}

export class AlertingConsumer implements EventLogConsumer {
  readonly name = 'alerting';
  private correlate: CorrelationStage | undefined;
  /** The catalog version the correlation stage was built for. */
  private stageVersion = -1;
  private readonly hash: string;
  /** The engine's counts of evicted, late and refused events, reported as they grow. */
  private readonly evictions: ReportedCount;
  private readonly late: ReportedCount;
  private readonly invalid: ReportedCount;
  /** Assets and ATT&CK objects, kept between batches while the store says they have not changed. */
  readonly reference: ReferenceData;
  /** The stored alerts of the recent past, kept between batches; only the changed ones are read again. */
  readonly recent = new RecentAlerts();
  alertsWritten = 0;
  /** Matched events' facts, by event id, kept between batches (LIVE_FACTS). */
  private readonly facts = new Map<string, EventFacts>();

  constructor(private readonly o: AlertingConsumerOptions) {
    this.hash = configHash(o.config);
    this.evictions = new ReportedCount((n) => o.metrics?.correlationEvictions.inc(n));
    // Events too late for correlation are dropped from it by design (windows already closed), but
    // never silently.
    this.late = new ReportedCount((n) => o.metrics?.correlationLateEvents.inc(n), (n) => {
      const engine = this.correlate?.engine;
      const watermark = engine?.watermark ?? Number.NaN;
      o.logger.warn({
        late_events: n, watermark: Number.isFinite(watermark) ? new Date(watermark).toISOString() : undefined,
        allowed_lateness_ms: o.config.correlation.allowed_lateness, watermark_held_by: engine?.stats().watermarkHeldBy,
      }, 'events reached correlation after its watermark (the slowest source\'s event time minus correlation.allowed_lateness) had passed them; no correlation counted them');
    });
    // Events refused for a time far after their receipt: with the last reason.
    this.invalid = new ReportedCount((n) => o.metrics?.correlationInvalidEvents.inc(n), (n) => {
      o.logger.warn({ invalid_events: n, last_reason: this.correlate?.lastInvalid }, 'events matched a correlation rule but correlation could not take them; they are stored and detected, not correlated');
    });
    this.reference = new ReferenceData(o.store);
  }

  restore(state: Uint8Array | undefined): void {
    this.buildStage(state);
  }

  /**
   * Build the correlation stage from the catalog's enabled correlation documents and resume `state`.
   * The open windows of every correlation that is still defined the same way carry over (a rule
   * upload, disable or edit elsewhere loses nothing); those of a changed or removed correlation are
   * dropped, and a new one starts empty. A state that cannot be read at all is dropped with a warning
   * rather than stop alerting.
   */
  private buildStage(state: Uint8Array | undefined): void {
    const { catalog, config, logger } = this.o;
    const built = catalog.active;
    if (built === undefined) return;
    this.stageVersion = catalog.version;
    const c = CorrelationStage.fromTexts(catalog.correlationTexts, built, correlationOptions(config, { live: true }));
    for (const r of c.rejections) logger.warn({ file: r.file, line: r.line, reason: r.reason }, 'correlation rule rejected');
    this.correlate = c.stage;
    for (const c of [this.evictions, this.late, this.invalid]) c.reset(0);
    if (state === undefined || state.byteLength === 0 || this.correlate === undefined) return;
    try {
      const report = this.correlate.engine.restore(state, { carryOver: true });
      if (!report.exact) {
        logger.info({ carried: report.carried, started: report.started, dropped: report.dropped }, 'correlation rules changed: open windows of unchanged correlations carried over');
      }
      const restored = this.correlate.engine.stats();
      this.evictions.reset(restored.evictions);
      this.late.reset(restored.late);
      this.invalid.reset(restored.invalid);
    } catch (err) {
      logger.warn({ err }, 'correlation state could not be resumed; it starts empty');
    }
  }

  async handle(batch: LoggedEvent[]): Promise<void> {
    const built = this.o.catalog.active;
    if (built === undefined) return;
    // A rule was uploaded, enabled or disabled since the stage was built.
    if (this.o.catalog.version !== this.stageVersion) this.buildStage(this.correlate?.engine.snapshot());
    const { store, config } = this.o;
    const { assets, attack } = await this.reference.current();
    const stage = alertStageFor({ config, correlations: this.correlate?.definitions ?? [], assets, attack, ruleVersions: this.o.catalog.ruleVersions, facts: this.facts });
    const corr = this.correlate;
    for (const logged of batch) {
      const { seq, event } = logged;
      const ms = ruleMatches(built.ruleSet, logged);
      stage.observe(event, ms);
      if (corr !== undefined) for (const a of corr.pushLive(event, ms, seq)) stage.addCorrelation(a, seq);
      for (const m of ms) if (corr === undefined || !corr.isHidden(m)) stage.addMatch(m, seq);
    }
    if (corr !== undefined) {
      const s = corr.engine.stats();
      this.o.metrics?.correlationStateEntries.set(s.stateEntries);
      this.o.metrics?.correlationHeldBack.set(s.heldBackMs / 1000);
      this.evictions.update(s.evictions);
      this.late.update(s.late);
      this.invalid.update(s.invalid);
    }
    const { summary } = await finishIntoStore(stage, store, {
      suppressionWindowMs: config.alert.suppression_window, incidentWindowMs: config.alert.incident_window, configHash: this.hash, recent: this.recent,
      ...(this.o.view !== undefined ? { view: this.o.view } : {}),
    });
    this.alertsWritten += summary.alertsWritten;
    // What the batch's users did (process, country, host), for the rarity of later batches' alerts.
    await store.mergeBaselines(stage.baseline.drain());
    // Bounded, oldest first (the map keeps insertion order).
    for (const id of this.facts.keys()) {
      if (this.facts.size <= LIVE_FACTS) break;
      this.facts.delete(id);
    }
  }

  /** Per source, how far correlation sees it behind the newest event time, ms (for `GET /api/v1/sources`). */
  sourceLags(): ReadonlyMap<string, number> {
    return this.correlate?.engine.sourceLags() ?? new Map();
  }

  snapshot(): Uint8Array {
    return this.correlate?.engine.snapshot() ?? new Uint8Array();
  }
}

/**
 * A running count of the engine's (evictions, late or refused events), reported as it grows: each
 * increase goes to a metric, and a log line at most once a minute sums what came since the last one.
 */
class ReportedCount {
  private seen = 0;
  private unlogged = 0;
  private loggedAt = -Infinity;

  constructor(private readonly count: (n: number) => void, private readonly log?: (n: number) => void) {}

  /** Start from this total: a new or resumed engine's. */
  reset(total: number): void {
    this.seen = total;
  }

  update(total: number): void {
    const n = total - this.seen;
    this.seen = total;
    if (n <= 0) return;
    this.count(n);
    if (this.log === undefined) return;
    this.unlogged += n;
    const now = Date.now();
    if (now - this.loggedAt < 60_000) return;
    this.log(this.unlogged);
    this.unlogged = 0;
    this.loggedAt = now;
  }
}
