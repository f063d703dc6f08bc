/**
 * From rule files and pipeline files to an indexed RuleSet: load rules and filters, resolve each
 * rule's logsource through the pipelines, compile it with that resolver, and index the result.
 * Nothing is skipped silently: every rule that does not load or compile is a rejection with a reason.
 */
import { loadPipelines, resolveLogsource, type Pipeline, type PipelineError } from '../pipeline/index.js';
import { compileRule, isRejection, loadRules } from '../sigma/index.js';
import type { LoadResult, SigmaCorrelation } from '../sigma/types.js';
import type { FieldResolver, RuleRejection } from '../types.js';
import { pinnedFields, requiredRootKeys } from './required-fields.js';
import { RuleSet, type RuleSetCondition, type RuleSetEntry } from './rule-set.js';

export interface BuildRuleSetOptions {
  /** Rule files or directories (recursively, `.yml`/`.yaml`). */
  rulePaths: string[];
  /** Pipeline files, all applied (by priority). */
  pipelinePaths: string[];
  /** Values for `%name%` placeholders. */
  placeholders?: Record<string, string[]>;
  /** Rule ids (or names) not to evaluate. */
  disabled?: string[];
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
  const { pipelines, errors: pipelineErrors } = loadPipelines(opts.pipelinePaths);
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
    const ls = resolveLogsource(pipelines, rule.logsource);
    const compiled = compileRule(rule, { resolver: ls.resolver, placeholders: opts.placeholders ?? {}, filters: loaded.filters });
    if (isRejection(compiled)) {
      rejections.push(compiled);
      continue;
    }
    let condition = conditions.get(ls.key);
    if (condition === undefined) {
      condition = { key: ls.key, predicate: ls.condition, conditions: ls.condition === null ? null : conditionData(pipelines, ls.key) };
      conditions.set(ls.key, condition);
    }
    if (rule.id !== undefined) resolvers.set(rule.id, ls.resolver);
    if (rule.name !== undefined) resolvers.set(rule.name, ls.resolver);
    entries.push({ compiled, condition, rootKeys: requiredRootKeys(rule.parsed, ls.resolver), pinned: pinnedFields(rule.parsed, ls.resolver) });
  }
  rejections.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line));
  return {
    ruleSet: new RuleSet(entries),
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
