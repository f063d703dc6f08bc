import type { Command } from 'commander';
import { FieldKeyError } from '../../server/field-cipher.js';
import { serveUntilSignal } from '../../server/serve.js';
import { commandContext, DATA_DIR_OPTION, UsageError } from '../context.js';
import { entityResolver } from './ingest.js';

interface ServeFlags {
  host?: string;
  port?: string;
  dataDir?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the service: HTTP ingest, REST API (/api/v1), /health, /ready, /metrics; SIGTERM drains and exits 0')
    .option('--host <host>', 'address to listen on (default: server.host in the config, else 127.0.0.1)')
    .option('--port <port>', 'port to listen on; 0 picks a free one (default: server.port in the config, else 8080)')
    .option(...DATA_DIR_OPTION)
    .action(async (flags: ServeFlags, cmd: Command) => {
      const ctx = await commandContext(cmd, flags);
      if (flags.host !== undefined) ctx.config.server.host = flags.host;
      if (flags.port !== undefined) {
        const port = Number(flags.port);
        if (!/^\d{1,5}$/.test(flags.port) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got '${flags.port}'`);
        ctx.config.server.port = port;
      }
      try {
        process.exitCode = await serveUntilSignal({ config: ctx.config, logger: ctx.logger, resolver: entityResolver(ctx.config.enrich.identities) });
      } catch (err) {
        if (err instanceof FieldKeyError) throw new UsageError(err.message);
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`cannot listen on ${ctx.config.server.host}:${ctx.config.server.port}: address in use`);
        throw err;
      }
    });
}
