/**
 * Decode + normalize throughput per source, through the real RecordPipeline, on the seeded example
 * day (src/scenario) plus the vendor samples under test/fixtures. For JSON sources it also times
 * JSON.parse alone on the same lines: the whole decode+normalize path must reach half of it.
 *
 *   node --import tsx bench/ingest.ts [records-per-source] [source-filter]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { eventId } from '../src/event/event-id.js';
import { RecordPipeline } from '../src/ingest/record-pipeline.js';
import { generateScenario } from '../src/scenario/index.js';

export interface IngestBenchResult {
  source: string;
  format: string;
  records: number;
  eventsPerSecond: number;
  quarantined: number;
  jsonParsePerSecond?: number;
  ratioToJsonParse?: number;
  /** The stable event id alone (SHA-256 of source id and record) on the same lines, per second. */
  eventIdPerSecond?: number;
}

export interface Corpus {
  source: string;
  format: string;
  lines: string[];
  json: boolean;
}

/** The example day's sources and the vendor samples, one record per line; `json` marks the JSON ones. */
export function corpora(): Corpus[] {
  const { files } = generateScenario({ seed: 'bench', start: '2026-03-10T00:00:00Z' });
  const text = (prefix: string): string => files.filter((f) => f.path.startsWith(prefix)).map((f) => f.content).join('\n');
  const lines = (t: string): string[] => t.split('\n').filter((l) => l.trim() !== '');
  // evtx_dump documents are pretty-printed; compact them so every format is one record per line.
  const evtx = text('windows/').split(/\n(?=\{\n)/).filter((d) => d.trim() !== '').map((d) => JSON.stringify(JSON.parse(d)));
  const cloudtrail = files.filter((f) => f.path.startsWith('cloudtrail/')).flatMap((f) => (JSON.parse(f.content) as { Records: unknown[] }).Records.map((r) => JSON.stringify(r)));
  const fixture = (p: string): string[] => lines(readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', p), 'utf8'));
  return [
    { source: 'windows (evtx_dump JSON)', format: 'evtx-json', lines: evtx, json: true },
    { source: 'linux (RFC 3164)', format: 'syslog-rfc3164', lines: lines(text('linux/')), json: false },
    { source: 'okta (JSON)', format: 'json', lines: lines(text('okta/')), json: true },
    { source: 'cloudtrail (JSON)', format: 'json', lines: cloudtrail, json: true },
    { source: 'zeek (JSON)', format: 'json', lines: lines(text('zeek/')), json: true },
    { source: 'checkpoint (CEF in syslog)', format: 'cef', lines: lines(text('firewall/')), json: false },
    { source: 'fortigate (kv syslog)', format: 'kv', lines: fixture('fortigate/log.log'), json: false },
    { source: 'panw (CSV syslog)', format: 'syslog', lines: fixture('panw/traffic.log'), json: false },
    { source: 'cisco asa (syslog)', format: 'syslog', lines: fixture('cisco_asa/asa.log'), json: false },
  ];
}

function cycle(lines: string[], n: number): string[] {
  const out: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = lines[i % lines.length] as string;
  return out;
}

const ROUNDS = 5;

export async function runIngestBench(opts: { records?: number; only?: string } = {}): Promise<IngestBenchResult[]> {
  const n = opts.records ?? 100_000;
  const at = new Date('2026-03-11T00:00:00Z');
  const out: IngestBenchResult[] = [];
  for (const c of corpora()) {
    if (opts.only !== undefined && !c.source.includes(opts.only)) continue;
    const recs = cycle(c.lines, n);
    let quarantined = 0;
    const pipeline = (): number => {
      const p = new RecordPipeline({ sourceId: 'bench', timezone: 'UTC' });
      quarantined = 0;
      const t0 = performance.now();
      for (const r of recs) for (const o of p.process(r, at)) if (o.kind === 'quarantine') quarantined++;
      return n / ((performance.now() - t0) / 1000);
    };
    const parse = (): number => {
      const t0 = performance.now();
      let k = 0;
      for (const line of recs) if (JSON.parse(line) !== null) k++;
      return k / ((performance.now() - t0) / 1000);
    };
    const ids = (): number => {
      const t0 = performance.now();
      let k = 0;
      for (const line of recs) k += eventId('bench', line).length;
      return (k / 32) / ((performance.now() - t0) / 1000);
    };
    // The machine may be shared: alternate the runs round by round so all see the same load, and
    // keep each one's best (least disturbed) round.
    let eps = 0;
    let jp = 0;
    let idps = 0;
    for (let round = 0; round < ROUNDS; round++) {
      eps = Math.max(eps, pipeline());
      if (c.json) {
        jp = Math.max(jp, parse());
        idps = Math.max(idps, ids());
      }
    }
    const r: IngestBenchResult = { source: c.source, format: c.format, records: n, eventsPerSecond: eps, quarantined };
    if (c.json) {
      r.jsonParsePerSecond = jp;
      r.ratioToJsonParse = eps / jp;
      r.eventIdPerSecond = idps;
    }
    out.push(r);
  }
  return out;
}

export function printIngestBench(results: IngestBenchResult[]): void {
  console.log('ingest (decode + normalize + stamp, one core):');
  for (const r of results) {
    // The event id's share shows the floor: the pipeline cannot beat JSON.parse + SHA-256 of the record.
    const idCost = r.eventIdPerSecond !== undefined && r.jsonParsePerSecond !== undefined ? r.jsonParsePerSecond / r.eventIdPerSecond : undefined;
    const ratio = r.ratioToJsonParse === undefined ? '' : `  (${(r.ratioToJsonParse * 100).toFixed(0)}% of JSON.parse at ${Math.round(r.jsonParsePerSecond ?? 0).toLocaleString('en-US')}/s; event id alone costs ${(idCost ?? 0).toFixed(2)}x JSON.parse)`;
    console.log(`  ${r.source.padEnd(28)} ${Math.round(r.eventsPerSecond).toLocaleString('en-US').padStart(10)} events/s${ratio}${r.quarantined > 0 ? `, ${r.quarantined} quarantined` : ''}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 100_000);
  const only = process.argv[3];
  printIngestBench(await runIngestBench({ records: n, ...(only !== undefined ? { only } : {}) }));
  const m = process.memoryUsage();
  console.log(`memory: rss ${(m.rss / 1e6).toFixed(0)} MB, heap ${(m.heapUsed / 1e6).toFixed(0)} MB`);
}
