/**
 * generateScenario: a deterministic day of multi-source logs with attack stories, and its ground
 * truth. writeScenario: the same, written to a directory with `ground-truth.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateBenign } from './benign.js';
import { FILES, Gen } from './context.js';
import { identitiesYaml } from './identities.js';
import { cloudtrailPath } from './paths.js';
import { Rng } from './rng.js';
import { Sink, type PlacedRecord } from './sink.js';
import { generateStories, pickCast, STORIES } from './stories.js';
import { ScenarioOptionsError, type GroundTruth, type Scenario, type ScenarioFile, type ScenarioOptions, type StepTruth, type StoryTruth } from './types.js';
import { buildWorld } from './world.js';

export const GENERATOR = 'weft-scenario/1';
const DAY_MS = 86_400_000;

function validate(opts: ScenarioOptions): { seed: string; start: number; users: number; hosts: number } {
  const seed = opts.seed;
  if (typeof seed === 'number' ? !Number.isSafeInteger(seed) : typeof seed !== 'string' || seed === '') {
    throw new ScenarioOptionsError('seed', `must be a safe integer or non-empty text, got ${JSON.stringify(seed)}`);
  }
  if (typeof opts.start !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(opts.start)) {
    throw new ScenarioOptionsError('start', `must be an ISO 8601 time with a zone, like 2026-03-10T00:00:00Z; got ${JSON.stringify(opts.start)}`);
  }
  const [y, mo, d, h, mi] = opts.start.slice(0, 16).split(/[-T:]/).map(Number) as [number, number, number, number, number];
  const civil = new Date(Date.UTC(y, mo - 1, d));
  if (civil.getUTCMonth() !== mo - 1 || civil.getUTCDate() !== d || h > 23 || mi > 59) throw new ScenarioOptionsError('start', `is not a valid date and time: ${opts.start}`);
  const start = Date.parse(opts.start);
  if (!Number.isFinite(start)) throw new ScenarioOptionsError('start', `is not a valid date: ${opts.start}`);
  const users = opts.users ?? 50;
  const hosts = opts.hosts ?? 30;
  if (!Number.isInteger(users) || users < 12 || users > 500) throw new ScenarioOptionsError('users', `must be an integer from 12 to 500, got ${String(users)}`);
  if (!Number.isInteger(hosts) || hosts < 16 || hosts > 500) throw new ScenarioOptionsError('hosts', `must be an integer from 16 to 500, got ${String(hosts)}`);
  return { seed: String(seed), start, users, hosts };
}

export function generateScenario(opts: ScenarioOptions): Scenario {
  const o = validate(opts);
  const rng = new Rng(`${o.seed}`);
  const world = buildWorld(rng.fork('world'), o.users, o.hosts);
  const end = o.start + DAY_MS;
  const sink = new Sink({ start: o.start, end });
  for (const p of Object.values(FILES.windows)) sink.declare(p, 'evtx', 'evtx-json', 'windows');
  sink.declare(FILES.linux, 'lines', 'syslog-rfc3164', 'linux');
  sink.declare(FILES.okta, 'lines', 'json', 'okta');
  sink.declare(FILES.firewall, 'lines', 'cef', 'generic');
  sink.declare(FILES.zeekConn, 'lines', 'json', 'zeek');
  sink.declare(FILES.zeekDns, 'lines', 'json', 'zeek');
  for (let t = o.start; t < end; t += 3_600_000) sink.declare(cloudtrailPath(t), 'cloudtrail', 'json', 'cloudtrail');

  const g = new Gen(rng.fork('day'), world, sink, o.start, end);
  const cast = pickCast(g);
  generateBenign(g, new Set([cast.phishVictim, cast.sprayVictim]));
  generateStories(new Gen(rng.fork('stories'), world, sink, o.start, end), cast);
  const out = sink.build();

  const files: ScenarioFile[] = [...out.files, { path: 'identities.yaml', content: identitiesYaml(world) }];
  const truth: GroundTruth = {
    generator: GENERATOR,
    seed: o.seed,
    start: new Date(o.start).toISOString(),
    end: new Date(end).toISOString(),
    eventIdRule: 'eventId(file, raw): raw is the framed record text (a line, or an evtx_dump JSON document from { to its closing }); a record of a CloudTrail file is its compact JSON, which is also its line in the file',
    files: out.fileTruth,
    stories: storyTruth(out.records),
    benign: benignTruth(out.records),
  };
  return { files, truth };
}

function storyTruth(records: PlacedRecord[]): StoryTruth[] {
  const byStep = new Map<string, PlacedRecord[]>();
  for (const r of records) {
    if (r.tag === undefined) continue;
    const k = `${r.tag.story}/${r.tag.step}`;
    const list = byStep.get(k);
    if (list === undefined) byStep.set(k, [r]);
    else list.push(r);
  }
  return STORIES.map((s) => ({
    id: s.id,
    title: s.title,
    techniques: s.techniques,
    steps: s.steps.map((st): StepTruth => {
      const recs = (byStep.get(`${s.id}/${st.id}`) ?? []).sort((a, b) => a.at - b.at || a.marker.file.localeCompare(b.marker.file) || a.marker.line - b.marker.line);
      if (recs.length === 0) throw new Error(`story ${s.id} step ${st.id} wrote no records`);
      return {
        id: st.id,
        title: st.title,
        techniques: st.techniques,
        start: new Date((recs[0] as PlacedRecord).at).toISOString(),
        end: new Date((recs[recs.length - 1] as PlacedRecord).at).toISOString(),
        records: recs.map((r) => r.marker),
      };
    }),
  }));
}

function benignTruth(records: PlacedRecord[]): GroundTruth['benign'] {
  const ids = records.filter((r) => r.tag === undefined).map((r) => r.marker.eventId).sort();
  return { count: ids.length, eventIds: ids };
}

export class ScenarioWriteError extends Error {
  constructor(readonly path: string, cause: unknown) {
    super(`cannot write scenario file ${path}: ${(cause as Error).message}`);
    this.name = 'ScenarioWriteError';
  }
}

/** Generate and write every file plus `ground-truth.json` under `dir`; returns what was written. */
export function writeScenario(dir: string, opts: ScenarioOptions): Scenario {
  const s = generateScenario(opts);
  const all: ScenarioFile[] = [...s.files, { path: 'ground-truth.json', content: JSON.stringify(s.truth, null, 1) + '\n' }];
  for (const f of all) {
    const p = join(dir, ...f.path.split('/'));
    try {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.content);
    } catch (e) {
      throw new ScenarioWriteError(p, e);
    }
  }
  return s;
}
