/**
 * User regular expressions (`|re`) run on RE2 (re2js): matching time is linear in the input, so a
 * hostile or careless pattern such as `(a+)+$` cannot stall the engine. Native RegExp is not used for
 * user patterns: proving a backtracking pattern safe is subtle (even `a*a*b` is quadratic per start
 * position), and re2js's DFA path is fast enough for the rule set (about 1 µs per short field).
 */
import { RE2JS } from 're2js';
import { regexMinLength } from './regex-length.js';

export interface RegexFlags {
  /** `i`: case-insensitive. */
  i: boolean;
  /** `m`: `^` and `$` match at line breaks. */
  m: boolean;
  /** `s`: `.` matches newlines. */
  s: boolean;
}

export class SigmaRegexError extends Error {
  constructor(
    readonly pattern: string,
    detail: string,
  ) {
    super(`invalid regular expression '${pattern}': ${detail}`);
    this.name = 'SigmaRegexError';
  }
}

export interface CompiledRegex {
  source: string;
  /** Search semantics (unanchored), as pySigma's matcher and most backends do. */
  test(s: string): boolean;
}

/**
 * Compile a Sigma regular expression. A leading inline `(?i)` (or `(?s)`, `(?m)`, `(?is)`...) is
 * honoured natively by RE2. Features RE2 lacks (lookaround, backreferences) are errors naming the
 * pattern: the Sigma spec excludes them from the supported flavor anyway.
 */
const cache = new Map<string, CompiledRegex>();

export function compileRegex(pattern: string, flags: RegexFlags): CompiledRegex {
  // Validation at load time and compilation later see the same patterns: compile each once.
  const key = `${flags.i ? 'i' : ''}${flags.m ? 'm' : ''}${flags.s ? 's' : ''}/${pattern}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const compiled = compileUncached(pattern, flags);
  const min = regexMinLength(pattern);
  if (cache.size >= 10_000) return { source: compiled.source, test: longEnough(min, compiled.test) };
  // Only a cached pattern keeps answers: one memo per pattern, however often rule sets are rebuilt.
  const kept: CompiledRegex = { source: compiled.source, test: longEnough(min, memoized(compiled.test)) };
  cache.set(key, kept);
  return kept;
}

/** A value shorter than every match is refused without running (or remembering) the regex; `test` itself when there is no bound. */
function longEnough(min: number, test: (s: string) => boolean): (s: string) => boolean {
  return min === 0 ? test : (s) => s.length >= min && test(s);
}

function compileUncached(pattern: string, flags: RegexFlags): CompiledRegex {
  let f = 0;
  if (flags.i) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.m) f |= RE2JS.MULTILINE;
  if (flags.s) f |= RE2JS.DOTALL;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, f);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new SigmaRegexError(pattern, msg.replace(/^error parsing regexp: /, ''));
  }
  return { source: pattern, test: (s) => re.test(s) };
}

/*
 * Answers per pattern for the values it has seen lately. Field values recur (the same command lines,
 * image paths and registry keys come back event after event), and RE2 costs about 12 ns per
 * character plus a few hundred per call (2 us on a 160-character command line) against one map
 * lookup for a value seen before. Rules whose only selection is a regex (no literal to index them
 * by) run on every event of their logsource, so this is where their time goes.
 * Bounded per pattern (MEMO_PER_PATTERN values, then its memo starts over: the values one pattern
 * sees are mostly one field's, and a few thousand distinct command lines is a normal working set)
 * and overall by the characters kept (MEMO_CHARS, then every memo starts over); values over
 * MEMO_MAX_LENGTH are not kept.
 */
const MEMO_PER_PATTERN = 4096;
const MEMO_CHARS = 4_000_000;
const MEMO_MAX_LENGTH = 1024;

interface Memo {
  answers: Map<string, boolean>;
  chars: number;
}
const memos: Memo[] = [];
let memoChars = 0;

/** Characters the regex memos hold now (for tests: never above MEMO_CHARS). */
export function regexMemoChars(): number {
  return memoChars;
}

function memoized(test: (s: string) => boolean): (s: string) => boolean {
  const memo: Memo = { answers: new Map(), chars: 0 };
  memos.push(memo);
  return (s) => {
    if (s.length > MEMO_MAX_LENGTH) return test(s);
    let r = memo.answers.get(s);
    if (r !== undefined) return r;
    r = test(s);
    if (memo.answers.size >= MEMO_PER_PATTERN) {
      memoChars -= memo.chars;
      memo.answers = new Map();
      memo.chars = 0;
    }
    if (memoChars + s.length > MEMO_CHARS) {
      for (const m of memos) {
        m.answers = new Map();
        m.chars = 0;
      }
      memoChars = 0;
    }
    memo.answers.set(s, r);
    memo.chars += s.length;
    memoChars += s.length;
    return r;
  };
}
