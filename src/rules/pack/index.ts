/** Weft's bundled rule pack (`rules/`): locating it and reading its test files. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundledPipelineDir } from '../pipeline/index.js';

export { parseRuleTestFile, readRuleTestFile, RuleTestFileError, MAX_TEST_FILE_BYTES, type RuleTestFile, type RuleTestRecord } from './test-file.js';

/** The package's `rules/` folder (beside `pipelines/`). */
export function bundledRulesDir(): string {
  const dir = join(bundledPipelineDir(), '..', 'rules');
  if (!existsSync(dir)) throw new Error(`no rules/ folder at ${dir}`);
  return dir;
}

/** The folder of rule test files inside a rule pack; it holds no rules. */
export const TESTS_DIR = 'tests';

/**
 * The paths to hand to `loadRules` for a pack: every entry of the pack folder except `tests/` (whose
 * YAML files are test records, not Sigma documents) and dot-files.
 */
export function rulePackSources(dir: string = bundledRulesDir()): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => !d.name.startsWith('.') && d.name !== TESTS_DIR && (d.isDirectory() || /\.ya?ml$/i.test(d.name)))
    .map((d) => join(dir, d.name))
    .sort();
}

/** Does a directory hold at least one rule file (`.yml`/`.yaml`, at any depth)? */
export function hasRuleFiles(dir: string): boolean {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.name.startsWith('.')) continue;
    if (d.isDirectory() && hasRuleFiles(join(dir, d.name))) return true;
    if (d.isFile() && /\.ya?ml$/i.test(d.name)) return true;
  }
  return false;
}
