/**
 * SigmaHQ's regression data through the real hunt path: each case's evtx_dump JSON is read by
 * readOutcomes (format detection, decode, Windows normalization), and the FULL SigmaHQ rule set
 * (rules, rules-emerging-threats, rules-threat-hunting) runs on the events with the bundled pipelines.
 * The case's rule must fire exactly match_count times (1 when unstated); the index and prefilter must
 * change nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { WeftEvent } from '../../src/event/model.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandInputs, readOutcomes } from '../../src/ingest/file-source.js';
import { runScenarioCommand } from '../../src/scenario/cli-entry.js';
import { buildRuleSet, type BuildRuleSetResult } from '../../src/rules/engine/index.js';
import { bundledPipelineFiles } from '../../src/rules/pipeline/index.js';
import { RecordPipeline } from '../../src/ingest/record-pipeline.js';
import { loadRecords, SPECS } from '../support/fixture-catalog.js';
import { fixturePath } from '../support/fixtures.js';
import { requireSharedData } from '../support/shared-data.js';

const root = requireSharedData('sigma');

/**
 * Cases where SigmaHQ's match_count is not what the rule does on the sample, each checked by hand.
 * Key: the rule file's name; value: the count this path must produce, and why.
 */
const EXCEPTIONS: Record<string, { count: number; why: string }> = {
  'file_event_win_anydesk_artefact.yml': { count: 3, why: "three TargetFilename values contain '\\AppData\\Roaming\\AnyDesk\\user.conf'" },
  'file_event_win_cred_dump_tools_dropped_files.yml': { count: 3, why: 'procdump.exe, procdump64.exe and procdump64a.exe all end a TargetFilename' },
  'proc_creation_win_github_self_hosted_runner.yml': { count: 2, why: "one Runner.Listener 'configure' and one Runner.Worker 'spawnclient' event" },
};

interface Case {
  info: string;
  ruleId: string;
  json: string;
  expected: number;
}

function cases(regression: string): Case[] {
  const infos = execFileSync('find', [regression, '-name', 'info.yml']).toString().trim().split('\n').sort();
  const out: Case[] = [];
  for (const info of infos) {
    const meta = parse(readFileSync(info, 'utf8')) as {
      rule_metadata: Array<{ id: string }>;
      regression_tests_info?: Array<{ match_count?: number }>;
    };
    const ruleId = meta.rule_metadata[0]?.id;
    assert.ok(ruleId, `${info}: rule_metadata[0].id`);
    out.push({ info, ruleId, json: info.replace(/info\.yml$/, `${ruleId}.json`), expected: meta.regression_tests_info?.[0]?.match_count ?? 1 });
  }
  return out;
}

describe('SigmaHQ regression data through the hunt path', { skip: root === undefined ? 'shared data missing' : false }, () => {
  let built: BuildRuleSetResult;
  const eventsByCase = new Map<Case, WeftEvent[]>();
  let all: Case[] = [];

  it('builds the full SigmaHQ rule set with the bundled pipelines', () => {
    built = buildRuleSet({
      rulePaths: ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => `${root}/${d}`),
      pipelinePaths: bundledPipelineFiles(),
    });
    assert.deepEqual(built.pipelineErrors, []);
    assert.ok(built.loaded > 3500, `${built.loaded} rules`);
    // The two known kinds: a placeholder nobody configured, and one modifier on a search identifier.
    for (const r of built.rejections) assert.match(r.reason, /placeholder '%[^%]+%' has no value|modifiers belong on field names/);
    console.log(`rules: ${built.loaded} loaded, ${built.rejections.length} rejected; index ${JSON.stringify(built.ruleSet.describe())}`);
  });

  it('reports each case rule exactly match_count times', async () => {
    all = cases(`${root}/regression_data`);
    assert.ok(all.length >= 130, `${all.length} cases`);
    const misses: string[] = [];
    const others = new Map<string, number>();
    let events = 0;
    let missingJson = 0;
    for (const c of all) {
      let exists = true;
      try {
        readFileSync(c.json);
      } catch {
        exists = false;
      }
      if (!exists) {
        missingJson++;
        continue;
      }
      const evs: WeftEvent[] = [];
      for await (const batch of readOutcomes([c.json], { receivedAt: () => new Date('2026-01-01T00:00:00Z') })) {
        for (const o of batch.outcomes) {
          if (o.kind === 'quarantine') assert.fail(`${c.json}: quarantined ${o.quarantine.reason}: ${o.quarantine.message}`);
          evs.push(o.event);
        }
      }
      eventsByCase.set(c, evs);
      events += evs.length;
      let n = 0;
      let file = '';
      for (const ev of evs) {
        for (const m of built.ruleSet.evaluate(ev)) {
          if (m.rule.id === c.ruleId) {
            n++;
            file = m.rule.file;
            assert.ok(m.selections.length > 0, `${c.ruleId}: a match names its selections`);
            assert.equal(m.event, ev);
          } else {
            others.set(`${m.rule.id} ${m.rule.title}`, (others.get(`${m.rule.id} ${m.rule.title}`) ?? 0) + 1);
          }
        }
      }
      const ruleFile = built.ruleSet.rules.find((r) => r.rule.id === c.ruleId)?.rule.file ?? file;
      const name = ruleFile.split('/').pop() as string;
      const expected = EXCEPTIONS[name]?.count ?? c.expected;
      if (n !== expected) misses.push(`${name} (${c.ruleId}): reported ${n}, expected ${expected}`);
    }
    const otherTotal = [...others.values()].reduce((a, b) => a + b, 0);
    console.log(`regression: ${all.length} cases (${missingJson} without a .json sample), ${events} events`);
    console.log(`other rules firing on them: ${otherTotal} matches of ${others.size} rules; top 10:`);
    for (const [k, n] of [...others].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${String(n).padStart(4)}  ${k}`);
    for (const m of misses) console.log(`  MISS ${m}`);
    const s = built.ruleSet.stats();
    console.log(`engine (indexed): ${s.rulesEvaluatedPerEvent.toFixed(1)} rules evaluated per event, ${s.conditionsEvaluatedPerEvent.toFixed(1)} conditions, prefilter pass rate ${(s.prefilterPassRate * 100).toFixed(2)}%`);
    assert.deepEqual(misses, []);
  });

  it('gives identical matches with and without the index and prefilter, on every regression event', () => {
    let compared = 0;
    for (const evs of eventsByCase.values()) {
      for (const ev of evs) {
        const fast = built.ruleSet.evaluate(ev).map((m) => `${m.rule.id}:${m.selections.join('+')}`);
        const slow = built.ruleSet.evaluate(ev, { exhaustive: true }).map((m) => `${m.rule.id}:${m.selections.join('+')}`);
        assert.deepEqual(fast, slow);
        compared++;
      }
    }
    assert.ok(compared >= 130);
  });

  it('gives identical matches with and without the index and prefilter on the example day (every source, every fifth event)', async () => {
    // Differential check of the prefilter (per-value literal cache, q-gram scanner, clause checks,
    // condition dispatch) against full evaluation of every rule whose logsource holds, on the
    // seeded scenario `weft demo` hunts: Windows, Linux, Okta, CloudTrail, CEF firewall and Zeek.
    const dir = join(mkdtempSync(join(tmpdir(), 'weft-diff-')), 'scenario');
    runScenarioCommand({ out: dir });
    const files = (await expandInputs([dir])).filter((f) => !f.endsWith('ground-truth.json'));
    let compared = 0;
    let matches = 0;
    let seen = 0;
    const sources = new Set<string>();
    for await (const b of readOutcomes(files, { receivedAt: () => new Date('2026-03-11T00:00:00Z') })) {
      for (const o of b.outcomes) {
        if (o.kind !== 'event' || seen++ % 5 !== 0) continue;
        const fast = built.ruleSet.evaluate(o.event).map((m) => `${m.rule.id}:${m.selections.join('+')}`);
        const slow = built.ruleSet.evaluate(o.event, { exhaustive: true }).map((m) => `${m.rule.id}:${m.selections.join('+')}`);
        assert.deepEqual(fast, slow, `${b.file}: ${JSON.stringify(o.event).slice(0, 300)}`);
        compared++;
        matches += fast.length;
        sources.add(b.file.split('/').pop() as string);
      }
    }
    console.log(`scenario events compared: ${compared} from ${sources.size} files, matches: ${matches}`);
    assert.ok(compared >= 5000, `${compared} scenario events`);
    assert.ok(sources.size >= 6, [...sources].join(', '));
  });

  it('gives identical matches with and without the index and prefilter on every fixture event of every source', async () => {
    const events: unknown[] = [];
    const ctx = { receivedAt: new Date('2026-01-01T00:00:00Z') };
    // Every vendor sample through the real ingest path.
    for (const spec of SPECS) {
      for (const r of await loadRecords(spec)) if (r.outcome.kind === 'event') events.push(r.outcome.event);
    }
    // The Winlogbeat samples (Elastic's pipeline inputs), through the record pipeline.
    const pipeline = new RecordPipeline({ sourceId: 'fixtures' });
    for (const name of ['winlogbeat-powershell-4104.json', 'winlogbeat-security-4624.json', 'winlogbeat-security-4688.json', 'winlogbeat-security-5145.json', 'winlogbeat-sysmon.json']) {
      const doc = JSON.parse(readFileSync(fixturePath('windows', name), 'utf8')) as { events: unknown[] };
      for (const e of doc.events) for (const o of pipeline.process(JSON.stringify(e), ctx.receivedAt)) if (o.kind === 'event') events.push(o.event);
    }
    assert.ok(events.length >= 80, `${events.length} fixture events`);
    let matches = 0;
    for (const ev of events) {
      const fast = built.ruleSet.evaluate(ev).map((m) => `${m.rule.id}:${m.selections.join('+')}`);
      const slow = built.ruleSet.evaluate(ev, { exhaustive: true }).map((m) => `${m.rule.id}:${m.selections.join('+')}`);
      assert.deepEqual(fast, slow);
      matches += fast.length;
    }
    console.log(`fixture events: ${events.length}, matches: ${matches}`);
  });
});
