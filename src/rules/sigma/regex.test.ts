import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RE2JS } from 're2js';
import { compileRegex, regexMemoChars } from './regex.js';

const NO_FLAGS = { i: false, m: false, s: false };

describe('compiled regex answers (memoized per pattern)', () => {
  it('answers as RE2 does for values seen again, past the per-pattern bound, and for long values', () => {
    const pattern = '\\s[a-f0-9]{8}\\s';
    const re = compileRegex(pattern, NO_FLAGS);
    const reference = RE2JS.compile(pattern);
    // 3,000 distinct values (the per-pattern memo starts over several times), each asked three times.
    const values = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? `cmd /c x ${(0x10000000 + i).toString(16)} y` : `cmd /c x ${i} y`));
    for (let round = 0; round < 3; round++) {
      for (const v of values) assert.equal(re.test(v), reference.test(v), v);
    }
    const long = `${'a'.repeat(5000)} deadbeef `;
    assert.equal(re.test(long), true);
    assert.equal(re.test(long.slice(0, 5000)), false);
  });

  it('keeps answering right when the memos together outgrow their character budget', () => {
    // 12 patterns x 600 values of ~1,000 characters: together past the 4M characters kept.
    const patterns = Array.from({ length: 12 }, (_, k) => `needle${k}-\\d`);
    const compiled = patterns.map((p) => compileRegex(p, NO_FLAGS));
    let peak = 0;
    for (let i = 0; i < 600; i++) {
      const v = `${'x'.repeat(980)}needle${i % 12}-${i % 10}/${i}`;
      compiled.forEach((re, k) => assert.equal(re.test(v), k === i % 12, `${patterns[k]} on value ${i}`));
      peak = Math.max(peak, regexMemoChars());
    }
    assert.ok(peak > 3_000_000 && peak <= 4_000_000, `memos peaked at ${peak} characters`);
    // A value seen before the memos started over is answered again from RE2.
    assert.equal(compiled[0]?.test(`${'x'.repeat(990)}needle0-0`), true);
    assert.equal(compiled[1]?.test(`${'x'.repeat(990)}needle0-0`), false);
  });
});
