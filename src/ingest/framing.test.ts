import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { decodeFramed, frameRecordBatches, frameRecords, type FramedRecord, type FramingOptions } from './framing.js';
import { fixturePath } from '../../test/support/fixtures.js';
import { requireSharedData } from '../../test/support/shared-data.js';

async function frame(input: string | Buffer | Buffer[], opts: FramingOptions = {}): Promise<FramedRecord[]> {
  const chunks = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input) : input];
  const out: FramedRecord[] = [];
  for await (const r of frameRecords(Readable.from(chunks), opts)) out.push(r);
  return out;
}

/** Every way of cutting `buf` into two chunks must frame the same. */
async function frameAllSplits(buf: Buffer, opts: FramingOptions): Promise<void> {
  const whole = await frame(buf, opts);
  for (let cut = 1; cut < buf.length; cut++) {
    assert.deepEqual(await frame([buf.subarray(0, cut), buf.subarray(cut)], opts), whole, `cut at ${cut}`);
  }
}

test('lines: LF and CRLF, blank lines skipped, offsets and line numbers of each record', async () => {
  const recs = await frame('a=1\r\n\r\n  \nb=2\nc=3', { mode: 'lines' });
  assert.deepEqual(recs, [
    { text: 'a=1', offset: 0, line: 1, byteLength: 3 },
    { text: 'b=2', offset: 10, line: 4, byteLength: 3 },
    { text: 'c=3', offset: 14, line: 5, byteLength: 3 },
  ]);
  await frameAllSplits(Buffer.from('a=1\r\n\r\n  \nb=2\nc=3'), { mode: 'lines' });
});

test('lines: an over-long line is one oversized record and memory stays bounded', async () => {
  const long = 'x'.repeat(10_000);
  const chunks = [Buffer.from('first\n'), ...Array.from({ length: 10 }, () => Buffer.from(long)), Buffer.from('\nlast\n')];
  const recs = await frame(chunks, { mode: 'lines', maxRecordBytes: 100 });
  assert.equal(recs.length, 3);
  assert.deepEqual(recs[0], { text: 'first', offset: 0, line: 1, byteLength: 5 });
  assert.deepEqual(recs[1], { text: 'x'.repeat(100), offset: 6, line: 2, byteLength: 100_000, oversized: true });
  assert.deepEqual(recs[2], { text: 'last', offset: 100_007, line: 3, byteLength: 4 });
  const decoded = decodeFramed(recs[1]!);
  assert.equal(decoded[0]!.ok ? 'ok' : decoded[0]!.error.code, 'decode.record.oversized');
});

test('lines: invalid UTF-8 and a multi-byte character split across chunks', async () => {
  const euro = Buffer.from('€'); // 3 bytes
  const recs = await frame([Buffer.from([0x61, euro[0]!]), Buffer.from([euro[1]!, euro[2]!, 0xff, 0x0a])], { mode: 'lines' });
  assert.deepEqual(recs, [{ text: 'a€\ufffd', offset: 0, line: 1, byteLength: 5 }]);
});

test('json-stream: pretty-printed documents one after another (Sigma regression data)', async (t) => {
  const dir = requireSharedData('sigma', 'regression_data', 'rules', 'windows', 'process_creation', 'proc_creation_win_github_self_hosted_runner');
  if (!dir) { t.skip('shared data not present'); return; }
  const file = `${dir}/5bac7a56-da88-4c27-922e-c81e113b20cb.json`;
  const recs: FramedRecord[] = [];
  for await (const r of frameRecords(createReadStream(file, { highWaterMark: 97 }))) recs.push(r);
  const text = readFileSync(file, 'utf8');
  assert.equal(recs.length, 2);
  assert.deepEqual(recs.map((r) => [r.offset, r.line]), [[0, 1], [text.indexOf('\n{') + 1, 67]]);
  for (const r of recs) {
    const d = decodeFramed(r);
    assert.equal(d.length, 1);
    assert.equal(d[0]!.ok ? d[0]!.value.format : d[0]!.error.code, 'evtx-json');
  }
});

test('json-stream: NDJSON, a top-level array split into elements, and junk lines between documents', async () => {
  const input = '{"a":1}\n{"b":"}{"}\n[{"c":[1,2]}, {"d":{}} ,7]\nnot json\n{"e":"\\"}"}';
  const recs = await frame(input, { mode: 'json-stream' });
  assert.deepEqual(recs.map((r) => r.text), ['{"a":1}', '{"b":"}{"}', '{"c":[1,2]}', '{"d":{}}', '7', 'not json', '{"e":"\\"}"}']);
  assert.deepEqual(recs.map((r) => r.line), [1, 2, 3, 3, 3, 4, 5]);
  await frameAllSplits(Buffer.from(input), { mode: 'json-stream' });
});

test('json-stream: a broken string ends its record at the newline, later documents survive', async () => {
  const recs = await frame('{"a":"unterminated\n{"b":2}\n', { mode: 'json-stream' });
  assert.deepEqual(recs.map((r) => r.text), ['{"a":"unterminated', '{"b":2}']);
  const d = decodeFramed(recs[0]!);
  assert.equal(d[0]!.ok ? 'ok' : d[0]!.error.code, 'decode.json.syntax');
});

test('json-stream: an oversized document is cut, skipped to its end, and the next one is intact', async () => {
  const big = `{"a":"${'z'.repeat(5000)}","n":{"m":[1,2,3]}}`;
  const recs = await frame([Buffer.from(big.slice(0, 1000)), Buffer.from(big.slice(1000)), Buffer.from('\n{"ok":true}\n')], { mode: 'json-stream', maxRecordBytes: 64 });
  assert.equal(recs.length, 2);
  assert.equal(recs[0]!.oversized, true);
  assert.equal(recs[0]!.byteLength, big.length);
  assert.equal(recs[0]!.text.length, 64);
  assert.deepEqual(recs[1], { text: '{"ok":true}', offset: big.length + 1, line: 2, byteLength: 11 });
});

test('auto: the first non-blank byte decides, a BOM is skipped', async () => {
  assert.deepEqual((await frame('\ufeff\n  {"a":\n1}\n{"b":2}', { mode: 'auto' })).map((r) => r.text), ['{"a":\n1}', '{"b":2}']);
  assert.deepEqual((await frame([Buffer.from(''), Buffer.from('\n'), Buffer.from('CEF:0|a|b|c|d|e|f|x=1\nCEF:0|a|b|c|d|e|f|x=2\n')], {})).map((r) => [r.text, r.line]),
    [['CEF:0|a|b|c|d|e|f|x=1', 2], ['CEF:0|a|b|c|d|e|f|x=2', 3]]);
  assert.deepEqual(await frame('', {}), []);
  assert.deepEqual(await frame(' \n\n', {}), []);
});

test('lines mode over a real fixture file gives one record per line', async () => {
  const recs: FramedRecord[] = [];
  for await (const r of frameRecords(createReadStream(fixturePath('elastic-beats', 'cef-checkpoint.log'), { highWaterMark: 50 }))) recs.push(r);
  const lines = readFileSync(fixturePath('elastic-beats', 'cef-checkpoint.log'), 'utf8').split('\n').filter(Boolean);
  assert.deepEqual(recs.map((r) => r.text), lines);
});

test('frameRecordBatches yields the same records, one batch per chunk', async () => {
  const input = [Buffer.from('a=1\nb=2\nc'), Buffer.from('=3\n'), Buffer.from('d=4')];
  const batches: FramedRecord[][] = [];
  for await (const b of frameRecordBatches(Readable.from(input), { mode: 'lines' })) batches.push(b);
  assert.deepEqual(batches.map((b) => b.map((r) => r.text)), [['a=1', 'b=2'], ['c=3'], ['d=4']]);
  assert.deepEqual(batches.flat(), await frame(input, { mode: 'lines' }));
});

test('json-stream: a stray closer inside a top-level array is its own record (found by the framing fuzz test)', async () => {
  assert.deepEqual((await frame('[1,}, {"a":2}]\n{"b":3}', { mode: 'json-stream' })).map((r) => r.text), ['1', '}', '{"a":2}', '{"b":3}']);
});

test('json-stream with parseJson: a line that is one object comes parsed; anything else is framed by the byte scan as before', async () => {
  const input = '{"a":1}\n{"b":"}{"}  \r\n[{"c":[1,2]}, {"d":{}} ,7]\nnot json\n{"e":"\\"}"}\n{"f":1} {"g":2}\n{"h":\n2}\n{"i":3}';
  const plain = await frame(input, { mode: 'json-stream' });
  const parsed = await frame(input, { mode: 'json-stream', parseJson: true });
  assert.deepEqual(parsed.map(({ json: _, ...r }) => r), plain);
  assert.deepEqual(parsed.map((r) => [r.text, r.json]), [
    ['{"a":1}', { a: 1 }],
    ['{"b":"}{"}', { b: '}{' }],
    ['{"c":[1,2]}', undefined],
    ['{"d":{}}', undefined],
    ['7', undefined],
    ['not json', undefined],
    ['{"e":"\\"}"}', { e: '"}' }],
    ['{"f":1}', undefined],
    // The rest of that line is one object.
    ['{"g":2}', { g: 2 }],
    ['{"h":\n2}', undefined],
    // The last line has no newline: it may continue in a later chunk, so the byte scan frames it.
    ['{"i":3}', undefined],
  ]);
  // Wherever the chunks are cut, the records are the same (a line cut in two is left to the byte scan).
  for (let cut = 1; cut < input.length; cut++) {
    const two = await frame([Buffer.from(input.slice(0, cut)), Buffer.from(input.slice(cut))], { mode: 'json-stream', parseJson: true });
    assert.deepEqual(two.map(({ json: _, ...r }) => r), plain, `cut at ${cut}`);
  }
  // Decoding uses the parsed value: the same results as parsing the text.
  for (let i = 0; i < parsed.length; i++) assert.deepEqual(decodeFramed(parsed[i]!), decodeFramed(plain[i]!));
});
