/**
 * What `weft scenario` (wired by the CLI) calls: validate the options, write the scenario, and return a
 * summary the CLI prints. No process exit or console output here.
 */
import { writeScenario } from './generate.js';
import { ScenarioOptionsError, type ScenarioOptions } from './types.js';

export interface ScenarioCommandOptions {
  /** Output directory (created if missing). */
  out: string;
  seed?: string | number;
  /** Day start, ISO 8601 with a zone; default 2026-03-10T00:00:00Z. */
  start?: string;
  users?: number | string;
  hosts?: number | string;
}

export interface ScenarioSummary {
  dir: string;
  seed: string;
  start: string;
  files: { path: string; records: number; bytes: number }[];
  records: number;
  attackRecords: number;
  stories: { id: string; steps: number; records: number }[];
  elapsedMs: number;
}

export const DEFAULT_SEED = 'weft-demo';
export const DEFAULT_START = '2026-03-10T00:00:00Z';

function intOption(name: string, v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isInteger(n)) throw new ScenarioOptionsError(name, `must be a whole number, got ${JSON.stringify(v)}`);
  return n;
}

export function runScenarioCommand(o: ScenarioCommandOptions): ScenarioSummary {
  if (typeof o.out !== 'string' || o.out.trim() === '') throw new ScenarioOptionsError('out', 'an output directory is required');
  const t0 = performance.now();
  const opts: ScenarioOptions = { seed: o.seed ?? DEFAULT_SEED, start: o.start ?? DEFAULT_START };
  const users = intOption('users', o.users);
  const hosts = intOption('hosts', o.hosts);
  if (users !== undefined) opts.users = users;
  if (hosts !== undefined) opts.hosts = hosts;
  const s = writeScenario(o.out, opts);
  const counts = new Map(s.truth.files.map((f) => [f.path, f.records]));
  const attack = s.truth.stories.reduce((n, st) => n + st.steps.reduce((m, step) => m + step.records.length, 0), 0);
  return {
    dir: o.out,
    seed: s.truth.seed,
    start: s.truth.start,
    files: s.files.map((f) => ({ path: f.path, records: counts.get(f.path) ?? 0, bytes: Buffer.byteLength(f.content) })),
    records: s.truth.benign.count + attack,
    attackRecords: attack,
    stories: s.truth.stories.map((st) => ({ id: st.id, steps: st.steps.length, records: st.steps.reduce((m, step) => m + step.records.length, 0) })),
    elapsedMs: Math.round(performance.now() - t0),
  };
}
