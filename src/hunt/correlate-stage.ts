/**
 * The correlation stage of a hunt: the correlation documents among the rule files, an engine over
 * them, and the conversion of each event's rule matches into engine input. Position = the event's
 * ordinal in the hunt, so a checkpoint could resume it.
 */
import { readFileSync } from 'node:fs';
import { CheckpointError, CorrelationEngine, CorrelationRuleError, mayHoldCorrelation, parseCorrelationText } from '../correlate/index.js';
import type { CorrelationAlert, CorrelationDef, EngineOptions } from '../correlate/index.js';
import type { WeftConfig } from '../config/schema.js';
import type { WeftEvent } from '../event/model.js';
import type { BuildRuleSetResult, Match } from '../rules/engine/index.js';
import { ruleFiles } from '../rules/sigma/index.js';
import type { RuleRejection } from '../rules/types.js';
import { alertDigest, decodeCarry, encodeCarry } from './correlation-carry.js';

/** A rule text and the file (or store record) it came from, for rejections and rule metadata. */
export interface RuleText {
  text: string;
  file: string;
}

/** An event held for the end of the run: its time, its order of arrival and the rules it matched. */
interface Held {
  t: number;
  seq: number;
  event: WeftEvent;
  refs: string[];
}

/** How a run took up the correlation state of the run before it (see finishContinuing). */
export type CarryOutcome =
  | { kind: 'none' }
  | { kind: 'continued'; carried: number; dropped: string[] }
  | { kind: 'not_continuous'; earliest: string; watermark: string }
  | { kind: 'unreadable'; reason: string }
  /** The run's state was not saved: another run took the store's correlation lease meanwhile. */
  | { kind: 'not_carried'; holder: string };

/** The engine options a stage takes from its caller (see EngineOptions); lateness and the state bound always. */
export type CorrelationStageOptions = Pick<EngineOptions, 'sourceIdleMs' | 'maxSourceLagMs' | 'maxAheadMs' | 'clockSkewMs'> & {
  allowedLatenessMs: number;
  maxStateEntries: number;
};

/**
 * The correlation settings of a configuration: `correlation.*` and each source's `clock_skew`.
 * `live`: events reach the engine in the order they were received (`weft serve`, and replay, which
 * re-derives what it recorded), so one dated far after its receipt is refused (`max_ahead`). A
 * hunt, an ingest run or the demo correlates its input sorted by event time at the end, where such
 * an event comes last and holds nothing up, and logs generated for a future date stay correlated.
 */
export function correlationOptions(config: WeftConfig, o: { live?: boolean } = {}): CorrelationStageOptions {
  const skew: Record<string, number> = {};
  for (const s of config.ingest.sources) if (s.clock_skew !== undefined) skew[s.id] = s.clock_skew;
  return {
    allowedLatenessMs: config.correlation.allowed_lateness,
    maxStateEntries: config.correlation.max_state_entries,
    sourceIdleMs: config.correlation.source_idle,
    maxSourceLagMs: config.correlation.max_source_lag,
    maxAheadMs: o.live === true ? config.correlation.max_ahead : Infinity,
    ...(Object.keys(skew).length > 0 ? { clockSkewMs: skew } : {}),
  };
}

/**
 * A hunt reads files one after another, each spanning its own time range, so its events do not
 * arrive in event-time order across files. The stage therefore collects the events that matched a
 * rule a correlation uses and runs them through the engine in event-time order at the end (stable
 * by input order): the result is what a live stream in time order would give. Only matched events
 * are held, not the whole input.
 */
export class CorrelationStage {
  private readonly pending: Held[] = [];
  /** Ids of the events held for this run's correlation (see collect). */
  private readonly held = new Set<string>();
  /** Why the last event the live path could not correlate was refused (engine `invalid`). */
  lastInvalid: string | undefined;
  private seq = 0;

  private constructor(
    readonly engine: CorrelationEngine,
    readonly definitions: readonly CorrelationDef[],
    /** Base rules referenced only with `generate: false`: their matches are not printed. */
    private readonly hidden: ReadonlySet<string>,
    /** Every rule id or name some correlation references. */
    private readonly used: ReadonlySet<string>,
  ) {}

  /** The stage for these rule paths, or undefined when they hold no correlation rule. Rejections are returned, not thrown. */
  static build(rulePaths: string[], built: BuildRuleSetResult, o: CorrelationStageOptions): { stage?: CorrelationStage; rejections: RuleRejection[] } {
    // One file read at a time: a rule repository's texts are not held together.
    function* texts(): Generator<RuleText> {
      for (const file of ruleFiles(rulePaths).files) yield { file, text: readFileSync(file, 'utf8') };
    }
    return CorrelationStage.fromTexts(texts(), built, o);
  }

  /** The stage for rule texts already read (a rule file, or a stored rule document), or undefined when they hold no correlation rule. */
  static fromTexts(texts: Iterable<RuleText>, built: BuildRuleSetResult, o: CorrelationStageOptions): { stage?: CorrelationStage; rejections: RuleRejection[] } {
    const defs: CorrelationDef[] = [];
    const rejections: RuleRejection[] = [];
    for (const { text, file } of texts) {
      if (!mayHoldCorrelation(text)) continue;
      const r = parseCorrelationText(text, file);
      defs.push(...r.correlations);
      rejections.push(...r.rejections);
    }
    let engine: CorrelationEngine | undefined;
    // The engine refuses a rule set with a correlation it cannot run (an unknown reference, an id used
    // twice, a cycle): that correlation is rejected, the way the loaders reject a document, and the
    // others run. Each pass drops one, so this ends.
    while (engine === undefined && defs.length > 0) {
      const known = new Set<string>(built.resolvers.keys());
      for (const d of defs) {
        if (d.meta.id !== undefined) known.add(d.meta.id);
        if (d.meta.name !== undefined) known.add(d.meta.name);
      }
      try {
        engine = new CorrelationEngine(defs, {
          ...o,
          resolverFor: (ref) => built.resolvers.get(ref),
          knownRules: known,
        });
      } catch (e) {
        const at = e instanceof CorrelationRuleError ? defs.findLastIndex((d) => d.meta.title === e.rule) : -1;
        if (at < 0) throw e;
        const { meta } = defs.splice(at, 1)[0] as CorrelationDef;
        rejections.push({ file: meta.file ?? '', line: meta.line ?? 0, reason: (e as Error).message, ...(meta.id !== undefined ? { ruleId: meta.id } : {}) });
      }
    }
    if (engine === undefined) return { rejections };
    const used = new Set<string>();
    for (const d of defs) for (const r of d.rules) used.add(r);
    for (const d of defs) if (d.type === 'sequence') for (const r of d.until) used.add(r);
    return { stage: new CorrelationStage(engine, defs, new Set(engine.hiddenRules), used), rejections };
  }

  /** Is this match only an input to a correlation (`generate: false`)? */
  isHidden(m: Match<WeftEvent>): boolean {
    return (m.rule.id !== undefined && this.hidden.has(m.rule.id)) || (m.rule.name !== undefined && this.hidden.has(m.rule.name));
  }

  /** The ids and names of the matched rules, or undefined when no correlation uses any of them. */
  private refsUsed(matches: readonly Match<WeftEvent>[]): string[] | undefined {
    if (matches.length === 0) return undefined;
    const refs: string[] = [];
    for (const m of matches) {
      refs.push(m.rule.id);
      if (m.rule.name !== undefined) refs.push(m.rule.name);
    }
    return refs.some((r) => this.used.has(r)) ? refs : undefined;
  }

  /**
   * Hold one event and the rules it matched, if a correlation uses any of them. The same record read
   * twice (a file given twice, overlapping inputs) is one event, as its id says (a digest of its
   * source and record) and as the store keeps it: it is held once, so no window counts it twice.
   */
  collect(event: WeftEvent, matches: readonly Match<WeftEvent>[]): void {
    const refs = this.refsUsed(matches);
    if (refs === undefined) return;
    const id = event.weft.id;
    if (this.held.has(id)) return;
    this.held.add(id);
    this.pending.push({ t: Date.parse(event['@timestamp']), seq: this.seq++, event, refs });
  }

  /**
   * Live path (`weft serve`): push one event straight into the engine, in arrival order, at its
   * event-log position. The engine's watermark and allowed lateness order it; windows close as event
   * time passes them, not at the end. Returns the alerts this event settled.
   */
  pushLive(event: WeftEvent, matches: readonly Match<WeftEvent>[], position: number): CorrelationAlert[] {
    const refs = this.refsUsed(matches);
    // Every event moves its source's clock: the watermark follows the sources, not only the few
    // events correlations use.
    if (refs === undefined) return this.engine.observe(event);
    const out = this.engine.push({ event, matches: refs }, position);
    const bad = out.invalid.at(-1);
    if (bad !== undefined) this.lastInvalid = bad.reason;
    return out.alerts;
  }

  /** Run the held events in event-time order and settle every window: the correlation alerts, in order. */
  finish(): CorrelationAlert[] {
    this.pending.sort((a, b) => a.t - b.t || a.seq - b.seq);
    const alerts = this.pushAll(this.pending);
    this.pending.length = 0;
    alerts.push(...this.engine.flush().alerts);
    return alerts;
  }

  /**
   * finish() for a run that follows another over the same store (`weft ingest`): the previous run's
   * open windows take this run's events, as one run over both inputs would, when these events come
   * after what it had seen (the engine's watermark). Logs older than that (a backfill) are
   * correlated among themselves, as finish() does, rather than dropped as late. Every window is
   * still settled at the end, so the run reports what it can see now. `carry` is for the next run:
   * the state from before settling, or, after a backfill, the state it set aside when that one is
   * later. An alert the previous run reported when it settled, and that comes again from the same
   * events, is not reported again; an event it took (the same file ingested again) is not counted
   * again.
   */
  finishContinuing(previous: Uint8Array | undefined): { alerts: CorrelationAlert[]; carry: Uint8Array; outcome: CarryOutcome } {
    this.pending.sort((a, b) => a.t - b.t || a.seq - b.seq);
    let outcome: CarryOutcome = { kind: 'none' };
    let reported = new Set<string>();
    let recent = new Map<string, number>();
    let toPush: readonly Held[] = this.pending;
    /** The watermark of a previous state this run did not continue (a backfill ran beside it). */
    let setAside = -Infinity;
    if (previous !== undefined) {
      const pristine = this.engine.snapshot();
      try {
        const carry = decodeCarry(previous);
        const report = this.engine.restore(carry.engine, { carryOver: true });
        const taken = new Map(carry.recent);
        const earliest = this.pending.find((p) => !taken.has(p.event.weft.id))?.t;
        const watermark = this.engine.watermark;
        if (earliest !== undefined && earliest < watermark) {
          this.engine.restore(pristine);
          setAside = watermark;
          outcome = { kind: 'not_continuous', earliest: isoOrText(earliest), watermark: isoOrText(watermark) };
        } else {
          outcome = { kind: 'continued', carried: report.carried, dropped: report.dropped };
          reported = new Set(carry.reported);
          recent = taken;
          // Events the previous run already took (the same file again, an overlap) are not pushed twice.
          if (taken.size > 0) toPush = toPush.filter((p) => !taken.has(p.event.weft.id));
        }
      } catch (e) {
        // restore() changes nothing when it throws: the run starts from the empty engine.
        if (!(e instanceof CheckpointError)) throw e;
        outcome = { kind: 'unreadable', reason: e.message };
      }
    }
    // Events dated past the wall clock by more than CARRY_MAX_AHEAD_MS (a host with a wrong clock)
    // are correlated in this run but pushed after the state is taken: carried, one of them would move
    // the next run's watermark years ahead, and every later run would start afresh.
    const horizon = Date.now() + CARRY_MAX_AHEAD_MS;
    let plausible = toPush.findIndex((p) => p.t > horizon);
    if (plausible < 0) plausible = toPush.length;
    const carried = toPush.slice(0, plausible);
    for (const p of carried) recent.set(p.event.weft.id, p.t);
    const alerts = this.pushAll(carried);
    const watermark = this.engine.watermark;
    const before = this.engine.snapshot();
    const settled = this.pushAll(toPush.slice(plausible));
    this.pending.length = 0;
    settled.push(...this.engine.flush().alerts);
    alerts.push(...settled);
    return {
      alerts: reported.size === 0 ? alerts : alerts.filter((a) => !reported.has(alertDigest(a))),
      // Of a backfill's state and the one it set aside, the later is handed on: last week's logs
      // read between two daily runs leave the daily runs' open windows to the next one.
      carry: previous !== undefined && setAside > watermark
        ? previous
        : encodeCarry({ engine: before, reported: settled.map(alertDigest), recent: [...recent].filter(([, t]) => t >= watermark) }),
      outcome,
    };
  }

  /** Push held events (sorted) at the positions after the engine's last; the alerts they settle. */
  private pushAll(items: readonly Held[]): CorrelationAlert[] {
    let position = (this.engine.position ?? -1) + 1;
    const alerts: CorrelationAlert[] = [];
    for (const p of items) alerts.push(...this.engine.push({ event: p.event, matches: p.refs }, position++).alerts);
    return alerts;
  }
}

/** How far past the wall clock an event may be dated and still be carried to the next ingest run. */
export const CARRY_MAX_AHEAD_MS = 86_400_000;

/** An instant as ISO 8601, or as text when it is not a date (an engine settled for good is at Infinity). */
function isoOrText(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
