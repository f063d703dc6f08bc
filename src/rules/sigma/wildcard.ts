/**
 * Sigma string values: wildcards `*` and `?`, backslash escapes, and `%placeholder%` parts, parsed
 * once; and the case-folded glob matchers compiled from them (no regular expressions involved).
 */

/** One part of a Sigma string: literal text, a wildcard, or a placeholder to expand later. */
export type StringPart =
  | { t: 'lit'; s: string }
  | { t: 'any' }
  | { t: 'one' }
  | { t: 'ph'; name: string };

/**
 * Parse a Sigma string (rules spec, "Escape Character"): `\*`, `\?` and `\\` escape; a backslash
 * before any other character (or at the end) is a literal backslash, so `C:\Windows\` stays intact.
 */
export function parseSigmaString(raw: string): StringPart[] {
  const parts: StringPart[] = [];
  let acc = '';
  const flush = (): void => {
    if (acc.length > 0) parts.push({ t: 'lit', s: acc });
    acc = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '\\') {
      const n = raw[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        acc += n;
        i++;
      } else {
        acc += c;
      }
    } else if (c === '*') {
      flush();
      parts.push({ t: 'any' });
    } else if (c === '?') {
      flush();
      parts.push({ t: 'one' });
    } else {
      acc += c;
    }
  }
  flush();
  return normalizeParts(parts);
}

/** Merge adjacent literals and collapse runs of `*`, so matchers see a canonical form. */
export function normalizeParts(parts: StringPart[]): StringPart[] {
  const out: StringPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.t === 'lit') {
      if (p.s.length === 0) continue;
      if (last?.t === 'lit') out[out.length - 1] = { t: 'lit', s: last.s + p.s };
      else out.push(p);
    } else if (p.t === 'any' && last?.t === 'any') {
      continue;
    } else {
      out.push(p);
    }
  }
  return out;
}

export function hasWildcards(parts: StringPart[]): boolean {
  return parts.some((p) => p.t === 'any' || p.t === 'one');
}

export function hasPlaceholders(parts: StringPart[]): boolean {
  return parts.some((p) => p.t === 'ph');
}

/** The plain text of a string without wildcards or placeholders. */
export function plainText(parts: StringPart[]): string {
  let s = '';
  for (const p of parts) if (p.t === 'lit') s += p.s;
  return s;
}

/** Render back to Sigma syntax (for messages and explain output). */
export function renderSigmaString(parts: StringPart[]): string {
  let s = '';
  for (const p of parts) {
    if (p.t === 'lit') s += p.s.replace(/[\\*?]/g, (c) => '\\' + c);
    else if (p.t === 'any') s += '*';
    else if (p.t === 'one') s += '?';
    else s += `%${p.name}%`;
  }
  return s;
}

/** Wildcards at both ends, as `contains` and keyword searches do (pySigma adds them if absent). */
export function surroundWithAny(parts: StringPart[], start: boolean, end: boolean): StringPart[] {
  const out = parts.slice();
  if (start && out[0]?.t !== 'any') out.unshift({ t: 'any' });
  if (end && out[out.length - 1]?.t !== 'any') out.push({ t: 'any' });
  return out;
}

/** A test of one string (already lowercased unless the matcher is case-sensitive). */
export type StringTest = (s: string) => boolean;

/**
 * Compile a glob to a string test. `fold` lowercases the needle: the caller passes a lowercased
 * haystack (once per field value, shared by every needle of the group).
 * Simple shapes become `===`, `startsWith`, `endsWith`, `includes`; anything else a segment scan that
 * is linear in practice and never backtracks: `*`-separated segments of fixed length are matched
 * leftmost-first, which is exact for globs.
 */
export function compileGlob(parts: StringPart[], fold: boolean): StringTest {
  if (hasPlaceholders(parts)) throw new Error('placeholder left in a string to match');
  const f = (s: string): string => (fold ? s.toLowerCase() : s);
  // Split into segments separated by `*`; each segment is a list of literal / `?` items.
  const segs: Array<Array<string | null>> = [[]];
  for (const p of parts) {
    if (p.t === 'any') segs.push([]);
    else if (p.t === 'one') (segs[segs.length - 1] as Array<string | null>).push(null);
    else if (p.t === 'lit') (segs[segs.length - 1] as Array<string | null>).push(f(p.s));
  }
  const simple = segs.every((s) => s.every((x) => x !== null));
  if (simple) {
    const lits = segs.map((s) => (s as string[]).join(''));
    if (lits.length === 1) {
      const a = lits[0] as string;
      return (s) => s === a;
    }
    if (lits.length === 2) {
      const [a, b] = lits as [string, string];
      if (a === '' && b === '') return () => true;
      if (b === '') return (s) => s.startsWith(a);
      if (a === '') return (s) => s.endsWith(b);
      return (s) => s.length >= a.length + b.length && s.startsWith(a) && s.endsWith(b);
    }
    if (lits.length === 3 && lits[0] === '' && lits[2] === '') {
      const m = lits[1] as string;
      return (s) => s.includes(m);
    }
  }
  const compiled = segs.map(segmentMatcher);
  const first = compiled[0] as Segment;
  const last = compiled[compiled.length - 1] as Segment;
  const middle = compiled.slice(1, -1);
  if (compiled.length === 1) return (s) => s.length === first.len && first.at(s, 0);
  const minLen = compiled.reduce((n, c) => n + c.len, 0);
  return (s) => {
    if (s.length < minLen) return false;
    if (!first.at(s, 0)) return false;
    const end = s.length - last.len;
    if (!last.at(s, end)) return false;
    let pos = first.len;
    for (const seg of middle) {
      const at = seg.find(s, pos, end);
      if (at < 0) return false;
      pos = at + seg.len;
    }
    return pos <= end;
  };
}

interface Segment {
  len: number;
  /** Does the segment match at position i? */
  at(s: string, i: number): boolean;
  /** Leftmost i in [from, limit - len] where it matches, else -1. */
  find(s: string, from: number, limit: number): number;
}

function segmentMatcher(items: Array<string | null>): Segment {
  const len = items.reduce((n, x) => n + (x === null ? 1 : x.length), 0);
  if (items.every((x) => x !== null)) {
    const lit = items.join('');
    return {
      len,
      at: (s, i) => s.startsWith(lit, i),
      find: (s, from, limit) => {
        const i = s.indexOf(lit, from);
        return i >= 0 && i + len <= limit ? i : -1;
      },
    };
  }
  const at = (s: string, i: number): boolean => {
    let p = i;
    for (const x of items) {
      if (x === null) {
        if (p >= s.length) return false;
        p++;
      } else {
        if (!s.startsWith(x, p)) return false;
        p += x.length;
      }
    }
    return true;
  };
  return {
    len,
    at,
    find: (s, from, limit) => {
      for (let i = from; i + len <= limit; i++) if (at(s, i)) return i;
      return -1;
    },
  };
}

/** The longest literal run of a glob: every matching string contains it (for prefilters). */
export function longestLiteral(parts: StringPart[]): string {
  let best = '';
  for (const p of parts) if (p.t === 'lit' && p.s.length > best.length) best = p.s;
  return best;
}
