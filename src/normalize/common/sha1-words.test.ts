import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SHA1_MAX_WORDS, SHA1_WORDS, sha1Base64 } from './sha1-words.js';

test('sha1Base64 equals node:crypto SHA-1 for every message length it takes, on random words', () => {
  let x = 0x2545f491;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x | 0;
  };
  for (let round = 0; round < 3000; round++) {
    for (let n = 0; n <= SHA1_MAX_WORDS; n++) {
      const msg = Buffer.alloc(4 * n);
      for (let i = 0; i < n; i++) {
        // Extremes as well as random words: sign bits and carries are where 32-bit arithmetic slips.
        const v = round === 0 ? 0 : round === 1 ? -1 : round === 2 ? 0x80000000 | 0 : next();
        SHA1_WORDS[i] = v;
        msg.writeInt32BE(v, 4 * i);
      }
      assert.equal(sha1Base64(n, 0x31, 0x3a), `1:${createHash('sha1').update(msg).digest('base64')}`, `round ${round}, ${n} words`);
    }
  }
});

test('sha1Base64: a published digest, and lengths beyond one block are refused', () => {
  // SHA-1("abcd") = 81fe8bfe87576c3ecb22426f8e57847382917acf, with a different prefix.
  SHA1_WORDS[0] = 0x61626364;
  assert.equal(sha1Base64(1, 0x3e, 0x20), `> ${Buffer.from('81fe8bfe87576c3ecb22426f8e57847382917acf', 'hex').toString('base64')}`);
  assert.throws(() => sha1Base64(14, 0x31, 0x3a), /0 to 13 words, not 14/);
  assert.throws(() => sha1Base64(-1, 0x31, 0x3a), RangeError);
});
