/**
 * Entity baselines for rarity scoring: for (user, process), (user, country) and (user, host), the
 * earliest and latest event time seen. Observing keeps the minimum, so the answer to "was this seen
 * before time t?" does not depend on the order files are read in.
 */
import type { WeftEvent } from '../event/model.js';
import type { BaselineKey, BaselineRecord } from '../store/types.js';
import { baselineKeys, baselineDimensions } from './facts.js';

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
    for (const k of baselineKeys(baselineDimensions(ev))) this.add({ ...k, firstTs: ts, lastTs: ts, count: 1 });
  }

  add(r: BaselineRecord): void {
    const key = keyOf(r);
    const cur = this.seen.get(key);
    if (cur) {
      if (r.firstTs < cur.firstTs) cur.firstTs = r.firstTs;
      if (r.lastTs > cur.lastTs) cur.lastTs = r.lastTs;
      cur.count += r.count;
      return;
    }
    if (this.seen.size >= this.maxKeys) {
      this.overflow++;
      return;
    }
    this.seen.set(key, { ...r });
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
