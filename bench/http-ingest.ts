/**
 * HTTP ingest throughput: `weft serve` runs as a child process on a temporary data dir (SQLite,
 * synchronous=full), this process drives `POST /api/v1/ingest` over loopback with NDJSON batches of
 * 1,000 Okta System Log records from several concurrent keep-alive connections, and reports sustained
 * events/s (acknowledged = committed) and acknowledgement latency percentiles. The server's own
 * metrics say where the time went (store commit vs the rest of the request).
 *
 *   node --import tsx bench/http-ingest.ts [--seconds 20] [--concurrency 4] [--batch 1000] [--cpu-prof-dir DIR]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ingestWorkersFor } from '../src/ingest/ingest-writer.js';
import { RecordPipeline } from '../src/ingest/record-pipeline.js';

export interface HttpIngestBenchOptions {
  seconds?: number;
  concurrency?: number;
  batch?: number;
  /** Write a V8 CPU profile of the server child into this directory (node --cpu-prof). */
  cpuProfDir?: string;
}

export interface HttpIngestBenchResult {
  eventsPerSecond: number;
  requests: number;
  events: number;
  refused: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Share of server request time spent committing to the store. */
  storeShare: number;
  /** Decode + normalize alone, in this process, on the same records (events/s on one core). */
  pipelineEventsPerSecond: number;
  serverCpuSeconds: number;
  /**
   * Server CPU from the start of the run until the event-log consumers (detection, alerting) have
   * handled every event it committed: the whole cost of an event, whether or not the consumers kept
   * up during the run. Undefined if they did not catch up within a minute.
   */
  serverCpuSecondsCaughtUp?: number;
  /** How long the consumers took to catch up after the load stopped. */
  catchUpSeconds?: number;
  /**
   * Server CPU per event by thread during the load (Linux, from /proc): the main thread, the busy
   * other threads (the prepare workers: each above a tenth of the server's CPU), the rest (GC
   * helpers, I/O). Undefined where /proc is not there.
   */
  threads?: { mainMicros: number; workerMicros: number; workers: number; otherMicros: number; perWorkerMicros: number[] };
  /** This process's CPU per event during the load: the load generator's share of the machine. */
  generatorMicros: number;
  /** Bytes the server wrote to storage per acknowledged event (WAL and checkpoints), where Linux tells. */
  writtenBytesPerEvent?: number;
  seconds: number;
}

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'src', 'cli', 'main.ts');

/** Digits of the serial in every record's uuid (see UniqueBodies). */
const SERIAL_DIGITS = 12;
const SERIAL_MARK = 'bench-';

function record(i: number): string {
  return JSON.stringify({
    uuid: `${SERIAL_MARK}${'0'.repeat(SERIAL_DIGITS)}`, published: new Date(Date.UTC(2026, 2, 10, 8) + i).toISOString(), eventType: i % 3 === 0 ? 'user.session.start' : 'user.authentication.sso',
    displayMessage: 'User login to Okta', severity: 'INFO', version: '0', legacyEventType: 'core.user_auth.login_success',
    actor: { id: `00u${i % 997}`, type: 'User', alternateId: `user${i % 997}@corp.example`, displayName: `User ${i % 997}` },
    client: { ipAddress: `198.51.${(i >> 8) & 255}.${i & 255}`, userAgent: { rawUserAgent: 'Mozilla/5.0', os: 'Mac OS X', browser: 'CHROME' }, zone: 'null', device: 'Computer' },
    outcome: { result: 'SUCCESS' }, authenticationContext: { authenticationStep: 0, externalSessionId: `idx${i}` },
    securityContext: { asNumber: 64496, asOrg: 'example', isp: 'example', domain: 'example.net', isProxy: false },
    target: [{ id: '0oa1', type: 'AppInstance', alternateId: 'Salesforce', displayName: 'Salesforce' }],
  });
}

/**
 * Every request carries records never sent before: the same bytes twice are one event by design
 * (the id is a hash of the record), so a bench that repeated its bodies would measure the duplicate
 * check, not the store. And, as in a live feed, the events are recent: each request's records are
 * stamped within the second before it is sent, so event time moves forward. Each body is a copy of
 * a template with the uuid serials and the times written in place (no encoding again).
 */
class UniqueBodies {
  private readonly serials: number[][];
  private readonly times: number[][];
  private serial = 0;
  private requests = 0;

  constructor(private readonly templates: Buffer[]) {
    const at = (t: Buffer, mark: Buffer): number[] => {
      const out: number[] = [];
      for (let i = t.indexOf(mark); i >= 0; i = t.indexOf(mark, i + 1)) out.push(i + mark.length);
      return out;
    };
    this.serials = templates.map((t) => at(t, Buffer.from(`"uuid":"${SERIAL_MARK}`)));
    this.times = templates.map((t) => at(t, Buffer.from('"published":"')));
  }

  next(): Buffer {
    const k = this.requests++ % this.templates.length;
    const body = Buffer.from(this.templates[k] as Buffer);
    for (const at of this.serials[k] as number[]) body.write(String(this.serial++).padStart(SERIAL_DIGITS, '0'), at, 'latin1');
    const times = this.times[k] as number[];
    const from = Date.now() - times.length;
    // ISO 8601 with milliseconds is 24 characters, as in the template.
    times.forEach((at, i) => body.write(new Date(from + i).toISOString(), at, 'latin1'));
    return body;
  }
}

function cli(dataDir: string, args: string[], input = ''): string {
  const env: NodeJS.ProcessEnv = { ...process.env, WEFT_LOG_LEVEL: 'warn' };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args, '--data-dir', dataDir], { cwd: ROOT, input, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`weft ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Bytes the process has caused to be written to storage (/proc/<pid>/io), where Linux tells. */
function writtenBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU ticks per thread of a process (utime + stime, from /proc); undefined off Linux or once it is gone. */
function threadTicks(pid: number | undefined): Map<number, number> | undefined {
  if (pid === undefined) return undefined;
  try {
    const out = new Map<number, number>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after the parenthesized name: state is the first, utime and stime the 12th and 13th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(f[11]) + Number(f[12]));
    }
    return out;
  } catch {
    return undefined;
  }
}

function threadSplit(pid: number, before: Map<number, number>, after: Map<number, number>, cpuSeconds: number, events: number): NonNullable<HttpIngestBenchResult['threads']> {
  const delta = new Map<number, number>();
  let total = 0;
  for (const [tid, t] of after) {
    const d = t - (before.get(tid) ?? 0);
    delta.set(tid, d);
    total += d;
  }
  const micros = (ticks: number): number => (total === 0 || events === 0 ? 0 : ((ticks / total) * cpuSeconds * 1e6) / events);
  const main = delta.get(pid) ?? 0;
  let workers = 0;
  let workerTicks = 0;
  const perWorker: number[] = [];
  for (const [tid, d] of delta) {
    if (tid !== pid && d > total / 10) {
      workers++;
      workerTicks += d;
      perWorker.push(micros(d));
    }
  }
  // The busiest thread bounds the rate when it is a single writer (the commit thread).
  perWorker.sort((a, b) => b - a);
  return { mainMicros: micros(main), workerMicros: micros(workerTicks), workers, otherMicros: micros(total - main - workerTicks), perWorkerMicros: perWorker };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

function sumMetric(text: string, name: string, label?: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (label !== undefined && !line.includes(label)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function runHttpIngestBench(opts: HttpIngestBenchOptions = {}): Promise<HttpIngestBenchResult> {
  const seconds = opts.seconds ?? 20;
  const concurrency = opts.concurrency ?? 4;
  const batch = opts.batch ?? 1000;
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-http-'));
  // Pre-build bodies so the load generator spends its time sending, not serializing.
  const bodies = Array.from({ length: 64 }, (_, b) => {
    let s = '';
    for (let k = 0; k < batch; k++) s += `${record(b * batch + k)}\n`;
    return s;
  });
  // Decode + normalize alone on one body, for comparison.
  const pipeline = new RecordPipeline({ sourceId: 'bench', sourceType: 'okta' });
  // Warmed up first: measured cold, the JIT's first rounds made this read a third of the true rate.
  const receivedAt = new Date();
  let pipelineEventsPerSecond = 0;
  for (let round = 0; round < 8; round++) {
    const t0 = process.cpuUsage();
    let n = 0;
    for (const body of bodies.slice(0, 4)) for (const l of body.split('\n')) if (l !== '') n += pipeline.process(l, receivedAt).length;
    const u = process.cpuUsage(t0);
    if (round >= 3) pipelineEventsPerSecond = Math.max(pipelineEventsPerSecond, n / ((u.user + u.system) / 1e6));
  }

  cli(dir, ['users', 'add', 'bench', '--role', 'ingest', '--password-stdin'], 'bench password 1234\n');
  const key = cli(dir, ['users', 'keys', 'add', 'bench', '--name', 'bench']).trim();
  const env: NodeJS.ProcessEnv = { ...process.env, WEFT_LOG_LEVEL: 'warn' };
  delete env.NODE_TEST_CONTEXT;
  const profile = opts.cpuProfDir !== undefined ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', CLI, 'serve', '--port', '0', '--data-dir', dir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1] as string);
      });
      void exited.then((c) => reject(new Error(`server exited (${c})`)));
    });
    const ingestUrl = `${url}/api/v1/ingest?source=bench&source_type=okta`;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' };
    // Bodies as bytes: a string body is encoded again on every request, CPU the generator takes from
    // the server on a small machine.
    const payloads = new UniqueBodies(bodies.map((b) => Buffer.from(b, 'utf8')));
    // node:http on keep-alive sockets, not fetch: on a two-core machine the generator's own CPU is
    // taken from the server, and fetch's web streams cost several times more per request.
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const post = (body: Buffer): Promise<{ status: number; answer: { events?: number } }> => new Promise((resolve, reject) => {
      const req = request(ingestUrl, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, answer: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events?: number } });
          } catch (err) {
            reject(err as Error);
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    // Warm up the server's JIT (and this client) before measuring.
    for (let i = 0; i < 5; i++) await post(payloads.next());
    const cpuBefore = await serverCpu(url);
    const ticksBefore = threadTicks(child.pid);
    const writtenBefore = writtenBytes(child.pid);
    const generatorBefore = process.cpuUsage();
    const mBefore = await (await fetch(`${url}/metrics`)).text();
    const latencies: number[] = [];
    let events = 0;
    let refused = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const worker = async (): Promise<void> => {
      while (performance.now() < deadline) {
        const body = payloads.next();
        const t = performance.now();
        const r = await post(body);
        const answer = r.answer;
        if (r.status === 202) {
          latencies.push(performance.now() - t);
          events += answer.events ?? 0;
        } else if (r.status === 429) {
          refused++;
          await new Promise((res) => setTimeout(res, 50));
        } else {
          throw new Error(`ingest answered ${r.status}: ${JSON.stringify(answer)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    const elapsed = (performance.now() - started) / 1000;
    agent.destroy();
    const mAfter = await (await fetch(`${url}/metrics`)).text();
    const cpuAfter = await serverCpu(url);
    const ticksAfter = threadTicks(child.pid);
    const writtenAfter = writtenBytes(child.pid);
    const generator = process.cpuUsage(generatorBefore);
    const caught = await catchUp(url);
    latencies.sort((a, b) => a - b);
    // Every acknowledged event must be a new row: otherwise the run measured the duplicate check.
    const stored = metric(mAfter, 'weft_event_log_head') - metric(mBefore, 'weft_event_log_head');
    if (stored !== events) throw new Error(`${events} events acknowledged but ${stored} new rows stored`);
    const storeSeconds = metric(mAfter, 'weft_store_commit_seconds_sum') - metric(mBefore, 'weft_store_commit_seconds_sum');
    const httpSeconds = sumMetric(mAfter, 'weft_http_request_duration_seconds_sum', '/api/v1/ingest') - sumMetric(mBefore, 'weft_http_request_duration_seconds_sum', '/api/v1/ingest');
    return {
      eventsPerSecond: events / elapsed, requests: latencies.length, events, refused,
      p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies[latencies.length - 1] ?? 0,
      storeShare: httpSeconds > 0 ? storeSeconds / httpSeconds : 0,
      pipelineEventsPerSecond, serverCpuSeconds: cpuAfter - cpuBefore, seconds: elapsed,
      ...(caught !== undefined ? { serverCpuSecondsCaughtUp: caught.cpu - cpuBefore, catchUpSeconds: caught.seconds } : {}),
      ...(ticksBefore !== undefined && ticksAfter !== undefined && child.pid !== undefined ? { threads: threadSplit(child.pid, ticksBefore, ticksAfter, cpuAfter - cpuBefore, events) } : {}),
      generatorMicros: events === 0 ? 0 : (generator.user + generator.system) / events,
      ...(writtenBefore !== undefined && writtenAfter !== undefined && events > 0 ? { writtenBytesPerEvent: (writtenAfter - writtenBefore) / events } : {}),
    };
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wait until every event-log consumer has reached the head; the server's CPU seconds then. */
async function catchUp(url: string): Promise<{ cpu: number; seconds: number } | undefined> {
  const started = performance.now();
  while (performance.now() - started < 60_000) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const head = metric(text, 'weft_event_log_head');
    const positions = text.split('\n').filter((l) => l.startsWith('weft_consumer_position{')).map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
    if (positions.length > 0 && positions.every((p) => p >= head)) return { cpu: metric(text, 'weft_process_cpu_seconds_total'), seconds: (performance.now() - started) / 1000 };
    await new Promise((res) => setTimeout(res, 100));
  }
  return undefined;
}

async function serverCpu(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return metric(text, 'weft_process_cpu_seconds_total');
}

export function printHttpIngestBench(r: HttpIngestBenchResult): void {
  const f = (x: number): string => Math.round(x).toLocaleString('en-US');
  // The child reads WEFT_CONFIG like any weft command; without one it runs the default worker count.
  const workers = process.env.WEFT_CONFIG !== undefined ? `as ${process.env.WEFT_CONFIG} sets` : `${ingestWorkersFor('auto')} (server.ingest_workers auto)`;
  console.log(`http ingest (weft serve child process, loopback, NDJSON batches of 1,000, SQLite synchronous=full, prepare workers ${workers}):`);
  console.log(`  ${f(r.eventsPerSecond)} events/s acknowledged over ${r.seconds.toFixed(1)} s (${f(r.events)} events, ${r.requests} requests, ${r.refused} refused with 429)`);
  console.log(`  ack latency p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms`);
  if (r.serverCpuSecondsCaughtUp !== undefined) {
    console.log(`  server CPU until the consumers caught up (${(r.catchUpSeconds ?? 0).toFixed(1)} s after the load): ${((r.serverCpuSecondsCaughtUp / Math.max(1, r.events)) * 1e6).toFixed(0)} µs per event`);
  } else {
    console.log('  the event-log consumers did not catch up within 60 s of the load');
  }
  if (r.threads !== undefined) {
    const t = r.threads;
    console.log(`  server CPU per event by thread: main ${t.mainMicros.toFixed(1)} µs, ${t.workers} busy worker threads (prepare, commit) ${t.workerMicros.toFixed(1)} µs (${t.perWorkerMicros.map((x) => x.toFixed(1)).join(' + ')}), other threads (GC, I/O) ${t.otherMicros.toFixed(1)} µs; load generator ${r.generatorMicros.toFixed(1)} µs`);
  }
  if (r.writtenBytesPerEvent !== undefined) {
    console.log(`  written to storage: ${(r.writtenBytesPerEvent / 1024).toFixed(1)} KiB per event, ${((r.writtenBytesPerEvent * r.eventsPerSecond) / 2 ** 20).toFixed(0)} MiB/s`);
  }
  console.log(`  server CPU ${(r.serverCpuSeconds / r.seconds).toFixed(2)} cores (${((r.serverCpuSeconds / Math.max(1, r.events)) * 1e6).toFixed(0)} µs per event); store commit ${(r.storeShare * 100).toFixed(0)}% of request time; decode+normalize alone ${f(r.pipelineEventsPerSecond)} events/s on one core`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string): number | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const o: HttpIngestBenchOptions = {};
  const sec = arg('seconds');
  const conc = arg('concurrency');
  const b = arg('batch');
  if (sec !== undefined) o.seconds = sec;
  if (conc !== undefined) o.concurrency = conc;
  if (b !== undefined) o.batch = b;
  const prof = process.argv.indexOf('--cpu-prof-dir');
  if (prof >= 0 && process.argv[prof + 1] !== undefined) o.cpuProfDir = process.argv[prof + 1] as string;
  printHttpIngestBench(await runHttpIngestBench(o));
}
