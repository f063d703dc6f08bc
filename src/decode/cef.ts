/**
 * ArcSight CEF: `CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension`,
 * bare or after a syslog header. Header fields unescape `\|` and `\\`; extension values unescape `\=`, `\\`,
 * `\n`, `\r` and run until the next ` key=` so values may hold spaces. Custom fields with labels
 * (`cs1`/`cs1Label`, `cn2`/`cn2Label`, `deviceCustomDate2`/`deviceCustomDate2Label`, `c6a3`/`c6a3Label`, ...)
 * are also published under their label in `cef.custom`.
 */
import { ownValue, putOwn } from '../event/own-props.js';
import { decoded, decodeFailure, excerpt } from './result.js';
import { syslogEnvelope } from './syslog-envelope.js';
import { recordText, skipBlank } from './text.js';
import type { DecodeOptions, DecodeResult, RawRecord } from './types.js';

const FORMAT = 'cef';
const VERSION = /^\d{1,3}(?:\.\d{1,3})?$/;

export interface CefRecord {
  version: string;
  device: { vendor: string; product: string; version: string; event_class_id: string };
  name: string;
  severity: string;
  extensions: Record<string, string>;
  custom?: Record<string, string>;
}

type CefParse = { ok: true; cef: CefRecord } | { ok: false; what: string; message: string };

/** Characters allowed in an extension key; anything else before `=` means the `=` is part of a value. */
function isKeyChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
    || c === 0x5f || c === 0x2e || c === 0x2d || c === 0x5b || c === 0x5d || c === 0x2c;
}

function unescapeHeader(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && (s[i + 1] === '|' || s[i + 1] === '\\')) {
      out += s[i + 1];
      i++;
    } else out += c;
  }
  return out;
}

export function unescapeExtensionValue(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) { out += c; continue; }
    const n = s[i + 1];
    // Unknown escapes stay as written: real senders put bare backslashes in Windows paths.
    if (n === '=' || n === '\\' || n === '|') out += n;
    else if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else { out += c; continue; }
    i++;
  }
  return out;
}

/**
 * Split `key=value key2=value with spaces` into pairs. A key is a run of key characters right before an
 * unescaped `=` and after a space (or at the start). Returns the index of stray text before the first key.
 */
export function parseSpaceDelimitedPairs(ext: string, unescape: boolean): { pairs: Record<string, string>; strayAt: number } {
  const pairs: Record<string, string> = {};
  let key: string | undefined;
  let valueStart = 0;
  let strayAt = -1;
  const first = skipBlank(ext, 0);
  // From one `=` to the next with native searches (values run for dozens of characters). An escaped
  // `\=` needs no test of its own: a backslash is not a key character, so it never ends a key.
  for (let i = ext.indexOf('=', first); i >= 0; i = ext.indexOf('=', i + 1)) {
    // Walk back over key characters to find where this key starts.
    let k = i;
    while (k > 0 && isKeyChar(ext.charCodeAt(k - 1))) k--;
    if (k === i) continue;
    if (k > first && ext.charCodeAt(k - 1) !== 0x20 && ext.charCodeAt(k - 1) !== 0x09) continue;
    if (key !== undefined) {
      const raw = ext.slice(valueStart, k).trim();
      putOwn(pairs, key, unescape ? unescapeExtensionValue(raw) : raw);
    } else if (k > first) {
      strayAt = first;
    }
    key = ext.slice(k, i);
    valueStart = i + 1;
  }
  if (key !== undefined) {
    const raw = ext.slice(valueStart).trim();
    putOwn(pairs, key, unescape ? unescapeExtensionValue(raw) : raw);
  } else if (first < ext.length) {
    strayAt = first;
  }
  return { pairs, strayAt };
}

/** Parse a bare CEF record starting at `start` (which must be at `CEF:`). */
export function parseCef(text: string, start: number): CefParse {
  if (!text.startsWith('CEF:', start)) return { ok: false, what: 'not_cef', message: 'record does not start with CEF:' };
  const fields: string[] = [];
  let i = start + 4;
  let fieldStart = i;
  while (fields.length < 7 && i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) { i += 2; continue; }
    if (c === 0x7c) {
      fields.push(text.slice(fieldStart, i));
      fieldStart = i + 1;
    }
    i++;
  }
  if (fields.length < 7) {
    return { ok: false, what: 'bad_header', message: `CEF header has ${fields.length + 1} of 8 fields (Version|Vendor|Product|Version|Signature ID|Name|Severity|Extension)` };
  }
  const version = fields[0] ?? '';
  if (!VERSION.test(version)) {
    return { ok: false, what: 'bad_version', message: `CEF version "${excerpt(version, 0, 16)}" is not a number` };
  }
  const ext = text.slice(fieldStart);
  const { pairs, strayAt } = parseSpaceDelimitedPairs(ext, true);
  if (strayAt >= 0) {
    return { ok: false, what: 'bad_extension', message: `extension text "${excerpt(ext, strayAt, 30)}" is not key=value` };
  }
  const cef: CefRecord = {
    version,
    device: {
      vendor: unescapeHeader(fields[1] ?? ''),
      product: unescapeHeader(fields[2] ?? ''),
      version: unescapeHeader(fields[3] ?? ''),
      event_class_id: unescapeHeader(fields[4] ?? ''),
    },
    name: unescapeHeader(fields[5] ?? ''),
    severity: unescapeHeader(fields[6] ?? ''),
    extensions: pairs,
  };
  let custom: Record<string, string> | undefined;
  for (const key in pairs) {
    if (!key.endsWith('Label')) continue;
    const base = key.slice(0, -5);
    const value = ownValue(pairs, base);
    const label = pairs[key];
    if (value === undefined || label === undefined || label === '') continue;
    putOwn((custom ??= {}), label, value);
  }
  if (custom !== undefined) cef.custom = custom;
  return { ok: true, cef };
}

export function decodeCef(record: string | Uint8Array, opts?: DecodeOptions): DecodeResult {
  const text = recordText(record);
  const start = skipBlank(text);
  if (text.startsWith('CEF:', start)) {
    const r = parseCef(text, start);
    return r.ok ? decoded(FORMAT, { cef: r.cef }) : decodeFailure(FORMAT, r.what, r.message);
  }
  const env = syslogEnvelope(text, opts);
  if (env === undefined || !env.payload.startsWith('CEF:')) {
    return decodeFailure(FORMAT, 'not_cef', `no CEF: payload, bare or after a syslog header: "${excerpt(text, start, 40)}"`);
  }
  const r = parseCef(env.payload, 0);
  if (!r.ok) return decodeFailure(FORMAT, r.what, r.message);
  const fields: RawRecord = { cef: r.cef, syslog: env.header };
  return decoded(FORMAT, fields);
}
