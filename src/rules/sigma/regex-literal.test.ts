import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRegex } from './regex.js';
import { regexLiteral } from './regex-literal.js';

describe('regexLiteral', () => {
  it('finds the longest mandatory run in SigmaHQ-style patterns', () => {
    assert.equal(regexLiteral(String.raw`(?i)\.exe[\"\']?\s+[^\"]{0,64}werfaultsecure\.exe[\"\']?\s+\d{2,10}`), 'werfaultsecure.exe');
    assert.equal(regexLiteral(String.raw`\$VerbosePreference\.ToString\(`), '$verbosepreference.tostring(');
    assert.equal(regexLiteral(String.raw`ipconfig\s+/all`), 'ipconfig');
    assert.equal(regexLiteral(String.raw`\$env:ComSpec\[(?:\s*\d{1,3}\s*,){2}`), '$env:comspec[');
  });

  it('drops characters a quantifier makes optional and ends runs at + and {n,m}', () => {
    assert.equal(regexLiteral('abcd?ef'), 'abc');
    assert.equal(regexLiteral('abc*defg'), 'defg');
    assert.equal(regexLiteral('ab+cde'), 'cde');
    assert.equal(regexLiteral('abc{0,3}d'), 'ab');
    assert.equal(regexLiteral('xyz{2}ab'), 'xyz');
    assert.equal(regexLiteral('ab{x'), 'ab{x', "a '{' that is no repeat is literal");
  });

  it('gives up (empty) on what it cannot prove: alternation, unbalanced syntax, no literal', () => {
    assert.equal(regexLiteral('foo|barbaz'), '');
    assert.equal(regexLiteral('(foo'), '');
    assert.equal(regexLiteral('[abc'), '');
    assert.equal(regexLiteral('*abc'), '');
    assert.equal(regexLiteral(String.raw`\w+\s*\d`), '');
    assert.equal(regexLiteral(String.raw`\w+\`(?:\w+|-|.)\`[\w+|\s]`), '`');
    assert.equal(regexLiteral('trailing\\'), '');
    assert.equal(regexLiteral('naïve'), 'na', 'non-ASCII ends the run');
  });

  it('never returns a literal a matching text lacks (random patterns and texts against RE2)', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    const pieces = ['a', 'b', 'C', '.', '\\.', '?', '*', '+', '{1,2}', '{0,1}', '[ab]', '(a|b)', '\\d', '\\s', '^', '$', '\\b', 'x'];
    const texts = ['', 'a', 'ab', 'abc', 'aab.b', 'c a.b 1', 'CCxab', 'ba.xx', 'a1 b2', 'xxab.C1'];
    let checked = 0;
    for (let k = 0; k < 3000; k++) {
      let src = '';
      const n = 1 + Math.floor(rnd() * 7);
      for (let j = 0; j < n; j++) src += pieces[Math.floor(rnd() * pieces.length)];
      let re;
      try {
        re = compileRegex(src, { i: true, m: false, s: false });
      } catch {
        continue;
      }
      const lit = regexLiteral(src);
      for (const t of texts) {
        if (re.test(t)) {
          assert.ok(t.toLowerCase().includes(lit), `/${src}/ matches ${JSON.stringify(t)} without ${JSON.stringify(lit)}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 500, `${checked} matches checked`);
  });
});
