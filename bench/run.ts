/**
 * `npm run bench`: every benchmark module present, one after the other.
 *   npm run bench             full runs (hunt: 1M events, 100k through the whole command; minutes)
 *   npm run bench -- --quick  CI smoke (hunt: 50k events and 20k through the whole command, decode: 20k per format, HTTP ingest: 5 s)
 */
import { runDecodeBench, type DecodeBenchResult } from './decode.js';
import { printHuntBench, runHuntBench } from './hunt.js';
import { printIngestBench, runIngestBench } from './ingest.js';
import { runCorrelateBench } from './correlate.js';
import { printLiveBench, runLiveBench } from './live.js';
import { printHttpIngestBench, runHttpIngestBench } from './http-ingest.js';

const quick = process.argv.includes('--quick');

function printDecode(results: DecodeBenchResult[]): void {
  console.log('decode:');
  for (const r of results) {
    const ratio = r.ratioToJsonParse === undefined ? '' : `  (${(r.ratioToJsonParse * 100).toFixed(0)}% of JSON.parse)`;
    console.log(`  ${r.format.padEnd(28)} ${Math.round(r.eventsPerSecond).toLocaleString('en-US').padStart(10)} events/s${ratio}${r.failures > 0 ? `, ${r.failures} failures` : ''}`);
  }
}

printDecode(await runDecodeBench({ events: quick ? 20_000 : 200_000 }));
printHuntBench(await runHuntBench({ events: quick ? 50_000 : 1_000_000, commandEvents: quick ? 20_000 : 100_000 }));

printIngestBench(await runIngestBench({ records: quick ? 20_000 : 100_000 }));
printLiveBench(await runLiveBench({ records: quick ? 20_000 : 200_000 }));

console.log('correlate (one core):');
for (const r of runCorrelateBench({ quick })) {
  console.log(`  ${r.ruleSet.padEnd(44)} ${r.activeKeys.toLocaleString('en-US').padStart(9)} keys ${Math.round(r.eventsPerSecond).toLocaleString('en-US').padStart(9)} events/s  heap ${r.heapUsedMB.toFixed(0)} MB, rss ${r.rssMB.toFixed(0)} MB, ${r.bytesPerStateEntry.toFixed(0)} B/state entry`);
}

printHttpIngestBench(await runHttpIngestBench({ seconds: quick ? 5 : 20 }));
