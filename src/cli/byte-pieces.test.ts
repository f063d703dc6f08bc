import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BytePieces } from './byte-pieces.js';

test('texts and bytes come out in order as UTF-8, in pieces no larger than the piece size unless one item is', () => {
  const p = new BytePieces(64);
  const expected: Buffer[] = [];
  const text = (s: string): void => {
    p.text(s);
    expected.push(Buffer.from(s, 'utf8'));
  };
  const raw = (b: Buffer): void => {
    p.bytes(b.length, (target, at) => b.copy(target, at));
    expected.push(b);
  };
  text('{"a":1}\n');
  text('');
  raw(Buffer.from('jörg \u{1F600}', 'utf8'));
  for (let i = 0; i < 40; i++) text(`line ${i} ünï\n`);
  assert.ok(p.readyCount > 0, 'pieces completed along the way');
  const early = p.take();
  assert.equal(p.readyCount, 0);
  text('x'.repeat(100));
  raw(Buffer.alloc(200, 0x41));
  text('tail');
  const pieces = [...early, ...p.end()];
  assert.deepEqual(Buffer.concat(pieces), Buffer.concat(expected));
  for (const b of pieces) assert.ok(b.length <= 64 || b.length === 100 || b.length === 200, `piece of ${b.length}`);
  assert.deepEqual(p.end(), []);
});

test('a piece handed out is not written to again', () => {
  const p = new BytePieces(40);
  p.text('abcdefghij');
  p.text('klmnopqrst');
  p.text('0123456789');
  const [first] = p.take();
  assert.equal(first?.toString(), 'abcdefghijklmnopqrst');
  p.text('ABCDEFGHIJ');
  assert.equal(Buffer.concat(p.end()).toString(), '0123456789ABCDEFGHIJ');
  assert.equal(first?.toString(), 'abcdefghijklmnopqrst');
});
