import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSpill } from './event-spill.js';

test('texts come back by reference across flushes, multi-byte text included, and close removes the file', () => {
  const parent = mkdtempSync(join(tmpdir(), 'weft-spill-test-'));
  try {
    const spill = new EventSpill(parent);
    const texts = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, user: i % 7 === 0 ? 'jörg\u{1F600}' : `user${i}`, pad: 'x'.repeat(i % 900) }));
    const refs = texts.map((t) => spill.add(t));
    assert.ok(spill.bytes > 1 << 20, 'more than one flush happened');
    for (const k of [2999, 0, 1234, 7, 2998]) assert.equal(spill.read(refs[k]!), texts[k]);
    // Reads do not disturb later adds.
    const late = spill.add('{"late":"ünïcode"}');
    assert.equal(spill.read(late), '{"late":"ünïcode"}');
    assert.equal(spill.read(refs[1]!), texts[1]);
    // A text larger than the write buffer (a script block event), between two small ones.
    const big = JSON.stringify({ script: 'ä'.repeat(600_000) });
    const before = spill.add('{"a":1}');
    const bigRef = spill.add(big);
    const after = spill.add('{"b":"ß"}');
    assert.equal(bigRef.length, Buffer.byteLength(big));
    assert.equal(spill.read(bigRef), big);
    assert.equal(spill.read(before), '{"a":1}');
    assert.equal(spill.read(after), '{"b":"ß"}');
    assert.equal(spill.bytes, after.offset + after.length);
    assert.equal(readdirSync(parent).length, 1);
    spill.close();
    assert.deepEqual(readdirSync(parent), []);
    assert.throws(() => spill.read(refs[0]!), /event spill is closed/);
    assert.throws(() => spill.read(after), /event spill is closed/);
    spill.close();
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
  assert.equal(existsSync(parent), false);
});

test('readInto copies the bytes of a text, in order, out of order, pending or larger than the write buffer', () => {
  const parent = mkdtempSync(join(tmpdir(), 'weft-spill-test-'));
  try {
    const spill = new EventSpill(parent);
    const texts = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ i, user: i % 5 === 0 ? 'ßjörg\u{1F600}' : `user${i}`, pad: 'y'.repeat(i % 1100) }));
    const refs = texts.map((t) => spill.add(t));
    const big = JSON.stringify({ script: 'é'.repeat(700_000) });
    const bigRef = spill.add(big);
    const tail = spill.add('{"pending":"ü"}');
    assert.ok(spill.bytes > 3 << 20, 'several flushes happened');
    const copy = (ref: (typeof refs)[number]): string => {
      const target = Buffer.alloc(ref.length + 6, 0x2a);
      assert.equal(spill.readInto(ref, target, 3), ref.length);
      assert.equal(target.toString('latin1', 0, 3), '***');
      assert.equal(target.toString('latin1', ref.length + 3), '***');
      return target.toString('utf8', 3, ref.length + 3);
    };
    for (let k = 0; k < texts.length; k += 7) assert.equal(copy(refs[k]!), texts[k]);
    for (const k of [5999, 3, 4000, 2, 5998, 0]) assert.equal(copy(refs[k]!), texts[k]);
    assert.equal(copy(bigRef), big);
    assert.equal(copy(tail), '{"pending":"ü"}');
    // readInto and read agree after more texts are written.
    const late = spill.add('x'.repeat(2 << 20));
    assert.equal(copy(refs[1234]!), texts[1234]);
    assert.equal(spill.read(refs[4321]!), texts[4321]);
    assert.equal(copy(tail), '{"pending":"ü"}');
    assert.equal(copy(late), 'x'.repeat(2 << 20));
    spill.close();
    assert.throws(() => spill.readInto(refs[0]!, Buffer.alloc(refs[0]!.length), 0), /event spill is closed/);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});
