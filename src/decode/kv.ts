/**
 * key=value records (Fortinet FortiGate, generic appliances): pairs separated by whitespace, values bare,
 * "double quoted" or 'single quoted' with backslash escapes. A bare word that is not a pair continues the
 * previous bare value (`msg=disk full key=v`). Bare or after a syslog header (`<189>date=... time=...`).
 */
import { ownValue, putOwn } from '../event/own-props.js';
import { decoded, decodeFailure, excerpt } from './result.js';
import { syslogEnvelope } from './syslog-envelope.js';
import { recordText, skipBlank } from './text.js';
import type { DecodeOptions, DecodeResult } from './types.js';

const FORMAT = 'kv';

type KvParse = { ok: true; pairs: Record<string, string>; count: number } | { ok: false; what: string; message: string };

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

export function parseKv(text: string, start = 0): KvParse {
  const pairs: Record<string, string> = {};
  let count = 0;
  let lastBare: string | undefined;
  let i = start;
  const n = text.length;
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x3d || isSpace(c)) break;
      i++;
    }
    if (text.charCodeAt(i) !== 0x3d || i === keyStart) {
      // Not a pair: a word of the previous unquoted value, or stray text before the first pair.
      // A word that starts with `=` runs to the next space so that the scan always advances.
      while (i < n && !isSpace(text.charCodeAt(i))) i++;
      const word = text.slice(keyStart, i);
      if (lastBare === undefined) {
        return { ok: false, what: 'bad_pair', message: `"${excerpt(word, 0, 30)}" at offset ${keyStart} is not key=value` };
      }
      putOwn(pairs, lastBare, `${ownValue(pairs, lastBare) ?? ''} ${word}`);
      continue;
    }
    const key = text.slice(keyStart, i);
    i++;
    const q = text.charCodeAt(i);
    if (q === 0x22 || q === 0x27) {
      i++;
      let value = '';
      let chunk = i;
      let closed = false;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 0x5c && i + 1 < n) {
          const e = text.charCodeAt(i + 1);
          if (e === q || e === 0x5c) {
            value += text.slice(chunk, i);
            chunk = i + 1;
            i += 2;
            continue;
          }
          i++;
          continue;
        }
        if (c === q) { closed = true; break; }
        i++;
      }
      value += text.slice(chunk, i);
      // An unterminated quote (FortiGate truncates long msg= values) keeps the rest as the value.
      if (closed) i++;
      putOwn(pairs, key, value);
      lastBare = undefined;
    } else {
      const vStart = i;
      while (i < n && !isSpace(text.charCodeAt(i))) i++;
      putOwn(pairs, key, text.slice(vStart, i));
      lastBare = key;
    }
    count++;
  }
  if (count === 0) return { ok: false, what: 'no_pairs', message: 'record holds no key=value pair' };
  return { ok: true, pairs, count };
}

/** Cheap test used by detection: does the text open with `key=`? */
export function looksLikeKv(text: string, start = 0): boolean {
  let i = start;
  while (i < text.length && i - start < 64) {
    const c = text.charCodeAt(i);
    if (c === 0x3d) return i > start;
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2d)) return false;
    i++;
  }
  return false;
}

export function decodeKv(record: string | Uint8Array, opts?: DecodeOptions): DecodeResult {
  const text = recordText(record);
  const start = skipBlank(text);
  if (looksLikeKv(text, start)) {
    const r = parseKv(text, start);
    return r.ok ? decoded(FORMAT, { kv: r.pairs }) : decodeFailure(FORMAT, r.what, r.message);
  }
  const env = syslogEnvelope(text, opts);
  if (env === undefined || !looksLikeKv(env.payload)) {
    return decodeFailure(FORMAT, 'no_pairs', `record does not start with key=value, bare or after a syslog header: "${excerpt(text, start, 40)}"`);
  }
  const r = parseKv(env.payload);
  if (!r.ok) return decodeFailure(FORMAT, r.what, r.message);
  return decoded(FORMAT, { kv: r.pairs, syslog: env.header });
}
