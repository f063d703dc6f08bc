/**
 * The correlation watermark over several sources.
 *
 * Sources lag by different amounts: Windows events arrive within seconds, CloudTrail several minutes
 * later, an Okta poller once a minute. One watermark for all (newest event time seen anywhere, minus
 * the allowed lateness) makes every event of a lagging source late, so the Windows logon, Okta MFA
 * and AWS AssumeRole of one person never meet in a window. Instead each source (`weft.source_id`)
 * has a clock, and the watermark follows the slowest one:
 *
 *   watermark = max(previous watermark, min over sources of (where the source is now) - lateness)
 *
 * Where a source is now is its newest event time, moved on by the arrival time that passed since it
 * last delivered: a source keeps the lag it had (receive time minus event time), so a quiet source
 * that is up to date holds nothing back, while one that delivers ten minutes behind, in bursts,
 * holds the watermark ten minutes back between bursts too. A source holds it at most `maxLagMs`
 * behind the newest event time (one replaying old logs must not make every other source wait
 * without bound: its events beyond that are late, as before), and one that delivered nothing for
 * `idleMs` of arrival time is forgotten. Arrival is `weft.ingest_time`, the receive time the event
 * carries, so the result depends only on the events: replaying a stored event log gives the same
 * watermarks; an event without one arrives at its own event time (it holds nothing back). The
 * watermark never moves back: a source seen for the first time cannot reopen time already settled,
 * and its older events are late.
 *
 * `maxLagMs` 0 gives one watermark for all sources (newest event time minus lateness).
 */

export interface SourceClockOptions {
  latenessMs: number;
  /** A source that delivered nothing for this long (in arrival time) is forgotten. */
  idleMs: number;
  /** A source further than this behind the newest event time does not hold the watermark; 0: one watermark for all. */
  maxLagMs: number;
  /** Sources tracked at most; beyond, the one that delivered least recently is forgotten. */
  maxSources?: number;
}

/** Plain state, for checkpoints: `[source, newest event time, newest arrival]` per source. */
export interface SourceClockState {
  clocks: Array<[string, number, number]>;
  maxArrived: number;
  floor: number;
}

interface Clock {
  seen: number;
  arrived: number;
}

const DEFAULT_MAX_SOURCES = 1024;

export class SourceClocks {
  private clocks = new Map<string, Clock>();
  private maxSeen = -Infinity;
  private maxArrived = -Infinity;
  private floor = -Infinity;
  private holder: string | undefined;
  private readonly maxSources: number;

  constructor(private readonly o: SourceClockOptions) {
    for (const k of ['latenessMs', 'idleMs', 'maxLagMs'] as const) {
      if (!(o[k] >= 0)) throw new RangeError(`${k} must be >= 0`);
    }
    this.maxSources = o.maxSources ?? DEFAULT_MAX_SOURCES;
    if (!(this.maxSources >= 1)) throw new RangeError('maxSources must be >= 1');
  }

  /** Events older than this are late. */
  get watermark(): number {
    return this.floor;
  }

  /** Newest event time seen from any source. */
  get newest(): number {
    return this.maxSeen;
  }

  /** The source holding the watermark below the newest event time, if one is. */
  get heldBy(): string | undefined {
    return this.holder;
  }

  /** How far the watermark is behind the newest event time beyond the lateness (0 when nothing holds it). */
  get heldBackMs(): number {
    const d = this.maxSeen - this.o.latenessMs - this.floor;
    return Number.isFinite(d) && d > 0 ? d : 0;
  }

  /** Each tracked source and how far its clock is behind the newest event time, ms (0: not behind). */
  lags(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [id, c] of this.clocks) {
      const behind = this.maxSeen - this.now(c);
      out.set(id, behind > 0 ? behind : 0);
    }
    return out;
  }

  /** Sources currently tracked. */
  get size(): number {
    return this.clocks.size;
  }

  /** An event from `source` at event time `t` (skew applied) that arrived at `arrived`, late or not. */
  note(source: string, t: number, arrived: number): void {
    if (t > this.maxSeen) this.maxSeen = t;
    if (arrived > this.maxArrived) this.maxArrived = arrived;
    if (this.o.maxLagMs === 0) {
      this.raise(this.maxSeen, undefined);
      return;
    }
    const c = this.clocks.get(source);
    if (c === undefined) {
      if (this.clocks.size >= this.maxSources) this.forgetLeastRecent();
      this.clocks.set(source, { seen: t, arrived });
    } else {
      if (t > c.seen) c.seen = t;
      if (arrived > c.arrived) c.arrived = arrived;
    }
    this.advance();
  }

  /** Recompute the watermark; idle sources are forgotten (an event makes them new again). */
  private advance(): void {
    const lagFloor = this.maxSeen - this.o.maxLagMs;
    const idleBefore = this.maxArrived - this.o.idleMs;
    let min = this.maxSeen;
    let by: string | undefined;
    for (const [id, c] of this.clocks) {
      if (c.arrived < idleBefore) {
        this.clocks.delete(id);
        continue;
      }
      const now = this.now(c);
      const held = now > lagFloor ? now : lagFloor;
      if (held < min) {
        min = held;
        by = now > lagFloor ? id : undefined;
      }
    }
    this.raise(min, by);
  }

  /** Where the source is now, if it keeps the lag it had when it last delivered. */
  private now(c: Clock): number {
    return c.seen + (this.maxArrived - c.arrived);
  }

  private raise(time: number, by: string | undefined): void {
    const w = time - this.o.latenessMs;
    if (w > this.floor) this.floor = w;
    // Also when the watermark stays put: then `by` is what keeps it from moving.
    this.holder = by;
  }

  private forgetLeastRecent(): void {
    let oldest: string | undefined;
    let at = Infinity;
    for (const [id, c] of this.clocks) {
      if (c.arrived < at) {
        at = c.arrived;
        oldest = id;
      }
    }
    if (oldest !== undefined) this.clocks.delete(oldest);
  }

  state(): SourceClockState {
    return { clocks: [...this.clocks].map(([id, c]) => [id, c.seen, c.arrived]), maxArrived: this.maxArrived, floor: this.floor };
  }

  /**
   * Resume from a checkpoint: `newest` is the newest event time it recorded. Without clock state (a
   * snapshot from before sources had clocks) the watermark is that time minus the lateness.
   */
  restore(newest: number, s: SourceClockState | undefined): void {
    this.maxSeen = newest;
    this.holder = undefined;
    this.clocks = new Map();
    if (s === undefined) {
      this.maxArrived = -Infinity;
      this.floor = newest - this.o.latenessMs;
      return;
    }
    for (const [id, seen, arrived] of s.clocks) this.clocks.set(id, { seen, arrived });
    this.maxArrived = s.maxArrived;
    this.floor = s.floor;
    // Which source holds it follows from the clocks (and the options now in force).
    if (this.o.maxLagMs > 0) this.advance();
  }
}
