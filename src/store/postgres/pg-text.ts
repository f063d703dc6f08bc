/**
 * PostgreSQL text cannot hold U+0000, and JSONB rejects the `\u0000` escape and lone surrogates
 * (`\ud800`), which JSON.stringify emits for broken UTF-16. Real logs contain both. These helpers
 * detect such strings and make a storable copy (each offending code unit becomes U+FFFD); callers
 * keep the exact value elsewhere when they need it back.
 */

const MAYBE_UNSTORABLE = /[\0\ud800-\udfff]/;
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** Does this string contain a NUL or a lone surrogate? Surrogate pairs (emoji) are fine. */
export function hasUnstorableText(s: string): boolean {
  return MAYBE_UNSTORABLE.test(s) && UNSTORABLE.test(s);
}

/** A copy PostgreSQL text accepts: NUL and lone surrogates replaced by U+FFFD. */
export function storableText(s: string): string {
  return hasUnstorableText(s) ? s.replace(UNSTORABLE_ALL, '\ufffd') : s;
}

export function storableOrNull(s: string | null): string | null {
  return s === null ? null : storableText(s);
}

// JSON.stringify writes NUL as \u0000 and a lone surrogate as \udXXX (lowercase); a well-formed pair is
// written as the characters themselves. Only an escape preceded by an even run of backslashes is an
// escape: `\\u0000` is a backslash followed by the text "u0000".
const MAYBE_BAD_ESCAPE = /\\u(?:0000|d[89a-f])/;
const BAD_ESCAPE_ALL = /(?<=(?:^|[^\\])(?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

/** Does JSON text from JSON.stringify contain an escape JSONB refuses? */
export function hasUnstorableJson(json: string): boolean {
  if (!MAYBE_BAD_ESCAPE.test(json)) return false;
  BAD_ESCAPE_ALL.lastIndex = 0;
  return BAD_ESCAPE_ALL.test(json);
}

/** JSON text JSONB accepts: refused escapes become `\ufffd`. */
export function storableJson(json: string): string {
  return hasUnstorableJson(json) ? json.replace(BAD_ESCAPE_ALL, '\\ufffd') : json;
}
