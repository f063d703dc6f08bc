import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { EntityResolver } from '../../enrich/entity-resolver.js';
import { loadIdentityDirectory } from '../../enrich/identity-directory.js';
import { expandInputs } from '../../ingest/file-source.js';
import { DEFAULT_SEED, runScenarioCommand } from '../../scenario/cli-entry.js';
import type { WeftConfig } from '../../config/schema.js';
import type { CorrelationAlert } from '../../correlate/index.js';
import type { WeftEvent } from '../../event/model.js';
import { CorrelationStage, correlationOptions } from '../../hunt/correlate-stage.js';
import { huntFiles } from '../../hunt/hunt-stream.js';
import type { Match } from '../../rules/engine/index.js';
import { EXAMPLE_STORY_CHAINS, scoreIncidents, scoreScenario, type IncidentScore, type ReportedAlert, type ScenarioScore } from '../../scenario/evaluate.js';
import type { AlertRun } from '../../hunt/alert-stage.js';
import { alertStageFor, inventoryFrom } from '../alerting.js';
import type { GroundTruth } from '../../scenario/types.js';
import { commandContext, DATA_DIR_OPTION, openStore } from '../context.js';
import { ruleSetFor } from '../rule-sources.js';
import { detectionFor, ingestFiles, printSummary } from './ingest.js';
import { rankIncidents } from './hunt.js';
import type { Incident } from '../../incident/types.js';

interface DemoOptions {
  dataDir?: string;
  seed?: string;
}

/**
 * Weft's main job end to end on the embedded store: generate the example day (seeded, so every run
 * is the same), ingest it with entity resolution, and show what was stored and found.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate the example attack scenario, ingest it into the store and show what Weft finds')
    .option('--seed <seed>', 'scenario seed', DEFAULT_SEED)
    .option(...DATA_DIR_OPTION)
    .action(async (opts: DemoOptions, cmd: Command) => {
      const ctx = await commandContext(cmd, opts);
      const dir = join(ctx.config.data_dir, 'scenario');
      const scenario = runScenarioCommand({ out: dir, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
      process.stdout.write(`scenario   ${scenario.records} records in ${scenario.files.length} files (${scenario.attackRecords} attack records, ${scenario.stories.length} stories) -> ${relative(process.cwd(), dir) || '.'}\n`);
      const files = (await expandInputs([dir])).filter((f) => !f.endsWith('ground-truth.json'));
      const store = await openStore(ctx.config, ctx.logger);
      try {
        const summary = await ingestFiles(files, store, {
          timezone: 'UTC',
          maxRecordBytes: ctx.config.ingest.max_record_bytes,
          batchSize: ctx.config.ingest.batch_size,
          dryRun: false,
          resolver: new EntityResolver(loadIdentityDirectory(join(dir, 'identities.yaml'))),
          // Ids relative to the scenario folder, as its ground truth records them.
          sourceIdFor: (f) => relative(dir, f),
          detect: await detectionFor(store, ctx.config, {}),
        });
        printSummary(summary);
        const found = await detectScenario(dir, ctx.config);
        printDetections(found);
        const sources = await store.listSources();
        const byType = new Map<string, number>();
        for (const s of sources) byType.set(s.type ?? '?', (byType.get(s.type ?? '?') ?? 0) + s.events);
        // Source activity counts every event a source delivered, stored or already stored: a second
        // demo into the same store doubles it, so it is not called "stored".
        process.stdout.write(`received   ${[...byType].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`).join(', ')} (events by source type, over every run into this store)\n`);
        process.stdout.write(`store      ${store.driver} (${ctx.config.store.driver === 'sqlite' ? relative(process.cwd(), ctx.config.store.sqlite.path ?? join(ctx.config.data_dir, 'weft.db')) : 'postgres'})\n`);
      } finally {
        await store.close();
      }
    });
}

export interface ScenarioDetections {
  matches: Match<WeftEvent>[];
  correlations: CorrelationAlert[];
  score: ScenarioScore;
  rules: number;
  /** Alerts and incidents of the alert stage over the same detections. */
  run: AlertRun;
  incidentScore: IncidentScore;
}

/**
 * Hunt over a generated scenario with the bundled rule pack (detection and correlation rules), with
 * the event ids and identities its ground truth uses, and score the result against that truth.
 */
export async function detectScenario(dir: string, config: WeftConfig): Promise<ScenarioDetections> {
  const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as GroundTruth;
  const files = (await expandInputs([dir])).filter((f) => !f.endsWith('ground-truth.json'));
  const built = ruleSetFor({}, config);
  const corr = CorrelationStage.build(built.rulePaths, built, correlationOptions(config));
  const matches: Match<WeftEvent>[] = [];
  const correlations: CorrelationAlert[] = [];
  const stage = alertStageFor({ config, correlations: corr.stage?.definitions ?? [], assets: inventoryFrom(config.alert.assets) });
  for await (const b of huntFiles(files, built.ruleSet, {
    timezone: 'UTC',
    maxRecordBytes: config.ingest.max_record_bytes,
    resolver: new EntityResolver(loadIdentityDirectory(join(dir, 'identities.yaml'))),
    sourceIdFor: (f) => relative(dir, f),
    ...(corr.stage !== undefined ? { correlate: corr.stage } : {}),
    onEvent: (ev, ms) => stage.observe(ev, ms),
  })) {
    matches.push(...b.matches);
    correlations.push(...b.correlations);
    for (const m of b.matches) stage.addMatch(m);
    for (const c of b.correlations) stage.addCorrelation(c);
  }
  const run = stage.finish();
  const alertEvents = new Map(run.alerts.map((a) => [a.id, a.events]));
  const incidentScore = scoreIncidents(truth, run.incidents.map((i) => ({ id: i.id, alerts: i.alerts.map((id) => ({ id, eventIds: alertEvents.get(id) ?? [] })) })), EXAMPLE_STORY_CHAINS);
  const reported: ReportedAlert[] = [
    ...matches.map((m) => ({ title: m.rule.title, kind: 'match' as const, eventIds: [m.event.weft.id] })),
    ...correlations.map((c) => ({ title: c.rule.title, kind: 'correlation' as const, eventIds: c.events })),
  ];
  return { matches, correlations, score: scoreScenario(truth, reported), rules: built.loaded + (corr.stage?.definitions.length ?? 0), run, incidentScore };
}

function printDetections(d: ScenarioDetections): void {
  const w = (s: string): boolean => process.stdout.write(s);
  const byLevel = new Map<string, number>();
  for (const m of d.matches) byLevel.set(m.rule.level ?? 'informational', (byLevel.get(m.rule.level ?? 'informational') ?? 0) + 1);
  w(`\ndetected   ${d.matches.length} rule matches (${[...byLevel].map(([l, n]) => `${n} ${l}`).join(', ')}) and ${d.correlations.length} correlation alerts, from ${d.rules} rules\n`);
  for (const c of d.correlations) {
    const group = Object.entries(c.group).map(([k, v]) => `${k}=${v}`).join(' ');
    w(`  ${c['@timestamp']}  ${(c.rule.level ?? '').toUpperCase().padEnd(8)} ${c.rule.title} [${group}; ${c.events.length} events]\n`);
  }
  w('\nattack stories (ground truth) and what covered each step:\n');
  for (const story of d.score.stories) {
    w(`  ${story.title}\n`);
    for (const step of story.steps) {
      const mark = step.coveredBy.length > 0 ? 'x' : ' ';
      w(`    [${mark}] ${step.title.padEnd(58)} ${step.coveredBy.slice(0, 2).join('; ')}${step.coveredBy.length > 2 ? ` (+${step.coveredBy.length - 2})` : ''}\n`);
    }
  }
  const byId = new Map(d.run.incidents.map((i) => [i.id, i]));
  const alerts = d.run.alerts.filter((a) => a.status !== 'suppressed').length;
  w(`\nincidents  ${d.run.incidents.length} from ${alerts} alerts (${d.matches.length + d.correlations.length} detections), ranked by score:\n`);
  for (const i of rankIncidents(d.run.incidents)) {
    w(`  ${i.severity.toUpperCase().padEnd(8)} ${String(i.score).padStart(3)}  ${i.title}\n`);
    w(`               ${i.alerts.length} alerts, ${i.first_time} .. ${i.last_time}; kill chain: ${i.kill_chain.map((k) => k.tactic).join(' > ') || '-'}\n`);
  }
  const ranked = rankIncidents(d.run.incidents);
  const rank = (id: string): string => `#${ranked.indexOf(byId.get(id) as Incident) + 1}`;
  w('\nattack stories and their incidents:\n');
  for (const s of d.incidentScore.storyIncidents) {
    w(`  ${s.incidents.length === 1 ? 'ok ' : '!! '} ${s.title.padEnd(80)} ${s.incidents.map(rank).join(', ') || 'in no incident'}\n`);
  }
  const is = d.incidentScore;
  w('\nwhat each attack incident holds:\n');
  for (const i of [...is.attackIncidents].sort((a, b) => ranked.indexOf(byId.get(a.id) as Incident) - ranked.indexOf(byId.get(b.id) as Incident))) {
    w(`  ${i.mixed ? '!! ' : 'ok '} ${rank(i.id).padEnd(4)} ${i.stories.join(', ')}; ${i.alerts} alerts, ${i.benignAlerts} benign${i.mixed ? '; MIXES UNCONNECTED STORIES' : ''}\n`);
  }
  w(`incidents ${is.incidents} for ${is.stories} stories (bound ${2 * is.stories}); every story in exactly one incident: ${is.storyIncidents.every((s) => s.incidents.length === 1) ? 'yes' : 'NO'}; `
    + `incidents mixing unconnected stories: ${is.mixed}; purity ${is.purity.toFixed(2)} (${is.benignInAttackIncidents} of ${is.attackIncidentAlerts} alerts in attack incidents are benign)\n`);
  const s = d.score;
  w(`\nsteps covered ${s.stepsCovered}/${s.steps} (recall ${s.stepRecall.toFixed(2)}); attack records in an alert ${s.attackRecordsDetected}/${s.attackRecords} (recall ${s.recordRecall.toFixed(2)}); alert precision ${s.precision.toFixed(2)} (${s.truePositiveAlerts}/${s.alerts})\n`);
}
