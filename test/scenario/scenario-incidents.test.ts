import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectScenario } from '../../src/cli/commands/demo.js';
import { loadConfig } from '../../src/config/load.js';
import { runScenarioCommand } from '../../src/scenario/cli-entry.js';

test('the example day: incidents <= 2 x attack stories, every story in exactly one incident, ranked with kill chains', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'weft-incidents-')), 'scenario');
  runScenarioCommand({ out: dir });
  const { config } = loadConfig({ cwd: tmpdir(), env: {} });
  const d = await detectScenario(dir, config);
  const s = d.incidentScore;
  console.log(`incidents ${s.incidents} for ${s.stories} stories; ${d.run.alerts.length} alerts from ${d.run.candidates} detections`);
  for (const st of s.storyIncidents) assert.equal(st.incidents.length, 1, `${st.id} is in ${st.incidents.length} incidents`);
  assert.equal(s.stories, 7);
  assert.ok(s.incidents <= 2 * s.stories, `${s.incidents} incidents`);
  assert.equal(s.ok, true);
  // Deduplication: fewer alerts than detections; every non-suppressed alert is in an incident.
  assert.ok(d.run.alerts.length < d.run.candidates);
  for (const a of d.run.alerts) assert.ok(a.incident_id !== undefined, `alert ${a.id} (${a.rule.title}) has no incident`);
  // Every incident that holds an attack story has a kill chain in observed (time) order.
  for (const inc of d.run.incidents) {
    const times = inc.kill_chain.map((k) => Date.parse(k.first_seen));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
  }
  const storyIncidents = new Set(s.storyIncidents.flatMap((x) => x.incidents));
  for (const id of storyIncidents) assert.ok((d.run.incidents.find((i) => i.id === id)?.kill_chain.length ?? 0) >= 2);
  // The SSH story's incident: its tactics in the order the attack ran.
  const ssh = d.run.incidents.find((i) => i.id === s.storyIncidents.find((x) => x.id === 'ssh-brute-force')?.incidents[0]);
  assert.deepEqual(ssh?.kill_chain.map((k) => k.tactic), ['Initial Access', 'Credential Access', 'Privilege Escalation', 'Persistence']);
});
