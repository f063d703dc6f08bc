/**
 * The rule catalog behind the rules API and live detection. Rules live in the store, one record per
 * YAML document (detection rule, correlation or filter), versioned by content hash. At start the
 * configured rule files (default: the bundled pack) are put in the store, keeping enabled flags an
 * analyst set through the API; uploads add versions. The active rule set is compiled from the
 * enabled records' text with the same loader, pipelines and compiler as `weft hunt`, and rebuilt
 * after every upload or enable/disable. The pipeline files are read once, when the first rule is
 * compiled: a changed pipeline takes effect at the next start.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mayHoldCorrelation, parseCorrelationText, type CorrelationDef } from '../correlate/index.js';
import type { RuleText } from '../hunt/correlate-stage.js';
import type { Logger } from '../log/logger.js';
import { buildRuleSetFromLoaded, compileLoaded, CompileMemo, type BuildRuleSetOptions, type BuildRuleSetResult, type LoadedPipelines } from '../rules/engine/index.js';
import { loadPipelines } from '../rules/pipeline/index.js';
import { parseRuleText, RuleParseCache, ruleFiles, type ParseCacheStats } from '../rules/sigma/index.js';
import type { LoadResult } from '../rules/sigma/types.js';
import type { RuleRejection } from '../rules/types.js';
import type { RuleRecord, Store } from '../store/types.js';
import { RuleHits } from './rule-hits.js';

export interface RuleCatalogOptions {
  store: Store;
  pipelinePaths: string[];
  placeholders?: Record<string, string[]>;
  logger: Logger;
  /** Keep the configured rule files' parses here between starts (rules/sigma/parse-cache.ts); none: parse every start. */
  cacheDir?: string;
}

/** One YAML document of an upload, parsed and ready to store. */
export interface RuleDocument {
  record: RuleRecord;
  loaded: LoadResult;
  /** A correlation document's definition, and its line in the upload. */
  correlation?: { def: CorrelationDef; line: number };
}

export interface ParsedUpload {
  documents: RuleDocument[];
  rejections: RuleRejection[];
}

/** Largest upload accepted (bytes of YAML). */
export const MAX_RULE_TEXT = 1024 * 1024;

/** Split a multi-document YAML text at `---` lines, keeping each document's first line number. */
export function splitDocuments(text: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  const lines = text.split(/\r?\n/);
  let start = 0;
  let cur: string[] = [];
  const flush = (): void => {
    if (cur.some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))) out.push({ text: `${cur.join('\n')}\n`, line: start + 1 });
    cur = [];
  };
  lines.forEach((l, i) => {
    if (/^---\s*$/.test(l)) {
      flush();
      start = i + 1;
    } else {
      if (cur.length === 0) start = i;
      cur.push(l);
    }
  });
  flush();
  return out;
}

/** Marks the catalog's parse cache apart from `weft hunt`'s over the same rule folders. */
const CATALOG_CACHE_ROOT = '\u0000rule catalog documents';

/** A stored record's key among the parsed texts kept between rebuilds. */
function parsedKey(r: Pick<RuleRecord, 'id' | 'version'>): string {
  return `${r.id}\u0000${r.version}`;
}

function version(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export class RuleCatalog {
  readonly hits = new RuleHits();
  private built: BuildRuleSetResult | undefined;
  private versions: ReadonlyMap<string, string> = new Map();
  private correlations: RuleText[] = [];
  /** Ids and names of the enabled correlations, which other correlations may reference. */
  private correlationNames = new Set<string>();
  private generation = 0;
  private readonly listeners: Array<(built: BuildRuleSetResult) => void> = [];
  /** The pipeline files, read once: every document of a sync or an upload is compiled on its own. */
  private pipelines: LoadedPipelines | undefined;
  private readonly placeholders: Record<string, string[]>;
  /**
   * The stored records' texts as last parsed, by version, and their rules as last compiled: a
   * rebuild after an upload or a toggle parses and compiles only what changed (with the SigmaHQ set,
   * seconds in which the server answered nothing). Kept to the versions stored at the last rebuild.
   */
  private parsed = new Map<string, { content: string; loaded: LoadResult }>();
  private readonly memo = new CompileMemo();

  constructor(private readonly opts: RuleCatalogOptions) {
    this.placeholders = opts.placeholders ?? {};
  }

  /** The compiled enabled rules; undefined until the first reload. */
  get active(): BuildRuleSetResult | undefined {
    return this.built;
  }

  /** The active rules' versions (their stored documents'), by rule id, name or title: what alerts record. */
  get ruleVersions(): ReadonlyMap<string, string> {
    return this.versions;
  }

  /** Rules compiled and rules reused from earlier compiles, over the catalog's life (see CompileMemo). */
  get compileCounts(): { compiled: number; reused: number } {
    return { compiled: this.memo.compiled, reused: this.memo.reused };
  }

  /** Bumps on every rebuild: consumers see a rule change without comparing rule sets. */
  get version(): number {
    return this.generation;
  }

  onReload(f: (built: BuildRuleSetResult) => void): void {
    this.listeners.push(f);
  }

  private buildOptions(): Omit<BuildRuleSetOptions, 'rulePaths'> {
    this.pipelines ??= loadPipelines(this.opts.pipelinePaths);
    return { pipelinePaths: this.opts.pipelinePaths, loadedPipelines: this.pipelines, placeholders: this.placeholders, compileMemo: this.memo };
  }

  private build(loaded: LoadResult): BuildRuleSetResult {
    return buildRuleSetFromLoaded(loaded, this.buildOptions());
  }

  /**
   * Parse and compile a text: every document becomes a record unless it is rejected. Validation is
   * the compiler's own: a rule the engine cannot run is refused with its reason.
   */
  parse(text: string, sourceFile?: string, cache?: RuleParseCache): ParsedUpload {
    const documents: RuleDocument[] = [];
    const rejections: RuleRejection[] = [];
    const file = sourceFile ?? 'upload';
    const loadedAt = new Date().toISOString();
    for (const doc of splitDocuments(text)) {
      const loaded = cache !== undefined ? cache.parse(file, doc.text, parseRuleText) : parseRuleText(doc.text, file);
      const shift = (r: RuleRejection): RuleRejection => ({ ...r, line: r.line + doc.line - 1 });
      if (loaded.rejections.length > 0) {
        rejections.push(...loaded.rejections.map(shift));
        continue;
      }
      // Compiled, not indexed: only whether it compiles matters here (reload indexes it, compiled once).
      const compiled = compileLoaded(loaded, this.buildOptions());
      if (compiled.rejections.length > 0) {
        rejections.push(...compiled.rejections.map(shift));
        continue;
      }
      const rule = loaded.rules[0];
      const corr = loaded.correlations[0];
      const filter = loaded.filters[0];
      const base = rule ?? corr ?? filter;
      let correlation: RuleDocument['correlation'];
      if (mayHoldCorrelation(doc.text)) {
        // A correlation is checked by the loader live correlation runs it with. Weft's own types
        // (sequence, session, ...) are that loader's alone: the Sigma loader leaves them out.
        const c = parseCorrelationText(doc.text, file);
        if (c.rejections.length > 0) {
          rejections.push(...c.rejections.map(shift));
          continue;
        }
        const def = c.correlations[0];
        if (def !== undefined) correlation = { def, line: (def.meta.line ?? 1) + doc.line - 1 };
        if (base === undefined && def !== undefined) {
          const m = def.meta;
          documents.push({
            loaded, correlation,
            record: {
              id: m.id ?? m.name ?? `title:${m.title}`, version: version(doc.text), kind: 'link', title: m.title, enabled: true, content: doc.text, loadedAt,
              ...(m.level !== undefined ? { level: m.level } : {}), ...(sourceFile !== undefined ? { sourceFile } : {}),
            },
          });
          continue;
        }
      }
      if (base === undefined) continue;
      const id = base.id ?? base.name ?? `title:${base.title}`;
      documents.push({
        loaded, ...(correlation !== undefined ? { correlation } : {}),
        record: {
          id, version: version(doc.text), kind: rule ? 'sigma' : corr ? 'correlation' : 'filter', title: base.title, enabled: true, content: doc.text, loadedAt,
          ...(base.level !== undefined ? { level: base.level } : {}), ...(base.status !== undefined ? { status: base.status } : {}),
          ...(sourceFile !== undefined ? { sourceFile } : {}),
        },
      });
    }
    return { documents, rejections };
  }

  /** Put the configured rule files into the store, keeping the enabled flag of versions already there. */
  async syncFiles(paths: string[], disabled: readonly string[] = []): Promise<{ stored: number; rejections: RuleRejection[]; parseCache?: Readonly<ParseCacheStats> }> {
    const off = new Set(disabled);
    const { files, errors } = ruleFiles(paths);
    const rejections: RuleRejection[] = [...errors];
    const dir = this.opts.cacheDir;
    // Its own cache file: entries here are per document, `weft hunt`'s per file, and each run keeps
    // only the entries it used, so sharing one file would have each drop the other's.
    const cache = dir !== undefined ? RuleParseCache.open(dir, [CATALOG_CACHE_ROOT, ...paths.map((p) => resolve(p))]) : undefined;
    const records: RuleRecord[] = [];
    const latest = new Map((await this.opts.store.listRules()).map((r) => [r.id, r]));
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (err) {
        rejections.push({ file: f, line: 0, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
        continue;
      }
      const parsed = this.parse(text, f, cache);
      rejections.push(...parsed.rejections);
      for (const d of parsed.documents) {
        // Usually the stored latest version (one listing for all); an older one is looked up.
        const latestOfId = latest.get(d.record.id);
        const existing = latestOfId?.version === d.record.version ? latestOfId : await this.opts.store.getRule(d.record.id, d.record.version);
        records.push({ ...d.record, enabled: existing ? existing.enabled : !off.has(d.record.id) });
        // The next reload finds these texts parsed (and their rules compiled) already.
        this.parsed.set(parsedKey(d.record), { content: d.record.content, loaded: d.loaded });
      }
    }
    cache?.save();
    if (records.length > 0) await this.opts.store.putRules(records);
    if (rejections.length > 0) this.opts.logger.warn({ rejected: rejections.length }, 'some rule documents were not loaded; run weft rules validate for details');
    return { stored: records.length, rejections, ...(cache !== undefined ? { parseCache: cache.counts } : {}) };
  }

  /**
   * The enabled correlation documents (Sigma correlations and Weft link rules) as of the last reload,
   * each with the file it was synced from: live correlation builds its engine from these, so an
   * upload or a disable takes effect as it does for detection rules.
   */
  get correlationTexts(): readonly RuleText[] {
    return this.correlations;
  }

  /**
   * For an upload: the correlations among these documents that reference a rule that is neither
   * active nor in the upload. File sync does not check this per file, since a correlation's rules may
   * sit in other files; live correlation would leave such a correlation out with a warning.
   */
  unknownReferences(docs: readonly RuleDocument[]): RuleRejection[] {
    const known = new Set<string>([...(this.built?.resolvers.keys() ?? []), ...this.correlationNames]);
    const add = (x: { id?: string; name?: string } | undefined): void => {
      if (x?.id !== undefined) known.add(x.id);
      if (x?.name !== undefined) known.add(x.name);
    };
    for (const d of docs) {
      for (const r of d.loaded.rules) add(r);
      add(d.correlation?.def.meta);
    }
    const out: RuleRejection[] = [];
    for (const d of docs) {
      if (d.correlation === undefined) continue;
      const { def, line } = d.correlation;
      for (const ref of def.type === 'sequence' ? [...def.rules, ...def.until] : def.rules) {
        if (!known.has(ref)) out.push({ file: 'upload', line, reason: `correlation '${def.meta.title}' references unknown rule '${ref}'`, ...(def.meta.id !== undefined ? { ruleId: def.meta.id } : {}) });
      }
    }
    return out;
  }

  /** Compile the enabled rules from the store into the active rule set. */
  async reload(): Promise<BuildRuleSetResult> {
    const stored = await this.opts.store.listRules();
    const enabled = stored.filter((r) => r.enabled);
    // The rule set below is built from all the texts at once, so a rule's own version is its record's.
    // A rule without an id is matched by its title; an id takes precedence over another rule's title.
    const versions = new Map<string, string>();
    for (const r of enabled) versions.set(r.id.startsWith('title:') ? r.id.slice(6) : r.id, r.version);
    for (const r of enabled) if (!versions.has(r.title)) versions.set(r.title, r.version);
    this.versions = versions;
    this.correlations = enabled.filter((r) => r.kind === 'correlation' || r.kind === 'link')
      .map((r) => ({ text: r.content, file: r.sourceFile ?? `rule ${r.id}` }));
    this.correlationNames = new Set(this.correlations.flatMap((t) => parseCorrelationText(t.text, t.file).correlations
      .flatMap((c) => [c.meta.id, c.meta.name].filter((x): x is string => x !== undefined))));
    // Link rules are in the texts too: the Sigma loader leaves them out.
    const started = performance.now();
    const before = { compiled: this.memo.compiled, reused: this.memo.reused };
    const built = this.build(this.parseEnabled(enabled, stored));
    this.opts.logger.info({
      active: built.loaded, compiled: this.memo.compiled - before.compiled, reused: this.memo.reused - before.reused,
      ms: Math.round(performance.now() - started),
    }, 'rule set rebuilt');
    if (built.rejections.length > 0) this.opts.logger.warn({ rejections: built.rejections.slice(0, 10) }, 'stored rules that no longer compile are left out');
    this.built = built;
    this.generation++;
    for (const f of this.listeners) f(built);
    return built;
  }

  /**
   * The enabled records' documents, parsed: each record's text on its own (a record is one YAML
   * document), reusing the last parse of a version whose text is unchanged. The parses of disabled
   * records are kept too, so enabling one again compiles nothing; those of versions no longer
   * stored are dropped.
   */
  private parseEnabled(enabled: readonly RuleRecord[], stored: readonly RuleRecord[]): LoadResult {
    const out: LoadResult = { rules: [], correlations: [], filters: [], rejections: [] };
    const kept = new Map<string, { content: string; loaded: LoadResult }>();
    for (const r of stored) {
      const key = parsedKey(r);
      const p = this.parsed.get(key);
      if (p !== undefined && p.content === r.content) kept.set(key, p);
    }
    for (const r of enabled) {
      const key = parsedKey(r);
      let p = kept.get(key);
      if (p === undefined) {
        p = { content: r.content, loaded: parseRuleText(r.content, r.sourceFile ?? `rule ${r.id}`) };
        kept.set(key, p);
      }
      const l = p.loaded;
      for (const x of l.rules) out.rules.push(x);
      for (const x of l.correlations) out.correlations.push(x);
      for (const x of l.filters) out.filters.push(x);
      for (const x of l.rejections) out.rejections.push(x);
    }
    this.parsed = kept;
    return out;
  }

  /** Compile rules for a test run without touching the active set. */
  compile(text: string): BuildRuleSetResult {
    return this.build(parseRuleText(text, 'test'));
  }
}
