/**
 * Live detection on committed events: the active rule set (RuleCatalog) evaluated on every event,
 * rule hits counted for the rules API. Matches go to `onMatches`, where alerting plugs in.
 * Its checkpoint holds the hit counts, so they are exact across restarts.
 */
import type { Match } from '../rules/engine/index.js';
import type { LoggedEvent } from '../store/types.js';
import type { WeftEvent } from '../event/model.js';
import type { EventLogConsumer } from './event-log-tailer.js';
import type { ServerMetrics } from './metrics.js';
import { ruleMatches } from './shared-event-log.js';
import type { RuleCatalog } from './rule-catalog.js';

export class DetectConsumer implements EventLogConsumer {
  readonly name = 'detect';

  constructor(
    private readonly catalog: RuleCatalog,
    private readonly metrics?: ServerMetrics,
    private readonly onMatches?: (matches: Array<{ seq: number; match: Match<WeftEvent> }>) => void | Promise<void>,
  ) {}

  restore(state: Uint8Array | undefined): void {
    if (state === undefined || state.byteLength === 0) return;
    const saved = JSON.parse(Buffer.from(state).toString('utf8')) as { hits?: Record<string, number> };
    this.catalog.hits.load(saved.hits ?? {});
  }

  async handle(batch: LoggedEvent[]): Promise<void> {
    const rules = this.catalog.active?.ruleSet;
    if (!rules) return;
    const started = performance.now();
    const found: Array<{ seq: number; match: Match<WeftEvent> }> = [];
    for (const logged of batch) {
      for (const m of ruleMatches(rules, logged)) {
        this.catalog.hits.add(m.rule.id);
        found.push({ seq: logged.seq, match: m });
      }
    }
    this.metrics?.ruleEvalSeconds.observe((performance.now() - started) / 1000);
    if (found.length > 0) await this.onMatches?.(found);
  }

  snapshot(): Uint8Array {
    return Buffer.from(JSON.stringify({ hits: this.catalog.hits.toJSON() }));
  }
}
