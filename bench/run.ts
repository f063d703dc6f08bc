/**
 * `npm run bench`: every benchmark module present, one after the other, each in its own process
 * (`--section NAME` runs one: decode, hunt, hunt-threads, ingest, prepare, live, correlate, http, alerting, rules, store).
 *   npm run bench             full runs (hunt: 1M events, 100k through the whole command; minutes)
 *   npm run bench -- --quick  CI smoke (hunt: 50k events and 20k through the whole command, decode: 20k per format, HTTP ingest: 5 s)
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runDecodeBench, type DecodeBenchResult } from './decode.js';
import { printHuntBench, runHuntBench } from './hunt.js';
import { printHuntThreadsBench, runHuntThreadsBench } from './hunt-threads.js';
import { printIngestBench, runIngestBench } from './ingest.js';
import { runCorrelateBench } from './correlate.js';
import { printLiveBench, runLiveBench } from './live.js';
import { printLiveAlertingBench, runLiveAlertingBench } from './live-alerting.js';
import { printHttpIngestBench, runHttpIngestBench } from './http-ingest.js';
import { printStoreGrowthBench, runStoreGrowthBench } from './store-growth.js';
import { printPrepareBench, runPrepareBench } from './prepare.js';
import { printRuleCatalogBench, runRuleCatalogBench } from './rule-catalog.js';

const quick = process.argv.includes('--quick');

function printDecode(results: DecodeBenchResult[]): void {
  console.log('decode:');
  for (const r of results) {
    const ratio = r.ratioToJsonParse === undefined ? '' : `  (${(r.ratioToJsonParse * 100).toFixed(0)}% of JSON.parse)`;
    console.log(`  ${r.format.padEnd(28)} ${Math.round(r.eventsPerSecond).toLocaleString('en-US').padStart(10)} events/s${ratio}${r.failures > 0 ? `, ${r.failures} failures` : ''}`);
  }
}

const SECTIONS: Record<string, () => Promise<void>> = {
  decode: async () => printDecode(await runDecodeBench({ events: quick ? 20_000 : 200_000 })),
  hunt: async () => printHuntBench(await runHuntBench({ events: quick ? 50_000 : 1_000_000, commandEvents: quick ? 20_000 : 100_000 })),
  'hunt-threads': async () => printHuntThreadsBench(await runHuntThreadsBench({ events: quick ? 30_000 : 150_000 })),
  ingest: async () => printIngestBench(await runIngestBench({ records: quick ? 20_000 : 100_000 })),
  prepare: async () => printPrepareBench(runPrepareBench({ batches: quick ? 30 : 200 })),
  live: async () => printLiveBench(await runLiveBench({ records: quick ? 20_000 : 200_000 })),
  correlate: async () => {
    console.log('correlate (one core):');
    for (const r of runCorrelateBench({ quick })) {
      console.log(`  ${r.ruleSet.padEnd(44)} ${r.activeKeys.toLocaleString('en-US').padStart(9)} keys ${Math.round(r.eventsPerSecond).toLocaleString('en-US').padStart(9)} events/s  heap ${r.heapUsedMB.toFixed(0)} MB, rss ${r.rssMB.toFixed(0)} MB, ${r.bytesPerStateEntry.toFixed(0)} B/state entry`);
    }
  },
  http: async () => printHttpIngestBench(await runHttpIngestBench({ seconds: quick ? 5 : 20 })),
  alerting: async () => printLiveAlertingBench(await runLiveAlertingBench({ sizes: quick ? [1000, 4000] : [1000, 4000, 12000], rounds: quick ? 3 : 5 })),
  rules: async () => printRuleCatalogBench(await runRuleCatalogBench({ toggles: quick ? 3 : 10 })),
  store: async () => printStoreGrowthBench(await runStoreGrowthBench(quick ? { rows: 40_000, segment: 20_000 } : { rows: 500_000, segment: 100_000 })),
};

const only = process.argv.indexOf('--section');
if (only >= 0) {
  const name = process.argv[only + 1] ?? '';
  const run = SECTIONS[name];
  if (run === undefined) throw new Error(`unknown bench section '${name}'; one of ${Object.keys(SECTIONS).join(', ')}`);
  await run();
} else {
  // Each section in a process of its own: the hunt benchmark's rule set (half a GiB of heap) made
  // the garbage collector slow down every section measured after it in the same process.
  for (const name of Object.keys(SECTIONS)) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--section', name, ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
  }
}
