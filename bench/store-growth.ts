/**
 * How the embedded store's append cost changes as the events table grows: the seeded example day
 * (every source, normalized by the real RecordPipeline) appended again and again in batches of
 * 1,000 through SqliteStore.appendEvents, with the CPU and wall time per row printed per segment.
 *
 * Each pass over the corpus is the next day: every event gets a new id (the record plus the pass
 * number, hashed like any record) and its time moves by a day per pass, so each row is new, the ids
 * are as random as real ones, time goes forward as in a live feed, and the users, hosts and
 * addresses keep the day's distribution. The growth comes from indexes with random keys: a batch
 * dirties one leaf page of such an index per row once the index is larger than the batch, and every
 * dirtied page goes to the WAL whole (16 KiB) and again to the database at checkpoint. Bytes written
 * per row are read from /proc/self/io where there is one.
 *
 *   node --import tsx bench/store-growth.ts [--rows N] [--segment N] [--batch N]
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { eventId } from '../src/event/event-id.js';
import type { WeftEvent } from '../src/event/model.js';
import { RecordPipeline } from '../src/ingest/record-pipeline.js';
import { generateScenario } from '../src/scenario/index.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

function scenarioEvents(): WeftEvent[] {
  const { files } = generateScenario({ seed: 'bench', start: '2026-03-10T00:00:00Z' });
  const out: WeftEvent[] = [];
  const at = new Date('2026-03-11T00:00:00Z');
  for (const f of files) {
    // One record per call, as the file source frames them: evtx_dump documents, CloudTrail's
    // Records array, a line otherwise.
    const records = f.path.startsWith('windows/')
      ? f.content.split(/\n(?=\{\n)/)
      : f.path.startsWith('cloudtrail/')
        ? (JSON.parse(f.content) as { Records: unknown[] }).Records.map((r) => JSON.stringify(r))
        : f.content.split('\n');
    const p = new RecordPipeline({ sourceId: f.path.split('/')[0] ?? 'bench', timezone: 'UTC' });
    for (const r of records) {
      if (r.trim() === '') continue;
      for (const o of p.process(r, at)) if (o.kind === 'event') out.push(o.event);
    }
  }
  return out;
}

export interface StoreGrowthSegment {
  rows: number;
  cpuMicrosPerRow: number;
  wallMicrosPerRow: number;
  /** Bytes this process wrote to storage per appended row (Linux only). */
  writtenKiBPerRow?: number;
}

/** Bytes this process has caused to be written to storage, where the kernel says (Linux). */
function writtenBytes(): number | undefined {
  if (!existsSync('/proc/self/io')) return undefined;
  const m = /^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return m ? Number(m[1]) : undefined;
}

export async function runStoreGrowthBench(opts: { rows?: number; segment?: number; batch?: number } = {}): Promise<StoreGrowthSegment[]> {
  const rows = opts.rows ?? 500_000;
  const segment = opts.segment ?? 100_000;
  const batchSize = opts.batch ?? 1_000;
  const corpus = scenarioEvents();
  const out: StoreGrowthSegment[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-growth-'));
  try {
    const store = new SqliteStore({ path: join(dir, 'weft.db'), synchronous: 'full' });
    await store.migrate();
    let done = 0;
    let k = 0;
    let inSegment = 0;
    let cpu0 = process.cpuUsage();
    let wall0 = performance.now();
    let io0 = writtenBytes();
    while (done < rows) {
      const batch: WeftEvent[] = [];
      for (let i = 0; i < batchSize && done + i < rows; i++, k++) {
        const ev = corpus[k % corpus.length] as WeftEvent;
        const pass = Math.floor(k / corpus.length);
        const weft = ev.weft;
        const ts = new Date(Date.parse(ev['@timestamp']) + pass * 86_400_000).toISOString();
        batch.push({ ...ev, '@timestamp': ts, weft: { ...weft, id: eventId(weft.source_id, `${pass}\n${String(ev.event?.original ?? k)}`) } } as WeftEvent);
      }
      const r = await store.appendEvents(batch);
      if (r.inserted !== batch.length) throw new Error(`expected ${batch.length} new rows, ${r.inserted} inserted`);
      done += batch.length;
      inSegment += batch.length;
      if (inSegment >= segment || done === rows) {
        const c = process.cpuUsage(cpu0);
        const wall = performance.now() - wall0;
        const io = writtenBytes();
        out.push({
          rows: done, cpuMicrosPerRow: (c.user + c.system) / inSegment, wallMicrosPerRow: (wall * 1000) / inSegment,
          ...(io !== undefined && io0 !== undefined ? { writtenKiBPerRow: (io - io0) / 1024 / inSegment } : {}),
        });
        io0 = io;
        inSegment = 0;
        cpu0 = process.cpuUsage();
        wall0 = performance.now();
      }
    }
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export function printStoreGrowthBench(segments: StoreGrowthSegment[], batch = 1_000): void {
  console.log(`store growth (SQLite, synchronous=FULL, appendEvents in batches of ${batch.toLocaleString('en-US')}, scenario events with new ids), per segment:`);
  for (const s of segments) {
    const io = s.writtenKiBPerRow !== undefined ? `, ${s.writtenKiBPerRow.toFixed(1).padStart(5)} KiB written/row` : '';
    console.log(`  up to ${s.rows.toLocaleString('en-US').padStart(9)} rows: ${s.cpuMicrosPerRow.toFixed(1).padStart(6)} µs CPU/row, ${s.wallMicrosPerRow.toFixed(1).padStart(6)} µs wall/row, ${Math.round(1e6 / s.wallMicrosPerRow).toLocaleString('en-US').padStart(7)} rows/s${io}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string, dflt: number): number => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const batch = arg('--batch', 1_000);
  printStoreGrowthBench(await runStoreGrowthBench({ rows: arg('--rows', 500_000), segment: arg('--segment', 100_000), batch }), batch);
  const m = process.memoryUsage();
  console.log(`memory: rss ${(m.rss / 1e6).toFixed(0)} MB, heap ${(m.heapUsed / 1e6).toFixed(0)} MB`);
}
