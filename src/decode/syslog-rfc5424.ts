/**
 * RFC 5424 syslog: `<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]`.
 * Structured data keeps RFC escapes (`\"`, `\\`, `\]`); a BOM before MSG is dropped.
 */
import { decoded, decodeFailure, excerpt } from './result.js';
import {
  isoUtc, parsePri, readDigits, readFraction, readNumericOffset, startsWithEmbeddedFormat,
  type SyslogParts,
} from './syslog-common.js';
import { recordText } from './text.js';
import type { DecodeOptions, DecodeResult } from './types.js';
import { civilUtcMs, validDate } from './zone.js';

const FORMAT = 'syslog-rfc5424';

export type Rfc5424Parse = { ok: true; parts: SyslogParts } | { ok: false; what: string; message: string };

function fail(what: string, message: string): Rfc5424Parse {
  return { ok: false, what, message };
}

/** Does `text` start like RFC 5424 (`<PRI>` then a version number and a space)? */
export function looksLikeRfc5424(text: string, start = 0): boolean {
  const pri = parsePri(text, start);
  if (!pri.ok) return false;
  const c = text.charCodeAt(pri.end);
  if (c < 0x31 || c > 0x39) return false;
  let i = pri.end + 1;
  for (let k = 0; k < 2 && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39; k++) i++;
  return text.charCodeAt(i) === 0x20;
}

/** Read a header token up to the next space; `-` is NILVALUE. Returns [value|undefined, next index]. */
function token(text: string, i: number): [string | undefined, number] | undefined {
  if (i >= text.length) return undefined;
  let end = text.indexOf(' ', i);
  if (end < 0) end = text.length;
  if (end === i) return undefined;
  const v = text.slice(i, end);
  return [v === '-' ? undefined : v, end];
}

/** RFC 3339 timestamp as in RFC 5424 section 6.2.3 (fractions up to 9 digits accepted). */
function readTimestamp(text: string, i: number): [string, number] | undefined {
  const y = readDigits(text, i, 4, 4);
  if (!y || text.charCodeAt(y[1]) !== 0x2d) return undefined;
  const mo = readDigits(text, y[1] + 1, 2, 2);
  if (!mo || text.charCodeAt(mo[1]) !== 0x2d) return undefined;
  const d = readDigits(text, mo[1] + 1, 2, 2);
  if (!d) return undefined;
  const t = text.charCodeAt(d[1]);
  if (t !== 0x54 && t !== 0x74) return undefined; // T or t
  const h = readDigits(text, d[1] + 1, 2, 2);
  if (!h || text.charCodeAt(h[1]) !== 0x3a) return undefined;
  const mi = readDigits(text, h[1] + 1, 2, 2);
  if (!mi || text.charCodeAt(mi[1]) !== 0x3a) return undefined;
  const s = readDigits(text, mi[1] + 1, 2, 2);
  if (!s) return undefined;
  let j = s[1];
  let ms = 0;
  if (text.charCodeAt(j) === 0x2e) {
    const f = readFraction(text, j + 1);
    if (f[1] === j + 1) return undefined;
    [ms, j] = f;
  }
  const off = readNumericOffset(text, j);
  if (!off) return undefined;
  if (!validDate(y[0], mo[0], d[0]) || h[0] > 23 || mi[0] > 59 || s[0] > 60) return undefined;
  const utc = civilUtcMs(y[0], mo[0], d[0], h[0], mi[0], Math.min(s[0], 59), ms) - off[0] * 60_000;
  const iso = isoUtc(utc);
  return iso === undefined ? undefined : [iso, off[1]];
}

type SdParse = { ok: true; sd: Record<string, Record<string, string>>; end: number } | { ok: false; message: string };

/** One or more SD-ELEMENTs starting at `[`. */
function readStructuredData(text: string, start: number): SdParse {
  const sd: Record<string, Record<string, string>> = {};
  let i = start;
  while (text.charCodeAt(i) === 0x5b /* [ */) {
    i++;
    const idStart = i;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x5d || c === 0x3d || c === 0x22) break;
      i++;
    }
    if (i === idStart) return { ok: false, message: `empty SD-ID at offset ${idStart}` };
    const id = text.slice(idStart, i);
    const params = sd[id] ?? (sd[id] = {});
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x5d /* ] */) { i++; break; }
      if (c !== 0x20) {
        return { ok: false, message: i >= text.length ? `SD-ELEMENT [${id} is not closed` : `unexpected "${excerpt(text, i, 10)}" in SD-ELEMENT ${id}` };
      }
      i++;
      const nameStart = i;
      while (i < text.length) {
        const n = text.charCodeAt(i);
        if (n === 0x3d || n === 0x20 || n === 0x5d || n === 0x22) break;
        i++;
      }
      if (i === nameStart || text.charCodeAt(i) !== 0x3d || text.charCodeAt(i + 1) !== 0x22) {
        return { ok: false, message: `SD-PARAM in ${id} must be name="value" (at offset ${nameStart})` };
      }
      const name = text.slice(nameStart, i);
      i += 2;
      let value = '';
      let chunk = i;
      let closed = false;
      while (i < text.length) {
        const v = text.charCodeAt(i);
        if (v === 0x5c /* \ */) {
          const next = text.charCodeAt(i + 1);
          // RFC 5424 6.3.3: only \" \\ \] are escapes; any other backslash is kept as is.
          if (next === 0x22 || next === 0x5c || next === 0x5d) {
            value += text.slice(chunk, i);
            chunk = i + 1;
            i += 2;
            continue;
          }
          i++;
          continue;
        }
        if (v === 0x22) { closed = true; break; }
        i++;
      }
      if (!closed) return { ok: false, message: `value of ${id} ${name} has no closing quote` };
      value += text.slice(chunk, i);
      params[name] = value;
      i++;
    }
  }
  return { ok: true, sd, end: i };
}

export interface Rfc5424Options {
  /**
   * Structured data that opens with `[` but is not RFC 5424 SD (Check Point's Log Exporter sends
   * `[key:"value"; ...]` there) is kept, from the `[` on, as the MSG instead of failing the record.
   * The header must still be valid. Off by default: the RFC decoder is strict.
   */
  lenientStructuredData?: boolean;
}

/** Parse an RFC 5424 record into syslog parts; the message keeps CEF/LEEF payloads for other decoders. */
export function parseRfc5424(text: string, opts: Rfc5424Options = {}): Rfc5424Parse {
  const pri = parsePri(text, 0);
  if (!pri.ok) return fail(pri.what, pri.message);
  const v = readDigits(text, pri.end, 1, 3);
  if (!v || v[0] === 0 || text.charCodeAt(v[1]) !== 0x20) return fail('bad_version', 'RFC 5424 needs a version number and a space after <PRI>');
  const parts: SyslogParts = { syslog: { ...pri.pri, version: v[0] } };
  let i = v[1] + 1;
  if (text.charCodeAt(i) === 0x2d /* - */ && (text.charCodeAt(i + 1) === 0x20 || i + 1 >= text.length)) {
    i += 1;
  } else {
    const ts = readTimestamp(text, i);
    if (!ts) return fail('bad_timestamp', `TIMESTAMP "${excerpt(text, i, 35)}" is not RFC 3339 or -`);
    if (ts[1] < text.length && text.charCodeAt(ts[1]) !== 0x20) {
      return fail('bad_timestamp', `TIMESTAMP "${excerpt(text, i, 35)}" is followed by junk`);
    }
    parts.timestamp = ts[0];
    i = ts[1];
  }
  if (text.charCodeAt(i) !== 0x20) return fail('truncated', 'record ends after TIMESTAMP: HOSTNAME, APP-NAME, PROCID, MSGID and STRUCTURED-DATA are missing');
  const host = token(text, i + 1);
  if (!host) return fail('truncated', 'HOSTNAME is missing');
  if (host[0] !== undefined) parts.hostname = host[0];
  i = host[1];
  // CEF and LEEF senders often put the payload right after the hostname (IBM's LEEF guide does).
  if (text.charCodeAt(i) === 0x20 && startsWithEmbeddedFormat(text, i + 1)) {
    parts.message = text.slice(i + 1);
    return { ok: true, parts };
  }
  const names = ['APP-NAME', 'PROCID', 'MSGID'] as const;
  const values: (string | undefined)[] = [];
  for (const name of names) {
    if (text.charCodeAt(i) !== 0x20) return fail('truncated', `${name} is missing`);
    const t = token(text, i + 1);
    if (!t) return fail('truncated', `${name} is missing`);
    values.push(t[0]);
    i = t[1];
  }
  if (values[0] !== undefined) parts.app_name = values[0];
  if (values[1] !== undefined) parts.procid = values[1];
  if (values[2] !== undefined) parts.msgid = values[2];
  if (text.charCodeAt(i) !== 0x20 || i + 1 >= text.length) return fail('truncated', 'STRUCTURED-DATA is missing');
  i++;
  if (text.charCodeAt(i) === 0x2d /* - */) {
    i++;
  } else if (text.charCodeAt(i) === 0x5b /* [ */) {
    const sd = readStructuredData(text, i);
    const junkAfter = sd.ok && sd.end < text.length && text.charCodeAt(sd.end) !== 0x20;
    if (!sd.ok || junkAfter) {
      if (opts.lenientStructuredData === true) {
        parts.message = text.slice(i);
        return { ok: true, parts };
      }
      return fail('bad_structured_data', sd.ok ? `expected a space before MSG, got "${excerpt(text, sd.end, 20)}"` : sd.message);
    }
    parts.structured_data = sd.sd;
    i = sd.end;
  } else {
    return fail('bad_structured_data', `STRUCTURED-DATA must be - or [...], got "${excerpt(text, i, 20)}"`);
  }
  if (i < text.length) {
    if (text.charCodeAt(i) !== 0x20) return fail('bad_structured_data', `expected a space before MSG, got "${excerpt(text, i, 20)}"`);
    let m = i + 1;
    if (text.charCodeAt(m) === 0xfeff) m++;
    if (m < text.length) parts.message = text.slice(m);
  }
  return { ok: true, parts };
}

/** Turn parsed parts into the decoder's flat output (undefined fields left out). */
export function syslogFields(parts: SyslogParts): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (parts.syslog !== undefined) out.syslog = parts.syslog;
  if (parts.timestamp !== undefined) out.timestamp = parts.timestamp;
  if (parts.hostname !== undefined) out.hostname = parts.hostname;
  if (parts.app_name !== undefined) out.app_name = parts.app_name;
  if (parts.procid !== undefined) out.procid = parts.procid;
  if (parts.msgid !== undefined) out.msgid = parts.msgid;
  if (parts.structured_data !== undefined) out.structured_data = parts.structured_data;
  if (parts.cisco !== undefined) out.cisco = parts.cisco;
  if (parts.message !== undefined) out.message = parts.message;
  return out;
}

export function decodeRfc5424(record: string | Uint8Array, _opts?: DecodeOptions): DecodeResult {
  const text = recordText(record);
  const r = parseRfc5424(text);
  if (!r.ok) return decodeFailure(FORMAT, r.what, r.message);
  return decoded(FORMAT, syslogFields(r.parts));
}
