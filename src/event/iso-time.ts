/**
 * ISO 8601 UTC formatting for the ingest hot path. `new Date(ms).toISOString()` goes through V8's
 * date cache and a C++ formatter on every event; here the calendar date is computed once per day
 * (events arrive roughly in time order) and the time of day is written as character codes. The output
 * is byte-identical to `toISOString()` for every instant it accepts.
 */

const MS_PER_DAY = 86_400_000;
/** First millisecond of year 10000: beyond it toISOString switches to the `+0YYYYY` form. */
const MAX_MS_EXCLUSIVE = 253_402_300_800_000;

const TWO: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

let cachedDay = Number.NaN;
/** The cached day's `YYYY-MM-DDT` as character codes (years 0000-9999: always 11). */
let prefixCodes: number[] = [];

/**
 * The last string isoFromMillis or plainUtcIso returned. A mapper's `@timestamp` is nearly always the
 * last time it formatted, so the pipeline's validation of it is one string comparison, not a re-parse.
 */
let lastIso = '';

/** `YYYY-MM-DDT` of a day number since the epoch (days-from-civil inverse, proleptic Gregorian). */
function datePrefix(day: number): string {
  // Howard Hinnant's civil_from_days, for day >= 0 (1970 onward).
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${TWO[m] as string}-${TWO[d] as string}T`;
}

/**
 * `new Date(ms).toISOString()` for an integer or fractional epoch-millisecond value; instants before
 * 1970 or from year 10000 on (and non-finite values) take the Date path, which throws for invalid ones
 * exactly as before.
 */
export function isoFromMillis(ms: number): string {
  if (!(ms >= 0 && ms < MAX_MS_EXCLUSIVE)) return (lastIso = new Date(ms).toISOString());
  // Date truncates fractional milliseconds toward zero; for ms >= 0 that is floor.
  const t = Math.floor(ms);
  const day = Math.floor(t / MS_PER_DAY);
  if (day !== cachedDay) {
    const prefix = datePrefix(day);
    prefixCodes = Array.from({ length: prefix.length }, (_, i) => prefix.charCodeAt(i));
    cachedDay = day;
  }
  // The time of day fits 32 bits: integer remainders and divisions, not floating-point ones.
  const rest = (t - day * MS_PER_DAY) | 0;
  const milli = rest % 1000;
  const secs = (rest / 1000) | 0;
  const sec = secs % 60;
  const mins = (secs / 60) | 0;
  const min = mins % 60;
  const hour = (mins / 60) | 0;
  const p = prefixCodes;
  // One flat string from character codes: a template literal of seven parts costs twice as much,
  // and leaves a rope that each later reader flattens.
  return (lastIso = String.fromCharCode(
    p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, p[7]!, p[8]!, p[9]!, p[10]!,
    48 + ((hour / 10) | 0), 48 + (hour % 10), 0x3a, 48 + ((min / 10) | 0), 48 + (min % 10), 0x3a,
    48 + ((sec / 10) | 0), 48 + (sec % 10), 0x2e, 48 + ((milli / 100) | 0), 48 + (((milli / 10) | 0) % 10), 48 + (milli % 10), 0x5a,
  ));
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Two ASCII digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The `toISOString()` form of a plain UTC timestamp `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z]`, read
 * without Date: every field in its calendar range, fraction cut to milliseconds. Anything else
 * (offsets, out-of-range fields that Date would roll over, other layouts) returns undefined so the
 * caller keeps its general parser; where this returns a value it equals what
 * `new Date(Date.parse(<s cut to ms, with Z>)).toISOString()` gives.
 */
export function plainUtcIso(s: string): string | undefined {
  const n = s.length;
  if (n < 19) return undefined;
  const sep = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d || (sep !== 0x54 && sep !== 0x20) || s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a) return undefined;
  const yHi = two(s, 0);
  const yLo = two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  const h = two(s, 11);
  const mi = two(s, 14);
  const sec = two(s, 17);
  if (yHi < 0 || yLo < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined;
  const y = yHi * 100 + yLo;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (mo === 2 && leap ? 29 : (DAYS_IN_MONTH[mo] as number))) return undefined;
  let i = 19;
  let digits = -1;
  if (i < n && s.charCodeAt(i) === 0x2e) {
    let end = i + 1;
    while (end < n && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
    digits = end - i - 1;
    if (digits === 0) return undefined;
    i = end;
  }
  if (i < n) {
    const z = s.charCodeAt(i);
    if ((z !== 0x5a && z !== 0x7a) || i + 1 !== n) return undefined;
  }
  // Already canonical (what toISOString itself wrote): reuse the string. Checked before the
  // fraction is cut out, since nearly every timestamp a mapper writes takes this path.
  if (n === 24 && sep === 0x54 && i === 24 && s.charCodeAt(23) === 0x5a) return (lastIso = s);
  // Seven-digit fractions (Windows SystemTime) and other long ones: cut after the milliseconds.
  if (sep === 0x54 && digits >= 3) return (lastIso = `${s.slice(0, 23)}Z`);
  const frac = digits < 0 ? '000' : digits >= 3 ? s.slice(20, 23) : digits === 2 ? `${s.slice(20, 22)}0` : `${s.slice(20, 21)}00`;
  return (lastIso = sep === 0x54 ? `${s.slice(0, 19)}.${frac}Z` : `${s.slice(0, 10)}T${s.slice(11, 19)}.${frac}Z`);
}

/**
 * Whether `s` is a valid instant as `toISOString()` writes it: the last string this module formatted
 * (canonical by construction), or one plainUtcIso returns unchanged. Expanded years (`+010000-...`)
 * are recognized only as the last string formatted; otherwise the caller's general parser decides.
 */
export function isCanonicalUtcIso(s: string): boolean {
  return s === lastIso || plainUtcIso(s) === s;
}
