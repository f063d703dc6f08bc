import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WeftEvent } from '../event/model.js';
import { RecordPipeline } from '../ingest/record-pipeline.js';
import { generateScenario } from '../scenario/index.js';
import { baselineDimensions, baselineView } from './facts.js';

test('baselineView keeps exactly what the baseline reads, from every source of the example day', () => {
  const { files } = generateScenario({ seed: 'facts', start: '2026-03-10T00:00:00Z' });
  const at = new Date('2026-03-11T00:00:00Z');
  const events: WeftEvent[] = [];
  for (const f of files) {
    const p = new RecordPipeline({ sourceId: f.path, timezone: 'UTC' });
    const records = f.path.startsWith('windows/') ? f.content.split(/\n(?=\{\n)/) : f.path.startsWith('cloudtrail/') ? [f.content] : f.content.split('\n');
    for (const r of records) if (r.trim() !== '') for (const o of p.process(r, at)) if (o.kind === 'event') events.push(o.event);
  }
  let withUser = 0;
  const seen = { host: 0, process: 0, country: 0 };
  for (const ev of events) {
    const view = baselineView(ev);
    const d = baselineDimensions(ev);
    assert.deepEqual(baselineDimensions(view), d);
    assert.equal(view['@timestamp'], ev['@timestamp']);
    assert.ok(JSON.stringify(view).length < JSON.stringify(ev).length);
    if (d.user !== undefined) withUser++;
    for (const k of ['host', 'process', 'country'] as const) if (d[k] !== undefined) seen[k]++;
  }
  // The comparison covers every dimension, not only events without any.
  assert.ok(withUser > 1000 && seen.host > 100 && seen.process > 100 && seen.country > 10, JSON.stringify({ events: events.length, withUser, seen }));
});
