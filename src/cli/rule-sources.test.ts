import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { ruleCacheDir } from './rule-sources.js';

test('rule parse cache directory: WEFT_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache; off turns it off', () => {
  assert.equal(ruleCacheDir({ WEFT_CACHE_DIR: 'cache-here', XDG_CACHE_HOME: '/xdg' }), resolve('cache-here'));
  assert.equal(ruleCacheDir({ WEFT_CACHE_DIR: 'off', XDG_CACHE_HOME: '/xdg' }), undefined);
  assert.equal(ruleCacheDir({ WEFT_CACHE_DIR: '' }), undefined);
  assert.equal(ruleCacheDir({ XDG_CACHE_HOME: '/xdg' }), '/xdg/weft');
  assert.equal(ruleCacheDir({ XDG_CACHE_HOME: '' }), join(homedir(), '.cache', 'weft'));
  assert.equal(ruleCacheDir({}), join(homedir(), '.cache', 'weft'));
});
