/**
 * The correlation engine: rule matches in, correlation alerts out, over event time.
 *
 * Events are buffered until the watermark (the slowest active source's newest event time minus the
 * allowed lateness: source-clocks.ts) passes them, then applied in (time, id) order, interleaved with
 * operator deadlines (window closes, expiries), so any arrival order within the lateness gives the
 * same alerts. It reads no clock: arrival is the receive time each event carries.
 */
import { createHash } from 'node:crypto';
import { fieldAccessor, type FieldAccessor } from '../event/field-path.js';
import type { WeftEvent } from '../event/model.js';
import type { FieldResolver } from '../rules/types.js';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointBody } from './checkpoint.js';
import { CheckpointError, CorrelationRuleError } from './errors.js';
import { MinHeap } from './heap.js';
import { SourceClocks } from './source-clocks.js';
import { operatorFor, type Operator } from './operators.js';
import type { Arrival, FirePayload, Item, OpContext, StateBase } from './state.js';
import type { CorrelationAlert, CorrelationDef, EngineInput, EngineOptions, EngineOutput, EngineStats, RestoreOptions, RestoreReport } from './types.js';

const DEFAULT_LATENESS_MS = 5 * 60_000;
const DEFAULT_SOURCE_IDLE_MS = 60 * 60_000;
const DEFAULT_MAX_SOURCE_LAG_MS = 15 * 60_000;
const DEFAULT_MAX_AHEAD_MS = 15 * 60_000;
const DEFAULT_MAX_STATES = 1_000_000;
const DEFAULT_MAX_FANOUT = 16;
/** Separates rule index and group values in a state key; `\u0002` starts an operator's sub-key. */
const SEP = '\u0001';
const SUB = '\u0002';
const ZONED = /(?:Z|[+-]\d\d:?\d\d)$/i;

interface Buffered {
  t: number;
  id: string;
  pos: number;
  event: WeftEvent;
  matches: readonly string[];
}

interface Timer {
  t: number;
  key: string;
}

interface Ref {
  c: number;
  slot: number;
}

/** What the current arrival reads its fields from: an event matched by a base rule, or a chained alert. */
interface Source {
  event: WeftEvent | null;
  /** The reference (id or name) under which the arrival matched, for aliases and resolvers. */
  ref: string;
  /** All ids and names the event matched (aliases may be keyed by either). */
  matches: readonly string[];
  group: Record<string, string> | null;
}

type Scalar = string | number;

/** The `weft.*` fields that place an event on its source's clock. */
interface SourceFields {
  source_id?: unknown;
  ingest_time?: unknown;
}

const lessBuffered = (a: Buffered, b: Buffered): boolean => a.t < b.t || (a.t === b.t && (a.id < b.id || (a.id === b.id && a.pos < b.pos)));
const lessTimer = (a: Timer, b: Timer): boolean => a.t < b.t || (a.t === b.t && a.key < b.key);
const ascending = (x: number, y: number): number => x - y;

function allStrings(v: readonly unknown[]): boolean {
  for (const x of v) if (typeof x !== 'string') return false;
  return true;
}

function pushScalars(v: unknown, out: Scalar[]): void {
  if (typeof v === 'string') {
    if (v !== '') out.push(v);
  } else if (typeof v === 'number') {
    if (Number.isFinite(v)) out.push(v);
  } else if (typeof v === 'boolean' || typeof v === 'bigint') {
    out.push(String(v));
  } else if (Array.isArray(v)) {
    for (const x of v) if (!Array.isArray(x)) pushScalars(x, out);
  }
}

export class CorrelationEngine {
  readonly defs: readonly CorrelationDef[];
  private readonly ops: Operator[];
  private readonly index = new Map<string, Ref[]>();
  /** Correlations that consume each correlation's alerts. */
  private readonly dependents: Ref[][];
  private readonly hiddenCorrelation: boolean[];
  private readonly hiddenRuleRefs: ReadonlySet<string>;
  private readonly lateness: number;
  private readonly maxAhead: number;
  private readonly skew: ReadonlyMap<string, number>;
  private readonly resolverFor: ((ref: string) => FieldResolver | undefined) | undefined;
  private readonly maxStates: number;
  private readonly maxFanout: number;
  /** ref -> field -> accessor, built once per pair. */
  private readonly accessors = new Map<string, Map<string, FieldAccessor>>();
  /** alias -> (ref -> field), per correlation. */
  private readonly aliasMaps: Array<Map<string, Map<string, string>>>;
  private readonly fingerprint: string;
  /** Each definition's own digest: the state of an unchanged correlation can outlive a rule change. */
  private readonly defDigests: string[];

  private buffer = new MinHeap<Buffered>(lessBuffered);
  private timers = new MinHeap<Timer>(lessTimer);
  private states = new Map<string, StateBase>();
  private readonly clocks: SourceClocks;
  /** The last `weft.ingest_time` read and its value: a batch's events share one. */
  private arrivalText = '';
  private arrivalMs = Number.NaN;
  private seq = 0;
  private pos: number | undefined;
  private flushed = false;
  private counters = { processed: 0, late: 0, invalid: 0, evictions: 0, alerts: 0, fanoutTruncated: 0 };
  private missingGroupBy: number[];
  private missingValue: number[];

  // The arrival being applied, read by the operator context.
  private out: CorrelationAlert[] = [];
  private cur = -1;
  private src: Source = { event: null, ref: '', matches: [], group: null };
  private inTimer = false;
  private readonly ctx: OpContext;

  constructor(defs: readonly CorrelationDef[], opts: EngineOptions = {}) {
    this.defs = defs;
    this.lateness = opts.allowedLatenessMs ?? DEFAULT_LATENESS_MS;
    if (!(this.lateness >= 0)) throw new RangeError('allowedLatenessMs must be >= 0');
    this.maxAhead = opts.maxAheadMs ?? DEFAULT_MAX_AHEAD_MS;
    if (!(this.maxAhead >= 0)) throw new RangeError('maxAheadMs must be >= 0');
    this.skew = new Map(Object.entries(opts.clockSkewMs ?? {}));
    this.clocks = new SourceClocks({
      latenessMs: this.lateness,
      idleMs: opts.sourceIdleMs ?? DEFAULT_SOURCE_IDLE_MS,
      maxLagMs: opts.maxSourceLagMs ?? DEFAULT_MAX_SOURCE_LAG_MS,
    });
    this.resolverFor = opts.resolverFor;
    this.maxStates = opts.maxStateEntries ?? DEFAULT_MAX_STATES;
    if (!(this.maxStates >= 1)) throw new RangeError('maxStateEntries must be >= 1');
    this.maxFanout = opts.maxFanout ?? DEFAULT_MAX_FANOUT;
    this.ops = defs.map((d) => operatorFor(d));
    this.missingGroupBy = defs.map(() => 0);
    this.missingValue = defs.map(() => 0);
    this.aliasMaps = defs.map((d) => new Map(Object.entries(d.aliases).map(([a, m]) => [a, new Map(Object.entries(m))])));

    const byRef = new Map<string, number>();
    defs.forEach((d, i) => {
      for (const r of [d.meta.id, d.meta.name]) {
        if (r === undefined) continue;
        if (byRef.has(r)) throw new CorrelationRuleError(d.meta.title, `id or name '${r}' is used by two correlations`);
        byRef.set(r, i);
      }
    });
    const known = opts.knownRules === undefined ? null : new Set(opts.knownRules);
    defs.forEach((d, c) => {
      const add = (ref: string, slot: number): void => {
        if (!byRef.has(ref) && known !== null && !known.has(ref)) throw new CorrelationRuleError(d.meta.title, `references unknown rule '${ref}'`);
        let list = this.index.get(ref);
        if (!list) this.index.set(ref, (list = []));
        list.push({ c, slot });
      };
      d.rules.forEach((r, slot) => add(r, slot));
      if (d.type === 'sequence') for (const u of d.until) add(u, -1);
      for (const [alias, m] of Object.entries(d.aliases)) {
        for (const r of Object.keys(m)) if (!d.rules.includes(r) && !(d.type === 'sequence' && d.until.includes(r))) {
          throw new CorrelationRuleError(d.meta.title, `alias '${alias}' names '${r}', which is not in 'rules'`);
        }
      }
    });
    this.dependents = defs.map((d) => {
      const out: Ref[] = [];
      for (const r of [d.meta.id, d.meta.name]) if (r !== undefined) out.push(...(this.index.get(r) ?? []));
      return out.sort((a, b) => a.c - b.c || a.slot - b.slot);
    });
    // Chains must not loop: an alert feeding back into its own correlation would never settle.
    const visiting = new Set<number>();
    const done = new Set<number>();
    const visit = (i: number): void => {
      if (done.has(i)) return;
      if (visiting.has(i)) throw new CorrelationRuleError(defs[i]?.meta.title ?? String(i), 'correlations reference each other in a cycle');
      visiting.add(i);
      for (const dep of this.dependents[i] as Ref[]) visit(dep.c);
      visiting.delete(i);
      done.add(i);
    };
    defs.forEach((_, i) => visit(i));

    // generate: a referenced rule or correlation is reported on its own only if some referrer says so.
    const referrers = new Map<string, boolean>();
    for (const d of defs) for (const r of [...d.rules, ...(d.type === 'sequence' ? d.until : [])]) referrers.set(r, (referrers.get(r) ?? false) || d.generate);
    this.hiddenCorrelation = defs.map((d) => {
      const refs = [d.meta.id, d.meta.name].filter((r): r is string => r !== undefined && referrers.has(r));
      return refs.length > 0 && refs.every((r) => referrers.get(r) === false);
    });
    this.hiddenRuleRefs = new Set([...referrers].filter(([r, gen]) => !gen && !byRef.has(r)).map(([r]) => r));

    this.fingerprint = createHash('sha256').update(JSON.stringify(defs)).digest('hex');
    // Where a definition sits (file, line) is not what it means: moving it keeps its state.
    this.defDigests = defs.map((d) => createHash('sha256').update(JSON.stringify({ ...d, meta: { ...d.meta, file: undefined, line: undefined } })).digest('hex'));
    this.ctx = this.makeContext();
  }

  /** Base rules (ids or names, as referenced) whose own matches should not be reported: `generate` is false everywhere they are used. */
  get hiddenRules(): ReadonlySet<string> {
    return this.hiddenRuleRefs;
  }

  /** Whether a correlation's alerts are only inputs of other correlations (not reported). */
  isHidden(def: CorrelationDef): boolean {
    const i = this.defs.indexOf(def);
    return i >= 0 && this.hiddenCorrelation[i] === true;
  }

  /** Position of the last input pushed (what a snapshot reflects); replay from the next one. */
  get position(): number | undefined {
    return this.pos;
  }

  get watermark(): number {
    return this.flushed ? Infinity : this.clocks.watermark;
  }

  push(input: EngineInput, position: number): EngineOutput {
    const result: EngineOutput = { alerts: [], late: [], invalid: [] };
    this.pos = position;
    const bad = (reason: string, id?: string): EngineOutput => this.invalid(result, position, reason, id);
    if (input === null || typeof input !== 'object') return bad('input is not an object');
    const ev = input.event as unknown;
    if (ev === null || typeof ev !== 'object' || Array.isArray(ev)) return bad('event is not an object');
    const event = ev as WeftEvent;
    const weft = event.weft as unknown;
    const id = weft !== null && typeof weft === 'object' ? (weft as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || id === '') return bad('event has no weft.id');
    if (!Array.isArray(input.matches) || !allStrings(input.matches)) return bad('matches is not a list of rule ids/names', id);
    const timing = this.timing(event, weft as SourceFields);
    if (typeof timing === 'string') return bad(timing, id);
    const { t } = timing;
    const wm = this.watermark;
    // A late event still moves its source's clock: the source is delivering, only behind, and
    // holding the watermark lets it catch up instead of losing everything it sends.
    if (!this.flushed) this.clocks.note(timing.source, t, timing.arrived);
    if (t < wm) {
      this.counters.late++;
      result.late.push({ position, id, time: t, watermark: wm });
      return result;
    }
    let relevant = false;
    for (const m of input.matches) if (this.index.has(m)) relevant = true;
    if (relevant) this.buffer.push({ t, id, pos: position, event, matches: [...input.matches] });
    this.drain(this.watermark, result.alerts);
    return result;
  }

  /**
   * An event that matched no rule a correlation uses: it only moves its source's clock, and with it
   * the watermark, so windows close as event time passes whether or not the events that pass it
   * matter to a correlation. Returns the alerts that settles. An event without a usable zoned
   * `@timestamp` moves nothing (it could not be correlation input either).
   */
  observe(event: WeftEvent): CorrelationAlert[] {
    if (this.flushed) return [];
    const weft = (event as { weft?: unknown }).weft;
    const timing = this.timing(event, weft !== null && typeof weft === 'object' ? (weft as SourceFields) : {});
    if (typeof timing === 'string') return [];
    const before = this.watermark;
    this.clocks.note(timing.source, timing.t, timing.arrived);
    const out: CorrelationAlert[] = [];
    if (this.watermark > before) this.drain(this.watermark, out);
    return out;
  }

  /** Per source (`weft.source_id`), how far its clock is behind the newest event time, ms. Empty with one watermark for all. */
  sourceLags(): Map<string, number> {
    return this.clocks.lags();
  }

  /**
   * An event's time on its source's clock (`@timestamp` less the source's skew), its source and when
   * it was received; or why it has none usable.
   */
  private timing(event: WeftEvent, weft: SourceFields): { t: number; source: string; arrived: number } | string {
    const ts = (event as { '@timestamp'?: unknown })['@timestamp'];
    if (typeof ts !== 'string') return 'event has no @timestamp';
    if (!ZONED.test(ts)) return `@timestamp '${ts.slice(0, 64)}' has no time zone`;
    let t = Date.parse(ts);
    if (!Number.isFinite(t)) return `@timestamp '${ts.slice(0, 64)}' is not a valid time`;
    const source = typeof weft.source_id === 'string' ? weft.source_id : '';
    t -= this.skew.get(source) ?? 0;
    const arrived = this.arrival(weft, t);
    // A time far after the event was received is a clock far off or a made-up timestamp: it would
    // move correlation time ahead of every real source and make all their events late.
    if (t - arrived > this.maxAhead) return `@timestamp '${ts.slice(0, 64)}' is ${Math.round((t - arrived) / 1000)} s after the event was received (weft.ingest_time): more than ${Math.round(this.maxAhead / 1000)} s ahead`;
    return { t, source, arrived };
  }

  /** When the event reached Weft (`weft.ingest_time`); an event without one arrives at its own time. */
  private arrival(weft: SourceFields, t: number): number {
    const text = weft.ingest_time;
    if (typeof text !== 'string') return t;
    if (text !== this.arrivalText) {
      this.arrivalText = text;
      this.arrivalMs = Date.parse(text);
    }
    return Number.isFinite(this.arrivalMs) ? this.arrivalMs : t;
  }

  private invalid(result: EngineOutput, position: number, reason: string, id?: string): EngineOutput {
    this.counters.invalid++;
    result.invalid.push(id === undefined ? { position, reason } : { position, id, reason });
    return result;
  }

  /** End of input: the watermark moves to +infinity, every buffered event and open window is settled. */
  flush(): EngineOutput {
    const result: EngineOutput = { alerts: [], late: [], invalid: [] };
    this.flushed = true;
    this.drain(Infinity, result.alerts);
    return result;
  }

  stats(): EngineStats {
    const byTitle = (counts: number[]): Record<string, number> => {
      const o: Record<string, number> = {};
      counts.forEach((n, i) => {
        if (n > 0) o[(this.defs[i] as CorrelationDef).meta.title] = n;
      });
      return o;
    };
    return {
      ...this.counters,
      buffered: this.buffer.size,
      stateEntries: this.states.size,
      timers: this.timers.size,
      missingGroupBy: byTitle(this.missingGroupBy),
      missingValue: byTitle(this.missingValue),
      watermark: this.watermark,
      sources: this.clocks.size,
      heldBackMs: this.flushed ? 0 : this.clocks.heldBackMs,
      ...(this.clocks.heldBy !== undefined && !this.flushed ? { watermarkHeldBy: this.clocks.heldBy } : {}),
      position: this.pos,
    };
  }

  // -------------------------------------------------------------------------------------------------

  private drain(wm: number, out: CorrelationAlert[]): void {
    this.out = out;
    for (;;) {
      const b = this.buffer.peek();
      const tm = this.timers.peek();
      // Events at time T go before deadlines at T: windows include both edges.
      if (b !== undefined && b.t < wm && (tm === undefined || b.t <= tm.t)) {
        this.buffer.pop();
        this.apply(b);
      } else if (tm !== undefined && tm.t < wm) {
        this.timers.pop();
        this.fireTimer(tm);
      } else {
        break;
      }
    }
  }

  private apply(b: Buffered): void {
    this.counters.processed++;
    const q = ++this.seq;
    const st = (b.event.weft as { source_type?: unknown }).source_type;
    const s = typeof st === 'string' ? st : '';
    // Which correlations, at which slots; under which reference each was matched.
    const hits = new Map<number, { slots: number[]; ref: string }>();
    for (const m of b.matches) {
      const refs = this.index.get(m);
      if (!refs) continue;
      for (const r of refs) {
        const h = hits.get(r.c);
        if (!h) hits.set(r.c, { slots: [r.slot], ref: m });
        else if (!h.slots.includes(r.slot)) h.slots.push(r.slot);
      }
    }
    const order = [...hits.keys()].sort(ascending);
    for (const c of order) {
      const h = hits.get(c) as { slots: number[]; ref: string };
      h.slots.sort(ascending);
      this.src = { event: b.event, ref: h.ref, matches: b.matches, group: null };
      this.deliver(c, { t: b.t, q, e: b.id, s, slots: h.slots });
    }
  }

  /** Group keys of the current arrival for correlation c, then the operator. */
  private deliver(c: number, a: Arrival): void {
    const def = this.defs[c] as CorrelationDef;
    let keys: string[] = [String(c)];
    for (const g of def.groupBy) {
      const vals = this.readField(c, g);
      if (vals.length === 0) {
        this.missingGroupBy[c] = (this.missingGroupBy[c] ?? 0) + 1;
        return;
      }
      const next: string[] = [];
      for (const k of keys) {
        for (const v of vals) {
          const sv = String(v);
          if (sv.includes(SEP) || sv.includes(SUB)) continue;
          if (next.length >= this.maxFanout) {
            this.counters.fanoutTruncated++;
            break;
          }
          next.push(k + SEP + sv);
        }
      }
      if (next.length === 0) {
        this.missingGroupBy[c] = (this.missingGroupBy[c] ?? 0) + 1;
        return;
      }
      keys = next;
    }
    const prev = this.cur;
    this.cur = c;
    const op = this.ops[c] as Operator;
    for (const k of keys) op.arrive(this.ctx, k, a);
    this.cur = prev;
  }

  /** A field of the current arrival, for correlation c: aliases, `entity.*`, then the base rule's resolver. */
  private readField(c: number, name: string): Scalar[] {
    const src = this.src;
    let field = name;
    const alias = (this.aliasMaps[c] as Map<string, Map<string, string>>).get(name);
    if (alias !== undefined) {
      let f = alias.get(src.ref);
      for (let i = 0; f === undefined && i < src.matches.length; i++) f = alias.get(src.matches[i] as string);
      if (f === undefined) return [];
      field = f;
    }
    const out: Scalar[] = [];
    if (src.group !== null) {
      const v = src.group[field];
      if (v !== undefined) out.push(v);
      return out;
    }
    pushScalars(this.accessor(src.ref, field)(src.event), out);
    return out;
  }

  private accessor(ref: string, field: string): FieldAccessor {
    let byField = this.accessors.get(ref);
    if (byField === undefined) this.accessors.set(ref, (byField = new Map()));
    let a = byField.get(field);
    if (a === undefined) {
      if (field.startsWith('entity.')) a = fieldAccessor(`weft.${field}`);
      else a = this.resolverFor?.(ref)?.resolve(field).accessor ?? fieldAccessor(field);
      byField.set(field, a);
    }
    return a;
  }

  private fireTimer(tm: Timer): void {
    const s = this.states.get(tm.key);
    if (s === undefined || s.at !== tm.t) return; // superseded or evicted
    s.at = Infinity;
    if (s.due > tm.t) {
      this.schedule(tm.key, s);
      return;
    }
    const c = Number.parseInt(tm.key, 10); // keys start with the correlation's index
    const prev = this.cur;
    this.cur = c;
    this.inTimer = true;
    this.src = { event: null, ref: '', matches: [], group: null };
    (this.ops[c] as Operator).timer(this.ctx, tm.key, s, tm.t);
    this.inTimer = false;
    this.cur = prev;
  }

  private schedule(key: string, s: StateBase): void {
    if (s.due < s.at) {
      s.at = s.due;
      this.timers.push({ t: s.due, key });
    }
  }

  private makeContext(): OpContext {
    return {
      get: <S extends StateBase>(key: string) => this.states.get(key) as S | undefined,
      put: (key, s) => {
        if (!this.inTimer) this.states.delete(key);
        this.states.set(key, s);
        this.schedule(key, s);
        while (this.states.size > this.maxStates) {
          const oldest = this.states.keys().next().value as string;
          this.states.delete(oldest);
          this.counters.evictions++;
        }
      },
      drop: (key) => {
        this.states.delete(key);
      },
      fire: (key, p) => this.fire(key, p),
      sourcesOk: (items, extra) => {
        const need = (this.defs[this.cur] as CorrelationDef).minSources;
        if (need <= 1) return true;
        const seen = new Set<string>(extra);
        for (const it of items) for (const x of typeof it.s === 'string' ? [it.s] : it.s) if (x !== '') seen.add(x);
        return seen.size >= need;
      },
      read: (field) => this.readField(this.cur, field),
      readPath: (path) => {
        const out: Scalar[] = [];
        if (this.src.event !== null) pushScalars(fieldAccessor(path)(this.src.event), out);
        return out;
      },
      missingValue: () => {
        this.missingValue[this.cur] = (this.missingValue[this.cur] ?? 0) + 1;
      },
    };
  }

  private fire(key: string, p: FirePayload): void {
    const c = this.cur;
    const def = this.defs[c] as CorrelationDef;
    const base = key.includes(SUB) ? key.slice(0, key.indexOf(SUB)) : key;
    const parts = base.split(SEP);
    const group: Record<string, string> = {};
    for (let i = 0; i < def.groupBy.length; i++) group[def.groupBy[i] as string] = parts[i + 1] as string;
    const events: string[] = [];
    const seen = new Set<string>();
    const sources = new Set<string>(p.sources);
    let first = Infinity;
    let last = -Infinity;
    for (const it of p.items) {
      for (const e of typeof it.e === 'string' ? [it.e] : it.e) {
        if (seen.has(e)) continue;
        seen.add(e);
        events.push(e);
      }
      for (const x of typeof it.s === 'string' ? [it.s] : it.s) if (x !== '') sources.add(x);
      if (it.t < first) first = it.t;
      if (it.t > last) last = it.t;
    }
    const rule: CorrelationAlert['rule'] = { title: def.meta.title, tags: [...def.meta.tags] };
    if (def.meta.id !== undefined) rule.id = def.meta.id;
    if (def.meta.name !== undefined) rule.name = def.meta.name;
    if (def.meta.level !== undefined) rule.level = def.meta.level;
    const alert: CorrelationAlert = {
      kind: 'correlation',
      rule,
      correlation: { type: def.type },
      group,
      events,
      sources: [...sources].sort(),
      first_time: new Date(first).toISOString(),
      last_time: new Date(last).toISOString(),
      '@timestamp': new Date(p.at).toISOString(),
    };
    if (p.value !== undefined) alert.value = p.value;
    if (p.path !== undefined) alert.path = p.path;
    if (p.omitted !== undefined) alert.omitted_events = p.omitted;
    this.counters.alerts++;
    if (!this.hiddenCorrelation[c]) this.out.push(alert);
    const deps = this.dependents[c] as Ref[];
    if (deps.length === 0) return;
    // Chaining: the alert is a match of this correlation, at the time it fired.
    const savedSrc = this.src;
    const savedTimer = this.inTimer;
    this.inTimer = false;
    const refs = [def.meta.id, def.meta.name].filter((r): r is string => r !== undefined);
    const q = ++this.seq;
    const byC = new Map<number, number[]>();
    for (const d of deps) {
      const l = byC.get(d.c);
      if (l) l.push(d.slot);
      else byC.set(d.c, [d.slot]);
    }
    for (const [dc, slots] of byC) {
      const dd = this.defs[dc] as CorrelationDef;
      const ref = refs.find((r) => dd.rules.includes(r) || (dd.type === 'sequence' && dd.until.includes(r))) ?? '';
      this.src = { event: null, ref, matches: refs, group };
      // State keeps its own copies: the caller owns the alert's arrays.
      this.deliver(dc, { t: p.at, q, e: [...events], s: alert.sources.length === 1 ? (alert.sources[0] as string) : [...alert.sources], slots: [...new Set(slots)].sort(ascending) });
    }
    this.src = savedSrc;
    this.inTimer = savedTimer;
  }

  // -------------------------------------------------------------------------------------------------
  // Checkpoints

  snapshot(): Uint8Array {
    const body: CheckpointBody = {
      rules: this.fingerprint,
      defs: this.defs.map((d, i) => [this.defDigests[i] as string, d.meta.title]),
      position: this.pos ?? null,
      maxSeen: this.clocks.newest,
      clocks: this.clocks.state(),
      flushed: this.flushed,
      seq: this.seq,
      counters: { ...this.counters },
      missingGroupBy: [...this.missingGroupBy],
      missingValue: [...this.missingValue],
      states: [...this.states],
      timers: this.timers.toArray().map((t) => [t.t, t.key] as [number, string]),
    };
    const buffered = this.buffer.toArray().map((b) => ({ t: b.t, id: b.id, pos: b.pos, event: b.event, matches: b.matches }));
    return encodeCheckpoint(body, buffered);
  }

  /**
   * Replace this engine's state with a snapshot. By default the snapshot must come from an engine
   * with the same rules. With `carryOver`, a snapshot taken under other rules is accepted too: the
   * open windows of every correlation defined identically in both carry over, those of changed or
   * removed correlations are dropped, new correlations start empty, and buffered (not yet applied)
   * events are kept, so they reach every current correlation. Nothing changes if it throws.
   */
  restore(bytes: Uint8Array, opts: RestoreOptions = {}): RestoreReport {
    const { body, buffered } = decodeCheckpoint(bytes);
    let remap: Int32Array | undefined;
    const dropped: string[] = [];
    if (body.rules !== this.fingerprint) {
      if (opts.carryOver !== true) throw new CheckpointError('snapshot was taken with a different rule set');
      if (body.defs === undefined) throw new CheckpointError('snapshot was taken with a different rule set and lists no correlations to carry over');
      remap = this.remapFrom(body.defs, dropped);
    }
    const states = new Map<string, StateBase>();
    for (const [key, s] of body.states) {
      const k = remap === undefined ? key : remapKey(key, remap);
      if (k !== undefined) states.set(k, s as StateBase);
    }
    const timers = new MinHeap<Timer>(lessTimer);
    for (const [t, key] of body.timers) {
      const k = remap === undefined ? key : remapKey(key, remap);
      if (k !== undefined) timers.push({ t, key: k });
    }
    const perDef = (old: number[]): number[] => {
      if (remap === undefined) return [...old];
      const out = this.defs.map(() => 0);
      remap.forEach((to, from) => {
        if (to >= 0) out[to] = old[from] ?? 0;
      });
      return out;
    };
    this.pos = body.position ?? undefined;
    this.clocks.restore(body.maxSeen, body.clocks);
    this.flushed = body.flushed;
    this.seq = body.seq;
    this.counters = { ...body.counters };
    this.missingGroupBy = perDef(body.missingGroupBy);
    this.missingValue = perDef(body.missingValue);
    this.states = states;
    this.timers = timers;
    this.buffer = new MinHeap<Buffered>(lessBuffered);
    for (const b of buffered) this.buffer.push(b as Buffered);
    const carried = remap === undefined ? this.defs.length : [...remap].filter((to) => to >= 0).length;
    return { exact: remap === undefined, carried, dropped, started: this.defs.length - carried };
  }

  /** Old correlation index -> new index (-1: changed or removed, its titles go to `dropped`). */
  private remapFrom(old: Array<[string, string]>, dropped: string[]): Int32Array {
    const free = new Map<string, number[]>();
    this.defDigests.forEach((d, i) => {
      const l = free.get(d);
      if (l) l.push(i);
      else free.set(d, [i]);
    });
    const remap = new Int32Array(old.length).fill(-1);
    old.forEach(([digest, title], from) => {
      const to = free.get(digest)?.shift();
      if (to === undefined) dropped.push(title);
      else remap[from] = to;
    });
    return remap;
  }
}

/** A state key with its leading correlation index mapped, or undefined when that correlation is gone. */
function remapKey(key: string, remap: Int32Array): string | undefined {
  let end = 0;
  while (end < key.length && key.charCodeAt(end) >= 48 && key.charCodeAt(end) <= 57) end++;
  const from = Number(key.slice(0, end));
  if (end === 0 || !(from < remap.length)) return undefined;
  const to = remap[from] as number;
  return to < 0 ? undefined : String(to) + key.slice(end);
}

export type { Item };
