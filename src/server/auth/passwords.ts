/** Password hashing: argon2id with the library's defaults (64 MiB, t=3, p=4), encoded with its parameters. */
import argon2 from 'argon2';

export const MIN_PASSWORD_LENGTH = 12;
/** Longer input is refused before hashing: an attacker must not make us hash megabytes. */
export const MAX_PASSWORD_BYTES = 1024;

export class PasswordPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasswordPolicyError';
  }
}

export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new PasswordPolicyError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) throw new PasswordPolicyError(`password must be at most ${MAX_PASSWORD_BYTES} bytes`);
}

export async function hashPassword(password: string): Promise<string> {
  checkPasswordPolicy(password);
  return argon2.hash(password, { type: argon2.argon2id });
}

// Verified against when the user does not exist, so a login for an unknown name costs the same time.
let dummyHash: Promise<string> | undefined;

/** True when `password` matches `hash`. Never throws on a malformed hash or oversized input. */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return false;
  if (hash === undefined) {
    dummyHash ??= argon2.hash('weft-dummy-password-for-timing', { type: argon2.argon2id });
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
