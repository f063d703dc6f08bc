/**
 * Processing pipelines: per Sigma logsource, the condition it adds on normalized events and where
 * each Sigma field is read (pySigma's add_condition and field mapping, as data in pipelines/*.yml).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export { loadPipelines, parsePipeline } from './load.js';
export { resolveLogsource, UNCONDITIONED_KEY, type ResolvedLogsource } from './resolve.js';
export { compileConditions } from './predicate.js';
export { MATCH_KEYS, type ConditionValue, type Pipeline, type PipelineError, type PipelineLogsource } from './types.js';

let bundled: string | undefined;

/**
 * The repository's (or installed package's) `pipelines/` folder: the nearest ancestor of this
 * module holding a package.json and a pipelines directory. Works from src/ (tsx) and dist/.
 */
export function bundledPipelineDir(): string {
  if (bundled !== undefined) return bundled;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'pipelines'))) {
      bundled = join(dir, 'pipelines');
      return bundled;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no pipelines/ folder beside a package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The bundled pipeline files (`*.yml`), sorted by name. */
export function bundledPipelineFiles(): string[] {
  const dir = bundledPipelineDir();
  return readdirSync(dir)
    .filter((n) => n.endsWith('.yml') || n.endsWith('.yaml'))
    .sort()
    .map((n) => resolve(dir, n));
}
