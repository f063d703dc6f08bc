/**
 * SHA-1 (FIPS 180-4) of a message of at most 13 big-endian 32-bit words, that is one 64-byte block
 * after padding, as base64. It exists for Community ID, whose input is 16 bytes (IPv4) or 40 bytes
 * (IPv6): there the fixed cost of a call into OpenSSL is most of the hash (node:crypto, 1.1 µs a
 * Community ID on the machine this was measured on; this, 0.26 µs, and 0.56 µs as loops over an
 * array of 80 words). It is a flow hash, not a security control; the tests check it against
 * node:crypto on random inputs of every length it takes.
 */

/** The caller's words go in `SHA1_WORDS[0 .. n)`; the rest is padding. */
export const SHA1_WORDS = new Int32Array(16);

/** Base64 alphabet as code units. */
const B64 = Uint16Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) => c.charCodeAt(0));

export const SHA1_MAX_WORDS = 13;

/**
 * Base64 SHA-1 of the first `n` words of SHA1_WORDS (n <= SHA1_MAX_WORDS), with `prefix` (two
 * code units, e.g. `1:`) in front: one string, built once.
 */
export function sha1Base64(n: number, prefix0: number, prefix1: number): string {
  if (n < 0 || n > SHA1_MAX_WORDS || !Number.isInteger(n)) throw new RangeError(`sha1Base64 takes 0 to ${SHA1_MAX_WORDS} words, not ${n}`);
  const m = SHA1_WORDS;
  // Padding: a 1 bit after the message, zeros, and the length in bits in the last word.
  m[n] = 0x80000000 | 0;
  for (let i = n + 1; i < 15; i++) m[i] = 0;
  m[15] = n * 32;
  // One block, unrolled: the 16-word schedule in locals (rewritten in place from round 16 on) and
  // the five state words renamed round by round instead of moved, so no round reads or writes
  // memory. Written out by a generator; the tests check it against node:crypto.
  let w0 = m[0] as number, w1 = m[1] as number, w2 = m[2] as number, w3 = m[3] as number, w4 = m[4] as number, w5 = m[5] as number, w6 = m[6] as number, w7 = m[7] as number;
  let w8 = m[8] as number, w9 = m[9] as number, w10 = m[10] as number, w11 = m[11] as number, w12 = m[12] as number, w13 = m[13] as number, w14 = m[14] as number, w15 = m[15] as number;
  let s0 = 0x67452301 | 0;
  let s1 = 0xefcdab89 | 0;
  let s2 = 0x98badcfe | 0;
  let s3 = 0x10325476 | 0;
  let s4 = 0xc3d2e1f0 | 0;
  let t: number;
  s4 = (((s0 << 5) | (s0 >>> 27)) + ((s1 & s2) | (~s1 & s3)) + s4 + 0x5a827999 + w0) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  s3 = (((s4 << 5) | (s4 >>> 27)) + ((s0 & s1) | (~s0 & s2)) + s3 + 0x5a827999 + w1) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  s2 = (((s3 << 5) | (s3 >>> 27)) + ((s4 & s0) | (~s4 & s1)) + s2 + 0x5a827999 + w2) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  s1 = (((s2 << 5) | (s2 >>> 27)) + ((s3 & s4) | (~s3 & s0)) + s1 + 0x5a827999 + w3) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  s0 = (((s1 << 5) | (s1 >>> 27)) + ((s2 & s3) | (~s2 & s4)) + s0 + 0x5a827999 + w4) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  s4 = (((s0 << 5) | (s0 >>> 27)) + ((s1 & s2) | (~s1 & s3)) + s4 + 0x5a827999 + w5) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  s3 = (((s4 << 5) | (s4 >>> 27)) + ((s0 & s1) | (~s0 & s2)) + s3 + 0x5a827999 + w6) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  s2 = (((s3 << 5) | (s3 >>> 27)) + ((s4 & s0) | (~s4 & s1)) + s2 + 0x5a827999 + w7) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  s1 = (((s2 << 5) | (s2 >>> 27)) + ((s3 & s4) | (~s3 & s0)) + s1 + 0x5a827999 + w8) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  s0 = (((s1 << 5) | (s1 >>> 27)) + ((s2 & s3) | (~s2 & s4)) + s0 + 0x5a827999 + w9) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  s4 = (((s0 << 5) | (s0 >>> 27)) + ((s1 & s2) | (~s1 & s3)) + s4 + 0x5a827999 + w10) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  s3 = (((s4 << 5) | (s4 >>> 27)) + ((s0 & s1) | (~s0 & s2)) + s3 + 0x5a827999 + w11) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  s2 = (((s3 << 5) | (s3 >>> 27)) + ((s4 & s0) | (~s4 & s1)) + s2 + 0x5a827999 + w12) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  s1 = (((s2 << 5) | (s2 >>> 27)) + ((s3 & s4) | (~s3 & s0)) + s1 + 0x5a827999 + w13) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  s0 = (((s1 << 5) | (s1 >>> 27)) + ((s2 & s3) | (~s2 & s4)) + s0 + 0x5a827999 + w14) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  s4 = (((s0 << 5) | (s0 >>> 27)) + ((s1 & s2) | (~s1 & s3)) + s4 + 0x5a827999 + w15) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w13 ^ w8 ^ w2 ^ w0; w0 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + ((s0 & s1) | (~s0 & s2)) + s3 + 0x5a827999 + w0) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w14 ^ w9 ^ w3 ^ w1; w1 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + ((s4 & s0) | (~s4 & s1)) + s2 + 0x5a827999 + w1) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w15 ^ w10 ^ w4 ^ w2; w2 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + ((s3 & s4) | (~s3 & s0)) + s1 + 0x5a827999 + w2) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w0 ^ w11 ^ w5 ^ w3; w3 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + ((s2 & s3) | (~s2 & s4)) + s0 + 0x5a827999 + w3) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w1 ^ w12 ^ w6 ^ w4; w4 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + (s1 ^ s2 ^ s3) + s4 + 0x6ed9eba1 + w4) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w2 ^ w13 ^ w7 ^ w5; w5 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + (s0 ^ s1 ^ s2) + s3 + 0x6ed9eba1 + w5) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w3 ^ w14 ^ w8 ^ w6; w6 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + (s4 ^ s0 ^ s1) + s2 + 0x6ed9eba1 + w6) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w4 ^ w15 ^ w9 ^ w7; w7 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + (s3 ^ s4 ^ s0) + s1 + 0x6ed9eba1 + w7) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w5 ^ w0 ^ w10 ^ w8; w8 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + (s2 ^ s3 ^ s4) + s0 + 0x6ed9eba1 + w8) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w6 ^ w1 ^ w11 ^ w9; w9 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + (s1 ^ s2 ^ s3) + s4 + 0x6ed9eba1 + w9) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w7 ^ w2 ^ w12 ^ w10; w10 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + (s0 ^ s1 ^ s2) + s3 + 0x6ed9eba1 + w10) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w8 ^ w3 ^ w13 ^ w11; w11 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + (s4 ^ s0 ^ s1) + s2 + 0x6ed9eba1 + w11) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w9 ^ w4 ^ w14 ^ w12; w12 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + (s3 ^ s4 ^ s0) + s1 + 0x6ed9eba1 + w12) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w10 ^ w5 ^ w15 ^ w13; w13 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + (s2 ^ s3 ^ s4) + s0 + 0x6ed9eba1 + w13) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w11 ^ w6 ^ w0 ^ w14; w14 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + (s1 ^ s2 ^ s3) + s4 + 0x6ed9eba1 + w14) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w12 ^ w7 ^ w1 ^ w15; w15 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + (s0 ^ s1 ^ s2) + s3 + 0x6ed9eba1 + w15) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w13 ^ w8 ^ w2 ^ w0; w0 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + (s4 ^ s0 ^ s1) + s2 + 0x6ed9eba1 + w0) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w14 ^ w9 ^ w3 ^ w1; w1 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + (s3 ^ s4 ^ s0) + s1 + 0x6ed9eba1 + w1) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w15 ^ w10 ^ w4 ^ w2; w2 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + (s2 ^ s3 ^ s4) + s0 + 0x6ed9eba1 + w2) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w0 ^ w11 ^ w5 ^ w3; w3 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + (s1 ^ s2 ^ s3) + s4 + 0x6ed9eba1 + w3) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w1 ^ w12 ^ w6 ^ w4; w4 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + (s0 ^ s1 ^ s2) + s3 + 0x6ed9eba1 + w4) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w2 ^ w13 ^ w7 ^ w5; w5 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + (s4 ^ s0 ^ s1) + s2 + 0x6ed9eba1 + w5) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w3 ^ w14 ^ w8 ^ w6; w6 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + (s3 ^ s4 ^ s0) + s1 + 0x6ed9eba1 + w6) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w4 ^ w15 ^ w9 ^ w7; w7 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + (s2 ^ s3 ^ s4) + s0 + 0x6ed9eba1 + w7) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w5 ^ w0 ^ w10 ^ w8; w8 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + ((s1 & s2) | (s1 & s3) | (s2 & s3)) + s4 + (0x8f1bbcdc | 0) + w8) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w6 ^ w1 ^ w11 ^ w9; w9 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + ((s0 & s1) | (s0 & s2) | (s1 & s2)) + s3 + (0x8f1bbcdc | 0) + w9) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w7 ^ w2 ^ w12 ^ w10; w10 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + ((s4 & s0) | (s4 & s1) | (s0 & s1)) + s2 + (0x8f1bbcdc | 0) + w10) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w8 ^ w3 ^ w13 ^ w11; w11 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + ((s3 & s4) | (s3 & s0) | (s4 & s0)) + s1 + (0x8f1bbcdc | 0) + w11) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w9 ^ w4 ^ w14 ^ w12; w12 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + ((s2 & s3) | (s2 & s4) | (s3 & s4)) + s0 + (0x8f1bbcdc | 0) + w12) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w10 ^ w5 ^ w15 ^ w13; w13 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + ((s1 & s2) | (s1 & s3) | (s2 & s3)) + s4 + (0x8f1bbcdc | 0) + w13) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w11 ^ w6 ^ w0 ^ w14; w14 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + ((s0 & s1) | (s0 & s2) | (s1 & s2)) + s3 + (0x8f1bbcdc | 0) + w14) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w12 ^ w7 ^ w1 ^ w15; w15 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + ((s4 & s0) | (s4 & s1) | (s0 & s1)) + s2 + (0x8f1bbcdc | 0) + w15) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w13 ^ w8 ^ w2 ^ w0; w0 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + ((s3 & s4) | (s3 & s0) | (s4 & s0)) + s1 + (0x8f1bbcdc | 0) + w0) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w14 ^ w9 ^ w3 ^ w1; w1 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + ((s2 & s3) | (s2 & s4) | (s3 & s4)) + s0 + (0x8f1bbcdc | 0) + w1) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w15 ^ w10 ^ w4 ^ w2; w2 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + ((s1 & s2) | (s1 & s3) | (s2 & s3)) + s4 + (0x8f1bbcdc | 0) + w2) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w0 ^ w11 ^ w5 ^ w3; w3 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + ((s0 & s1) | (s0 & s2) | (s1 & s2)) + s3 + (0x8f1bbcdc | 0) + w3) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w1 ^ w12 ^ w6 ^ w4; w4 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + ((s4 & s0) | (s4 & s1) | (s0 & s1)) + s2 + (0x8f1bbcdc | 0) + w4) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w2 ^ w13 ^ w7 ^ w5; w5 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + ((s3 & s4) | (s3 & s0) | (s4 & s0)) + s1 + (0x8f1bbcdc | 0) + w5) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w3 ^ w14 ^ w8 ^ w6; w6 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + ((s2 & s3) | (s2 & s4) | (s3 & s4)) + s0 + (0x8f1bbcdc | 0) + w6) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w4 ^ w15 ^ w9 ^ w7; w7 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + ((s1 & s2) | (s1 & s3) | (s2 & s3)) + s4 + (0x8f1bbcdc | 0) + w7) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w5 ^ w0 ^ w10 ^ w8; w8 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + ((s0 & s1) | (s0 & s2) | (s1 & s2)) + s3 + (0x8f1bbcdc | 0) + w8) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w6 ^ w1 ^ w11 ^ w9; w9 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + ((s4 & s0) | (s4 & s1) | (s0 & s1)) + s2 + (0x8f1bbcdc | 0) + w9) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w7 ^ w2 ^ w12 ^ w10; w10 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + ((s3 & s4) | (s3 & s0) | (s4 & s0)) + s1 + (0x8f1bbcdc | 0) + w10) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w8 ^ w3 ^ w13 ^ w11; w11 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + ((s2 & s3) | (s2 & s4) | (s3 & s4)) + s0 + (0x8f1bbcdc | 0) + w11) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w9 ^ w4 ^ w14 ^ w12; w12 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + (s1 ^ s2 ^ s3) + s4 + (0xca62c1d6 | 0) + w12) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w10 ^ w5 ^ w15 ^ w13; w13 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + (s0 ^ s1 ^ s2) + s3 + (0xca62c1d6 | 0) + w13) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w11 ^ w6 ^ w0 ^ w14; w14 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + (s4 ^ s0 ^ s1) + s2 + (0xca62c1d6 | 0) + w14) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w12 ^ w7 ^ w1 ^ w15; w15 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + (s3 ^ s4 ^ s0) + s1 + (0xca62c1d6 | 0) + w15) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w13 ^ w8 ^ w2 ^ w0; w0 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + (s2 ^ s3 ^ s4) + s0 + (0xca62c1d6 | 0) + w0) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w14 ^ w9 ^ w3 ^ w1; w1 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + (s1 ^ s2 ^ s3) + s4 + (0xca62c1d6 | 0) + w1) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w15 ^ w10 ^ w4 ^ w2; w2 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + (s0 ^ s1 ^ s2) + s3 + (0xca62c1d6 | 0) + w2) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w0 ^ w11 ^ w5 ^ w3; w3 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + (s4 ^ s0 ^ s1) + s2 + (0xca62c1d6 | 0) + w3) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w1 ^ w12 ^ w6 ^ w4; w4 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + (s3 ^ s4 ^ s0) + s1 + (0xca62c1d6 | 0) + w4) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w2 ^ w13 ^ w7 ^ w5; w5 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + (s2 ^ s3 ^ s4) + s0 + (0xca62c1d6 | 0) + w5) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w3 ^ w14 ^ w8 ^ w6; w6 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + (s1 ^ s2 ^ s3) + s4 + (0xca62c1d6 | 0) + w6) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w4 ^ w15 ^ w9 ^ w7; w7 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + (s0 ^ s1 ^ s2) + s3 + (0xca62c1d6 | 0) + w7) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w5 ^ w0 ^ w10 ^ w8; w8 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + (s4 ^ s0 ^ s1) + s2 + (0xca62c1d6 | 0) + w8) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w6 ^ w1 ^ w11 ^ w9; w9 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + (s3 ^ s4 ^ s0) + s1 + (0xca62c1d6 | 0) + w9) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w7 ^ w2 ^ w12 ^ w10; w10 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + (s2 ^ s3 ^ s4) + s0 + (0xca62c1d6 | 0) + w10) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  t = w8 ^ w3 ^ w13 ^ w11; w11 = (t << 1) | (t >>> 31);
  s4 = (((s0 << 5) | (s0 >>> 27)) + (s1 ^ s2 ^ s3) + s4 + (0xca62c1d6 | 0) + w11) | 0; s1 = (s1 << 30) | (s1 >>> 2);
  t = w9 ^ w4 ^ w14 ^ w12; w12 = (t << 1) | (t >>> 31);
  s3 = (((s4 << 5) | (s4 >>> 27)) + (s0 ^ s1 ^ s2) + s3 + (0xca62c1d6 | 0) + w12) | 0; s0 = (s0 << 30) | (s0 >>> 2);
  t = w10 ^ w5 ^ w15 ^ w13; w13 = (t << 1) | (t >>> 31);
  s2 = (((s3 << 5) | (s3 >>> 27)) + (s4 ^ s0 ^ s1) + s2 + (0xca62c1d6 | 0) + w13) | 0; s4 = (s4 << 30) | (s4 >>> 2);
  t = w11 ^ w6 ^ w0 ^ w14; w14 = (t << 1) | (t >>> 31);
  s1 = (((s2 << 5) | (s2 >>> 27)) + (s3 ^ s4 ^ s0) + s1 + (0xca62c1d6 | 0) + w14) | 0; s3 = (s3 << 30) | (s3 >>> 2);
  t = w12 ^ w7 ^ w1 ^ w15; w15 = (t << 1) | (t >>> 31);
  s0 = (((s1 << 5) | (s1 >>> 27)) + (s2 ^ s3 ^ s4) + s0 + (0xca62c1d6 | 0) + w15) | 0; s2 = (s2 << 30) | (s2 >>> 2);
  const a = (s0 + 0x67452301) | 0;
  const b = (s1 + 0xefcdab89) | 0;
  const c = (s2 + 0x98badcfe) | 0;
  const d = (s3 + 0x10325476) | 0;
  const e = (s4 + 0xc3d2e1f0) | 0;
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
