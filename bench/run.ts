/**
 * `npm run bench`: every benchmark module present, one after the other.
 *   npm run bench             full runs (hunt: 1M events; minutes)
 *   npm run bench -- --quick  CI smoke (hunt: 50k events, decode: 20k per format)
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runDecodeBench, type DecodeBenchResult } from './decode.js';
import { printHuntBench, runHuntBench } from './hunt.js';

const quick = process.argv.includes('--quick');

function printDecode(results: DecodeBenchResult[]): void {
  console.log('decode:');
  for (const r of results) {
    const ratio = r.ratioToJsonParse === undefined ? '' : `  (${(r.ratioToJsonParse * 100).toFixed(0)}% of JSON.parse)`;
    console.log(`  ${r.format.padEnd(28)} ${Math.round(r.eventsPerSecond).toLocaleString('en-US').padStart(10)} events/s${ratio}${r.failures > 0 ? `, ${r.failures} failures` : ''}`);
  }
}

printDecode(await runDecodeBench({ events: quick ? 20_000 : 200_000 }));
printHuntBench(await runHuntBench({ events: quick ? 50_000 : 1_000_000 }));

// The correlation benchmark lands with the correlation engine (bench/correlate.ts, runCorrelateBench).
const correlate = fileURLToPath(new URL('./correlate.ts', import.meta.url));
if (existsSync(correlate)) {
  const mod = (await import(pathToFileURL(correlate).href)) as { runCorrelateBench?: (o: { quick: boolean }) => Promise<unknown> };
  if (typeof mod.runCorrelateBench === 'function') {
    const r = await mod.runCorrelateBench({ quick });
    console.log('correlate:', JSON.stringify(r, null, 2));
  }
}
