import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { RE2JS } from 're2js';
import { splitJsonDocuments } from '../../../test/support/evtx.js';
import { rng } from '../../../test/support/rng.js';
import { requireSharedData } from '../../../test/support/shared-data.js';
import { regexMinLength } from './regex-length.js';
import { compileRegex } from './regex.js';

describe('regexMinLength (fewest code points of any match)', () => {
  it('counts literals, classes and escapes, repetitions by their minimum, alternatives by the shortest branch', () => {
    const cases: Array<[string, number]> = [
      ['.{1000,}', 1000],
      ['\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}', 82],
      ['(?i)\\$\\{`?e`?n`?v`?:`?p`?a`?t`?h`?\\}', 11],
      ['\\\\[a-zA-Z0-9]{1,32}\\.[a-zA-Z0-9]{1,6}\\.[ "\']{1}', 6],
      ['https?://(?:0[0-9]{1,11}\\.){3}0[0-9]{1,11}', 18],
      ['a|bc', 1],
      ['(?:a|)b', 1],
      ['a*b+c?d{2}e{3,}f{0,4}', 6],
      ['x{2}?y+?', 3],
      ['^\\bfoo\\b$', 3],
      ['\\Qa.b*\\E+', 4],
      ['\\Qopen', 4],
      ['(?P<n>ab)(?<m>c)(?i:d)', 4],
      ['[]a][^]b][[:alpha:]x]', 3],
      ['\\p{L}\\pN\\x41\\x{1F600}\\d\\W\\t', 7],
      ['😀é', 2],
      ['a{,3}', 5],
      ['a{x}', 4],
      ['', 0],
    ];
    for (const [re, n] of cases) assert.equal(regexMinLength(re), n, re);
  });

  it('gives no bound (0) for what it does not read', () => {
    for (const re of ['(a)\\1', 'a\\C', '(ab', 'ab)', '[ab', '*a', 'a**', '(?#x)', '\\']) assert.equal(regexMinLength(re), 0, re);
  });

  it('never exceeds the length of a text RE2 finds a match in (random patterns and texts)', () => {
    const rnd = rng(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const atom = (depth: number): string => {
      const r = rnd();
      if (depth < 2 && r < 0.2) return `(?:${alt(depth + 1)})`;
      if (depth < 2 && r < 0.3) return `(${alt(depth + 1)})`;
      return pick(['a', 'b', '.', '[ab]', '[^a]', '\\w', '\\Qab\\E', '^', '$', '\\b', 'é', '😀']);
    };
    const quant = (): string => pick(['', '', '', '*', '+', '?', '{2}', '{1,3}', '{0,2}', '{2,}', '+?', '{,2}']);
    const concat = (depth: number): string => Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => atom(depth) + quant()).join('');
    const alt = (depth: number): string => (rnd() < 0.25 ? `${concat(depth)}|${concat(depth)}` : concat(depth));
    const alphabet = ['a', 'b', 'c', ' ', 'é', '😀', '{', ',', '2', '}'];
    let matched = 0;
    for (let k = 0; k < 1500; k++) {
      const pattern = alt(0);
      let re: RE2JS;
      try {
        re = RE2JS.compile(pattern);
      } catch {
        continue;
      }
      const min = regexMinLength(pattern);
      for (let t = 0; t < 20; t++) {
        const text = Array.from({ length: Math.floor(rnd() * 10) }, () => pick(alphabet)).join('');
        if (!re.test(text)) continue;
        matched++;
        assert.ok(text.length >= min, `${pattern} matched ${JSON.stringify(text)} (length ${text.length}) below its bound ${min}`);
      }
    }
    assert.ok(matched > 5000, `${matched} matches checked`);
  });

  it('answers as RE2 does through compileRegex, below and above the bound', () => {
    const re = compileRegex('.{1000,}', { i: false, m: false, s: false });
    assert.equal(re.test('x'.repeat(999)), false);
    assert.equal(re.test('x'.repeat(1000)), true);
    assert.equal(re.test(`${'x'.repeat(500)}\n${'x'.repeat(600)}`), false, '. does not cross a line break');
  });

  it('bounds most SigmaHQ regexes, soundly on every regression event value they match', () => {
    const root = requireSharedData('sigma');
    if (root === undefined) return;
    const ruleFiles = execFileSync('grep', ['-rlE', '\\|re(\\|[a-z]+)*:', `${root}/rules`, `${root}/rules-emerging-threats`, `${root}/rules-threat-hunting`]).toString().trim().split('\n');
    const patterns = new Set<string>();
    for (const f of ruleFiles) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\|re(?:\|[a-z]+)*:\s*'((?:[^']|'')*)'/g)) patterns.add((m[1] as string).replaceAll("''", "'"));
    }
    // Every string value of the regression events (real Windows records).
    const values = new Set<string>();
    const collect = (v: unknown): void => {
      if (typeof v === 'string') values.add(v);
      else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) collect(x);
    };
    const eventFiles = execFileSync('find', [`${root}/regression_data`, '-name', '*.json']).toString().trim().split('\n');
    for (const f of eventFiles) {
      for (const d of splitJsonDocuments(readFileSync(f, 'utf8'))) collect(d);
    }
    let bounded = 0;
    let matched = 0;
    for (const p of patterns) {
      const min = regexMinLength(p);
      if (min === 0) continue;
      bounded++;
      let re: RE2JS;
      try {
        re = RE2JS.compile(p);
      } catch {
        continue;
      }
      for (const v of values) {
        if (!re.test(v)) continue;
        matched++;
        assert.ok(v.length >= min, `${p} matched ${JSON.stringify(v)} below its bound ${min}`);
      }
    }
    console.log(`SigmaHQ regexes: ${bounded} of ${patterns.size} bounded; ${matched} regression values matched`);
    assert.ok(bounded > 100, `${bounded} bounded patterns of ${patterns.size}`);
    assert.ok(matched > 20, `${matched} regression values matched`);
  });
});
