import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { requireSharedData } from '../../../test/support/shared-data.js';
import { pathResolver, ruleYaml } from '../../../test/support/sigma.js';
import { compileRule, isRejection, loadRules, parseRuleText } from './index.js';

const RULE = ruleYaml(`sel:\n    Image|endswith: '\\rar.exe'\ncondition: sel`);

function only(text: string): { reason: string; line: number; ruleId?: string } {
  const r = parseRuleText(text, 'x.yml');
  assert.equal(r.rules.length + r.correlations.length + r.filters.length, 0, 'nothing should load');
  assert.equal(r.rejections.length, 1, JSON.stringify(r.rejections));
  return r.rejections[0]!;
}

describe('rule documents', () => {
  it('keeps the metadata, the raw detection, file and line', () => {
    const text = `title: Rar use
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
name: rar_use
status: test
description: Detects rar
references:
    - https://example.org/rar
author: Someone
date: 2024-01-02
modified: 2024-02-03
tags:
    - attack.collection
    - attack.t1560.001
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        Image|endswith: '\\rar.exe'
    condition: sel
fields:
    - CommandLine
falsepositives:
    - Backups
level: high
related:
    - id: 1b3e2987-db24-4c78-a860-b4f4095a7095
      type: derived
custom_field: allowed by the spec
`;
    const r = parseRuleText(text, 'rar.yml');
    assert.deepEqual(r.rejections, []);
    const rule = r.rules[0]!;
    assert.equal(rule.id, '6f3e2987-db24-4c78-a860-b4f4095a7095');
    assert.equal(rule.name, 'rar_use');
    assert.equal(rule.title, 'Rar use');
    assert.equal(rule.status, 'test');
    assert.equal(rule.level, 'high');
    assert.deepEqual(rule.tags, ['attack.collection', 'attack.t1560.001']);
    assert.deepEqual(rule.logsource, { category: 'process_creation', product: 'windows' });
    assert.deepEqual(rule.references, ['https://example.org/rar']);
    assert.equal(rule.author, 'Someone');
    assert.equal(rule.date, '2024-01-02');
    assert.equal(rule.modified, '2024-02-03');
    assert.deepEqual(rule.falsepositives, ['Backups']);
    assert.deepEqual(rule.fields, ['CommandLine']);
    assert.deepEqual(rule.related, [{ id: '1b3e2987-db24-4c78-a860-b4f4095a7095', type: 'derived' }]);
    assert.deepEqual(rule.detection, { sel: { 'Image|endswith': '\\rar.exe' }, condition: 'sel' });
    assert.equal(rule.file, 'rar.yml');
    assert.equal(rule.line, 1);
  });

  it('loads several documents of one file with their own line numbers', () => {
    const r = parseRuleText(`${RULE}---\n${RULE.replace('Test rule', 'Second')}`, 'multi.yml');
    assert.deepEqual(r.rejections, []);
    assert.deepEqual(r.rules.map((x) => [x.title, x.line]), [['Test rule', 1], ['Second', 11]]);
  });

  const bad: Array<[string, string, RegExp, number]> = [
    ['malformed YAML', 'title: x\ndetection: [unclosed\n', /^malformed YAML: Flow sequence/, 3],
    ['truncated YAML', RULE.slice(0, RULE.indexOf('condition') - 3) + "'", /^malformed YAML: /, 9],
    ['duplicate keys', RULE + 'title: again\n', /^malformed YAML: .*[Uu]nique/, 10],
    ['missing title', RULE.replace('title: Test rule\n', ''), /missing required field 'title'/, 1],
    ['missing condition', RULE.replace("    condition: sel\n", ''), /detection has no condition/, 6],
    ['missing detection', RULE.replace(/detection:[\s\S]*/, ''), /has none of 'detection', 'correlation' or 'filter'/, 1],
    ['missing logsource', RULE.replace(/logsource:\n( {4}.*\n)+/, ''), /missing required field 'logsource'/, 1],
    ['empty logsource', RULE.replace(/logsource:\n( {4}.*\n)+/, 'logsource:\n    definition: x\n'), /'logsource' needs at least one of category, product, service/, 3],
    ['bad id', RULE.replace(/^id: .*$/m, 'id: not-a-uuid'), /'id' value 'not-a-uuid' is not a UUID/, 2],
    ['bad level', RULE.replace('detection:', 'level: severe\ndetection:'), /'level' value 'severe' is not one of informational, low, medium, high, critical/, 6],
    ['bad status', RULE.replace('detection:', 'status: beta\ndetection:'), /'status' value 'beta' is not one of/, 6],
    ['bad date', RULE.replace('detection:', 'date: 2024/01/02\ndetection:'), /'date' value '2024\/01\/02' is not a YYYY-MM-DD date/, 6],
    ['bad tag', RULE.replace('detection:', 'tags:\n    - Attack T1000\ndetection:'), /'tags' entry 'Attack T1000' is not a namespace.name tag/, 7],
    ['title not a string', RULE.replace('title: Test rule', 'title: [a, b]'), /'title' must be a string/, 1],
    ['unknown identifier', RULE.replace('condition: sel', 'condition: sel and nope'), /unknown search identifier 'nope'/, 9],
    ['unbalanced parentheses', RULE.replace('condition: sel', 'condition: (sel'), /expected '\)' to close '\('/, 9],
    ['unknown modifier', RULE.replace('Image|endswith', 'Image|endswith|sometimes'), /unknown modifier 'sometimes' in 'Image\|endswith\|sometimes'/, 8],
    ['bad regex', RULE.replace("Image|endswith: '\\rar.exe'", "Image|re: '[a-'"), /invalid regular expression '\[a-'/, 8],
    ['empty selection', RULE.replace(/ {4}sel:\n.*\n/, '    sel:\n'), /search identifier 'sel' is empty/, 7],
    ['condition not a string', RULE.replace('condition: sel', 'condition: {a: b}'), /condition must be a string or a non-empty list of strings/, 9],
    ['unknown action', 'action: sometimes\n' + RULE, /unknown collection action 'sometimes'/, 1],
    ['repeat with nothing before', 'action: repeat\n' + RULE, /'action: repeat' without a previous rule document/, 1],
    ['timeframe', RULE.replace('    condition: sel', '    timeframe: 5m\n    condition: sel | count() > 5'), /'timeframe' in detection .* unsupported/, 9],
    ['aggregation', RULE.replace('condition: sel', 'condition: sel | count() by x > 5'), /aggregation expressions .* use a correlation rule/, 9],
    ['document is a list', '- a\n- b\n', /must be a YAML map, found a list/, 1],
    ['empty file', '', /file contains no YAML document/, 1],
    ['modifier on identifier', RULE.replace('    sel:', '    sel|endswith:').replace('condition: sel', 'condition: 1 of sel*'), /search identifier 'sel\|endswith' contains '\|'/, 7],
  ];
  for (const [what, text, re, line] of bad) {
    it(`rejects: ${what}`, () => {
      const r = only(text);
      assert.match(r.reason, re);
      assert.equal(r.line, line, `line for ${what}: ${r.reason}`);
    });
  }

  it('merges Sigma v1 collections: global into later documents, repeat over the previous one, reset', () => {
    const text = `action: global
title: Shared title
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4624
    condition: selection and filter
---
id: 11111111-1111-4111-8111-111111111111
detection:
    filter:
        LogonType: 3
---
action: repeat
id: 22222222-2222-4222-8222-222222222222
detection:
    filter:
        LogonType: 10
---
action: reset
---
title: Standalone
logsource:
    product: linux
detection:
    sel:
        a: b
    condition: sel
`;
    const r = parseRuleText(text, 'collection.yml');
    assert.deepEqual(r.rejections, []);
    assert.deepEqual(
      r.rules.map((x) => [x.id, x.title, x.logsource, x.detection, x.line]),
      [
        ['11111111-1111-4111-8111-111111111111', 'Shared title', { product: 'windows', service: 'security' }, { selection: { EventID: 4624 }, condition: 'selection and filter', filter: { LogonType: 3 } }, 11],
        ['22222222-2222-4222-8222-222222222222', 'Shared title', { product: 'windows', service: 'security' }, { selection: { EventID: 4624 }, condition: 'selection and filter', filter: { LogonType: 10 } }, 16],
        [undefined, 'Standalone', { product: 'linux' }, { sel: { a: 'b' }, condition: 'sel' }, 24],
      ],
    );
    const c = compileRule(r.rules[1]!, { resolver: pathResolver });
    if (isRejection(c)) assert.fail(c.reason);
    assert.equal(c.predicate({ EventID: 4624, LogonType: 10 }), true);
    assert.equal(c.predicate({ EventID: 4624, LogonType: 3 }), false);
  });

  it('puts the rule id on rejections when it is readable', () => {
    const r = only(RULE.replace('condition: sel', 'condition: nope'));
    assert.equal(r.ruleId, '5d0c2a8e-7a4b-4f7e-9a8c-1f2e3d4c5b6a');
  });

  it('rejects a hostile deeply nested document without crashing', () => {
    const deep = 'title: x\nlogsource: {product: p}\ndetection:\n  sel: ' + '['.repeat(200) + ']'.repeat(200) + '\n  condition: sel\n';
    const r = only(deep);
    assert.match(r.reason, /nesting deeper than 64|nested list/);
  });

  it('rejects a hostile alias bomb', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const r = parseRuleText(text + 'title: x\n', 'bomb.yml');
    assert.equal(r.rules.length, 0);
    assert.equal(r.rejections.length, 1);
    assert.match(r.rejections[0]!.reason, /document expands to more than 100000 YAML nodes/);
  });
});

describe('correlation documents', () => {
  it('parses the spec example chain with names, aliases and generate', () => {
    const text = `title: Failed then success
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - internal_ip
    timespan: 10m
    aliases:
        internal_ip:
            multiple_failed_login: destination.ip
            successful_login: source.ip
    generate: true
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 1h
    condition:
        gte: 10
        lt: 100
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
`;
    const r = parseRuleText(text, 'chain.yml');
    assert.deepEqual(r.rejections, []);
    assert.equal(r.rules.length, 1);
    assert.equal(r.rules[0]!.name, 'failed_login');
    const [top, count] = r.correlations;
    assert.deepEqual(
      { type: top!.type, rules: top!.rules, groupBy: top!.groupBy, timespan: top!.timespan, ms: top!.timespanMs, aliases: top!.aliases, generate: top!.generate, level: top!.level },
      {
        type: 'temporal_ordered',
        rules: ['multiple_failed_login', 'successful_login'],
        groupBy: ['internal_ip'],
        timespan: '10m',
        ms: 600_000,
        aliases: { internal_ip: { multiple_failed_login: 'destination.ip', successful_login: 'source.ip' } },
        generate: true,
        level: 'high',
      },
    );
    assert.deepEqual(count!.condition, { gte: 10, lt: 100 });
    assert.equal(count!.timespanMs, 3_600_000);
    assert.equal(count!.line, 18);
  });

  const base = (c: string): string => `title: c\ncorrelation:\n${c.trim().split('\n').map((l) => '    ' + l).join('\n')}\n`;
  const bad: Array<[string, string, RegExp]> = [
    ['unknown type', 'type: sometimes\nrules: [a]\ntimespan: 5m\ngroup-by: [x]', /correlation type 'sometimes' is not one of/],
    ['no rules', 'type: temporal\nrules: []\ntimespan: 5m\ngroup-by: [x]', /non-empty 'rules'/],
    ['bad timespan', 'type: temporal\nrules: [a, b]\ntimespan: 5 minutes\ngroup-by: [x]', /timespan '5 minutes' is not a number followed by/],
    ['missing timespan', 'type: temporal\nrules: [a, b]\ngroup-by: [x]', /missing required field 'timespan'/],
    ['event_count without condition', 'type: event_count\nrules: [a]\ntimespan: 5m\ngroup-by: [x]', /requires a 'condition'/],
    ['value_count without field', 'type: value_count\nrules: [a]\ntimespan: 5m\ngroup-by: [x]\ncondition:\n    gte: 3', /requires 'field'/],
    ['unknown operator', 'type: event_count\nrules: [a]\ntimespan: 5m\ncondition:\n    about: 3', /unknown correlation condition operator 'about'/],
    ['non-numeric threshold', 'type: event_count\nrules: [a]\ntimespan: 5m\ncondition:\n    gte: many', /'gte' must be a number/],
  ];
  for (const [what, c, re] of bad) {
    it(`rejects: ${what}`, () => {
      assert.match(only(base(c)).reason, re);
    });
  }

  it("leaves Weft's own correlation types to the correlation loader: neither loaded nor rejected here", () => {
    for (const c of ['type: sequence\nrules: [a, b]\nmaxspan: 5m\ngroup-by: [x]', 'type: temporal\nrules: [a, b]\ntimespan: 5m\ncondition: a and not b']) {
      const r = parseRuleText(`${base(c)}---\ntitle: r\nlogsource:\n    product: linux\ndetection:\n    s:\n        a: 1\n    condition: s\n`, 'x.yml');
      assert.deepEqual([r.rules.length, r.correlations.length, r.rejections], [1, 0, []]);
    }
  });

  it('parses every correlation example of the spec test suite', (t) => {
    const dir = requireSharedData('sigma-spec', 'tests', 'schema', 'correlation');
    if (dir === undefined) return t.skip('shared data missing');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
    assert.equal(files.length, 8);
    const r = loadRules([dir]);
    assert.deepEqual(r.rejections, []);
    assert.deepEqual(r.correlations.map((c) => c.type).sort(), [
      'event_count', 'event_count', 'temporal', 'temporal_ordered', 'value_avg', 'value_count', 'value_percentile', 'value_sum',
    ]);
    const pct = r.correlations.find((c) => c.type === 'value_percentile')!;
    assert.deepEqual(pct.condition, { field: ['Image'], lte: 1 });
    assert.deepEqual(pct.groupBy, ['ComputerName']);
    assert.equal(pct.timespanMs, 86_400_000);
  });
});

describe('spec example rules', () => {
  it('loads and compiles the rule examples of the spec test suite', (t) => {
    const dir = requireSharedData('sigma-spec', 'tests', 'schema', 'rules');
    if (dir === undefined) return t.skip('shared data missing');
    const r = loadRules([dir]);
    assert.deepEqual(r.rejections, []);
    assert.equal(r.rules.length, readdirSync(dir).filter((f) => f.endsWith('.yml')).length);
    for (const rule of r.rules) {
      const c = compileRule(rule, { resolver: pathResolver });
      if (isRejection(c)) assert.fail(`${rule.file}: ${c.reason}`);
    }
  });
});

describe('filter documents', () => {
  it('parses the spec test filters', (t) => {
    const dir = requireSharedData('sigma-spec', 'tests', 'schema', 'filter');
    if (dir === undefined) return t.skip('shared data missing');
    const r = loadRules([join(dir, 'filter_1.yml'), join(dir, 'filter_ecs.yml')]);
    assert.deepEqual(r.rejections, []);
    assert.deepEqual(r.filters.map((f) => [f.title, f.rules, f.logsource]), [
      ['Filter Administrator account', ['6f3e2987-db24-4c78-a860-b4f4095a7095', 'df0841c0-9846-4e9f-ad8a-7df91571771b'], { category: 'process_creation', product: 'windows' }],
      ['Filter google', ['6f3e2987-db24-4c78-a860-b4f4095a7095', 'df0841c0-9846-4e9f-ad8a-7df91571771b'], { category: 'network', service: 'dns' }],
    ]);
  });

  it('adds the filter as "and not" to the rules it names, by id or by name, with a matching logsource', () => {
    const filterText = `title: Filter Administrator account
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 5d0c2a8e-7a4b-4f7e-9a8c-1f2e3d4c5b6a
    selection:
        User|startswith: 'adm_'
    condition: selection
`;
    const { filters } = parseRuleText(filterText, 'f.yml');
    const rule = parseRuleText(RULE, 'r.yml').rules[0]!;
    const c = compileRule(rule, { resolver: pathResolver, filters });
    if (isRejection(c)) assert.fail(c.reason);
    assert.deepEqual(c.appliedFilters, ['Filter Administrator account']);
    assert.equal(c.predicate({ Image: 'C:\\rar.exe', User: 'bob' }), true);
    assert.equal(c.predicate({ Image: 'C:\\rar.exe', User: 'ADM_bob' }), false);

    const byName = parseRuleText(filterText.replace('5d0c2a8e-7a4b-4f7e-9a8c-1f2e3d4c5b6a', 'rar_rule'), 'f.yml').filters;
    const named = parseRuleText(RULE.replace('detection:', 'name: rar_rule\ndetection:'), 'r.yml').rules[0]!;
    const c2 = compileRule(named, { resolver: pathResolver, filters: byName });
    if (isRejection(c2)) assert.fail(c2.reason);
    assert.equal(c2.predicate({ Image: 'C:\\rar.exe', User: 'adm_x' }), false);

    const otherLs = parseRuleText(filterText.replace('process_creation', 'network_connection'), 'f.yml').filters;
    const c3 = compileRule(rule, { resolver: pathResolver, filters: otherLs });
    if (isRejection(c3)) assert.fail(c3.reason);
    assert.deepEqual(c3.appliedFilters, []);
    assert.equal(c3.predicate({ Image: 'C:\\rar.exe', User: 'adm_x' }), true);
  });

  it('rejects a filter without rules or with a bad condition', () => {
    const f = `title: f\nlogsource:\n    product: windows\nfilter:\n    selection:\n        a: b\n    condition: selection\n`;
    assert.match(only(f).reason, /filter needs a non-empty 'rules' list/);
    assert.match(only(f.replace('    selection:', '    rules: [x]\n    selection:').replace('condition: selection', 'condition: other')).reason, /unknown search identifier 'other'/);
  });
});
