import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { EntityResolver } from '../../enrich/entity-resolver.js';
import { loadIdentityDirectory } from '../../enrich/identity-directory.js';
import { expandInputs } from '../../ingest/file-source.js';
import { DEFAULT_SEED, runScenarioCommand } from '../../scenario/cli-entry.js';
import { commandContext, DATA_DIR_OPTION, openStore } from '../context.js';
import { ingestFiles, printSummary } from './ingest.js';

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
        });
        printSummary(summary);
        const sources = await store.listSources();
        const byType = new Map<string, number>();
        for (const s of sources) byType.set(s.type ?? '?', (byType.get(s.type ?? '?') ?? 0) + s.events);
        process.stdout.write(`stored     ${[...byType].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`).join(', ')}\n`);
        process.stdout.write(`store      ${store.driver} (${ctx.config.store.driver === 'sqlite' ? relative(process.cwd(), ctx.config.store.sqlite.path ?? join(ctx.config.data_dir, 'weft.db')) : 'postgres'})\n`);
      } finally {
        await store.close();
      }
    });
}
