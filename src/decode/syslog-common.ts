/** Pieces shared by the RFC 3164 and RFC 5424 decoders. */
import { isoFromMillis } from '../event/iso-time.js';

/** `syslog.*` fields: numeric facility and severity from PRI (RFC 5424 section 6.2.1). */
export interface SyslogPri {
  facility: number;
  severity: number;
  priority: number;
}

/** The decoded header and message of one syslog record, whichever RFC it follows. */
export interface SyslogParts {
  /** Absent when the record had no `<PRI>` (an RFC 3164 line read from a file). */
  syslog?: SyslogPri & { version?: number };
  timestamp?: string;
  hostname?: string;
  app_name?: string;
  procid?: string;
  msgid?: string;
  structured_data?: Record<string, Record<string, string>>;
  message?: string;
  /** Cisco IOS/ASA/FTD extras: `%ASA-6-302013:` mnemonic and IOS sequence numbers or uptime. */
  cisco?: { facility?: string; severity?: number; mnemonic?: string; sequence?: number; uptime?: string };
}

export type PriParse = { ok: true; pri: SyslogPri; end: number } | { ok: false; what: string; message: string };

/** Parse `<PRI>` at the start of `text`. */
export function parsePri(text: string, start: number): PriParse {
  if (text.charCodeAt(start) !== 0x3c /* < */) return { ok: false, what: 'bad_pri', message: 'record does not start with <PRI>' };
  let i = start + 1;
  let value = 0;
  let digits = 0;
  while (i < text.length && digits < 4) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    digits++;
    i++;
  }
  if (digits === 0 || digits > 3 || text.charCodeAt(i) !== 0x3e /* > */) {
    return { ok: false, what: 'bad_pri', message: 'PRI must be 1 to 3 digits between < and >' };
  }
  if (value > 191) return { ok: false, what: 'bad_pri', message: `PRI ${value} is above 191 (facility 23, severity 7)` };
  return { ok: true, pri: { facility: value >> 3, severity: value & 7, priority: value }, end: i + 1 };
}

/** Is `text` at `i` the start of a payload another decoder owns (CEF, LEEF)? */
export function startsWithEmbeddedFormat(text: string, i: number): boolean {
  return text.startsWith('CEF:', i) || text.startsWith('LEEF:', i);
}

/** Format epoch milliseconds as ISO 8601 UTC, or undefined for an impossible instant. */
export function isoUtc(ms: number): string | undefined {
  // Consecutive records usually share their timestamp: remember the last one formatted.
  if (ms === lastIsoMs) return lastIso;
  if (!Number.isFinite(ms) || ms < -62_135_596_800_000 || ms > 253_402_300_799_999) return undefined;
  lastIsoMs = ms;
  lastIso = isoFromMillis(ms);
  return lastIso;
}

let lastIsoMs = Number.NaN;
let lastIso: string | undefined;

/** Parse up to `max` decimal digits at `i`; returns [value, next index] or undefined if none. */
export function readDigits(text: string, i: number, min: number, max: number): [number, number] | undefined {
  let v = 0;
  let n = 0;
  while (n < max && i + n < text.length) {
    const c = text.charCodeAt(i + n);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    n++;
  }
  return n < min ? undefined : [v, i + n];
}

/** Millisecond value of a fraction of 1 to 9 digits at `i` (after the dot); returns [ms, next index]. */
export function readFraction(text: string, i: number): [number, number] {
  let n = 0;
  let ms = 0;
  while (i + n < text.length) {
    const c = text.charCodeAt(i + n);
    if (c < 0x30 || c > 0x39) break;
    if (n < 3) ms = ms * 10 + (c - 0x30);
    n++;
  }
  for (let k = n; k < 3; k++) ms *= 10;
  return [ms, i + n];
}

/** Parse a numeric offset `Z`, `+hh:mm`, `+hhmm` or `+hh` at `i`: [minutes east, next index]. */
export function readNumericOffset(text: string, i: number): [number, number] | undefined {
  const c = text.charCodeAt(i);
  if (c === 0x5a /* Z */) return [0, i + 1];
  if (c !== 0x2b && c !== 0x2d) return undefined;
  const sign = c === 0x2d ? -1 : 1;
  const h = readDigits(text, i + 1, 2, 2);
  if (!h || h[0] > 23) return undefined;
  let j = h[1];
  let m = 0;
  if (text.charCodeAt(j) === 0x3a /* : */) {
    const mm = readDigits(text, j + 1, 2, 2);
    if (!mm || mm[0] > 59) return undefined;
    m = mm[0];
    j = mm[1];
  } else {
    const mm = readDigits(text, j, 2, 2);
    if (mm) {
      if (mm[0] > 59) return undefined;
      m = mm[0];
      j = mm[1];
    }
  }
  return [sign * (h[0] * 60 + m), j];
}
