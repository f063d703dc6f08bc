/**
 * SHA-1 (FIPS 180-4) of a message of at most 13 big-endian 32-bit words, that is one 64-byte block
 * after padding, as base64. It exists for Community ID, whose input is 16 bytes (IPv4) or 40 bytes
 * (IPv6): there the fixed cost of a call into OpenSSL (about 0.43 µs) is most of the hash, and this
 * does the same in about 0.26 µs, which on a Zeek conn record is 4% of decode + normalize. It is a
 * flow hash, not a security control; the tests check it against node:crypto on random inputs.
 */

/** The message schedule; the caller's words go in `SHA1_WORDS[0 .. n)`. */
export const SHA1_WORDS = new Int32Array(80);

/** Base64 alphabet as code units. */
const B64 = Uint16Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) => c.charCodeAt(0));

export const SHA1_MAX_WORDS = 13;

/**
 * Base64 SHA-1 of the first `n` words of SHA1_WORDS (n <= SHA1_MAX_WORDS), with `prefix` (two
 * code units, e.g. `1:`) in front: one string, built once.
 */
export function sha1Base64(n: number, prefix0: number, prefix1: number): string {
  if (n < 0 || n > SHA1_MAX_WORDS || !Number.isInteger(n)) throw new RangeError(`sha1Base64 takes 0 to ${SHA1_MAX_WORDS} words, not ${n}`);
  const w = SHA1_WORDS;
  // Padding: a 1 bit after the message, zeros, and the length in bits in the last word.
  w[n] = 0x80000000 | 0;
  for (let i = n + 1; i < 15; i++) w[i] = 0;
  w[15] = n * 32;
  for (let i = 16; i < 80; i++) {
    const x = (w[i - 3] as number) ^ (w[i - 8] as number) ^ (w[i - 14] as number) ^ (w[i - 16] as number);
    w[i] = (x << 1) | (x >>> 31);
  }
  let a = 0x67452301 | 0;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476 | 0;
  let e = 0xc3d2e1f0 | 0;
  let t: number;
  let i = 0;
  // Four loops, one per round function, so no round branches on its index.
  for (; i < 20; i++) {
    t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + (w[i] as number)) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  }
  for (; i < 40; i++) {
    t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + (w[i] as number)) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  }
  for (; i < 60; i++) {
    t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + (0x8f1bbcdc | 0) + (w[i] as number)) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  }
  for (; i < 80; i++) {
    t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + (0xca62c1d6 | 0) + (w[i] as number)) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  }
  a = (a + 0x67452301) | 0;
  b = (b + 0xefcdab89) | 0;
  c = (c + 0x98badcfe) | 0;
  d = (d + 0x10325476) | 0;
  e = (e + 0xc3d2e1f0) | 0;
  const T = B64;
  // 160 bits are 26 sextets and 4 bits (the 27th, padded with zeros), then one '='.
  return String.fromCharCode(
    prefix0, prefix1,
    T[a >>> 26] as number, T[(a >>> 20) & 63] as number, T[(a >>> 14) & 63] as number, T[(a >>> 8) & 63] as number,
    T[(a >>> 2) & 63] as number, T[((a & 3) << 4) | (b >>> 28)] as number,
    T[(b >>> 22) & 63] as number, T[(b >>> 16) & 63] as number, T[(b >>> 10) & 63] as number, T[(b >>> 4) & 63] as number,
    T[((b & 15) << 2) | (c >>> 30)] as number,
    T[(c >>> 24) & 63] as number, T[(c >>> 18) & 63] as number, T[(c >>> 12) & 63] as number, T[(c >>> 6) & 63] as number, T[c & 63] as number,
    T[d >>> 26] as number, T[(d >>> 20) & 63] as number, T[(d >>> 14) & 63] as number, T[(d >>> 8) & 63] as number,
    T[(d >>> 2) & 63] as number, T[((d & 3) << 4) | (e >>> 28)] as number,
    T[(e >>> 22) & 63] as number, T[(e >>> 16) & 63] as number, T[(e >>> 10) & 63] as number, T[(e >>> 4) & 63] as number,
    T[(e & 15) << 2] as number, 0x3d,
  );
}
