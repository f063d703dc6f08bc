import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGlob, parseSigmaString, type StringPart } from './wildcard.js';

/** Reference semantics: the glob as an anchored regex (only used here, on short strings). */
function reference(parts: StringPart[], s: string): boolean {
  const src = parts
    .map((p) => (p.t === 'lit' ? p.s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : p.t === 'any' ? '[\\s\\S]*' : '[\\s\\S]'))
    .join('');
  return new RegExp(`^${src}$`).test(s);
}

describe('parseSigmaString', () => {
  it('follows the spec escape table', () => {
    assert.deepEqual(parseSigmaString('a\\*b'), [{ t: 'lit', s: 'a*b' }]);
    assert.deepEqual(parseSigmaString('a\\?b'), [{ t: 'lit', s: 'a?b' }]);
    assert.deepEqual(parseSigmaString('C:\\Windows\\'), [{ t: 'lit', s: 'C:\\Windows\\' }]);
    assert.deepEqual(parseSigmaString('\\\\*'), [{ t: 'lit', s: '\\' }, { t: 'any' }]);
    assert.deepEqual(parseSigmaString('\\\\\\*'), [{ t: 'lit', s: '\\*' }]);
    assert.deepEqual(parseSigmaString('\\\\\\\\'), [{ t: 'lit', s: '\\\\' }]);
    assert.deepEqual(parseSigmaString('a**b?'), [{ t: 'lit', s: 'a' }, { t: 'any' }, { t: 'lit', s: 'b' }, { t: 'one' }]);
  });
});

describe('compileGlob', () => {
  it('agrees with a regex reference on every pattern/input pair of a small alphabet', () => {
    const patterns = ['', '*', '?', 'a', '*a', 'a*', '*a*', 'a*b', '*a*b*', 'a?b', '?*?', '*ab*ba*', 'a*a*a', '*?a', 'ab?*c', '**'];
    const inputs: string[] = [''];
    for (let len = 1; len <= 5; len++) {
      const prev = inputs.filter((s) => s.length === len - 1);
      for (const p of prev) for (const c of 'abc') inputs.push(p + c);
    }
    let checked = 0;
    for (const pat of patterns) {
      const parts = parseSigmaString(pat);
      const g = compileGlob(parts, false);
      for (const s of inputs) {
        assert.equal(g(s), reference(parts, s), `pattern '${pat}' on '${s}'`);
        checked++;
      }
    }
    assert.equal(checked, patterns.length * inputs.length);
  });
  it('folds the needle when asked (the haystack is lowercased by the caller)', () => {
    assert.equal(compileGlob(parseSigmaString('*\\CMD.EXE'), true)('c:\\windows\\cmd.exe'), true);
    assert.equal(compileGlob(parseSigmaString('*\\CMD.EXE'), false)('c:\\windows\\cmd.exe'), false);
  });
});
