import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectScenario } from '../../src/cli/commands/demo.js';
import { loadConfig } from '../../src/config/load.js';
import { runScenarioCommand } from '../../src/scenario/cli-entry.js';

test('the example day through the hunt path with the bundled pack: every attack step is covered', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'weft-scenario-')), 'scenario');
  runScenarioCommand({ out: dir });
  const { config } = loadConfig({ cwd: tmpdir(), env: {} });
  const d = await detectScenario(dir, config);
  const s = d.score;
  console.log(`steps ${s.stepsCovered}/${s.steps}, records ${s.attackRecordsDetected}/${s.attackRecords}, precision ${s.precision.toFixed(2)} (${s.truePositiveAlerts}/${s.alerts}); ${d.correlations.length} correlation alerts`);
  for (const story of s.stories) for (const step of story.steps) assert.ok(step.coveredBy.length > 0, `${story.id}/${step.id} is not covered by any alert`);
  assert.equal(s.stepsCovered, s.steps);
  assert.equal(s.steps, 19);
  // The correlations the pack ships each fire on their story.
  const titles = new Set(d.correlations.map((c) => c.rule.title));
  assert.deepEqual([...titles].sort(), ['Okta MFA Push Fatigue', 'Okta Password Spray From One Address', 'SSH Brute Force Followed by a Successful Login']);
  const brute = d.correlations.find((c) => c.rule.title === 'SSH Brute Force Followed by a Successful Login');
  assert.deepEqual(brute?.group, { 'source.ip': '203.0.113.77', 'user.name': 'deploy' });
  assert.equal(brute?.correlation.type, 'temporal_ordered');
  assert.ok(s.precision >= 0.9, `precision ${s.precision}`);
});
