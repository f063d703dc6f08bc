import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldAccessor } from '../../event/field-path.js';
import { compile, rejection } from '../../../test/support/sigma.js';
import type { FieldResolver } from '../types.js';
import { impliedByMatch } from './compile.js';
import { parseCondition, resolveCondition, type ConditionNode } from './condition.js';

describe('requiredLiterals', () => {
  it('one clause per AND-ed item, alternatives of a value list in one clause, lowercased', () => {
    const c = compile(`sel:\n    Image|endswith: '\\CMD.exe'\n    CommandLine|contains: [' /c ', ' /k ']\n    EventID: 1\ncondition: sel`);
    assert.deepEqual(c.requiredLiterals, [['\\cmd.exe'], [' /c ', ' /k ']]);
  });
  it('|all gives a clause per value; negations, numbers and literal-free regexes give none', () => {
    const c = compile(`sel:\n    a|contains|all: [alpha, beta]\nfilter:\n    b: gamma\ncondition: sel and not filter`);
    assert.deepEqual(c.requiredLiterals, [['alpha'], ['beta']]);
    assert.deepEqual(compile(`sel:\n    a|re: 'x*'\ncondition: sel`).requiredLiterals, []);
    assert.deepEqual(compile(`sel:\n    a|re: 'x+'\ncondition: sel`).requiredLiterals, [['x']]);
    assert.deepEqual(compile(`sel:\n    a|re: 'ab|cd'\ncondition: sel`).requiredLiterals, []);
    assert.deepEqual(compile(`sel:\n    a: 4624\ncondition: sel`).requiredLiterals, []);
    assert.deepEqual(compile(`sel:\n    a|neq: x\ncondition: sel`).requiredLiterals, []);
  });
  it('OR keeps a requirement only when every branch has one: a clause per choice of one clause in each branch', () => {
    const c = compile(`s1:\n    a: 'x*longer'\n    b: short\ns2:\n    c: other\ncondition: s1 or s2`);
    assert.deepEqual(c.requiredLiterals, [['longer', 'other'], ['other', 'short']]);
    // (\powershell.exe and pester) or (\cmd.exe and pester): the shared literal becomes a clause of its own.
    const shared = compile(`ps:\n    Image|endswith: '\\powershell.exe'\n    CommandLine|contains: pester\ncmd:\n    Image|endswith: '\\cmd.exe'\n    CommandLine|contains: pester\ncondition: ps or cmd`);
    assert.deepEqual(shared.requiredLiterals, [['\\cmd.exe', '\\powershell.exe'], ['\\powershell.exe', 'pester'], ['\\cmd.exe', 'pester'], ['pester']]);
    // Clauses of 1-2 character literals are never added beyond a branch's best one.
    assert.deepEqual(compile(`s1:\n    a: long1\n    b: 'z'\ns2:\n    c: long2\ncondition: s1 or s2`).requiredLiterals, [['long1', 'long2']]);
    const none = compile(`s1:\n    a: x\ns2:\n    c|gt: 3\ncondition: s1 or s2`);
    assert.deepEqual(none.requiredLiterals, []);
  });
  it('uses the encoded forms of base64offset and every windash variant', () => {
    assert.deepEqual(compile(`sel:\n    a|base64offset|contains: foobar\ncondition: sel`).requiredLiterals, [['mb29iyx', 'zm9vymfy', 'zvb2jhc']]);
    assert.deepEqual(compile(`sel:\n    a|windash|contains: ' -s'\ncondition: sel`).requiredLiterals, [[' -s', ' /s', ' \u2013s', ' \u2014s', ' \u2015s']]);
  });
});

describe('compiled rule surface', () => {
  it('reports the Sigma fields read (fieldref targets included) and the resolved event paths', () => {
    const resolver: FieldResolver = {
      resolve: (f) => {
        const paths = f === 'Image' ? ['winlog.event_data.Image', 'process.executable'] : [f];
        const accs = paths.map(fieldAccessor);
        return { paths, accessor: (ev) => accs.map((a) => a(ev)).find((v) => v !== undefined) };
      },
    };
    const c = compile(`sel:\n    Image|endswith: '\\x.exe'\n    User|fieldref: ParentUser\ncondition: sel`, { resolver });
    assert.deepEqual(c.fields, ['Image', 'User', 'ParentUser']);
    assert.deepEqual(c.eventPaths, ['winlog.event_data.Image', 'process.executable', 'User', 'ParentUser']);
    assert.equal(c.predicate({ process: { executable: 'C:\\x.exe' }, User: 'a', ParentUser: 'A' }), true);
    assert.equal(c.predicate({ winlog: { event_data: { Image: 'C:\\y.exe' } }, process: { executable: 'C:\\x.exe' }, User: 'a', ParentUser: 'a' }), false);
  });
  it('reads nested ECS paths and literal dotted keys through the path resolver', () => {
    const c = compile(`sel:\n    process.command_line|contains: whoami\ncondition: sel`);
    assert.equal(c.predicate({ process: { command_line: 'cmd /c WHOAMI' } }), true);
    assert.equal(c.predicate({ 'process.command_line': 'whoami /all' }), true);
    assert.equal(c.predicate({ process: { command_line: 42 } }), false);
    assert.equal(c.predicate(null), false);
    assert.equal(c.predicate('whoami'), false);
  });
  it('does not evaluate unused search identifiers', () => {
    const c = compile(`sel:\n    a: 1\nunused:\n    b|re: 'x'\ncondition: sel`);
    assert.deepEqual(c.explain({ a: 1, b: 'x' }), { selections: ['sel'] });
  });
  it('caps hostile expansions with a rejection naming the cause', () => {
    assert.match(rejection(`sel:\n    a|windash: '-a -b -c -d -e -f'\ncondition: sel`).reason, /windash would expand the value to more than 4096 variants \(6 dashes\)/);
    const many = Array.from({ length: 100 }, (_, i) => `v${i}`);
    assert.match(
      rejection(`sel:\n    a|expand: '%x%%y%'\ncondition: sel`, { placeholders: { x: many, y: many } }).reason,
      /placeholder '%y%' would expand the value to more than 4096 alternatives/,
    );
  });
});

describe('selections of a match', () => {
  /** The condition's value under an assignment of its identifiers. */
  const holds = (n: ConditionNode, v: ReadonlyMap<string, boolean>): boolean => {
    switch (n.t) {
      case 'id': return v.get(n.name) as boolean;
      case 'not': return !holds(n.arg, v);
      case 'and': return n.args.every((a) => holds(a, v));
      case 'or': return n.args.some((a) => holds(a, v));
      case 'of': throw new Error('unresolved');
    }
  };

  it('what a match settles holds under every assignment that satisfies the condition', () => {
    const ids = ['a', 'b', 'c', 'f1', 'f2'];
    const conditions: Array<[string, Record<string, boolean>]> = [
      ['a', { a: true }],
      ['a and not 1 of f*', { a: true, f1: false, f2: false }],
      ['a and not (f1 or f2)', { a: true, f1: false, f2: false }],
      ['1 of a or b', {}],
      ['all of f*', { f1: true, f2: true }],
      ['not all of f*', {}],
      ['a and (b or c) and not f1', { a: true, f1: false }],
      ['not (a and b)', {}],
      ['not (not a or b)', { a: true, b: false }],
      ['(a or b) and not (c and f1)', {}],
      ['a and not a', {}],
      ['(a and b) or (a and c)', {}],
    ];
    for (const [text, expected] of conditions) {
      const cond = resolveCondition(parseCondition(text), ids, text);
      const implied = impliedByMatch(cond);
      assert.deepEqual(Object.fromEntries(implied), expected, text);
      for (let bits = 0; bits < 1 << ids.length; bits++) {
        const v = new Map(ids.map((id, i) => [id, (bits & (1 << i)) !== 0]));
        if (!holds(cond, v)) continue;
        for (const [id, value] of implied) assert.equal(v.get(id), value, `${text}: ${id} under ${bits.toString(2)}`);
      }
    }
  });

  it('names every true search identifier, settled or evaluated, in detection order', () => {
    const c = compile(`sel:\n    Image|endswith: '\\cmd.exe'\nextra:\n    CommandLine|contains: whoami\nfilter_a:\n    User: admin\nfilter_b:\n    ParentImage|endswith: '\\explorer.exe'\ncondition: sel and (extra or filter_a) and not filter_b`);
    const ev = { Image: 'C:\\Windows\\cmd.exe', CommandLine: 'cmd /c whoami', User: 'admin', ParentImage: 'C:\\x\\svchost.exe' };
    assert.ok(c.predicate(ev));
    assert.deepEqual(c.selections(ev), ['sel', 'extra', 'filter_a']);
    const other = { ...ev, CommandLine: 'cmd /c dir' };
    assert.ok(c.predicate(other));
    assert.deepEqual(c.selections(other), ['sel', 'filter_a']);
  });
});
