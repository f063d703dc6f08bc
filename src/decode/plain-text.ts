/**
 * Plain text: a line that no structured decoder recognizes (Squid's native access.log, auditd's own
 * log file) is still a record: `{message: line}`, so a mapper that knows the layout can claim it.
 * Bytes that are not text (control characters, invalid UTF-8) are not a record of any format.
 */
import { decoded, decodeFailure, excerpt } from './result.js';
import { recordText, skipBlank } from './text.js';
import type { DecodeOptions, DecodeResult } from './types.js';

const FORMAT = 'text';

/** Why a line is not text, or undefined when it is: C0 controls other than tab, DEL, U+FFFD (invalid UTF-8). */
export function notTextReason(text: string, start: number, end: number): string | undefined {
  if (start >= end) return 'record is empty';
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return `control character U+${c.toString(16).padStart(4, '0').toUpperCase()} at offset ${i}`;
    if (c === 0xfffd) return `invalid UTF-8 at offset ${i}`;
  }
  return undefined;
}

/** The end of the line's text, trailing spaces, tabs, CR and LF left out. */
function trimmedEnd(text: string): number {
  let e = text.length;
  while (e > 0) {
    const c = text.charCodeAt(e - 1);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
    e--;
  }
  return e;
}

/**
 * auditd's own record layout: `[node=N ]type=T msg=audit(SECONDS:SERIAL): ...`. It looks like key=value
 * but is not flat: `msg` appears twice (the record's time and serial, then the user-space payload
 * with its own quoted pairs), so a generic key=value decode would lose the record's time.
 */
export function looksLikeAuditd(text: string, start = 0): boolean {
  let i = start;
  if (text.startsWith('node=', i)) {
    const sp = text.indexOf(' ', i);
    if (sp < 0 || sp - i > 260) return false;
    i = sp + 1;
  }
  if (!text.startsWith('type=', i)) return false;
  i += 5;
  const typeStart = i;
  while (i < text.length && i - typeStart < 64) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x5b || c === 0x5d)) break;
    i++;
  }
  return i > typeStart && text.startsWith(' msg=audit(', i);
}

/** Text from `start` as one record, or a `decode.<scope>.not_text` failure. */
export function textRecord(text: string, start: number, scope: string): DecodeResult {
  const end = trimmedEnd(text);
  const why = notTextReason(text, start, end);
  if (why !== undefined) {
    if (scope === 'record') return decodeFailure(scope, 'unrecognized', `no known format and not text (${why}): "${excerpt(text, start, 40)}"`);
    return decodeFailure(scope, start >= end ? 'empty' : 'not_text', start >= end ? why : `${why}: "${excerpt(text, start, 40)}"`);
  }
  return decoded(FORMAT, { message: start === 0 && end === text.length ? text : text.slice(start, end) });
}

export function decodeText(record: string | Uint8Array, _opts?: DecodeOptions): DecodeResult {
  const text = recordText(record);
  return textRecord(text, skipBlank(text), FORMAT);
}
