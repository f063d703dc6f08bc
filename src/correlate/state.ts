/** What operators keep per key, and what they may ask of the engine. */

/** One contributing occurrence, kept in state (events are not: only their ids). */
export interface Item {
  /** Event time, ms. */
  t: number;
  /** Processing sequence number: the deterministic order of occurrences with equal times. */
  q: number;
  /** Event id, or the contributing event ids of a chained correlation alert. */
  e: string | string[];
  /** `weft.source_type` ('' when unknown), or the sources of a chained alert. */
  s: string | string[];
  /** Value of the aggregated field (value_* types). */
  v?: number | string;
  /** Slot: index of the referenced rule this occurrence matched. */
  k?: number;
}

/** Every state carries its next deadline (`due`) and the time of its queued timer (`at`). */
export interface StateBase {
  due: number;
  at: number;
}

/** One arrival at an operator: an event or a chained alert, for one group key. */
export interface Arrival {
  /** Template of the item to store (operators copy it with their own `k`/`v`). */
  t: number;
  q: number;
  e: string | string[];
  s: string | string[];
  /** Slots of the correlation this arrival matched, ascending; -1 = an `until` rule. */
  slots: readonly number[];
}

export interface FirePayload {
  items: readonly Item[];
  /** The event time the condition was met at. */
  at: number;
  value?: number;
  path?: string[];
  omitted?: number;
  /** Sources to report when not all contributing items are kept (sessions). */
  sources?: readonly string[];
}

export interface OpContext {
  get<S extends StateBase>(key: string): S | undefined;
  /** Store (and mark as recently used, unless from a timer) a state; schedules its `due`. */
  put(key: string, s: StateBase): void;
  drop(key: string): void;
  fire(key: string, p: FirePayload): void;
  /** Do these items come from at least `min_sources` distinct source types? */
  sourcesOk(items: readonly Item[], extra?: readonly string[]): boolean;
  /** Scalar values of a field for the current arrival (resolved like group-by fields); [] when missing. */
  read(field: string): ReadonlyArray<string | number>;
  /** Scalar values of an ECS path on the current event, without pipeline resolution. */
  readPath(path: string): ReadonlyArray<string | number>;
  missingValue(): void;
}

export function itemOf(a: Arrival, k?: number, v?: number | string): Item {
  const it: Item = { t: a.t, q: a.q, e: a.e, s: a.s };
  if (v !== undefined) it.v = v;
  if (k !== undefined) it.k = k;
  return it;
}

export function overlaps(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) if (b.includes(x)) return true;
  return false;
}
