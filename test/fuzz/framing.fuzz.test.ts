/**
 * Framing never throws on hostile streams, never yields a record over the limit, and accounts for its
 * input: records come in stream order, do not overlap, and lie inside the stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { decodeFramed, frameRecords, type FramedRecord, type FramingMode } from '../../src/ingest/framing.js';
import { fixtureText } from '../support/fixtures.js';
import { rng } from '../support/rng.js';


const SPICE = [...'{}[]",\\\n\r \t'].map((c) => c.charCodeAt(0)).concat([0xff, 0xc3, 0xef, 0xbb, 0xbf]);

function bases(): Buffer[] {
  return [
    Buffer.from(fixtureText('opentelemetry-proto', 'logs.json')),
    Buffer.from(fixtureText('elastic-beats', 'cef-checkpoint.log')),
    Buffer.from(fixtureText('elastic-integrations', 'windows-powershell_operational-event.ndjson').repeat(3)),
    Buffer.from(`[${fixtureText('elastic-integrations', 'windows-powershell_operational-event.ndjson').trim()},{"a":[1,2]},3]`),
    // NDJSON whose lines end in `}` without being one object, CRLF and trailing blanks.
    Buffer.from('{"a":1} {"b":2}\r\n{"c":"}"}  \n{"d":{"e":[1,{"f":"\\"}]}}\r\n{"g":\n1}\n{"h":"x\\"}\n{}\n'),
  ];
}

/** A mutated, possibly truncated copy of a base stream, cut into chunks, and a record limit. */
function mutated(rand: () => number, base: Buffer): { stream: Buffer; chunks: Buffer[]; chunkSize: number; limit: number } {
  const b = Buffer.from(base);
  for (let f = 0; f < 1 + Math.floor(rand() * 6); f++) b[Math.floor(rand() * b.length)] = SPICE[Math.floor(rand() * SPICE.length)] as number;
  const cut = Math.floor(rand() * b.length);
  const stream = rand() < 0.3 ? b.subarray(0, cut) : b;
  const chunkSize = 1 + Math.floor(rand() * 700);
  const chunks: Buffer[] = [];
  for (let i = 0; i < stream.length; i += chunkSize) chunks.push(stream.subarray(i, i + chunkSize));
  return { stream, chunks, chunkSize, limit: 64 + Math.floor(rand() * 4000) };
}

test('framing survives 3000 mutated streams in every mode and chunking', async () => {
  const rand = rng(42);
  const all = bases();
  const modes: FramingMode[] = ['lines', 'json-stream', 'auto'];
  for (let k = 0; k < 3000; k++) {
    const { stream, chunks, chunkSize, limit } = mutated(rand, all[k % all.length] as Buffer);
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

test('JSON framing that parses single-line records frames and decodes 3000 mutated streams exactly as the byte scan does', async () => {
  const rand = rng(7);
  const all = bases();
  let parsed = 0;
  for (let k = 0; k < 3000; k++) {
    const { chunks, chunkSize, limit } = mutated(rand, all[k % all.length] as Buffer);
    const mode: FramingMode = k % 2 === 0 ? 'json-stream' : 'auto';
    const scan: FramedRecord[] = [];
    for await (const r of frameRecords(Readable.from(chunks), { mode, maxRecordBytes: limit })) scan.push(r);
    const fast: FramedRecord[] = [];
    for await (const r of frameRecords(Readable.from(chunks), { mode, maxRecordBytes: limit, parseJson: true })) fast.push(r);
    const where = `stream ${k} (${mode}, chunks of ${chunkSize}, limit ${limit})`;
    assert.deepEqual(fast.map(({ json: _, ...r }) => r), scan, where);
    for (let i = 0; i < fast.length; i++) {
      const f = fast[i] as FramedRecord;
      if (f.json === undefined) continue;
      parsed++;
      assert.deepEqual(decodeFramed(f, 'auto', { maxRecordBytes: limit }), decodeFramed(scan[i] as FramedRecord, 'auto', { maxRecordBytes: limit }), `${where}, record ${i}`);
      assert.deepEqual(decodeFramed(f, 'json', { maxRecordBytes: limit }), decodeFramed(scan[i] as FramedRecord, 'json', { maxRecordBytes: limit }), `${where}, record ${i} as json`);
      assert.deepEqual(decodeFramed(f, 'evtx-json', { maxRecordBytes: limit }), decodeFramed(scan[i] as FramedRecord, 'evtx-json', { maxRecordBytes: limit }), `${where}, record ${i} as evtx-json`);
    }
  }
  // The fast path was taken, not only the fallback.
  assert.ok(parsed > 500, `only ${parsed} records were parsed while framing`);
});
