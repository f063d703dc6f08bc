/**
 * RFC 3164 (BSD) syslog and the variants seen in the wild: no PRI (read from a file), a year in the
 * timestamp and a trailing colon (Cisco ASA), IOS sequence numbers and uptime stamps, `%FAC-SEV-MNEMONIC`
 * tags, `host : ` separators, RFC 3339 stamps in the BSD position (rsyslog), and Fortinet bodies that put
 * the time in `date=`/`time=` after a bare PRI.
 *
 * RFC 3164 carries neither year nor zone: the zone is opts.timezone (default UTC) and the year is the one
 * that puts the line closest before opts.receivedAt, never more than a day after it.
 */
import { decoded, decodeFailure, excerpt } from './result.js';
import {
  isoUtc, parsePri, readDigits, readFraction, readNumericOffset, startsWithEmbeddedFormat,
  type SyslogParts,
} from './syslog-common.js';
import { syslogFields } from './syslog-rfc5424.js';
import { recordText } from './text.js';
import type { DecodeOptions, DecodeResult } from './types.js';
import { civilUtcMs, validDate, wallClockToUtc, zoneAbbreviationOffset, type WallClock } from './zone.js';

const FORMAT = 'syslog-rfc3164';
const DAY_MS = 86_400_000;

/** Month number from three letters, case-insensitive, without allocating a substring. */
function monthAt(text: string, i: number): number | undefined {
  const key = ((text.charCodeAt(i) | 0x20) << 16) | ((text.charCodeAt(i + 1) | 0x20) << 8) | (text.charCodeAt(i + 2) | 0x20);
  return MONTH_KEYS.get(key);
}

const MONTH_KEYS: ReadonlyMap<number, number> = new Map(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
    .map((m, n) => [(m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), n + 1] as const),
);

const CISCO_MNEMONIC = /^%([A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*?)-([0-7])-([A-Za-z0-9_]+)(?::[ \t]?|[ \t]|$)/;
const TAG = /^([^\s[\]:]{1,128})(?:\[([^\]\s]{0,128})\])?:(?:[ \t]|$)/;
const IOS_UPTIME = /^(\d+[wdhm]\d+[dhms]):[ \t]/;
const FORTINET_TIME = /^date=(\d{4})-(\d{2})-(\d{2}) time=(\d{2}):(\d{2}):(\d{2})/;
const FORTINET_TZ = /\btz="?([+-]\d{2}:?\d{2})"?/;

export type Rfc3164Parse = { ok: true; parts: SyslogParts } | { ok: false; what: string; message: string };

interface Stamp {
  /** Epoch milliseconds, or undefined if the zone was unknown (reported as an error by the caller). */
  ms: number | undefined;
  end: number;
  badZone?: string;
}

function wallToUtc(wall: WallClock, zone: string | number): number | undefined {
  if (typeof zone === 'number') {
    return civilUtcMs(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond) - zone * 60_000;
  }
  return wallClockToUtc(wall, zone);
}

/** The UTC year of the last receive time asked about: a batch shares one. */
let lastReceived = Number.NaN;
let lastReceivedYear = 0;

function utcYearOf(ms: number): number {
  if (ms !== lastReceived) {
    lastReceived = ms;
    lastReceivedYear = new Date(ms).getUTCFullYear();
  }
  return lastReceivedYear;
}

/** The year that places month/day/time closest before `received` (at most one day after it). */
function inferYear(wall: Omit<WallClock, 'year'>, zone: string | number, received: number): number | undefined {
  const y = utcYearOf(received);
  const limit = received + DAY_MS;
  const w: WallClock = { ...wall, year: y };
  // Feb 29 may need to reach back up to 8 years (1900-style gaps aside); normal dates stop after two tries.
  for (let year = y + 1; year >= y - 8; year--) {
    if (!validDate(year, wall.month, wall.day)) continue;
    w.year = year;
    const ms = wallToUtc(w, zone);
    if (ms === undefined) return undefined;
    if (ms <= limit) return ms;
  }
  return undefined;
}

/** `Mmm dd [yyyy] hh:mm:ss[.fff][ ZONE:]` at i. */
function readBsdStamp(text: string, i: number, zone: string, received: number): Stamp | undefined | 'bad' {
  const month = monthAt(text, i);
  if (month === undefined || text.charCodeAt(i + 3) !== 0x20) return undefined;
  let j = i + 4;
  if (text.charCodeAt(j) === 0x20) j++; // `Feb  5`
  const day = readDigits(text, j, 1, 2);
  if (!day || text.charCodeAt(day[1]) !== 0x20) return 'bad';
  j = day[1] + 1;
  let year: number | undefined;
  const maybeYear = readDigits(text, j, 4, 4);
  if (maybeYear && text.charCodeAt(maybeYear[1]) === 0x20) {
    year = maybeYear[0];
    j = maybeYear[1] + 1;
  }
  const h = readDigits(text, j, 2, 2);
  if (!h || text.charCodeAt(h[1]) !== 0x3a) return 'bad';
  const mi = readDigits(text, h[1] + 1, 2, 2);
  if (!mi || text.charCodeAt(mi[1]) !== 0x3a) return 'bad';
  const s = readDigits(text, mi[1] + 1, 2, 2);
  if (!s) return 'bad';
  j = s[1];
  let ms = 0;
  if (text.charCodeAt(j) === 0x2e) [ms, j] = readFraction(text, j + 1);
  if (h[0] > 23 || mi[0] > 59 || s[0] > 60 || day[0] < 1 || day[0] > 31) return 'bad';
  let offset: string | number = zone;
  // A zone abbreviation abuts its colon (`09:34:34 EDT:`); a hostname would be followed by a space.
  const sp = text.charCodeAt(j) === 0x20;
  if (sp) {
    let k = j + 1;
    while (k < text.length && k - j <= 5 && text.charCodeAt(k) >= 0x41 && text.charCodeAt(k) <= 0x5a) k++;
    if (k > j + 2 && text.charCodeAt(k) === 0x3a) {
      const abbr = zoneAbbreviationOffset(text.slice(j + 1, k));
      if (abbr !== undefined) {
        offset = abbr;
        j = k;
      }
    }
  }
  const wall = { month, day: day[0], hour: h[0], minute: mi[0], second: Math.min(s[0], 59), millisecond: ms };
  let utc: number | undefined;
  if (year !== undefined) {
    if (!validDate(year, month, day[0])) return 'bad';
    utc = wallToUtc({ ...wall, year }, offset);
  } else {
    utc = inferYear(wall, offset, received);
  }
  return utc === undefined ? { ms: undefined, end: j, badZone: String(offset) } : { ms: utc, end: j };
}

/** RFC 3339-ish stamp in the BSD position: `2019-06-14T10:40:20.912134[Z|+hh:mm]`. */
function readIsoStamp(text: string, i: number, zone: string): Stamp | undefined | 'bad' {
  const y = readDigits(text, i, 4, 4);
  if (!y || text.charCodeAt(y[1]) !== 0x2d) return undefined;
  const mo = readDigits(text, y[1] + 1, 2, 2);
  if (!mo || text.charCodeAt(mo[1]) !== 0x2d) return undefined;
  const d = readDigits(text, mo[1] + 1, 2, 2);
  if (!d || (text.charCodeAt(d[1]) !== 0x54 && text.charCodeAt(d[1]) !== 0x20)) return undefined;
  const h = readDigits(text, d[1] + 1, 2, 2);
  if (!h || text.charCodeAt(h[1]) !== 0x3a) return 'bad';
  const mi = readDigits(text, h[1] + 1, 2, 2);
  if (!mi || text.charCodeAt(mi[1]) !== 0x3a) return 'bad';
  const s = readDigits(text, mi[1] + 1, 2, 2);
  if (!s) return 'bad';
  let j = s[1];
  let ms = 0;
  if (text.charCodeAt(j) === 0x2e) [ms, j] = readFraction(text, j + 1);
  if (!validDate(y[0], mo[0], d[0]) || h[0] > 23 || mi[0] > 59 || s[0] > 60) return 'bad';
  const off = readNumericOffset(text, j);
  const wall = { year: y[0], month: mo[0], day: d[0], hour: h[0], minute: mi[0], second: Math.min(s[0], 59), millisecond: ms };
  if (off) return { ms: wallToUtc(wall, off[0]), end: off[1] };
  const utc = wallToUtc(wall, zone);
  return utc === undefined ? { ms: undefined, end: j, badZone: zone } : { ms: utc, end: j };
}

function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
  return i;
}

/** Take `%ASA-6-302013:` off the front of `rest` into parts.cisco; returns the message after it. */
function ciscoMnemonic(parts: SyslogParts, rest: string): string {
  const m = CISCO_MNEMONIC.exec(rest.length > 160 ? rest.slice(0, 160) : rest);
  if (!m) return rest;
  parts.cisco = { ...parts.cisco, facility: m[1], severity: Number(m[2]), mnemonic: m[3] };
  return rest.slice(m[0].length);
}

function fortinetTime(body: string, zone: string): number | undefined | 'bad' {
  const m = FORTINET_TIME.exec(body);
  if (!m) return undefined;
  const wall = {
    year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
    hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millisecond: 0,
  };
  if (!validDate(wall.year, wall.month, wall.day) || wall.hour > 23 || wall.minute > 59 || wall.second > 60) return 'bad';
  wall.second = Math.min(wall.second, 59);
  const tz = FORTINET_TZ.exec(body);
  const off = tz?.[1] !== undefined ? readNumericOffset(tz[1], 0) : undefined;
  return wallToUtc(wall, off ? off[0] : zone);
}

export function parseRfc3164(text: string, opts?: DecodeOptions): Rfc3164Parse {
  const zone = opts?.timezone ?? 'UTC';
  const given = opts?.receivedAt?.getTime();
  const received = given === undefined || Number.isNaN(given) ? Date.now() : given;
  const parts: SyslogParts = {};
  let i = 0;
  let hasPri = false;
  if (text.charCodeAt(0) === 0x3c) {
    const pri = parsePri(text, 0);
    if (!pri.ok) return { ok: false, what: pri.what, message: pri.message };
    parts.syslog = pri.pri;
    i = pri.end;
    hasPri = true;
  }
  // Cisco IOS `service sequence-numbers`: `000123: ` before the stamp.
  const seq = readDigits(text, i, 1, 12);
  if (seq && text.charCodeAt(seq[1]) === 0x3a && text.charCodeAt(seq[1] + 1) === 0x20) {
    parts.cisco = { sequence: seq[0] };
    i = seq[1] + 2;
  }
  const uptime = IOS_UPTIME.exec(text.slice(i, i + 24));
  if (uptime) {
    parts.cisco = { ...parts.cisco, uptime: uptime[1] };
    i += uptime[0].length;
  }
  // IOS marks an unsynchronised clock with `*` and a once-synchronised one with `.`.
  const marker = text.charCodeAt(i);
  const stampAt = (marker === 0x2a || marker === 0x2e) && !uptime ? i + 1 : i;
  let stamp = uptime ? undefined : readBsdStamp(text, stampAt, zone, received);
  if (stamp === undefined && !uptime) stamp = readIsoStamp(text, stampAt, zone);
  if (stamp === 'bad') return { ok: false, what: 'bad_timestamp', message: `timestamp "${excerpt(text, stampAt, 32)}" is not a valid date and time` };
  if (stamp?.badZone !== undefined) return { ok: false, what: 'bad_timezone', message: `time zone "${stamp.badZone}" is neither an IANA zone nor an offset` };
  if (stamp === undefined) {
    if (!hasPri && parts.cisco === undefined) {
      return { ok: false, what: 'no_header', message: `neither <PRI> nor a timestamp at the start: "${excerpt(text, 0, 32)}"` };
    }
    const body = text.slice(i);
    const ft = fortinetTime(body, zone);
    if (ft === 'bad') return { ok: false, what: 'bad_timestamp', message: `date=/time= "${excerpt(body, 0, 32)}" is not a valid date and time` };
    if (ft !== undefined) {
      const iso = isoUtc(ft);
      if (iso !== undefined) parts.timestamp = iso;
      parts.message = body;
      return { ok: true, parts };
    }
    const msg = startsWithEmbeddedFormat(body, 0) ? body : tagAndMessage(parts, body);
    if (msg.length > 0) parts.message = msg;
    return { ok: true, parts };
  }
  if (stamp.ms !== undefined) {
    const iso = isoUtc(stamp.ms);
    if (iso === undefined) return { ok: false, what: 'bad_timestamp', message: 'timestamp is out of range' };
    parts.timestamp = iso;
  }
  let j = stamp.end;
  if (text.charCodeAt(j) === 0x3a) j++; // Cisco `09:36:50: %ASA-...`
  j = skipSpaces(text, j);
  if (text.charCodeAt(j) === 0x3a && (text.charCodeAt(j + 1) === 0x20 || j + 1 >= text.length)) {
    j = skipSpaces(text, j + 1); // `23:30:09 : %ASA-...`: an empty hostname
  } else if (!startsWithEmbeddedFormat(text, j) && text.charCodeAt(j) !== 0x25 /* % */ && j < text.length) {
    let end = j;
    while (end < text.length && text.charCodeAt(end) !== 0x20 && text.charCodeAt(end) !== 0x09) end++;
    const word = text.slice(j, end);
    const after = skipSpaces(text, end);
    if (word.endsWith(':')) {
      // `localhost: %ASA-...` names the host; `su: message` is a tag with no host before it.
      if (text.charCodeAt(after) === 0x25 && word.length > 1) {
        parts.hostname = word.slice(0, -1);
        j = after;
      }
    } else {
      parts.hostname = word;
      j = after;
      if (text.charCodeAt(j) === 0x3a && (text.charCodeAt(j + 1) === 0x20 || j + 1 >= text.length)) j = skipSpaces(text, j + 1);
    }
  }
  const rest = text.slice(j);
  const msg = startsWithEmbeddedFormat(rest, 0) ? rest : tagAndMessage(parts, rest);
  if (msg.length > 0) parts.message = msg;
  return { ok: true, parts };
}

function tagAndMessage(parts: SyslogParts, rest: string): string {
  if (rest.charCodeAt(0) === 0x25) return ciscoMnemonic(parts, rest);
  const tag = TAG.exec(rest.length > 300 ? rest.slice(0, 300) : rest);
  if (!tag) return rest;
  parts.app_name = tag[1];
  if (tag[2] !== undefined && tag[2] !== '') parts.procid = tag[2];
  const after = rest.slice(tag[0].length);
  if (startsWithEmbeddedFormat(after, 0)) return after;
  return after.charCodeAt(0) === 0x25 ? ciscoMnemonic(parts, after) : after;
}

export function decodeRfc3164(record: string | Uint8Array, opts?: DecodeOptions): DecodeResult {
  const text = recordText(record);
  const r = parseRfc3164(text, opts);
  if (!r.ok) return decodeFailure(FORMAT, r.what, r.message);
  return decoded(FORMAT, syslogFields(r.parts));
}
