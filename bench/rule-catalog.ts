/**
 * The server's rule catalog with the SigmaHQ set (rules, emerging threats, threat hunting): how long
 * a start takes to put the rule files in the store and build the active set (with an empty and with
 * a warm parse cache), and how long a rebuild after an enable or a disable holds the server's event
 * loop. The store is a temporary SQLite file, as `weft serve` uses by default.
 *
 *   node --import tsx bench/rule-catalog.ts [toggles]
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { silentLogger } from '../src/log/logger.js';
import { bundledPipelineFiles } from '../src/rules/pipeline/index.js';
import { RuleCatalog } from '../src/server/rule-catalog.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { sigmaHqRulePaths } from './hunt.js';

export interface RuleCatalogBenchResult {
  rules: number;
  /** syncFiles + reload on a new store with an empty parse cache (a first start), seconds. */
  firstStartSeconds: number;
  /** The same on the same store with the parse cache the first start wrote (a restart), seconds. */
  restartSeconds: number;
  /** reload() after one rule was disabled or enabled again: median and slowest, seconds. */
  toggleMedianSeconds: number;
  toggleMaxSeconds: number;
  /** Heap in use at the end (the catalog of the restart, and whatever the collector has not freed yet). */
  heapMiB: number;
}

export async function runRuleCatalogBench(opts: { toggles?: number } = {}): Promise<RuleCatalogBenchResult> {
  const toggles = opts.toggles ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-catalog-'));
  const store = new SqliteStore({ path: join(dir, 'weft.db') });
  try {
    await store.migrate();
    const catalog = (): RuleCatalog => new RuleCatalog({ store, pipelinePaths: bundledPipelineFiles(), logger: silentLogger, cacheDir: join(dir, 'cache') });
    const start = async (): Promise<{ seconds: number; catalog: RuleCatalog; rules: number }> => {
      const t0 = performance.now();
      const c = catalog();
      await c.syncFiles(sigmaHqRulePaths());
      const built = await c.reload();
      return { seconds: (performance.now() - t0) / 1000, catalog: c, rules: built.loaded };
    };
    const firstStartSeconds = (await start()).seconds;
    const restart = await start();
    const ids = (await store.listRules({ enabledOnly: true })).map((r) => r.id);
    const times: number[] = [];
    for (let i = 0; i < toggles; i++) {
      const id = ids[(i * 397) % ids.length] as string;
      await store.setRuleEnabled(id, false);
      let t0 = performance.now();
      await restart.catalog.reload();
      times.push((performance.now() - t0) / 1000);
      await store.setRuleEnabled(id, true);
      t0 = performance.now();
      await restart.catalog.reload();
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    return {
      rules: restart.rules, firstStartSeconds, restartSeconds: restart.seconds,
      toggleMedianSeconds: times[Math.floor(times.length / 2)] as number, toggleMaxSeconds: times[times.length - 1] as number,
      heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printRuleCatalogBench(r: RuleCatalogBenchResult): void {
  console.log(`rule catalog (weft serve's rules), SigmaHQ ${r.rules.toLocaleString('en-US')} rules, SQLite store:`);
  console.log(`  first start (files into the store, empty parse cache) ${r.firstStartSeconds.toFixed(2)} s`);
  console.log(`  restart (warm parse cache)                           ${r.restartSeconds.toFixed(2)} s`);
  console.log(`  rebuild after enabling or disabling one rule          median ${(r.toggleMedianSeconds * 1000).toFixed(0)} ms, slowest ${(r.toggleMaxSeconds * 1000).toFixed(0)} ms (the event loop waits this long)`);
  console.log(`  heap in use at the end ${r.heapMiB.toFixed(0)} MiB`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printRuleCatalogBench(await runRuleCatalogBench({ toggles: Number(process.argv[2] ?? 10) }));
}
