/**
 * Live alerting (`weft serve`'s AlertingConsumer) per batch, as the day's stored alerts grow: Okta
 * sign-ins from a scripting client (a bundled rule alerts on each), one new user per record so each
 * is an alert of its own, spread over 500 source addresses so they group into about 500 incidents.
 * At each size, small batches (10 events, each a new alert on an address seen before) are timed on
 * their own: what a quiet feed pays for every batch, whatever the batch holds, because the day's
 * alerts are seeded and regrouped each time. SQLite in memory, so the disk is not measured.
 *
 *   node --import tsx bench/live-alerting.ts [--sizes 1000,4000,12000] [--rounds 5]
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { RecordPipeline } from '../src/ingest/record-pipeline.js';
import { silentLogger } from '../src/log/logger.js';
import { bundledPipelineFiles } from '../src/rules/pipeline/index.js';
import { AlertingConsumer } from '../src/server/alerting-consumer.js';
import { RuleCatalog } from '../src/server/rule-catalog.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

export interface LiveAlertingBenchRow {
  storedAlerts: number;
  /** Milliseconds per batch of 10 events: the median of the rounds, and each round. */
  medianMs: number;
  roundsMs: number[];
  heapMiB: number;
}

const ADDRESSES = 500;

export async function runLiveAlertingBench(opts: { sizes?: number[]; rounds?: number } = {}): Promise<LiveAlertingBenchRow[]> {
  const sizes = opts.sizes ?? [1000, 4000, 12000];
  const rounds = opts.rounds ?? 5;
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  const catalog = new RuleCatalog({ store, pipelinePaths: bundledPipelineFiles(), logger: silentLogger });
  const parsed = catalog.parse(readFileSync(join(import.meta.dirname, '..', 'rules', 'okta', 'okta_sign_in_scripted_client.yml'), 'utf8'));
  await store.putRules(parsed.documents.map((d) => d.record));
  await catalog.reload();
  const consumer = new AlertingConsumer({ store, config: parseConfig({}), catalog, logger: silentLogger });
  consumer.restore(undefined);
  const pipeline = new RecordPipeline({ sourceId: 'bench-okta' });
  const base = Date.UTC(2026, 2, 10, 0);
  let k = 0;
  let seq = 0;
  const record = (user: number, address: number): string => JSON.stringify({
    uuid: `la-${k}`, published: new Date(base + k++ * 100).toISOString(), eventType: 'user.session.start',
    actor: { id: `00u${user}`, type: 'User', alternateId: `user${user}@corp.example` },
    client: { ipAddress: `10.${(address >> 8) & 255}.${address & 255}.7`, userAgent: { rawUserAgent: 'python-requests/2.31.0' } },
    outcome: { result: 'SUCCESS' },
  });
  const feed = async (records: string[]): Promise<number> => {
    const events = records.flatMap((r) => pipeline.process(r, new Date()).flatMap((o) => (o.kind === 'event' ? [o.event] : [])));
    await store.appendEvents(events);
    const batch = await store.readEventLog(seq, 100_000);
    seq = batch.at(-1)?.seq ?? seq;
    const t0 = performance.now();
    await consumer.handle(batch);
    return performance.now() - t0;
  };
  const out: LiveAlertingBenchRow[] = [];
  let users = 0;
  for (const size of sizes) {
    while (users < size) {
      const n = Math.min(2000, size - users);
      await feed(Array.from({ length: n }, (_, i) => record(users + i, (users + i) % ADDRESSES)));
      users += n;
    }
    const roundsMs: number[] = [];
    for (let r = 0; r < rounds; r++) roundsMs.push(await feed(Array.from({ length: 10 }, (_, i) => record(1_000_000 + k + i, i))));
    const sorted = [...roundsMs].sort((a, b) => a - b);
    out.push({
      storedAlerts: (await store.listAlerts({ limit: 1 })).total, medianMs: sorted[Math.floor(sorted.length / 2)] as number, roundsMs,
      heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
    });
  }
  await store.close();
  return out;
}

export function printLiveAlertingBench(rows: LiveAlertingBenchRow[]): void {
  console.log('live alerting per batch of 10 events (weft serve\'s consumer; the day\'s alerts seeded and regrouped each batch):');
  for (const r of rows) {
    console.log(`  ${r.storedAlerts.toLocaleString('en-US').padStart(7)} stored alerts  median ${r.medianMs.toFixed(0).padStart(4)} ms  (rounds ${r.roundsMs.map((m) => m.toFixed(0)).join(' ')})  heap used ${r.heapMiB.toFixed(0)} MiB (garbage included)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const sizes = arg('--sizes')?.split(',').map(Number);
  const rounds = arg('--rounds');
  printLiveAlertingBench(await runLiveAlertingBench({ ...(sizes !== undefined ? { sizes } : {}), ...(rounds !== undefined ? { rounds: Number(rounds) } : {}) }));
}
