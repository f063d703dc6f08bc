/**
 * Hunt throughput on one core: the FULL SigmaHQ rule set (rules, rules-emerging-threats,
 * rules-threat-hunting, bundled pipelines) over Windows events as evtx_dump JSON lines, through the
 * real path (framing, decode, normalize, detect: readOutcomes + RuleSet.evaluate, as `weft hunt` runs
 * it), compared with JSON.parse alone on the same lines.
 *
 * Events are the SigmaHQ regression events replicated with varied values (record ids, times, pids,
 * GUIDs, hashes, users, hosts, some command lines), generated block by block outside the timed
 * sections, so no two events are the same and per-value caches cannot cheat. Rates are per CPU
 * second of this process (one core), so a busy shared machine does not distort the ratio.
 *
 *   node --import tsx bench/hunt.ts [--quick] [--events N] [--block N]
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { WeftEvent } from '../src/event/model.js';
import { alertStageFor } from '../src/cli/alerting.js';
import { keptEvent, runHunt, type HuntSummary } from '../src/cli/commands/hunt.js';
import type { HuntPool } from '../src/hunt/hunt-pool.js';
import { parseConfig } from '../src/config/load.js';
import { CorrelationStage } from '../src/hunt/correlate-stage.js';
import { EventSpill } from '../src/hunt/event-spill.js';
import { FILE_READ_CHUNK, readOutcomes } from '../src/ingest/file-source.js';
import { RecordPipeline } from '../src/ingest/record-pipeline.js';
import { buildRuleSet } from '../src/rules/engine/index.js';
import { bundledPipelineFiles } from '../src/rules/pipeline/index.js';
import { splitJsonDocuments } from '../test/support/evtx.js';
import { sharedData } from '../test/support/shared-data.js';

export interface HuntBenchOptions {
  /** Total events (default 1 000 000; --quick 50 000). */
  events?: number;
  /** Events for the command's full path (default 100 000; --quick 20 000). */
  commandEvents?: number;
  /** Events generated and timed per block (default 50 000). */
  block?: number;
}

export interface HuntBenchResult {
  rules: number;
  events: number;
  matches: number;
  buildSeconds: number;
  /** End to end: framing + decode + normalize + detect, per CPU second. */
  huntEventsPerSecond: number;
  /** The same per wall-clock second (lower on a busy machine). */
  huntEventsPerWallSecond: number;
  jsonParseEventsPerSecond: number;
  ratioToJsonParse: number;
  /** RuleSet.evaluate alone, on freshly normalized events (10 000 per block). */
  detectEventsPerSecond: number;
  rulesEvaluatedPerEvent: number;
  prefilterPassRate: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  /** The `weft hunt` command's own path on a sample (alert stage, incidents, jsonl output), per CPU second. */
  command: { events: number; eventsPerSecond: number; ratioToJsonParse: number; alerts: number; incidents: number };
}

type Rec = Record<string, unknown>;

export function huntTemplates(): Rec[] {
  const dir = sharedData('sigma', 'regression_data');
  const files = execFileSync('find', [dir, '-name', '*.json']).toString().trim().split('\n').sort();
  const out: Rec[] = [];
  for (const f of files) for (const d of splitJsonDocuments(readFileSync(f, 'utf8'))) out.push(d as Rec);
  if (out.length === 0) throw new Error(`no regression events under ${dir}`);
  return out;
}

const HEX = '0123456789ABCDEF';
/** Events per block timed for detect alone. */
const DETECT_SAMPLE = 10_000;

/** Deterministic variation of one event: numbers, ids, names and some command lines change with `i`. */
function vary(tpl: Rec, i: number): Rec {
  const doc = structuredClone(tpl);
  const ev = doc.Event as Rec | undefined;
  const sys = ev?.System as Rec | undefined;
  if (sys !== undefined) {
    sys.EventRecordID = 100_000 + i;
    sys.Computer = `WS-${(i % 997).toString().padStart(4, '0')}.corp.example`;
    const tc = (sys.TimeCreated as Rec | undefined)?.['#attributes'] as Rec | undefined;
    if (tc !== undefined) tc.SystemTime = new Date(Date.UTC(2026, 0, 1) + i * 37).toISOString().replace('Z', '123Z');
    const ex = (sys.Execution as Rec | undefined)?.['#attributes'] as Rec | undefined;
    if (ex !== undefined) {
      ex.ProcessID = 1000 + (i % 60_000);
      ex.ThreadID = 2000 + (i % 50_000);
    }
  }
  const data = ev?.EventData as Rec | undefined;
  if (data !== null && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      if (/ProcessId$/i.test(k) && (typeof v === 'number' || typeof v === 'string')) {
        data[k] = typeof v === 'number' ? 4 + ((i * 7) % 65_000) : `0x${(4 + ((i * 7) % 65_000)).toString(16)}`;
      } else if (/Guid$/i.test(k) && typeof v === 'string') {
        data[k] = `{${(i >>> 0).toString(16).padStart(8, '0')}-${v.slice(10)}`;
      } else if (/^(User|SubjectUserName|TargetUserName)$/.test(k) && typeof v === 'string' && !v.endsWith('$')) {
        data[k] = v.includes('\\') ? `${v.split('\\')[0]}\\user${i % 5000}` : `user${i % 5000}`;
      } else if (/^(Hashes|Hash|sha256|md5)$/i.test(k) && typeof v === 'string') {
        let h = '';
        for (let j = 0, x = i; j < 8; j++, x = (x * 31 + 7) >>> 0) h += HEX[x % 16];
        data[k] = v.replace(/[0-9A-F]{8}(?=[,]|$)/gi, h);
      } else if (k === 'CommandLine' && typeof v === 'string' && i % 10 === 3) {
        data[k] = `${v} /n${i}`;
      }
    }
  }
  return doc;
}

export function huntBlock(tpls: Rec[], from: number, n: number): string[] {
  const lines: string[] = new Array<string>(n);
  for (let k = 0; k < n; k++) lines[k] = JSON.stringify(vary(tpls[(from + k) % tpls.length] as Rec, from + k));
  return lines;
}

/**
 * Seconds of CPU this process used since `from` (user + system). The machine running the benchmark
 * may be shared: CPU time measures the work on one core, wall time also measures the neighbours.
 */
function cpuSeconds(from?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

/**
 * The input in the chunks a file read delivers. One chunk of the whole block would frame it as one
 * batch of 50,000 events held at once, which measures the garbage collector promoting them rather
 * than the hunt path.
 */
function* fileChunks(bytes: Buffer): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += FILE_READ_CHUNK) yield bytes.subarray(i, i + FILE_READ_CHUNK);
}

/**
 * CPU seconds JSON.parse takes over the lines: the least of three rounds. It runs right after the
 * hunt pass, and the process's CPU then still includes the collector's threads finishing that
 * pass's garbage: a single round measured 60k-130k lines/s where the same parse alone does about
 * 260k (bench/ingest.ts), which made the detection path's ratio look twice what it is.
 */
function timeJsonParse(lines: string[]): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    let sink = 0;
    const t0 = process.cpuUsage();
    for (const l of lines) if (JSON.parse(l) !== null) sink++;
    best = Math.min(best, cpuSeconds(t0));
    if (sink !== lines.length) throw new Error('unreachable');
  }
  return best;
}

export async function runHuntBench(options: HuntBenchOptions = {}): Promise<HuntBenchResult> {
  const total = options.events ?? 1_000_000;
  const blockSize = Math.min(options.block ?? 50_000, total);
  const t0 = performance.now();
  const built = buildRuleSet({ rulePaths: sigmaHqRulePaths(), pipelinePaths: bundledPipelineFiles() });
  const buildSeconds = (performance.now() - t0) / 1000;
  const ruleSet = built.ruleSet;
  const tpls = huntTemplates();
  const receivedAt = new Date('2026-02-01T00:00:00Z');
  let huntSeconds = 0;
  let huntWallSeconds = 0;
  let parseSeconds = 0;
  let detectSeconds = 0;
  let detectEvents = 0;
  let events = 0;
  let matches = 0;
  let peakRss = 0;
  let peakHeap = 0;
  let ruleEvaluations = 0;
  let candidates = 0;
  let passed = 0;
  // Warm-up (not timed): JIT for every stage.
  {
    const lines = huntBlock(tpls, 0, Math.min(5000, blockSize));
    timeJsonParse(lines);
    for await (const b of readOutcomes(['-'], { stdin: Readable.from(fileChunks(Buffer.from(lines.join('\n')))), receivedAt: () => receivedAt })) {
      for (const o of b.outcomes) if (o.kind === 'event') ruleSet.evaluate(o.event);
    }
  }
  ruleSet.resetStats();
  for (let from = 0; from < total; from += blockSize) {
    const n = Math.min(blockSize, total - from);
    const lines = huntBlock(tpls, 1_000_000_000 + from, n);
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    // End to end, as `weft hunt` reads a file (stdin here, so the disk is not measured).
    let seen = 0;
    const s0 = ruleSet.stats();
    const h0 = process.cpuUsage();
    const w0 = process.hrtime.bigint();
    for await (const b of readOutcomes(['-'], { stdin: Readable.from(fileChunks(bytes)), receivedAt: () => receivedAt })) {
      for (const o of b.outcomes) {
        if (o.kind !== 'event') continue;
        seen++;
        matches += ruleSet.evaluate(o.event).length;
      }
    }
    huntSeconds += cpuSeconds(h0);
    huntWallSeconds += Number(process.hrtime.bigint() - w0) / 1e9;
    const s1 = ruleSet.stats();
    ruleEvaluations += s1.ruleEvaluations - s0.ruleEvaluations;
    candidates += s1.logsourceCandidates - s0.logsourceCandidates;
    passed += s1.prefilterPassed - s0.prefilterPassed;
    if (seen !== n) throw new Error(`hunt saw ${seen} of ${n} events (quarantined?)`);
    // Memory of the streaming path (the block's lines and bytes included), before the detect-only
    // pass below holds a set of normalized events.
    const mem = process.memoryUsage();
    peakRss = Math.max(peakRss, mem.rss);
    peakHeap = Math.max(peakHeap, mem.heapUsed);
    parseSeconds += timeJsonParse(lines);
    // Detect alone: normalize first (not timed), then evaluate the fresh events; a sample of the
    // block, so the held events do not dominate memory.
    const pipeline = new RecordPipeline({ sourceId: 'bench' });
    const evs: WeftEvent[] = [];
    for (let k = 0; k < Math.min(n, DETECT_SAMPLE); k++) for (const o of pipeline.process(lines[k] as string, receivedAt)) if (o.kind === 'event') evs.push(o.event);
    const d0 = process.cpuUsage();
    for (const ev of evs) ruleSet.evaluate(ev);
    detectSeconds += cpuSeconds(d0);
    detectEvents += evs.length;
    events += n;
  }
  const command = await timeCommand(built, tpls, options.commandEvents ?? Math.min(total, 100_000));
  return {
    command,
    rules: built.loaded,
    events,
    matches,
    buildSeconds,
    huntEventsPerSecond: events / huntSeconds,
    huntEventsPerWallSecond: events / huntWallSeconds,
    jsonParseEventsPerSecond: events / parseSeconds,
    ratioToJsonParse: parseSeconds / huntSeconds,
    detectEventsPerSecond: detectEvents / detectSeconds,
    rulesEvaluatedPerEvent: ruleEvaluations / events,
    prefilterPassRate: candidates === 0 ? 0 : passed / candidates,
    peakRssMiB: peakRss / 2 ** 20,
    peakHeapMiB: peakHeap / 2 ** 20,
  };
}

/** The three SigmaHQ rule folders of ../shared/data. */
export function sigmaHqRulePaths(): string[] {
  const root = sharedData('sigma');
  return ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => `${root}/${d}`);
}

/**
 * The whole `weft hunt` command after the rules are built, as runHunt runs it: read a file, detect
 * (here, or on the pool's workers), correlate, decide alerts in event time, group incidents, write
 * jsonl (to a sink that encodes text to UTF-8, as a stream does before it writes, then discards it).
 */
export async function runHuntCommand(file: string, built: ReturnType<typeof buildRuleSet>, pool?: HuntPool): Promise<{ summary: HuntSummary; written: number }> {
  const config = parseConfig({});
  const corr = CorrelationStage.build(sigmaHqRulePaths(), built, { allowedLatenessMs: config.correlation.allowed_lateness, maxStateEntries: config.correlation.max_state_entries });
  const spill = new EventSpill(dirname(file));
  const alerting = alertStageFor({ config, correlations: corr.stage?.definitions ?? [], assets: [], keepEvent: (ev) => keptEvent(ev, spill), recordDecisions: false });
  let written = 0;
  try {
    const summary = await runHunt([file], built.ruleSet, {
      output: 'jsonl', timezone: 'UTC', maxRecordBytes: config.ingest.max_record_bytes, alerting, spill,
      write: (s) => { written += typeof s === 'string' ? Buffer.from(s, 'utf8').length : s.length; return undefined; },
      ...(corr.stage !== undefined ? { correlate: corr.stage } : {}),
      ...(pool !== undefined ? { pool } : {}),
    });
    return { summary, written };
  } finally {
    spill.close();
  }
}

/** The command on the bench corpus. Every event matches (1.5 alerts per event), so the alert stage works far harder than on a real day of logs. */
async function timeCommand(built: ReturnType<typeof buildRuleSet>, tpls: Rec[], n: number): Promise<HuntBenchResult['command']> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-hunt-'));
  try {
    const file = join(dir, 'events.ndjson');
    const lines = huntBlock(tpls, 2_000_000_000, n);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const t0 = process.cpuUsage();
    const { summary, written } = await runHuntCommand(file, built);
    const seconds = cpuSeconds(t0);
    if (summary.events !== n || written === 0) throw new Error(`hunt command saw ${summary.events} of ${n} events`);
    const parse = timeJsonParse(lines);
    return { events: n, eventsPerSecond: n / seconds, ratioToJsonParse: parse / seconds, alerts: summary.alerts, incidents: summary.incidents };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function printHuntBench(r: HuntBenchResult): void {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  console.log(`hunt: ${n(r.rules)} SigmaHQ rules (built in ${r.buildSeconds.toFixed(1)} s), ${n(r.events)} evtx_dump JSON events, ${n(r.matches)} matches`);
  console.log(`  detection path (frame+decode+normalize+detect) ${n(r.huntEventsPerSecond)} events/s (CPU time; ${n(r.huntEventsPerWallSecond)} per wall second)`);
  console.log(`  JSON.parse alone, same lines                ${n(r.jsonParseEventsPerSecond)} events/s`);
  console.log(`  detection path as % of JSON.parse          ${(r.ratioToJsonParse * 100).toFixed(0)}% (target >= 40%)`);
  console.log(`  detect only (RuleSet.evaluate)              ${n(r.detectEventsPerSecond)} events/s`);
  console.log(`  rules evaluated per event                   ${r.rulesEvaluatedPerEvent.toFixed(1)}`);
  console.log(`  prefilter pass rate                         ${(r.prefilterPassRate * 100).toFixed(2)}% of logsource candidates`);
  console.log(`  peak memory of the hunt path                rss ${r.peakRssMiB.toFixed(0)} MiB, heap ${r.peakHeapMiB.toFixed(0)} MiB`);
  const c = r.command;
  console.log(`  weft hunt command, ${n(c.events)} events (+ alerts, incidents, jsonl output): ${n(c.eventsPerSecond)} events/s, ${(c.ratioToJsonParse * 100).toFixed(0)}% of JSON.parse; ${n(c.alerts)} alerts, ${n(c.incidents)} incidents`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const events = Number(arg('--events') ?? (quick ? 50_000 : 1_000_000));
  const blockArg = arg('--block');
  const r = await runHuntBench({ events, ...(quick ? { commandEvents: 20_000 } : {}), ...(blockArg !== undefined ? { block: Number(blockArg) } : {}) });
  printHuntBench(r);
}
