/**
 * Live alerting in `weft serve`: every committed event, in event-log order, through the active rule
 * set, the correlation engine (windows close as event time passes them) and the alert stage, whose
 * alerts, incidents, user risk and audited decisions go to the store after each batch, continuing
 * the stored alerts of the recent past as `weft ingest` does. The checkpoint is the correlation
 * engine's state at the event-log position the tailer saves with it, so a restart resumes exactly.
 */
import { alertStageFor, configHash } from '../cli/alerting.js';
import type { WeftConfig } from '../config/schema.js';
import { CorrelationStage } from '../hunt/correlate-stage.js';
import { finishIntoStore } from '../hunt/store-alerting.js';
import type { Logger } from '../log/logger.js';
import type { LoggedEvent, Store } from '../store/types.js';
import type { EventLogConsumer } from './event-log-tailer.js';
import type { ServerMetrics } from './metrics.js';
import type { RuleCatalog } from './rule-catalog.js';
import { ruleMatches } from './shared-event-log.js';

export interface AlertingConsumerOptions {
  store: Store;
  config: WeftConfig;
  catalog: RuleCatalog;
  /** Rule files and directories: the correlation rules among them are loaded once, at start. */
  rulePaths: string[];
  logger: Logger;
  metrics?: ServerMetrics;
}

export class AlertingConsumer implements EventLogConsumer {
  readonly name = 'alerting';
  private correlate: CorrelationStage | undefined;
  private readonly hash: string;
  private evictionsSeen = 0;
  alertsWritten = 0;

  constructor(private readonly o: AlertingConsumerOptions) {
    this.hash = configHash(o.config);
  }

  restore(state: Uint8Array | undefined): void {
    const built = this.o.catalog.active;
    if (built === undefined) return;
    const c = CorrelationStage.build(this.o.rulePaths, built, {
      allowedLatenessMs: this.o.config.correlation.allowed_lateness,
      maxStateEntries: this.o.config.correlation.max_state_entries,
    });
    for (const r of c.rejections) this.o.logger.warn({ file: r.file, line: r.line, reason: r.reason }, 'correlation rule rejected');
    this.correlate = c.stage;
    if (state === undefined || state.byteLength === 0 || this.correlate === undefined) return;
    try {
      this.correlate.engine.restore(state);
    } catch (err) {
      // A checkpoint of other correlation rules (they changed since) cannot be resumed: start clean,
      // and say so, rather than refuse to alert at all.
      this.o.logger.warn({ err }, 'correlation checkpoint does not fit the current rules; correlation state starts empty');
    }
  }

  async handle(batch: LoggedEvent[]): Promise<void> {
    const built = this.o.catalog.active;
    if (built === undefined) return;
    const { store, config } = this.o;
    const stage = alertStageFor({
      config, correlations: this.correlate?.definitions ?? [], assets: await store.listAssets(), attack: await store.listAttackObjects(),
    });
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
      if (s.evictions > this.evictionsSeen) this.o.metrics?.correlationEvictions.inc(s.evictions - this.evictionsSeen);
      this.evictionsSeen = s.evictions;
    }
    const { summary } = await finishIntoStore(stage, store, {
      suppressionWindowMs: config.alert.suppression_window, incidentWindowMs: config.alert.incident_window, configHash: this.hash,
    });
    this.alertsWritten += summary.alertsWritten;
  }

  snapshot(): Uint8Array {
    return this.correlate?.engine.snapshot() ?? new Uint8Array();
  }
}
