/**
 * Compile a loaded Sigma rule into a predicate over a normalized event. Everything is decided once,
 * here: accessors are resolved, needles lowercased, globs turned into startsWith/endsWith/includes,
 * regexes compiled. Evaluating an event allocates nothing except for array-valued fields.
 */
import type { FieldAccessor } from '../../event/field-path.js';
import type { EventPredicate, FieldResolver, MatchDetail, RuleRejection } from '../types.js';
import type { ConditionNode } from './condition.js';
import { conditionIdentifiers } from './condition.js';
import type { ParsedDetection, SearchNode } from './detection.js';
import { anyKeywordKnown, eventText, keywordPresent } from './event-text.js';
import { compileContainsAny } from './multi-contains.js';
import { cidrContains } from './ip.js';
import { MAX_EXPANSION, type DetectionItem, type SigmaValue, type TimePart } from './modifiers.js';
import { compileRegex } from './regex.js';
import { regexLiteral } from './regex-literal.js';
import type { CompiledRule, SigmaFilter, SigmaRule } from './types.js';
import { compileGlob, longestLiteral, normalizeParts, parseSigmaString, surroundWithAny, type StringPart } from './wildcard.js';

export interface CompileOptions {
  resolver: FieldResolver;
  /** Values for `expand` placeholders (`%Workstations%` -> ['ws-*', ...]), as Sigma strings. */
  placeholders?: Record<string, string[]>;
  /** Sigma filters; those naming this rule (by id or name) with a compatible logsource are applied. */
  filters?: SigmaFilter[];
}

export class CompileError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CompileError';
  }
}

type Pred = (ev: unknown) => boolean;
/** A test of one scalar element of a field value; `low` is its lowercased text (undefined for objects). */
type ElemTest = (x: unknown, low: string | undefined) => boolean;
/** A test of the whole field value (missing, arrays included). */
type ValueTest = (v: unknown, ev: unknown) => boolean;

/**
 * Lowercased field values, shared by every rule that reads the same value of the same event: a
 * thousand rules testing `Image` lowercase it once, not a thousand times. V8 caches a string's hash
 * in the string, so the lookup for the same value object is cheap. Bounded: cleared when full.
 */
const lowerCache = new Map<string, string>();
const LOWER_CACHE_MAX = 20_000;
const LOWER_CACHE_MAX_LEN = 8192;

function lowerStr(s: string): string {
  if (s.length > LOWER_CACHE_MAX_LEN) return s.toLowerCase();
  let l = lowerCache.get(s);
  if (l === undefined) {
    l = s.toLowerCase();
    if (lowerCache.size >= LOWER_CACHE_MAX) lowerCache.clear();
    lowerCache.set(s, l);
  }
  return l;
}

function lowerOf(x: unknown): string | undefined {
  if (typeof x === 'string') return lowerStr(x);
  if (typeof x === 'number' || typeof x === 'bigint') return String(x);
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  return undefined;
}

function textOf(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return String(x);
  return undefined;
}

function numberOf(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isNaN(x) ? undefined : x;
  if (typeof x === 'bigint') return Number(x);
  if (typeof x === 'string' && x.trim() !== '') {
    const n = Number(x);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

/** A timestamp part (UTC) of a date value: ISO string, or epoch milliseconds. */
export function timePart(x: unknown, part: TimePart): number | undefined {
  let d: Date;
  if (typeof x === 'number') d = new Date(x);
  else if (typeof x === 'string') d = new Date(x);
  else if (x instanceof Date) d = x;
  else return undefined;
  if (Number.isNaN(d.getTime())) return undefined;
  switch (part) {
    case 'minute': return d.getUTCMinutes();
    case 'hour': return d.getUTCHours();
    case 'day': return d.getUTCDate();
    case 'week': return isoWeek(d);
    case 'month': return d.getUTCMonth() + 1;
    case 'year': return d.getUTCFullYear();
  }
}

/** Expand `%name%` parts with configured values (each a Sigma string). */
function expandPlaceholders(parts: StringPart[], placeholders: Record<string, string[]>, line: number): StringPart[][] {
  let out: StringPart[][] = [[]];
  for (const p of parts) {
    if (p.t !== 'ph') {
      out = out.map((o) => [...o, p]);
      continue;
    }
    const values = placeholders[p.name];
    if (values === undefined) throw new CompileError(`placeholder '%${p.name}%' has no value (configure it in placeholders)`, line);
    if (values.length === 0) throw new CompileError(`placeholder '%${p.name}%' has an empty value list`, line);
    const parsed = values.map(parseSigmaString);
    if (out.length * parsed.length > MAX_EXPANSION) {
      throw new CompileError(`placeholder '%${p.name}%' would expand the value to more than ${MAX_EXPANSION} alternatives`, line);
    }
    out = out.flatMap((o) => parsed.map((v) => [...o, ...v]));
  }
  return out.map(normalizeParts);
}

interface Ctx {
  resolver: FieldResolver;
  placeholders: Record<string, string[]>;
  fields: Set<string>;
  paths: Set<string>;
  /** A keyword search (a detection item without a field) was compiled. */
  keywords: boolean;
}

function accessorFor(ctx: Ctx, field: string, line: number): FieldAccessor {
  let r;
  try {
    r = ctx.resolver.resolve(field);
  } catch (e) {
    throw new CompileError(`field '${field}' cannot be resolved: ${(e as Error).message}`, line);
  }
  ctx.fields.add(field);
  for (const p of r.paths) ctx.paths.add(p);
  return r.accessor;
}

/** Expand placeholders in every alternative of a written value. */
function expandValue(alts: SigmaValue[], ctx: Ctx, line: number): SigmaValue[] {
  return alts.flatMap((v) =>
    v.t === 'str' && v.parts.some((p) => p.t === 'ph')
      ? expandPlaceholders(v.parts, ctx.placeholders, line).map((parts) => ({ ...v, parts }))
      : [v],
  );
}

function elemTest(v: SigmaValue, item: DetectionItem): ElemTest | null {
  switch (v.t) {
    case 'str': {
      if (v.cased) {
        const g = compileGlob(v.parts, false);
        return (x) => {
          const s = textOf(x);
          return s !== undefined && g(s);
        };
      }
      const g = compileGlob(v.parts, true);
      return (_x, low) => low !== undefined && g(low);
    }
    case 'num': {
      const n = v.n;
      const text = v.text.toLowerCase();
      return (x, low) => (typeof x === 'number' ? x === n : low === text);
    }
    case 'bool': {
      const b = v.b;
      const text = String(b);
      return (x, low) => x === b || low === text;
    }
    case 're': {
      let re;
      try {
        re = compileRegex(v.source, v.flags);
      } catch (e) {
        throw new CompileError((e as Error).message, item.line);
      }
      return (x) => {
        const s = textOf(x);
        return s !== undefined && re.test(s);
      };
    }
    case 'cidr': {
      const c = v.cidr;
      return (x) => typeof x === 'string' && cidrContains(c, x);
    }
    case 'cmp': {
      const n = v.n;
      switch (v.op) {
        case 'lt': return (x) => { const a = numberOf(x); return a !== undefined && a < n; };
        case 'lte': return (x) => { const a = numberOf(x); return a !== undefined && a <= n; };
        case 'gt': return (x) => { const a = numberOf(x); return a !== undefined && a > n; };
        case 'gte': return (x) => { const a = numberOf(x); return a !== undefined && a >= n; };
      }
      break;
    }
    case 'time': {
      const { part, n } = v;
      return (x) => timePart(x, part) === n;
    }
    default:
      return null;
  }
  return null;
}

function wholeTest(v: SigmaValue, ctx: Ctx, item: DetectionItem): ValueTest {
  switch (v.t) {
    case 'null':
      return (x) => x === undefined || x === null;
    case 'exists': {
      const want = v.exists;
      return (x) => (x !== undefined) === want;
    }
    case 'fieldref': {
      const other = accessorFor(ctx, v.field, item.line);
      const { start, end } = v;
      const cmp = (a: string, b: string): boolean =>
        start && end ? a.includes(b) : start ? a.startsWith(b) : end ? a.endsWith(b) : a === b;
      const anyPair = (a: unknown, b: unknown): boolean => {
        if (Array.isArray(a)) {
          for (const el of a) if (anyPair(el, b)) return true;
          return false;
        }
        if (Array.isArray(b)) {
          for (const el of b) if (anyPair(a, el)) return true;
          return false;
        }
        const la = lowerOf(a);
        const lb = lowerOf(b);
        return la !== undefined && lb !== undefined && cmp(la, lb);
      };
      return (x, ev) => {
        if (x === undefined || x === null) return false;
        const y = other(ev);
        return y !== undefined && y !== null && anyPair(x, y);
      };
    }
    default:
      throw new CompileError(`internal: no whole-value test for ${v.t}`, item.line);
  }
}

/** OR (or AND) of element tests over a field value; arrays match element-wise. */
function elemGroup(tests: ElemTest[], link: 'and' | 'or'): ValueTest {
  if (link === 'or') {
    if (tests.length === 1) {
      const t = tests[0] as ElemTest;
      const one = (x: unknown): boolean => t(x, lowerOf(x));
      return (v) => {
        if (v === undefined || v === null) return false;
        if (Array.isArray(v)) {
          for (const el of v) if (one(el)) return true;
          return false;
        }
        return one(v);
      };
    }
    const any = (x: unknown): boolean => {
      const low = lowerOf(x);
      for (const t of tests) if (t(x, low)) return true;
      return false;
    };
    return (v) => {
      if (v === undefined || v === null) return false;
      if (Array.isArray(v)) {
        for (const el of v) if (any(el)) return true;
        return false;
      }
      return any(v);
    };
  }
  return (v) => {
    if (v === undefined || v === null) return false;
    if (Array.isArray(v)) {
      // Each value must match some element (AND of per-value ORs, as pySigma links them).
      for (const t of tests) {
        let hit = false;
        for (const el of v) {
          if (t(el, lowerOf(el))) {
            hit = true;
            break;
          }
        }
        if (!hit) return false;
      }
      return true;
    }
    const low = lowerOf(v);
    for (const t of tests) if (!t(v, low)) return false;
    return true;
  };
}

function orElem(tests: ElemTest[]): ElemTest {
  if (tests.length === 1) return tests[0] as ElemTest;
  return (x, low) => {
    for (const t of tests) if (t(x, low)) return true;
    return false;
  };
}

/** Keyword values: every string of the event is searched (contains semantics, as pySigma does). */
function keywordTest(v: SigmaValue, item: DetectionItem): Pred {
  if (v.t === 'num') v = { t: 'str', parts: parseSigmaString(v.text), cased: false };
  if (v.t === 'str') {
    const parts = surroundWithAny(v.parts, true, true);
    const mid = parts.slice(1, -1);
    if (!v.cased && mid.length === 1 && mid[0]?.t === 'lit' && !mid[0].s.includes('\u0000')) {
      const needle = mid[0].s.toLowerCase();
      return (ev) => keywordPresent(ev, needle);
    }
    const g = compileGlob(parts, !v.cased);
    const anyString = (list: string[]): boolean => {
      for (const s of list) if (g(s)) return true;
      return false;
    };
    if (v.cased) return (ev) => anyString(eventText(ev).raw);
    return (ev) => anyString(eventText(ev).lower);
  }
  if (v.t === 're') {
    let re;
    try {
      re = compileRegex(v.source, v.flags);
    } catch (e) {
      throw new CompileError((e as Error).message, item.line);
    }
    return (ev) => {
      for (const s of eventText(ev).raw) if (re.test(s)) return true;
      return false;
    };
  }
  throw new CompileError(`keyword search cannot use a ${v.t} value`, item.line);
}

function anyOf(preds: Pred[]): Pred {
  if (preds.length === 1) return preds[0] as Pred;
  return (ev) => {
    for (const p of preds) if (p(ev)) return true;
    return false;
  };
}
function allOf(preds: Pred[]): Pred {
  if (preds.length === 1) return preds[0] as Pred;
  return (ev) => {
    for (const p of preds) if (!p(ev)) return false;
    return true;
  };
}

function anyValueTest(tests: ValueTest[]): ValueTest {
  return (x, ev) => {
    for (const t of tests) if (t(x, ev)) return true;
    return false;
  };
}
function allValueTests(tests: ValueTest[]): ValueTest {
  return (x, ev) => {
    for (const t of tests) if (!t(x, ev)) return false;
    return true;
  };
}

const MULTI_CONTAINS_MIN = 16;

/** The lowercased needle of a case-insensitive `*text*` value, if it is one. */
function containsNeedle(v: SigmaValue): string | undefined {
  if (v.t !== 'str' || v.cased || v.parts.length !== 3) return undefined;
  const [a, b, c] = v.parts;
  return a?.t === 'any' && b?.t === 'lit' && c?.t === 'any' ? b.s.toLowerCase() : undefined;
}

/** A keyword value searchable as one needle over the NUL-joined event text (keywords are contains). */
function keywordNeedle(v: SigmaValue): string | undefined {
  if (v.t !== 'str' || v.cased) return undefined;
  const mid = surroundWithAny(v.parts, true, true).slice(1, -1);
  const only = mid[0];
  return mid.length === 1 && only?.t === 'lit' && !only.s.includes('\u0000') ? only.s.toLowerCase() : undefined;
}

/** The lowercased text an exact, case-insensitive value matches, if it is one. */
function exactKey(v: SigmaValue): string | undefined {
  if (v.t === 'str' && !v.cased && v.parts.every((p) => p.t === 'lit')) return (v.parts[0]?.t === 'lit' ? v.parts[0].s : '').toLowerCase();
  if (v.t === 'num' && String(v.n) === v.text) return v.text;
  return undefined;
}

function compileItem(item: DetectionItem, ctx: Ctx): { pred: Pred; literals: string[][] } {
  const values = item.values.map((alts) => expandValue(alts, ctx, item.line));
  const literals = item.negated ? [] : itemLiterals(values, item.link);
  if (item.field === null) {
    ctx.keywords = true;
    let rest = values;
    const preds: Pred[] = [];
    if (item.link === 'or') {
      const needles = values.flatMap((alts) => alts.map(keywordNeedle)).filter((n): n is string => n !== undefined);
      if (needles.length >= MULTI_CONTAINS_MIN) {
        const any = compileContainsAny(needles);
        preds.push((ev) => anyKeywordKnown(needles) ?? any(eventText(ev).joinedLower));
        rest = values.map((alts) => alts.filter((v) => keywordNeedle(v) === undefined)).filter((alts) => alts.length > 0);
      }
    }
    const perValue = rest.map((alts) => anyOf(alts.map((v) => keywordTest(v, item))));
    if (item.link === 'and') return { pred: allOf(perValue), literals };
    return { pred: anyOf([...preds, ...perValue]), literals };
  }
  const acc = accessorFor(ctx, item.field, item.line);
  // Written values whose alternatives are all element tests are grouped so the field is read and
  // lowercased once per item; null / exists / fieldref test the whole value.
  const elemValues: ElemTest[] = [];
  const whole: ValueTest[] = [];
  let rest = values;
  if (item.link === 'or') {
    // Long OR lists of exact values (domains, file names, event ids) become one Set lookup.
    const exact = new Set<string>();
    for (const alts of values) for (const v of alts) if (exactKey(v) !== undefined) exact.add(exactKey(v) as string);
    if (exact.size >= 8) {
      elemValues.push((_x, low) => low !== undefined && exact.has(low));
      rest = rest.map((alts) => alts.filter((v) => exactKey(v) === undefined)).filter((alts) => alts.length > 0);
    }
    // Long OR lists of `contains` needles (hashes, tool names) become one q-gram scan.
    const needles = rest.flatMap((alts) => alts.map(containsNeedle)).filter((n): n is string => n !== undefined);
    if (needles.length >= MULTI_CONTAINS_MIN) {
      const any = compileContainsAny(needles);
      elemValues.push((_x, low) => low !== undefined && any(low));
      rest = rest.map((alts) => alts.filter((v) => containsNeedle(v) === undefined)).filter((alts) => alts.length > 0);
    }
  }
  for (const alts of rest) {
    const ets = alts.map((v) => elemTest(v, item));
    if (ets.every((t): t is ElemTest => t !== null)) {
      elemValues.push(orElem(ets));
    } else {
      const vts: ValueTest[] = alts.map((v, i) => {
        const et = ets[i];
        return et ? elemGroup([et], 'or') : wholeTest(v, ctx, item);
      });
      whole.push(vts.length === 1 ? (vts[0] as ValueTest) : anyValueTest(vts));
    }
  }
  const tests: ValueTest[] = [];
  if (elemValues.length > 0) tests.push(elemGroup(elemValues, item.link));
  tests.push(...whole);
  let inner: ValueTest;
  if (tests.length === 1) inner = tests[0] as ValueTest;
  else if (item.link === 'and') inner = allValueTests(tests);
  else inner = anyValueTest(tests);
  const pred: Pred = item.negated ? (ev) => !inner(acc(ev), ev) : (ev) => inner(acc(ev), ev);
  return { pred, literals };
}

/** Prefilter literals of one item (CNF clauses), see CompiledRule.requiredLiterals. */
function itemLiterals(values: SigmaValue[][], link: 'and' | 'or'): string[][] {
  const clauseOf = (alts: SigmaValue[]): string[] | null => {
    const out: string[] = [];
    for (const v of alts) {
      if (v.t === 're') {
        const l = regexLiteral(v.source);
        if (l === '') return null;
        out.push(l);
        continue;
      }
      if (v.t !== 'str') return null;
      const l = longestLiteral(v.parts).toLowerCase();
      if (l === '') return null;
      out.push(l);
    }
    return out;
  };
  if (link === 'and') {
    return values.map(clauseOf).filter((c): c is string[] => c !== null);
  }
  const all: string[] = [];
  for (const alts of values) {
    const c = clauseOf(alts);
    if (c === null) return [];
    all.push(...c);
  }
  return all.length > 0 ? [all] : [];
}

/**
 * A clause's worth as a prefilter: its shortest literal (the longer, the rarer in text; lengths past
 * `cap` count as `cap`), then fewer literals. The rule index ranks anchors with it too.
 */
export function clauseScore(c: readonly string[], cap = Infinity): number {
  let min = Infinity;
  for (const s of c) min = Math.min(min, s.length);
  return Math.min(min, cap) * 1000 - c.length;
}

/** At most this many clauses come out of one OR (the product of the clauses kept per branch). */
const OR_CLAUSES = 16;
/** Clauses whose shortest literal is this short are never added beyond a branch's best: the rule
 *  index leaves such clauses out anyway (a 1-2 character literal is in nearly every event). */
const OR_MIN_SCORE = 3000;

/**
 * The CNF an OR implies, from its branches' CNFs: (A and B) or (C and D) implies (A or C), (A or D),
 * (B or C) and (B or D), one clause per choice of a clause in each branch, each the union of the
 * chosen ones. A branch without a requirement leaves none. Every branch gives its best clause (the
 * single clause this used to keep); more clauses are added best first while the product stays
 * within OR_CLAUSES. They matter where the best clauses are common: `(\powershell.exe and Pester)
 * or (\cmd.exe and pester and help)` used to require only one of the image names, which every cmd
 * event has; now it also requires `pester`.
 */
function orLiterals(branches: string[][][]): string[][] {
  const ranked: string[][][] = [];
  for (const b of branches) {
    if (b.length === 0) return [];
    // Stable: among equal scores the earlier clause comes first, as before.
    ranked.push([...b].sort((x, y) => clauseScore(y) - clauseScore(x)));
  }
  if (ranked.length === 0) return [];
  const keep = ranked.map(() => 1);
  let product = 1;
  for (;;) {
    let grow = -1;
    let bestScore = OR_MIN_SCORE - 1;
    for (let i = 0; i < ranked.length; i++) {
      const r = ranked[i] as string[][];
      const k = keep[i] as number;
      if (k >= r.length || (product / k) * (k + 1) > OR_CLAUSES) continue;
      const score = clauseScore(r[k] as string[]);
      if (score > bestScore) {
        bestScore = score;
        grow = i;
      }
    }
    if (grow < 0) break;
    const k = keep[grow] as number;
    product = (product / k) * (k + 1);
    keep[grow] = k + 1;
  }
  let out: string[][] = [[]];
  for (let i = 0; i < ranked.length; i++) {
    const next: string[][] = [];
    for (const partial of out) for (let k = 0; k < (keep[i] as number); k++) next.push([...partial, ...((ranked[i] as string[][])[k] as string[])]);
    out = next;
  }
  return out.map((c) => [...new Set(c)]);
}

function compileSearch(s: SearchNode, ctx: Ctx): { pred: Pred; literals: string[][] } {
  if (s.t === 'all') {
    const parts = s.items.map((i) => compileItem(i, ctx));
    return { pred: allOf(parts.map((p) => p.pred)), literals: parts.flatMap((p) => p.literals) };
  }
  const parts = s.alts.map((a) => compileSearch(a, ctx));
  return { pred: anyOf(parts.map((p) => p.pred)), literals: orLiterals(parts.map((p) => p.literals)) };
}

interface CompiledDetection {
  pred: Pred;
  literals: string[][];
  searches: Map<string, Pred>;
}

function compileDetection(d: ParsedDetection, ctx: Ctx): CompiledDetection {
  const used = conditionIdentifiers(d.condition);
  const searches = new Map<string, Pred>();
  const lits = new Map<string, string[][]>();
  for (const [name, s] of d.searches) {
    if (!used.has(name)) continue;
    const c = compileSearch(s, ctx);
    searches.set(name, c.pred);
    lits.set(name, c.literals);
  }
  const build = (n: ConditionNode): { pred: Pred; literals: string[][] } => {
    switch (n.t) {
      case 'id':
        return { pred: searches.get(n.name) as Pred, literals: lits.get(n.name) ?? [] };
      case 'not': {
        const inner = build(n.arg).pred;
        return { pred: (ev) => !inner(ev), literals: [] };
      }
      case 'and': {
        const parts = n.args.map(build);
        return { pred: allOf(parts.map((p) => p.pred)), literals: parts.flatMap((p) => p.literals) };
      }
      case 'or': {
        const parts = n.args.map(build);
        return { pred: anyOf(parts.map((p) => p.pred)), literals: orLiterals(parts.map((p) => p.literals)) };
      }
      case 'of':
        throw new CompileError("internal: unresolved 'of' in condition", 0);
    }
  };
  const { pred, literals } = build(d.condition);
  return { pred, literals, searches };
}

/**
 * The search identifiers whose value a match of the condition settles: in `sel and not 1 of
 * filter_*`, a match means `sel` is true and every filter false, so explaining it needs none of
 * them evaluated again (a SigmaHQ rule has up to twenty filters). Terms under an `or` that must
 * hold, or an `and` that must fail, settle nothing. An identifier settled both ways (a condition
 * no event satisfies) is left to evaluate.
 */
export function impliedByMatch(cond: ConditionNode): Map<string, boolean> {
  const known = new Map<string, boolean>();
  const conflicting = new Set<string>();
  const settle = (n: ConditionNode, value: boolean): void => {
    switch (n.t) {
      case 'id': {
        const was = known.get(n.name);
        if (was !== undefined && was !== value) conflicting.add(n.name);
        known.set(n.name, value);
        return;
      }
      case 'not':
        settle(n.arg, !value);
        return;
      case 'and':
        if (value) for (const a of n.args) settle(a, true);
        return;
      case 'or':
        if (!value) for (const a of n.args) settle(a, false);
        return;
      case 'of':
        return;
    }
  };
  settle(cond, true);
  for (const name of conflicting) known.delete(name);
  return known;
}

/** Does a filter apply to a rule: named by id or name, and every logsource key it sets is the rule's. */
export function filterApplies(f: SigmaFilter, rule: SigmaRule): boolean {
  const named = f.rules.some((r) => r === rule.id || (rule.name !== undefined && r === rule.name));
  if (!named) return false;
  for (const k of ['category', 'product', 'service'] as const) {
    const want = f.logsource[k];
    if (want !== undefined && want !== rule.logsource[k]) return false;
  }
  return true;
}

function dedupeClauses(clauses: string[][]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const c of clauses) {
    const u = [...new Set(c)].sort();
    const key = u.join('\u0000');
    if (u.length === 0 || seen.has(key)) continue;
    seen.add(key);
    out.push(u);
  }
  return out;
}

export function compileRule(rule: SigmaRule, opts: CompileOptions): CompiledRule | RuleRejection {
  const ctx: Ctx = { resolver: opts.resolver, placeholders: opts.placeholders ?? {}, fields: new Set(), paths: new Set(), keywords: false };
  try {
    const main = compileDetection(rule.parsed, ctx);
    const applied = (opts.filters ?? []).filter((f) => filterApplies(f, rule));
    let predicate: EventPredicate = main.pred;
    if (applied.length > 0) {
      const exclusions = applied.map((f) => compileDetection(f.parsed, ctx).pred);
      const base = main.pred;
      const excluded = anyOf(exclusions);
      predicate = (ev) => base(ev) && !excluded(ev);
    }
    const searches = main.searches;
    const implied = impliedByMatch(rule.parsed.condition);
    const selections = (event: unknown): string[] => {
      const out: string[] = [];
      for (const [name, p] of searches) {
        const known = implied.get(name);
        if (known === true || (known === undefined && p(event))) out.push(name);
      }
      return out;
    };
    const explain = (event: unknown): MatchDetail | null => (predicate(event) ? { selections: selections(event) } : null);
    return {
      rule,
      predicate,
      explain,
      selections,
      requiredLiterals: dedupeClauses(main.literals),
      fields: [...ctx.fields],
      eventPaths: [...ctx.paths],
      keywordSearch: ctx.keywords,
      appliedFilters: applied.map((f) => f.title),
    };
  } catch (e) {
    if (e instanceof CompileError) {
      const r: RuleRejection = { file: rule.file, line: e.line || rule.line, reason: e.message };
      if (rule.id !== undefined) r.ruleId = rule.id;
      return r;
    }
    throw e;
  }
}

export function isRejection(r: CompiledRule | RuleRejection): r is RuleRejection {
  return (r as RuleRejection).reason !== undefined && (r as CompiledRule).predicate === undefined;
}
