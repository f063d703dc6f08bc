import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundledPipelineDir } from '../pipeline/index.js';

/** The package's own rule pack (`rules/` beside `pipelines/`); it may be missing in a checkout. */
export function bundledRulesDir(): string {
  return join(bundledPipelineDir(), '..', 'rules');
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
