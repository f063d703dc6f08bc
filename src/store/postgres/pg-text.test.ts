import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasUnstorableJson, hasUnstorableText, storableJson, storableText } from './pg-text.js';

test('pg-text: NUL and lone surrogates are found and replaced; pairs and ordinary text are left alone', () => {
  assert.equal(hasUnstorableText('plain ascii, émigré, 😀'), false);
  assert.equal(hasUnstorableText('a\u0000b'), true);
  assert.equal(hasUnstorableText('high \ud83d alone'), true);
  assert.equal(hasUnstorableText('low \ude00 alone'), true);
  assert.equal(hasUnstorableText('reversed \ude00\ud83d pair'), true);
  assert.equal(storableText('a\u0000b\u0000'), 'a\ufffdb\ufffd');
  assert.equal(storableText('x\ud83dy😀\ude00'), 'x\ufffdy😀\ufffd');
  const same = 'nothing to do';
  assert.equal(storableText(same), same);
});

test('pg-text: JSON escapes JSONB refuses are rewritten, escaped backslashes are not', () => {
  const cases: [unknown, string][] = [
    ['a\u0000b', '"a\\ufffdb"'],
    ['\u0000\u0000', '"\\ufffd\\ufffd"'],
    ['lone \ud800 high', '"lone \\ufffd high"'],
    ['lone \udfff low', '"lone \\ufffd low"'],
    // A backslash then the text "u0000": an escaped backslash, not an escape.
    ['C:\\u0000', '"C:\\\\u0000"'],
    // Two backslashes then a real NUL: the escape after an even run of backslashes is rewritten.
    ['\\\\\u0000', '"\\\\\\\\\\ufffd"'],
    [{ k: ['\u0000'], 'n\u0000': 1 }, '{"k":["\\ufffd"],"n\\ufffd":1}'],
    ['😀 pair \u0001 control', '"😀 pair \\u0001 control"'],
  ];
  for (const [value, expected] of cases) {
    const json = JSON.stringify(value);
    assert.equal(storableJson(json), expected, `for ${json}`);
    assert.equal(hasUnstorableJson(json), json !== expected, `detection for ${json}`);
    // Still valid JSON after the rewrite.
    JSON.parse(storableJson(json));
  }
});
