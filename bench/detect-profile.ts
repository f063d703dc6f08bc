/**
 * Detect stage alone, for profiling and A/B runs: builds the full SigmaHQ rule set, normalizes N
 * varied regression events (untimed, as bench/hunt.ts generates them), then evaluates them R times
 * (R > 1 repeats values, which flatters the per-value literal cache: use 1 for rates).
 *   node --cpu-prof --import tsx bench/detect-profile.ts [--events N] [--rounds R]
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import type { WeftEvent } from '../src/event/model.js';
import { RecordPipeline } from '../src/ingest/record-pipeline.js';
import { buildRuleSet } from '../src/rules/engine/index.js';
import { bundledPipelineFiles } from '../src/rules/pipeline/index.js';
import { sharedData } from '../test/support/shared-data.js';
import { huntBlock, huntTemplates } from './hunt.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const n = arg('--events', 20_000);
const rounds = arg('--rounds', 3);
const root = sharedData('sigma');
const built = buildRuleSet({
  rulePaths: ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => `${root}/${d}`),
  pipelinePaths: bundledPipelineFiles(),
});
const rs = built.ruleSet;
const lines = huntBlock(huntTemplates(), 1_000_000_000, n);
const pipeline = new RecordPipeline({ sourceId: 'bench' });
const receivedAt = new Date('2026-02-01T00:00:00Z');
const evs: WeftEvent[] = [];
for (const l of lines) for (const o of pipeline.process(l, receivedAt)) if (o.kind === 'event') evs.push(o.event);
let matches = 0;
for (const ev of evs.slice(0, 2000)) matches += rs.evaluate(ev).length;
rs.resetStats();
matches = 0;
const t0 = process.cpuUsage();
for (let r = 0; r < rounds; r++) for (const ev of evs) matches += rs.evaluate(ev).length;
const u = process.cpuUsage(t0);
const s = (u.user + u.system) / 1e6;
const st = rs.stats();
console.log(`detect: ${evs.length} events x ${rounds}: ${Math.round((evs.length * rounds) / s)} events/s, ${matches} matches, ${st.rulesEvaluatedPerEvent.toFixed(1)} rules/event, ${st.conditionsEvaluatedPerEvent.toFixed(1)} conds/event`);
