/**
 * Framing never throws on hostile streams, never yields a record over the limit, and accounts for its
 * input: records come in stream order, do not overlap, and lie inside the stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { frameRecords, type FramingMode } from '../../src/ingest/framing.js';
import { fixtureText } from '../support/fixtures.js';
import { rng } from '../support/rng.js';


const SPICE = [...'{}[]",\\\n\r \t'].map((c) => c.charCodeAt(0)).concat([0xff, 0xc3, 0xef, 0xbb, 0xbf]);

test('framing survives 3000 mutated streams in every mode and chunking', async () => {
  const rand = rng(42);
  const bases = [
    Buffer.from(fixtureText('opentelemetry-proto', 'logs.json')),
    Buffer.from(fixtureText('elastic-beats', 'cef-checkpoint.log')),
    Buffer.from(fixtureText('elastic-integrations', 'windows-powershell_operational-event.ndjson').repeat(3)),
    Buffer.from(`[${fixtureText('elastic-integrations', 'windows-powershell_operational-event.ndjson').trim()},{"a":[1,2]},3]`),
  ];
  const modes: FramingMode[] = ['lines', 'json-stream', 'auto'];
  for (let k = 0; k < 3000; k++) {
    const base = bases[k % bases.length] as Buffer;
    const b = Buffer.from(base);
    for (let f = 0; f < 1 + Math.floor(rand() * 6); f++) b[Math.floor(rand() * b.length)] = SPICE[Math.floor(rand() * SPICE.length)] as number;
    const cut = Math.floor(rand() * b.length);
    const stream = rand() < 0.3 ? b.subarray(0, cut) : b;
    const chunkSize = 1 + Math.floor(rand() * 700);
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i += chunkSize) chunks.push(stream.subarray(i, i + chunkSize));
    const limit = 64 + Math.floor(rand() * 4000);
    let end = 0;
    try {
      for await (const r of frameRecords(Readable.from(chunks), { mode: modes[k % modes.length] as FramingMode, maxRecordBytes: limit })) {
        assert.ok(r.offset >= end, `record at ${r.offset} overlaps the previous one ending at ${end}`);
        assert.ok(r.offset + r.byteLength <= stream.length, 'record runs past the stream');
        assert.ok(Buffer.byteLength(r.text) <= limit * 3 + 3, 'text kept beyond the limit');
        assert.equal(r.oversized === true, r.byteLength > limit);
        end = r.offset + r.byteLength;
      }
    } catch (e) {
      assert.fail(`stream ${k} (mode ${modes[k % modes.length]}, chunks of ${chunkSize}) threw: ${String(e)}`);
    }
  }
});
