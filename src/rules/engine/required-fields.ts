/**
 * What an event must have for a rule to match, beyond its logsource and literals: root keys, and
 * fields pinned to exact values.
 *
 * Root keys: which top-level keys an event must have for a rule to match: a CNF over the first segment of
 * event paths (every inner list: one of those root keys must be present).
 *
 * A positive field item (not `neq`) whose values all need a value (anything but `null` and
 * `exists: false`) can only match when the field reads something other than undefined, that is
 * when one of its resolved paths is present; `fieldAccessor` finds a path `a.b.c` under a root key
 * `a` or a literal dotted root key `a.b…`, whose first segment is `a` either way. So when none of
 * those root keys is on the event, the rule cannot match. This prunes the rules whose logsource no
 * pipeline maps (candidates for every event, pySigma-style) when they read fields of another product
 * (`logtype`, `cs-uri`, `objectRef.resource`) and have no string literal to be indexed by.
 *
 * Combination mirrors the condition: AND concatenates, OR keeps one clause per branch (their
 * union), NOT gives nothing. An empty clause means the rule can never match (a field resolved to
 * no path at all).
 */
import type { ConditionNode } from '../sigma/condition.js';
import type { ParsedDetection, SearchNode } from '../sigma/detection.js';
import type { FieldAccessor } from '../../event/field-path.js';
import type { DetectionItem, SigmaValue } from '../sigma/modifiers.js';
import type { FieldResolver } from '../types.js';

type Cnf = string[][];

export function rootSegment(path: string): string {
  const dot = path.indexOf('.');
  return dot < 0 ? path : path.slice(0, dot);
}

function itemClause(item: DetectionItem, resolver: FieldResolver): string[] | null {
  if (item.field === null || item.negated || item.values.length === 0) return null;
  for (const alts of item.values) {
    if (alts.length === 0) return null;
    for (const v of alts) if (v.t === 'null' || (v.t === 'exists' && !v.exists)) return null;
  }
  let paths: string[];
  try {
    paths = resolver.resolve(item.field).paths;
  } catch {
    return null;
  }
  return [...new Set(paths.map(rootSegment))].sort();
}

function smallest(cnf: Cnf): string[] | undefined {
  let best: string[] | undefined;
  for (const c of cnf) if (best === undefined || c.length < best.length) best = c;
  return best;
}

function orOf(branches: Cnf[]): Cnf {
  const union = new Set<string>();
  for (const b of branches) {
    const c = smallest(b);
    if (c === undefined) return [];
    if (c.length === 0) continue; // a branch that can never match adds nothing to the OR
    for (const s of c) union.add(s);
  }
  return [[...union].sort()];
}

function searchCnf(s: SearchNode, resolver: FieldResolver): Cnf {
  if (s.t === 'all') {
    const out: Cnf = [];
    for (const item of s.items) {
      const c = itemClause(item, resolver);
      if (c !== null) out.push(c);
    }
    return out;
  }
  return orOf(s.alts.map((a) => searchCnf(a, resolver)));
}

function conditionCnf(n: ConditionNode, searches: Map<string, Cnf>): Cnf {
  switch (n.t) {
    case 'id':
      return searches.get(n.name) ?? [];
    case 'and':
      return n.args.flatMap((a) => conditionCnf(a, searches));
    case 'or':
      return orOf(n.args.map((a) => conditionCnf(a, searches)));
    case 'not':
    case 'of':
      return [];
  }
}

/** Root-key CNF of a rule's detection under a resolver; deduplicated. */
export function requiredRootKeys(d: ParsedDetection, resolver: FieldResolver): Cnf {
  const searches = new Map<string, Cnf>();
  for (const [name, s] of d.searches) searches.set(name, searchCnf(s, resolver));
  const seen = new Set<string>();
  const out: Cnf = [];
  for (const c of conditionCnf(d.condition, searches)) {
    const k = c.join('\u0000');
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(c);
  }
  return out;
}

/** A field a rule pins to exact values: it can only match when the field holds one of them. */
export interface PinnedField {
  /** Identifies the field's resolution (rules sharing it share one read per event). */
  key: string;
  get: FieldAccessor;
  /** Lowercased texts, compared with the event value lowercased (numbers as their text). */
  values: string[];
}

/** The text an exact, case-insensitive value matches (as the compiler's exact-value sets do). */
function exactText(v: SigmaValue): string | undefined {
  if (v.t === 'str' && !v.cased && v.parts.every((p) => p.t === 'lit')) return (v.parts[0]?.t === 'lit' ? v.parts[0].s : '').toLowerCase();
  if (v.t === 'num' && String(v.n) === v.text) return v.text;
  return undefined;
}

function itemPin(item: DetectionItem, resolver: FieldResolver): PinnedField | null {
  if (item.field === null || item.negated || item.link !== 'or' || item.values.length === 0) return null;
  const values: string[] = [];
  for (const alts of item.values) {
    for (const v of alts) {
      const t = exactText(v);
      if (t === undefined) return null;
      values.push(t);
    }
  }
  let r;
  try {
    r = resolver.resolve(item.field);
  } catch {
    return null;
  }
  return { key: `${item.field}\u0000${r.paths.join('\u0000')}`, get: r.accessor, values: [...new Set(values)] };
}

function searchPins(s: SearchNode, resolver: FieldResolver): PinnedField[] {
  if (s.t === 'all') return s.items.map((i) => itemPin(i, resolver)).filter((p): p is PinnedField => p !== null);
  return s.alts.length === 1 ? searchPins(s.alts[0] as SearchNode, resolver) : [];
}

function conditionPins(n: ConditionNode, searches: Map<string, PinnedField[]>): PinnedField[] {
  if (n.t === 'id') return searches.get(n.name) ?? [];
  if (n.t === 'and') return n.args.flatMap((a) => conditionPins(a, searches));
  return [];
}

/**
 * Fields the rule pins to exact values in every way it can match (AND context only: an OR or a NOT
 * gives nothing), e.g. `EventID: 4624` in `selection and not filter`.
 */
export function pinnedFields(d: ParsedDetection, resolver: FieldResolver): PinnedField[] {
  const searches = new Map<string, PinnedField[]>();
  for (const [name, s] of d.searches) searches.set(name, searchPins(s, resolver));
  return conditionPins(d.condition, searches);
}
