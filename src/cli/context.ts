import type { Command } from 'commander';
import { loadConfig, withDataDir, type LoadedConfig } from '../config/load.js';
import type { WeftConfig } from '../config/schema.js';
import { createLogger, type Logger } from '../log/logger.js';
import { openStore as openConfiguredStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';

/** Exit codes every command shares: 0 ran, 1 runtime error, 2 bad arguments or config, 3 not built yet. */
export const EXIT = { ok: 0, runtime: 1, usage: 2, notImplemented: 3 } as const;

/** A bad argument: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface GlobalOptions {
  config?: string;
  logLevel?: string;
}

export interface CommandContext {
  loaded: LoadedConfig;
  config: WeftConfig;
  logger: Logger;
}

/** Config from `--config`/WEFT_CONFIG, `--data-dir` applied, and a logger. */
export async function commandContext(cmd: Command, opts: { dataDir?: string } = {}): Promise<CommandContext> {
  const global = cmd.optsWithGlobals<GlobalOptions>();
  const loaded = loadConfig(global.config !== undefined ? { path: global.config } : {});
  const config = withDataDir(loaded, opts.dataDir);
  const level = (global.logLevel ?? process.env.WEFT_LOG_LEVEL ?? config.log.level) as WeftConfig['log']['level'];
  const logger = await createLogger({ level, format: config.log.format });
  return { loaded, config, logger };
}

/** Open and migrate the configured store (SQLite or PostgreSQL, by `store.driver`). */
export async function openStore(config: WeftConfig, logger?: Logger): Promise<Store> {
  return openConfiguredStore(config, logger);
}

export const DATA_DIR_OPTION = ['--data-dir <dir>', 'data directory (default: ./data, or data_dir in the config)'] as const;
