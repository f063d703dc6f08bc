/**
 * Syslog over TCP, loopback, sender in a second process: records/s from the first byte sent to the last
 * record committed, for LF and octet-counted framing, into a sink that only counts (the listener's own
 * cost) and into StoreRecordSink on a SQLite file (decode, normalize, store). The lines are the Linux
 * auth samples of test/fixtures, numbered so that every one is a distinct event.
 *
 *   node --import tsx bench/live.ts [records]
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FramedRecord } from '../src/ingest/framing.js';
import { StoreRecordSink } from '../src/ingest/live/store-sink.js';
import { SyslogStreamListener } from '../src/ingest/live/syslog-stream.js';
import type { RecordSink } from '../src/ingest/live/sink.js';
import { silentLogger } from '../src/log/logger.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

export interface LiveBenchResult {
  framing: 'lf' | 'octet-counting';
  sink: 'count' | 'sqlite';
  records: number;
  recordsPerSecond: number;
  mbPerSecond: number;
}

class CountingSink implements RecordSink {
  records = 0;
  async write(records: FramedRecord[]): Promise<void> {
    this.records += records.length;
  }
}

function payload(records: number, framing: 'lf' | 'octet-counting'): Buffer {
  const auth = readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'linux', 'auth.log'), 'utf8').split('\n').filter((l) => l !== '');
  const parts: string[] = [];
  for (let i = 0; i < records; i++) {
    const l = `${auth[i % auth.length]} n=${i}`;
    parts.push(framing === 'lf' ? `${l}\n` : `${Buffer.byteLength(l)} ${l}`);
  }
  return Buffer.from(parts.join(''));
}

/** In the child: connect, send the file's bytes, close. */
async function sender(port: number, file: string): Promise<void> {
  const data = readFileSync(file);
  const s = connect(port, '127.0.0.1');
  await once(s, 'connect');
  for (let i = 0; i < data.length; i += 1 << 20) {
    if (!s.write(data.subarray(i, i + (1 << 20)))) await once(s, 'drain');
  }
  s.end();
  await once(s, 'close');
}

export async function runLiveBench(opts: { records: number }): Promise<LiveBenchResult[]> {
  const out: LiveBenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-live-'));
  try {
    for (const framing of ['lf', 'octet-counting'] as const) {
      const data = payload(opts.records, framing);
      const file = join(dir, `${framing}.bin`);
      writeFileSync(file, data);
      for (const kind of ['count', 'sqlite'] as const) {
        const store = kind === 'sqlite' ? new SqliteStore({ path: join(dir, `${framing}.db`), synchronous: 'normal' }) : undefined;
        await store?.migrate();
        const counting = new CountingSink();
        const storeSink = store ? new StoreRecordSink(store) : undefined;
        const sink = storeSink ?? counting;
        const committed = (): number => storeSink?.totals.records ?? counting.records;
        const l = new SyslogStreamListener({ id: 'bench', host: '127.0.0.1', port: 0, framing: 'auto', maxConnections: 10, maxRecordBytes: 1 << 20, batchSize: 1000, logger: silentLogger }, sink);
        await l.start();
        const child = fork(import.meta.filename, ['--send', String(l.counters.port), file], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
        // Timed from the first byte received, so the sender's start-up does not count.
        while (l.counters.bytes === 0) await new Promise((r) => setImmediate(r));
        const started = process.hrtime.bigint();
        while (committed() < opts.records) await new Promise((r) => setTimeout(r, 1));
        const secs = Number(process.hrtime.bigint() - started) / 1e9;
        await once(child, 'exit');
        await l.close();
        await store?.close();
        out.push({ framing, sink: kind, records: opts.records, recordsPerSecond: opts.records / secs, mbPerSecond: data.length / secs / 1e6 });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export function printLiveBench(results: LiveBenchResult[]): void {
  console.log('live syslog over TCP (sender in a second process, loopback):');
  for (const r of results) {
    console.log(`  ${r.framing.padEnd(15)} into ${r.sink.padEnd(6)} ${Math.round(r.recordsPerSecond).toLocaleString('en-US').padStart(10)} records/s  ${r.mbPerSecond.toFixed(1)} MB/s  (${r.records.toLocaleString('en-US')} records)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--send');
  if (i >= 0) await sender(Number(process.argv[i + 1]), process.argv[i + 2] as string);
  else printLiveBench(await runLiveBench({ records: Number(process.argv[2] ?? 200_000) }));
}
