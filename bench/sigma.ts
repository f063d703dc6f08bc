/**
 * Sigma compiler numbers on the SigmaHQ snapshot in ../shared/data: load, compile, and evaluation
 * of every compiled rule on every SigmaHQ regression event (no index: the worst case).
 * Usage: node --import tsx bench/sigma.ts
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { compileRule, isRejection, loadRules, type CompiledRule } from '../src/rules/sigma/index.js';
import { splitJsonDocuments } from '../test/support/evtx.js';
import { pathResolver } from '../test/support/sigma.js';
import { sharedData } from '../test/support/shared-data.js';

const root = sharedData('sigma');
let t = performance.now();
const loaded = loadRules(['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => `${root}/${d}`));
const loadMs = performance.now() - t;
t = performance.now();
const compiled: CompiledRule[] = [];
for (const rule of loaded.rules) {
  const c = compileRule(rule, { resolver: pathResolver });
  if (!isRejection(c)) compiled.push(c);
}
const compileMs = performance.now() - t;
const files = execFileSync('find', [`${root}/regression_data`, '-name', '*.json']).toString().trim().split('\n');
type Rec = Record<string, unknown>;
/** Flatten evtx_dump JSON to Sigma's Windows field names, so the path resolver reads them directly. */
function flatten(doc: unknown): Rec {
  const ev = (doc as Rec)['Event'] as Rec;
  const out: Rec = {};
  const sys = (ev['System'] ?? {}) as Rec;
  for (const [k, v] of Object.entries(sys)) out[k] = v !== null && typeof v === 'object' && '#text' in (v as Rec) ? (v as Rec)['#text'] : v;
  out['Provider_Name'] = ((sys['Provider'] as Rec | undefined)?.['#attributes'] as Rec | undefined)?.['Name'];
  for (const [k, v] of Object.entries((ev['EventData'] ?? {}) as Rec)) out[k.replace(/ /g, '')] = v;
  return out;
}
const events = files.flatMap((f) => splitJsonDocuments(readFileSync(f, 'utf8')).map(flatten));
const withLiterals = compiled.filter((c) => c.requiredLiterals.length > 0).length;
let matches = 0;
const rounds = Number(process.env.ROUNDS ?? 5);
// Fresh event objects each round (made before timing), so per-event caches do not carry over.
const batches = Array.from({ length: rounds + 1 }, () => events.map((e) => structuredClone(e)));
for (const ev of batches[0] as Rec[]) for (const c of compiled) c.predicate(ev); // warm-up
t = performance.now();
for (let r = 1; r <= rounds; r++) {
  for (const ev of batches[r] as Rec[]) for (const c of compiled) if (c.predicate(ev)) matches++;
}
const evalMs = performance.now() - t;
const evals = rounds * events.length * compiled.length;
console.log(
  JSON.stringify(
    {
      documents: loaded.rules.length + loaded.rejections.length,
      compiled: compiled.length,
      rulesWithRequiredLiterals: withLiterals,
      loadMs: Math.round(loadMs),
      compileMs: Math.round(compileMs),
      events: events.length,
      ruleEvaluations: evals,
      evalMs: Math.round(evalMs),
      nsPerRuleEvaluation: Math.round((evalMs * 1e6) / evals),
      eventsPerSecondAllRules: Math.round((rounds * events.length) / (evalMs / 1000)),
      matchesPerRound: matches / rounds,
    },
    null,
    2,
  ),
);
