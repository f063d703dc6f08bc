/**
 * One JSON object per record, or a JSON array of objects (one result per element). Recognizes Windows
 * `evtx_dump` JSON (`Event.System`, attributes under `#attributes`) as `evtx-json` and Winlogbeat /
 * Elastic Agent documents (`winlog.*`) as `winlogbeat-json`. Nesting deeper than MAX_JSON_DEPTH is
 * refused before any later recursive walk can see it, so none can exhaust the stack.
 */
import { decoded, decodeFailure, excerpt } from './result.js';
import { recordText, skipBlank } from './text.js';
import type { DecodeOptions, DecodeResult, RawRecord, WireFormat } from './types.js';

const FORMAT = 'json';
export const MAX_JSON_DEPTH = 512;

export type JsonParse = { ok: true; value: unknown } | { ok: false; what: string; message: string };

/** Deepest `{`/`[` nesting in `text`, stopping early once past `limit`. Strings are skipped. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  // Depth can never exceed the number of characters.
  if (text.length <= limit) return false;
  // Nor the number of opening brackets: counting them with native indexOf is far cheaper than
  // walking every character, and nearly every record has few.
  if (!hasMoreThan(text, '{', '[', limit)) return false;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Jump to the closing quote with native indexOf; a quote after an odd run of backslashes is escaped.
      let q = text.indexOf('"', i + 1);
      for (;;) {
        if (q < 0) return false; // unterminated string: JSON.parse will report it
        let b = q - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        if ((q - 1 - b) % 2 === 0) break;
        q = text.indexOf('"', q + 1);
      }
      i = q;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** Does `text` hold more than `limit` of the characters `a` and `b` together? */
function hasMoreThan(text: string, a: string, b: string, limit: number): boolean {
  const as = countUpTo(text, a, limit);
  return as > limit || as + countUpTo(text, b, limit - as) > limit;
}

/** How many `ch` `text` holds, found with native indexOf; counting stops once past `cap`. */
function countUpTo(text: string, ch: string, cap: number): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0 && n <= cap; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

export function parseJsonText(text: string, scope: string = FORMAT): JsonParse {
  const start = skipBlank(text);
  if (start >= text.length) return { ok: false, what: 'empty', message: 'record is empty' };
  const first = text.charCodeAt(start);
  // Records are objects or arrays of objects; refusing anything else here also spares JSON.parse's
  // costly exception on every non-JSON line that reaches a JSON decoder.
  if (first !== 0x7b && first !== 0x5b) {
    return { ok: false, what: 'not_object', message: `record starts with "${excerpt(text, start, 12)}", not { or [` };
  }
  // JSON.parse itself does not recurse (V8's parser keeps its own stack), so the depth is checked
  // after it, and only where it can matter: a valid text nested d deep holds d opening and d closing
  // brackets, so one of at most 2 * MAX_JSON_DEPTH + 1 characters cannot exceed the limit. Most
  // records are that short and skip the bracket count; the outcome for every text is the same as
  // checking first (a too-deep text is too_deep whether or not it also fails to parse).
  let value: unknown;
  try {
    value = JSON.parse(start === 0 ? text : text.slice(start));
  } catch (e) {
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return tooDeep(scope);
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, what: 'syntax', message: `invalid JSON: ${excerpt(detail, 0, 120)}` };
  }
  return checkedJson(text, start, value, scope);
}

/**
 * parseJsonText's outcome for a text already parsed to `value` (framing parses single-line records
 * itself: see framing.ts), without parsing it again.
 */
export function parsedJsonText(text: string, value: unknown, scope: string = FORMAT): JsonParse {
  return checkedJson(text, skipBlank(text), value, scope);
}

function checkedJson(text: string, start: number, value: unknown, scope: string): JsonParse {
  if (text.length - start > 2 * MAX_JSON_DEPTH + 1 && !tooShortToNest(text, MAX_JSON_DEPTH) && jsonDepthExceeds(text, MAX_JSON_DEPTH)) return tooDeep(scope);
  return { ok: true, value };
}

/**
 * Is `text`, valid JSON, too short to nest deeper than `limit`? In valid JSON a level costs two
 * characters when it is an array (`[]`) and five when it is an object (`{"":` and `}`), but for the
 * innermost one (`{}`). So a valid text with `a` '[' characters nests at most a + (length - 2a) / 5
 * + 1 deep (more '[' than array levels only raises the bound). One indexOf pass for the rarely
 * present '[' settles most records (a 3 KB Windows event), instead of counting every '{' as well.
 * Not for invalid text: `{{{{` nests a level per character.
 */
function tooShortToNest(text: string, limit: number): boolean {
  const arrays = countUpTo(text, '[', limit);
  return arrays + Math.floor((text.length - 2 * arrays) / 5) + 1 <= limit;
}

function tooDeep(scope: string): JsonParse {
  return { ok: false, what: 'too_deep', message: `${scope} nests deeper than ${MAX_JSON_DEPTH} levels` };
}

function isObject(v: unknown): v is RawRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Which JSON dialect an object is. */
export function classifyJson(obj: RawRecord): WireFormat {
  const event = obj.Event;
  if (isObject(event) && isObject(event.System)) return 'evtx-json';
  if (isObject(obj.winlog)) return 'winlogbeat-json';
  if (Array.isArray(obj.resourceLogs)) return 'otlp-json';
  return 'json';
}

function objectResult(v: unknown, index?: number): DecodeResult {
  if (!isObject(v)) {
    const what = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
    const where = index === undefined ? 'record' : `array element ${index}`;
    return decodeFailure(FORMAT, 'not_object', `${where} is a JSON ${what}, not an object`);
  }
  const format = classifyJson(v);
  // OTLP requests are split by the OTLP decoder; read as plain JSON they are just an object.
  return decoded(format === 'otlp-json' ? 'json' : format, v);
}

/** Results for an already-parsed JSON value: one for an object, one per element for an array. */
export function jsonValueResults(value: unknown): DecodeResult[] {
  if (Array.isArray(value)) return value.map((v, i) => objectResult(v, i));
  return [objectResult(value)];
}

/** Every object in a record: one for an object, one per element for an array of objects. */
export function decodeJsonRecords(record: string | Uint8Array, _opts?: DecodeOptions): DecodeResult[] {
  return jsonParseResults(parseJsonText(recordText(record)));
}

/** decodeJsonRecords' results for a parse outcome. */
export function jsonParseResults(r: JsonParse): DecodeResult[] {
  if (!r.ok) return [decodeFailure(FORMAT, r.what, r.message)];
  return jsonValueResults(r.value);
}

/** Exactly one object per record; an array of several objects is `decode.json.multiple_records`. */
export function decodeJson(record: string | Uint8Array, _opts?: DecodeOptions): DecodeResult {
  const r = parseJsonText(recordText(record));
  if (!r.ok) return decodeFailure(FORMAT, r.what, r.message);
  if (Array.isArray(r.value)) {
    if (r.value.length === 1) return objectResult(r.value[0], 0);
    if (r.value.length === 0) return decodeFailure(FORMAT, 'empty', 'record is an empty array');
    return decodeFailure(FORMAT, 'multiple_records', `record is an array of ${r.value.length} values; use decodeRecords to get one result each`);
  }
  return objectResult(r.value);
}
