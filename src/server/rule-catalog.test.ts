import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../log/logger.js';
import { bundledPipelineFiles } from '../rules/pipeline/index.js';
import { loadRules } from '../rules/sigma/index.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { RuleCatalog } from './rule-catalog.js';

const rule = (id: string, detection: string): string =>
  `title: Rule ${id.slice(0, 4)}\nid: ${id}\nstatus: test\nlevel: high\nlogsource:\n    product: opencanary\ndetection:\n${detection}\n`;

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';
const RULE_A = rule(A, '    sel:\n        logtype: 5001\n    condition: sel');
const RULE_B = rule(B, "    sel:\n        dst_host|contains: 'bank'\n    condition: sel");
const RULE_C = rule(C, "    sel:\n        user: 'root'\n    condition: sel");

describe('RuleCatalog: rebuilding after a change parses and compiles only what changed', () => {
  const root = mkdtempSync(join(tmpdir(), 'weft-catalog-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const cacheDir = join(root, 'cache');
  // Two documents in one file and one in another: the cache keeps a parse per document.
  const dir = join(root, 'rules');
  mkdirSync(dir);
  writeFileSync(join(dir, 'two.yml'), `${RULE_A}---\n${RULE_B}`);
  writeFileSync(join(dir, 'one.yml'), RULE_C);

  /** A new store file for one test, and a catalog over it per start (each sharing the parse cache). */
  const onStore = async (db: string, test: (store: SqliteStore, catalog: () => RuleCatalog) => Promise<void>): Promise<void> => {
    const store = new SqliteStore({ path: join(root, db) });
    await store.migrate();
    try {
      await test(store, () => new RuleCatalog({ store, pipelinePaths: bundledPipelineFiles(), logger: silentLogger, cacheDir }));
    } finally {
      await store.close();
    }
  };
  /** A started catalog (files synced, rule set built) and its compile counts then. */
  const started = async (catalog: () => RuleCatalog): Promise<{ c: RuleCatalog; base: { compiled: number; reused: number } }> => {
    const c = catalog();
    await c.syncFiles([dir]);
    await c.reload();
    return { c, base: c.compileCounts };
  };
  const matched = (catalog: RuleCatalog, ev: unknown): string[] => (catalog.active?.ruleSet.evaluate(ev) ?? []).map((m) => m.rule.id.slice(0, 4));

  it('a start parses the rule files once per document, and the next start reads the parses back', () => onStore('t1.db', async (_store, catalog) => {
    const first = catalog();
    const synced = await first.syncFiles([dir]);
    assert.equal(synced.stored, 3);
    assert.deepEqual(synced.parseCache, { hits: 0, misses: 3 });
    assert.equal(readdirSync(cacheDir).length, 1);
    // The reload finds the synced documents parsed and compiled: nothing is compiled twice.
    const built = await first.reload();
    assert.equal(built.loaded, 3);
    assert.deepEqual(first.compileCounts, { compiled: 3, reused: 3 });

    // `weft hunt` over the same folder in between keeps a cache of its own (whole files), beside this one.
    assert.equal(loadRules([dir], { cacheDir }).rules.length, 3);
    assert.equal(readdirSync(cacheDir).length, 2);
    const restarted = catalog();
    const again = await restarted.syncFiles([dir]);
    assert.deepEqual(again.parseCache, { hits: 3, misses: 0 });
    assert.equal((await restarted.reload()).loaded, 3);
    assert.deepEqual(matched(restarted, { logtype: 5001, user: 'root' }), ['aaaa', 'cccc']);
  }));

  it('a rule disabled and enabled again is left out and back without compiling anything', () => onStore('t2.db', async (store, catalog) => {
    const { c, base } = await started(catalog);
    assert.deepEqual(matched(c, { dst_host: 'bank.example' }), ['bbbb']);
    assert.equal(await store.setRuleEnabled(B, false), true);
    assert.equal((await c.reload()).loaded, 2);
    assert.deepEqual(matched(c, { dst_host: 'bank.example' }), []);
    assert.equal(await store.setRuleEnabled(B, true), true);
    assert.equal((await c.reload()).loaded, 3);
    assert.deepEqual(matched(c, { dst_host: 'bank.example' }), ['bbbb']);
    assert.deepEqual(c.compileCounts, { compiled: base.compiled, reused: base.reused + 5 });
    // A restart syncs the same files again and keeps what the analyst set.
    assert.equal(await store.setRuleEnabled(B, false), true);
    const restarted = await started(catalog);
    assert.equal(restarted.c.active?.loaded, 2);
    assert.deepEqual(matched(restarted.c, { dst_host: 'bank.example' }), []);
    assert.equal((await store.getRule(B))?.enabled, false);
  }));

  it('a new version of a rule is parsed and compiled, alone, and replaces the old one', () => onStore('t3.db', async (store, catalog) => {
    const { c, base } = await started(catalog);
    const upload = c.parse(RULE_B.replace("contains: 'bank'", "contains: 'casino'"));
    assert.deepEqual(upload.rejections, []);
    await store.putRules(upload.documents.map((d) => d.record));
    assert.equal((await c.reload()).loaded, 3);
    // One compile to validate the upload, one for the stored version (parsed again from the store).
    assert.deepEqual(c.compileCounts, { compiled: base.compiled + 2, reused: base.reused + 2 });
    assert.deepEqual(matched(c, { dst_host: 'bank.example' }), []);
    assert.deepEqual(matched(c, { dst_host: 'casino.example' }), ['bbbb']);
    assert.equal(c.ruleVersions.get(B), upload.documents[0]!.record.version);
  }));
});
