import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent } from './testdata/events.js';
import { eventColumns, packText, TextPacker, type EventColumns } from './event-columns.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

const text = (b: Uint8Array | null | undefined): string | null | undefined => (b === null || b === undefined ? b : Buffer.from(b).toString('utf8'));

test('packText moves doc and raw into one UTF-8 buffer; a row with a lone surrogate keeps its strings', () => {
  const rows: EventColumns[] = [
    eventColumns(makeEvent(1), 0),
    eventColumns(makeEvent(2, { message: 'réussie ✓ 😀' }), 1),
    eventColumns(makeEvent(3, { event: { kind: 'event', original: 'half a pair: \ud800' } }), 2),
    eventColumns(makeEvent(4, { event: { kind: 'event' } }), 3),
  ];
  const before = rows.map((r) => [r.doc, r.raw]);
  const buf = packText(rows);
  assert.equal(buf.byteLength, [0, 1, 3].reduce((n, i) => n + Buffer.byteLength(before[i]?.[0] ?? '') + Buffer.byteLength(before[i]?.[1] ?? ''), 0));
  for (const i of [0, 1, 3]) {
    const r = rows[i] as EventColumns;
    assert.equal(r.doc, '');
    assert.equal(r.raw, null);
    assert.equal(r.docUtf8?.buffer, buf);
    assert.equal(text(r.docUtf8), before[i]?.[0]);
    assert.equal(text(r.rawUtf8), before[i]?.[1]);
  }
  assert.equal(rows[3]?.rawUtf8, null, 'no original: raw stays null');
  assert.deepEqual([rows[2]?.doc, rows[2]?.raw, rows[2]?.docUtf8], [before[2]?.[0], 'half a pair: \ud800', undefined]);
});

test('packText takes no buffer when there is nothing to pack', () => {
  let taken = 0;
  const take = (n: number): ArrayBuffer => { taken++; return new ArrayBuffer(n); };
  assert.equal(packText([], take).byteLength, 0);
  const lone = [eventColumns(makeEvent(1, { event: { kind: 'event', original: '\udfff' } }), 0)];
  assert.equal(packText(lone, take).byteLength, 0);
  assert.equal(lone[0]?.raw, '\udfff');
  assert.equal(taken, 0);
  const rows = [eventColumns(makeEvent(2), 0)];
  const given = new ArrayBuffer(1 << 16);
  assert.equal(packText(rows, (n) => { taken++; assert.ok(n <= given.byteLength); return given; }), given);
  assert.equal(taken, 1);
  assert.equal(rows[0]?.docUtf8?.buffer, given);
});

test('TextPacker packs row by row into a buffer that grows, giving back the ones it outgrew', () => {
  const events = Array.from({ length: 40 }, (_, i) => makeEvent(i + 1, { message: i % 3 === 0 ? `réussie ✓ 😀 ${'x'.repeat(i * 50)}` : `line ${i}` }));
  const expected = events.map((e, i) => eventColumns(e, i));
  const taken: number[] = [];
  const given: ArrayBuffer[] = [];
  // Buffers of exactly the size asked for, starting small: the packer has to grow several times.
  const packer = new TextPacker((n) => { taken.push(n); return new ArrayBuffer(n); }, (b) => given.push(b), 64);
  const rows: EventColumns[] = [];
  for (let i = 0; i < events.length; i++) {
    const r = eventColumns(events[i] as never, i);
    packer.pack(r);
    assert.deepEqual([r.doc, r.raw], ['', null], 'the strings are dropped as soon as the row is packed');
    rows.push(r);
  }
  const total = expected.reduce((n, r) => n + Buffer.byteLength(r.doc) + Buffer.byteLength(r.raw ?? ''), 0);
  assert.equal(packer.bytes, total);
  const buf = packer.finish();
  assert.ok(taken.length > 3, `grew ${taken.length - 1} times`);
  assert.equal(given.length, taken.length - 1, 'every outgrown buffer is given back');
  assert.ok(!given.includes(buf));
  assert.equal(taken[0], Math.max(64, Buffer.byteLength(expected[0]?.doc ?? '')));
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as EventColumns;
    assert.equal(r.docUtf8?.buffer, buf);
    assert.equal(text(r.docUtf8), expected[i]?.doc, `row ${i} doc`);
    assert.equal(text(r.rawUtf8), expected[i]?.raw, `row ${i} raw`);
  }
});

test('TextPacker takes no buffer when nothing is packable, and leaves such rows as they were', () => {
  let taken = 0;
  const packer = new TextPacker((n) => { taken++; return new ArrayBuffer(n); });
  const lone = eventColumns(makeEvent(1, { event: { kind: 'event', original: 'x \udfff' } }), 0);
  packer.pack(lone);
  assert.equal(packer.finish().byteLength, 0);
  assert.equal(taken, 0);
  assert.equal(lone.raw, 'x \udfff');
  assert.equal(lone.docUtf8, undefined);
});

test('packed rows are stored as the same text as unpacked ones', async () => {
  const events = [makeEvent(1), makeEvent(2, { message: 'réussie ✓ 😀' }), makeEvent(3, { event: { kind: 'event', original: 'lone \udc00' } })];
  const plain = new SqliteStore({ path: ':memory:' });
  const packed = new SqliteStore({ path: ':memory:' });
  for (const s of [plain, packed]) await s.migrate();
  await plain.commitIngest({ rows: events.map((e, i) => eventColumns(e, i)), quarantine: [], activity: [] });
  const rows = events.map((e, i) => eventColumns(e, i));
  packText(rows);
  await packed.commitIngest({ rows, quarantine: [], activity: [] });
  const dump = (s: SqliteStore): unknown[] => (s as unknown as { db: { prepare(q: string): { all(): unknown[] } } }).db
    .prepare('SELECT seq, id, typeof(doc) AS dt, hex(doc) AS doc, typeof(raw) AS rt, hex(raw) AS raw FROM events ORDER BY seq').all();
  assert.deepEqual(dump(packed), dump(plain));
  assert.deepEqual((dump(packed) as Array<{ dt: string; rt: string }>).map((r) => [r.dt, r.rt]), [['text', 'text'], ['text', 'text'], ['text', 'text']]);
  const back = await packed.readEventLog(0, 10);
  assert.deepEqual(back, await plain.readEventLog(0, 10));
  assert.deepEqual(back.slice(0, 2).map((b) => b.event), events.slice(0, 2));
  await plain.close();
  await packed.close();
});

test('eventColumns stores the document without event.original and leaves the event as it was', () => {
  const e = makeEvent(5, { event: { kind: 'event', original: '<13>raw line', action: 'logon' } });
  const before = JSON.stringify(e);
  const c = eventColumns(e, 0);
  assert.equal(JSON.stringify(e), before, 'original is back, in its place');
  const { original: _o, ...rest } = e.event as Record<string, unknown>;
  assert.equal(c.doc, JSON.stringify({ ...e, event: rest }));
  assert.equal(c.raw, '<13>raw line');
  // A frozen event cannot have original hidden for a moment: it is copied instead, with the same text.
  const frozen = makeEvent(5, { event: Object.freeze({ kind: 'event', original: '<13>raw line', action: 'logon' }) });
  assert.deepEqual(eventColumns(frozen, 0), c);
});
