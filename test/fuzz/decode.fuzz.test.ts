/**
 * Derives well over 100k hostile records from every real sample (cut points, bit flips, inserted
 * structure characters, invalid UTF-8, huge fields, deep nesting) and runs each through every decoder:
 * no exception may escape, each single-result decoder returns exactly one well-formed result, and
 * decodeRecords returns an array of well-formed results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCef } from '../../src/decode/cef.js';
import { decodeRecord, decodeRecords } from '../../src/decode/detect.js';
import { decodeJson } from '../../src/decode/json.js';
import { decodeKv } from '../../src/decode/kv.js';
import { decodeLeef } from '../../src/decode/leef.js';
import { decodeOtlpJson } from '../../src/decode/otlp.js';
import { decodeOtlpProtobuf } from '../../src/decode/otlp-protobuf.js';
import { decodeText } from '../../src/decode/plain-text.js';
import { decodeRfc3164 } from '../../src/decode/syslog-rfc3164.js';
import { decodeRfc5424 } from '../../src/decode/syslog-rfc5424.js';
import type { DeclaredFormat, DecodeOptions, DecodeResult, Decoder } from '../../src/decode/types.js';
import { fixturePath, fixtureText } from '../support/fixtures.js';
import { encodeLogsRequest } from '../support/otlp-encode.js';
import { requireSharedData } from '../support/shared-data.js';
import { rng } from '../support/rng.js';


function samples(): Buffer[] {
  const out: Buffer[] = [];
  const root = fixturePath();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (!n.endsWith('.md') && !n.endsWith('.json')) {
        for (const line of readFileSync(p).toString('utf8').split('\n')) if (line.trim() !== '') out.push(Buffer.from(line, 'utf8'));
      }
    }
  };
  walk(root);
  const otlp = fixtureText('opentelemetry-proto', 'logs.json');
  out.push(Buffer.from(otlp), Buffer.from(JSON.stringify(JSON.parse(otlp))));
  out.push(Buffer.from(encodeLogsRequest(JSON.parse(otlp) as Record<string, unknown>)));
  const evtx = requireSharedData('sigma', 'regression_data', 'rules', 'windows', 'process_creation', 'proc_creation_win_github_self_hosted_runner');
  if (evtx) for (const n of readdirSync(evtx)) if (n.endsWith('.json')) out.push(readFileSync(join(evtx, n)));
  return out;
}

const STRUCTURE = [...'|=\\"\'[]<>{}:, \t\n^%-'].map((c) => c.charCodeAt(0)).concat([0x00, 0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xef, 0xf0, 0xff]);
const BAD_UTF8 = [[0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xc0, 0xaf]];

function* mutants(sample: Buffer, rand: () => number): Generator<Buffer> {
  const n = sample.length;
  // Truncation at up to 300 cut points spread over the sample.
  const cuts = Math.min(n, 300);
  for (let k = 0; k < cuts; k++) yield sample.subarray(0, Math.floor((k * n) / cuts));
  // Bit flips: 1 to 4 random bits.
  for (let k = 0; k < 800; k++) {
    const b = Buffer.from(sample);
    const flips = 1 + Math.floor(rand() * 4);
    for (let f = 0; f < flips && n > 0; f++) {
      const at = Math.floor(rand() * n);
      b[at] = (b[at] as number) ^ (1 << Math.floor(rand() * 8));
    }
    yield b;
  }
  // Structure characters and invalid UTF-8 inserted or overwritten.
  for (let k = 0; k < 400; k++) {
    const at = Math.floor(rand() * (n + 1));
    const insert = rand() < 0.5
      ? Buffer.from([STRUCTURE[Math.floor(rand() * STRUCTURE.length)] as number])
      : Buffer.from(BAD_UTF8[Math.floor(rand() * BAD_UTF8.length)] as number[]);
    yield rand() < 0.5
      ? Buffer.concat([sample.subarray(0, at), insert, sample.subarray(at)])
      : Buffer.concat([sample.subarray(0, at), insert, sample.subarray(Math.min(n, at + insert.length))]);
  }
  // Huge fields: 200 kB of one character where a value would be.
  for (const ch of ['A', '\\', '=', '[', '"', ' ']) {
    const at = Math.floor(rand() * (n + 1));
    yield Buffer.concat([sample.subarray(0, at), Buffer.alloc(200_000, ch), sample.subarray(at)]);
  }
  // Deep nesting in front of and inside the sample.
  yield Buffer.concat([Buffer.alloc(50_000, '['), sample]);
  yield Buffer.concat([Buffer.from('{"a":'.repeat(20_000)), sample]);
  const mid = Math.floor(n / 2);
  yield Buffer.concat([sample.subarray(0, mid), Buffer.alloc(20_000, '{'), sample.subarray(mid)]);
}

const DECLARED: DeclaredFormat[] = [
  'syslog', 'syslog-rfc3164', 'syslog-rfc5424', 'cef', 'leef', 'kv', 'json', 'ndjson', 'evtx-json', 'winlogbeat-json', 'otlp-json', 'otlp-protobuf', 'text',
];

const CODE = /^decode\.[a-z0-9-]+\.[a-z_]+$/;

function checkResult(r: DecodeResult | undefined, where: string): void {
  assert.ok(r !== null && typeof r === 'object', where);
  if (r.ok) {
    assert.equal(typeof r.value.format, 'string', where);
    assert.ok(r.value.fields !== null && typeof r.value.fields === 'object', where);
  } else {
    assert.match(r.error.code, CODE, where);
    assert.ok(typeof r.error.message === 'string' && r.error.message.length > 0, where);
  }
}

const decoders: [string, Decoder][] = [
  ['rfc3164', decodeRfc3164], ['rfc5424', decodeRfc5424], ['cef', decodeCef], ['leef', decodeLeef],
  ['kv', decodeKv], ['json', decodeJson], ['otlp-json', decodeOtlpJson], ['otlp-protobuf', decodeOtlpProtobuf], ['text', decodeText],
];

test('no decoder throws and each returns exactly one result on >= 100k mutated real records', () => {
  const rand = rng(0x5eed);
  const all = samples();
  assert.ok(all.length >= 50, `only ${all.length} samples`);
  const optsList: DecodeOptions[] = [
    { receivedAt: new Date('2026-01-05T00:00:00Z') },
    { receivedAt: new Date('2026-07-01T00:00:00Z'), timezone: 'Europe/Berlin' },
  ];
  let records = 0;
  let calls = 0;
  for (const [i, sample] of all.entries()) {
    const opts = optsList[i % optsList.length] as DecodeOptions;
    for (const m of mutants(sample, rand)) {
      records++;
      const input: string | Uint8Array = records % 3 === 0 ? m.toString('utf8') : m;
      const where = `sample ${i}, mutant ${records}: ${JSON.stringify(m.subarray(0, 80).toString('latin1'))}`;
      for (const [name, decode] of decoders) {
        let r: DecodeResult;
        try {
          r = decode(input, opts);
        } catch (e) {
          assert.fail(`${name} threw on ${where}: ${String(e)}`);
        }
        checkResult(r, `${name} ${where}`);
        calls++;
      }
      let many: DecodeResult[];
      try {
        checkResult(decodeRecord(input, 'auto', opts), `decodeRecord ${where}`);
        many = decodeRecords(input, 'auto', { ...opts, maxRecordBytes: 150_000 });
      } catch (e) {
        assert.fail(`decodeRecord(s) threw on ${where}: ${String(e)}`);
      }
      assert.ok(Array.isArray(many));
      for (const r of many) checkResult(r, `decodeRecords ${where}`);
      calls += 2;
      // Every 8th record also goes through each declared format.
      if (records % 8 === 0) {
        for (const declared of DECLARED) {
          try {
            for (const r of decodeRecords(input, declared, opts)) checkResult(r, `decodeRecords(${declared}) ${where}`);
          } catch (e) {
            assert.fail(`decodeRecords(${declared}) threw on ${where}: ${String(e)}`);
          }
          calls++;
        }
      }
    }
  }
  assert.ok(records >= 100_000, `only ${records} records derived`);
  console.log(`fuzz: ${all.length} samples, ${records} records, ${calls} decoder calls`);
});
