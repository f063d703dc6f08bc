import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { loadRules, ruleFiles } from './load.js';
import { RuleParseCache } from './parse-cache.js';
import { parseRuleText } from './parse.js';
import type { LoadResult } from './types.js';

/** Weft's own rule pack (real rules, correlations and rejections-free), copied so the test can edit it. */
const PACK = join(import.meta.dirname, '..', '..', '..', 'rules');

function cacheFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.v8'));
  } catch {
    return [];
  }
}

describe('rule parse cache', () => {
  const root = mkdtempSync(join(tmpdir(), 'weft-parse-cache-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('gives the same documents as parsing, from the second load on, and re-parses only what changed', () => {
    const rules = join(root, 'a', 'rules');
    const cacheDir = join(root, 'a', 'cache');
    cpSync(PACK, rules, { recursive: true });
    const fresh = loadRules([rules]);
    assert.ok(fresh.rules.length > 20 && fresh.correlations.length > 0, 'the pack has rules and correlations');

    assert.deepEqual(loadRules([rules], { cacheDir }), fresh);
    assert.equal(cacheFiles(cacheDir).length, 1);
    const cache = RuleParseCache.open(cacheDir, [rules]);
    const first = fresh.rules[0] as LoadResult['rules'][number];
    let parsed = 0;
    const parse = (text: string, file: string): LoadResult => {
      parsed++;
      return parseRuleText(text, file);
    };
    const cached = cache.parse(first.file, readFileSync(first.file, 'utf8'), parse);
    assert.equal(parsed, 0, 'a file read before is in the cache');
    assert.deepEqual(cached, parseRuleText(readFileSync(first.file, 'utf8'), first.file));
    cache.parse(first.file, `${readFileSync(first.file, 'utf8')}\n# edited\n`, parse);
    assert.equal(parsed, 1, 'other text is a miss');
    assert.deepEqual(cache.counts, { hits: 1, misses: 1 });

    assert.deepEqual(loadRules([rules], { cacheDir }), fresh, 'second load, from the cache');

    // Edit one rule: its new text is parsed, the others come from the cache.
    const text = readFileSync(first.file, 'utf8');
    writeFileSync(first.file, text.replace(/^title: .*$/m, 'title: Edited title'));
    const edited = loadRules([rules], { cacheDir });
    assert.deepEqual(edited, loadRules([rules]));
    assert.equal(edited.rules.find((r) => r.file === first.file)?.title, 'Edited title');

    // A removed rule file leaves the cache when it is next written.
    unlinkSync(first.file);
    const before = (deserialize(readFileSync(join(cacheDir, cacheFiles(cacheDir)[0] as string))) as Map<string, unknown>).size;
    assert.deepEqual(loadRules([rules], { cacheDir }), loadRules([rules]));
    const entries = deserialize(readFileSync(join(cacheDir, cacheFiles(cacheDir)[0] as string))) as Map<string, unknown>;
    assert.equal(entries.size, before - 1);
  });

  it('keeps the parses of files written to a new folder each run under their own names (cacheAs), handed out with the real path', () => {
    const cacheDir = join(root, 'as', 'cache');
    const one = join(root, 'as', 'one');
    const two = join(root, 'as', 'two');
    cpSync(PACK, one, { recursive: true });
    cpSync(PACK, two, { recursive: true });
    const cacheAs = (dir: string): { root: string; name: (f: string) => string } => ({ root: 'versions', name: (f) => relative(dir, f) });
    assert.deepEqual(loadRules([one], { cacheDir, cacheAs: cacheAs(one) }), loadRules([one]));
    assert.deepEqual(loadRules([two], { cacheDir, cacheAs: cacheAs(two) }), loadRules([two]), 'the second folder, from the first one\'s parses');
    assert.equal(cacheFiles(cacheDir).length, 1);
    // Every file of the second folder is in the cache under its name.
    const cache = RuleParseCache.open(cacheDir, ['versions']);
    let parsed = 0;
    for (const f of ruleFiles([two]).files) {
      cache.parse(relative(two, f), readFileSync(f, 'utf8'), (text, name) => {
        parsed++;
        return parseRuleText(text, name);
      });
    }
    assert.equal(parsed, 0);
    assert.ok(cache.counts.hits > 20);
  });

  it('treats a corrupt, foreign or tampered cache as a miss, and never fails a load over it', () => {
    const rules = join(root, 'b', 'rules');
    const cacheDir = join(root, 'b', 'cache');
    cpSync(PACK, rules, { recursive: true });
    const fresh = loadRules([rules]);
    loadRules([rules], { cacheDir });
    const file = join(cacheDir, cacheFiles(cacheDir)[0] as string);

    // An entry whose documents name another file (a result moved under another key) is not used.
    const entries = deserialize(readFileSync(file)) as Map<string, LoadResult>;
    for (const v of entries.values()) for (const r of v.rules) r.title = 'Tampered';
    for (const v of entries.values()) for (const r of v.rules) r.file = `${r.file}.other`;
    writeFileSync(file, serialize(entries));
    assert.deepEqual(loadRules([rules], { cacheDir }), fresh);

    // Truncated bytes, then something that is not a map.
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    assert.deepEqual(loadRules([rules], { cacheDir }), fresh);
    writeFileSync(file, serialize(['not', 'a', 'map']));
    assert.deepEqual(loadRules([rules], { cacheDir }), fresh);
    assert.deepEqual(loadRules([rules], { cacheDir }), fresh, 'rewritten after the bad one');
  });

  it('never reads a cache file others may write or another user owns', () => {
    const rules = join(root, 'e', 'rules');
    const cacheDir = join(root, 'e', 'cache');
    cpSync(join(PACK, 'okta'), rules, { recursive: true });
    const fresh = loadRules([rules]);
    loadRules([rules], { cacheDir });
    const file = join(cacheDir, cacheFiles(cacheDir)[0] as string);
    // A planted result: every rule retitled. Read, it would change what is detected.
    const entries = deserialize(readFileSync(file)) as Map<string, LoadResult>;
    for (const v of entries.values()) for (const r of v.rules) r.title = 'Planted';
    writeFileSync(file, serialize(entries));
    chmodSync(file, 0o666);
    assert.deepEqual(loadRules([rules], { cacheDir: join(root, 'e', 'cache') }), fresh, 'world-writable: not read');
    writeFileSync(file, serialize(entries));
    chmodSync(file, 0o620);
    assert.deepEqual(loadRules([rules], { cacheDir }), fresh, 'group-writable: not read');
    if (process.getuid?.() === 0) {
      writeFileSync(file, serialize(entries));
      chmodSync(file, 0o600);
      chownSync(file, 65534, 65534);
      assert.deepEqual(loadRules([rules], { cacheDir }), fresh, "another user's: not read");
    }
    // A FIFO under the cache's name is not a cache file, and opening it does not wait for a writer.
    // In a child process with a time limit: a blocking open could not be interrupted here.
    rmSync(file);
    execFileSync('mkfifo', ['-m', '600', file]);
    const loader = `import { loadRules } from ${JSON.stringify(join(import.meta.dirname, 'load.ts'))};
      process.stdout.write(String(loadRules([${JSON.stringify(rules)}], { cacheDir: ${JSON.stringify(cacheDir)} }).rules.length));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', loader], { timeout: 30_000, encoding: 'utf8' });
    assert.equal(out, String(fresh.rules.length), 'a FIFO: not read, and no hang');
    rmSync(file, { force: true });
    // The planted file is what a cache of one's own would hold: read once it is.
    writeFileSync(file, serialize(entries));
    chmodSync(file, 0o600);
    if (process.getuid?.() === 0) chownSync(file, 0, 0);
    assert.ok(loadRules([rules], { cacheDir }).rules.every((r) => r.title === 'Planted'));
  });

  it('loads without a usable cache directory', () => {
    const rules = join(root, 'c', 'rules');
    cpSync(PACK, rules, { recursive: true });
    const blocker = join(root, 'c', 'not-a-dir');
    writeFileSync(blocker, 'a file where the cache directory would be');
    assert.deepEqual(loadRules([rules], { cacheDir: join(blocker, 'cache') }), loadRules([rules]));
  });

  it('keeps one cache file per set of rule roots, and at most eight', () => {
    const cacheDir = join(root, 'd', 'cache');
    for (let i = 0; i < 10; i++) {
      const rules = join(root, 'd', `rules${i}`);
      cpSync(join(PACK, 'okta'), rules, { recursive: true });
      loadRules([rules], { cacheDir });
      loadRules([rules], { cacheDir });
    }
    assert.equal(cacheFiles(cacheDir).length, 8);
  });
});
