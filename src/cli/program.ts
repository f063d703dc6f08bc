import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config/load.js';
import { InputError } from '../ingest/file-source.js';
import { EXIT, UsageError } from './context.js';
import { registerAudit, registerMigrate, registerQuarantine } from './commands/admin.js';
import { registerDemo } from './commands/demo.js';
import { registerFields } from './commands/fields.js';
import { registerHunt } from './commands/hunt.js';
import { registerIngest } from './commands/ingest.js';
import { registerRules } from './commands/rules.js';
import { registerReplay } from './commands/replay.js';
import { registerAlerts, registerAssets, registerAttack, registerIncidents } from './commands/alerts.js';
import { registerServe } from './commands/serve.js';
import { registerUsers } from './commands/users.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** A command that a later milestone fills in: it says so and exits non-zero. */
function notBuilt(program: Command, name: string, description: string, args = ''): void {
  program
    .command(`${name}${args ? ` ${args}` : ''}`)
    .description(`${description} (not built yet)`)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(() => {
      process.stderr.write(`weft ${name}: not built yet in this version\n`);
      process.exitCode = EXIT.notImplemented;
    });
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('weft')
    .description('Security event correlation: any log format to ECS, Sigma detection and correlation, scored alerts and incidents')
    .version(version(), '-V, --version')
    .option('-c, --config <file>', 'config file (default: $WEFT_CONFIG, else ./weft.yaml if present)')
    .option('--log-level <level>', 'trace, debug, info, warn, error, silent')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // Validate the config before any command runs, built or not: a bad key always exits 2.
    .hook('preAction', (_root, action) => {
      const global = action.optsWithGlobals<{ config?: string }>();
      loadConfig(global.config !== undefined ? { path: global.config } : {});
    });
  registerDemo(program);
  registerHunt(program);
  registerIngest(program);
  registerServe(program);
  registerRules(program);
  registerReplay(program);
  registerAlerts(program);
  registerIncidents(program);
  registerAssets(program);
  registerAttack(program);
  registerMigrate(program);
  registerUsers(program);
  registerFields(program);
  registerAudit(program);
  registerQuarantine(program);
  notBuilt(program, 'bench', 'run the benchmarks');
  // Subcommands inherit exitOverride so their usage errors reach our handler too.
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof ConfigError || err instanceof UsageError || err instanceof InputError) {
      process.stderr.write(`weft: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`weft: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.runtime;
  }
}

