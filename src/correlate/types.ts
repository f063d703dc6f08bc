/** The correlation engine's contract: rule definitions in, event-time alerts out. */
import type { WeftEvent } from '../event/model.js';
import type { NumericCondition } from '../rules/sigma/types.js';
import type { FieldResolver, SigmaLevel } from '../rules/types.js';

export type { NumericCondition };

/** A boolean expression over rule references: the extended temporal condition (`a and not b`). */
export type RuleExpr =
  | { op: 'ref'; slot: number }
  | { op: 'not'; arg: RuleExpr }
  | { op: 'and' | 'or'; args: RuleExpr[] };

export interface CorrelationMeta {
  id?: string;
  name?: string;
  title: string;
  level?: SigmaLevel;
  tags: string[];
  file?: string;
  line?: number;
}

/** After a hit: `reset` clears the group's state (default); `refire` keeps it, so later events fire again. */
export type AfterFire = 'reset' | 'refire';

interface DefBase {
  meta: CorrelationMeta;
  /** Referenced rules or correlations, by id or name; for ordered types, in order. */
  rules: string[];
  /** Sigma field names, aliases, or `entity.<kind>` (reads `weft.entity.<kind>`). */
  groupBy: string[];
  /** alias -> (rule id or name -> field). */
  aliases: Record<string, Record<string, string>>;
  generate: boolean;
  afterFire: AfterFire;
  /** Contributing events must come from at least this many distinct `weft.source_type`s (1 = no requirement). */
  minSources: number;
}

export interface EventCountDef extends DefBase {
  type: 'event_count';
  timespanMs: number;
  condition: NumericCondition;
}

export interface ValueCountDef extends DefBase {
  type: 'value_count';
  timespanMs: number;
  condition: NumericCondition;
  /** Distinct values of these fields taken together. */
  fields: string[];
}

export interface ValueAggregateDef extends DefBase {
  type: 'value_sum' | 'value_avg' | 'value_percentile';
  timespanMs: number;
  condition: NumericCondition;
  field: string;
}

export interface TemporalDef extends DefBase {
  type: 'temporal';
  timespanMs: number;
  /** Count of distinct rules seen; absent = all of them. */
  condition?: NumericCondition;
  /** The extended condition; when set, `condition` is unused. */
  expression?: RuleExpr;
  /** The expression as written, for alerts and errors. */
  expressionText?: string;
}

export interface TemporalOrderedDef extends DefBase {
  type: 'temporal_ordered';
  timespanMs: number;
}

export interface SequenceDef extends DefBase {
  type: 'sequence';
  maxspanMs: number;
  /** Rules whose match cancels every pending sequence of the group. */
  until: string[];
}

export interface SessionDef extends DefBase {
  type: 'session';
  gapMs: number;
  /** A session longer than this is closed and a new one starts (Infinity = no cap). */
  maxDurationMs: number;
  /** On the session's event count; absent = every session is reported. */
  condition?: NumericCondition;
  /** Event ids kept per session; later ones are counted but not listed. */
  maxEvents: number;
}

export interface LateralMovementDef extends DefBase {
  type: 'lateral_movement';
  timespanMs: number;
  /** Fields naming where a logon came from (any of them identifies the node). */
  sourceFields: string[];
  /** Fields naming the host logged on to. */
  targetFields: string[];
  minHops: number;
  /** Paths kept per group; the oldest are dropped beyond it. */
  maxPaths: number;
}

export interface ProcessLineageDef extends DefBase {
  type: 'process_lineage';
  timespanMs: number;
}

export type CorrelationDef =
  | EventCountDef
  | ValueCountDef
  | ValueAggregateDef
  | TemporalDef
  | TemporalOrderedDef
  | SequenceDef
  | SessionDef
  | LateralMovementDef
  | ProcessLineageDef;

export type CorrelationKind = CorrelationDef['type'];

/** One input record, in arrival order. */
export interface EngineInput {
  event: WeftEvent;
  /** Ids AND names of the detection rules the event matched. */
  matches: readonly string[];
}

export interface CorrelationAlert {
  kind: 'correlation';
  rule: { id?: string; name?: string; title: string; level?: SigmaLevel; tags: string[] };
  correlation: { type: CorrelationKind };
  group: Record<string, string>;
  /** Contributing event ids, in event-time order. */
  events: string[];
  /** Distinct `weft.source_type`s of the contributing events, sorted. */
  sources: string[];
  first_time: string;
  last_time: string;
  /** The event time at which the condition was met (see README: "The alert's timestamp"). */
  '@timestamp': string;
  /** count, distinct count, sum, average, percentile rank, hops or session size. */
  value?: number;
  /** lateral_movement: the hosts of the path, in order. */
  path?: string[];
  /** session: events beyond `max_events`, counted but not listed. */
  omitted_events?: number;
}

/** An event that arrived after the watermark had passed its time: recorded, never applied. */
export interface LateEvent {
  position: number;
  id: string;
  /** Event time after clock-skew correction (ms since epoch). */
  time: number;
  watermark: number;
}

/** An input the engine could not use, with the reason. */
export interface InvalidInput {
  position: number;
  id?: string;
  reason: string;
}

export interface EngineOutput {
  alerts: CorrelationAlert[];
  late: LateEvent[];
  invalid: InvalidInput[];
}

export interface EngineOptions {
  /** Events later than this behind the watermark's source time are late (default 5 minutes). */
  allowedLatenessMs?: number;
  /**
   * A source (`weft.source_id`) that delivered nothing for this long, by receive time
   * (`weft.ingest_time`), is forgotten and holds the watermark back no more (default 1 hour).
   */
  sourceIdleMs?: number;
  /**
   * How far a source may lag behind the newest event time and still hold the watermark back, so that
   * its events are not late (default 15 minutes). 0: one watermark for all sources.
   */
  maxSourceLagMs?: number;
  /**
   * An event dated more than this after its receive time (`weft.ingest_time`) is invalid input, not
   * correlated: a clock far ahead or a made-up timestamp would otherwise move correlation time past
   * every real source (default 15 minutes). Events without a receive time are not checked.
   */
  maxAheadMs?: number;
  /** Per `weft.source_id`: how far that source's clock runs ahead, subtracted from its event times. */
  clockSkewMs?: Readonly<Record<string, number>>;
  /** How to read a Sigma field for events matched by a base rule (by id or name); default: the field as an ECS path. */
  resolverFor?: (ruleRef: string) => FieldResolver | undefined;
  /** Global bound on state entries; least-recently-updated keys are evicted beyond it (default 1 000 000). */
  maxStateEntries?: number;
  /** Events whose group-by fields fan out (arrays) into more keys than this use only the first ones (default 16). */
  maxFanout?: number;
  /** Rule ids/names known to exist; when given, a correlation referencing anything else is rejected. */
  knownRules?: Iterable<string>;
}

export interface RestoreOptions {
  /**
   * Accept a snapshot taken under other correlation rules: keep the state of the correlations both
   * define identically (same definition, title included), drop the rest. Default: refuse it.
   */
  carryOver?: boolean;
}

export interface RestoreReport {
  /** The snapshot was taken under exactly these rules. */
  exact: boolean;
  /** Current correlations whose state came from the snapshot. */
  carried: number;
  /** Titles of the snapshot's correlations that are gone or changed: their open windows were dropped. */
  dropped: string[];
  /** Current correlations that start empty (new or changed). */
  started: number;
}

export interface EngineStats {
  processed: number;
  late: number;
  invalid: number;
  buffered: number;
  stateEntries: number;
  evictions: number;
  timers: number;
  alerts: number;
  /** Per correlation (title): events skipped because a group-by field was missing. */
  missingGroupBy: Record<string, number>;
  /** Per correlation (title): events skipped because a value field (condition.field, source/target, process ids) was missing. */
  missingValue: Record<string, number>;
  fanoutTruncated: number;
  watermark: number;
  /** Sources whose clocks are tracked (active within the idle time). */
  sources: number;
  /** The source keeping the watermark behind the newest event time, when one does. */
  watermarkHeldBy?: string;
  /** How far a lagging source holds the watermark behind the newest event time (beyond the lateness), ms. */
  heldBackMs: number;
  position: number | undefined;
}
