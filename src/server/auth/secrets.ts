/** Random secrets and their at-rest hashes (API keys, refresh tokens, one-time passwords). */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** URL-safe random text carrying `bytes` bytes of entropy. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 hex. Enough for secrets of 32 random bytes (API keys, refresh tokens): nobody can brute
 * force them, and unlike argon2 it costs microseconds, which ingest at thousands of requests per
 * second needs. Passwords, which people choose, use argon2.
 */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** A password for the first admin: 24 characters from an unambiguous alphabet. */
export function oneTimePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let out = '';
  // randomInt is uniform (no modulo bias).
  for (let i = 0; i < 24; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}
