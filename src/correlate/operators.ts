/**
 * One operator per correlation type. Operators are driven in event-time order by the engine; they keep
 * plain-data state per key (so it snapshots as JSON), set `due` to the next time they must be woken, and
 * fire through the context.
 */
import { evalRuleExpr, hasNegation, isMonotone, positiveSlots, testCondition } from './condition.js';
import { itemOf, overlaps, type Arrival, type FirePayload, type Item, type OpContext, type StateBase } from './state.js';
import type {
  AfterFire,
  CorrelationDef,
  EventCountDef,
  LateralMovementDef,
  NumericCondition,
  ProcessLineageDef,
  SequenceDef,
  SessionDef,
  TemporalDef,
  TemporalOrderedDef,
  ValueAggregateDef,
  ValueCountDef,
} from './types.js';

export interface Operator {
  arrive(ctx: OpContext, key: string, a: Arrival): void;
  /** Called once the watermark has passed `s.due`. */
  timer(ctx: OpContext, key: string, s: StateBase, now: number): void;
}

const earliest = (items: readonly Item[]): number => (items.length === 0 ? Infinity : (items[0] as Item).t);

/** State of an operator whose window either slides with the newest event or is anchored at `start`. */
interface WindowedState extends StateBase {
  items: Item[];
  start: number;
}

/**
 * The end of an arrival for a windowed operator. A sliding window fires as soon as its condition holds
 * (`fired`, computed by the caller only when sliding) and, with `reset`, starts over; it is woken when
 * its newest item leaves. An anchored window waits for its timer at `start + span`.
 */
function settleArrival(ctx: OpContext, key: string, s: WindowedState, o: { sliding: boolean; t: number; span: number; afterFire: AfterFire; fired: FirePayload | undefined }): void {
  if (o.sliding) {
    if (o.fired !== undefined) {
      ctx.fire(key, o.fired);
      if (o.afterFire === 'reset') {
        ctx.drop(key);
        return;
      }
    }
    s.due = o.t + o.span;
  } else {
    s.due = s.start + o.span;
  }
  ctx.put(key, s);
}

// ---------------------------------------------------------------------------------------------------
// event_count, value_count, value_sum, value_avg: a sliding window per key, or a window anchored at
// the group's first event when the condition is not monotone (see README).

interface WindowState extends WindowedState {
  sum: number;
  /** value_count: occurrences per distinct value in the window. */
  counts?: Map<string, number>;
}

type AggregateDef = EventCountDef | ValueCountDef | ValueAggregateDef;

class WindowOperator implements Operator {
  private readonly sliding: boolean;
  constructor(private readonly def: Exclude<AggregateDef, { type: 'value_percentile' }>) {
    this.sliding = isMonotone(def.condition);
  }

  private valueOf(ctx: OpContext): number | string | null | undefined {
    const d = this.def;
    if (d.type === 'event_count') return undefined;
    if (d.type === 'value_count') {
      let key = '';
      for (let i = 0; i < d.fields.length; i++) {
        const v = ctx.read(d.fields[i] as string);
        if (v.length === 0) return null;
        key += (i === 0 ? '' : '\u0001') + String(v[0]);
      }
      return key;
    }
    const v = ctx.read(d.field);
    const n = v.length === 0 ? NaN : typeof v[0] === 'number' ? v[0] : Number(v[0]);
    return Number.isFinite(n) && !(typeof v[0] === 'string' && (v[0] as string).trim() === '') ? n : null;
  }

  private add(s: WindowState, it: Item): void {
    s.items.push(it);
    if (typeof it.v === 'number') s.sum += it.v;
    else if (typeof it.v === 'string' && s.counts) s.counts.set(it.v, (s.counts.get(it.v) ?? 0) + 1);
  }

  private evict(s: WindowState, lo: number): void {
    let n = 0;
    while (n < s.items.length && (s.items[n] as Item).t < lo) {
      const it = s.items[n] as Item;
      if (typeof it.v === 'number') s.sum -= it.v;
      else if (typeof it.v === 'string' && s.counts) {
        const c = (s.counts.get(it.v) ?? 1) - 1;
        if (c === 0) s.counts.delete(it.v);
        else s.counts.set(it.v, c);
      }
      n++;
    }
    if (n > 0) s.items.splice(0, n);
    // A running sum drifts by rounding as values come and go; an empty window restarts it exactly.
    if (s.items.length === 0) s.sum = 0;
  }

  private value(s: WindowState): number {
    switch (this.def.type) {
      case 'event_count':
        return s.items.length;
      case 'value_count':
        return s.counts?.size ?? 0;
      case 'value_sum':
        return s.sum;
      case 'value_avg':
        return s.items.length === 0 ? 0 : s.sum / s.items.length;
    }
    return s.items.length;
  }

  arrive(ctx: OpContext, key: string, a: Arrival): void {
    const v = this.valueOf(ctx);
    if (v === null) {
      ctx.missingValue();
      return;
    }
    let s = ctx.get<WindowState>(key);
    const it = itemOf(a, undefined, v);
    const span = this.def.timespanMs;
    if (s === undefined) {
      // An array literal is allocated at its size; pushing onto [] reserves 17 slots. Most keys hold one item.
      s = { due: Infinity, at: Infinity, items: [it], start: a.t, sum: typeof v === 'number' ? v : 0 };
      if (this.def.type === 'value_count') s.counts = new Map([[v as string, 1]]);
    } else {
      if (this.sliding) this.evict(s, a.t - span);
      this.add(s, it);
    }
    let fired: FirePayload | undefined;
    if (this.sliding) {
      const value = this.value(s);
      if (testCondition(this.def.condition, value) && ctx.sourcesOk(s.items)) fired = { items: s.items, at: a.t, value };
    }
    settleArrival(ctx, key, s, { sliding: this.sliding, t: a.t, span, afterFire: this.def.afterFire, fired });
  }

  timer(ctx: OpContext, key: string, st: StateBase): void {
    const s = st as WindowState;
    ctx.drop(key);
    if (this.sliding) return; // every item has left the window
    const value = this.value(s);
    if (testCondition(this.def.condition, value) && ctx.sourcesOk(s.items)) ctx.fire(key, { items: s.items, at: s.start + this.def.timespanMs, value });
  }
}

// ---------------------------------------------------------------------------------------------------
// value_percentile: decided when the window (anchored at the group's first event) closes. For each
// distinct value, its percentile rank among the window's values: numbers, the share of values <= it;
// other values, the share of values equal to it. Values whose rank meets the condition fire.

interface PercentileState extends StateBase {
  items: Item[];
  start: number;
}

class PercentileOperator implements Operator {
  constructor(private readonly def: ValueAggregateDef) {}

  arrive(ctx: OpContext, key: string, a: Arrival): void {
    const raw = ctx.read(this.def.field);
    if (raw.length === 0) {
      ctx.missingValue();
      return;
    }
    const s = ctx.get<PercentileState>(key) ?? { due: Infinity, at: Infinity, items: [], start: a.t };
    s.items.push(itemOf(a, undefined, raw[0]));
    s.due = s.start + this.def.timespanMs;
    ctx.put(key, s);
  }

  timer(ctx: OpContext, key: string, st: StateBase): void {
    const s = st as PercentileState;
    ctx.drop(key);
    const n = s.items.length;
    const numeric = s.items.every((it) => typeof it.v === 'number');
    const groups = new Map<string, Item[]>();
    for (const it of s.items) {
      const k = typeof it.v === 'number' ? `n${it.v}` : `s${String(it.v)}`;
      const g = groups.get(k);
      if (g) g.push(it);
      else groups.set(k, [it]);
    }
    const sorted = numeric ? s.items.map((it) => it.v as number).sort((x, y) => x - y) : [];
    for (const members of groups.values()) {
      let rank: number;
      if (numeric) {
        const v = (members[0] as Item).v as number;
        let le = 0;
        while (le < sorted.length && (sorted[le] as number) <= v) le++;
        rank = (100 * le) / n;
      } else {
        rank = (100 * members.length) / n;
      }
      if (testCondition(this.def.condition, rank) && ctx.sourcesOk(members)) ctx.fire(key, { items: members, at: s.start + this.def.timespanMs, value: rank });
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// temporal: which referenced rules were seen in the window. Sliding when the condition is monotone
// (all rules, gte/gt, or an expression without `not`); otherwise anchored at the first event of a rule
// the condition needs, and decided when that window closes (absence detection).

interface TemporalState extends WindowedState {
  /** Occurrences per slot in the window. */
  c: number[];
}

class TemporalOperator implements Operator {
  private readonly sliding: boolean;
  private readonly opens: ReadonlySet<number> | null;
  private readonly condition: NumericCondition;
  constructor(private readonly def: TemporalDef) {
    this.condition = def.condition ?? { gte: def.rules.length };
    if (def.expression !== undefined) {
      this.sliding = !hasNegation(def.expression);
      this.opens = this.sliding ? null : positiveSlots(def.expression);
    } else {
      this.sliding = isMonotone(this.condition);
      this.opens = null;
    }
  }

  private met(s: TemporalState): boolean {
    if (this.def.expression !== undefined) return evalRuleExpr(this.def.expression, s.c);
    let distinct = 0;
    for (const n of s.c) if (n > 0) distinct++;
    return testCondition(this.condition, distinct);
  }

  private distinct(s: TemporalState): number {
    let d = 0;
    for (const n of s.c) if (n > 0) d++;
    return d;
  }

  arrive(ctx: OpContext, key: string, a: Arrival): void {
    let s = ctx.get<TemporalState>(key);
    if (s === undefined) {
      if (this.opens !== null && !opensWindow(this.opens, a.slots)) return; // nothing to be absent from
      s = { due: Infinity, at: Infinity, items: [], c: new Array<number>(this.def.rules.length).fill(0), start: a.t };
    }
    const span = this.def.timespanMs;
    if (this.sliding) {
      let n = 0;
      while (n < s.items.length && (s.items[n] as Item).t < a.t - span) {
        const k = (s.items[n] as Item).k as number;
        s.c[k] = (s.c[k] as number) - 1;
        n++;
      }
      if (n > 0) s.items.splice(0, n);
    }
    for (const k of a.slots) {
      s.items.push(itemOf(a, k));
      s.c[k] = (s.c[k] as number) + 1;
    }
    const fired = this.sliding && this.met(s) && ctx.sourcesOk(s.items) ? { items: dedupe(s.items), at: a.t, value: this.distinct(s) } : undefined;
    settleArrival(ctx, key, s, { sliding: this.sliding, t: a.t, span, afterFire: this.def.afterFire, fired });
  }

  timer(ctx: OpContext, key: string, st: StateBase): void {
    const s = st as TemporalState;
    ctx.drop(key);
    if (this.sliding) return;
    if (this.met(s) && ctx.sourcesOk(s.items)) ctx.fire(key, { items: dedupe(s.items), at: s.start + this.def.timespanMs, value: this.distinct(s) });
  }
}

function opensWindow(opens: ReadonlySet<number>, slots: readonly number[]): boolean {
  for (const k of slots) if (opens.has(k)) return true;
  return false;
}

/** The same occurrence may fill several slots; report it once. */
function dedupe(items: readonly Item[]): Item[] {
  const out: Item[] = [];
  let lastQ = -1;
  for (const it of items) {
    if (it.q === lastQ) continue;
    out.push(it);
    lastQ = it.q;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// temporal_ordered: an occurrence of the last rule completes the correlation when earlier occurrences
// of the other rules, in order, lie within the timespan before it. Chosen backwards, latest first,
// which keeps the first occurrence as late as possible.

interface OrderedState extends StateBase {
  items: Item[];
}

class OrderedOperator implements Operator {
  constructor(private readonly def: TemporalOrderedDef) {}

  arrive(ctx: OpContext, key: string, a: Arrival): void {
    const last = this.def.rules.length - 1;
    const span = this.def.timespanMs;
    const s = ctx.get<OrderedState>(key) ?? { due: Infinity, at: Infinity, items: [] };
    let n = 0;
    while (n < s.items.length && (s.items[n] as Item).t < a.t - span) n++;
    if (n > 0) s.items.splice(0, n);
    if (a.slots.includes(last)) {
      const chain: Item[] = [itemOf(a, last)];
      let q = a.q;
      let idx = s.items.length - 1;
      for (let k = last - 1; k >= 0 && chain.length > 0; k--) {
        while (idx >= 0 && ((s.items[idx] as Item).k !== k || (s.items[idx] as Item).q >= q)) idx--;
        if (idx < 0) chain.length = 0;
        else {
          const it = s.items[idx] as Item;
          chain.unshift(it);
          q = it.q;
        }
      }
      if (chain.length === last + 1 && ctx.sourcesOk(chain)) {
        ctx.fire(key, { items: chain, at: a.t, value: chain.length });
        if (this.def.afterFire === 'reset') {
          ctx.drop(key);
          return;
        }
      }
    }
    for (const k of a.slots) if (k !== last) s.items.push(itemOf(a, k));
    if (s.items.length === 0) {
      ctx.drop(key);
      return;
    }
    s.due = (s.items[s.items.length - 1] as Item).t + span;
    ctx.put(key, s);
  }

  timer(ctx: OpContext, key: string): void {
    ctx.drop(key);
  }
}

// ---------------------------------------------------------------------------------------------------
// sequence (Weft): ordered steps within `maxspan` of the first; at most one pending sequence per step
// reached (the newest), as EQL does; an `until` rule cancels every pending sequence of the group.

interface SequenceState extends StateBase {
  /** p[i]: the pending sequence that has completed steps 0..i. */
  p: Array<Item[] | null>;
}

class SequenceOperator implements Operator {
  constructor(private readonly def: SequenceDef) {}

  private setDue(s: SequenceState): boolean {
    let due = Infinity;
    for (const c of s.p) if (c !== null) due = Math.min(due, earliest(c) + this.def.maxspanMs);
    s.due = due;
    return due !== Infinity;
  }

  arrive(ctx: OpContext, key: string, a: Arrival): void {
    const steps = this.def.rules.length;
    let s = ctx.get<SequenceState>(key);
    if (a.slots.includes(-1) && s !== undefined) {
      ctx.drop(key);
      s = undefined;
    }
    if (s === undefined) {
      if (!a.slots.includes(0)) return;
      s = { due: Infinity, at: Infinity, p: new Array<Item[] | null>(steps - 1).fill(null) };
    }
    for (let i = a.slots.length - 1; i >= 0; i--) {
      const j = a.slots[i] as number;
      if (j < 0) continue;
      if (j === 0) {
        s.p[0] = [itemOf(a, 0)];
        continue;
      }
      const prev = s.p[j - 1];
      if (prev === null || prev === undefined || a.t - earliest(prev) > this.def.maxspanMs) continue;
      const chain = [...prev, itemOf(a, j)];
      s.p[j - 1] = null;
      if (j < steps - 1) {
        s.p[j] = chain;
        continue;
      }
      if (!ctx.sourcesOk(chain)) continue;
      ctx.fire(key, { items: chain, at: a.t, value: chain.length });
      if (this.def.afterFire === 'reset') s.p.fill(null);
    }
    if (this.setDue(s)) ctx.put(key, s);
    else ctx.drop(key);
  }

  timer(ctx: OpContext, key: string, st: StateBase, now: number): void {
    const s = st as SequenceState;
    for (let i = 0; i < s.p.length; i++) {
      const c = s.p[i];
      if (c !== null && c !== undefined && earliest(c) + this.def.maxspanMs <= now) s.p[i] = null;
    }
    if (this.setDue(s)) ctx.put(key, s);
    else ctx.drop(key);
  }
}

// ---------------------------------------------------------------------------------------------------
// session (Weft): all matches of a key until a gap of inactivity; reported when the session closes.

interface SessionState extends StateBase {
  start: number;
  last: number;
  items: Item[];
  omitted: number;
  /** Distinct sources, including those of omitted events. */
  src: string[];
}

class SessionOperator implements Operator {
  constructor(private readonly def: SessionDef) {}

  private close(ctx: OpContext, key: string, s: SessionState): void {
    ctx.drop(key);
    const count = s.items.length + s.omitted;
    if (this.def.condition !== undefined && !testCondition(this.def.condition, count)) return;
    if (!ctx.sourcesOk(s.items, s.src)) return;
    const p = { items: s.items, at: s.last, value: count, sources: s.src };
    ctx.fire(key, s.omitted > 0 ? { ...p, omitted: s.omitted } : p);
  }

  arrive(ctx: OpContext, key: string, a: Arrival): void {
    let s = ctx.get<SessionState>(key);
    if (s !== undefined && a.t - s.start > this.def.maxDurationMs) {
      this.close(ctx, key, s);
      s = undefined;
    }
    if (s === undefined) s = { due: Infinity, at: Infinity, start: a.t, last: a.t, items: [itemOf(a)], omitted: 0, src: [] };
    else if (s.items.length < this.def.maxEvents) s.items.push(itemOf(a));
    else s.omitted++;
    for (const x of typeof a.s === 'string' ? [a.s] : a.s) if (x !== '' && !s.src.includes(x)) s.src.push(x);
    s.last = a.t;
    s.due = a.t + this.def.gapMs;
    ctx.put(key, s);
  }

  timer(ctx: OpContext, key: string, st: StateBase): void {
    this.close(ctx, key, st as SessionState);
  }
}

// ---------------------------------------------------------------------------------------------------
// lateral_movement (Weft): logons of one account form paths A -> B -> C when each hop starts from the
// host the previous one reached, all within the timespan of the first hop.

interface Hop {
  i: Item;
  /** Identifiers of the node the logon came from, and of the host it reached. */
  f: string[];
  d: string[];
}

interface LateralState extends StateBase {
  paths: Hop[][];
}

function scalars(v: ReadonlyArray<string | number>, out: string[]): void {
  for (const x of v) {
    // Host names differ in case across sources (WorkstationName is upper case, host.name lower).
    const s = String(x).toLowerCase();
    if (s !== '' && s !== '-' && !out.includes(s)) out.push(s);
  }
}

/** Drop paths whose first hop is before `lo`. */
function expirePaths(s: LateralState, lo: number): void {
  let w = 0;
  for (const p of s.paths) if ((p[0] as Hop).i.t >= lo) s.paths[w++] = p;
  s.paths.length = w;
}

function oldestPath(s: LateralState): number {
  let t = Infinity;
  for (const p of s.paths) t = Math.min(t, (p[0] as Hop).i.t);
  return t;
}

function visits(path: readonly Hop[], node: readonly string[]): boolean {
  for (const h of path) if (overlaps(h.f, node) || overlaps(h.d, node)) return true;
  return false;
}

class LateralOperator implements Operator {
  constructor(private readonly def: LateralMovementDef) {}

  arrive(ctx: OpContext, key: string, a: Arrival): void {
    const from: string[] = [];
    const to: string[] = [];
    for (const f of this.def.sourceFields) scalars(ctx.read(f), from);
    for (const f of this.def.targetFields) scalars(ctx.read(f), to);
    if (from.length === 0 || to.length === 0) {
      ctx.missingValue();
      return;
    }
    if (overlaps(from, to)) return; // a local logon is no movement
    const span = this.def.timespanMs;
    const s = ctx.get<LateralState>(key) ?? { due: Infinity, at: Infinity, paths: [] };
    expirePaths(s, a.t - span);
    let best: Hop[] | null = null;
    for (const p of s.paths) {
      const end = p[p.length - 1] as Hop;
      if (!overlaps(end.d, from) || visits(p, to)) continue; // no cycles
      if (best === null || p.length > best.length) best = p;
    }
    const path = [...(best ?? []), { i: itemOf(a), f: from, d: to }];
    s.paths.push(path);
    if (s.paths.length > this.def.maxPaths) s.paths.splice(0, s.paths.length - this.def.maxPaths);
    const items: Item[] = [];
    const nodes = [(path[0] as Hop).f[0] as string];
    for (const h of path) {
      items.push(h.i);
      nodes.push(h.d[0] as string);
    }
    if (path.length >= this.def.minHops && ctx.sourcesOk(items)) {
      ctx.fire(key, { items, at: a.t, value: path.length, path: nodes });
      if (this.def.afterFire === 'reset') {
        ctx.drop(key);
        return;
      }
    }
    s.due = oldestPath(s) + span;
    ctx.put(key, s);
  }

  timer(ctx: OpContext, key: string, st: StateBase, now: number): void {
    const s = st as LateralState;
    // Paths whose first hop is exactly one timespan old can no longer be extended: the watermark passed.
    expirePaths(s, now - this.def.timespanMs + 1);
    if (s.paths.length === 0) {
      ctx.drop(key);
      return;
    }
    s.due = oldestPath(s) + this.def.timespanMs;
    ctx.put(key, s);
  }
}

// ---------------------------------------------------------------------------------------------------
// process_lineage (Weft): step i+1's process is a child of step i's process. A process is known by
// `process.entity_id`, and by host + pid; its parent by `process.parent.entity_id`, and host + ppid.
// State is kept per (group, process identity): the chains that end at that process.

interface LineageState extends StateBase {
  c: Array<Item[] | null>;
  /** All identities of this process (entity id, host + pid): a consumed chain is cleared under each. */
  ids: string[];
}

const HOST_PATHS = ['host.id', 'host.name', 'host.hostname'];

class LineageOperator implements Operator {
  constructor(private readonly def: ProcessLineageDef) {}

  private identities(ctx: OpContext, entityPath: string, pidPath: string): string[] {
    const out: string[] = [];
    const ent = ctx.readPath(entityPath);
    if (ent.length > 0 && String(ent[0]) !== '') out.push(`e:${String(ent[0])}`);
    const pid = ctx.readPath(pidPath);
    if (pid.length > 0) {
      for (const hp of HOST_PATHS) {
        const h = ctx.readPath(hp);
        if (h.length > 0) {
          out.push(`p:${String(h[0]).toLowerCase()}|${String(pid[0])}`);
          break;
        }
      }
    }
    return out;
  }

  private setDue(s: LineageState): boolean {
    let due = Infinity;
    for (const c of s.c) if (c !== null) due = Math.min(due, earliest(c) + this.def.timespanMs);
    s.due = due;
    return due !== Infinity;
  }

  private store(ctx: OpContext, key: string, ids: readonly string[], stage: number, chain: Item[]): void {
    for (const id of ids) {
      const k = `${key}\u0002${id}`;
      const s = ctx.get<LineageState>(k) ?? { due: Infinity, at: Infinity, c: new Array<Item[] | null>(this.def.rules.length - 1).fill(null), ids: [] };
      s.c[stage] = chain;
      for (const x of ids) if (!s.ids.includes(x)) s.ids.push(x);
      this.setDue(s);
      ctx.put(k, s);
    }
  }

  arrive(ctx: OpContext, key: string, a: Arrival): void {
    const steps = this.def.rules.length;
    const self = this.identities(ctx, 'process.entity_id', 'process.pid');
    const parent = (a.slots[a.slots.length - 1] as number) > 0 ? this.identities(ctx, 'process.parent.entity_id', 'process.parent.pid') : [];
    if (self.length === 0 && parent.length === 0) {
      ctx.missingValue();
      return;
    }
    for (let i = a.slots.length - 1; i >= 0; i--) {
      const j = a.slots[i] as number;
      if (j === 0) {
        if (self.length > 0) this.store(ctx, key, self, 0, [itemOf(a, 0)]);
        continue;
      }
      let chain: Item[] | null = null;
      let from = '';
      for (const pid of parent) {
        const k = `${key}\u0002${pid}`;
        const c = ctx.get<LineageState>(k)?.c[j - 1];
        if (c !== null && c !== undefined && a.t - earliest(c) <= this.def.timespanMs && a.t >= (c[c.length - 1] as Item).t) {
          chain = [...c, itemOf(a, j)];
          from = k;
          break;
        }
      }
      if (chain === null) continue;
      if (j < steps - 1) {
        if (self.length > 0) this.store(ctx, key, self, j, chain);
        continue;
      }
      if (!ctx.sourcesOk(chain)) continue;
      ctx.fire(key, { items: chain, at: a.t, value: chain.length });
      if (this.def.afterFire === 'reset') {
        for (const id of ctx.get<LineageState>(from)?.ids ?? []) {
          const k = `${key}\u0002${id}`;
          const s = ctx.get<LineageState>(k);
          if (s === undefined) continue;
          s.c[j - 1] = null;
          if (this.setDue(s)) ctx.put(k, s);
          else ctx.drop(k);
        }
      }
    }
  }

  timer(ctx: OpContext, key: string, st: StateBase, now: number): void {
    const s = st as LineageState;
    for (let i = 0; i < s.c.length; i++) {
      const c = s.c[i];
      if (c !== null && c !== undefined && earliest(c) + this.def.timespanMs <= now) s.c[i] = null;
    }
    if (this.setDue(s)) ctx.put(key, s);
    else ctx.drop(key);
  }
}

export function operatorFor(def: CorrelationDef): Operator {
  switch (def.type) {
    case 'event_count':
    case 'value_count':
    case 'value_sum':
    case 'value_avg':
      return new WindowOperator(def);
    case 'value_percentile':
      return new PercentileOperator(def);
    case 'temporal':
      return new TemporalOperator(def);
    case 'temporal_ordered':
      return new OrderedOperator(def);
    case 'sequence':
      return new SequenceOperator(def);
    case 'session':
      return new SessionOperator(def);
    case 'lateral_movement':
      return new LateralOperator(def);
    case 'process_lineage':
      return new LineageOperator(def);
  }
}
