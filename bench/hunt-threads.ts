/**
 * `weft hunt --threads`: the whole command (SigmaHQ rule set, correlation, alerts, jsonl output) on
 * the example day's Windows events, replicated with new record ids (a realistic share of matches,
 * unlike bench/hunt.ts's all-matching corpus), on this thread alone and on worker threads. Reports
 * wall-clock events/s, process CPU (worker threads included) and peak RSS. The workers' rule
 * compile is included, as a user pays it; the rule files are read once, before either run.
 *
 *   node --import tsx bench/hunt-threads.ts [--events N] [--threads N]
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import { HuntPool } from '../src/hunt/hunt-pool.js';
import { buildRuleSetFromLoaded } from '../src/rules/engine/index.js';
import { bundledPipelineFiles } from '../src/rules/pipeline/index.js';
import { loadRules } from '../src/rules/sigma/index.js';
import { generateScenario } from '../src/scenario/index.js';
import { runHuntCommand, sigmaHqRulePaths } from './hunt.js';

export interface HuntThreadsRun {
  threads: number;
  wallSeconds: number;
  cpuSeconds: number;
  eventsPerWallSecond: number;
  alerts: number;
}

/** The example day's evtx_dump documents, one per line, cycled to n with fresh EventRecordIDs. */
function corpus(n: number): string {
  const { files } = generateScenario({ seed: 'bench', start: '2026-03-10T00:00:00Z' });
  const text = files.filter((f) => f.path.startsWith('windows/')).map((f) => f.content).join('\n');
  const docs = text.split(/\n(?=\{\n)/).filter((d) => d.trim() !== '').map((d) => JSON.stringify(JSON.parse(d)));
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((docs[i % docs.length] as string).replace(/"EventRecordID":(\d+)/, (_m, d: string) => `"EventRecordID":${Number(d) + i}`));
  return `${out.join('\n')}\n`;
}

export async function runHuntThreadsBench(opts: { events?: number; threads?: number } = {}): Promise<{ events: number; bytes: number; runs: HuntThreadsRun[] }> {
  const events = opts.events ?? 150_000;
  const threads = opts.threads ?? Math.max(2, Math.min(4, availableParallelism()));
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-threads-'));
  try {
    const file = join(dir, 'events.ndjson');
    const text = corpus(events);
    writeFileSync(file, text);
    const loaded = loadRules(sigmaHqRulePaths());
    const pipelinePaths = bundledPipelineFiles();
    const runs: HuntThreadsRun[] = [];
    for (const n of [1, threads]) {
      const w0 = performance.now();
      const c0 = process.cpuUsage();
      const starting = n > 1 ? HuntPool.start(n, { rules: { loaded: serialize(loaded), pipelinePaths }, timezone: 'UTC' }) : undefined;
      const built = buildRuleSetFromLoaded(loaded, { pipelinePaths });
      const pool = await starting;
      pool?.bind(built.ruleSet);
      try {
        const { summary } = await runHuntCommand(file, built, pool);
        if (summary.events !== events) throw new Error(`hunt saw ${summary.events} of ${events} events`);
        const wall = (performance.now() - w0) / 1000;
        const c = process.cpuUsage(c0);
        runs.push({ threads: n, wallSeconds: wall, cpuSeconds: (c.user + c.system) / 1e6, eventsPerWallSecond: events / wall, alerts: summary.alerts });
      } finally {
        await pool?.close();
      }
    }
    return { events, bytes: Buffer.byteLength(text), runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printHuntThreadsBench(r: Awaited<ReturnType<typeof runHuntThreadsBench>>): void {
  console.log(`hunt --threads (whole command, SigmaHQ rules, ${r.events.toLocaleString('en-US')} example-day Windows events, ${(r.bytes / 2 ** 20).toFixed(0)} MiB; ${availableParallelism()} cores):`);
  const base = r.runs[0];
  for (const x of r.runs) {
    const speedup = base === undefined ? 1 : base.wallSeconds / x.wallSeconds;
    console.log(`  ${x.threads === 1 ? 'this thread only' : `${x.threads} worker threads`.padEnd(16)} ${x.wallSeconds.toFixed(1).padStart(6)} s wall  ${Math.round(x.eventsPerWallSecond).toLocaleString('en-US').padStart(8)} events/s  ${x.cpuSeconds.toFixed(1).padStart(6)} s CPU  ${speedup.toFixed(2)}x  (${x.alerts} alerts)`);
  }
  console.log(`  memory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB at the end`);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const events = arg('--events');
  const threads = arg('--threads');
  printHuntThreadsBench(await runHuntThreadsBench({ ...(events !== undefined ? { events: Number(events) } : {}), ...(threads !== undefined ? { threads: Number(threads) } : {}) }));
}
