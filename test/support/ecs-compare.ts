/**
 * Compare a mapper's output with Elastic's expected output on the leaf fields both documents name.
 * Equality is on values, with three allowances that reflect representation, not meaning:
 * a number equals its decimal string ("7726" vs 7726, ECS keyword vs long across versions);
 * a scalar equals a one-element array (Elastic wrote event.category as a string in old releases);
 * timestamps with zones compare as instants ("...-05:00" vs "...Z"). Arrays of scalars compare as
 * multisets (related.* order is an implementation detail).
 */

export type Flat = Map<string, unknown>;

function isRec(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function flatten(doc: unknown, prefix = '', out: Flat = new Map()): Flat {
  if (!isRec(doc)) return out;
  for (const [k, v] of Object.entries(doc)) {
    const path = prefix.length > 0 ? `${prefix}.${k}` : k;
    if (isRec(v)) {
      if (Object.keys(v).length === 0) continue;
      flatten(v, path, out);
    } else if (v !== null && v !== undefined) out.set(path, v);
  }
  return out;
}

const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function canon(v: unknown): unknown {
  if (typeof v === 'string') {
    if (ZONED.test(v)) return `t:${Date.parse(v)}`;
    if (/^-?\d+(\.\d+)?$/.test(v)) return `n:${Number(v)}`;
    return `s:${v}`;
  }
  if (typeof v === 'number') return `n:${v}`;
  if (typeof v === 'boolean') return `b:${v}`;
  if (Array.isArray(v)) return v.map(canon);
  if (isRec(v)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== null) o[k] = canon(v[k]);
    return o;
  }
  return v;
}

function deepEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    if (a.every((x) => typeof x === 'string') && b.every((x) => typeof x === 'string')) {
      const sa = [...a].sort();
      const sb = [...b].sort();
      return sa.every((x, i) => x === sb[i]);
    }
    // Multiset match: each element of a pairs with a distinct equal element of b.
    const used = new Array<boolean>(b.length).fill(false);
    return a.every((x) => {
      const j = b.findIndex((y, k) => !used[k] && deepEq(x, y));
      if (j < 0) return false;
      used[j] = true;
      return true;
    });
  }
  if (isRec(a) && isRec(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => deepEq(a[k], b[k]));
  }
  return false;
}

export function valuesEqual(actual: unknown, expected: unknown): boolean {
  const a = canon(actual);
  const e = canon(expected);
  if (deepEq(a, e)) return true;
  if (Array.isArray(a) && a.length === 1 && !Array.isArray(e)) return deepEq(a[0], e);
  if (Array.isArray(e) && e.length === 1 && !Array.isArray(a)) return deepEq(a, e[0]);
  return false;
}

export interface Comparison {
  /** Leaf fields both documents name. */
  shared: number;
  /** Of those, how many hold equal values. */
  equal: number;
  /** Leaf fields of the expected document (after exclusions). */
  expected: number;
  mismatches: { field: string; actual: unknown; expected: unknown }[];
  missing: string[];
}

export function compareDocs(actual: unknown, expected: unknown, excluded: (field: string) => boolean): Comparison {
  const a = flatten(actual);
  const e = flatten(expected);
  const r: Comparison = { shared: 0, equal: 0, expected: 0, mismatches: [], missing: [] };
  for (const [field, ev] of e) {
    if (excluded(field)) continue;
    r.expected++;
    if (!a.has(field)) {
      r.missing.push(field);
      continue;
    }
    r.shared++;
    const av = a.get(field);
    if (valuesEqual(av, ev)) r.equal++;
    else r.mismatches.push({ field, actual: av, expected: ev });
  }
  return r;
}

/**
 * Exclusion predicate: `a.b` exact, `a.b.*` a subtree, `*.geo.*` any field with a `geo` segment
 * (GeoIP and ASN enrichment wherever it lands).
 */
export function excluder(patterns: readonly string[]): (field: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const prefixes = patterns.filter((p) => !p.startsWith('*') && p.endsWith('.*')).map((p) => p.slice(0, -1));
  const segments = patterns.filter((p) => p.startsWith('*.')).map((p) => `.${p.slice(2).replace(/\.\*$/, '')}.`);
  return (f) => exact.has(f) || prefixes.some((p) => f.startsWith(p)) || segments.some((s) => `.${f}.`.includes(s));
}
