import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ruleYaml } from '../../../test/support/sigma.js';
import { loadRules } from './index.js';

describe('loadRules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-sigma-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const rule = ruleYaml(`sel:\n    a: b\ncondition: sel`);
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.yml'), rule);
  writeFileSync(join(dir, 'sub', 'b.yaml'), rule.replace('Test rule', 'B'));
  writeFileSync(join(dir, 'notes.txt'), 'not a rule');
  writeFileSync(join(dir, '.hidden.yml'), 'garbage: [');
  writeFileSync(join(dir, 'broken.yml'), 'title: [');
  writeFileSync(join(dir, 'big.yml'), rule + '#'.repeat(2000));

  it('walks directories in order, reads .yml and .yaml only, and rejects what it cannot use', () => {
    const r = loadRules([dir, join(dir, 'missing.yml')], { maxFileBytes: 1000 });
    assert.deepEqual(r.rules.map((x) => [x.title, x.file]), [
      ['Test rule', join(dir, 'a.yml')],
      ['B', join(dir, 'sub', 'b.yaml')],
    ]);
    assert.deepEqual(
      r.rejections.map((x) => [x.file, x.line, x.reason.replace(/:.*/, '')]),
      [
        [join(dir, 'missing.yml'), 0, 'cannot read'],
        [join(dir, 'big.yml'), 0, `file is ${rule.length + 2000} bytes, over the 1000-byte limit`],
        [join(dir, 'broken.yml'), 1, 'malformed YAML'],
      ],
    );
  });
});
