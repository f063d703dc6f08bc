/**
 * The HTTP ingest writer's prepare step, as its worker threads run it: batches of 1,000 records
 * decoded, normalized, laid out as store rows (the document's JSON included) and packed into a
 * recycled text buffer. CPU is the whole process's (process.cpuUsage: the garbage collector's
 * helper threads included), per event.
 *
 * Two ways are timed round by round on the same batches:
 * - `as normalized`: what a worker's prepareBatch does, each event laid out and its text packed as
 *   soon as the pipeline returns it;
 * - `after the batch`: every event of the batch kept until the last is normalized, then laid out and
 *   packed (how prepareBatch worked before): the batch's objects outlive a scavenge and are promoted.
 *
 *   node --import tsx bench/prepare.ts [batches-per-round] [source-filter]
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import { pathToFileURL } from 'node:url';
import { EntityResolver } from '../src/enrich/entity-resolver.js';
import { PipelineCache } from '../src/ingest/pipeline-cache.js';
import { prepareBatch } from '../src/ingest/prepare.js';
import { eventColumns, packText, TextPacker, type EventColumns } from '../src/store/event-columns.js';
import { corpora } from './ingest.js';

export interface PrepareBenchResult {
  source: string;
  events: number;
  /** Laid out as normalized (prepareBatch): best round. */
  eventsPerSecond: number;
  cpuMicrosPerEvent: number;
  /** Laid out after the whole batch: best round. */
  afterBatchEventsPerSecond: number;
  afterBatchCpuMicrosPerEvent: number;
}

const BATCH = 1000;
const ROUNDS = 4;

export function runPrepareBench(opts: { batches?: number; only?: string } = {}): PrepareBenchResult[] {
  const batches = opts.batches ?? 200;
  const out: PrepareBenchResult[] = [];
  // The JSON sources of the ingest bench: the ones HTTP ingest receives as NDJSON.
  for (const c of corpora().filter((k) => k.json)) {
    if (opts.only !== undefined && !c.source.includes(opts.only)) continue;
    // Distinct strings per record, as a worker gets them from its message port.
    const recordsOf = (b: number): string[] => Array.from({ length: BATCH }, (_, i) => (c.lines[(b * BATCH + i) % c.lines.length] as string).slice(0));
    const spare: ArrayBuffer[] = [];
    const take = (n: number): ArrayBuffer => {
      const b = spare.pop();
      return b !== undefined && b.byteLength >= n ? b : Buffer.allocUnsafeSlow(Math.max(n, 8 << 20)).buffer as ArrayBuffer;
    };
    let last = 0;
    const round = (afterBatch: boolean): { eps: number; cpu: number } => {
      const pipelines = new PipelineCache({ resolver: new EntityResolver() });
      let events = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let b = 0; b < batches; b++) {
        const meta = { sourceId: 'http:bench', receivedAt: new Date() };
        if (afterBatch) {
          const batch = prepareBatch(pipelines, recordsOf(b), meta, false);
          const rows: EventColumns[] = batch.events.map((e, i) => eventColumns(e, i));
          spare.push(packText(rows, take));
          events += rows.length;
        } else {
          let packer: TextPacker | undefined;
          const batch = prepareBatch(pipelines, recordsOf(b), meta, true, () => (packer = new TextPacker(take, (x) => spare.push(x), last)));
          if (batch.text !== undefined) spare.push(batch.text);
          last = packer?.bytes ?? 0;
          events += batch.rows?.length ?? 0;
        }
      }
      const cpu = process.cpuUsage(cpu0);
      return { eps: events / ((performance.now() - t0) / 1000), cpu: (cpu.user + cpu.system) / events };
    };
    let best = { eps: 0, cpu: Infinity };
    let after = { eps: 0, cpu: Infinity };
    for (let r = 0; r < ROUNDS; r++) {
      const a = round(false);
      const b = round(true);
      best = { eps: Math.max(best.eps, a.eps), cpu: Math.min(best.cpu, a.cpu) };
      after = { eps: Math.max(after.eps, b.eps), cpu: Math.min(after.cpu, b.cpu) };
    }
    out.push({
      source: c.source, events: batches * BATCH,
      eventsPerSecond: best.eps, cpuMicrosPerEvent: best.cpu,
      afterBatchEventsPerSecond: after.eps, afterBatchCpuMicrosPerEvent: after.cpu,
    });
  }
  return out;
}

export function printPrepareBench(results: PrepareBenchResult[]): void {
  console.log(`ingest prepare step (batches of ${BATCH}: decode, normalize, rows, packed text; CPU of all threads per event):`);
  for (const r of results) {
    const eps = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(9);
    console.log(`  ${r.source.padEnd(26)} as normalized ${eps(r.eventsPerSecond)} events/s, ${r.cpuMicrosPerEvent.toFixed(1).padStart(5)} µs CPU/event;`
      + ` after the batch ${eps(r.afterBatchEventsPerSecond)} events/s, ${r.afterBatchCpuMicrosPerEvent.toFixed(1).padStart(5)} µs CPU/event`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const batches = Number(process.argv[2] ?? 200);
  const only = process.argv[3];
  printPrepareBench(runPrepareBench({ batches, ...(only !== undefined ? { only } : {}) }));
  const m = process.memoryUsage();
  console.log(`memory: rss ${(m.rss / 1e6).toFixed(0)} MB, heap ${(m.heapUsed / 1e6).toFixed(0)} MB`);
}
