/**
 * Correlation engine throughput and memory with many active group keys.
 * Run alone: `node --import tsx bench/correlate.ts` (add `--quick` for a smaller run).
 *
 * Events are built from one real normalized sshd failure (the auth.log fixture through Weft's decoder
 * and Linux mapper), varied in user, address, time and id. Event times advance 1 ms per event; the
 * allowed lateness is 1 s, so about 1000 events are buffered at any time and memory is mostly state.
 */
// Weft's V8 settings, as the weft command applies them before anything else loads.
import '../src/cli/heap-tuning.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { CorrelationEngine } from '../src/correlate/engine.js';
import { parseCorrelationText } from '../src/correlate/load.js';
import { ssh, T0 } from '../src/correlate/testdata/events.js';
import type { WeftEvent } from '../src/event/model.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const RULES = {
  event_count: `title: Bench count
name: bench_count
correlation: {type: event_count, rules: [ssh_failed], group-by: [user.name, source.ip], timespan: 1h, condition: {gte: 1000000}}
`,
  mixed: `title: Bench count
name: bench_count
correlation: {type: event_count, rules: [ssh_failed], group-by: [user.name], timespan: 1h, condition: {gte: 1000000}}
---
title: Bench distinct
name: bench_distinct
correlation: {type: value_count, rules: [ssh_failed], group-by: [user.name], timespan: 1h, condition: {field: source.ip, gte: 1000000}}
---
title: Bench sequence
name: bench_seq
correlation: {type: sequence, rules: [ssh_failed, ssh_success], group-by: [user.name], maxspan: 1h}
---
title: Bench session
name: bench_session
correlation: {type: session, rules: [ssh_failed], group-by: [user.name], gap: 1h}
`,
};

export interface CorrelateBenchResult {
  ruleSet: string;
  events: number;
  activeKeys: number;
  stateEntries: number;
  ms: number;
  eventsPerSecond: number;
  heapUsedMB: number;
  rssMB: number;
  /** Heap growth over the run, per state entry. */
  bytesPerStateEntry: number;
}

const MB = 1024 * 1024;

function one(ruleSet: keyof typeof RULES, events: number, keys: number): CorrelateBenchResult {
  const { correlations, rejections } = parseCorrelationText(RULES[ruleSet], 'bench.yml');
  if (rejections.length > 0) throw new Error(`bench rules rejected: ${rejections[0]?.reason}`);
  const engine = new CorrelationEngine(correlations, { allowedLatenessMs: 1000, maxStateEntries: 2_000_000 });
  const template = ssh({ ms: 0, user: 'root', ip: '89.160.20.156' });
  const matches = ['ssh_failed'];
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    const k = i % keys;
    // A shallow variant of the real event: the engine reads @timestamp, weft, user.name and source.ip.
    const ev: WeftEvent = {
      ...template,
      '@timestamp': new Date(T0 + i).toISOString(),
      user: { name: `user${k}` },
      source: { ip: `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`, port: 29160 },
      weft: { ...template.weft, id: `bench-${i}` },
    };
    engine.push({ event: ev, matches }, i);
  }
  const ms = performance.now() - t0;
  gc();
  const mem = process.memoryUsage();
  const st = engine.stats();
  return {
    ruleSet,
    events,
    activeKeys: keys,
    stateEntries: st.stateEntries,
    ms: Math.round(ms),
    eventsPerSecond: Math.round(events / (ms / 1000)),
    heapUsedMB: Math.round(mem.heapUsed / MB),
    rssMB: Math.round(mem.rss / MB),
    bytesPerStateEntry: Math.round((mem.heapUsed - heap0) / Math.max(1, st.stateEntries)),
  };
}

export function runCorrelateBench(opts: { quick?: boolean; only1M?: boolean } = {}): CorrelateBenchResult[] {
  const scale = opts.quick ? 10 : 1;
  const out: CorrelateBenchResult[] = [];
  if (!opts.only1M) out.push(one('event_count', 1_000_000 / scale, 100_000 / scale));
  out.push(one('event_count', 1_000_000 / scale, 1_000_000 / scale));
  if (!opts.only1M) out.push(one('mixed', 1_000_000 / scale, 100_000 / scale));
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(runCorrelateBench({ quick: process.argv.includes('--quick'), only1M: process.argv.includes('--1m') }), null, 2));
}
