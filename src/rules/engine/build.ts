/**
 * From rule files and pipeline files to an indexed RuleSet: load rules and filters, resolve each
 * rule's logsource through the pipelines, compile it with that resolver, and index the result.
 * Nothing is skipped silently: every rule that does not load or compile is a rejection with a reason.
 */
import { loadPipelines, resolveLogsource, type Pipeline, type PipelineError, type ResolvedLogsource } from '../pipeline/index.js';
import { compileRule, filterApplies, isRejection, loadRules } from '../sigma/index.js';
import type { CompiledRule, LoadResult, SigmaCorrelation, SigmaFilter, SigmaRule } from '../sigma/types.js';
import type { FieldResolver, RuleRejection } from '../types.js';
import { pinnedFields, requiredRootKeys } from './required-fields.js';
import { RuleSet, type RuleSetCondition, type RuleSetEntry } from './rule-set.js';

export interface BuildRuleSetOptions {
  /** Rule files or directories (recursively, `.yml`/`.yaml`). */
  rulePaths: string[];
  /** Pipeline files, all applied (by priority). */
  pipelinePaths: string[];
  /**
   * `loadPipelines(pipelinePaths)`, already done: a caller that builds many times from the same files
   * (the server's rule catalog validates every uploaded document on its own) reads them once.
   */
  loadedPipelines?: LoadedPipelines;
  /** Rules compiled by earlier builds, reused where nothing they depend on changed (see CompileMemo). */
  compileMemo?: CompileMemo;
  /** Values for `%name%` placeholders. */
  placeholders?: Record<string, string[]>;
  /** Rule ids (or names) not to evaluate. */
  disabled?: string[];
}

export type LoadedPipelines = ReturnType<typeof loadPipelines>;

/** One rule as a build made it: its logsource, and its compiled form or why it did not compile. */
type CompiledEntry = {
  /** The filters that applied to the rule when it was compiled. */
  filters: readonly SigmaFilter[];
  ls: ResolvedLogsource;
} & ({ result: RuleRejection } | { result: CompiledRule; rootKeys: string[][]; pinned: NonNullable<RuleSetEntry['pinned']> });

/**
 * Compiled rules kept from one build to the next, for a caller that rebuilds from mostly the same
 * parsed rules: the server's rule catalog rebuilds its whole rule set after every upload and every
 * enable or disable, and compiling the SigmaHQ set again took seconds in which the server answered
 * nothing. A rule object met before, with the same filters applying to it, is not compiled again;
 * the index is always built afresh. Entries are keyed by the parsed rule object, so a rule parsed
 * again (an edited text) is compiled again, and the memo holds nothing its caller dropped. It is
 * for one set of pipelines and placeholders: a build with other ones empties it first.
 */
export class CompileMemo {
  private pipelines: LoadedPipelines | undefined;
  private placeholders: Record<string, string[]> | undefined;
  private byRule = new WeakMap<SigmaRule, CompiledEntry>();
  /** Rules compiled and rules reused, over the memo's life: for tests and logs. */
  compiled = 0;
  reused = 0;

  /** Start a build with these pipelines and placeholders (compared by identity). */
  begin(pipelines: LoadedPipelines, placeholders: Record<string, string[]>): void {
    if (pipelines !== this.pipelines || placeholders !== this.placeholders) this.byRule = new WeakMap();
    this.pipelines = pipelines;
    this.placeholders = placeholders;
  }

  get(rule: SigmaRule, filters: readonly SigmaFilter[]): CompiledEntry | undefined {
    const e = this.byRule.get(rule);
    if (e === undefined || e.filters.length !== filters.length || e.filters.some((f, i) => f !== filters[i])) return undefined;
    this.reused++;
    return e;
  }

  set(rule: SigmaRule, entry: CompiledEntry): void {
    this.compiled++;
    this.byRule.set(rule, entry);
  }
}

export interface BuildRuleSetResult {
  ruleSet: RuleSet;
  /** Rules that did not load or compile, with file, line and reason. */
  rejections: RuleRejection[];
  /** Rules compiled into the rule set. */
  loaded: number;
  /** Rules left out because the configuration disables them. */
  disabled: number;
  /** Correlation documents, as loaded: a later stage evaluates them. */
  correlations: SigmaCorrelation[];
  /** Pipeline files that did not load (the caller decides whether that is fatal). */
  pipelineErrors: PipelineError[];
  pipelines: Pipeline[];
  /** Documents found, for reporting: rules + correlations + filters + rejections. */
  documents: number;
  /** How each compiled rule (by id and by name) reads Sigma fields: correlations group by the same fields. */
  resolvers: Map<string, FieldResolver>;
}

/** The condition data behind a resolved key (`pipeline#entry`), for the dispatch table. */
function conditionData(pipelines: readonly Pipeline[], key: string): RuleSetCondition['conditions'] {
  const hash = key.lastIndexOf('#');
  if (hash < 0) return null;
  const p = pipelines.find((x) => x.name === key.slice(0, hash));
  const entry = p?.logsources[Number(key.slice(hash + 1))];
  return entry?.conditions ?? null;
}

export function buildRuleSet(opts: BuildRuleSetOptions): BuildRuleSetResult {
  return buildRuleSetFromLoaded(loadRules(opts.rulePaths), opts);
}

/** The same, from rules already parsed (e.g. from text kept in the store, or an upload being validated). */
export function buildRuleSetFromLoaded(loaded: LoadResult, opts: Omit<BuildRuleSetOptions, 'rulePaths'>): BuildRuleSetResult {
  const { entries, ...compiled } = compileLoaded(loaded, opts);
  return { ruleSet: new RuleSet(entries), ...compiled };
}

/**
 * Every rule compiled, not yet indexed: what a build knows but its RuleSet. Enough to validate a
 * document, at a fraction of the cost of indexing it (the literal scanner's tables).
 */
export function compileLoaded(loaded: LoadResult, opts: Omit<BuildRuleSetOptions, 'rulePaths'>): Omit<BuildRuleSetResult, 'ruleSet'> & { entries: RuleSetEntry[] } {
  const loadedPipelines = opts.loadedPipelines ?? loadPipelines(opts.pipelinePaths);
  const { pipelines, errors: pipelineErrors } = loadedPipelines;
  const placeholders = opts.placeholders ?? {};
  const memo = opts.compileMemo;
  memo?.begin(loadedPipelines, placeholders);
  const disabled = new Set(opts.disabled ?? []);
  const rejections: RuleRejection[] = [...loaded.rejections];
  const entries: RuleSetEntry[] = [];
  const conditions = new Map<string, RuleSetCondition>();
  let disabledCount = 0;
  const resolvers = new Map<string, FieldResolver>();
  for (const rule of loaded.rules) {
    if ((rule.id !== undefined && disabled.has(rule.id)) || (rule.name !== undefined && disabled.has(rule.name))) {
      disabledCount++;
      continue;
    }
    const filters = loaded.filters.length === 0 ? loaded.filters : loaded.filters.filter((f) => filterApplies(f, rule));
    let c = memo?.get(rule, filters);
    if (c === undefined) {
      const ls = resolveLogsource(pipelines, rule.logsource);
      const result = compileRule(rule, { resolver: ls.resolver, placeholders, filters });
      c = isRejection(result) ? { filters, ls, result } : { filters, ls, result, rootKeys: requiredRootKeys(rule.parsed, ls.resolver), pinned: pinnedFields(rule.parsed, ls.resolver) };
      memo?.set(rule, c);
    }
    if (!('rootKeys' in c)) {
      rejections.push(c.result);
      continue;
    }
    const { ls, result: compiled } = c;
    let condition = conditions.get(ls.key);
    if (condition === undefined) {
      condition = { key: ls.key, predicate: ls.condition, conditions: ls.condition === null ? null : conditionData(pipelines, ls.key) };
      conditions.set(ls.key, condition);
    }
    if (rule.id !== undefined) resolvers.set(rule.id, ls.resolver);
    if (rule.name !== undefined) resolvers.set(rule.name, ls.resolver);
    entries.push({ compiled, condition, rootKeys: c.rootKeys, pinned: c.pinned });
  }
  rejections.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line));
  return {
    entries,
    rejections,
    loaded: entries.length,
    disabled: disabledCount,
    correlations: loaded.correlations,
    pipelineErrors,
    pipelines,
    documents: loaded.rules.length + loaded.correlations.length + loaded.filters.length + loaded.rejections.length,
    resolvers,
  };
}
