/**
 * The whole record path (decode, mapper choice, normalize, validate, stamp) on hostile input derived
 * from every real sample line: no exception escapes, and a line-framed record always ends as exactly
 * one event or one quarantine record (records in = events + quarantined).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RecordPipeline } from '../../src/ingest/record-pipeline.js';
import { repoRoot } from '../support/shared-data.js';
import { rng } from '../support/rng.js';


function sampleLines(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.log') || n.endsWith('.ndjson')) {
        for (const line of readFileSync(p, 'utf8').split('\n')) if (line.trim() !== '') out.push(line);
      }
    }
  };
  walk(join(repoRoot, 'test', 'fixtures'));
  return out;
}

function mutate(line: string, r: () => number): string {
  const b = Buffer.from(line, 'utf8');
  switch (Math.floor(r() * 6)) {
    case 0: return b.subarray(0, Math.floor(r() * b.length)).toString('utf8');
    case 1: {
      const c = Buffer.from(b);
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++) {
        const i = Math.floor(r() * c.length);
        c[i] = (c[i] as number) ^ (1 << Math.floor(r() * 8));
      }
      return c.toString('utf8');
    }
    case 2: {
      const i = Math.floor(r() * line.length);
      return `${line.slice(0, i)}${'A'.repeat(5000 + Math.floor(r() * 50_000))}${line.slice(i)}`;
    }
    case 3: {
      const i = Math.floor(r() * b.length);
      return Buffer.concat([b.subarray(0, i), Buffer.from([0xff, 0xc3, 0x28]), b.subarray(i)]).toString('utf8');
    }
    case 4: return line.startsWith('{') ? `${'{"a":'.repeat(600)}1${'}'.repeat(600)}` : line.replace(/[=|:]/g, (m) => (r() < 0.3 ? '' : m));
    default: {
      const i = Math.floor(r() * line.length);
      const j = Math.floor(r() * line.length);
      return line.slice(0, Math.min(i, j)) + line.slice(Math.max(i, j)) + line.slice(Math.min(i, j), Math.max(i, j));
    }
  }
}

test('pipeline fuzz: no throw; every line record is exactly one event or one quarantine record', () => {
  const lines = sampleLines();
  assert.ok(lines.length > 100);
  const r = rng(20261123);
  const pipeline = new RecordPipeline({ sourceId: 'fuzz', maxRecordBytes: 32 * 1024 });
  const at = new Date('2026-03-01T00:00:00Z');
  let records = 0;
  let events = 0;
  let quarantined = 0;
  const perLine = Math.ceil(30_000 / lines.length);
  for (const line of lines) {
    for (let k = 0; k < perLine; k++) {
      const rec = mutate(line, r);
      if (rec.trim() === '' || rec.includes('\n')) continue;
      records++;
      const out = pipeline.process(rec, at);
      // A JSON array line may hold several objects; the samples are single objects or text lines.
      if (!rec.trimStart().startsWith('[')) assert.equal(out.length, 1, `record gave ${out.length} outcomes: ${rec.slice(0, 80)}`);
      for (const o of out) {
        if (o.kind === 'event') {
          events++;
          assert.ok(Number.isFinite(Date.parse(o.event['@timestamp'])));
          assert.equal(o.event.weft.source_id, 'fuzz');
        } else {
          quarantined++;
          assert.match(o.quarantine.reason, /^(decode|normalize|validate)\.[\w@.-]+$/);
          assert.ok(o.quarantine.message.length > 0);
        }
      }
    }
  }
  assert.ok(records >= 30_000, `${records} records`);
  assert.ok(events > 0 && quarantined > 0);
  console.log(`pipeline fuzz: ${records} records -> ${events} events + ${quarantined} quarantined`);
});

/** Names of Object.prototype's members: a lookup table that is a plain object literal finds them. */
const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];

/** Where `v` holds something that is not JSON data (a function, Object.prototype, a class instance). */
function nonJson(v: unknown, path: string): string | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === undefined) return undefined;
  if (typeof v !== 'object') return `${path} is a ${typeof v}`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = nonJson(v[i], `${path}[${i}]`);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (v === Object.prototype || (proto !== Object.prototype && proto !== null)) return `${path} is not a plain object`;
  for (const [k, x] of Object.entries(v)) {
    const bad = nonJson(x, `${path}.${k}`);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/** Variants of a sample line with one value at a time replaced by a prototype member's name. */
function prototypeNameVariants(line: string): string[] {
  const out: string[] = [];
  let doc: unknown;
  try {
    doc = line.trimStart().startsWith('{') ? JSON.parse(line) : undefined;
  } catch {
    doc = undefined;
  }
  if (doc !== undefined) {
    // Every string leaf in turn, cycling through the names.
    let n = 0;
    const leaves: Array<(name: string) => void> = [];
    const walk = (o: unknown): void => {
      if (o === null || typeof o !== 'object') return;
      const rec = o as Record<string, unknown>;
      for (const k of Object.keys(rec)) {
        if (typeof rec[k] === 'string') leaves.push((name) => { rec[k] = name; });
        else walk(rec[k]);
      }
    };
    for (let i = 0; ; i++) {
      const copy = JSON.parse(line) as unknown;
      leaves.length = 0;
      walk(copy);
      if (i >= leaves.length) break;
      (leaves[i] as (name: string) => void)(PROTO_NAMES[n++ % PROTO_NAMES.length] as string);
      out.push(JSON.stringify(copy));
    }
    // Keys too: each key in turn renamed, in the JSON text, to "__proto__" or "constructor".
    const keys = [...line.matchAll(/"([A-Za-z_][\w.@-]*)"\s*:/g)].slice(0, 80);
    keys.forEach((m, i) => {
      const name = i % 2 === 0 ? '__proto__' : 'constructor';
      out.push(`${line.slice(0, m.index)}"${name}"${line.slice(m.index + (m[1] as string).length + 2)}`);
    });
    return out;
  }
  // Text formats: each word in turn (at most 60 per line).
  const words = [...line.matchAll(/[A-Za-z][A-Za-z_-]*/g)].slice(0, 60);
  words.forEach((m, i) => {
    const at = m.index;
    out.push(line.slice(0, at) + (PROTO_NAMES[i % PROTO_NAMES.length] as string) + line.slice(at + m[0].length));
  });
  return out;
}

test('hostile names: Object.prototype member names as any value or key never put a function or a prototype into an event', () => {
  const pipeline = new RecordPipeline({ sourceId: 'fuzz' });
  const at = new Date('2026-03-01T00:00:00Z');
  let variants = 0;
  let events = 0;
  for (const line of sampleLines()) {
    for (const rec of prototypeNameVariants(line)) {
      variants++;
      for (const o of pipeline.process(rec, at)) {
        if (o.kind !== 'event') continue;
        events++;
        const bad = nonJson(o.event, 'event');
        assert.equal(bad, undefined, `${bad ?? ''}: ${rec.slice(0, 160)}`);
      }
    }
  }
  assert.ok(variants > 3000 && events > variants / 2, `${variants} variants, ${events} events`);
  // Nothing was written to Object.prototype along the way.
  assert.deepEqual(Object.keys(Object.prototype), []);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
