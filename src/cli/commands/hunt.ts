import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { DeclaredFormat } from '../../decode/types.js';
import type { WeftEvent } from '../../event/model.js';
import { availableParallelism } from 'node:os';
import { serialize } from 'node:v8';
import type { LoadResult } from '../../rules/sigma/types.js';
import { huntFiles, huntFilesParallel, LEVELS, type HuntBatch } from '../../hunt/hunt-stream.js';
import { HuntPool } from '../../hunt/hunt-pool.js';
import { expandInputs } from '../../ingest/file-source.js';
import { UnknownSourceTypeError } from '../../normalize/registry.js';
import type { EngineStats, Match, RuleSet } from '../../rules/engine/index.js';
import type { WeftConfig } from '../../config/schema.js';
import type { SigmaLevel } from '../../rules/types.js';
import type { CorrelationAlert } from '../../correlate/index.js';
import { CorrelationStage, correlationOptions } from '../../hunt/correlate-stage.js';
import type { AlertStage, AlertRun, KeptEvent } from '../../hunt/alert-stage.js';
import { EventSpill } from '../../hunt/event-spill.js';
import type { Alert } from '../../alert/types.js';
import type { Incident } from '../../incident/types.js';
import type { MatchedRule } from '../../rules/engine/types.js';
import { alertLine, ecsAlert, incidentLine, ocsfDetectionFinding } from '../../alert/output/records.js';
import { alertStageFor, inventoryFrom } from '../alerting.js';
import { BytePieces } from '../byte-pieces.js';
import { commandContext, UsageError } from '../context.js';
import { entityResolver } from './ingest.js';
import type { EntityResolver } from '../../enrich/entity-resolver.js';
import { DECLARED_FORMATS, parseFormat } from '../formats.js';
import { createProgress } from '../progress.js';
import { collect, loadRuleFiles, rejectionReasons, ruleSetFor, ruleSourcePaths } from '../rule-sources.js';
import { lookupTable } from '../../event/own-props.js';

export { huntFiles, huntOutcomes, type HuntBatch, type HuntOptions } from '../../hunt/hunt-stream.js';

type Output = 'table' | 'jsonl' | 'csv' | 'ecs' | 'ocsf';
const OUTPUTS: readonly Output[] = ['table', 'jsonl', 'csv', 'ecs', 'ocsf'];

interface HuntFlags {
  rules?: string[];
  pipeline?: string[];
  format?: string;
  sourceType?: string;
  output?: string;
  minLevel?: string;
  timezone?: string;
  identities?: string;
  assets?: string;
  suppressions?: string;
  threads?: string;
}

/**
 * `auto` threads: a worker's own rule build costs seconds of CPU with the SigmaHQ set (about 4 s
 * here) before it evaluates anything, and this thread keeps framing, alerting and output, so
 * workers pay off only on large input and with a core to spare for this thread.
 */
const AUTO_THREADS_MIN_BYTES = 128 * 1024 * 1024;
/** `auto` uses at most this many workers: each holds its own rule set (~300 MB for the SigmaHQ set). */
const AUTO_THREADS_MAX = 4;
const THREADS_MAX = 64;

/**
 * Worker threads for a hunt: 0 means this thread does everything. `--threads N` asks for N (1: none);
 * `auto` (the default) uses one per core but one, up to AUTO_THREADS_MAX, for 128 MiB of regular files or more.
 */
export function huntThreads(flag: string | undefined, files: string[], cores = availableParallelism()): number {
  if (flag === undefined || flag === 'auto') {
    if (cores < 3 || files.includes('-')) return 0;
    const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
    return bytes < AUTO_THREADS_MIN_BYTES ? 0 : Math.min(cores - 1, AUTO_THREADS_MAX);
  }
  const n = /^\d+$/.test(flag) ? Number(flag) : NaN;
  if (!(n >= 1 && n <= THREADS_MAX)) throw new UsageError(`--threads must be auto or a whole number from 1 to ${THREADS_MAX}, not '${flag}'`);
  return n === 1 ? 0 : n;
}

/** Worker threads for `weft hunt`, started on the same rules and reading options as this thread's. */
function startPool(threads: number, flags: HuntFlags, config: WeftConfig, o: { format: DeclaredFormat | undefined; timezone: string; resolver: EntityResolver; loaded: LoadResult; pipelinePaths: string[] }): Promise<HuntPool> {
  return HuntPool.start(threads, {
    rules: { loaded: serialize(o.loaded), pipelinePaths: o.pipelinePaths, placeholders: config.rules.placeholders, disabled: config.rules.disabled },
    ...(o.format !== undefined ? { format: o.format } : {}),
    ...(flags.sourceType !== undefined ? { sourceType: flags.sourceType } : {}),
    timezone: o.timezone,
    maxRecordBytes: config.ingest.max_record_bytes,
    ...(o.resolver.directory !== undefined ? { identities: o.resolver.directory } : {}),
  });
}

export interface HuntSummary {
  files: number;
  records: number;
  events: number;
  quarantined: number;
  quarantinedByReason: Record<string, number>;
  matches: number;
  matchesByLevel: Record<string, number>;
  correlations: number;
  correlationsByLevel: Record<string, number>;
  /** Alerts after deduplication (suppressed ones not included). */
  alerts: number;
  alertsBySeverity: Record<string, number>;
  /** Detections merged into an existing alert. */
  deduplicated: number;
  /** Detections silenced by a suppression or allowlist entry, by entry id. */
  suppressed: number;
  suppressedByEntry: Record<string, number>;
  incidents: number;
  rulesLoaded: number;
  rulesRejected: number;
  rejectionsByReason: Array<[string, number]>;
  rulesEvaluatedPerEvent: number;
  prefilterPassRate: number;
}

export function registerHunt(program: Command): void {
  program
    .command('hunt')
    .description('evaluate Sigma rules over files, directories, globs or stdin (-) and print the matches')
    .argument('<paths...>', 'files, directories, globs, or - for stdin')
    .option('--rules <path>', 'rule file or directory, repeatable (default: rules.paths in the config, else the bundled rule pack)', collect)
    .option('--pipeline <file>', 'extra processing pipeline file, repeatable (the bundled pipelines always apply)', collect)
    .option('--format <format>', `declare the wire format: ${DECLARED_FORMATS.join(', ')}`)
    .option('--source-type <type>', 'declare the source type instead of detecting it per record')
    .option('--output <kind>', `table, jsonl or csv (default: table)`)
    .option('--min-level <level>', `report only rules at this level or above: ${LEVELS.join(', ')}`)
    .option('--timezone <zone>', 'zone for timestamps that carry none (default: ingest.timezone in the config, else UTC)')
    .option('--identities <file>', 'identity directory (YAML) for entity resolution, so entity.* group-bys link one person across sources (default: enrich.identities in the config)')
    .option('--assets <file>', 'asset inventory, CSV or YAML, for scoring (default: alert.assets in the config)')
    .option('--suppressions <file>', 'suppression rules and allowlist, YAML (default: alert.suppressions in the config)')
    .option('--threads <n>', 'worker threads that decode, normalize and evaluate: a number (1: this thread only) or auto (default: one per core but one, up to 4, for 128 MiB of input or more)')
    .action(async (paths: string[], flags: HuntFlags, cmd: Command) => {
      const ctx = await commandContext(cmd);
      const format = parseFormat(flags.format);
      const output = (flags.output ?? 'table') as Output;
      if (!OUTPUTS.includes(output)) throw new UsageError(`unknown output '${flags.output}'; expected one of: ${OUTPUTS.join(', ')}`);
      if (flags.minLevel !== undefined && !(LEVELS as readonly string[]).includes(flags.minLevel)) {
        throw new UsageError(`unknown level '${flags.minLevel}'; expected one of: ${LEVELS.join(', ')}`);
      }
      const files = await expandInputs(paths);
      const resolver = entityResolver(flags.identities ?? ctx.config.enrich.identities);
      const threads = huntThreads(flags.threads, files);
      const timezone = flags.timezone ?? ctx.config.ingest.timezone;
      // The rule files are read once; workers compile their copies while this thread compiles its own.
      const sources = ruleSourcePaths(flags, ctx.config);
      const loaded = loadRuleFiles(sources.rulePaths);
      const starting = threads > 0 ? startPool(threads, flags, ctx.config, { format, timezone, resolver, loaded, pipelinePaths: sources.pipelinePaths }) : undefined;
      starting?.catch(() => undefined);
      let built: ReturnType<typeof ruleSetFor>;
      try {
        built = ruleSetFor(flags, ctx.config, loaded);
      } catch (err) {
        await (await starting?.catch(() => undefined))?.close();
        throw err;
      }
      const corr = CorrelationStage.build(built.rulePaths, built, correlationOptions(ctx.config));
      const rejections = [...built.rejections, ...corr.rejections];
      // jsonl prints each match alert's event: written aside until the alerts are decided at the end.
      const spill = output === 'jsonl' ? new EventSpill() : undefined;
      const alerting = alertStageFor({
        config: ctx.config, correlations: corr.stage?.definitions ?? [], assets: inventoryFrom(flags.assets ?? ctx.config.alert.assets),
        ...(flags.suppressions !== undefined ? { suppressionsFile: flags.suppressions } : {}),
        ...(output !== 'ecs' && output !== 'ocsf' ? { keepEvent: (ev: WeftEvent) => keptEvent(ev, spill) } : {}),
        recordDecisions: false,
      });
      const out = process.stdout;
      let pool: HuntPool | undefined;
      let summary: HuntSummary;
      try {
        pool = await starting;
        pool?.bind(built.ruleSet);
        summary = await runHunt(files, built.ruleSet, {
          output,
          ...(format !== undefined ? { format } : {}),
          ...(flags.sourceType !== undefined ? { sourceType: flags.sourceType } : {}),
          ...(flags.minLevel !== undefined ? { minLevel: flags.minLevel as SigmaLevel } : {}),
          timezone,
          maxRecordBytes: ctx.config.ingest.max_record_bytes,
          resolver,
          write: (s) => writeOut(out, s),
          ...(corr.stage !== undefined ? { correlate: corr.stage } : {}),
          alerting,
          ...(spill !== undefined ? { spill } : {}),
          ...(pool !== undefined ? { pool } : {}),
        });
      } finally {
        spill?.close();
        await pool?.close();
      }
      summary.rulesLoaded = built.loaded + (corr.stage?.definitions.length ?? 0);
      summary.rulesRejected = rejections.length;
      summary.rejectionsByReason = rejectionReasons(rejections);
      ctx.logger.debug({ summary }, 'hunt finished');
      const text = formatSummary(summary);
      if (output === 'table') await writeOut(out, text);
      else process.stderr.write(text);
    });
}

function writeOut(stream: NodeJS.WritableStream, s: string | Buffer): Promise<void> | undefined {
  if (s.length === 0 || stream.write(s)) return undefined;
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}

export interface RunHuntOptions {
  output: Output;
  format?: DeclaredFormat;
  sourceType?: string;
  minLevel?: SigmaLevel;
  timezone: string;
  maxRecordBytes: number;
  resolver?: EntityResolver;
  /** Output as text, or as UTF-8 bytes (the run's alerts and incidents). */
  write: (s: string | Buffer) => Promise<void> | undefined;
  correlate?: CorrelationStage;
  alerting: AlertStage;
  /** Where the alert stage's keepEvent spilled matched events (jsonl output). */
  spill?: EventSpill;
  /** Worker threads that decode, normalize and evaluate (built from the same rules as `ruleSet`). */
  pool?: HuntPool;
}

/** The hunt loop behind the command: detections into the alert stage, then alerts and incidents printed; returns the counts. */
export async function runHunt(files: string[], ruleSet: RuleSet, o: RunHuntOptions): Promise<HuntSummary> {
  const summary: HuntSummary = {
    files: files.length, records: 0, events: 0, quarantined: 0, quarantinedByReason: {}, matches: 0, matchesByLevel: {}, correlations: 0, correlationsByLevel: {},
    alerts: 0, alertsBySeverity: {}, deduplicated: 0, suppressed: 0, suppressedByEntry: {}, incidents: 0,
    rulesLoaded: 0, rulesRejected: 0, rejectionsByReason: [], rulesEvaluatedPerEvent: 0, prefilterPassRate: 0,
  };
  const totalBytes = files.reduce((n, f) => (f === '-' ? n : n + statSync(f).size), 0);
  const progress = createProgress(totalBytes, 'hunt');
  const engineStats = (): EngineStats => o.pool?.stats() ?? ruleSet.stats();
  const before = engineStats();
  if (o.output === 'csv') await o.write(`${CSV_HEADER}\n`);
  let doneBytes = 0;
  let lastFile = '';
  const rules = new Map<string, MatchedRule>();
  const stage = o.alerting;
  let run: AlertRun;
  try {
    const huntOpts = {
      ...(o.format !== undefined ? { format: o.format } : {}),
      ...(o.sourceType !== undefined ? { sourceType: o.sourceType } : {}),
      ...(o.minLevel !== undefined ? { minLevel: o.minLevel } : {}),
      timezone: o.timezone,
      maxRecordBytes: o.maxRecordBytes,
      ...(o.resolver !== undefined ? { resolver: o.resolver } : {}),
      ...(o.correlate !== undefined ? { correlate: o.correlate } : {}),
      onEvent: (ev: WeftEvent, ms: readonly Match<WeftEvent>[]) => stage.observe(ev, ms),
    };
    for await (const batch of o.pool !== undefined ? huntFilesParallel(files, o.pool, huntOpts) : huntFiles(files, ruleSet, huntOpts)) {
      if (batch.file !== lastFile) {
        if (lastFile !== '' && lastFile !== '-') doneBytes += statSync(lastFile).size;
        lastFile = batch.file;
      }
      count(summary, batch);
      for (const m of batch.matches) {
        rules.set(m.rule.id, m.rule);
        stage.addMatch(m);
      }
      for (const c of batch.correlations) stage.addCorrelation(c);
      progress.update(doneBytes + batch.bytesRead, summary.records);
    }
    run = stage.finish();
  } catch (err) {
    if (err instanceof UnknownSourceTypeError) throw new UsageError(err.message);
    throw err;
  } finally {
    progress.stop();
  }
  countAlerts(summary, run);
  for (const text of formatRun(run, o.output, rules, o.spill)) await o.write(text);
  const after = engineStats();
  const events = after.events - before.events;
  const cands = after.logsourceCandidates - before.logsourceCandidates;
  summary.rulesEvaluatedPerEvent = events === 0 ? 0 : (after.ruleEvaluations - before.ruleEvaluations) / events;
  summary.prefilterPassRate = cands === 0 ? 0 : (after.prefilterPassed - before.prefilterPassed) / cands;
  return summary;
}

function count(s: HuntSummary, b: HuntBatch): void {
  s.records += b.records;
  s.events += b.events;
  s.quarantined += b.quarantined.length;
  for (const q of b.quarantined) s.quarantinedByReason[q.reason] = (s.quarantinedByReason[q.reason] ?? 0) + 1;
  s.matches += b.matches.length;
  for (const m of b.matches) {
    const l = m.rule.level ?? 'informational';
    s.matchesByLevel[l] = (s.matchesByLevel[l] ?? 0) + 1;
  }
  s.correlations += b.correlations.length;
  for (const a of b.correlations) {
    const l = a.rule.level ?? 'informational';
    s.correlationsByLevel[l] = (s.correlationsByLevel[l] ?? 0) + 1;
  }
}

function countAlerts(s: HuntSummary, run: AlertRun): void {
  for (const a of run.alerts) {
    if (a.status === 'suppressed') continue;
    s.alerts++;
    s.alertsBySeverity[a.severity] = (s.alertsBySeverity[a.severity] ?? 0) + 1;
  }
  s.deduplicated += run.engine.decisionCounts['alert.deduplicated'];
  for (const [id, n] of run.engine.suppressedByEntry) {
    s.suppressed += n;
    s.suppressedByEntry[id] = n;
  }
  s.incidents = run.incidents.length;
}

// ---------------------------------------------------------------- output

type Rec = Record<string, unknown>;

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(str).join(' ');
  return '';
}

function get(ev: WeftEvent, ns: string, key: string): string {
  const o = (ev as Rec)[ns];
  return o !== null && typeof o === 'object' ? str((o as Rec)[key]) : '';
}

function userOf(ev: WeftEvent): string {
  const name = get(ev, 'user', 'name');
  const domain = get(ev, 'user', 'domain');
  return name !== '' && domain !== '' ? `${domain}\\${name}` : name;
}

function fileOf(ev: WeftEvent): string {
  const log = (ev as Rec).log as Rec | undefined;
  const file = log?.file as Rec | undefined;
  return str(file?.path);
}

export function matchRecord(m: Match<WeftEvent>): Rec {
  const r = m.rule;
  return {
    kind: 'match',
    rule: { id: r.id, title: r.title, level: r.level ?? null, tags: r.tags, status: r.status ?? null, author: r.author ?? null, logsource: r.logsource },
    '@timestamp': m.event['@timestamp'],
    event: m.event,
    match: { selections: m.selections },
  };
}

export const CSV_HEADER = 'timestamp,level,rule_id,title,host,user,file';

/** RFC 4180 quoting; a leading = + - @ (tab, CR) is neutralized so a spreadsheet never runs it as a formula. */
export function csvCell(v: string): string {
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const LEVEL_LABEL: Readonly<Record<string, string>> = lookupTable({ informational: 'info', low: 'low', medium: 'medium', high: 'HIGH', critical: 'CRITICAL' });

/** Correlation alerts: the alert document itself in jsonl; a row naming the group in table and csv. */
export function formatCorrelations(alerts: readonly CorrelationAlert[], output: Output): string {
  let s = '';
  for (const a of alerts) {
    const group = Object.entries(a.group).map(([k, v]) => `${k}=${v}`).join(', ');
    if (output === 'jsonl') {
      s += `${JSON.stringify(a)}\n`;
    } else if (output === 'csv') {
      const host = a.group['host.name'] ?? a.group.Computer ?? '';
      const user = a.group['user.name'] ?? a.group.TargetUserName ?? '';
      s += `${[a['@timestamp'], a.rule.level ?? '', a.rule.id ?? a.rule.name ?? '', a.rule.title, host, user, ''].map(csvCell).join(',')}\n`;
    } else {
      const level = LEVEL_LABEL[a.rule.level ?? 'informational'] ?? '';
      s += `${a['@timestamp'].padEnd(24)}  ${level.padEnd(8)}  ${oneLine(a.rule.title)}  [${a.correlation.type}${group ? `, ${oneLine(group)}` : ''}, ${a.events.length} events from ${a.sources.join('+')}]\n`;
    }
  }
  return s;
}

export function formatMatches(matches: readonly Match<WeftEvent>[], output: Output): string {
  if (matches.length === 0) return '';
  let s = '';
  for (const m of matches) {
    const ev = m.event;
    if (output === 'jsonl') {
      s += `${JSON.stringify(matchRecord(m))}\n`;
    } else if (output === 'csv') {
      const cells = [str(ev['@timestamp']), m.rule.level ?? '', m.rule.id, m.rule.title, get(ev, 'host', 'name'), userOf(ev), fileOf(ev)];
      s += `${cells.map(csvCell).join(',')}\n`;
    } else {
      const level = LEVEL_LABEL[m.rule.level ?? 'informational'] ?? '';
      const host = get(ev, 'host', 'name') || '-';
      const user = userOf(ev) || '-';
      s += `${str(ev['@timestamp']).padEnd(24)}  ${level.padEnd(8)}  ${oneLine(m.rule.title)}  [host ${oneLine(host)}, user ${oneLine(user)}]\n`;
    }
  }
  return s;
}

const SEVERITY_RANK: Readonly<Record<string, number>> = lookupTable({ critical: 3, high: 2, medium: 1, low: 0 });

/** Incidents by score, then earliest first: the order an analyst should look at them. */
export function rankIncidents(incidents: readonly Incident[]): Incident[] {
  return [...incidents].sort((a, b) => b.score - a.score || SEVERITY_RANK[b.severity]! - SEVERITY_RANK[a.severity]! || (a.first_time < b.first_time ? -1 : a.first_time > b.first_time ? 1 : 0));
}

/** What the output needs of a matched event: its JSON spilled to disk for jsonl, the row fields for table and csv. */
export function keptEvent(ev: WeftEvent, spill: EventSpill | undefined): KeptEvent {
  return { host: get(ev, 'host', 'name'), user: userOf(ev), file: fileOf(ev), ...(spill !== undefined ? { json: spill.add(JSON.stringify(ev)) } : {}) };
}

/** One jsonl alert line; a match's event goes in as the JSON spilled at match time, in alertLine's key order. */
function alertJsonLine(out: BytePieces, a: Alert, rule: MatchedRule | undefined, event: KeptEvent | undefined, spill: EventSpill | undefined): void {
  const line = alertLine(a, rule !== undefined ? { rule } : {});
  if (event?.json === undefined || spill === undefined || a.kind !== 'match') {
    out.text(`${JSON.stringify(line)}\n`);
    return;
  }
  const { match, ...head } = line;
  const ref = event.json;
  out.text(`${JSON.stringify(head).slice(0, -1)},"event":`);
  // The event's JSON is UTF-8 in the spill already: copied as bytes, not decoded and encoded again.
  out.bytes(ref.length, (target, at) => spill.readInto(ref, target, at));
  out.text(`,"match":${JSON.stringify(match)}}\n`);
}

/**
 * The run's output as UTF-8, in pieces of about a megabyte (not built whole first). jsonl: one line
 * per alert (time order, suppressed ones included with their status), then one `kind: incident`
 * line per incident, ranked. ecs / ocsf: one document per alert. csv: one row per alert that is not
 * suppressed. table: incidents ranked by score, each with its kill chain and timeline.
 */
export function* formatRun(run: AlertRun, output: Output, rules: ReadonlyMap<string, MatchedRule>, spill?: EventSpill): Generator<Buffer> {
  const out = new BytePieces();
  for (const _ of outputParts(out, run, output, rules, spill)) if (out.readyCount > 0) yield* out.take();
  yield* out.end();
}

/** The output into `out`, one alert line, csv row or incident block per step. */
function* outputParts(out: BytePieces, run: AlertRun, output: Output, rules: ReadonlyMap<string, MatchedRule>, spill: EventSpill | undefined): Generator<void> {
  const ranked = rankIncidents(run.incidents);
  if (output === 'jsonl') {
    for (const a of run.alerts) yield alertJsonLine(out, a, rules.get(a.rule.id), run.firstEvents.get(a.id), spill);
    for (const i of ranked) yield out.text(`${JSON.stringify(incidentLine(i))}\n`);
    return;
  }
  if (output === 'ecs' || output === 'ocsf') {
    for (const a of run.alerts) yield out.text(`${JSON.stringify(output === 'ecs' ? ecsAlert(a) : ocsfDetectionFinding(a, WEFT_VERSION))}\n`);
    return;
  }
  if (output === 'csv') {
    for (const a of run.alerts) {
      if (a.status === 'suppressed') continue;
      const ev = run.firstEvents.get(a.id);
      const host = ev ? ev.host : (a.group['host.name'] ?? a.group.Computer ?? a.entities.host[0] ?? '');
      const user = ev ? ev.user : (a.group['user.name'] ?? a.group.TargetUserName ?? a.entities.user[0] ?? '');
      yield out.text(`${[a['@timestamp'], a.rule.level ?? '', a.rule.id, a.rule.title, host, user, ev ? ev.file : ''].map(csvCell).join(',')}\n`);
    }
    return;
  }
  const byId = new Map(run.alerts.map((a) => [a.id, a]));
  yield out.text(`\nincidents    ${ranked.length}, ranked by score\n`);
  for (const [n, inc] of ranked.entries()) {
    let s = `\n#${n + 1}  ${inc.severity.toUpperCase().padEnd(8)} score ${String(inc.score).padStart(3)}  ${oneLine(inc.title)}\n`;
    s += `    id ${inc.id}  ${inc.status}  ${inc.first_time} .. ${inc.last_time}  (${inc.alerts.length} alert${inc.alerts.length === 1 ? '' : 's'}, ${inc.events} events from ${inc.sources.join(', ') || '-'})\n`;
    s += `    kill chain  ${inc.kill_chain.length > 0 ? inc.kill_chain.map((k) => `${k.tactic} (${k.tactic_id})`).join(' > ') : '-'}\n`;
    s += `    entities    users ${oneLine(inc.entities.user.join(', ') || '-')}; hosts ${oneLine(inc.entities.host.join(', ') || '-')}; ips ${inc.entities.ip.slice(0, 6).join(', ') || '-'}${inc.entities.ip.length > 6 ? ` (+${inc.entities.ip.length - 6})` : ''}\n`;
    s += '    timeline\n';
    let eventsShown = 0;
    let eventsHidden = 0;
    for (const e of inc.timeline) {
      if (e.type === 'alert') {
        const a = byId.get(e.alert_id);
        if (a) s += `      ${alertRow(a, run)}\n`;
      } else if (eventsShown < 12) {
        eventsShown++;
        s += `        ${e['@timestamp'].padEnd(24)}  ${(e.source_type ?? '').padEnd(10)}  ${oneLine(e.title).slice(0, 100)}\n`;
      } else {
        eventsHidden++;
      }
    }
    if (eventsHidden + (inc.omitted_timeline ?? 0) > 0) s += `        ... ${eventsHidden + (inc.omitted_timeline ?? 0)} more events\n`;
    yield out.text(s);
  }
}

function alertRow(a: Alert, run: AlertRun): string {
  const level = LEVEL_LABEL[a.rule.level ?? 'informational'] ?? '';
  const times = a.count > 1 ? ` x${a.count}` : '';
  const scored = `score ${a.score} ${a.severity}${times}`;
  if (a.kind === 'match') {
    const ev = run.firstEvents.get(a.id);
    const host = (ev ? ev.host : a.entities.host[0]) || '-';
    const user = (ev ? ev.user : a.entities.user[0]) || '-';
    return `${a['@timestamp'].padEnd(24)}  ${level.padEnd(8)}  ${oneLine(a.rule.title)}  [host ${oneLine(host)}, user ${oneLine(user)}]  ${scored}`;
  }
  const group = Object.entries(a.group).map(([k, v]) => `${k}=${v}`).join(', ');
  return `${a['@timestamp'].padEnd(24)}  ${level.padEnd(8)}  ${oneLine(a.rule.title)}  [${a.explanation.correlation?.type ?? a.kind}${group ? `, ${oneLine(group)}` : ''}, ${a.events.length} events from ${a.sources.join('+')}]  ${scored}`;
}

const WEFT_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Event values are untrusted: no control characters reach the terminal. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function formatSummary(s: HuntSummary): string {
  const lines = [
    '',
    `files        ${s.files}`,
    `records      ${s.records}`,
    `events       ${s.events}`,
    `quarantined  ${s.quarantined}`,
    ...Object.entries(s.quarantinedByReason).sort((a, b) => b[1] - a[1]).map(([r, n]) => `  ${r.padEnd(40)} ${n}`),
    `matches      ${s.matches}`,
    ...[...LEVELS].reverse().filter((l) => s.matchesByLevel[l] !== undefined).map((l) => `  ${l.padEnd(40)} ${s.matchesByLevel[l]}`),
    `correlations ${s.correlations}`,
    ...[...LEVELS].reverse().filter((l) => s.correlationsByLevel[l] !== undefined).map((l) => `  ${l.padEnd(40)} ${s.correlationsByLevel[l]}`),
    `alerts       ${s.alerts} (${s.deduplicated} detections deduplicated into them)`,
    ...['critical', 'high', 'medium', 'low'].filter((l) => s.alertsBySeverity[l] !== undefined).map((l) => `  ${l.padEnd(40)} ${s.alertsBySeverity[l]}`),
    `suppressed   ${s.suppressed}`,
    ...Object.entries(s.suppressedByEntry).sort((a, b) => b[1] - a[1]).map(([id, n]) => `  ${id.padEnd(40)} ${n}`),
    `incidents    ${s.incidents}`,
    `rules        ${s.rulesLoaded} loaded, ${s.rulesRejected} rejected`,
    ...s.rejectionsByReason.map(([r, n]) => `  ${String(n).padStart(5)} x ${r}`),
    `engine       ${s.rulesEvaluatedPerEvent.toFixed(1)} rules evaluated per event, prefilter pass rate ${(s.prefilterPassRate * 100).toFixed(1)}%`,
  ];
  return `${lines.join('\n')}\n`;
}
