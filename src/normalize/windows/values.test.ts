import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argsOf, baseName, dirName, hashesOf, parseHashes, parseId, present, splitArgs, StringMemo } from './values.js';

test('present: "-", blanks and whitespace-only are no value; other values come back unchanged', () => {
  for (const v of [undefined, '', '-', ' ', ' - ', '\t-\n', '\u00a0', '\u3000-\u3000']) assert.equal(present(v), undefined, JSON.stringify(v));
  // Padded values are kept as they are (not trimmed): only the test for "no value" trims.
  for (const v of ['a', '--', '-x', ' a ', '\u00a0a', 'Microsoft® Windows®', 'C:\\Windows\\', '0']) assert.equal(present(v), v, JSON.stringify(v));
});

test('argsOf and hashesOf give what splitArgs and parseHashes give, every time, in fresh arrays', () => {
  const cmd = 'C:\\Windows\\system32\\svchost.exe -k "net svcs" -p';
  const a = argsOf(cmd);
  const b = argsOf(cmd);
  assert.deepEqual(a, ['C:\\Windows\\system32\\svchost.exe', '-k', 'net svcs', '-p']);
  assert.deepEqual(b, splitArgs(cmd));
  // Each event gets its own array: changing one leaves the next untouched.
  assert.notEqual(a, b);
  a.push('x');
  assert.deepEqual(argsOf(cmd), b);
  assert.deepEqual(argsOf('   '), []);
  const long = `x ${'y'.repeat(5000)}`;
  assert.deepEqual(argsOf(long), ['x', 'y'.repeat(5000)]);

  const h = 'SHA1=AB,MD5=CD,SHA256=EF,IMPHASH=01';
  assert.deepEqual(hashesOf(h), { sha1: 'ab', md5: 'cd', sha256: 'ef', imphash: '01' });
  assert.deepEqual(hashesOf(h), parseHashes(h));
  for (const none of [undefined, '', '-', 'no hashes here', 'FOO=1']) {
    assert.equal(hashesOf(none), undefined, String(none));
    assert.equal(hashesOf(none), undefined, `${String(none)} (remembered)`);
  }
});

test('baseName and dirName split at the last backslash or slash, whichever comes later', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['C:\\Windows\\System32\\svchost.exe', 'svchost.exe', 'C:\\Windows\\System32'],
    ['/usr/bin/bash', 'bash', '/usr/bin'],
    ['C:\\tools/bin\\x.exe', 'x.exe', 'C:\\tools/bin'],
    ['C:/tools\\bin/x.exe', 'x.exe', 'C:/tools\\bin'],
    ['svchost.exe', 'svchost.exe', undefined],
    ['\\x.exe', 'x.exe', undefined],
    ['C:\\Temp\\', '', 'C:\\Temp'],
    ['', '', undefined],
  ];
  for (const [path, base, dir] of cases) {
    assert.equal(baseName(path), base, path);
    assert.equal(dirName(path), dir, path);
  }
});

test('StringMemo: strings that share a fingerprint keep their own results; the bound clears it', () => {
  const seen: string[] = [];
  const memo = new StringMemo((s: string) => {
    seen.push(s);
    return s.toUpperCase();
  }, 4);
  // 100 characters: about every sixth one and the last eight are sampled. These differ only at
  // index 1, which is not, so they share a fingerprint, and a third differs at a sampled one.
  const a = `a${'x'.repeat(99)}`;
  const b = `ab${'x'.repeat(98)}`;
  const c = `a${'x'.repeat(5)}y${'x'.repeat(93)}`;
  for (const s of [a, b, c, a, b, c]) assert.equal(memo.get(s), s.toUpperCase());
  assert.deepEqual(seen, [a, b, c]);
  // A fresh string with the same text (as JSON.parse gives each event) is found too.
  assert.equal(memo.get(JSON.parse(JSON.stringify(b)) as string), b.toUpperCase());
  for (const s of ['short', 'Short', 'shorT']) assert.equal(memo.get(s), s.toUpperCase());
  assert.equal(seen.length, 6);
  // The fifth entry found it full (4): it was cleared, so a is computed again, once.
  assert.equal(memo.get(a), a.toUpperCase());
  assert.equal(memo.get(a), a.toUpperCase());
  assert.equal(seen.length, 7);
  // Keys longer than the bound are computed every time.
  const longMemo = new StringMemo((s: string) => s.length, 8, 10);
  assert.equal(longMemo.get('x'.repeat(11)), 11);
});

test('parseId: decimal and 0x ids, the digit-only fast path and the general path agree at their edges', () => {
  const cases: [string | undefined, number | undefined][] = [
    ['4556', 4556], ['0', 0], ['00012', 12], ['0x11cc', 0x11cc], ['0X1F', 31], ['0x00ff', 255],
    ['999999999999999', 999_999_999_999_999], ['9007199254740991', 9_007_199_254_740_991], ['9007199254740993', undefined],
    ['0xfffffffffffff', 0xf_ffff_ffff_ffff], ['0x1fffffffffffff', 0x1f_ffff_ffff_ffff], ['0x20000000000000', undefined],
    [' 12 ', 12], ['1e3', 1000], ['1.0', 1], ['+5', 5], ['-1', undefined], ['0x', undefined], ['0x-1', undefined], ['0xg1', undefined],
    ['-', undefined], ['', undefined], [undefined, undefined], ['12a', undefined],
  ];
  for (const [v, want] of cases) assert.equal(parseId(v), want, JSON.stringify(v));
});
