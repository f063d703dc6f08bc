/**
 * Wall-clock time in a configured zone to UTC, for formats that carry no zone (RFC 3164, Fortinet
 * `date=`/`time=`). Zones are IANA names (resolved through Intl) or fixed offsets.
 */

export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const FIXED_OFFSET = /^(?:UTC|GMT|Z)?([+-])(\d{1,2})(?::?(\d{2}))?$/;

/** Zone abbreviations seen after Cisco timestamps (`09:34:34 EDT:`); offsets in minutes east of UTC. */
const ABBREVIATIONS: ReadonlyMap<string, number> = new Map([
  ['UTC', 0], ['GMT', 0], ['Z', 0], ['WET', 0], ['WEST', 60], ['BST', 60], ['CET', 60], ['CEST', 120],
  ['EET', 120], ['EEST', 180], ['MSK', 180], ['IST', 330], ['JST', 540], ['KST', 540], ['AEST', 600],
  ['AEDT', 660], ['NZST', 720], ['NZDT', 780], ['HST', -600], ['AKST', -540], ['AKDT', -480],
  ['PST', -480], ['PDT', -420], ['MST', -420], ['MDT', -360], ['CST', -360], ['CDT', -300],
  ['EST', -300], ['EDT', -240], ['AST', -240], ['ADT', -180],
]);

export function zoneAbbreviationOffset(abbr: string): number | undefined {
  return ABBREVIATIONS.get(abbr);
}

/**
 * Epoch milliseconds of a UTC civil time, by integer arithmetic (H. Hinnant's days_from_civil): the
 * hot path of every zone-less syslog stamp, and unlike Date.UTC it does not remap years 0-99.
 */
export function civilUtcMs(y: number, m: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146097 + doe - 719468) * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000 + ms;
}

interface IanaZone {
  format: Intl.DateTimeFormat;
  /** Offset (minutes) per UTC hour: offsets only change on transitions, which fall on whole hours or half hours. */
  cache: Map<number, number>;
}

const ianaZones = new Map<string, IanaZone | null>();
const fixedZones = new Map<string, number | null>();

/** Minutes east of UTC for a fixed-offset spelling (`+02:00`, `-0800`, `UTC`, `Z`), or undefined. */
export function parseFixedOffset(zone: string): number | undefined {
  const cached = fixedZones.get(zone);
  if (cached !== undefined) return cached ?? undefined;
  let minutes: number | null = null;
  if (zone === 'UTC' || zone === 'GMT' || zone === 'Z' || zone === 'Etc/UTC') minutes = 0;
  else {
    const m = FIXED_OFFSET.exec(zone);
    if (m) {
      const h = Number(m[2]);
      const mi = m[3] === undefined ? 0 : Number(m[3]);
      if (h <= 18 && mi < 60) minutes = (m[1] === '-' ? -1 : 1) * (h * 60 + mi);
    }
  }
  if (fixedZones.size < 1024) fixedZones.set(zone, minutes);
  return minutes ?? undefined;
}

function ianaZone(zone: string): IanaZone | null {
  let z = ianaZones.get(zone);
  if (z !== undefined) return z;
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    z = { format, cache: new Map() };
  } catch {
    z = null;
  }
  if (ianaZones.size < 256) ianaZones.set(zone, z);
  return z;
}

function ianaOffsetAt(z: IanaZone, utcMs: number): number {
  // Cache by quarter hour so zones with :30/:45 transitions stay exact.
  const key = Math.floor(utcMs / 900_000);
  const hit = z.cache.get(key);
  if (hit !== undefined) return hit;
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const part of z.format.formatToParts(new Date(utcMs))) {
    switch (part.type) {
      case 'year': y = Number(part.value); break;
      case 'month': mo = Number(part.value); break;
      case 'day': d = Number(part.value); break;
      case 'hour': h = Number(part.value); break;
      case 'minute': mi = Number(part.value); break;
      case 'second': s = Number(part.value); break;
      default: break;
    }
  }
  const asUtc = civilUtcMs(y, mo, d, h === 24 ? 0 : h, mi, s, 0);
  const offset = Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
  if (z.cache.size > 4096) z.cache.clear();
  z.cache.set(key, offset);
  return offset;
}

/** True when the zone is a fixed offset or an IANA name this runtime knows. */
export function isKnownZone(zone: string): boolean {
  return parseFixedOffset(zone) !== undefined || ianaZone(zone) !== null;
}

/** Is this a real calendar date (no 31 April, no 29 February in a common year)? */
export function validDate(year: number, month: number, day: number): boolean {
  // Years below 1000 are never real log times, and Date.UTC would read 0-99 as 1900-1999.
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const days = month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28)
    : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/**
 * UTC epoch milliseconds for a wall-clock time in `zone`, or undefined if the zone is unknown.
 * A wall time in a DST gap still resolves (with the offset in force after the gap); in an overlap the
 * earlier instant wins.
 */
export function wallClockToUtc(wall: WallClock, zone: string): number | undefined {
  const naive = civilUtcMs(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  const fixed = parseFixedOffset(zone);
  if (fixed !== undefined) return naive - fixed * 60_000;
  const z = ianaZone(zone);
  if (z === null) return undefined;
  const first = ianaOffsetAt(z, naive);
  const guess = naive - first * 60_000;
  const second = ianaOffsetAt(z, guess);
  if (second === first) return guess;
  const alt = naive - second * 60_000;
  // Prefer the candidate whose own offset agrees with itself; both may in a gap, then the earlier wins.
  return ianaOffsetAt(z, alt) === second ? Math.min(alt, guess) : guess;
}
