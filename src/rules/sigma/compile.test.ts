import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldAccessor } from '../../event/field-path.js';
import { compile, rejection } from '../../../test/support/sigma.js';
import type { FieldResolver } from '../types.js';

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
