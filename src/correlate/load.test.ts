import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireSharedData } from '../../test/support/shared-data.js';
import { parseCorrelationText } from './load.js';

const SPEC_EXAMPLE = `title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
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
    timespan: 10m
    condition:
        gte: 10
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

test('Sigma documents load through the Sigma loader: rules and correlations of one file', () => {
  const r = parseCorrelationText(SPEC_EXAMPLE, 'mr_example.yml');
  assert.deepEqual(r.rejections, []);
  assert.deepEqual(r.rules.map((x) => x.name), ['failed_login']);
  assert.deepEqual(r.correlations, [
    {
      meta: { title: 'Correlation - Multiple Failed Logins Followed by Successful Login', tags: [], file: 'mr_example.yml', line: 1, id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6', level: 'high' },
      rules: ['multiple_failed_login', 'successful_login'],
      groupBy: ['User'],
      aliases: {},
      generate: false,
      afterFire: 'reset',
      minSources: 1,
      type: 'temporal_ordered',
      timespanMs: 600_000,
    },
    {
      meta: { title: 'Multiple failed logons', tags: [], file: 'mr_example.yml', line: 14, id: 'a8418a5a-5fc4-46b5-b23b-6c73beb19d41', name: 'multiple_failed_login' },
      rules: ['failed_login'],
      groupBy: ['User'],
      aliases: {},
      generate: false,
      afterFire: 'reset',
      minSources: 1,
      type: 'event_count',
      timespanMs: 600_000,
      condition: { gte: 10 },
    },
  ]);
});

test("the specification's correlation examples all load", (t) => {
  const dir = requireSharedData('sigma-spec', 'tests', 'schema', 'correlation');
  if (dir === undefined) return t.skip('shared data not available');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();
  assert.ok(files.length >= 8);
  const types: string[] = [];
  for (const f of files) {
    const r = parseCorrelationText(readFileSync(join(dir, f), 'utf8'), f);
    assert.deepEqual(r.rejections, [], f);
    assert.equal(r.correlations.length, 1, f);
    types.push(r.correlations[0]?.type as string);
  }
  assert.deepEqual([...new Set(types)].sort(), ['event_count', 'temporal', 'temporal_ordered', 'value_avg', 'value_count', 'value_percentile', 'value_sum']);
});

test('Weft extension documents: sequence, session, lateral_movement, process_lineage, temporal expression', () => {
  const text = `title: Seq
name: seq
level: high
tags: [attack.t1078]
correlation:
  type: sequence
  rules: [a, b, a]
  until: c
  group-by: [entity.user]
  maxspan: 1h30m
  min_sources: 2
  on_fire: refire
---
title: Sess
correlation: {type: session, rules: [a], group-by: [entity.user], gap: 30m}
---
title: Lat
correlation: {type: lateral_movement, rules: [logon], group-by: [user.name], timespan: 2h, min_hops: 3}
---
title: Lin
correlation: {type: process_lineage, rules: [x, y], timespan: 500ms}
---
title: Absent
name: absent
correlation: {type: temporal, rules: [a, b], group-by: [user.name], timespan: 5m, condition: "a AND NOT (b)"}
`;
  const r = parseCorrelationText(text, 'weft.yml');
  assert.deepEqual(r.rejections, []);
  const [seq, sess, lat, lin, abs] = r.correlations;
  assert.deepEqual(seq, {
    meta: { title: 'Seq', tags: ['attack.t1078'], name: 'seq', level: 'high', file: 'weft.yml', line: 1 },
    rules: ['a', 'b', 'a'],
    groupBy: ['entity.user'],
    aliases: {},
    generate: false,
    afterFire: 'refire',
    minSources: 2,
    type: 'sequence',
    maxspanMs: 5_400_000,
    until: ['c'],
  });
  assert.equal(sess?.type === 'session' && sess.gapMs, 1_800_000);
  assert.equal(sess?.type === 'session' && sess.maxEvents, 10_000);
  assert.deepEqual(lat?.type === 'lateral_movement' && [lat.sourceFields, lat.targetFields, lat.minHops, lat.timespanMs], [['source.ip', 'source.domain'], ['host.ip', 'host.name'], 3, 7_200_000]);
  assert.equal(lin?.type === 'process_lineage' && lin.timespanMs, 500);
  assert.deepEqual(abs?.type === 'temporal' && abs.expression, { op: 'and', args: [{ op: 'ref', slot: 0 }, { op: 'not', arg: { op: 'ref', slot: 1 } }] });
});

test('bad correlation documents are rejected with the reason and line; good ones beside them still load', () => {
  const doc = (body: string, title = 'Bad'): string => `title: ${title}\nname: n${Math.abs(hash(body))}\ncorrelation:\n${body}`;
  const cases: Array<[string, RegExp]> = [
    [doc('  type: sequnce\n  rules: [a]\n  timespan: 1m\n'), /correlation type 'sequnce' is not one of/],
    [doc('  type: constructor\n  rules: [a]\n  timespan: 1m\n'), /correlation type 'constructor' is not one of/],
    [doc('  type: __proto__\n  rules: [a]\n  timespan: 1m\n'), /correlation type '__proto__' is not one of/],
    [doc('  type: sequence\n  rules: [a, b]\n'), /'maxspan' must be a duration/],
    [doc('  type: sequence\n  rules: [a, b]\n  maxspan: soon\n'), /'maxspan' value 'soon' is not a positive duration/],
    [doc('  type: sequence\n  rules: [a]\n  maxspan: 1m\n'), /a sequence needs at least two steps/],
    [doc('  type: sequence\n  rules: [a, b]\n  maxspan: 1m\n  max_span: 2m\n'), /unknown key 'max_span' in a 'sequence' correlation/],
    [doc('  type: session\n  rules: [a]\n  gap: 0s\n'), /'gap' value '0s' is not a positive duration/],
    [doc('  type: session\n  rules: [a]\n  gap: 1m\n  condition: {gte: many}\n'), /condition 'gte' must be a finite number/],
    [doc('  type: lateral_movement\n  rules: [a]\n  timespan: 1h\n  min_hops: 0\n'), /'min_hops' must be a positive integer/],
    [doc('  type: lateral_movement\n  rules: [a]\n  timespan: 1h\n  source: []\n'), /'source' and 'target' need at least one field/],
    [doc('  type: temporal\n  rules: [a, b]\n  timespan: 1m\n  condition: a and not c\n'), /condition expression names 'c', which is not in 'rules'/],
    [doc('  type: temporal\n  rules: [a, b]\n  timespan: 1m\n  condition: a and\n'), /condition expression ends too early/],
    [doc('  type: temporal\n  rules: [a, b]\n  timespan: 1m\n  condition: (a or b\n'), /missing '\)'/],
    [doc('  type: temporal\n  rules: [a, b]\n  timespan: 1m\n  condition: a b\n'), /unexpected 'b'/],
    [doc('  type: temporal_ordered\n  rules: [a, b]\n  timespan: 1m\n  condition: a and b\n'), /only defined for temporal, not temporal_ordered/],
    [doc('  type: temporal_ordered\n  rules: [a, b]\n  timespan: 1m\n  condition: {gte: 1}\n'), /temporal_ordered needs every rule in order/],
    [doc('  type: value_sum\n  rules: [a]\n  timespan: 1m\n  condition: {field: [x, y], gt: 1}\n'), /aggregates exactly one field; condition.field has 2/],
    [doc('  type: event_count\n  rules: [a]\n  timespan: 1m\n  condition: {gte: 1}\n  on_fire: twice\n'), /'on_fire' must be reset or refire, not 'twice'/],
    [doc('  type: session\n  rules: [a]\n  gap: 1m\n  min_sources: 0\n'), /'min_sources' must be a positive integer/],
    [doc('  type: session\n  rules: [a, a]\n  gap: 1m\n'), /'rules' has duplicates/],
    [`title: Bad level\nlevel: severe\ncorrelation: {type: session, rules: [a], gap: 1m}\n`, /'level' must be one of/],
    [`title: Bad tags\ntags: attack\ncorrelation: {type: session, rules: [a], gap: 1m}\n`, /'tags' must be a list/],
    [`title: No rules\ncorrelation: {type: session, gap: 1m}\n`, /non-empty 'rules' list/],
    [`correlation: {type: session, rules: [a], gap: 1m}\n`, /missing required field 'title'/],
    [doc(`  type: temporal\n  rules: [a, b]\n  timespan: 1m\n  condition: "${'( '.repeat(70)}a${' )'.repeat(70)}"\n`), /nests deeper than 64 levels/],
    [doc(`  type: temporal\n  rules: [a, b]\n  timespan: 1m\n  condition: "${'a or '.repeat(1000)}b"\n`), /longer than 4096 characters/],
  ];
  const good = doc('  type: session\n  rules: [a]\n  gap: 1m\n', 'Good');
  for (const [text, re] of cases) {
    const r = parseCorrelationText(`${text}---\n${good}`, 'bad.yml');
    assert.equal(r.rejections.length, 1, `${re}: ${JSON.stringify(r.rejections)}`);
    assert.match(r.rejections[0]?.reason as string, re);
    assert.equal(r.rejections[0]?.line, 1, String(re));
    assert.deepEqual(r.correlations.map((c) => c.meta.title), ['Good']);
  }
});

test('malformed YAML and non-correlation junk are rejected by the Sigma loader, not dropped', () => {
  const r = parseCorrelationText('title: x\ncorrelation: {type: session, rules: [a], gap: 1m\n', 'broken.yml');
  assert.equal(r.correlations.length, 0);
  assert.equal(r.rejections.length, 1);
  assert.match(r.rejections[0]?.reason as string, /malformed YAML/);
  const bomb = parseCorrelationText(`a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ncorrelation: {type: session, rules: [a], gap: 1m}\ntitle: bomb\n`, 'bomb.yml');
  assert.equal(bomb.correlations.length, 0);
  assert.equal(bomb.rejections.length, 1);
});

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
