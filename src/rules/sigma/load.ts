/** Load Sigma files and directories (recursively, `.yml` / `.yaml`), in a stable order. */
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRuleText } from './parse.js';
import { RuleParseCache } from './parse-cache.js';
import type { LoadResult } from './types.js';

export interface LoadOptions {
  /** Largest file accepted, in bytes (default 4 MiB): a bigger one is rejected, not read. */
  maxFileBytes?: number;
  /**
   * Directory names not descended into when walking a directory (default `tests`: a rule pack keeps
   * each rule's test records in `tests/<rule file>`, which are not rules).
   */
  skipDirs?: string[];
  /** Keep parse results in this directory between runs (parse-cache.ts); none: parse every file. */
  cacheDir?: string;
  /**
   * For files written anew to a temporary folder each run (replay's rule versions): the cache file's
   * name instead of the rule roots, and each file's name within it (its parse is handed out with the
   * real path).
   */
  cacheAs?: { root: string; name: (file: string) => string };
}

/** A cached parse kept under another name, as copies naming `file` (the cached one is shared and must not change). */
function withFile(l: LoadResult, file: string): LoadResult {
  return {
    rules: l.rules.map((x) => ({ ...x, file })), correlations: l.correlations.map((x) => ({ ...x, file })),
    filters: l.filters.map((x) => ({ ...x, file })), rejections: l.rejections.map((x) => ({ ...x, file })),
  };
}

function collect(path: string, out: string[], errors: LoadResult['rejections'], skip: ReadonlySet<string>): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    errors.push({ file: path, line: 0, reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return;
  }
  if (st.isDirectory()) {
    const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of entries) {
      if (d.name.startsWith('.')) continue;
      const p = join(path, d.name);
      if (d.isDirectory()) {
        if (!skip.has(d.name)) collect(p, out, errors, skip);
      }
      else if (/\.ya?ml$/i.test(d.name) && (d.isFile() || d.isSymbolicLink())) out.push(p);
    }
  } else {
    out.push(path);
  }
}

/** The rule files under the given files and directories, in the order loadRules reads them. */
export function ruleFiles(paths: string[], opts: LoadOptions = {}): { files: string[]; errors: LoadResult['rejections'] } {
  const files: string[] = [];
  const errors: LoadResult['rejections'] = [];
  const skip = new Set(opts.skipDirs ?? ['tests']);
  for (const p of paths) collect(p, files, errors, skip);
  return { files, errors };
}

export function loadRules(paths: string[], opts: LoadOptions = {}): LoadResult {
  const max = opts.maxFileBytes ?? 4 * 1024 * 1024;
  const result: LoadResult = { rules: [], correlations: [], filters: [], rejections: [] };
  const { files, errors } = ruleFiles(paths, opts);
  result.rejections.push(...errors);
  const cache = opts.cacheDir === undefined ? undefined : RuleParseCache.open(opts.cacheDir, opts.cacheAs !== undefined ? [opts.cacheAs.root] : paths.map((p) => resolve(p)));
  for (const file of files) {
    let text: string;
    try {
      const fd = openSync(file, 'r');
      try {
        const size = fstatSync(fd).size;
        if (size > max) {
          result.rejections.push({ file, line: 0, reason: `file is ${size} bytes, over the ${max}-byte limit` });
          continue;
        }
        text = readFileSync(fd, 'utf8');
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      result.rejections.push({ file, line: 0, reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    const key = opts.cacheAs?.name(file) ?? file;
    const r = cache === undefined ? parseRuleText(text, file) : key === file ? cache.parse(file, text, parseRuleText) : withFile(cache.parse(key, text, parseRuleText), file);
    result.rules.push(...r.rules);
    result.correlations.push(...r.correlations);
    result.filters.push(...r.filters);
    result.rejections.push(...r.rejections);
  }
  cache?.save();
  return result;
}
