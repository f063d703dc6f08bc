import type { Command } from 'commander';
import { replayStore } from '../../hunt/replay.js';
import { correlationOptions } from '../../hunt/correlate-stage.js';
import { bundledPipelineFiles } from '../../rules/pipeline/index.js';
import { resolve } from 'node:path';
import { alertStageFor } from '../alerting.js';
import { commandContext, DATA_DIR_OPTION, openStore, UsageError } from '../context.js';
import { ruleCacheDir } from '../rule-sources.js';

interface ReplayFlags {
  from?: string;
  to?: string;
  dataDir?: string;
  output?: string;
}

function time(flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw new UsageError(`${flag} '${v}' is not an ISO 8601 time (e.g. 2026-03-10T00:00:00Z)`);
  return t;
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('re-run the engine over stored events with the stored rule versions and report every alert that differs from what was recorded (exit 1 if any)')
    .option('--from <time>', 'first event time, inclusive (ISO 8601; default: the beginning)')
    .option('--to <time>', 'last event time, exclusive (ISO 8601; default: the end)')
    .option('--output <kind>', 'table or json', 'table')
    .option(...DATA_DIR_OPTION)
    .action(async (flags: ReplayFlags, cmd: Command) => {
      const from = time('--from', flags.from, -8.64e15);
      const to = time('--to', flags.to, 8.64e15);
      if (to <= from) throw new UsageError('--to must be after --from');
      if (flags.output !== 'table' && flags.output !== 'json') throw new UsageError(`unknown output '${flags.output}'; expected table or json`);
      const ctx = await commandContext(cmd, flags);
      const store = await openStore(ctx.config);
      try {
        const cacheDir = ruleCacheDir();
        const assets = await store.listAssets();
        const attack = await store.listAttackObjects();
        const report = await replayStore(store, {
          from, to,
          pipelinePaths: [...bundledPipelineFiles(), ...ctx.config.rules.pipelines.map((p) => resolve(p))],
          placeholders: ctx.config.rules.placeholders,
          correlation: correlationOptions(ctx.config, { live: true }),
          ...(cacheDir !== undefined ? { cacheDir } : {}),
          stageFor: (corr) => alertStageFor({ config: ctx.config, correlations: corr?.definitions ?? [], assets, attack }),
        });
        if (flags.output === 'json') {
          process.stdout.write(`${JSON.stringify(report)}\n`);
        } else {
          process.stdout.write(`replayed ${report.events} events with ${report.rules} rules (${report.ruleVersionsFromAlerts} at the version their alerts recorded)\n`);
          process.stdout.write(`alerts   ${report.recorded} recorded, ${report.replayed} re-derived, ${report.differences.length} differ\n`);
          for (const d of report.differences) {
            process.stdout.write(`  ${d.kind.padEnd(18)} alert ${d.alertId} (rule ${d.ruleId})\n`);
            for (const f of d.fields) process.stdout.write(`      ${f.field}: recorded ${JSON.stringify(f.recorded)}, replayed ${JSON.stringify(f.replayed)}\n`);
          }
        }
        if (report.differences.length > 0) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
