/**
 * Store throughput: append N events in batches, read the event log back, run one indexed search,
 * for the SQLite store (temp file) and the PostgreSQL store (a throwaway database on the test
 * server, see test/support/postgres.ts; skipped when the server is unreachable).
 *
 *   node --import tsx bench/store.ts [events] [batch]
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { makeEvent } from '../src/store/testdata/events.js';
import type { Store } from '../src/store/types.js';
import { createTestDatabase } from '../test/support/postgres.js';

const total = Number(process.argv[2] ?? 100_000);
const batch = Number(process.argv[3] ?? 5_000);

async function run(name: string, store: Store): Promise<void> {
  const batches = Array.from({ length: Math.ceil(total / batch) }, (_, b) =>
    Array.from({ length: Math.min(batch, total - b * batch) }, (_, k) => makeEvent(b * batch + k)));
  let t = performance.now();
  for (const evs of batches) await store.appendEvents(evs);
  const append = (performance.now() - t) / 1000;
  t = performance.now();
  let after = 0;
  let n = 0;
  for (;;) {
    const page = await store.readEventLog(after, 10_000);
    if (page.length === 0) break;
    n += page.length;
    after = page[page.length - 1]!.seq;
  }
  const read = (performance.now() - t) / 1000;
  t = performance.now();
  const hits = await store.searchEvents({ sourceIp: '10.0.42.38', limit: 100 });
  const search = performance.now() - t;
  console.log(`${name}: append ${total} in ${append.toFixed(1)} s (${Math.round(total / append)} ev/s), read ${n} in ${read.toFixed(1)} s (${Math.round(n / read)} ev/s), search by source ip ${hits.total} hits in ${search.toFixed(0)} ms`);
}

const dir = mkdtempSync(join(tmpdir(), 'weft-bench-store-'));
try {
  const sqlite = new SqliteStore({ path: join(dir, 'weft.db'), synchronous: 'full' });
  await sqlite.migrate();
  await run('sqlite', sqlite);
  await sqlite.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const db = await createTestDatabase('bench');
if (typeof db === 'string') {
  console.log(`postgres: skipped (${db})`);
} else {
  const pgStore = new PostgresStore({ url: db.url });
  try {
    await pgStore.migrate();
    await run('postgres', pgStore);
  } finally {
    await pgStore.close();
    await db.drop();
  }
}
