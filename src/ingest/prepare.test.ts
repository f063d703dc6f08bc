import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventColumns, TextPacker, type EventColumns } from '../store/event-columns.js';
import { PipelineCache, type PipelineKey } from './pipeline-cache.js';
import { prepareBatch } from './prepare.js';
import { RecordPipeline, type RecordOutcome } from './record-pipeline.js';
import type { FramedRecord } from './framing.js';

const oktaLines = readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'okta', 'system.log'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '');
const at = new Date('2026-03-11T00:00:00Z');
const meta = { sourceId: 'http:test', format: 'json' as const, receivedAt: at };

test('withRows: each event is laid out as the store would, quarantine and counts as without', () => {
  const records = [...oktaLines, '{"truncated":', 'not json'];
  const laid = prepareBatch(new PipelineCache(), records, meta, true);
  const plain = prepareBatch(new PipelineCache(), records, meta, false);
  assert.equal(plain.events.length, oktaLines.length);
  assert.deepEqual(laid.events, []);
  assert.deepEqual(laid.rows, plain.events.map((e, i) => eventColumns(e, i)));
  assert.deepEqual(laid.quarantine.map((q) => q.reason), ['decode.json.syntax', 'decode.json.format_mismatch']);
  assert.deepEqual(laid.quarantine, plain.quarantine);
  assert.deepEqual(laid.activity, plain.activity);
  assert.deepEqual(laid.result, { records: oktaLines.length + 2, events: oktaLines.length, quarantined: 2 });
  assert.equal(laid.activity.type, 'okta');
});

test('withRows and a packer: each row is packed as it is laid out, into the batch text', () => {
  const records = [...oktaLines, 'not json'];
  const plain = prepareBatch(new PipelineCache(), records, meta, true);
  let packer: TextPacker | undefined;
  const packed = prepareBatch(new PipelineCache(), records, meta, true, () => (packer = new TextPacker()));
  assert.ok(packed.text !== undefined && packed.text.byteLength > 0);
  assert.equal(packer?.bytes, (plain.rows ?? []).reduce((n, r) => n + Buffer.byteLength(r.doc) + Buffer.byteLength(r.raw ?? ''), 0));
  const asText = (r: EventColumns): EventColumns => {
    const { docUtf8, rawUtf8, ...rest } = r;
    assert.equal(docUtf8?.buffer, packed.text);
    return { ...rest, doc: Buffer.from(docUtf8 as Uint8Array).toString('utf8'), raw: rawUtf8 ? Buffer.from(rawUtf8).toString('utf8') : null };
  };
  assert.deepEqual((packed.rows ?? []).map(asText), plain.rows);
  assert.deepEqual([packed.quarantine, packed.result], [plain.quarantine, plain.result]);
});

/** A pipeline whose events for records containing `spoil` lose weft.id: what the store refuses. */
class SpoilingPipeline extends RecordPipeline {
  calls = 0;
  override process(rec: FramedRecord | string | Uint8Array, receivedAt: Date): RecordOutcome[] {
    this.calls++;
    const out = super.process(rec, receivedAt);
    if (typeof rec === 'string' && rec.includes('spoil')) {
      for (const o of out) if (o.kind === 'event') delete (o.event.weft as { id?: string }).id;
    }
    return out;
  }
}

class OnePipeline extends PipelineCache {
  constructor(readonly pipeline: SpoilingPipeline) {
    super();
  }

  override get(_k: PipelineKey): RecordPipeline {
    return this.pipeline;
  }
}

test('withRows: an event the store would refuse gives the events back, in order, for the store to name it', () => {
  const spoiled = oktaLines[1]?.replace('"uuid":"', '"uuid":"spoil-') ?? '';
  assert.notEqual(spoiled, oktaLines[1]);
  const records = [oktaLines[0] as string, spoiled, oktaLines[2] as string];
  const pipeline = new SpoilingPipeline({ sourceId: 'http:test', format: 'json' });
  const batch = prepareBatch(new OnePipeline(pipeline), records, meta, true, () => new TextPacker());
  assert.equal(batch.rows, undefined);
  assert.equal(batch.text, undefined);
  assert.equal(batch.events.length, 3);
  assert.equal(batch.events[1]?.weft.id, undefined);
  assert.deepEqual(batch.result, { records: 3, events: 3, quarantined: 0 });
  // The first pass stopped at the spoiled record; the second ran the whole batch.
  assert.equal(pipeline.calls, 2 + 3);
  assert.throws(() => eventColumns(batch.events[1] as never, 1), /event 1: weft.id is missing/);
});
