import type { DecodeResult, RawRecord, WireFormat } from './types.js';

/** A successful decode. */
export function decoded(format: WireFormat, fields: RawRecord): DecodeResult {
  return { ok: true, value: { format, fields } };
}

/** A typed decode failure: `decode.<scope>.<what>`, where scope is a wire format or `record`. */
export function decodeFailure(scope: string, what: string, message: string): DecodeResult {
  return { ok: false, error: { code: `decode.${scope}.${what}`, message } };
}

/** Show a short, printable excerpt of bad input in an error message. */
export function excerpt(text: string, at = 0, width = 40): string {
  const slice = text.slice(Math.max(0, at), Math.max(0, at) + width);
  // Escape control characters so a hostile record cannot forge log lines through our error text.
  const shown = JSON.stringify(slice).slice(1, -1);
  return text.length > at + width ? `${shown}...` : shown;
}
