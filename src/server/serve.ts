/**
 * `weft serve`: the process around the app. Opens the store, makes sure someone can log in (the
 * first start creates an admin and prints a one-time password), loads the rules, starts the
 * event-log consumers, listens, and on SIGTERM/SIGINT stops accepting, drains the ingest queue,
 * checkpoints the consumers, closes the store and exits 0.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleCacheDir, ruleSourcePaths } from '../cli/rule-sources.js';
import type { WeftConfig } from '../config/schema.js';
import type { EntityResolver } from '../enrich/entity-resolver.js';
import type { Logger } from '../log/logger.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { buildServer, type WeftServer } from './app.js';
import { hashPassword } from './auth/passwords.js';
import { oneTimePassword } from './auth/secrets.js';
import { AlertingConsumer } from './alerting-consumer.js';
import { DetectConsumer } from './detect-consumer.js';
import { EventLogTailer, type EventLogConsumer } from './event-log-tailer.js';
import { loadFieldKeys } from './field-cipher.js';
import { RuleCatalog } from './rule-catalog.js';
import { SharedEventLog } from './shared-event-log.js';
import { CheckpointTailStateStore, startLiveSources, type LiveSources } from '../ingest/live/index.js';
import { WriterRecordSink } from './writer-sink.js';

export interface ServeOptions {
  config: WeftConfig;
  logger: Logger;
  resolver?: EntityResolver;
  /** Extra consumers of committed events (alerting, correlation), each with its own checkpoint. */
  consumers?: EventLogConsumer[];
  /** Where the one-time admin password and the listening address are printed (default stdout). */
  out?: NodeJS.WritableStream;
}

export interface RunningServer {
  server: WeftServer;
  store: Store;
  url: string;
  tailers: EventLogTailer[];
  /** The configured syslog listeners and tailed files (ingest.listeners, ingest.tail). */
  live: LiveSources;
  /** Stop accepting, drain, checkpoint, close. Idempotent. */
  shutdown(): Promise<void>;
}

/** The JWT secret: configured (or WEFT_JWT_SECRET), else a random one kept in the data dir. */
export function jwtSecret(config: WeftConfig): Uint8Array {
  if (config.server.jwt_secret !== undefined) return Buffer.from(config.server.jwt_secret, 'utf8');
  const file = join(config.data_dir, 'jwt.secret');
  if (existsSync(file)) {
    const s = readFileSync(file, 'utf8').trim();
    if (s.length >= 43) return Buffer.from(s, 'base64url');
  }
  mkdirSync(config.data_dir, { recursive: true });
  const secret = randomBytes(48);
  writeFileSync(file, `${secret.toString('base64url')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** On a store without users, create `admin` with a random password and return it (printed once). */
export async function ensureFirstAdmin(store: Store): Promise<string | undefined> {
  if ((await store.listUsers()).length > 0) return undefined;
  const password = oneTimePassword();
  const now = new Date().toISOString();
  await store.createUser({ id: randomUUID(), username: 'admin', passwordHash: await hashPassword(password), role: 'admin', disabled: false, createdAt: now, updatedAt: now });
  await store.appendAudit([{ actor: 'weft', action: 'users.bootstrap', target: 'admin', details: { reason: 'no user existed' } }]);
  return password;
}

export async function startServe(opts: ServeOptions): Promise<RunningServer> {
  const { config, logger } = opts;
  const out = opts.out ?? process.stdout;
  const fieldKeys = loadFieldKeys(config.server.field_key_file !== undefined ? { keyFile: config.server.field_key_file } : {});
  const secret = jwtSecret(config);
  const store = await openStore(config, logger);
  const tailers: EventLogTailer[] = [];
  let server: WeftServer | undefined;
  let live: LiveSources | undefined;
  try {
    const password = await ensureFirstAdmin(store);
    if (password !== undefined) {
      out.write(`Created user 'admin' with the one-time password:\n\n    ${password}\n\nIt is shown only now. Change it: weft users passwd admin\n\n`);
    }
    const { rulePaths, pipelinePaths } = ruleSourcePaths({}, config);
    const cacheDir = ruleCacheDir();
    const catalog = new RuleCatalog({ store, pipelinePaths, placeholders: config.rules.placeholders, logger, ...(cacheDir !== undefined ? { cacheDir } : {}) });
    const synced = await catalog.syncFiles(rulePaths, config.rules.disabled);
    const built = await catalog.reload();
    logger.info({ stored: synced.stored, active: built.loaded, rejected: synced.rejections.length, ...(synced.parseCache !== undefined ? { parse_cache: synced.parseCache } : {}) }, 'rules loaded');

    let tailersReady = false;
    server = await buildServer({
      config, store, jwtSecret: secret, logger, fieldKeys, rules: catalog,
      ...(opts.resolver !== undefined ? { resolver: opts.resolver } : {}),
      onCommit: () => { for (const t of tailers) t.wake(); },
      readiness: () => {
        const reasons: string[] = [];
        if (catalog.active === undefined) reasons.push('rules not loaded');
        if (!tailersReady) reasons.push('event-log consumers starting');
        for (const t of tailers) if (!t.healthy) reasons.push(`consumer ${t.name} failing: ${t.lastError ?? 'stopped'}`);
        return { ready: reasons.length === 0, reasons };
      },
    });
    const ctx = server.ctx;
    const view = ctx.cipher.enabled ? (e: Parameters<typeof ctx.cipher.decryptEvent>[0]) => ctx.cipher.decryptEvent(e) : undefined;
    const alerting = new AlertingConsumer({ store, config, catalog, logger, metrics: ctx.metrics, ...(view ? { view } : {}) });
    ctx.correlationLag = () => alerting.sourceLags();
    // The built-in consumers read each new event once, and evaluate the rules on it once, together;
    // they only read the events. Consumers passed in get events of their own.
    const shared = new SharedEventLog({ store, ...(view ? { view } : {}) });
    const consumers: Array<[EventLogConsumer, boolean]> = [[new DetectConsumer(catalog, ctx.metrics), true], [alerting, true], ...(opts.consumers ?? []).map((c): [EventLogConsumer, boolean] => [c, false])];
    for (const [consumer, sharing] of consumers) {
      tailers.push(new EventLogTailer({
        store, consumer, logger, checkpointMs: config.correlation.checkpoint_interval, ...(sharing ? { reader: shared } : view ? { view } : {}),
        onPosition: (p) => ctx.metrics.consumerPosition.set({ consumer: consumer.name }, p),
      }));
    }
    for (const t of tailers) await t.start();
    tailersReady = true;
    ctx.metrics.eventLogHead.set(await store.lastEventSeq());

    // Live sources start after the consumers, so nothing they commit waits for a consumer to exist.
    live = await startLiveSources(config, new WriterRecordSink(ctx.writer), logger, { tailState: new CheckpointTailStateStore(store, 'tail:serve') });
    const liveSources = live;
    ctx.metrics.observeLive(() => liveSources.stats());
    for (const a of live.addresses()) out.write(`weft serve ${a.protocol} listener ${a.id} on ${a.host}:${a.port}\n`);
    const address = await server.app.listen({ host: config.server.host, port: config.server.port });
    logger.info({ address }, 'weft serve listening');
    out.write(`weft serve listening on ${address}\n`);

    let closing: Promise<void> | undefined;
    const app = server;
    return {
      server, store, url: address, tailers, live: liveSources,
      shutdown() {
        closing ??= (async () => {
          logger.info('shutting down: no new requests, draining ingest');
          await app.app.close();
          await liveSources.close();
          await app.ctx.writer.close();
          for (const t of tailers) await t.stop();
          await store.close();
          logger.info('shutdown complete');
        })();
        return closing;
      },
    };
  } catch (err) {
    await live?.close().catch(() => undefined);
    for (const t of tailers) await t.stop().catch(() => undefined);
    await server?.app.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** Run until SIGTERM or SIGINT, then shut down gracefully; resolves with the exit code. */
export async function serveUntilSignal(opts: ServeOptions): Promise<number> {
  const running = await startServe(opts);
  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (sig: NodeJS.Signals): void => {
      if (signalled) return;
      signalled = true;
      opts.logger.info({ signal: sig }, 'signal received');
      running.shutdown().then(() => resolve(0), (err: unknown) => {
        opts.logger.error({ err }, 'shutdown failed');
        resolve(1);
      });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}
