import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { WeftEvent } from '../../event/model.js';
import { CorrelationStage, correlationOptions } from '../../hunt/correlate-stage.js';
import { RecordPipeline } from '../../ingest/record-pipeline.js';
import { UnknownSourceTypeError } from '../../normalize/registry.js';
import { buildRuleSet, type BuildRuleSetResult } from '../../rules/engine/index.js';
import { ruleFiles } from '../../rules/sigma/load.js';
import { readRuleTestFile, RuleTestFileError, type RuleTestFile, type RuleTestRecord } from '../../rules/pack/index.js';
import type { RuleRejection } from '../../rules/types.js';
import type { WeftConfig } from '../../config/schema.js';
import { commandContext, DATA_DIR_OPTION, EXIT, openStore, UsageError } from '../context.js';
import { tuneRules } from '../../alert/tune.js';
import type { AlertRecord } from '../../store/types.js';
import { collect, loadRuleFiles, rejectionReasons, ruleSetFor, ruleSourcePaths } from '../rule-sources.js';

type Output = 'text' | 'json';

interface RulesFlags {
  output?: string;
  pipeline?: string[];
  with?: string[];
}

function outputOf(v: string | undefined): Output {
  if (v === undefined) return 'text';
  if (v !== 'text' && v !== 'json') throw new UsageError(`unknown output '${v}'; expected one of: text, json`);
  return v;
}

function build(paths: string[], flags: RulesFlags, config: WeftConfig): BuildRuleSetResult & { rulePaths: string[] } {
  return ruleSetFor({ rules: paths, ...(flags.pipeline ? { pipeline: flags.pipeline } : {}) }, config);
}

/**
 * Correlations are checked by the loader and engine that run them, as weft hunt does: their
 * references, and Weft's own types, which the Sigma loader leaves out. A reference may point at a
 * rule in a `--with` path: those rules are loaded for the check, and their own files are neither
 * counted nor reported.
 */
function validateCorrelations(built: BuildRuleSetResult & { rulePaths: string[] }, flags: RulesFlags, config: WeftConfig): { loaded: number; rejections: RuleRejection[] } {
  const opts = correlationOptions(config);
  if (flags.with === undefined || flags.with.length === 0) {
    const c = CorrelationStage.build(built.rulePaths, built, opts);
    return { loaded: c.stage?.definitions.length ?? 0, rejections: c.rejections };
  }
  const own = new Set(ruleFiles(built.rulePaths).files);
  // File by file, so a --with folder that holds the validated files does not load them twice.
  const others = ruleFiles(ruleSourcePaths({ rules: flags.with }, config).rulePaths).files.filter((f) => !own.has(f));
  const context = build([...own, ...new Set(others)], flags, config);
  const c = CorrelationStage.build(context.rulePaths, context, opts);
  return {
    loaded: (c.stage?.definitions ?? []).filter((d) => own.has(d.meta.file ?? '')).length,
    rejections: c.rejections.filter((r) => own.has(r.file)),
  };
}

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('validate, test, list and tune rules');
  rules
    .command('tune')
    .description('the noisiest rules by analyst feedback (alerts marked false_positive), and thresholds for event_count rules that would have removed the false positives')
    .option('--limit <n>', 'rules to show (default 10)', '10')
    .option('--output <kind>', 'text or json')
    .option(...DATA_DIR_OPTION)
    .action(async (flags: { limit: string; output?: string; dataDir?: string }, cmd: Command) => {
      const output = outputOf(flags.output);
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got '${flags.limit}'`);
      const ctx = await commandContext(cmd, flags);
      const store = await openStore(ctx.config);
      try {
        const stats = await store.alertStatsByRule();
        const titles = new Map<string, string>();
        const alertsByRule = new Map<string, AlertRecord[]>();
        for (const s of stats) {
          const rule = await store.getRule(s.ruleId);
          if (rule) titles.set(s.ruleId, rule.title);
          if (rule?.kind === 'correlation') alertsByRule.set(s.ruleId, (await store.listAlerts({ ruleId: s.ruleId, limit: 10_000 })).items);
        }
        const tuned = tuneRules(stats, titles, (id) => alertsByRule.get(id) ?? []).slice(0, limit);
        if (output === 'json') {
          process.stdout.write(`${JSON.stringify(tuned)}\n`);
          return;
        }
        process.stdout.write(`${'fp'.padStart(4)} ${'tp'.padStart(4)} ${'alerts'.padStart(6)} ${'matches'.padStart(7)}  precision  rule\n`);
        for (const t of tuned) {
          process.stdout.write(`${String(t.falsePositives).padStart(4)} ${String(t.truePositives).padStart(4)} ${String(t.alerts).padStart(6)} ${String(t.matches).padStart(7)}  ${(t.precision === undefined ? '-' : t.precision.toFixed(2)).padEnd(9)}  ${t.title} (${t.ruleId})\n`);
          if (t.threshold !== undefined) process.stdout.write(`${' '.repeat(36)}threshold: ${t.threshold.note}\n`);
        }
      } finally {
        await store.close();
      }
    });
  rules
    .command('validate')
    .description('load and compile rules; print every rejection (exit 1 if any)')
    .argument('<paths...>', 'rule files or directories')
    .option('--output <kind>', 'text or json')
    .option('--pipeline <file>', 'extra processing pipeline file, repeatable', collect)
    .option('--with <path>', 'rules the validated correlations may reference (loaded, not validated), repeatable', collect)
    .action(async (paths: string[], flags: RulesFlags, cmd: Command) => {
      const ctx = await commandContext(cmd);
      const output = outputOf(flags.output);
      const built = build(paths, flags, ctx.config);
      const corr = validateCorrelations(built, flags, ctx.config);
      const rejections = [...built.rejections, ...corr.rejections];
      const loaded = built.loaded + corr.loaded;
      const rejected = rejections.map((r) => ({ file: r.file, line: r.line, reason: r.reason }));
      if (output === 'json') {
        process.stdout.write(`${JSON.stringify({ loaded, rejected })}\n`);
      } else {
        const lines = [`loaded    ${loaded}`, `rejected  ${rejected.length}`];
        for (const [reason, n] of rejectionReasons(rejections)) lines.push(`  ${String(n).padStart(5)} x ${reason}`);
        for (const r of rejected) lines.push(`${r.file}:${r.line}: ${r.reason}`);
        if (flags.with === undefined && rejected.some((r) => r.reason.includes('references unknown rule'))) {
          lines.push('hint: rules outside the validated paths can be named with --with DIR');
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (rejected.length > 0) process.exitCode = EXIT.runtime;
    });
  rules
    .command('list')
    .description('list rules: id, level, title, logsource')
    .argument('[paths...]', 'rule files or directories (default: rules.paths in the config, else the bundled rule pack)')
    .option('--output <kind>', 'text or json')
    .action(async (paths: string[], flags: RulesFlags, cmd: Command) => {
      const ctx = await commandContext(cmd);
      const output = outputOf(flags.output);
      const { rulePaths } = ruleSourcePaths({ rules: paths }, ctx.config);
      const loaded = loadRuleFiles(rulePaths);
      const rows = loaded.rules
        .map((r) => ({ id: r.id ?? null, level: r.level ?? null, title: r.title, logsource: r.logsource, file: r.file }))
        .sort((a, b) => ((a.id ?? a.title) < (b.id ?? b.title) ? -1 : 1));
      if (output === 'json') {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
      } else {
        const ls = (l: Record<string, string | undefined>): string => ['product', 'category', 'service'].map((k) => l[k]).filter((x) => x !== undefined).join('/');
        process.stdout.write(rows.map((r) => `${(r.id ?? '-').padEnd(36)}  ${(r.level ?? '-').padEnd(13)}  ${r.title}  (${ls(r.logsource as Record<string, string | undefined>)})`).join('\n') + (rows.length > 0 ? '\n' : ''));
      }
      if (loaded.rejections.length > 0) process.stderr.write(`${loaded.rejections.length} rule file(s) or document(s) rejected; run weft rules validate for details\n`);
    });
  rules
    .command('test')
    .description('run each rule against its test records (tests/<rule file>): match and no_match lists')
    .argument('[paths...]', 'rule files or directories (default: rules.paths in the config, else the bundled rule pack)')
    .option('--pipeline <file>', 'extra processing pipeline file, repeatable', collect)
    .action(async (paths: string[], flags: RulesFlags, cmd: Command) => {
      const ctx = await commandContext(cmd);
      const { rulePaths, pipelinePaths } = ruleSourcePaths({ rules: paths, ...(flags.pipeline ? { pipeline: flags.pipeline } : {}) }, ctx.config);
      const ruleFiles = ruleFilesOf(rulePaths);
      let failed = 0;
      let tested = 0;
      for (const file of ruleFiles) {
        const testFile = testFileFor(file);
        if (testFile === undefined) continue;
        tested++;
        const problems = testRuleFile(file, testFile, pipelinePaths, ctx.config);
        if (problems.length === 0) {
          process.stdout.write(`pass  ${file}\n`);
        } else {
          failed++;
          process.stdout.write(`FAIL  ${file}\n${problems.map((p) => `        ${p}`).join('\n')}\n`);
        }
      }
      process.stdout.write(`${tested} rule file(s) tested, ${tested - failed} passed, ${failed} failed; ${ruleFiles.length - tested} without tests\n`);
      if (failed > 0) process.exitCode = EXIT.runtime;
    });
  for (const c of rules.commands) c.exitOverride();
}

/**
 * A rule's test file: `tests/<rule file name>` beside it, or in an enclosing folder (a pack keeps one
 * `tests/` folder at its root for rules in subfolders, like Weft's `rules/tests/`).
 */
function testFileFor(ruleFile: string): string | undefined {
  let dir = dirname(ruleFile);
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'tests', basename(ruleFile));
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** Rule files under the given paths (the `tests/` folders hold test records, not rules). */
function ruleFilesOf(paths: string[]): string[] {
  const loaded = loadRuleFiles(paths);
  const files = new Set<string>();
  for (const r of loaded.rules) files.add(r.file);
  for (const r of loaded.rejections) files.add(r.file);
  return [...files].filter((f) => basename(dirname(f)) !== 'tests').sort();
}

/**
 * The problems found testing one rule file against its test file (the rule pack's format, see
 * src/rules/pack/test-file.ts: `match:` and `no_match:` lists of `{record, format?, source_type?, note?}`);
 * empty when it passes. Each record goes through the real ingest path, as a live one would.
 */
export function testRuleFile(ruleFile: string, testFile: string, pipelinePaths: string[], config: WeftConfig): string[] {
  let doc: RuleTestFile;
  try {
    doc = readRuleTestFile(testFile);
  } catch (e) {
    if (e instanceof RuleTestFileError) return [e.message];
    throw e;
  }
  const problems: string[] = [];
  if (doc.match.length + doc.noMatch.length === 0) problems.push(`${testFile}: no test records (match and no_match are both empty)`);
  const built = buildRuleSet({ rulePaths: [ruleFile], pipelinePaths, placeholders: config.rules.placeholders });
  for (const r of built.rejections) problems.push(`rule rejected: ${describeRejection(r)}`);
  if (problems.length > 0) return problems;
  // RFC 3164 lines carry no year: read them as of a receive time after any test record.
  const at = new Date('2030-01-01T00:00:00Z');
  const check = (recs: RuleTestRecord[], want: boolean, key: string): void => {
    for (const rec of recs) {
      const where = `${testFile}:${rec.line} (${key}${rec.note ? `, ${rec.note}` : ''})`;
      let pipeline: RecordPipeline;
      try {
        pipeline = new RecordPipeline({
          sourceId: testFile,
          ...(rec.sourceType !== undefined ? { sourceType: rec.sourceType } : {}),
          ...(rec.format !== undefined ? { format: rec.format } : {}),
          timezone: 'UTC',
        });
      } catch (e) {
        if (e instanceof UnknownSourceTypeError) { problems.push(`${where}: ${e.message}`); continue; }
        throw e;
      }
      const outcomes = pipeline.process(rec.record, at);
      if (outcomes.length === 0) problems.push(`${where}: the record produced no event`);
      for (const o of outcomes) {
        if (o.kind === 'quarantine') {
          problems.push(`${where}: record was quarantined (${o.quarantine.reason}: ${o.quarantine.message})`);
          continue;
        }
        const hit = built.ruleSet.evaluate(o.event as WeftEvent).length > 0;
        if (hit !== want) problems.push(`${where}: ${want ? 'the rule did not match' : 'the rule matched'}`);
      }
    }
  };
  check(doc.match, true, 'match');
  check(doc.noMatch, false, 'no_match');
  return problems;
}

function describeRejection(r: RuleRejection): string {
  return `${r.file}:${r.line}: ${r.reason}`;
}
