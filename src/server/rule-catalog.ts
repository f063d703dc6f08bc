/**
 * The rule catalog behind the rules API and live detection. Rules live in the store, one record per
 * YAML document (detection rule, correlation or filter), versioned by content hash. At start the
 * configured rule files (default: the bundled pack) are put in the store, keeping enabled flags an
 * analyst set through the API; uploads add versions. The active rule set is compiled from the
 * enabled records' text with the same loader, pipelines and compiler as `weft hunt`, and rebuilt
 * after every upload or enable/disable.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mayHoldCorrelation, parseCorrelationText, type CorrelationDef } from '../correlate/index.js';
import type { RuleText } from '../hunt/correlate-stage.js';
import type { Logger } from '../log/logger.js';
import { buildRuleSetFromLoaded, type BuildRuleSetResult } from '../rules/engine/index.js';
import { parseRuleText, ruleFiles } from '../rules/sigma/index.js';
import type { LoadResult } from '../rules/sigma/types.js';
import type { RuleRejection } from '../rules/types.js';
import type { RuleRecord, Store } from '../store/types.js';
import { RuleHits } from './rule-hits.js';

export interface RuleCatalogOptions {
  store: Store;
  pipelinePaths: string[];
  placeholders?: Record<string, string[]>;
  logger: Logger;
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

  constructor(private readonly opts: RuleCatalogOptions) {}

  /** The compiled enabled rules; undefined until the first reload. */
  get active(): BuildRuleSetResult | undefined {
    return this.built;
  }

  /** The active rules' versions (their stored documents'), by rule id, name or title: what alerts record. */
  get ruleVersions(): ReadonlyMap<string, string> {
    return this.versions;
  }

  /** Bumps on every rebuild: consumers see a rule change without comparing rule sets. */
  get version(): number {
    return this.generation;
  }

  onReload(f: (built: BuildRuleSetResult) => void): void {
    this.listeners.push(f);
  }

  private build(loaded: LoadResult): BuildRuleSetResult {
    return buildRuleSetFromLoaded(loaded, { pipelinePaths: this.opts.pipelinePaths, placeholders: this.opts.placeholders ?? {} });
  }

  /**
   * Parse and compile a text: every document becomes a record unless it is rejected. Validation is
   * the compiler's own: a rule the engine cannot run is refused with its reason.
   */
  parse(text: string, sourceFile?: string): ParsedUpload {
    const documents: RuleDocument[] = [];
    const rejections: RuleRejection[] = [];
    const file = sourceFile ?? 'upload';
    const loadedAt = new Date().toISOString();
    for (const doc of splitDocuments(text)) {
      const loaded = parseRuleText(doc.text, file);
      const shift = (r: RuleRejection): RuleRejection => ({ ...r, line: r.line + doc.line - 1 });
      if (loaded.rejections.length > 0) {
        rejections.push(...loaded.rejections.map(shift));
        continue;
      }
      const built = this.build(loaded);
      if (built.rejections.length > 0) {
        rejections.push(...built.rejections.map(shift));
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
  async syncFiles(paths: string[], disabled: readonly string[] = []): Promise<{ stored: number; rejections: RuleRejection[] }> {
    const off = new Set(disabled);
    const { files, errors } = ruleFiles(paths);
    const rejections: RuleRejection[] = [...errors];
    const records: RuleRecord[] = [];
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (err) {
        rejections.push({ file: f, line: 0, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
        continue;
      }
      const parsed = this.parse(text, f);
      rejections.push(...parsed.rejections);
      for (const d of parsed.documents) {
        const existing = await this.opts.store.getRule(d.record.id, d.record.version);
        records.push({ ...d.record, enabled: existing ? existing.enabled : !off.has(d.record.id) });
      }
    }
    if (records.length > 0) await this.opts.store.putRules(records);
    if (rejections.length > 0) this.opts.logger.warn({ rejected: rejections.length }, 'some rule documents were not loaded; run weft rules validate for details');
    return { stored: records.length, rejections };
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
    const enabled = await this.opts.store.listRules({ enabledOnly: true });
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
    // Link rules are in the text too: the Sigma loader leaves them out.
    const text = enabled.map((r) => r.content.trimEnd()).join('\n---\n');
    const built = this.build(text.trim() === '' ? { rules: [], correlations: [], filters: [], rejections: [] } : parseRuleText(text, 'store'));
    if (built.rejections.length > 0) this.opts.logger.warn({ rejections: built.rejections.slice(0, 10) }, 'stored rules that no longer compile are left out');
    this.built = built;
    this.generation++;
    for (const f of this.listeners) f(built);
    return built;
  }

  /** Compile rules for a test run without touching the active set. */
  compile(text: string): BuildRuleSetResult {
    return this.build(parseRuleText(text, 'test'));
  }
}
