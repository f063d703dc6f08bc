import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argsOf, hashesOf, parseHashes, present, splitArgs } from './values.js';

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
