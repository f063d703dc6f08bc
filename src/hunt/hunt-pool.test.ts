import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildRuleSet, type BuildRuleSetOptions } from '../rules/engine/index.js';
import { rulePackSources } from '../rules/pack/index.js';
import { bundledPipelineFiles } from '../rules/pipeline/index.js';
import { generateScenario } from '../scenario/index.js';
import { CorrelationStage } from './correlate-stage.js';
import { HuntPool, HuntWorkerError } from './hunt-pool.js';
import { huntFiles, huntFilesParallel, type HuntBatch } from './hunt-stream.js';

const rules: BuildRuleSetOptions = { rulePaths: rulePackSources(), pipelinePaths: bundledPipelineFiles() };
const receivedAt = (): Date => new Date('2026-03-11T00:00:00Z');

/** The seeded example day (every source, several attacks) as files, plus one file of broken records. */
function scenarioFiles(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'weft-hunt-pool-'));
  const files: string[] = [];
  for (const f of generateScenario({ seed: 'pool', start: '2026-03-10T00:00:00Z' }).files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
    files.push(p);
  }
  const broken = join(dir, 'broken.ndjson');
  writeFileSync(broken, '{"truncated": \nnot json at all\n{"EventID": 1}\n');
  files.push(broken);
  return files.sort();
}

/** What a hunt reports, in order, without the events no rule matched (which only the baseline sees). */
function digest(batches: HuntBatch[]): unknown[] {
  return batches.map((b) => ({
    file: b.file, bytesRead: b.bytesRead, records: b.records, events: b.events,
    quarantined: b.quarantined.map((q) => [q.reason, q.sourceId]),
    matches: b.matches.map((m) => [m.event.weft.id, m.rule.id, m.selections, m.event['@timestamp']]),
    correlations: b.correlations,
  }));
}

async function collect(gen: AsyncGenerator<HuntBatch>): Promise<HuntBatch[]> {
  const out: HuntBatch[] = [];
  for await (const b of gen) out.push(b);
  return out;
}

describe('hunt on worker threads', () => {
  const files = scenarioFiles();
  const built = buildRuleSet(rules);
  const stage = (): CorrelationStage => {
    const c = CorrelationStage.build(rules.rulePaths, built, { allowedLatenessMs: 300_000, maxStateEntries: 100_000 });
    assert.ok(c.stage !== undefined);
    return c.stage;
  };
  let pool: HuntPool;
  before(async () => {
    pool = await HuntPool.start(2, { rules, timezone: 'UTC' });
    pool.bind(built.ruleSet);
  });
  after(async () => {
    await pool.close();
  });

  it('reports exactly what the single-threaded hunt reports: matches, quarantines, correlations, counts', async () => {
    const opts = { timezone: 'UTC', receivedAt };
    const inline = await collect(huntFiles(files, built.ruleSet, { ...opts, correlate: stage() }));
    const observed: string[] = [];
    const parallel = await collect(huntFilesParallel(files, pool, { ...opts, correlate: stage(), onEvent: (ev) => observed.push(ev['@timestamp']) }));
    const a = digest(inline);
    assert.deepEqual(digest(parallel), a);
    const matches = inline.reduce((n, b) => n + b.matches.length, 0);
    const correlations = inline.reduce((n, b) => n + b.correlations.length, 0);
    const quarantined = inline.reduce((n, b) => n + b.quarantined.length, 0);
    const events = inline.reduce((n, b) => n + b.events, 0);
    assert.ok(matches > 50 && correlations > 0 && quarantined >= 2, `a comparison worth making: ${matches} matches, ${correlations} correlations, ${quarantined} quarantined`);
    // Every event reaches the alert stage's baseline, in input order.
    assert.equal(observed.length, events);
    // The workers' engine counters add up to the inline run's.
    const { rules: _n, rulesEvaluatedPerEvent: _r, conditionsEvaluatedPerEvent: _c, prefilterPassRate: _p, ...inlineCounts } = built.ruleSet.stats();
    assert.deepEqual(pool.stats(), inlineCounts);
    assert.equal(inlineCounts.events, events);
  });

  it('refuses a rule set other than the one its workers built', () => {
    const other = buildRuleSet({ ...rules, rulePaths: rules.rulePaths.slice(0, 1) });
    assert.throws(() => pool.bind(other.ruleSet), (e: unknown) => e instanceof HuntWorkerError && /built \d+ rules, this thread \d+/.test(e.message));
  });

  it('a worker that cannot build its rules fails the start with the reason', async () => {
    const bad = { rules: { ...rules, pipelinePaths: [...rules.pipelinePaths, '/nonexistent/weft-pipeline.yml'] }, timezone: 'UTC' };
    await assert.rejects(HuntPool.start(1, bad), (e: unknown) => e instanceof HuntWorkerError && /could not start: pipeline errors: \/nonexistent\/weft-pipeline\.yml/.test(e.message));
  });

  it('a worker that dies mid-hunt fails the hunt instead of hanging it', async () => {
    const p = await HuntPool.start(1, { rules, timezone: 'UTC' });
    p.bind(built.ruleSet);
    const first = await p.evaluate({ file: files[0] as string, sourceId: 'x', records: [], bytesRead: 0, receivedAt: 0 });
    assert.equal(first.outcomes.length, 0);
    await (p as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> }).slots[0]?.worker.terminate();
    await assert.rejects(p.evaluate({ file: 'f', sourceId: 'x', records: [], bytesRead: 0, receivedAt: 0 }), (e: unknown) => e instanceof HuntWorkerError && /exited/.test(e.message));
    await p.close();
  });
});
