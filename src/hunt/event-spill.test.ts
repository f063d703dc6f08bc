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
