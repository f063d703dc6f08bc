import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, rejection } from '../../../test/support/sigma.js';
import { ConditionError, parseCondition, resolveCondition } from './condition.js';

describe('condition parser', () => {
  it('binds not > and > or', () => {
    assert.deepEqual(parseCondition('a or b and not c'), {
      t: 'or',
      args: [{ t: 'id', name: 'a' }, { t: 'and', args: [{ t: 'id', name: 'b' }, { t: 'not', arg: { t: 'id', name: 'c' } }] }],
    });
    assert.deepEqual(parseCondition('not a and b'), {
      t: 'and',
      args: [{ t: 'not', arg: { t: 'id', name: 'a' } }, { t: 'id', name: 'b' }],
    });
    assert.deepEqual(parseCondition('(a or b) and c'), {
      t: 'and',
      args: [{ t: 'or', args: [{ t: 'id', name: 'a' }, { t: 'id', name: 'b' }] }, { t: 'id', name: 'c' }],
    });
  });
  it('parses x of forms, case-insensitive keywords', () => {
    assert.deepEqual(parseCondition('1 of sel*'), { t: 'of', quantifier: 'any', pattern: 'sel*' });
    assert.deepEqual(parseCondition('any of sel*'), { t: 'of', quantifier: 'any', pattern: 'sel*' });
    assert.deepEqual(parseCondition('ALL OF them'), { t: 'of', quantifier: 'all', pattern: null });
    assert.deepEqual(parseCondition('all of selection_* and not 1 of filter_*'), {
      t: 'and',
      args: [
        { t: 'of', quantifier: 'all', pattern: 'selection_*' },
        { t: 'not', arg: { t: 'of', quantifier: 'any', pattern: 'filter_*' } },
      ],
    });
  });
  it('resolves them (without _ identifiers) and patterns', () => {
    const ids = ['sel1', 'sel2', 'filter', '_hidden'];
    assert.deepEqual(resolveCondition(parseCondition('1 of them'), ids, ''), {
      t: 'or',
      args: [{ t: 'id', name: 'sel1' }, { t: 'id', name: 'sel2' }, { t: 'id', name: 'filter' }],
    });
    assert.deepEqual(resolveCondition(parseCondition('all of sel*'), ids, ''), {
      t: 'and',
      args: [{ t: 'id', name: 'sel1' }, { t: 'id', name: 'sel2' }],
    });
    assert.deepEqual(resolveCondition(parseCondition('1 of *ter'), ids, ''), { t: 'id', name: 'filter' });
  });
  const bad: Array<[string, RegExp]> = [
    ['a and (b or c', /expected '\)' to close '\(' at position 6, found end of condition/],
    ['a and b)', /unbalanced '\)': no matching '\(', found '\)' at position 7/],
    ['a and', /expected a search identifier.*found end of condition/],
    ['a b', /expected 'and', 'or' or end of condition, found 'b' at position 2/],
    ['a & b', /unexpected character '&' at position 2/],
    ['2 of sel*', /'2 of' is unsupported/],
    ['1 of', /expected 'them' or a search identifier pattern after '1 of', found end of condition/],
    ['sel*', /wildcard identifier 'sel\*' is only allowed after '1 of' or 'all of'/],
    ['sel | count() > 5', /aggregation expressions .* unsupported: use a correlation rule/],
    ['', /condition is empty/],
    ['and a', /found 'and' at position 0/],
  ];
  for (const [cond, re] of bad) {
    it(`rejects '${cond}'`, () => {
      assert.throws(() => parseCondition(cond), (e: unknown) => e instanceof ConditionError && re.test(e.message));
    });
  }
});

describe('condition semantics on events', () => {
  const det = `sel_a:\n    a: 1\nsel_b:\n    b: 1\nfilter:\n    f: 1\n`;
  const on = (cond: string, ev: Record<string, number>): boolean => compile(`${det}condition: ${cond}`).predicate(ev);
  it('precedence: a or b and not filter', () => {
    assert.equal(on('sel_a or sel_b and not filter', { a: 1, f: 1 }), true);
    assert.equal(on('sel_a or sel_b and not filter', { b: 1, f: 1 }), false);
    assert.equal(on('(sel_a or sel_b) and not filter', { a: 1, f: 1 }), false);
    assert.equal(on('not sel_a and sel_b', { b: 1 }), true);
    assert.equal(on('not (sel_a and sel_b)', { a: 1, b: 1 }), false);
  });
  it('1 of sel*, all of sel*, all of them, 1 of them', () => {
    assert.equal(on('1 of sel*', { b: 1 }), true);
    assert.equal(on('all of sel*', { b: 1 }), false);
    assert.equal(on('all of sel*', { a: 1, b: 1 }), true);
    assert.equal(on('all of them', { a: 1, b: 1 }), false);
    assert.equal(on('all of them', { a: 1, b: 1, f: 1 }), true);
    assert.equal(on('1 of them', { f: 1 }), true);
    assert.equal(on('1 of sel* and not 1 of filter*', { a: 1, f: 1 }), false);
  });
  it('a list of conditions is an OR', () => {
    const c = compile(`${det}condition:\n    - sel_a and sel_b\n    - filter`);
    assert.equal(c.predicate({ f: 1 }), true);
    assert.equal(c.predicate({ a: 1 }), false);
    assert.equal(c.predicate({ a: 1, b: 1 }), true);
  });
  it('explain names the true search identifiers', () => {
    const c = compile(`${det}condition: 1 of sel* and not filter`);
    assert.deepEqual(c.explain({ a: 1, b: 1 }), { selections: ['sel_a', 'sel_b'] });
    assert.equal(c.explain({ a: 1, f: 1 }), null);
  });
  it('unknown identifiers and empty patterns are rejections naming them', () => {
    assert.match(rejection(`${det}condition: sel_a and sel_c`).reason, /unknown search identifier 'sel_c'/);
    assert.match(rejection(`${det}condition: 1 of nothing*`).reason, /1 of 'nothing\*' matches no search identifier/);
    assert.match(rejection(`${det}condition: sel_a and (sel_b`).reason, /expected '\)'/);
  });
});
