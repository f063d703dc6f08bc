/**
 * User regular expressions (`|re`) run on RE2 (re2js): matching time is linear in the input, so a
 * hostile or careless pattern such as `(a+)+$` cannot stall the engine. Native RegExp is not used for
 * user patterns: proving a backtracking pattern safe is subtle (even `a*a*b` is quadratic per start
 * position), and re2js's DFA path is fast enough for the rule set (about 1 µs per short field).
 */
import { RE2JS } from 're2js';

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
  if (cache.size < 10_000) cache.set(key, compiled);
  return compiled;
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
