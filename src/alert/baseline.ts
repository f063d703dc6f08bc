/**
 * Entity baselines for rarity scoring: for (user, process), (user, country) and (user, host), the
 * earliest and latest event time seen. Observing keeps the minimum, so the answer to "was this seen
 * before time t?" does not depend on the order files are read in.
 */
import type { WeftEvent } from '../event/model.js';
import type { BaselineKey, BaselineRecord } from '../store/types.js';
import { baselineDimensions } from './facts.js';

const keyOf = (k: BaselineKey): string => `${k.kind}\u0000${k.entity}\u0000${k.value}`;

export class Baseline {
  private readonly seen = new Map<string, BaselineRecord>();
  /** Observations not kept because the map was full. */
  overflow = 0;

  constructor(private readonly maxKeys = 500_000) {}

  get size(): number {
    return this.seen.size;
  }

  observe(ev: WeftEvent): void {
    const ts = Date.parse(ev['@timestamp']);
    if (!Number.isFinite(ts)) return;
    const d = baselineDimensions(ev);
    if (d.user === undefined) return;
    // baselineKeys' order, without a key object and a record per observation (every event of a hunt).
    if (d.process !== undefined) this.note('user_process', d.user, d.process, ts, ts, 1);
    if (d.country !== undefined) this.note('user_country', d.user, d.country, ts, ts, 1);
    if (d.host !== undefined) this.note('user_host', d.user, d.host, ts, ts, 1);
  }

  add(r: BaselineRecord): void {
    this.note(r.kind, r.entity, r.value, r.firstTs, r.lastTs, r.count);
  }

  private note(kind: string, entity: string, value: string, firstTs: number, lastTs: number, count: number): void {
    const key = `${kind}\u0000${entity}\u0000${value}`;
    const cur = this.seen.get(key);
    if (cur) {
      if (firstTs < cur.firstTs) cur.firstTs = firstTs;
      if (lastTs > cur.lastTs) cur.lastTs = lastTs;
      cur.count += count;
      return;
    }
    if (this.seen.size >= this.maxKeys) {
      this.overflow++;
      return;
    }
    this.seen.set(key, { kind, entity, value, firstTs, lastTs, count });
  }

  get(k: BaselineKey): BaselineRecord | undefined {
    return this.seen.get(keyOf(k));
  }

  /** Everything observed, and forget it (the caller has persisted it). */
  drain(): BaselineRecord[] {
    const out = [...this.seen.values()];
    this.seen.clear();
    return out;
  }
}
