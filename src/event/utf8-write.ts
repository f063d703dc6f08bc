/**
 * Buffer's own UTF-8 writer: encodes a string into a buffer at an offset and returns the byte count,
 * without `write`'s argument and encoding dispatch (a measurable share on kilobyte records). Every
 * Node release has it; `write` stays the fallback.
 */
type Utf8Writer = (this: Buffer, s: string, offset: number) => number;

const writer: Utf8Writer = (Buffer.prototype as unknown as { utf8Write?: Utf8Writer }).utf8Write
  ?? function (this: Buffer, s: string, offset: number): number { return this.write(s, offset, 'utf8'); };

/** Write `s` as UTF-8 into `buf` at `offset`; the caller makes sure it fits (3 bytes per code unit at most). */
export function writeUtf8(buf: Buffer, s: string, offset: number): number {
  return writer.call(buf, s, offset);
}
