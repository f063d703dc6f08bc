import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRuleSetFromLoaded } from '../rules/engine/index.js';
import { parseRuleText } from '../rules/sigma/index.js';
import { parseConfig } from '../config/load.js';
import type { WeftEvent } from '../event/model.js';
import { CorrelationStage, correlationOptions } from './correlate-stage.js';

const RULES = `title: ssh failed
name: ssh_failed
logsource:
    product: linux
detection:
    s:
        event.outcome: failure
    condition: s
---
title: ssh ok
name: ssh_ok
logsource:
    product: linux
detection:
    s:
        event.outcome: success
    condition: s
`;

const correlation = (title: string, id: string, rules: string[]): string => `title: ${title}
id: ${id}
correlation:
    type: sequence
    rules: [${rules.join(', ')}]
    group-by: [source.ip]
    maxspan: 5m
`;

test('a correlation the engine cannot run is rejected with its reason; the others run', () => {
  const built = buildRuleSetFromLoaded(parseRuleText(RULES, 'rules.yml'), { pipelinePaths: [] });
  const texts = [
    { file: 'good.yml', text: correlation('Brute force then success', 'c-1', ['ssh_failed', 'ssh_ok']) },
    { file: 'typo.yml', text: correlation('Typo', 'c-2', ['ssh_failed', 'ssh_okk']) },
    { file: 'twice.yml', text: correlation('Same id again', 'c-1', ['ssh_failed', 'ssh_ok']) },
  ];
  const r = CorrelationStage.fromTexts(texts, built, { allowedLatenessMs: 0, maxStateEntries: 1000 });
  assert.deepEqual(r.stage?.definitions.map((d) => d.meta.title), ['Brute force then success']);
  assert.deepEqual(r.rejections.map((x) => [x.file, x.reason]).sort(), [
    ['twice.yml', "correlation 'Same id again': id or name 'c-1' is used by two correlations"],
    ['typo.yml', "correlation 'Typo': references unknown rule 'ssh_okk'"],
  ]);
  const none = CorrelationStage.fromTexts([texts[1] as { file: string; text: string }], built, { allowedLatenessMs: 0, maxStateEntries: 1000 });
  assert.equal(none.stage, undefined);
  assert.equal(none.rejections.length, 1);
});

test('correlation settings come from the config: lateness, per-source watermark limits and each source\'s clock skew', () => {
  assert.deepEqual(correlationOptions(parseConfig({})), {
    allowedLatenessMs: 300_000, maxStateEntries: 1_000_000, sourceIdleMs: 3_600_000, maxSourceLagMs: 900_000, maxAheadMs: Infinity,
  });
  assert.equal(correlationOptions(parseConfig({}), { live: true }).maxAheadMs, 900_000, 'only events taken in receive order are checked');
  const config = parseConfig({
    correlation: { allowed_lateness: '2m', max_source_lag: '0s', source_idle: '10m', max_ahead: '1h' },
    ingest: { sources: [{ id: 'wec-01', clock_skew: '30s' }, { id: 'okta' }] },
  });
  assert.deepEqual(correlationOptions(config, { live: true }), {
    allowedLatenessMs: 120_000, maxStateEntries: 1_000_000, sourceIdleMs: 600_000, maxSourceLagMs: 0, maxAheadMs: 3_600_000, clockSkewMs: { 'wec-01': 30_000 },
  });
});

test('a hunt correlates logs dated after their receipt (its input is sorted by time); the live path refuses them', () => {
  const built = buildRuleSetFromLoaded(parseRuleText(RULES, 'rules.yml'), { pipelinePaths: [] });
  const texts = [{ file: 'seq.yml', text: correlation('Brute force then success', 'c-1', ['ssh_failed', 'ssh_ok']) }];
  // A generated day a year ahead of the run that reads it.
  const event = (i: number, outcome: string): WeftEvent => ({
    '@timestamp': new Date(Date.UTC(2027, 5, 1, 9, 0, i)).toISOString(), event: { outcome }, source: { ip: '198.51.100.7' },
    weft: { id: `e${i}`, source_id: 'gen', source_type: 'linux', ingest_time: '2026-06-01T09:00:00.000Z' },
  } as unknown as WeftEvent);
  const events = [event(1, 'failure'), event(2, 'success')];
  const batch = CorrelationStage.fromTexts(texts, built, correlationOptions(parseConfig({}))).stage;
  assert.ok(batch);
  for (const e of events) batch.collect(e, built.ruleSet.evaluate(e));
  assert.deepEqual(batch.finish().map((a) => a.rule.title), ['Brute force then success']);
  const live = CorrelationStage.fromTexts(texts, built, correlationOptions(parseConfig({}), { live: true })).stage;
  assert.ok(live);
  const alerts = events.flatMap((e, i) => live.pushLive(e, built.ruleSet.evaluate(e), i)).concat(live.engine.flush().alerts);
  assert.deepEqual(alerts, []);
  assert.match(live.lastInvalid ?? '', /after the event was received/);
});
