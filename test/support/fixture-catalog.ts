/**
 * The Elastic-sample fixtures per source, read through Weft's real ingest path: each file is framed,
 * decoded and normalized by `readOutcomes` (the code `weft ingest` runs), with no declared format or
 * source type, and each outcome is paired with Elastic's expected document.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Decoded } from '../../src/decode/types.js';
import { readOutcomes } from '../../src/ingest/file-source.js';
import { decodeFramed, frameRecords } from '../../src/ingest/framing.js';
import { cloudtrailRecords } from '../../src/normalize/cloudtrail/index.js';
import type { RecordOutcome } from '../../src/ingest/record-pipeline.js';
import { repoRoot } from './shared-data.js';

export interface FixtureSpec {
  file: string;
  expected: string;
  /** Receive time (ISO). RFC 3164 lines carry no year: the decoder takes the one that puts them before it. */
  receivedAt?: string;
  /** Zone for times that carry none (the source's configured timezone). */
  timezone?: string;
}
export interface SourceSpec {
  source: string;
  fixtures: FixtureSpec[];
  exclude?: string[];
}

const DEFAULT_RECEIVED_AT = '2024-01-01T00:00:00Z';

export const SPECS: SourceSpec[] = [
  {
    source: 'linux',
    fixtures: [
      { file: 'auth.log', expected: 'auth.expected.json', receivedAt: '2022-12-31T23:59:59Z' },
      { file: 'usermod-group.log', expected: 'usermod-group.expected.json' },
      { file: 'auditd.log', expected: 'auditd.expected.json' },
    ],
  },
  {
    source: 'okta',
    fixtures: [{ file: 'system.log', expected: 'system.expected.json' }],
    exclude: ['okta.debug_context.debug_data.flattened.*'],
  },
  {
    source: 'cloudtrail',
    fixtures: [{ file: 'records.json', expected: 'records.expected.json' }],
    // Elastic also keeps these objects as Java-style strings; Weft keeps the objects (under flattened.*).
    exclude: ['aws.cloudtrail.flattened.*', 'aws.cloudtrail.additional_eventdata', 'aws.cloudtrail.request_parameters', 'aws.cloudtrail.response_elements', 'event.created'],
  },
  {
    source: 'zeek',
    fixtures: ['conn', 'dns', 'http', 'ssl', 'files'].map((n) => ({ file: `${n}.log`, expected: `${n}.expected.json` })),
    exclude: ['event.created'], // a constant injected by the pipeline test configuration
  },
  {
    source: 'suricata',
    fixtures: [{ file: 'eve.log', expected: 'eve.expected.json' }],
    exclude: ['event.created', 'tls.server.x509.*'], // test-config constant; Elastic's DN splitting keeps trailing commas
  },
  {
    source: 'panw',
    fixtures: [
      { file: 'traffic.log', expected: 'traffic.expected.json', receivedAt: '2012-12-31T23:59:59Z' },
      { file: 'threat.log', expected: 'threat.expected.json', receivedAt: '2018-12-31T23:59:59Z', timezone: '+09:30' },
    ],
    exclude: ['message'], // Elastic keeps the CSV tail after the seventh field as message
  },
  { source: 'fortigate', fixtures: [{ file: 'log.log', expected: 'log.expected.json' }] },
  { source: 'checkpoint', fixtures: [{ file: 'firewall.log', expected: 'firewall.expected.json' }] },
  { source: 'cisco_asa', fixtures: [{ file: 'asa.log', expected: 'asa.expected.json' }] },
  { source: 'squid', fixtures: [{ file: 'access.log', expected: 'access.expected.json' }] },
];

export interface FixtureRecord { source: string; fixture: FixtureSpec; index: number; outcome: RecordOutcome; expected: unknown }

export function fixtureDir(source: string): string {
  return join(repoRoot, 'test', 'fixtures', source);
}

/** The receive time a fixture is read at. */
export function receivedAtOf(f: FixtureSpec): Date {
  return new Date(f.receivedAt ?? DEFAULT_RECEIVED_AT);
}

/** Every outcome of a source's fixture files through the real ingest path, paired with Elastic's expected document. */
export async function loadRecords(spec: SourceSpec): Promise<FixtureRecord[]> {
  const out: FixtureRecord[] = [];
  for (const f of spec.fixtures) {
    const path = join(fixtureDir(spec.source), f.file);
    const outcomes: RecordOutcome[] = [];
    const at = receivedAtOf(f);
    for await (const b of readOutcomes([path], {
      sourceId: `fixture:${f.file}`, receivedAt: () => at, ...(f.timezone !== undefined ? { timezone: f.timezone } : {}),
    })) outcomes.push(...b.outcomes);
    const expected = (JSON.parse(readFileSync(join(fixtureDir(spec.source), f.expected), 'utf8')) as { expected: unknown[] }).expected;
    if (outcomes.length !== expected.length) throw new Error(`${spec.source}/${f.file}: ${outcomes.length} outcomes but ${expected.length} expected documents`);
    outcomes.forEach((outcome, index) => out.push({ source: spec.source, fixture: f, index, outcome, expected: expected[index] }));
  }
  return out;
}

export interface DecodedFixtureRecord { fixture: FixtureSpec; index: number; decoded: Decoded }

/**
 * Every raw object of a source's fixture files as the real framing and decoders give it to mapper
 * detection (a CloudTrail file split into its records, as RecordPipeline splits it).
 */
export async function decodedRecords(spec: SourceSpec): Promise<DecodedFixtureRecord[]> {
  const out: DecodedFixtureRecord[] = [];
  for (const f of spec.fixtures) {
    const at = receivedAtOf(f);
    let index = 0;
    for await (const framed of frameRecords(createReadStream(join(fixtureDir(spec.source), f.file)))) {
      for (const r of decodeFramed(framed, 'auto', { receivedAt: at, ...(f.timezone !== undefined ? { timezone: f.timezone } : {}) })) {
        if (!r.ok) throw new Error(`${spec.source}/${f.file} line ${framed.line}: ${r.error.code}: ${r.error.message}`);
        const ct = r.value.format === 'json' && Array.isArray(r.value.fields.Records) ? cloudtrailRecords(r.value.fields) : undefined;
        if (ct !== undefined && 'error' in ct) throw new Error(`${spec.source}/${f.file}: ${ct.error}`);
        const objects: Decoded[] = ct !== undefined ? ct.map((fields) => ({ format: 'json', fields })) : [r.value];
        for (const decoded of objects) out.push({ fixture: f, index: index++, decoded });
      }
    }
  }
  return out;
}
