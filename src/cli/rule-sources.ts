/** Which rules and pipelines a command uses: flags first, then the config, then the bundled ones. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WeftConfig } from '../config/schema.js';
import { buildRuleSetFromLoaded, type BuildRuleSetResult } from '../rules/engine/index.js';
import { loadRules } from '../rules/sigma/load.js';
import type { LoadResult } from '../rules/sigma/types.js';
import { hasRuleFiles, rulePackSources } from '../rules/pack/index.js';
import { bundledPipelineDir, bundledPipelineFiles } from '../rules/pipeline/index.js';
import { UsageError } from './context.js';

export interface RuleSourceFlags {
  rules?: string[];
  pipeline?: string[];
}

export function ruleSourcePaths(flags: RuleSourceFlags, config: WeftConfig): { rulePaths: string[]; pipelinePaths: string[] } {
  let rulePaths = flags.rules ?? [];
  if (rulePaths.length === 0) rulePaths = config.rules.paths;
  if (rulePaths.length === 0) {
    const dir = resolve(bundledPipelineDir(), '..', 'rules');
    if (!hasRuleFiles(dir)) {
      throw new UsageError(`no rules to run: the bundled rule pack (${dir}) is missing or empty, and neither --rules nor rules.paths in the config names any`);
    }
    // The pack's tests/ folder holds test records, not rules.
    rulePaths = rulePackSources(dir);
  }
  for (const p of rulePaths) if (!existsSync(p)) throw new UsageError(`rule path not found: ${p}`);
  const extra = [...config.rules.pipelines, ...(flags.pipeline ?? [])];
  for (const p of extra) if (!existsSync(p)) throw new UsageError(`pipeline file not found: ${p}`);
  return { rulePaths: rulePaths.map((p) => resolve(p)), pipelinePaths: [...bundledPipelineFiles(), ...extra.map((p) => resolve(p))] };
}

/**
 * Where parsed rule files are kept between runs (rules/sigma/parse-cache.ts): `WEFT_CACHE_DIR`
 * (`off` for nowhere), else `$XDG_CACHE_HOME/weft`, else `~/.cache/weft`.
 */
export function ruleCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.WEFT_CACHE_DIR;
  if (set !== undefined) return set === '' || set === 'off' ? undefined : resolve(set);
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== '') return join(resolve(xdg), 'weft');
  try {
    return join(homedir(), '.cache', 'weft');
  } catch {
    return undefined;
  }
}

/** The rule documents of these files and directories, parsed or from the parse cache. */
export function loadRuleFiles(rulePaths: string[]): LoadResult {
  const cacheDir = ruleCacheDir();
  return loadRules(rulePaths, cacheDir !== undefined ? { cacheDir } : {});
}

/**
 * Build the rule set; a pipeline file with errors is a bad argument (exit 2), listed in full. The
 * rule paths it read come with it (correlation stages and rule-version stores read them again).
 */
export function ruleSetFor(flags: RuleSourceFlags, config: WeftConfig, loaded?: LoadResult): BuildRuleSetResult & { rulePaths: string[] } {
  const { rulePaths, pipelinePaths } = ruleSourcePaths(flags, config);
  const opts = { pipelinePaths, placeholders: config.rules.placeholders, disabled: config.rules.disabled };
  // Rules already read (`weft hunt` reads them once for itself and its workers) are only compiled.
  const built = buildRuleSetFromLoaded(loaded ?? loadRuleFiles(rulePaths), opts);
  if (built.pipelineErrors.length > 0) {
    const lines = built.pipelineErrors.map((e) => `  ${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`);
    throw new UsageError(`pipeline errors:\n${lines.join('\n')}`);
  }
  return { ...built, rulePaths };
}

/** Repeatable option collector for commander. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Rejection reasons grouped by their text with quoted values elided, most frequent first. */
export function rejectionReasons(rejections: readonly { reason: string }[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const r of rejections) {
    const k = r.reason.replace(/'[^']*'/g, "'…'");
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
