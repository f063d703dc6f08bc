/**
 * IBM QRadar LEEF. 1.0: `LEEF:1.0|Vendor|Product|Version|EventID|k=v<TAB>k=v`. 2.0 adds a delimiter
 * field after EventID: a literal character (`^`) or its hex code (`x5E`, `0x09`, `xa6`). Bare or after a
 * syslog header. Some senders relay tabs as spaces; when the delimiter never occurs but ` key=` does,
 * attributes are split the CEF way (a value runs to the next ` key=`).
 */
import { parseSpaceDelimitedPairs } from './cef.js';
import { ownValue, putOwn } from '../event/own-props.js';
import { decoded, decodeFailure, excerpt } from './result.js';
import { syslogEnvelope } from './syslog-envelope.js';
import { recordText, skipBlank } from './text.js';
import type { DecodeOptions, DecodeResult } from './types.js';

const FORMAT = 'leef';
const HEX_DELIMITER = /^(?:0x|x)([0-9A-Fa-f]{1,4})$/;
const ESCAPED_PIPE = /\\\|/g;
const SPACE_KEY = /[ \t][A-Za-z0-9_.-]+=/;

export interface LeefRecord {
  version: string;
  vendor: string;
  product: string;
  product_version: string;
  event_id: string;
  /** The attribute delimiter in effect (a single character). */
  delimiter: string;
  attributes: Record<string, string>;
}

type LeefParse = { ok: true; leef: LeefRecord } | { ok: false; what: string; message: string };

function unescapePipe(s: string): string {
  return s.indexOf('\\|') < 0 ? s : s.replace(ESCAPED_PIPE, '|');
}

/** Read a delimiter spec: a single character, or `x`/`0x` with 1 to 4 hex digits. */
function delimiterFrom(spec: string): string | undefined {
  if (spec.length === 1) return spec;
  const m = HEX_DELIMITER.exec(spec);
  if (m?.[1] === undefined) return undefined;
  const code = parseInt(m[1], 16);
  return code === 0 ? undefined : String.fromCharCode(code);
}

export function parseLeef(text: string, start: number): LeefParse {
  if (!text.startsWith('LEEF:', start)) return { ok: false, what: 'not_leef', message: 'record does not start with LEEF:' };
  const fields: string[] = [];
  let i = start + 5;
  let fieldStart = i;
  while (fields.length < 5 && i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c && text.charCodeAt(i + 1) === 0x7c) { i += 2; continue; }
    if (c === 0x7c) {
      fields.push(text.slice(fieldStart, i));
      fieldStart = i + 1;
    }
    i++;
  }
  if (fields.length < 5) {
    return { ok: false, what: 'bad_header', message: `LEEF header has ${fields.length} of 5 pipe-terminated fields (Version|Vendor|Product|Version|EventID|)` };
  }
  const version = (fields[0] ?? '').trim();
  if (version !== '1.0' && version !== '2.0' && version !== '1' && version !== '2') {
    return { ok: false, what: 'bad_version', message: `LEEF version "${excerpt(version, 0, 16)}" is neither 1.0 nor 2.0` };
  }
  let rest = text.slice(fieldStart);
  let delimiter = '\t';
  // LEEF 2.0 carries a delimiter field; some 1.0 senders add one too. It never holds `=`.
  const bar = rest.indexOf('|');
  if (bar >= 0 && bar <= 6 && !rest.slice(0, bar).includes('=')) {
    const spec = rest.slice(0, bar);
    if (spec !== '') {
      const d = delimiterFrom(spec);
      if (d === undefined) {
        return { ok: false, what: 'bad_delimiter', message: `LEEF delimiter "${excerpt(spec, 0, 8)}" is neither one character nor x/0x and 1-4 hex digits` };
      }
      delimiter = d;
    }
    rest = rest.slice(bar + 1);
  } else if (version.startsWith('2') && bar === 0) {
    rest = rest.slice(1);
  }
  const attributes: Record<string, string> = {};
  if (!rest.includes(delimiter) && SPACE_KEY.test(rest)) {
    const { pairs, strayAt } = parseSpaceDelimitedPairs(rest, false);
    if (strayAt >= 0) return { ok: false, what: 'bad_attribute', message: `attribute text "${excerpt(rest, strayAt, 30)}" is not key=value` };
    Object.assign(attributes, pairs);
  } else {
    let last: string | undefined;
    for (const piece of rest.split(delimiter)) {
      if (piece.trim() === '') continue;
      const eq = piece.indexOf('=');
      if (eq <= 0) {
        // A delimiter inside a value (senders rarely escape it): glue the piece back on.
        if (last === undefined) {
          return { ok: false, what: 'bad_attribute', message: `attribute "${excerpt(piece, 0, 30)}" is not key=value` };
        }
        putOwn(attributes, last, `${ownValue(attributes, last) ?? ''}${delimiter}${piece}`);
        continue;
      }
      last = piece.slice(0, eq).trim();
      putOwn(attributes, last, piece.slice(eq + 1));
    }
  }
  return {
    ok: true,
    leef: {
      version: version.length === 1 ? `${version}.0` : version,
      vendor: unescapePipe(fields[1] ?? ''),
      product: unescapePipe(fields[2] ?? ''),
      product_version: unescapePipe(fields[3] ?? ''),
      event_id: unescapePipe(fields[4] ?? ''),
      delimiter,
      attributes,
    },
  };
}

export function decodeLeef(record: string | Uint8Array, opts?: DecodeOptions): DecodeResult {
  const text = recordText(record);
  const start = skipBlank(text);
  if (text.startsWith('LEEF:', start)) {
    const r = parseLeef(text, start);
    return r.ok ? decoded(FORMAT, { leef: r.leef }) : decodeFailure(FORMAT, r.what, r.message);
  }
  const env = syslogEnvelope(text, opts);
  if (env === undefined || !env.payload.startsWith('LEEF:')) {
    return decodeFailure(FORMAT, 'not_leef', `no LEEF: payload, bare or after a syslog header: "${excerpt(text, start, 40)}"`);
  }
  const r = parseLeef(env.payload, 0);
  if (!r.ok) return decodeFailure(FORMAT, r.what, r.message);
  return decoded(FORMAT, { leef: r.leef, syslog: env.header });
}
