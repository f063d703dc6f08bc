import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, rejection } from '../../../test/support/sigma.js';
import { base64Offsets, buildItem, windashVariants } from './modifiers.js';
import { parseSigmaString, renderSigmaString } from './wildcard.js';

const m = (detection: string, event: unknown, opts = {}): boolean => compile(detection, opts).predicate(event);

describe('plain values', () => {
  it('matches strings case-insensitively and exactly (no implicit contains)', () => {
    const d = `sel:\n    Image: 'C:\\Windows\\System32\\cmd.exe'\ncondition: sel`;
    assert.equal(m(d, { Image: 'c:\\windows\\system32\\CMD.EXE' }), true);
    assert.equal(m(d, { Image: 'C:\\Windows\\System32\\cmd.exe2' }), false);
    assert.equal(m(d, {}), false);
  });
  it('a map is AND, a value list is OR, a list of maps is OR', () => {
    const and = `sel:\n    a: x\n    b: [y, z]\ncondition: sel`;
    assert.equal(m(and, { a: 'x', b: 'z' }), true);
    assert.equal(m(and, { a: 'x', b: 'q' }), false);
    assert.equal(m(and, { b: 'y' }), false);
    const or = `sel:\n    - a: x\n    - b: y\ncondition: sel`;
    assert.equal(m(or, { b: 'y' }), true);
    assert.equal(m(or, { a: 'y' }), false);
  });
  it('numbers match numeric and textual field values; booleans likewise', () => {
    const d = `sel:\n    EventID: 4624\ncondition: sel`;
    assert.equal(m(d, { EventID: 4624 }), true);
    assert.equal(m(d, { EventID: '4624' }), true);
    assert.equal(m(d, { EventID: 46240 }), false);
    const b = `sel:\n    Enabled: true\ncondition: sel`;
    assert.equal(m(b, { Enabled: true }), true);
    assert.equal(m(b, { Enabled: 'True' }), true);
    assert.equal(m(b, { Enabled: false }), false);
  });
  it('long value lists (exact values, numbers, wildcards mixed) behave like short ones', () => {
    const d = `sel:\n    q: [a.com, b.com, c.com, d.com, e.com, f.com, g.com, h.com, 4624, 0x17, '*.evil.net', '']\ncondition: sel`;
    assert.equal(m(d, { q: 'G.COM' }), true);
    assert.equal(m(d, { q: 4624 }), true);
    assert.equal(m(d, { q: '4624' }), true);
    assert.equal(m(d, { q: '0x17' }), true);
    assert.equal(m(d, { q: 23 }), true);
    assert.equal(m(d, { q: 'x.EVIL.net' }), true);
    assert.equal(m(d, { q: '' }), true);
    assert.equal(m(d, { q: 'a.co' }), false);
    assert.equal(m(d, { q: 46240 }), false);
    assert.equal(m(d, {}), false);
  });
  it('long contains lists and long keyword lists behave like short ones', () => {
    const tools = Array.from({ length: 40 }, (_, i) => `tool${i}x`);
    const d = `sel:\n    c|contains:\n${tools.map((t) => `        - '${t}'`).join('\n')}\n        - 'a*b'\n        - ''\ncondition: sel`;
    const c = compile(d.replace("        - ''\n", ''));
    assert.equal(c.predicate({ c: 'run TOOL39X now' }), true);
    assert.equal(c.predicate({ c: 'run tool3x' }), true);
    assert.equal(c.predicate({ c: 'run tool40x' }), false);
    assert.equal(c.predicate({ c: 'xxaQQbxx' }), true);
    assert.equal(c.predicate({ c: 42 }), false);
    assert.equal(compile(d).predicate({ c: 'anything' }), true);
    const kw = compile(`keywords:\n${tools.map((t) => `    - '${t}'`).join('\n')}\n    - 'sekurlsa*logon'\ncondition: keywords`);
    assert.equal(kw.predicate({ a: 'x', b: { c: 'ran Tool7X' } }), true);
    assert.equal(kw.predicate({ a: 'sekurlsa::logonpasswords' }), true);
    assert.equal(kw.predicate({ a: 'tool', b: '7x' }), false);
  });
  it('keeps the written form of non-decimal numbers (0x17 is not 23 as text)', () => {
    const d = `sel:\n    TicketEncryptionType: 0x17\ncondition: sel`;
    assert.equal(m(d, { TicketEncryptionType: '0x17' }), true);
    assert.equal(m(d, { TicketEncryptionType: '23' }), false);
  });
  it("null means missing or null; '' means the empty string", () => {
    const n = `sel:\n    a: null\ncondition: sel`;
    assert.equal(m(n, {}), true);
    assert.equal(m(n, { a: null }), true);
    assert.equal(m(n, { a: '' }), false);
    const e = `sel:\n    a: ''\ncondition: sel`;
    assert.equal(m(e, { a: '' }), true);
    assert.equal(m(e, {}), false);
    assert.equal(m(e, { a: null }), false);
  });
  it("the spec's null/empty example: selection_main and 1 of selection_empty*", () => {
    const d = `selection_main:\n    FieldA: 'something'\nselection_empty1:\n    FieldB: ''\nselection_empty2:\n    FieldB: null\ncondition: selection_main and 1 of selection_empty*`;
    assert.equal(m(d, { FieldA: 'something', FieldB: '' }), true);
    assert.equal(m(d, { FieldA: 'something' }), true);
    assert.equal(m(d, { FieldA: 'something', FieldB: null }), true);
    assert.equal(m(d, { FieldA: 'something', FieldB: 'x' }), false);
    assert.equal(m(d, { FieldB: '' }), false);
  });
  it("the spec's EventLog example: Security and (517 or 1102)", () => {
    const d = `selection:\n    EventLog: Security\n    EventID:\n        - 517\n        - 1102\ncondition: selection`;
    assert.equal(m(d, { EventLog: 'security', EventID: 1102 }), true);
    assert.equal(m(d, { EventLog: 'Security', EventID: 4624 }), false);
    assert.equal(m(d, { EventLog: 'System', EventID: 517 }), false);
  });
  it('array field values match if any element matches', () => {
    const d = `sel:\n    ip|startswith: '10.'\ncondition: sel`;
    assert.equal(m(d, { ip: ['192.168.1.1', '10.1.1.1'] }), true);
    assert.equal(m(d, { ip: ['192.168.1.1'] }), false);
    assert.equal(m(d, { ip: [] }), false);
    const all = `sel:\n    tags|all: [a, b]\ncondition: sel`;
    assert.equal(m(all, { tags: ['B', 'c', 'a'] }), true);
    assert.equal(m(all, { tags: ['a', 'c'] }), false);
    const refs = `sel:\n    x|fieldref: [y, z]\ncondition: sel`;
    assert.equal(m(refs, { x: 'v', y: 'w', z: 'V' }), true);
    assert.equal(m(refs, { x: 'v', y: 'w' }), false);
    assert.equal(m(`sel:\n    x|fieldref: y\ncondition: sel`, { x: ['p', 'q'], y: ['r', 'Q'] }), true);
  });
});

describe('wildcards and escapes', () => {
  it('handles * and ? and escaped wildcards', () => {
    assert.equal(m(`sel:\n    a: 'prog?.exe'\ncondition: sel`, { a: 'progA.exe' }), true);
    assert.equal(m(`sel:\n    a: 'prog?.exe'\ncondition: sel`, { a: 'progAB.exe' }), false);
    assert.equal(m(`sel:\n    a: 'antivirus_V*.exe'\ncondition: sel`, { a: 'antivirus_V21.2.1.exe' }), true);
    assert.equal(m(`sel:\n    a: 'a\\*b'\ncondition: sel`, { a: 'a*b' }), true);
    assert.equal(m(`sel:\n    a: 'a\\*b'\ncondition: sel`, { a: 'axxb' }), false);
    assert.equal(m(`sel:\n    a: 'what\\?'\ncondition: sel`, { a: 'what?' }), true);
    assert.equal(m(`sel:\n    a: 'what\\?'\ncondition: sel`, { a: 'whatX' }), false);
  });
  it('keeps Windows backslashes literal, and \\\\* is a backslash then a wildcard', () => {
    assert.equal(m(`sel:\n    a|startswith: 'C:\\Windows\\'\ncondition: sel`, { a: 'C:\\Windows\\x.exe' }), true);
    assert.equal(m(`sel:\n    a: 'C:\\\\*'\ncondition: sel`, { a: 'C:\\anything' }), true);
    assert.equal(m(`sel:\n    a: 'C:\\\\\\*'\ncondition: sel`, { a: 'C:\\*' }), true);
    assert.equal(m(`sel:\n    a: 'C:\\\\\\*'\ncondition: sel`, { a: 'C:\\x' }), false);
    assert.deepEqual(parseSigmaString('\\\\\\\\'), [{ t: 'lit', s: '\\\\' }]);
  });
});

describe('modifiers', () => {
  it('contains / startswith / endswith', () => {
    assert.equal(m(`sel:\n    a|contains: 'mimi'\ncondition: sel`, { a: 'xMIMIKATZ' }), true);
    assert.equal(m(`sel:\n    a|startswith: 'mimi'\ncondition: sel`, { a: 'xmimi' }), false);
    assert.equal(m(`sel:\n    a|endswith: '.exe'\ncondition: sel`, { a: 'a.EXE' }), true);
    assert.equal(m(`sel:\n    a|endswith: '.exe'\ncondition: sel`, { a: 'a.exe.txt' }), false);
  });
  it('all: every value must match', () => {
    const d = `sel:\n    a|contains|all: [vssadmin, delete, shadows]\ncondition: sel`;
    assert.equal(m(d, { a: 'vssadmin.exe delete shadows /all' }), true);
    assert.equal(m(d, { a: 'vssadmin.exe list shadows' }), false);
  });
  it('cased: case-sensitive', () => {
    const d = `sel:\n    a|cased: 'Invoke'\ncondition: sel`;
    assert.equal(m(d, { a: 'Invoke' }), true);
    assert.equal(m(d, { a: 'invoke' }), false);
    assert.equal(m(`sel:\n    a|contains|cased: 'Inv'\ncondition: sel`, { a: 'xInvy' }), true);
    assert.equal(m(`sel:\n    a|contains|cased: 'Inv'\ncondition: sel`, { a: 'xinvy' }), false);
  });
  it('exists: presence only, null counts as present', () => {
    assert.equal(m(`sel:\n    a|exists: true\ncondition: sel`, { a: null }), true);
    assert.equal(m(`sel:\n    a|exists: true\ncondition: sel`, { b: 1 }), false);
    assert.equal(m(`sel:\n    a|exists: false\ncondition: sel`, { b: 1 }), true);
    assert.equal(m(`sel:\n    a|exists: false\ncondition: sel`, { a: '' }), false);
  });
  it('neq: different from every value, and true on a missing field (pySigma negates the item)', () => {
    const d = `sel:\n    a|neq: [x, y]\ncondition: sel`;
    assert.equal(m(d, { a: 'z' }), true);
    assert.equal(m(d, { a: 'X' }), false);
    assert.equal(m(d, { a: 'y' }), false);
    assert.equal(m(d, {}), true);
    assert.equal(m(`sel:\n    n|neq: 5\ncondition: sel`, { n: 5 }), false);
    assert.equal(m(`sel:\n    n|neq: 5\ncondition: sel`, { n: 6 }), true);
  });
  it('windash: pySigma variants of a dash or slash that starts a word', () => {
    assert.deepEqual(windashVariants(parseSigmaString(' -param-name ')).map(renderSigmaString), [
      ' -param-name ',
      ' /param-name ',
      ' \u2013param-name ',
      ' \u2014param-name ',
      ' \u2015param-name ',
    ]);
    // Two flags: 25 permutations.
    assert.equal(windashVariants(parseSigmaString('-a -b')).length, 25);
    // A dash inside a word, or before a non-word character, stays.
    assert.deepEqual(windashVariants(parseSigmaString('a-b -*')).map(renderSigmaString), ['a-b -*']);
    const d = `sel:\n    CommandLine|windash|contains: ' -enc '\ncondition: sel`;
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) {
      assert.equal(m(d, { CommandLine: `powershell ${dash}enc AAAA` }), true, dash);
    }
    assert.equal(m(d, { CommandLine: 'powershell +enc AAAA' }), false);
  });
  it('base64 and base64offset: pySigma encodings', () => {
    assert.deepEqual(base64Offsets(Buffer.from('foobar')), ['Zm9vYmFy', 'Zvb2Jhc', 'mb29iYX']);
    assert.deepEqual(base64Offsets(Buffer.from('/bin/bash')), ['L2Jpbi9iYXNo', '9iaW4vYmFza', 'vYmluL2Jhc2']);
    assert.equal(m(`sel:\n    a|base64: foobar\ncondition: sel`, { a: 'Zm9vYmFy' }), true);
    assert.equal(m(`sel:\n    a|base64: foobar\ncondition: sel`, { a: 'foobar' }), false);
    const d = `sel:\n    a|base64offset|contains: 'evil.com'\ncondition: sel`;
    for (const prefix of ['', 'x', 'xx']) {
      const enc = Buffer.from(prefix + 'connect to evil.com now').toString('base64');
      assert.equal(m(d, { a: enc }), true, `offset ${prefix.length}`);
    }
    assert.equal(m(d, { a: Buffer.from('connect to good.com').toString('base64') }), false);
  });
  it('wide / utf16le / utf16be / utf16, alone and under base64', () => {
    const wide = buildItem('a|wide', [{ value: '*foobar*', text: '*foobar*' }], 1);
    assert.deepEqual(wide.values, [[{ t: 'str', cased: false, parts: [{ t: 'any' }, { t: 'lit', s: 'f\0o\0o\0b\0a\0r\0' }, { t: 'any' }] }]]);
    const be = buildItem('a|utf16be', [{ value: 'cmd', text: 'cmd' }], 1);
    assert.deepEqual(be.values, [[{ t: 'str', cased: false, parts: [{ t: 'lit', s: '\0c\0m\0d' }] }]]);
    assert.equal(m(`sel:\n    a|utf16le|base64: cmd\ncondition: sel`, { a: Buffer.from('cmd', 'utf16le').toString('base64') }), true);
    assert.equal(m(`sel:\n    a|wide|base64: cmd\ncondition: sel`, { a: 'YwBtAGQA' }), true);
    // utf16 = BOM FF FE + UTF-16LE
    assert.equal(m(`sel:\n    a|utf16|base64: cmd\ncondition: sel`, { a: Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64') }), true);
    const ps = 'powershell -e ' + Buffer.from('xx Invoke-Mimikatz yy', 'utf16le').toString('base64');
    assert.equal(m(`sel:\n    a|wide|base64offset|contains: 'Invoke-Mimikatz'\ncondition: sel`, { a: ps }), true);
  });
  it('re: case-sensitive search, i/m/s flags, inline (?i)', () => {
    const d = `sel:\n    a|re: 'hello-[0-9]+'\ncondition: sel`;
    assert.equal(m(d, { a: 'say hello-42 now' }), true);
    assert.equal(m(d, { a: 'HELLO-42' }), false);
    assert.equal(m(`sel:\n    a|re|i: 'hello'\ncondition: sel`, { a: 'HELLO' }), true);
    assert.equal(m(`sel:\n    a|re: '(?i)hello'\ncondition: sel`, { a: 'HELLO' }), true);
    assert.equal(m(`sel:\n    a|re|m: '^second$'\ncondition: sel`, { a: 'first\nsecond' }), true);
    assert.equal(m(`sel:\n    a|re: '^second$'\ncondition: sel`, { a: 'first\nsecond' }), false);
    assert.equal(m(`sel:\n    a|re|s: 'a.b'\ncondition: sel`, { a: 'a\nb' }), true);
    assert.equal(m(`sel:\n    a|re: 'a.b'\ncondition: sel`, { a: 'a\nb' }), false);
    // The raw pattern is used: backslashes are regex escapes, not Sigma escapes.
    assert.equal(m(`sel:\n    a|re: '\\\\cmd\\.exe$'\ncondition: sel`, { a: 'C:\\x\\cmd.exe' }), true);
  });
  it('re: a catastrophic pattern on 50k characters finishes fast (linear-time engine)', () => {
    const c = compile(`sel:\n    a|re: '(a+)+$'\ncondition: sel`);
    const input = 'a'.repeat(50_000) + '!';
    const t0 = performance.now();
    // No match (the input ends in '!'): a backtracking engine explores 2^50000 paths to find that out.
    assert.equal(c.predicate({ a: input }), false);
    assert.equal(c.predicate({ a: 'a'.repeat(50_000) }), true);
    const ms = performance.now() - t0;
    assert.ok(ms < 500, `took ${ms} ms`);
  });
  it('lt / lte / gt / gte on numbers and numeric strings', () => {
    assert.equal(m(`sel:\n    n|lt: 10\ncondition: sel`, { n: 9 }), true);
    assert.equal(m(`sel:\n    n|lt: 10\ncondition: sel`, { n: 10 }), false);
    assert.equal(m(`sel:\n    n|lte: 10\ncondition: sel`, { n: '10' }), true);
    assert.equal(m(`sel:\n    n|gt: 10\ncondition: sel`, { n: 10 }), false);
    assert.equal(m(`sel:\n    n|gte: 10\ncondition: sel`, { n: 10.5 }), true);
    assert.equal(m(`sel:\n    n|gte: 10\ncondition: sel`, { n: 'abc' }), false);
    assert.equal(m(`sel:\n    n|gte: 10\ncondition: sel`, {}), false);
  });
  it('minute / hour / day / week / month / year of a timestamp (UTC)', () => {
    const ev = { ts: '2024-03-05T14:07:09Z' };
    assert.equal(m(`sel:\n    ts|minute: 7\ncondition: sel`, ev), true);
    assert.equal(m(`sel:\n    ts|hour: 14\ncondition: sel`, ev), true);
    assert.equal(m(`sel:\n    ts|hour: 15\ncondition: sel`, ev), false);
    assert.equal(m(`sel:\n    ts|day: 5\ncondition: sel`, ev), true);
    assert.equal(m(`sel:\n    ts|week: 10\ncondition: sel`, ev), true);
    assert.equal(m(`sel:\n    ts|month: 3\ncondition: sel`, ev), true);
    assert.equal(m(`sel:\n    ts|year: 2024\ncondition: sel`, ev), true);
    assert.equal(m(`sel:\n    ts|year: 2024\ncondition: sel`, { ts: 'not a date' }), false);
  });
  it('cidr: IPv4 and IPv6', () => {
    const v4 = `sel:\n    ip|cidr: 10.0.0.0/8\ncondition: sel`;
    assert.equal(m(v4, { ip: '10.9.8.7' }), true);
    assert.equal(m(v4, { ip: '11.0.0.1' }), false);
    assert.equal(m(v4, { ip: 'fe80::1' }), false);
    assert.equal(m(`sel:\n    ip|cidr: 192.168.1.128/25\ncondition: sel`, { ip: '192.168.1.200' }), true);
    assert.equal(m(`sel:\n    ip|cidr: 192.168.1.128/25\ncondition: sel`, { ip: '192.168.1.100' }), false);
    const v6 = `sel:\n    ip|cidr: 'fe80::/10'\ncondition: sel`;
    assert.equal(m(v6, { ip: 'fe80::1' }), true);
    assert.equal(m(v6, { ip: 'FEBF:ffff::1' }), true);
    assert.equal(m(v6, { ip: 'fec0::1' }), false);
    assert.equal(m(v6, { ip: '10.0.0.1' }), false);
    assert.equal(m(`sel:\n    ip|cidr: '2001:db8::/32'\ncondition: sel`, { ip: '2001:0db8:0:0:0:0:0:1' }), true);
    assert.equal(m(`sel:\n    ip|cidr: '::ffff:0:0/96'\ncondition: sel`, { ip: '::ffff:10.1.2.3' }), true);
  });
  it('fieldref: compares two fields of the same event', () => {
    const d = `sel:\n    TargetFilename|fieldref: Image\ncondition: sel`;
    assert.equal(m(d, { TargetFilename: 'C:\\a.exe', Image: 'c:\\A.exe' }), true);
    assert.equal(m(d, { TargetFilename: 'C:\\a.exe', Image: 'C:\\b.exe' }), false);
    assert.equal(m(d, { TargetFilename: 'C:\\a.exe' }), false);
    assert.equal(m(d, {}), false);
    const neq = `sel:\n    User|fieldref|neq: ParentUser\ncondition: sel`;
    assert.equal(m(neq, { User: 'a', ParentUser: 'b' }), true);
    assert.equal(m(neq, { User: 'a', ParentUser: 'a' }), false);
    assert.equal(m(`sel:\n    a|fieldref|endswith: b\ncondition: sel`, { a: 'xxYY', b: 'yy' }), true);
  });
  it('expand: placeholders from options; none configured is a rejection naming it', () => {
    const d = `sel:\n    ComputerName|expand: '%Workstations%'\ncondition: sel`;
    const c = compile(d, { placeholders: { Workstations: ['ws-*', 'laptop01'] } });
    assert.equal(c.predicate({ ComputerName: 'WS-0042' }), true);
    assert.equal(c.predicate({ ComputerName: 'laptop01' }), true);
    assert.equal(c.predicate({ ComputerName: 'srv-01' }), false);
    assert.match(rejection(d).reason, /placeholder '%Workstations%' has no value/);
    const esc = compile(`sel:\n    a|expand: '\\%plain%x%'\ncondition: sel`, { placeholders: { x: ['v'] } });
    assert.equal(esc.predicate({ a: '%plainv' }), true);
    // Without expand, %name% is literal text.
    assert.equal(m(`sel:\n    a: '%name%'\ncondition: sel`, { a: '%NAME%' }), true);
  });
});

describe('keywords', () => {
  it('search every string value of the event (contains), skipping event.original and weft.*', () => {
    const d = `keywords:\n    - 'event::clear'\n    - 'sekurlsa*logon'\ncondition: keywords`;
    assert.equal(m(d, { message: 'ran EVENT::CLEAR now' }), true);
    assert.equal(m(d, { deep: { list: ['x', 'sekurlsa::logonpasswords'] } }), true);
    assert.equal(m(d, { message: 'nothing' }), false);
    assert.equal(m(d, { event: { original: 'event::clear' } }), false);
    assert.equal(m(d, { weft: { source_id: 'event::clear' } }), false);
  });
  it("'|all' keywords must all appear", () => {
    const d = `keywords:\n    '|all':\n        - 'OabVirtualDirectory'\n        - ' -ExternalUrl '\ncondition: keywords`;
    assert.equal(m(d, { a: 'Set-OabVirtualDirectory', b: 'x -externalurl y' }), true);
    assert.equal(m(d, { a: 'Set-OabVirtualDirectory' }), false);
  });
});

describe('bad modifiers and values are rejections naming the problem', () => {
  const cases: Array<[string, RegExp]> = [
    [`sel:\n    a|foo: x\ncondition: sel`, /unknown modifier 'foo' in 'a\|foo'/],
    [`sel:\n    a|re: '(unclosed'\ncondition: sel`, /invalid regular expression '\(unclosed'.*missing closing \)/],
    [`sel:\n    a|re: '(?<=x)y'\ncondition: sel`, /invalid regular expression/],
    [`sel:\n    a|contains|re: 'x'\ncondition: sel`, /modifier 're' only applies to unmodified values/],
    [`sel:\n    a|i: 'x'\ncondition: sel`, /regex flag modifier 'i' needs 're'/],
    [`sel:\n    a|base64: 'x*'\ncondition: sel`, /'base64' cannot encode a value with wildcards/],
    [`sel:\n    a|cidr: '10.0.0.0/33'\ncondition: sel`, /invalid CIDR '10.0.0.0\/33'/],
    [`sel:\n    a|cidr: 'nonsense'\ncondition: sel`, /invalid CIDR 'nonsense'/],
    [`sel:\n    a|gt: 'abc'\ncondition: sel`, /modifier 'gt' needs a number/],
    [`sel:\n    a|exists: 'yes'\ncondition: sel`, /modifier 'exists' needs true or false/],
    [`sel:\n    a|fieldref: 'b*'\ncondition: sel`, /field references must not contain wildcards/],
    [`sel:\n    a|wide: 'é'\ncondition: sel`, /'wide' only applies to ASCII strings/],
    [`sel:\n    a: ['', null]\ncondition: sel`, /null cannot be part of a list of values/],
    [`sel:\n    a: []\ncondition: sel`, /'a' has an empty value list/],
    [`sel:\n    a:\n        b: c\ncondition: sel`, /value of 'a' must be a scalar or a list of scalars/],
    [`sel:\n    a|contains: null\ncondition: sel`, /modifier 'contains' needs a string value, got a null/],
    [`sel:\n    a||contains: x\ncondition: sel`, /empty modifier/],
  ];
  for (const [d, re] of cases) {
    it(re.source, () => {
      const r = rejection(d);
      assert.match(r.reason, re);
      assert.equal(r.file, 'inline.yml');
      assert.ok(r.line >= 6, `line ${r.line} points into the detection`);
    });
  }
});
