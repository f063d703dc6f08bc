import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from './shared-data.js';

/** Absolute path of a file under test/fixtures. */
export function fixturePath(...parts: string[]): string {
  return resolve(repoRoot, 'test', 'fixtures', ...parts);
}

/** The non-empty lines of a fixture file (LF or CRLF), exactly as stored. */
export function fixtureLines(...parts: string[]): string[] {
  return readFileSync(fixturePath(...parts), 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
}

export function fixtureText(...parts: string[]): string {
  return readFileSync(fixturePath(...parts), 'utf8');
}
