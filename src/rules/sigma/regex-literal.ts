/**
 * The longest literal every match of a regular expression must contain, for the prefilter: any
 * text the regex matches contains it (compared lowercased, so case-insensitive flags do not matter).
 *
 * Deliberately conservative. Only a top-level concatenation is read (a `|` outside groups gives
 * up); groups, classes, `.`, anchors and escapes of letters or digits (`\d`, `\x41`, `\Q`) end the
 * current run without contributing; a quantifier that allows zero (`?`, `*`, `{0,…}`) removes the
 * character before it from the run; `+` and `{n,…}` keep it but end the run. Only ASCII literals are
 * kept (Unicode case folding can change lengths). When anything is unclear, the answer is '' (no
 * literal), which is always safe.
 */

function isAlnum(c: string): boolean {
  return /^[A-Za-z0-9]$/.test(c);
}

/** Index just past a `[...]` class starting at `i` (RE2 syntax: `]` first is literal), or -1. */
function skipClass(re: string, i: number): number {
  let j = i + 1;
  if (re[j] === '^') j++;
  if (re[j] === ']') j++;
  for (; j < re.length; j++) {
    const c = re[j];
    if (c === '\\') j++;
    else if (c === '[' && re[j + 1] === ':') {
      const end = re.indexOf(':]', j + 2);
      if (end < 0) return -1;
      j = end + 1;
    } else if (c === ']') return j + 1;
  }
  return -1;
}

/** Index just past a group starting at `(` at `i`, or -1. */
function skipGroup(re: string, i: number): number {
  let depth = 0;
  for (let j = i; j < re.length; j++) {
    const c = re[j];
    if (c === '\\') {
      j++;
    } else if (c === '[') {
      const end = skipClass(re, j);
      if (end < 0) return -1;
      j = end - 1;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** Length of a quantifier at `i` and whether it allows zero repetitions; null when there is none. */
function quantifier(re: string, i: number): { len: number; zero: boolean } | null {
  const c = re[i];
  let len: number;
  let zero = false;
  if (c === '?' || c === '*') {
    len = 1;
    zero = true;
  } else if (c === '+') {
    len = 1;
  } else if (c === '{') {
    const m = /^\{(\d*)(,\d*)?\}/.exec(re.slice(i));
    if (m === null) return null; // a literal '{' in RE2
    len = m[0].length;
    zero = m[1] === '' || Number(m[1]) === 0;
  } else {
    return null;
  }
  if (re[i + len] === '?' || re[i + len] === '+') len++; // lazy or possessive
  return { len, zero };
}

export function regexLiteral(re: string): string {
  let best = '';
  let run = '';
  const end = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  let i = 0;
  while (i < re.length) {
    const c = re[i] as string;
    let atom: string | null;
    let next: number;
    if (c === '|') return ''; // top-level alternation: no single mandatory literal
    if (c === '(') {
      next = skipGroup(re, i);
      if (next < 0) return '';
      atom = null;
    } else if (c === '[') {
      next = skipClass(re, i);
      if (next < 0) return '';
      atom = null;
    } else if (c === '\\') {
      const e = re[i + 1];
      if (e === undefined) return '';
      next = i + 2;
      atom = isAlnum(e) ? null : e;
    } else if (c === '.' || c === '^' || c === '$') {
      next = i + 1;
      atom = null;
    } else if (c === ')' || c === '*' || c === '+' || c === '?') {
      return ''; // unbalanced or a quantifier with nothing before it: not ours to judge
    } else {
      next = i + 1;
      atom = c;
    }
    const q = quantifier(re, next);
    if (q !== null) next += q.len;
    if (atom === null || atom.charCodeAt(0) > 0x7e || atom.charCodeAt(0) < 0x20) {
      end();
    } else if (q === null) {
      run += atom;
    } else if (q.zero) {
      end();
    } else {
      run += atom;
      end();
    }
    i = next;
  }
  end();
  return best.toLowerCase();
}
