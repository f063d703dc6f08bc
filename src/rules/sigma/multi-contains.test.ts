import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileContainsAny } from './multi-contains.js';

describe('compileContainsAny', () => {
  it('agrees with naive includes on overlapping needles, short and long, over a small alphabet', () => {
    const needleSets = [
      ['he', 'she', 'his', 'hers'],
      ['a', 'ab', 'bab', 'bc', 'bca', 'c', 'caa'],
      ['aaa', 'aab'],
      ['abcab', 'bcb', 'cabc'],
      ['abca', 'bcab', 'cabca', 'aaaa', 'abcabcab', 'bbbbb'],
      ['aaaaaaaaa', 'abababab', 'cccc'],
    ];
    const texts: string[] = [''];
    for (let len = 1; len <= 6; len++) for (const p of texts.filter((t) => t.length === len - 1)) for (const c of 'abc') texts.push(p + c);
    texts.push('ushers', 'this', 'xhex', 'aaaaaaaaaa', 'xabababababx', 'abcabcabc');
    for (let len = 7; len <= 9; len++) for (let k = 0; k < 300; k++) texts.push(Array.from({ length: len }, (_, i) => 'abc'[(k * 7 + i * i + (k >> i)) % 3]).join(''));
    let checked = 0;
    for (const needles of needleSets) {
      const f = compileContainsAny(needles);
      for (const t of texts) {
        assert.equal(f(t), needles.some((n) => t.includes(n)), `${JSON.stringify(needles)} in '${t}'`);
        checked++;
      }
    }
    assert.equal(checked, needleSets.length * texts.length);
  });
  it('handles non-ASCII needles and the empty needle', () => {
    assert.equal(compileContainsAny(['😀', 'é'])('caf\u00e9'), true);
    assert.equal(compileContainsAny(['😀', 'é'])('cafe'), false);
    assert.equal(compileContainsAny(['x', ''])('anything'), true);
  });
});
