/**
 * Type confusion: well-formed JSON records of every JSON source (the vendor samples and the example
 * day) with values swapped for values of other types (null, booleans, numbers, empty and odd strings,
 * arrays, objects, an evtx `#text` element) and keys dropped. A byte-level fuzz mostly produces
 * records that do not parse; these parse, reach the mappers, and probe what each mapper assumes
 * about a field's type. Every record must end as exactly one event or one quarantine record, no mapper
 * may throw (the pipeline would keep the record as `*.internal_error`), and an event's typed ECS
 * fields must keep their types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RecordPipeline } from '../../src/ingest/record-pipeline.js';
import { generateScenario } from '../../src/scenario/index.js';
import { repoRoot } from '../support/shared-data.js';
import { rng } from '../support/rng.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** One JSON object per sample record: the fixtures' inputs (not their expected outputs) and the example day's JSON sources. */
function samples(): Array<{ [k: string]: Json }> {
  const texts: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if ((n.endsWith('.log') || n.endsWith('.ndjson')) && !n.includes('expected')) {
        for (const line of readFileSync(p, 'utf8').split('\n')) if (line.trimStart().startsWith('{')) texts.push(line);
      }
    }
  };
  walk(join(repoRoot, 'test', 'fixtures'));
  const { files } = generateScenario({ seed: 'type-confusion', start: '2026-03-10T00:00:00Z' });
  for (const f of files) {
    if (f.path.startsWith('windows/')) texts.push(...f.content.split(/\n(?=\{\n)/).filter((d) => d.trim() !== ''));
    else if (f.path.startsWith('cloudtrail/')) texts.push(...(JSON.parse(f.content) as { Records: Json[] }).Records.map((r) => JSON.stringify(r)));
    else texts.push(...f.content.split('\n').filter((l) => l.trimStart().startsWith('{')));
  }
  const out: Array<{ [k: string]: Json }> = [];
  for (const t of texts) {
    try {
      const v = JSON.parse(t) as Json;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(v);
    } catch {
      // A fixture line that is not one JSON object (a pretty-printed document's first line) is not a sample.
    }
  }
  return out;
}

const ODD: readonly Json[] = [null, true, false, 0, -1, 1e308, 2 ** 53 + 2, 0.5, '', '-', 'x', ' ', '\ud800', [], {}, [1, 'a', null], [[]], { '#text': 5 }, { '#attributes': {} }, '1970-01-01'];

function confuse(v: Json, r: () => number, depth: number): Json {
  const odd = (): Json => ODD[Math.floor(r() * ODD.length)] as Json;
  if (v === null || typeof v !== 'object') return r() < 0.15 ? odd() : v;
  if (depth > 0 && r() < 0.05) return odd();
  if (Array.isArray(v)) return v.map((x) => confuse(x, r, depth + 1));
  const o: { [k: string]: Json } = {};
  for (const [k, x] of Object.entries(v)) {
    if (r() < 0.05) continue;
    o[k] = confuse(x, r, depth + 1);
  }
  return o;
}

function at(e: unknown, path: string): unknown {
  let cur = e;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

const IP_FIELDS = ['source.ip', 'destination.ip', 'client.ip', 'server.ip'];
const STRING_FIELDS = ['user.name', 'user.domain', 'host.name', 'event.action', 'event.outcome', 'event.kind', 'event.dataset', 'event.module', 'event.code',
  'process.executable', 'process.name', 'process.command_line', 'file.path', 'url.original', 'dns.question.name', 'source.user.name', 'destination.user.name'];
const STRING_ARRAYS = ['event.category', 'event.type', 'related.ip', 'related.user', 'related.hosts', 'related.hash'];
const COUNTS = ['source.port', 'destination.port', 'process.pid', 'process.parent.pid', 'source.bytes', 'destination.bytes'];
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** What is wrong with an event's typed fields, if anything. */
function typeErrors(e: Record<string, unknown>): string[] {
  const bad: string[] = [];
  const ts = e['@timestamp'];
  if (typeof ts !== 'string' || !ISO_MS.test(ts)) bad.push(`@timestamp ${JSON.stringify(ts)}`);
  for (const f of IP_FIELDS) {
    const v = at(e, f);
    if (v !== undefined && !(typeof v === 'string' && isIP(v) !== 0)) bad.push(`${f} ${JSON.stringify(v)}`);
  }
  for (const f of STRING_FIELDS) {
    const v = at(e, f);
    if (v !== undefined && typeof v !== 'string') bad.push(`${f} ${JSON.stringify(v)}`);
  }
  for (const f of STRING_ARRAYS) {
    const v = at(e, f);
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) bad.push(`${f} ${JSON.stringify(v)}`);
  }
  for (const f of COUNTS) {
    const v = at(e, f);
    if (v !== undefined && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) bad.push(`${f} ${JSON.stringify(v)}`);
  }
  return bad;
}

test('type confusion: JSON records with values of other types end as one event or one quarantine record, no mapper throws, ECS field types hold', () => {
  const objects = samples();
  assert.ok(objects.length > 1000, `only ${objects.length} JSON samples`);
  const r = rng(20261207);
  const pipeline = new RecordPipeline({ sourceId: 'fuzz' });
  const receivedAt = new Date('2026-03-11T00:00:00Z');
  const N = 30_000;
  let events = 0;
  let quarantined = 0;
  const sourceTypes = new Set<string>();
  for (let i = 0; i < N; i++) {
    const rec = JSON.stringify(confuse(objects[Math.floor(r() * objects.length)] as Json, r, 0));
    const out = pipeline.process(rec, receivedAt);
    // A CloudTrail file wrapper holds several records; the samples are single records.
    assert.equal(out.length, 1, `record gave ${out.length} outcomes: ${rec.slice(0, 200)}`);
    const o = out[0];
    if (o?.kind === 'event') {
      events++;
      sourceTypes.add(o.event.weft.source_type ?? '(none)');
      assert.deepEqual(typeErrors(o.event as unknown as Record<string, unknown>), [], `${o.event.weft.source_type}: ${rec.slice(0, 300)}`);
    } else if (o?.kind === 'quarantine') {
      quarantined++;
      assert.doesNotMatch(o.quarantine.reason, /internal_error$/, `${o.quarantine.reason}: ${o.quarantine.message}: ${rec.slice(0, 300)}`);
      assert.match(o.quarantine.reason, /^(decode|normalize|validate)\.[\w@.-]+$/);
    }
  }
  // The mutations leave most records mappable: the typed fields are checked on every source's events.
  for (const t of ['windows', 'okta', 'cloudtrail', 'zeek', 'suricata']) assert.ok(sourceTypes.has(t), `no ${t} event survived the mutations`);
  assert.ok(events > N / 2 && quarantined > 0, `${events} events, ${quarantined} quarantined`);
  console.log(`type confusion: ${N} records -> ${events} events (${[...sourceTypes].sort().join(', ')}) + ${quarantined} quarantined`);
});
