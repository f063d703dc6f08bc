import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RecordPipeline } from '../../ingest/record-pipeline.js';
import { bundledPipelineFiles, type ConditionValue } from '../pipeline/index.js';
import { compileConditions } from '../pipeline/predicate.js';
import { ConditionDispatch } from './condition-dispatch.js';
import { buildRuleSet, LiteralScanner, type BuildRuleSetResult } from './index.js';
import { rng as prng } from '../../../test/support/rng.js';


function scanIds(s: LiteralScanner, text: string, stamp = 1): number[] {
  const marks = new Int32Array(s.size);
  const n = s.scan(text, marks, stamp);
  return [...s.found.subarray(0, n)].sort((a, b) => a - b);
}

/** Words of 1 to `max` code units of `alphabet` (surrogate halves included), drawn with `rnd`. */
function randomWords(rnd: () => number, alphabet: string): (max: number) => string {
  return (max) => {
    let w = '';
    const n = 1 + Math.floor(rnd() * max);
    for (let i = 0; i < n; i++) w += alphabet[Math.floor(rnd() * alphabet.length)];
    return w;
  };
}

describe('LiteralScanner (q-gram filter with verification)', () => {
  it('reports every needle the text contains, including needles inside needles and overlaps', () => {
    const s = new LiteralScanner(['he', 'she', 'his', 'hers', 'c:\\windows\\', '\\windows\\system32']);
    assert.deepEqual(scanIds(s, 'ushers'), [0, 1, 3]);
    assert.deepEqual(scanIds(s, 'c:\\windows\\system32\\cmd.exe'), [4, 5]);
    assert.deepEqual(scanIds(s, 'nothing here?'), [0]);
    assert.deepEqual(scanIds(s, ''), []);
  });

  it('handles the empty needle, undefined slots, repeats and non-ASCII text', () => {
    const s = new LiteralScanner(['', undefined, 'ä€', '😀x', 'aa']);
    assert.deepEqual(scanIds(s, 'zzz'), [0]);
    assert.deepEqual(scanIds(s, 'aaaa ä€ 😀x'), [0, 2, 3, 4]);
    const marks = new Int32Array(s.size);
    s.scan('aa', marks, 7);
    assert.equal(marks[1], 0, 'an undefined needle is never reported');
  });

  it('finds short needles of rare ASCII characters, with or without a common short needle beside them', () => {
    const rare = new LiteralScanner(['>', '^^', 'x|', 'cmd.exe']);
    assert.deepEqual(scanIds(rare, 'cmd.exe /c dir > out.txt'), [0, 3]);
    assert.deepEqual(scanIds(rare, 'c^^md ax|b'), [1, 2]);
    assert.deepEqual(scanIds(rare, 'plain text, no such units'), []);
    const mixed = new LiteralScanner(['>', '/c', '€']);
    assert.deepEqual(scanIds(mixed, 'cmd /c x'), [1]);
    assert.deepEqual(scanIds(mixed, 'a > b €'), [0, 2]);
  });

  it('agrees with String.includes on random needles and texts (2000 texts)', () => {
    const rnd = prng(42);
    const word = randomWords(rnd, 'ab\\c:.-ß😀');
    const needles = Array.from({ length: 300 }, () => word(6));
    const s = new LiteralScanner(needles);
    const marks = new Int32Array(s.size);
    for (let k = 1; k <= 2000; k++) {
      const text = word(80);
      s.scan(text, marks, k);
      needles.forEach((n, id) => assert.equal(marks[id] === k, text.includes(n), `needle ${JSON.stringify(n)} in ${JSON.stringify(text)}`));
    }
    // Short needles only of rare units (the short pass runs only over texts that have one).
    const rareWord = randomWords(rnd, 'ab<>^`|');
    const rareNeedles = [...Array.from({ length: 40 }, () => rareWord(2)).filter((n) => !/[ab]/.test(n)), ...Array.from({ length: 100 }, () => 'ab' + rareWord(4))];
    const r = new LiteralScanner(rareNeedles);
    const rmarks = new Int32Array(r.size);
    for (let k = 1; k <= 2000; k++) {
      const text = rnd() < 0.3 ? word(40) : rareWord(40);
      r.scan(text, rmarks, k);
      rareNeedles.forEach((n, id) => assert.equal(rmarks[id] === k, text.includes(n), `needle ${JSON.stringify(n)} in ${JSON.stringify(text)}`));
    }
  });
});

describe('LiteralScanner.scanFolded (an ASCII text read as lowercase)', () => {
  it('finds what scan finds in the lowercased text, on random mixed-case ASCII (3000 texts)', () => {
    const rnd = prng(99);
    const word = randomWords(rnd, 'abcABC\\:.-@[`{<>|^');
    // Lowercase needles, as the rule index gives them; short ones only of rare units.
    const needles = [...Array.from({ length: 200 }, () => word(8).toLowerCase()).filter((n) => n.length >= 3), '<>', '|', '^^'];
    const s = new LiteralScanner(needles);
    const marks = new Int32Array(s.size);
    for (let k = 1; k <= 3000; k++) {
      const text = word(60);
      const n = s.scanFolded(text, marks, k);
      const expected = needles.flatMap((nd, id) => (text.toLowerCase().includes(nd) ? [id] : []));
      assert.deepEqual([...s.found.subarray(0, n)].sort((a, b) => a - b), expected, JSON.stringify(text));
    }
  });

  it('declines (-1) a non-ASCII text and a scanner whose short needles have letters', () => {
    const s = new LiteralScanner(['kelvin', 'straße']);
    const marks = new Int32Array(s.size);
    // U+212A KELVIN SIGN lowercases to an ASCII k: folding ASCII alone would miss it.
    assert.equal(s.scanFolded('\u212Aelvin', marks, 1), -1);
    assert.equal(s.scanFolded('STRAẞE', marks, 2), -1);
    assert.equal(s.scanFolded('KELVIN', marks, 3), 1);
    assert.equal(marks[0], 3);
    assert.equal(new LiteralScanner(['/c', 'cmd.exe']).scanFolded('CMD.EXE /C', new Int32Array(2), 1), -1);
  });
});

describe('LiteralScanner: grams, collisions and per-scan state', () => {
  const rnd = prng(1234);
  // 'a' (0x61) and 'š' (0x161), '\\' (0x5c) and 'Ŝ' (0x15c): equal low bytes, so their grams collide.
  const alphabet = 'aš\\Ŝbc.e-x😀';
  const word = (min: number, max: number): string => {
    let w = '';
    const n = min + Math.floor(rnd() * (max - min + 1));
    for (let i = 0; i < n; i++) w += alphabet[Math.floor(rnd() * alphabet.length)];
    return w;
  };

  it('agrees with String.includes for needles of 1 to 14 code units sharing grams (3000 texts)', () => {
    const base = Array.from({ length: 40 }, () => word(4, 6));
    // Needles built around shared stems: many share their rarest 4-gram or differ in one unit.
    const needles = [...base, ...base.map((b) => b + word(1, 8)), ...base.map((b) => word(1, 4) + b), ...Array.from({ length: 60 }, () => word(1, 3))];
    const s = new LiteralScanner(needles);
    const marks = new Int32Array(s.size);
    for (let k = 1; k <= 3000; k++) {
      const text = rnd() < 0.5 ? word(0, 120) : `${word(0, 20)}${needles[k % needles.length] as string}${word(0, 20)}`;
      const n = s.scan(text, marks, k);
      const expected = needles.flatMap((nd, id) => (text.includes(nd) ? [id] : []));
      assert.deepEqual([...s.found.subarray(0, n)].sort((a, b) => a - b), expected);
      assert.equal(s.containsAny(text), expected.length > 0);
    }
  });

  it('restarts its per-scan state when stamps go back (a caller wrapping its epoch)', () => {
    const s = new LiteralScanner(['windows\\system32', 'cmd.exe']);
    const marks = new Int32Array(s.size);
    assert.deepEqual(scanIds(s, 'c:\\windows\\system32\\cmd.exe', 5), [0, 1]);
    marks.fill(0);
    // Stamp 1 after 5: a bucket marked done under an old stamp must not hide a needle now.
    assert.equal(s.scan('x cmd.exe', marks, 1), 1);
    assert.equal(marks[1], 1);
    assert.equal(s.scan('windows\\system32', marks, 2), 1);
    assert.equal(marks[0], 2);
  });

  it('finds a needle at the very start and end of the text, and never before position 0', () => {
    const s = new LiteralScanner(['abcd', 'xyzabcd', 'cd']);
    assert.deepEqual(scanIds(s, 'abcd'), [0, 2]);
    assert.deepEqual(scanIds(s, 'zabcd'), [0, 2]);
    assert.deepEqual(scanIds(s, 'yzabcd'), [0, 2]);
    assert.deepEqual(scanIds(s, 'xyzabcd'), [0, 1, 2]);
    assert.equal(new LiteralScanner(['xyzabcd']).containsAny('yzabcd'), false);
  });
});

describe('ConditionDispatch', () => {
  const conds = [
    { conditions: [{ 'winlog.channel': ['Security'], 'winlog.event_id': [4688] }, { 'winlog.channel': ['Microsoft-Windows-Sysmon/Operational'], 'winlog.event_id': [1] }] },
    { conditions: [{ 'winlog.channel': ['Security'] }] },
    { conditions: [{ 'winlog.provider_name': ['Microsoft-Windows-Kernel-File'] }] },
    { conditions: null },
    { conditions: [{ 'winlog.channel': ['Security'], 'winlog.provider_name': ['X'] }] },
  ];
  const d = new ConditionDispatch(conds);
  /** Decided conditions as i, conditions to evaluate as -1 - i; sorted. */
  const visit = (ev: unknown): number[] => {
    const out: number[] = [];
    d.forCandidates(ev, (i, decided) => out.push(decided ? i : -1 - i));
    return [...new Set(out)].sort((a, b) => a - b);
  };

  it('picks the paths most conditions pin, decides two-path conditions by lookup, case-insensitively', () => {
    assert.equal(d.path, 'winlog.channel');
    assert.equal(d.secondPath, 'winlog.event_id');
    assert.equal(d.alwaysCount, 2);
    assert.equal(d.decidedCount, 2);
    assert.deepEqual(visit({ winlog: { channel: 'SECURITY' } }), [-5, -4, -3, 1]);
    assert.deepEqual(visit({ winlog: { channel: 'SECURITY', event_id: '4688' } }), [-5, -4, -3, 0, 1]);
    assert.deepEqual(visit({ winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 1 } }), [-4, -3, 0]);
    assert.deepEqual(visit({ winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 4688 } }), [-4, -3]);
    assert.deepEqual(visit({ winlog: { channel: 'Application', event_id: 4688 } }), [-4, -3]);
  });

  it('reads arrays element by element (nested too) and ignores objects and missing values', () => {
    assert.deepEqual(visit({ winlog: { channel: ['x', 'Security'], event_id: ['1', 4688] } }), [-5, -4, -3, 0, 1]);
    assert.deepEqual(visit({ winlog: { channel: [['Security']] } }), [-5, -4, -3, 1]);
    assert.deepEqual(visit({ winlog: { channel: { nested: 'Security' } } }), [-4, -3]);
    assert.deepEqual(visit({ winlog: { channel: 'Security', event_id: { n: 4688 } } }), [-5, -4, -3, 1]);
    assert.deepEqual(visit({}), [-4, -3]);
    assert.deepEqual(visit(null), [-4, -3]);
  });

  it('agrees with the compiled pipeline predicates on random events (decided = holds; the rest evaluated)', () => {
    const rnd = prng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const values: unknown[] = ['Security', 'SECURITY', 'System', 1, '1', 4688, '4688', true, 'true', null, undefined, { a: 1 }, ['System', 7], [['Security']], [4688]];
    const random = (): Record<string, ConditionValue[]>[] =>
      Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => {
        const alt: Record<string, ConditionValue[]> = { a: [pick(['Security', 'System', 'X'])] };
        if (rnd() < 0.7) alt.b = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => pick<ConditionValue>([1, 4688, '7', true]));
        if (rnd() < 0.2) alt.c = [pick(['x', 'y'])];
        return alt;
      });
    const defs = Array.from({ length: 40 }, random);
    defs.push([{ c: ['x'] }]);
    const dispatch = new ConditionDispatch(defs.map((conditions) => ({ conditions })));
    assert.equal(dispatch.path, 'a');
    assert.equal(dispatch.secondPath, 'b');
    const preds = defs.map((c) => compileConditions(c));
    for (let k = 0; k < 3000; k++) {
      const ev: Record<string, unknown> = {};
      for (const f of ['a', 'b', 'c']) {
        const v = f === 'c' ? pick(['x', 'y', undefined]) : pick(values);
        if (v !== undefined) ev[f] = v;
      }
      const holds = new Set<number>();
      dispatch.forCandidates(ev, (i, decided) => {
        if (decided || (preds[i] as (e: unknown) => boolean)(ev)) holds.add(i);
      });
      const expected = new Set(preds.flatMap((p, i) => (p(ev) ? [i] : [])));
      assert.deepEqual([...holds].sort((a, b) => a - b), [...expected].sort((a, b) => a - b), JSON.stringify(ev));
    }
  });
});

function ruleDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-engine-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const rule = (id: string, title: string, logsource: string, detection: string, extra = ''): string =>
  `title: ${title}\nid: ${id}\nstatus: test\nlevel: high\ntags: [attack.execution]\nlogsource:\n${logsource}\ndetection:\n${detection}\n${extra}`;

const PROC = '    product: windows\n    category: process_creation';

/** A real Sysmon 1 event as evtx_dump JSON (from SigmaHQ's regression data format), trimmed. */
const SYSMON_1 = JSON.stringify({
  Event: {
    System: {
      Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } },
      EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'ws1', EventRecordID: 42,
      TimeCreated: { '#attributes': { SystemTime: '2026-04-20T10:00:35.646Z' } },
    },
    EventData: {
      UtcTime: '2026-04-20 10:00:35.640', ProcessId: 6180, Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c whoami /all', ParentImage: 'C:\\Windows\\explorer.exe', User: 'CORP\\alice',
    },
  },
});

function normalize(line: string): Record<string, unknown> {
  const out = new RecordPipeline({ sourceId: 'src-unique-42' }).process(line, new Date('2026-01-01T00:00:00Z'));
  assert.equal(out.length, 1);
  const o = out[0]!;
  if (o.kind !== 'event') assert.fail(`quarantined: ${o.quarantine.reason} ${o.quarantine.message}`);
  return o.event as Record<string, unknown>;
}

function ids(b: BuildRuleSetResult, ev: unknown, exhaustive = false): string[] {
  return b.ruleSet.evaluate(ev, { exhaustive }).map((m) => m.rule.id);
}

describe('buildRuleSet and RuleSet.evaluate', () => {
  const dir = ruleDir({
    'b_whoami.yml': rule('bbbbbbbb-0000-4000-8000-000000000002', 'Whoami', PROC, "    sel:\n        Image|endswith: '\\cmd.exe'\n        CommandLine|contains: 'whoami'\n    condition: sel"),
    'a_path.yml': rule('aaaaaaaa-0000-4000-8000-000000000001', 'System32 path', PROC, "    sel:\n        Image|contains: '\\Windows\\System32\\'\n    condition: sel"),
    'c_keyword.yml': rule('cccccccc-0000-4000-8000-000000000003', 'Keyword anywhere', '    product: linux', "    keywords:\n        - 'whoami /all'\n    condition: keywords"),
    'd_other.yml': rule('dddddddd-0000-4000-8000-000000000004', 'Other product field', '    product: opencanary', '    sel:\n        logtype: 5001\n    condition: sel'),
    'e_hidden.yml': rule('eeeeeeee-0000-4000-8000-000000000005', 'Reads weft fields', '    product: anything', "    sel:\n        weft.source_id: 'src-unique-42'\n    condition: sel"),
    'f_deep.yml': rule('ffffffff-0000-4000-8000-000000000006', 'Deep field', '    product: custom', `    sel:\n        ${Array.from({ length: 40 }, () => 'x').join('.')}: 'deep-secret'\n    condition: sel`),
    'g_bad.yml': rule('99999999-0000-4000-8000-000000000007', 'Bad modifier', PROC, "    sel:\n        Image|bogus: 'x'\n    condition: sel"),
    'h_corr.yml': 'title: Many whoami\nid: 88888888-0000-4000-8000-000000000008\ncorrelation:\n    type: event_count\n    rules: [bbbbbbbb-0000-4000-8000-000000000002]\n    group-by: [Computer]\n    timespan: 5m\n    condition: {gte: 3}\n',
    'i_disabled.yml': rule('77777777-0000-4000-8000-000000000009', 'Disabled', PROC, "    sel:\n        Image|contains: 'cmd'\n    condition: sel"),
  });
  const b = buildRuleSet({ rulePaths: [dir], pipelinePaths: bundledPipelineFiles(), disabled: ['77777777-0000-4000-8000-000000000009'] });

  it('compiles rules with the resolver of their logsource and reports rejections with file, line and reason', () => {
    assert.equal(b.loaded, 6);
    assert.equal(b.disabled, 1);
    assert.equal(b.rejections.length, 1);
    const r = b.rejections[0]!;
    assert.ok(r.file.endsWith('g_bad.yml'));
    assert.ok(r.line > 1);
    assert.match(r.reason, /bogus/);
    assert.deepEqual(b.pipelineErrors, []);
    assert.equal(b.correlations.length, 1);
    assert.equal(b.correlations[0]!.type, 'event_count');
  });

  it('matches through the JSON escaping of the raw record, in rule-id order, with selections', () => {
    const ev = normalize(SYSMON_1);
    assert.ok(String((ev.event as Record<string, unknown>).original).includes('C:\\\\Windows'), 'the raw record doubles backslashes');
    const ms = b.ruleSet.evaluate(ev);
    assert.deepEqual(ms.map((m) => m.rule.id), [
      'aaaaaaaa-0000-4000-8000-000000000001',
      'bbbbbbbb-0000-4000-8000-000000000002',
      'cccccccc-0000-4000-8000-000000000003',
      'eeeeeeee-0000-4000-8000-000000000005',
    ]);
    assert.deepEqual(ms[1]!.selections, ['sel']);
    assert.deepEqual(ms[1]!.rule.tags, ['attack.execution']);
    assert.equal(ms[1]!.rule.level, 'high');
    assert.equal(ms[1]!.event, ev);
    assert.deepEqual(ids(b, ev, true), ms.map((m) => m.rule.id));
  });

  it('routes by logsource: a Security event is not a process_creation event unless it is 4688', () => {
    const sec = normalize(SYSMON_1.replace('Microsoft-Windows-Sysmon/Operational', 'Security'));
    assert.deepEqual(ids(b, sec), ['cccccccc-0000-4000-8000-000000000003', 'eeeeeeee-0000-4000-8000-000000000005']);
    assert.deepEqual(ids(b, sec, true), ids(b, sec));
  });

  it('skips rules whose required root keys are absent, and still matches when present', () => {
    b.ruleSet.resetStats();
    const ev = normalize(SYSMON_1);
    b.ruleSet.evaluate(ev);
    const s = b.ruleSet.stats();
    // Evaluated: a, b (literals present), c (keyword literal present), e (no prefilter: weft.* is not in the text view).
    assert.equal(s.ruleEvaluations, 4);
    assert.deepEqual(ids(b, { logtype: 5001 }), ['dddddddd-0000-4000-8000-000000000004']);
    assert.deepEqual(ids(b, { 'logtype.extra': 1, logtype: '5001' }), ['dddddddd-0000-4000-8000-000000000004']);
  });

  it('falls back to evaluating every candidate when the text view is truncated (fields deeper than 32 levels)', () => {
    let deep: Record<string, unknown> = { x: 'deep-secret' };
    for (let i = 0; i < 39; i++) deep = { x: deep };
    b.ruleSet.resetStats();
    assert.deepEqual(ids(b, deep), ['ffffffff-0000-4000-8000-000000000006']);
    assert.equal(b.ruleSet.stats().exhaustiveEvents, 1);
  });

  it('never throws on hostile events (null, arrays, primitives, cycles) and agrees with the exhaustive path', () => {
    const cyclic: Record<string, unknown> = { logtype: 5001 };
    cyclic.self = cyclic;
    for (const ev of [null, undefined, 42, 'text', [], [{ logtype: 5001 }], Object.create(null) as object, cyclic]) {
      assert.deepEqual(ids(b, ev), ids(b, ev, true));
    }
  });

  it('counts stats: rules per event and the prefilter pass rate', () => {
    b.ruleSet.resetStats();
    b.ruleSet.evaluate(normalize(SYSMON_1));
    const s = b.ruleSet.stats();
    assert.equal(s.events, 1);
    assert.equal(s.matches, 4);
    assert.ok(s.logsourceCandidates >= s.prefilterPassed);
    assert.equal(s.prefilterPassRate, s.prefilterPassed / s.logsourceCandidates);
  });

  it('reports pipeline errors instead of throwing', () => {
    const bad = join(ruleDir({}), 'bad.yml');
    writeFileSync(bad, 'name: broken\nlogsources:\n  - match: {prodcut: windows}\n');
    const r = buildRuleSet({ rulePaths: [dir], pipelinePaths: [...bundledPipelineFiles(), bad] });
    assert.equal(r.pipelineErrors.length, 1);
    assert.match(r.pipelineErrors[0]!.message, /prodcut/);
  });
});

describe('pinned-field index', () => {
  const dir = ruleDir({
    'logon.yml': rule('11111111-0000-4000-8000-000000000001', 'Logon', '    product: windows\n    service: security', '    sel:\n        EventID: 4624\n    filter:\n        LogonType: 3\n    condition: sel and not filter'),
    'flag.yml': rule('22222222-0000-4000-8000-000000000002', 'Flag', '    product: windows\n    service: security', "    sel:\n        Elevated: 'true'\n    condition: sel"),
  });
  const b = buildRuleSet({ rulePaths: [dir], pipelinePaths: bundledPipelineFiles() });
  const sec = (id: string, data: Record<string, unknown>): unknown => ({ winlog: { channel: 'Security', event_id: id, event_data: data } });

  it('evaluates a rule only when the event holds a pinned value, numbers, booleans and arrays included', () => {
    // The Logon rule has no literal (4624 is a number): it is indexed by its EventID. The Flag
    // rule's literal 'true' is its pinned value: indexed by the pin, it is not evaluated for an
    // event that has 'true' in another field.
    assert.equal(b.ruleSet.describe().pinnedFieldRules, 2);
    b.ruleSet.resetStats();
    assert.deepEqual(ids(b, sec('4625', { LogonType: '2' })), []);
    assert.deepEqual(ids(b, sec('1', { Other: 'true', Elevated: 'false' })), []);
    assert.equal(b.ruleSet.stats().ruleEvaluations, 0);
    assert.deepEqual(ids(b, sec('4624', { LogonType: '2' })), ['11111111-0000-4000-8000-000000000001']);
    assert.deepEqual(ids(b, sec('4624', { LogonType: 3 })), []);
    assert.deepEqual(ids(b, { winlog: { channel: 'security', event_id: 4624 } }), ['11111111-0000-4000-8000-000000000001']);
    assert.deepEqual(ids(b, { winlog: { channel: 'Security', event_id: ['1', '4624'] } }), ['11111111-0000-4000-8000-000000000001']);
    assert.deepEqual(ids(b, sec('1', { Elevated: true })), ['22222222-0000-4000-8000-000000000002']);
    assert.deepEqual(ids(b, sec('1', { Elevated: 'TRUE' })), ['22222222-0000-4000-8000-000000000002']);
    for (const ev of [sec('4624', {}), sec('1', { Elevated: true }), sec('x', { Elevated: null })]) assert.deepEqual(ids(b, ev), ids(b, ev, true));
  });
});

describe('literal clauses: common short literals, long clauses, per-value cache', () => {
  const SEC = '    product: windows\n    service: security';
  const hashes = Array.from({ length: 20 }, (_, i) => `'${(0xabc000 + i).toString(16)}deadbeef'`).join(', ');
  const dir = ruleDir({
    // One clause mixing a common short literal ('/c') and a longer one, on a pinned EventID: the rule
    // cannot be anchored by that clause, and the clause must still see the long literal.
    'mixed.yml': rule('33333333-0000-4000-8000-000000000003', 'Mixed', SEC, "    sel:\n        EventID: 4688\n        CommandLine|contains:\n            - '/c'\n            - 'whoami'\n    condition: sel"),
    // A clause of one rare character: it prunes (no '>' in the text, the rule is not evaluated).
    'redirect.yml': rule('55555555-0000-4000-8000-000000000005', 'Redirect', SEC, "    sel:\n        CommandLine|contains|all:\n            - 'cmd'\n            - '>'\n    condition: sel"),
    // A long clause (20 hashes) beside an anchor literal.
    'hashes.yml': rule('44444444-0000-4000-8000-000000000004', 'Hashes', SEC, `    sel:\n        CommandLine|contains: 'rundll32'\n        Hashes|contains: [${hashes}]\n    condition: sel`),
  });
  const b = buildRuleSet({ rulePaths: [dir], pipelinePaths: bundledPipelineFiles() });
  const sec = (data: Record<string, unknown>): unknown => ({ winlog: { channel: 'Security', event_id: '4688', event_data: data } });

  it('checks a clause with a common literal through its other literals, and a long clause through the found ones', () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ CommandLine: 'cmd whoami' }, ['33333333-0000-4000-8000-000000000003']],
      [{ CommandLine: 'cmd /C dir' }, ['33333333-0000-4000-8000-000000000003']],
      [{ CommandLine: 'cmd dir' }, []],
      [{ CommandLine: 'RUNDLL32 x', Hashes: 'MD5=ABC013DEADBEEF' }, ['44444444-0000-4000-8000-000000000004']],
      [{ CommandLine: 'rundll32 x', Hashes: 'MD5=ABC099DEADBEEF' }, []],
      [{ CommandLine: 'rundll32 x', Hashes: ['x', 'abc000deadbeef'] }, ['44444444-0000-4000-8000-000000000004']],
      [{ CommandLine: 'notepad', Hashes: 'abc000deadbeef' }, []],
    ];
    for (const [data, expected] of cases) {
      assert.deepEqual(ids(b, sec(data)), expected, JSON.stringify(data));
      assert.deepEqual(ids(b, sec(data)), ids(b, sec(data), true), JSON.stringify(data));
    }
  });

  it('prunes with a clause of a rare one-character literal', () => {
    // Event id 4689: only the redirect rule (no EventID pin) is a logsource candidate.
    const ev = (data: Record<string, unknown>): unknown => ({ winlog: { channel: 'Security', event_id: '4689', event_data: data } });
    b.ruleSet.resetStats();
    assert.deepEqual(ids(b, ev({ CommandLine: 'cmd /c dir' })), []);
    assert.equal(b.ruleSet.stats().ruleEvaluations, 0, 'no ">" in the event: the redirect rule is not evaluated');
    assert.deepEqual(ids(b, ev({ CommandLine: 'cmd /c dir > out.txt' })), ['55555555-0000-4000-8000-000000000005']);
    assert.equal(b.ruleSet.stats().ruleEvaluations, 1);
    const elsewhere = ev({ CommandLine: 'cmd /c dir', Other: 'a > b' });
    assert.deepEqual(ids(b, elsewhere), []);
    assert.deepEqual(ids(b, elsewhere, true), []);
  });

  it('gives the same answers when values repeat across many events (cache generations) and for deep events', () => {
    // Enough distinct values to roll the per-value cache over several times, with the matching
    // values recurring throughout.
    for (let i = 0; i < 40_000; i++) {
      const hit = i % 997 === 0;
      const ev = sec({ CommandLine: hit ? 'rundll32 x' : `proc-${i} arg`, Hashes: hit ? `MD5=ABC00${i % 10}DEADBEEF` : `MD5=${i}`, Extra: `value-${i}` });
      assert.deepEqual(ids(b, ev), hit ? ['44444444-0000-4000-8000-000000000004'] : [], String(i));
    }
    let deep: Record<string, unknown> = { CommandLine: 'whoami' };
    for (let d = 0; d < 40; d++) deep = { nested: deep };
    const deepEvent = { ...(sec({}) as object), deep };
    b.ruleSet.resetStats();
    const indexed = ids(b, deepEvent);
    assert.equal(b.ruleSet.stats().exhaustiveEvents, 1, 'a value the walk could not reach forces full evaluation');
    assert.deepEqual(indexed, ids(b, deepEvent, true));
  });
});

describe('keyword searches answered from the index', () => {
  const DB = '    category: database';
  const many = Array.from({ length: 20 }, (_, i) => `'tool-${i}-marker'`).join(', ');
  const dir = ruleDir({
    // Unconditioned keyword rules: candidates for every event that holds one of their literals.
    'sql.yml': rule('66666666-0000-4000-8000-000000000006', 'SQL words', DB, "    keywords:\n        - 'drop table'\n        - 'xp_cmdshell'\n    condition: keywords"),
    // A keyword under NOT (its literal is not indexed) and a glob keyword (no single needle).
    'not.yml': rule('77777777-0000-4000-8000-000000000007', 'Dump but not test', DB, "    keywords:\n        - 'dumpfile'\n    filter:\n        - 'unit-test'\n    condition: keywords and not filter"),
    'glob.yml': rule('88888888-0000-4000-8000-000000000008', 'Glob keyword', DB, "    keywords:\n        - 'select*from secrets'\n    condition: keywords"),
    // A long keyword list (one multi-needle scan without the index).
    'many.yml': rule('99999999-0000-4000-8000-000000000009', 'Many markers', DB, `    keywords: [${many}]\n    condition: keywords`),
    // A field rule's literal that a keyword search also uses, under NOT: the keyword search must
    // find it in any value, not only in the field's.
    'field.yml': rule('aaaaaaaa-0000-4000-8000-00000000000a', 'Query tool', DB, "    sel:\n        query|contains: 'mimikatz'\n    condition: sel"),
    'notkw.yml': rule('bbbbbbbb-0000-4000-8000-00000000000b', 'Admin without tool', DB, "    sel:\n        user: 'admin'\n    tool:\n        - 'mimikatz'\n    condition: sel and not tool"),
  });
  const b = buildRuleSet({ rulePaths: [dir], pipelinePaths: bundledPipelineFiles() });
  const cases: Array<[unknown, string[]]> = [
    [{ message: 'EXEC xp_cmdshell whoami' }, ['66666666-0000-4000-8000-000000000006']],
    [{ db: { statement: ['ok', 'DROP TABLE users'] } }, ['66666666-0000-4000-8000-000000000006']],
    [{ message: 'drop', other: 'table' }, []],
    [{ message: 'into dumpfile /tmp/x' }, ['77777777-0000-4000-8000-000000000007']],
    [{ message: 'into dumpfile /tmp/x', note: 'UNIT-TEST run' }, []],
    [{ message: 'SELECT a FROM secrets' }, ['88888888-0000-4000-8000-000000000008']],
    [{ message: 'a tool-13-marker b' }, ['99999999-0000-4000-8000-000000000009']],
    [{ message: 'tool-13', n: 'marker' }, []],
    [{ message: 'xp_cmdshell', event: { original: 'drop table t' }, weft: { id: 'dumpfile' } }, ['66666666-0000-4000-8000-000000000006']],
    [{ event: { original: 'xp_cmdshell' } }, []],
    [{ user: 'admin', message: 'MIMIKATZ here' }, []],
    [{ user: 'admin', query: 'select 1' }, ['bbbbbbbb-0000-4000-8000-00000000000b']],
    [{ user: 'bob', query: 'run Mimikatz' }, ['aaaaaaaa-0000-4000-8000-00000000000a']],
    [{ user: 'bob', message: 'run mimikatz' }, []],
  ];

  it('gives the answers of the full keyword search, indexed or not', () => {
    for (const [ev, expected] of cases) {
      assert.deepEqual(ids(b, ev), expected, JSON.stringify(ev));
      assert.deepEqual(ids(b, ev, true), expected, `exhaustive ${JSON.stringify(ev)}`);
      // The compiled predicates alone (no index evaluating): the same.
      const direct = b.ruleSet.rules.filter((r) => r.predicate(ev)).map((r) => r.rule.id);
      assert.deepEqual(direct, expected, `direct ${JSON.stringify(ev)}`);
    }
  });
});

describe('values off the paths rules read', () => {
  const SEC = '    product: windows\n    service: security';
  const DB = '    category: database';
  const dir = ruleDir({
    'whoami.yml': rule('12121212-0000-4000-8000-000000000001', 'Whoami', SEC, "    sel:\n        CommandLine|contains: 'whoami'\n    condition: sel"),
    // Keywords are searched in every value: numbers and booleans as their text.
    'port.yml': rule('12121212-0000-4000-8000-000000000002', 'Port keyword', DB, "    keywords:\n        - '31337'\n    condition: keywords"),
    'flag.yml': rule('12121212-0000-4000-8000-000000000003', 'Flag keyword', DB, "    keywords:\n        - 'rue'\n        - 'xp_dirtree'\n    condition: keywords"),
  });
  const b = buildRuleSet({ rulePaths: [dir], pipelinePaths: bundledPipelineFiles() });
  const WHOAMI = ['12121212-0000-4000-8000-000000000001'];

  it('finds a field literal at the paths its rule reads, however the event spells them', () => {
    const cases: Array<[unknown, string[]]> = [
      [{ winlog: { channel: 'Security', event_id: '4688', event_data: { CommandLine: 'cmd /c WHOAMI' } } }, WHOAMI],
      // Flattened keys and arrays of objects along the path, as field accessors read them.
      [{ 'winlog.channel': 'Security', 'winlog.event_data.CommandLine': 'whoami /all' }, WHOAMI],
      [{ winlog: { channel: 'Security', 'event_data.CommandLine': 'whoami /all' } }, WHOAMI],
      [{ winlog: { channel: 'Security', event_data: [{ CommandLine: 'x' }, { CommandLine: ['y', 'whoami'] }] } }, WHOAMI],
      // The same text elsewhere is not the rule's field: the rule is not a candidate.
      [{ winlog: { channel: 'Security', event_data: { Other: 'whoami', CommandLineX: 'whoami' } } }, []],
      [{ winlog: { channel: 'Security', 'event_data.CommandLine.x': 'whoami' } }, []],
    ];
    for (const [ev, expected] of cases) {
      assert.deepEqual(ids(b, ev), expected, JSON.stringify(ev));
      assert.deepEqual(ids(b, ev, true), expected, `exhaustive ${JSON.stringify(ev)}`);
    }
    b.ruleSet.resetStats();
    ids(b, { winlog: { channel: 'Security', event_data: { Other: 'whoami' } } });
    assert.equal(b.ruleSet.stats().ruleEvaluations, 0, 'a literal off the rule\'s paths makes no candidate');
  });

  it('finds keyword literals in every value: strings, numbers and booleans anywhere', () => {
    const cases: Array<[unknown, string[]]> = [
      [{ source: { port: 31337 } }, ['12121212-0000-4000-8000-000000000002']],
      [{ a: [{ b: [1, 2, 9313370] }] }, ['12121212-0000-4000-8000-000000000002']],
      [{ note: 'port 31337 open' }, ['12121212-0000-4000-8000-000000000002']],
      [{ ok: true }, ['12121212-0000-4000-8000-000000000003']],
      [{ q: 'EXEC XP_DIRTREE' }, ['12121212-0000-4000-8000-000000000003']],
      [{ source: { port: 3133 }, ok: false }, []],
    ];
    for (const [ev, expected] of cases) {
      assert.deepEqual(ids(b, ev), expected, JSON.stringify(ev));
      assert.deepEqual(ids(b, ev, true), expected, `exhaustive ${JSON.stringify(ev)}`);
    }
  });
});
