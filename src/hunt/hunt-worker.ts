/**
 * A hunt worker thread (see hunt-pool.ts): framed batches in; outcomes with each event's matches,
 * as rule indexes, out. The rule set is built once, at start, from the same files as the caller's.
 */
import { deserialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { baselineView } from '../alert/facts.js';
import { EntityResolver } from '../enrich/entity-resolver.js';
import { pipelineCacheFor, pipelineKey } from '../ingest/file-source.js';
import type { RecordOutcome } from '../ingest/record-pipeline.js';
import { buildRuleSet, buildRuleSetFromLoaded, type EngineStats, type MatchedRule, type RuleSet } from '../rules/engine/index.js';
import type { LoadResult } from '../rules/sigma/types.js';
import type { HuntWorkerData, HuntWorkerReply, HuntWorkerRequest, WorkerMatches } from './hunt-pool.js';

const port = parentPort;
if (port === null) throw new Error('hunt-worker.ts runs only as a worker thread');
const data = workerData as HuntWorkerData;
const reply = (r: HuntWorkerReply): void => port.postMessage(r);

let ruleSet: RuleSet | undefined;
let indexOf = new Map<MatchedRule, number>();
try {
  const r = data.rules;
  const built = 'loaded' in r ? buildRuleSetFromLoaded(deserialize(r.loaded) as LoadResult, r) : buildRuleSet(r);
  if (built.pipelineErrors.length > 0) throw new Error(`pipeline errors: ${built.pipelineErrors.map((e) => `${e.file}: ${e.message}`).join('; ')}`);
  ruleSet = built.ruleSet;
  const infos = ruleSet.ruleInfos;
  indexOf = new Map(infos.map((r, i) => [r, i]));
  reply({ kind: 'ready', ruleIds: infos.map((r) => r.id) });
} catch (err) {
  reply({ kind: 'failed', message: (err as Error).message });
}

const readOpts = {
  resolver: new EntityResolver(data.identities),
  ...(data.format !== undefined ? { format: data.format } : {}),
  ...(data.sourceType !== undefined ? { sourceType: data.sourceType } : {}),
  ...(data.timezone !== undefined ? { timezone: data.timezone } : {}),
  ...(data.maxRecordBytes !== undefined ? { maxRecordBytes: data.maxRecordBytes } : {}),
};
/** One pipeline per input file, as the single-threaded hunt has. */
const pipelines = pipelineCacheFor(readOpts);

function delta(a: EngineStats, b: EngineStats): EngineStats {
  const out = { ...b };
  for (const k of Object.keys(out) as (keyof EngineStats)[]) out[k] -= a[k];
  return out;
}

port.on('message', (m: HuntWorkerRequest) => {
  if (ruleSet === undefined) return;
  try {
    const b = m.batch;
    const pipeline = pipelines.get(pipelineKey(b, readOpts));
    const at = new Date(b.receivedAt);
    const outcomes: RecordOutcome[] = [];
    for (const rec of b.records) for (const o of pipeline.process(rec, at)) outcomes.push(o);
    const before = ruleSet.stats();
    const matches: WorkerMatches = [];
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i] as RecordOutcome;
      if (o.kind !== 'event') {
        matches.push(null);
        continue;
      }
      const ms = ruleSet.evaluate(o.event);
      matches.push(ms.map((x) => [indexOf.get(x.rule) as number, x.selections]));
      // An event no rule matched only feeds the baseline on the other side.
      if (ms.length === 0) outcomes[i] = { kind: 'event', event: baselineView(o.event) };
    }
    reply({ kind: 'result', id: m.id, outcomes, matches, stats: delta(before, ruleSet.stats()) });
  } catch (err) {
    reply({ kind: 'error', id: m.id, message: (err as Error).message });
  }
});
