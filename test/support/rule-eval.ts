/**
 * Test support: compile the bundled rule pack with the bundled pipelines and evaluate rules on
 * normalized events, plus running a rule test file's records through the real decode/normalize path.
 */
import { basename } from 'node:path';
import type { EcsFields } from '../../src/event/model.js';
import { bundledPipelineFiles, loadPipelines, resolveLogsource } from '../../src/rules/pipeline/index.js';
import type { RuleTestFile, RuleTestRecord } from '../../src/rules/pack/index.js';
import { compileRule, isRejection, loadRules, type CompiledRule, type LoadResult } from '../../src/rules/sigma/index.js';
import type { EventPredicate } from '../../src/rules/types.js';
import { normalizeText } from './normalize-records.js';

export interface PackRule {
  stem: string;
  compiled: CompiledRule;
  /** The logsource condition the pipelines add (null: the rule runs on every event). */
  condition: EventPredicate | null;
}

export function loadPack(sources: string[]): { loaded: LoadResult; rules: PackRule[]; compileErrors: string[] } {
  const { pipelines, errors } = loadPipelines(bundledPipelineFiles());
  if (errors.length > 0) throw new Error(`bundled pipelines do not load: ${errors.map((e) => e.message).join('; ')}`);
  const loaded = loadRules(sources);
  const rules: PackRule[] = [];
  const compileErrors: string[] = [];
  for (const r of loaded.rules) {
    const ls = resolveLogsource(pipelines, r.logsource);
    const c = compileRule(r, { resolver: ls.resolver });
    if (isRejection(c)) compileErrors.push(`${r.file}:${c.line}: ${c.reason}`);
    else rules.push({ stem: basename(r.file).replace(/\.ya?ml$/i, ''), compiled: c, condition: ls.condition });
  }
  return { loaded, rules, compileErrors };
}

export function ruleMatches(rule: PackRule, event: EcsFields): boolean {
  return (rule.condition === null || rule.condition(event)) && rule.compiled.predicate(event);
}

/** Receive time for zone-less syslog lines in test records (their year is inferred from it). */
const RECEIVED_AT = new Date('2026-12-31T00:00:00Z');

async function eventsOf(rec: RuleTestRecord, file: string): Promise<{ events: EcsFields[]; problems: string[] }> {
  const hints: Parameters<typeof normalizeText>[2] = { receivedAt: RECEIVED_AT };
  if (rec.format !== undefined) hints.format = rec.format;
  if (rec.sourceType !== undefined) hints.sourceType = rec.sourceType;
  const { records, failures } = await normalizeText(rec.record, `rules/tests/${basename(file)}`, hints);
  const problems = failures.map((f) => `${file}:${rec.line}: record does not normalize (${f.reason}: ${f.message})`);
  if (records.length === 0 && problems.length === 0) problems.push(`${file}:${rec.line}: record yields no event`);
  return { events: records.map((r) => r.event), problems };
}

/**
 * Every way a test file disagrees with its rule: a match record that does not match, a no_match record
 * that does, or a record that does not normalize. Empty when the rule passes its tests.
 */
export async function ruleTestFailures(rule: PackRule, t: RuleTestFile): Promise<string[]> {
  const out: string[] = [];
  for (const rec of t.match) {
    const { events, problems } = await eventsOf(rec, t.file);
    out.push(...problems);
    if (events.length > 0 && !events.some((e) => ruleMatches(rule, e))) out.push(`${t.file}:${rec.line}: match record does not match ${rule.stem}${rec.note === undefined ? '' : ` (${rec.note})`}`);
  }
  for (const rec of t.noMatch) {
    const { events, problems } = await eventsOf(rec, t.file);
    out.push(...problems);
    if (events.some((e) => ruleMatches(rule, e))) out.push(`${t.file}:${rec.line}: no_match record matches ${rule.stem}${rec.note === undefined ? '' : ` (${rec.note})`}`);
  }
  return out;
}
