/**
 * The fewest characters any match of a regular expression (RE2 syntax) can have, so a value shorter
 * than that is refused without running the regex. SigmaHQ has length tests such as
 * `CommandLine|re: '.{1000,}'`: RE2 runs that as a thousand-state automaton over every command line
 * of the logsource (about 10 us each), while nearly all of them are far shorter.
 *
 * The bound counts code points (a literal, `.`, a class or an escape such as `\d` matches one), and a
 * JavaScript string holds at least as many UTF-16 units as code points, so `s.length < bound` proves
 * that no match exists. Anchors and flag groups count nothing; `?`, `*` and `{0,n}` make their atom
 * count nothing; alternatives count their shortest branch. Anything this reader does not know
 * (backreferences, `\C`, a malformed group) gives 0: no bound, always safe.
 */

class Unknown extends Error {}

/** A lower bound on the code points of any match of `re`; 0 when there is none or it is unclear. */
export function regexMinLength(re: string): number {
  try {
    return new Reader(re).pattern();
  } catch (e) {
    if (e instanceof Unknown) return 0;
    throw e;
  }
}

const REPEAT = /^\{(\d+)(,\d*)?\}/;

class Reader {
  private i = 0;
  constructor(private readonly re: string) {}

  pattern(): number {
    const n = this.alternation();
    if (this.i !== this.re.length) throw new Unknown();
    return n;
  }

  /** Branches separated by `|`, up to a `)` or the end. */
  private alternation(): number {
    let min = this.concatenation();
    while (this.re[this.i] === '|') {
      this.i++;
      min = Math.min(min, this.concatenation());
    }
    return min;
  }

  private concatenation(): number {
    let sum = 0;
    for (;;) {
      const c = this.re[this.i];
      if (c === undefined || c === '|' || c === ')') return sum;
      const atom = this.atom();
      sum += this.repeated(atom);
    }
  }

  /** The atom's count after the quantifier that follows it, if any. */
  private repeated(atom: number): number {
    const re = this.re;
    const c = re[this.i];
    let n = atom;
    if (c === '*' || c === '?') {
      this.i++;
      n = 0;
    } else if (c === '+') {
      this.i++;
    } else if (c === '{') {
      const m = REPEAT.exec(re.slice(this.i, this.i + 16));
      if (m === null) return n; // not a repetition: RE2 reads the '{' as a literal, the next atom
      this.i += m[0].length;
      n = atom * Number(m[1]);
    } else {
      return n;
    }
    if (re[this.i] === '?') this.i++; // lazy
    const next = re[this.i];
    // RE2 refuses a repetition of a repetition (`a**`); compileRegex will have said so.
    if (next === '*' || next === '+' || next === '?' || (next === '{' && REPEAT.test(re.slice(this.i, this.i + 16)))) throw new Unknown();
    return n;
  }

  private atom(): number {
    const re = this.re;
    const c = re[this.i] as string;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        this.skipClass();
        return 1;
      case '\\':
        return this.escape();
      case '^':
      case '$':
        this.i++;
        return 0;
      case '*':
      case '+':
      case '?':
        throw new Unknown();
      default: {
        // One code point (a surrogate pair is one).
        const cp = re.codePointAt(this.i) as number;
        this.i += cp > 0xffff ? 2 : 1;
        return 1;
      }
    }
  }

  private group(): number {
    const re = this.re;
    this.i++;
    if (re[this.i] === '?') {
      // (?flags) sets flags and matches nothing; (?flags:...), (?P<name>...) and (?<name>...) group.
      const m = /^\?(?:([imsU-]*)([:)])|P?<[A-Za-z0-9_]+>)/.exec(re.slice(this.i, this.i + 64));
      if (m === null) throw new Unknown();
      this.i += m[0].length;
      if (m[2] === ')') return 0;
    }
    const n = this.alternation();
    if (re[this.i] !== ')') throw new Unknown();
    this.i++;
    return n;
  }

  /** Past a `[...]` class (RE2: a `]` first is literal; `[:alpha:]` inside). */
  private skipClass(): void {
    const re = this.re;
    let j = this.i + 1;
    if (re[j] === '^') j++;
    if (re[j] === ']') j++;
    for (; j < re.length; j++) {
      const c = re[j];
      if (c === '\\') {
        j++;
      } else if (c === '[' && re[j + 1] === ':') {
        const end = re.indexOf(':]', j + 2);
        if (end < 0) throw new Unknown();
        j = end + 1;
      } else if (c === ']') {
        this.i = j + 1;
        return;
      }
    }
    throw new Unknown();
  }

  /** Past the `{...}` that follows, or else `short` more characters: one code point. */
  private braced(short: number): number {
    if (this.re[this.i] === '{') {
      const end = this.re.indexOf('}', this.i);
      if (end < 0) throw new Unknown();
      this.i = end + 1;
    } else {
      this.i += short;
    }
    return 1;
  }

  private escape(): number {
    const re = this.re;
    const c = re[this.i + 1];
    if (c === undefined) throw new Unknown();
    this.i += 2;
    switch (c) {
      case 'b':
      case 'B':
      case 'A':
      case 'z':
        return 0;
      case 'Q': {
        // Quoted text up to \E (or the end): each of its code points is a literal.
        const end = re.indexOf('\\E', this.i);
        const text = re.slice(this.i, end < 0 ? re.length : end);
        this.i = end < 0 ? re.length : end + 2;
        return [...text].length;
      }
      case 'p':
      case 'P':
        return this.braced(1); // \pL, \p{Greek}
      case 'x':
        return this.braced(2); // \x41, \x{1F600}
      case 'C':
        throw new Unknown();
      default:
        // Backreferences and octal escapes: not worth reading.
        if (c >= '0' && c <= '9') throw new Unknown();
        // \d \s \w and their negations, \n \t and the like, an escaped punctuation mark.
        return 1;
    }
  }
}
