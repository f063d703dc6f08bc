import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, wherever the tests run from. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `../shared/data` beside the clone (CI puts it there), or `WEFT_SHARED_DATA`.
 * Tests that need it fail when CI is set and it is missing, and skip locally with a reason.
 */
export function sharedData(...parts: string[]): string {
  const base = process.env.WEFT_SHARED_DATA ?? resolve(repoRoot, '..', 'shared', 'data');
  return resolve(base, ...parts);
}

export function requireSharedData(...parts: string[]): string | undefined {
  const p = sharedData(...parts);
  if (existsSync(p)) return p;
  if (process.env.CI) throw new Error(`shared test data missing at ${p} (CI is set, so this is a failure)`);
  return undefined;
}
