/**
 * What `weft serve` records is what `weft replay` re-derives: the example day's logs go through the
 * live alerting consumer batch by batch, as the service reads its event log, and replay over the
 * store then finds every recorded alert with the same decisions. This is the check that found live
 * alerts naming a rule version no rule has, correlations without the evidence of earlier batches,
 * and rarity and multi-source confirmation that only saw the current batch.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { alertStageFor } from '../../src/cli/alerting.js';
import { parseConfig } from '../../src/config/load.js';
import { EntityResolver } from '../../src/enrich/entity-resolver.js';
import { loadIdentityDirectory } from '../../src/enrich/identity-directory.js';
import type { WeftEvent } from '../../src/event/model.js';
import { replayStore } from '../../src/hunt/replay.js';
import { correlationOptions } from '../../src/hunt/correlate-stage.js';
import { expandInputs, readOutcomes } from '../../src/ingest/file-source.js';
import { silentLogger } from '../../src/log/logger.js';
import { bundledPipelineFiles } from '../../src/rules/pipeline/index.js';
import { runScenarioCommand } from '../../src/scenario/cli-entry.js';
import { AlertingConsumer } from '../../src/server/alerting-consumer.js';
import { RuleCatalog } from '../../src/server/rule-catalog.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { createTestDatabase } from '../support/postgres.js';

/** The scenario's events, in event-time order (sources arrive together, as live ones do). */
async function exampleDay(dir: string): Promise<WeftEvent[]> {
  const scenario = join(dir, 'scenario');
  runScenarioCommand({ out: scenario });
  const events: WeftEvent[] = [];
  // Every log of the day: not the identity directory, nor the story's ground truth.
  const files = (await expandInputs([scenario])).filter((f) => !f.endsWith('identities.yaml') && !f.endsWith('ground-truth.json'));
  const resolver = new EntityResolver(loadIdentityDirectory(join(scenario, 'identities.yaml')));
  for await (const b of readOutcomes(files, { resolver, sourceIdFor: (f) => relative(scenario, f), timezone: 'UTC' })) {
    for (const o of b.outcomes) if (o.kind === 'event') events.push(o.event);
  }
  return events.sort((a, b) => Date.parse(a['@timestamp']) - Date.parse(b['@timestamp']));
}

async function liveThenReplay(store: Store, events: readonly WeftEvent[]): Promise<void> {
  const config = parseConfig({});
  await store.migrate();
  const catalog = new RuleCatalog({ store, pipelinePaths: bundledPipelineFiles(), logger: silentLogger });
  await catalog.syncFiles([join(import.meta.dirname, '..', '..', 'rules')]);
  await catalog.reload();
  const consumer = new AlertingConsumer({ store, config, catalog, logger: silentLogger });
  consumer.restore(undefined);
  let seq = 0;
  for (let i = 0; i < events.length; i += 300) {
    await store.appendEvents(events.slice(i, i + 300));
    const batch = await store.readEventLog(seq, 1000);
    seq = batch.at(-1)?.seq ?? seq;
    await consumer.handle(batch);
  }
  const assets = await store.listAssets();
  const r = await replayStore(store, {
    from: -8.64e15, to: 8.64e15, pipelinePaths: bundledPipelineFiles(), correlation: correlationOptions(config, { live: true }), stageFor: (corr) => alertStageFor({ config, correlations: corr?.definitions ?? [], assets }),
  });
  assert.equal(r.events, events.length);
  assert.equal(r.rules, (await store.listRules()).length, 'every rule is found at the version its alerts recorded');
  assert.ok(r.recorded >= 40, `${r.recorded} alerts recorded`);
  // Smaller batches can differ where a correlation settles (after the allowed lateness) in a later
  // batch than an alert after it in event time, which was scored without it: see README, Replay.
  assert.deepEqual(r.differences, []);
  assert.equal(r.replayed, r.recorded);
}

const dir = mkdtempSync(join(tmpdir(), 'weft-live-replay-'));
const events = await exampleDay(dir);
after(() => rmSync(dir, { recursive: true, force: true }));

test('the example day through live alerting in batches of 300 (SQLite): replay finds every recorded alert unchanged', async () => {
  const store = new SqliteStore({ path: join(dir, 'weft.db'), synchronous: 'normal' });
  try {
    await liveThenReplay(store, events);
  } finally {
    await store.close();
  }
});

test('the same on PostgreSQL', async (t) => {
  // Created here, not while the SQLite test runs: its synchronous stretches would hold up the
  // connection past the helper's connect timeout.
  const pgdb = await createTestDatabase('live_replay');
  if (typeof pgdb === 'string') {
    t.skip(pgdb);
    return;
  }
  const store = new PostgresStore({ url: pgdb.url, schema: 'weft', poolSize: 4 });
  try {
    await liveThenReplay(store, events);
  } finally {
    await store.close();
    await pgdb.drop();
  }
});
