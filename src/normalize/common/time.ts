import { isoFromMillis, plainUtcIso } from '../../event/iso-time.js';
import { lookupTable } from '../../event/own-props.js';

/**
 * Time helpers. Every mapper returns `@timestamp` as UTC ISO 8601 with milliseconds. Vendor times
 * without a zone are read in the source's configured zone (IANA name, `UTC`, or a fixed offset).
 */

/** First millisecond of year 10000; Date truncates fractions toward zero, hence the open bounds. */
const MAX_MS_EXCLUSIVE = 253_402_300_800_000;

export function isoMillis(ms: number): string | undefined {
  // Years 1970..9999 exactly, tested on the number instead of building a Date to read its year.
  if (!(ms > -1 && ms < MAX_MS_EXCLUSIVE)) return undefined;
  return isoFromMillis(ms);
}

/** Epoch seconds (possibly fractional, as Zeek writes) to ISO; truncated to milliseconds. */
export function fromEpochSeconds(v: number): string | undefined {
  if (!Number.isFinite(v) || v < 0) return undefined;
  return isoMillis(Math.floor(Math.round(v * 1e6) / 1000));
}

/** Epoch in s, ms, us or ns, judged by magnitude (FortiGate `eventtime` uses all of them). */
export function fromEpochAuto(v: string): string | undefined {
  if (!/^\d{9,19}$/.test(v)) return undefined;
  const digits = v.length;
  if (digits <= 10) return isoMillis(Number(v) * 1000);
  if (digits <= 13) return isoMillis(Number(v));
  // Beyond 2^53 only the leading digits matter for millisecond precision.
  return isoMillis(Number(v.slice(0, 13)));
}

/** An ISO 8601 string with a zone (Z, +hh:mm, +hhmm) to UTC ISO, or undefined. */
export function fromIsoWithZone(s: string): string | undefined {
  // Most vendors write plain UTC (`...Z`, at most milliseconds, after 1970): read it without the
  // regular expression and Date. Everything else, including values Date.UTC would roll over,
  // takes the general path below.
  if (s.length <= 24 && isZulu(s.charCodeAt(s.length - 1)) && from1970(s)) {
    const plain = plainUtcIso(s);
    if (plain !== undefined) return plain;
  }
  const m = ISO_ZONED.exec(s);
  if (m === null) return undefined;
  const frac = m[7] ?? '';
  const ms = frac.length === 0 ? 0 : Math.floor(Number(`0.${frac}`) * 1000 + 1e-6);
  const base = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0'), ms);
  const zone = m[8] as string;
  const off = zone === 'Z' || zone === 'z' ? 0 : offsetMinutes(zone);
  if (off === undefined) return undefined;
  return isoMillis(base - off * 60_000);
}
const isZulu = (c: number): boolean => c === 0x5a || c === 0x7a;
/** The year (four digits, checked by plainUtcIso) is 1970 or later: isoMillis refuses earlier ones. */
const from1970 = (s: string): boolean => s.charCodeAt(0) >= 0x32 || (s.charCodeAt(0) === 0x31 && s.charCodeAt(1) === 0x39 && s.charCodeAt(2) >= 0x37);
const ISO_ZONED = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})$/;

/** `+05:30`, `-0500`, `+09` to minutes east of UTC. */
export function offsetMinutes(s: string): number | undefined {
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(s);
  if (m === null) return undefined;
  const v = Number(m[2]) * 60 + Number(m[3] ?? '0');
  if (v > 18 * 60) return undefined;
  return m[1] === '-' ? -v : v;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      return undefined;
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Offset of an IANA zone (minutes east of UTC) at a UTC instant. */
function zoneOffsetAt(zone: string, utcMs: number): number | undefined {
  const f = formatterFor(zone);
  if (f === undefined) return undefined;
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(utcMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return Math.round((asUtc - (utcMs - (utcMs % 1000))) / 60_000);
}

/** Wall-clock fields in `zone` (IANA, `UTC`, or fixed offset) to UTC ISO. */
export function fromLocal(
  y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, zone: string,
): string | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (zone === 'UTC' || zone === 'Z' || zone === 'Etc/UTC') return isoMillis(wall);
  const fixed = offsetMinutes(zone);
  if (fixed !== undefined) return isoMillis(wall - fixed * 60_000);
  // Two passes settle the offset around DST transitions.
  const o1 = zoneOffsetAt(zone, wall);
  if (o1 === undefined) return undefined;
  const o2 = zoneOffsetAt(zone, wall - o1 * 60_000) ?? o1;
  return isoMillis(wall - o2 * 60_000);
}

const MONTHS: Readonly<Record<string, number>> = lookupTable({
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
});
export function monthNumber(abbrev: string): number | undefined {
  return MONTHS[abbrev];
}
