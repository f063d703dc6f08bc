/**
 * Events per second per source over the last minute: 60 one-second buckets per source, at most
 * `maxSources` sources (the least recently seen is forgotten first).
 */
const BUCKETS = 60;

interface Ring {
  counts: Float64Array;
  /** The second each bucket holds. */
  seconds: Float64Array;
}

export class SourceRates {
  private readonly rings = new Map<string, Ring>();

  constructor(private readonly maxSources = 10_000, private readonly now: () => number = Date.now) {}

  record(sourceId: string, events: number): void {
    const sec = Math.floor(this.now() / 1000);
    let ring = this.rings.get(sourceId);
    if (ring === undefined) {
      if (this.rings.size >= this.maxSources) this.rings.delete(this.rings.keys().next().value as string);
      ring = { counts: new Float64Array(BUCKETS), seconds: new Float64Array(BUCKETS).fill(-1) };
    } else {
      this.rings.delete(sourceId);
    }
    this.rings.set(sourceId, ring);
    const i = sec % BUCKETS;
    if (ring.seconds[i] !== sec) {
      ring.seconds[i] = sec;
      ring.counts[i] = 0;
    }
    ring.counts[i] = (ring.counts[i] as number) + events;
  }

  /** Mean events per second over the last 60 complete and current seconds. */
  rate(sourceId: string): number {
    const ring = this.rings.get(sourceId);
    if (!ring) return 0;
    const sec = Math.floor(this.now() / 1000);
    let sum = 0;
    for (let i = 0; i < BUCKETS; i++) {
      const s = ring.seconds[i] as number;
      if (s > sec - BUCKETS && s <= sec) sum += ring.counts[i] as number;
    }
    return sum / BUCKETS;
  }
}
