/**
 * One read of the event log for every consumer in `weft serve`. Each consumer has its own tailer and
 * checkpoint, but they all read the same new events right after each commit: without sharing, every
 * consumer reads and JSON-parses every event again, and evaluates the rule set on it again.
 *
 * A read answers exactly what `store.readEventLog(after, limit)` answers at that moment (so positions
 * and checkpoints are unchanged): the part of the range already in hand comes from memory, the rest
 * from the store. Entries carry the rule matches of their event, computed once per rule set.
 */
import type { WeftEvent } from '../event/model.js';
import type { Match, RuleSet } from '../rules/engine/index.js';
import type { LoggedEvent, Store } from '../store/types.js';

/** How a tailer reads the event log: `readEventLog` semantics, events as consumers should see them. */
export interface EventLogReader {
  read(afterSeq: number, limit: number): Promise<LoggedEvent[]>;
}

/** A logged event shared by several consumers: the rule set's matches are kept with it. */
export class SharedLoggedEvent implements LoggedEvent {
  private matchedBy: RuleSet | undefined;
  private matches: Match<WeftEvent>[] = [];

  constructor(readonly seq: number, readonly event: WeftEvent) {}

  /** `rules.evaluate(event)`, computed once per rule set. */
  matchesOf(rules: RuleSet): Match<WeftEvent>[] {
    if (this.matchedBy !== rules) {
      this.matches = rules.evaluate(this.event);
      this.matchedBy = rules;
    }
    return this.matches;
  }
}

/**
 * The rules an event matches. Consumers reading through a SharedEventLog get the matches another
 * consumer already computed; the returned array is shared, so callers must not modify it.
 */
export function ruleMatches(rules: RuleSet, logged: LoggedEvent): Match<WeftEvent>[] {
  return logged instanceof SharedLoggedEvent ? logged.matchesOf(rules) : rules.evaluate(logged.event);
}

export interface SharedEventLogOptions {
  store: Store;
  /** Events as consumers should see them (e.g. sensitive fields decrypted), applied once per event. */
  view?: (e: WeftEvent) => WeftEvent;
  /** Events kept in memory at most (default 5,000, the tailers' batch): the oldest go first. */
  maxEvents?: number;
}

export class SharedEventLog implements EventLogReader {
  /** Every logged event with from < seq <= to is in `events`, in order (and no other). */
  private from = 0;
  private to = -1;
  private events: SharedLoggedEvent[] = [];
  private readonly maxEvents: number;
  /** Events read from the store, and handed out from memory instead: for tests and metrics. */
  loaded = 0;
  reused = 0;

  constructor(private readonly o: SharedEventLogOptions) {
    this.maxEvents = o.maxEvents ?? 5000;
  }

  /** The last read: reads run one after another, so a reader woken with another finds its events. */
  private last: Promise<unknown> = Promise.resolve();

  read(afterSeq: number, limit: number): Promise<LoggedEvent[]> {
    const r = this.last.then(() => this.readNow(afterSeq, limit));
    this.last = r.catch(() => undefined);
    return r;
  }

  private async readNow(afterSeq: number, limit: number): Promise<LoggedEvent[]> {
    if (this.to < 0 || afterSeq < this.from || afterSeq > this.to) {
      const fresh = await this.load(afterSeq, limit);
      this.from = afterSeq;
      this.to = fresh.length > 0 ? (fresh[fresh.length - 1] as SharedLoggedEvent).seq : afterSeq;
      this.events = fresh;
      this.trim();
      return fresh;
    }
    const start = this.firstAfter(afterSeq);
    const hit = this.events.slice(start, start + limit);
    this.reused += hit.length;
    if (hit.length === limit) return hit;
    // The range in hand ends before `limit`: the rest is whatever the store has after it.
    const tailFrom = this.to;
    const more = await this.load(tailFrom, limit - hit.length);
    if (more.length > 0) {
      for (const e of more) this.events.push(e);
      this.to = (more[more.length - 1] as SharedLoggedEvent).seq;
      this.trim();
    }
    return more.length === 0 ? hit : hit.concat(more);
  }

  private async load(afterSeq: number, limit: number): Promise<SharedLoggedEvent[]> {
    const rows = await this.o.store.readEventLog(afterSeq, limit);
    this.loaded += rows.length;
    const view = this.o.view;
    const out = new Array<SharedLoggedEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as LoggedEvent;
      out[i] = new SharedLoggedEvent(r.seq, view ? view(r.event) : r.event);
    }
    return out;
  }

  /** Index of the first kept event with seq > afterSeq (events.length if none). */
  private firstAfter(afterSeq: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.events[mid] as SharedLoggedEvent).seq > afterSeq) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private trim(): void {
    const drop = this.events.length - this.maxEvents;
    if (drop <= 0) return;
    this.from = (this.events[drop - 1] as SharedLoggedEvent).seq;
    this.events = this.events.slice(drop);
  }
}
