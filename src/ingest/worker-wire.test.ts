import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventColumns, TextPacker, type EventColumns } from '../store/event-columns.js';
import { makeEvent } from '../store/testdata/events.js';
import { frameRecordBatches, type FramedRecord } from './framing.js';
import { PipelineCache } from './pipeline-cache.js';
import { prepareBatch } from './prepare.js';
import { framedFromColumns, framedToColumns, rowsFromColumns, rowsToColumns } from './worker-wire.js';

const oktaLines = readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'okta', 'system.log'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '');

async function framed(body: string, maxRecordBytes = 1 << 20): Promise<FramedRecord[]> {
  const out: FramedRecord[] = [];
  const one = (async function* () { yield Buffer.from(body); })();
  for await (const batch of frameRecordBatches(one, { mode: 'lines', maxRecordBytes })) out.push(...batch);
  return out;
}

/** What postMessage would deliver: a structured clone, the numbers' buffer moved. */
function overTheWire<T>(v: T, transfer: ArrayBuffer[]): T {
  return structuredClone(v, { transfer });
}

test('framed records cross as columns and come back equal', async () => {
  const records = await framed(`${oktaLines.slice(0, 3).join('\n')}\n\nréussie ✓ 😀\n`);
  assert.equal(records.length, 4);
  const c = framedToColumns(records);
  assert.ok(c !== undefined);
  assert.deepEqual(framedFromColumns(overTheWire(c, [c.nums.buffer as ArrayBuffer])), records);
  assert.deepEqual(framedFromColumns(framedToColumns([]) ?? { texts: ['x'], nums: new Float64Array(0) }), []);
});

test('records that are not plain framed records go as they are', async () => {
  assert.equal(framedToColumns(['a line']), undefined);
  assert.equal(framedToColumns([new Uint8Array([1, 2])]), undefined);
  const cut = await framed(`${'x'.repeat(100)}\nshort\n`, 10);
  assert.equal(cut[0]?.oversized, true);
  assert.equal(framedToColumns(cut), undefined);
  const broken: FramedRecord = { text: '', offset: 0, line: 1, byteLength: 3, framingError: { code: 'decode.frame.bad_length', message: 'octet-counted frame at byte 0 does not start with a length and a space: "abc"' } };
  assert.equal(framedToColumns([broken]), undefined);
});

test('malformed framed columns are refused, naming the mismatch', () => {
  assert.throws(() => framedFromColumns({ texts: ['a', 'b'], nums: new Float64Array(3) }), /framed columns: 2 texts but 3 numbers/);
});

test('store rows cross as columns, packed text as offsets into the moved buffer', () => {
  const meta = { sourceId: 'http:test', format: 'json' as const, receivedAt: new Date('2026-03-11T00:00:00Z') };
  const batch = prepareBatch(new PipelineCache(), oktaLines, meta, true, () => new TextPacker());
  const rows = batch.rows ?? [];
  assert.equal(rows.length, oktaLines.length);
  // One row that stays unpacked (a lone surrogate), one without raw text.
  const lone = eventColumns(makeEvent(1, { event: { kind: 'event', original: 'half \udc00' } }), 0);
  const noRaw = eventColumns(makeEvent(2, { event: { kind: 'event' } }), 0);
  const all: EventColumns[] = [...rows, lone, noRaw];
  const c = rowsToColumns(all, batch.text);
  const text = batch.text as ArrayBuffer;
  const sent = overTheWire({ c, text }, [text, c.nums.buffer as ArrayBuffer]);
  const back = rowsFromColumns(sent.c, sent.text);
  const plain = (r: EventColumns): EventColumns => {
    const { docUtf8, rawUtf8, ...rest } = r;
    return docUtf8 === undefined ? rest : { ...rest, doc: Buffer.from(docUtf8).toString('utf8'), raw: rawUtf8 ? Buffer.from(rawUtf8).toString('utf8') : null };
  };
  const expected = prepareBatch(new PipelineCache(), oktaLines, meta, true).rows ?? [];
  assert.deepEqual(back.map(plain), [...expected, lone, noRaw]);
  assert.equal(back[0]?.docUtf8?.buffer, sent.text);
  assert.equal(back[rows.length]?.docUtf8, undefined, 'the unpacked row keeps its strings');
  assert.equal(back[rows.length]?.raw, 'half \udc00');
});

test('row columns that do not fit their buffer are refused', () => {
  const row = eventColumns(makeEvent(1), 0);
  const packer = new TextPacker();
  packer.pack(row);
  const text = packer.finish();
  assert.throws(() => rowsToColumns([row], new ArrayBuffer(8)), /row 0: packed text is not in the batch's buffer/);
  const c = rowsToColumns([row], text);
  assert.throws(() => rowsFromColumns(c, undefined), /row 0: packed text without the batch's buffer/);
  assert.throws(() => rowsFromColumns({ ...c, nums: new Float64Array(5) }, text), /row columns: 1 ids but 5 numbers/);
  // An offset past the end of the buffer is a RangeError from the view, not a read of other memory.
  const bad = new Float64Array(c.nums);
  bad[2] = text.byteLength + 1;
  assert.throws(() => rowsFromColumns({ ...c, nums: bad }, text), RangeError);
});
