/**
 * Exact resume on the example scenario: the correlation engine stopped at 20 random points, its
 * snapshot restored into a fresh engine and the input replayed from the recorded position, gives
 * exactly the alerts of an uninterrupted run; and input shuffled within the allowed lateness gives
 * the same alerts as sorted input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ruleSetFor, ruleSourcePaths } from '../../src/cli/rule-sources.js';
import { loadConfig } from '../../src/config/load.js';
import type { CorrelationAlert, CorrelationEngine } from '../../src/correlate/index.js';
import { EntityResolver } from '../../src/enrich/entity-resolver.js';
import { loadIdentityDirectory } from '../../src/enrich/identity-directory.js';
import type { WeftEvent } from '../../src/event/model.js';
import { CorrelationStage } from '../../src/hunt/correlate-stage.js';
import { huntFiles } from '../../src/hunt/hunt-stream.js';
import { expandInputs } from '../../src/ingest/file-source.js';
import { runScenarioCommand } from '../../src/scenario/cli-entry.js';
import { rng } from '../support/rng.js';


test('correlation on the example day: stop/resume at 20 random points and shuffled input give identical alerts', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'weft-resume-')), 'scenario');
  runScenarioCommand({ out: dir });
  const { config } = loadConfig({ cwd: tmpdir(), env: {} });
  const built = ruleSetFor({}, config);
  const { rulePaths } = ruleSourcePaths({}, config);
  const opts = { allowedLatenessMs: config.correlation.allowed_lateness, maxStateEntries: config.correlation.max_state_entries };
  const fresh = (): CorrelationEngine => {
    const s = CorrelationStage.build(rulePaths, built, opts).stage;
    assert.ok(s, 'the bundled pack has correlation rules');
    return s.engine;
  };
  // Every event with its matches, in event-time order (stable by input order).
  const files = (await expandInputs([dir])).filter((f) => !f.endsWith('ground-truth.json'));
  const input: { t: number; event: WeftEvent; matches: string[] }[] = [];
  for await (const b of huntFiles(files, built.ruleSet, {
    timezone: 'UTC',
    resolver: new EntityResolver(loadIdentityDirectory(join(dir, 'identities.yaml'))),
    sourceIdFor: (f) => relative(dir, f),
  })) {
    for (const m of b.matches) {
      const last = input[input.length - 1];
      if (last !== undefined && last.event === m.event) last.matches.push(m.rule.id, ...(m.rule.name ? [m.rule.name] : []));
      else input.push({ t: Date.parse(m.event['@timestamp']), event: m.event, matches: [m.rule.id, ...(m.rule.name ? [m.rule.name] : [])] });
    }
  }
  input.sort((a, b) => a.t - b.t);
  const key = (a: CorrelationAlert): string => `${a.rule.title}|${JSON.stringify(a.group)}|${a['@timestamp']}|${a.events.join(',')}`;
  const run = (items: typeof input, engine = fresh(), from = 0): string[] => {
    const out: string[] = [];
    for (let i = from; i < items.length; i++) for (const a of engine.push({ event: items[i]!.event, matches: items[i]!.matches }, i).alerts) out.push(key(a));
    for (const a of engine.flush().alerts) out.push(key(a));
    return out;
  };
  const expected = run(input);
  assert.ok(expected.length >= 5, `${expected.length} alerts`);

  const r = rng(7);
  for (let k = 0; k < 20; k++) {
    const cut = 1 + Math.floor(r() * (input.length - 1));
    const first = fresh();
    const before: string[] = [];
    for (let i = 0; i < cut; i++) for (const a of first.push({ event: input[i]!.event, matches: input[i]!.matches }, i).alerts) before.push(key(a));
    const snap = first.snapshot();
    const resumed = fresh();
    resumed.restore(snap);
    assert.equal(resumed.position, cut - 1);
    const after = run(input, resumed, cut);
    assert.deepEqual([...before, ...after], expected, `resume at ${cut} of ${input.length} differs`);
  }

  // Shuffle within the allowed lateness: swap neighbours whose times differ by less than a minute.
  const shuffled = [...input];
  for (let i = 1; i < shuffled.length; i++) {
    if (r() < 0.5 && shuffled[i]!.t - shuffled[i - 1]!.t < 60_000) [shuffled[i - 1], shuffled[i]] = [shuffled[i]!, shuffled[i - 1]!];
  }
  assert.deepEqual([...run(shuffled)].sort(), [...expected].sort());
});
