/** The Elastic-sample fixtures per source and how to decode their lines into `Decoded` records. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Decoded } from '../../src/decode/types.js';
import { cloudtrailRecords } from '../../src/normalize/cloudtrail/index.js';
import { repoRoot } from './shared-data.js';
import { jsonLine, kvLine, rawLine, syslog3164, syslog5424 } from './sample-decoders.js';

export interface FixtureSpec {
  file: string;
  expected: string;
  decode: (line: string) => Decoded;
  timezone?: string;
  /** Records per line, or one JSON document holding {"Records": [...]}. */
  records?: (text: string) => string[];
}
export interface SourceSpec {
  source: string;
  fixtures: FixtureSpec[];
  exclude?: string[];
}

const lines = (t: string): string[] => t.split('\n').filter((l) => l.trim().length > 0);

export const SPECS: SourceSpec[] = [
  {
    source: 'linux',
    fixtures: [
      { file: 'auth.log', expected: 'auth.expected.json', decode: (l) => syslog3164(l, { year: 2022 }) },
      { file: 'usermod-group.log', expected: 'usermod-group.expected.json', decode: (l) => syslog3164(l) },
      { file: 'auditd.log', expected: 'auditd.expected.json', decode: rawLine },
    ],
  },
  {
    source: 'okta',
    fixtures: [{ file: 'system.log', expected: 'system.expected.json', decode: jsonLine }],
    exclude: ['okta.debug_context.debug_data.flattened.*'],
  },
  {
    source: 'cloudtrail',
    fixtures: [{
      file: 'records.json', expected: 'records.expected.json', decode: jsonLine,
      records: (t) => {
        const r = cloudtrailRecords(JSON.parse(t));
        if (!Array.isArray(r)) throw new Error(r.error);
        return r.map((x) => JSON.stringify(x));
      },
    }],
    // Elastic also keeps these objects as Java-style strings; Weft keeps the objects (under flattened.*).
    exclude: ['aws.cloudtrail.flattened.*', 'aws.cloudtrail.additional_eventdata', 'aws.cloudtrail.request_parameters', 'aws.cloudtrail.response_elements', 'event.created'],
  },
  {
    source: 'zeek',
    fixtures: ['conn', 'dns', 'http', 'ssl', 'files'].map((n) => ({ file: `${n}.log`, expected: `${n}.expected.json`, decode: jsonLine })),
    exclude: ['event.created'], // a constant injected by the pipeline test configuration
  },
  {
    source: 'suricata',
    fixtures: [{ file: 'eve.log', expected: 'eve.expected.json', decode: jsonLine }],
    exclude: ['event.created', 'tls.server.x509.*'], // test-config constant; Elastic's DN splitting keeps trailing commas
  },
  {
    source: 'panw',
    fixtures: [
      { file: 'traffic.log', expected: 'traffic.expected.json', decode: (l) => syslog3164(l, { year: 2012 }) },
      { file: 'threat.log', expected: 'threat.expected.json', decode: (l) => syslog3164(l, { year: 2018 }), timezone: '+09:30' },
    ],
    exclude: ['message'], // Elastic keeps the CSV tail after the seventh field as message
  },
  { source: 'fortigate', fixtures: [{ file: 'log.log', expected: 'log.expected.json', decode: kvLine }] },
  { source: 'checkpoint', fixtures: [{ file: 'firewall.log', expected: 'firewall.expected.json', decode: syslog5424 }] },
  { source: 'cisco_asa', fixtures: [{ file: 'asa.log', expected: 'asa.expected.json', decode: (l) => syslog3164(l) }] },
  { source: 'squid', fixtures: [{ file: 'access.log', expected: 'access.expected.json', decode: rawLine }] },
];


export interface FixtureRecord { source: string; fixture: FixtureSpec; index: number; decoded: Decoded; expected: unknown }

export function fixtureDir(source: string): string {
  return join(repoRoot, 'test', 'fixtures', source);
}

/** Every fixture record of a source, decoded, paired with Elastic's expected document. */
export function loadRecords(spec: SourceSpec): FixtureRecord[] {
  const out: FixtureRecord[] = [];
  for (const f of spec.fixtures) {
    const dir = fixtureDir(spec.source);
    const inputs = (f.records ?? lines)(readFileSync(join(dir, f.file), 'utf8'));
    const expected = (JSON.parse(readFileSync(join(dir, f.expected), 'utf8')) as { expected: unknown[] }).expected;
    if (inputs.length !== expected.length) throw new Error(`${spec.source}/${f.file}: ${inputs.length} records but ${expected.length} expected documents`);
    inputs.forEach((line, index) => out.push({ source: spec.source, fixture: f, index, decoded: f.decode(line), expected: expected[index] }));
  }
  return out;
}
