/**
 * Parsed rule files kept between runs. Parsing the YAML of the SigmaHQ set takes about 1.4 s of a
 * 2.2 s rule build; reading the parse results back takes about 0.15 s. Every `weft hunt` and `weft
 * rules` run over the same rule directories pays the parse once.
 *
 * An entry is keyed by the file's path and exact text, so an edited, added or removed rule is parsed
 * again and nothing else is. The whole cache is keyed by the code that parses (the sources of this
 * directory, the YAML library's version, V8's serializer version): a Weft built from other parser
 * code never reads it. One cache file per set of rule roots, rewritten (to a temporary file, then
 * renamed) only when a file was parsed or dropped; the oldest of more than MAX_FILES are removed.
 *
 * The cache never decides whether a run works: an unreadable, corrupt or foreign cache file is a
 * miss, and a cache that cannot be written is left alone. Parse results decide what is detected, so
 * a cache file another user owns, or one that others may write, is never read (a shared directory
 * such as /tmp would otherwise let them plant one that drops rules). In the user's own cache
 * directory, whoever can write the cache can write the rule files too.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedDataVersionTag, deserialize, serialize } from 'node:v8';
import type { LoadResult } from './types.js';

/** Cache files kept per cache directory (one per set of rule roots). */
const MAX_FILES = 8;
const PREFIX = 'sigma-parse-';
const SUFFIX = '.v8';

let codeKey: string | undefined;

/** What the parse results depend on besides the rule text: this directory's code and the YAML library. */
function parserCodeKey(): string {
  if (codeKey !== undefined) return codeKey;
  const h = createHash('sha256');
  const here = dirname(fileURLToPath(import.meta.url));
  for (const name of readdirSync(here).sort()) {
    if (!/\.(js|ts)$/.test(name) || /\.test\.(js|ts)$/.test(name)) continue;
    h.update(name).update('\u0000').update(readFileSync(join(here, name))).update('\u0000');
  }
  let yamlVersion = 'unknown';
  try {
    yamlVersion = (createRequire(import.meta.url)('yaml/package.json') as { version: string }).version;
  } catch {
    // A yaml without a readable package.json: the version part of the key stays constant.
  }
  h.update(`yaml ${yamlVersion}\u0000v8 ${cachedDataVersionTag()}`);
  codeKey = h.digest('hex');
  return codeKey;
}

function isFileParse(v: unknown, file: string): v is LoadResult {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  const lists = [r.rules, r.correlations, r.filters, r.rejections];
  if (!lists.every(Array.isArray)) return false;
  // Every parsed document names the file it came from: a result for another file is not this one's.
  return lists.every((l) => (l as Array<{ file?: unknown }>).every((x) => x !== null && typeof x === 'object' && x.file === file));
}

/**
 * The file's bytes if it is a regular file this user owns and nobody else may write; undefined
 * otherwise. Opened without blocking, so a FIFO planted under the cache's name cannot hang the run.
 * Throws if it cannot be read.
 */
function readOwnFile(file: string): Buffer | undefined {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    // POSIX owners and modes; Windows reports neither meaningfully (its ACLs guard the profile folder).
    if (typeof process.getuid === 'function' && ((st.mode & 0o022) !== 0 || st.uid !== process.getuid())) return undefined;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface ParseCacheStats {
  hits: number;
  misses: number;
}

export class RuleParseCache {
  private readonly stored: Map<string, unknown>;
  private readonly used = new Map<string, LoadResult>();
  private readonly stats: ParseCacheStats = { hits: 0, misses: 0 };

  private constructor(private readonly dir: string, private readonly file: string, stored: Map<string, unknown>) {
    this.stored = stored;
  }

  /** The cache of the rule files under `roots`, in `dir` (created when first written). */
  static open(dir: string, roots: readonly string[]): RuleParseCache {
    const key = createHash('sha256').update(parserCodeKey()).update([...roots].sort().join('\u0000')).digest('hex').slice(0, 32);
    const file = join(dir, `${PREFIX}${key}${SUFFIX}`);
    let stored = new Map<string, unknown>();
    try {
      const bytes = readOwnFile(file);
      const v: unknown = bytes === undefined ? undefined : deserialize(bytes);
      if (v instanceof Map) stored = v as Map<string, unknown>;
    } catch {
      // Missing or unreadable: start empty.
    }
    return new RuleParseCache(dir, file, stored);
  }

  private static entryKey(file: string, text: string): string {
    return createHash('sha256').update(file).update('\u0000').update(text).digest('hex');
  }

  /**
   * The parse of `file` with exactly this text: the cached one, else `parse(text, file)`'s, kept for
   * the next run (the caller must not change it afterwards).
   */
  parse(file: string, text: string, parse: (text: string, file: string) => LoadResult): LoadResult {
    const key = RuleParseCache.entryKey(file, text);
    const v = this.stored.get(key);
    let r: LoadResult;
    if (isFileParse(v, file)) {
      this.stats.hits++;
      r = v;
    } else {
      this.stats.misses++;
      r = parse(text, file);
    }
    this.used.set(key, r);
    return r;
  }

  get counts(): Readonly<ParseCacheStats> {
    return this.stats;
  }

  /**
   * Write what this run used, if it differs from what was read: a file parsed, or an entry no rule
   * file has any more. Failing to write is not an error (the next run parses again).
   */
  save(): void {
    if (this.stats.misses === 0 && this.used.size === this.stored.size) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(tmp, serialize(this.used), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // Nothing was written.
      }
      return;
    }
    this.prune();
  }

  /** Keep the MAX_FILES most recently written cache files of the directory. */
  private prune(): void {
    try {
      const files = readdirSync(this.dir)
        .filter((n) => n.startsWith(PREFIX) && n.endsWith(SUFFIX))
        .map((n) => ({ path: join(this.dir, n), at: statSync(join(this.dir, n)).mtimeMs }))
        .sort((a, b) => b.at - a.at);
      for (const f of files.slice(MAX_FILES)) unlinkSync(f.path);
    } catch {
      // Another run may be pruning too.
    }
  }
}
