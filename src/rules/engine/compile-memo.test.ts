import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bundledPipelineFiles, loadPipelines } from '../pipeline/index.js';
import { parseRuleText } from '../sigma/index.js';
import type { LoadResult } from '../sigma/types.js';
import { buildRuleSetFromLoaded, CompileMemo, type BuildRuleSetResult } from './index.js';

const rule = (id: string, detection: string): string =>
  `title: Rule ${id.slice(0, 4)}\nid: ${id}\nstatus: test\nlevel: high\nlogsource:\n    product: opencanary\ndetection:\n${detection}\n`;

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const BAD = 'cccccccc-0000-4000-8000-000000000003';

const TEXT = [
  rule(A, "    sel:\n        logtype: 5001\n    condition: sel"),
  rule(B, "    sel:\n        dst_host|contains: 'bank'\n    condition: sel"),
  rule(BAD, "    sel:\n        user|expand: '%nobody_set_this%'\n    condition: sel"),
  rule('dddddddd-0000-4000-8000-000000000004', "    sel:\n        user|expand: '%admins%'\n    condition: sel"),
].join('---\n');

const FILTER = `title: Not the honeypot of the lab
logsource:
    product: opencanary
filter:
    rules:
        - ${A}
    selection:
        src_host: 10.9.9.9
    condition: selection
`;

const ids = (b: BuildRuleSetResult, ev: unknown): string[] => b.ruleSet.evaluate(ev).map((m) => m.rule.id.slice(0, 4));

/** The same parsed documents plus others', as a catalog concatenates its records' parses. */
const withFilters = (l: LoadResult, filters: LoadResult['filters']): LoadResult => ({ ...l, filters });

describe('CompileMemo', () => {
  const pipelines = loadPipelines(bundledPipelineFiles());
  const placeholders = { admins: ['root'] };
  const opts = (memo: CompileMemo, ph = placeholders): Parameters<typeof buildRuleSetFromLoaded>[1] =>
    ({ pipelinePaths: [], loadedPipelines: pipelines, placeholders: ph, compileMemo: memo });
  const EVENTS = [
    { logtype: 5001, src_host: '10.9.9.9' },
    { logtype: 5001, src_host: '10.1.1.1' },
    { dst_host: 'www.bank.example' },
    { user: 'root' },
    { user: 'alice' },
  ];
  const all = (b: BuildRuleSetResult): string[][] => EVENTS.map((e) => ids(b, e));

  it('a rebuild from the same parsed rules compiles nothing again and matches as a fresh build', () => {
    const loaded = parseRuleText(TEXT, 'r.yml');
    const memo = new CompileMemo();
    const first = buildRuleSetFromLoaded(loaded, opts(memo));
    assert.deepEqual({ compiled: memo.compiled, reused: memo.reused }, { compiled: 4, reused: 0 });
    const again = buildRuleSetFromLoaded(loaded, opts(memo));
    assert.deepEqual({ compiled: memo.compiled, reused: memo.reused }, { compiled: 4, reused: 4 });
    assert.notEqual(again.ruleSet, first.ruleSet, 'the index is built afresh');
    const fresh = buildRuleSetFromLoaded(loaded, opts(new CompileMemo()));
    assert.deepEqual(all(again), all(fresh));
    assert.deepEqual(all(again), [['aaaa'], ['aaaa'], ['bbbb'], ['dddd'], []]);
    // The rule that does not compile is remembered as such, and still reported every time.
    assert.equal(again.loaded, 3);
    assert.deepEqual(again.rejections.map((r) => [r.ruleId, r.file]), [[BAD, 'r.yml']]);
    assert.match(again.rejections[0]!.reason, /nobody_set_this/);
  });

  it('a rule another filter now applies to is compiled again, with the filter; the others are reused', () => {
    const loaded = parseRuleText(TEXT, 'r.yml');
    const memo = new CompileMemo();
    buildRuleSetFromLoaded(loaded, opts(memo));
    const filter = parseRuleText(FILTER, 'f.yml').filters;
    assert.equal(filter.length, 1);
    const filtered = buildRuleSetFromLoaded(withFilters(loaded, filter), opts(memo));
    assert.deepEqual({ compiled: memo.compiled, reused: memo.reused }, { compiled: 5, reused: 3 });
    assert.deepEqual(all(filtered), [[], ['aaaa'], ['bbbb'], ['dddd'], []]);
    // The filter gone again: A as it was before, compiled afresh (its entry is the filtered one now).
    const unfiltered = buildRuleSetFromLoaded(loaded, opts(memo));
    assert.deepEqual({ compiled: memo.compiled, reused: memo.reused }, { compiled: 6, reused: 6 });
    assert.deepEqual(all(unfiltered), [['aaaa'], ['aaaa'], ['bbbb'], ['dddd'], []]);
  });

  it('other placeholder values or other pipelines compile everything again', () => {
    const loaded = parseRuleText(TEXT, 'r.yml');
    const memo = new CompileMemo();
    buildRuleSetFromLoaded(loaded, opts(memo));
    const other = buildRuleSetFromLoaded(loaded, opts(memo, { admins: ['alice'] }));
    assert.deepEqual({ compiled: memo.compiled, reused: memo.reused }, { compiled: 8, reused: 0 });
    assert.deepEqual(ids(other, { user: 'alice' }), ['dddd']);
    assert.deepEqual(ids(other, { user: 'root' }), []);
    buildRuleSetFromLoaded(loaded, { ...opts(memo), loadedPipelines: loadPipelines(bundledPipelineFiles()) });
    assert.deepEqual({ compiled: memo.compiled, reused: memo.reused }, { compiled: 12, reused: 0 });
  });

  it('a rule parsed again (an edited text) is compiled again', () => {
    const memo = new CompileMemo();
    buildRuleSetFromLoaded(parseRuleText(TEXT, 'r.yml'), opts(memo));
    const edited = parseRuleText(TEXT.replace("dst_host|contains: 'bank'", "dst_host|contains: 'casino'"), 'r.yml');
    const b = buildRuleSetFromLoaded(edited, opts(memo));
    assert.deepEqual({ compiled: memo.compiled, reused: memo.reused }, { compiled: 8, reused: 0 });
    assert.deepEqual(ids(b, { dst_host: 'www.bank.example' }), []);
    assert.deepEqual(ids(b, { dst_host: 'casino.example' }), ['bbbb']);
  });
});
