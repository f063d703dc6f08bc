// Node 20's test runner takes no globs, so find the test files here and hand them over.
// Usage: node scripts/run-tests.mjs [substring-filter...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const roots = ['src', 'test'];
const filters = process.argv.slice(2);
const files = [];
function walk(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts') && (filters.length === 0 || filters.some((f) => p.includes(f)))) files.push(p);
  }
}
roots.forEach(walk);
files.sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.WEFT_TEST_CONCURRENCY ?? '2';
// Commands the tests run keep their rule parse cache here, not in the user's cache directory; the
// tests that run a command twice then read the second time from it.
const cacheDir = process.env.WEFT_CACHE_DIR === undefined ? mkdtempSync(join(tmpdir(), 'weft-test-cache-')) : undefined;
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: cacheDir === undefined ? process.env : { ...process.env, WEFT_CACHE_DIR: cacheDir } },
);
if (cacheDir !== undefined) rmSync(cacheDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
