/** Turning a framed record (string or bytes) into text without ever throwing on bad bytes. */

/**
 * Decode UTF-8 with U+FFFD for invalid sequences: a bad byte is the decoder's business to judge,
 * not a reason to throw. Buffer's decoder is the fast path in Node and replaces like TextDecoder.
 */
export function recordText(record: string | Uint8Array): string {
  if (typeof record === 'string') return record;
  return Buffer.from(record.buffer, record.byteOffset, record.byteLength).toString('utf8');
}

/** UTF-8 length of a record, computed only when the cheap bounds cannot decide against `limit`. */
export function exceedsBytes(record: string | Uint8Array, limit: number): boolean {
  if (typeof record !== 'string') return record.byteLength > limit;
  // A UTF-16 code unit takes 1 to 3 UTF-8 bytes (a surrogate pair, 2 units, takes 4).
  if (record.length > limit) return true;
  if (record.length * 3 <= limit) return false;
  return Buffer.byteLength(record, 'utf8') > limit;
}

/** Index of the first character that is not a space, tab or BOM, from `from`. */
export function skipBlank(text: string, from = 0): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0xfeff && c !== 0x0d && c !== 0x0a) break;
    i++;
  }
  return i;
}
