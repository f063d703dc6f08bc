/**
 * The Fastify app: every route from the route table, one error shape, request limits, metrics.
 * buildServer wires the services around a store; it neither listens nor opens anything itself, so
 * tests drive it with `inject` and `weft serve` (serve.ts) adds the process around it.
 */
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { WeftConfig } from '../config/schema.js';
import type { EntityResolver } from '../enrich/entity-resolver.js';
import { CommitThread, CommitThreadUnavailableError } from '../ingest/commit-thread.js';
import { IngestWriter, ingestWorkersFor, type GroupCommit } from '../ingest/ingest-writer.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { Store } from '../store/types.js';
import { AccessAuditor } from './access-audit.js';
import { ApiKeyService } from './auth/api-keys.js';
import { LoginThrottle, type LoginThrottleOptions } from './auth/throttle.js';
import { TokenService } from './auth/tokens.js';
import type { ServerContext } from './context.js';
import { ApiError, errorHandler, sendError } from './errors.js';
import { FieldCipher, type FieldKey } from './field-cipher.js';
import { ServerMetrics } from './metrics.js';
import { RouteTable } from './route.js';
import { alertRoutes, incidentRoutes } from './routes/alerts.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { eventRoutes } from './routes/events.js';
import { ingestScope } from './routes/ingest.js';
import { catalogRoutes } from './routes/catalog.js';
import { ruleRoutes } from './routes/rules.js';
import { systemRoutes } from './routes/system.js';
import { userRoutes } from './routes/users.js';
import { RuleHits } from './rule-hits.js';
import type { RuleCatalog } from './rule-catalog.js';
import { SourceRates } from './source-rates.js';

export interface BuildServerOptions {
  config: WeftConfig;
  store: Store;
  /** HMAC key for access tokens (32 bytes or more). */
  jwtSecret: Uint8Array;
  logger?: Logger;
  /** Keys for sensitive fields, current first. */
  fieldKeys?: FieldKey[];
  resolver?: EntityResolver;
  /** The live rule set (detection); absent: rule routes work on the store alone. */
  rules?: RuleCatalog;
  /** Called after each ingest commit (after metrics): wakes event-log consumers. */
  onCommit?: (c: GroupCommit) => void;
  /** Extra readiness conditions (rules loaded, consumers running). */
  readiness?: () => { ready: boolean; reasons: string[] };
  throttle?: LoginThrottleOptions;
  /** Process metrics in /metrics (default true). */
  defaultMetrics?: boolean;
  /** Test hook: a different clock for tokens and throttling. */
  now?: () => number;
}

export interface WeftServer {
  app: FastifyInstance;
  ctx: ServerContext;
  routes: RouteTable;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export async function buildServer(opts: BuildServerOptions): Promise<WeftServer> {
  const { config, store } = opts;
  const logger = opts.logger ?? silentLogger;
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    // Per-request log lines would dominate at ingest rates; metrics and the access audit cover requests.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.server.body_limit,
    // Request timeouts bound how long a slow client can hold a connection and its buffers.
    requestTimeout: 60_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 10_000,
    routerOptions: { maxParamLength: 256 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Fastify's JSON parser refuses __proto__ and constructor.prototype keys by default; say so.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Errors the router raises before any route runs get the one error shape too.
    frameworkErrors: (err, _req, reply) => {
      const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      void sendError(reply, new ApiError(status, 'invalid_request', status === 414 ? 'a path parameter is longer than 256 characters' : 'the URL is not valid'));
    },
  });
  app.decorateRequest('weft', null as never);

  const metrics = new ServerMetrics(
    { ...(opts.defaultMetrics !== undefined ? { defaultMetrics: opts.defaultMetrics } : {}) },
    // Read at scrape time, after the writer below exists.
    { pending: () => writer.pendingRecords, capacity: () => writer.capacity, batches: () => writer.queuedBatches },
    store,
  );
  const cipher = new FieldCipher(config.server.sensitive_fields, opts.fieldKeys ?? []);
  const prepareWorkers = ingestWorkersFor(config.server.ingest_workers);
  // With prepare workers the main thread only answers and commits; the embedded store's ingest
  // commits and audit appends then go to a thread of their own too (better-sqlite3 blocks the thread
  // it runs on, and two connections writing wait for each other's lock). The writer closes it.
  const commitThread = prepareWorkers > 0 && store instanceof SqliteStore && store.file !== undefined ? new CommitThread(store.file, logger) : undefined;
  const writer = new IngestWriter({
    store,
    ...(commitThread !== undefined ? { commitThread } : {}),
    maxPendingRecords: config.server.ingest_queue_records,
    maxCommitEvents: Math.max(config.ingest.batch_size, 10_000),
    timezone: config.ingest.timezone,
    sources: config.ingest.sources,
    maxRecordBytes: config.ingest.max_record_bytes,
    prepareWorkers,
    logger,
    ...(opts.resolver !== undefined ? { resolver: opts.resolver } : {}),
    // Sensitive fields are encrypted before the events reach the store.
    ...(cipher.enabled ? { beforeStore: (events) => { for (const e of events) cipher.encryptEvent(e); } } : {}),
    onCommit: (c) => {
      metrics.observeCommit(c);
      opts.onCommit?.(c);
    },
  });
  const ctx: ServerContext = {
    config,
    store,
    logger,
    tokens: new TokenService({
      store, secret: opts.jwtSecret, accessTtlMs: config.server.access_token_ttl, refreshTtlMs: config.server.refresh_token_ttl,
      ...(opts.now ? { now: opts.now } : {}),
    }),
    apiKeys: new ApiKeyService(store, opts.now ? { now: opts.now } : {}),
    throttle: new LoginThrottle({ ...opts.throttle, ...(opts.now ? { now: opts.now } : {}) }),
    auditor: new AccessAuditor(commitThread !== undefined ? auditOnThread(commitThread, store) : store, logger),
    metrics,
    writer,
    cipher,
    rates: new SourceRates(),
    hits: opts.rules?.hits ?? new RuleHits(),
    readiness: opts.readiness ?? (() => ({ ready: true, reasons: [] })),
  };

  app.setErrorHandler(errorHandler(logger));
  app.setNotFoundHandler((req, reply) => sendError(reply, new ApiError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));
  // YAML rule uploads arrive as text.
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addHook('onResponse', async (req, reply) => {
    const route = req.weft?.route ?? 'unmatched';
    metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    if (req.weft) metrics.httpSeconds.observe({ route }, (performance.now() - req.weft.started) / 1000);
  });

  const routes = new RouteTable(app, ctx);
  systemRoutes(routes, ctx, version());
  authRoutes(routes, ctx);
  userRoutes(routes, ctx);
  auditRoutes(routes, ctx);
  eventRoutes(routes, ctx);
  alertRoutes(routes, ctx);
  incidentRoutes(routes, ctx);
  ruleRoutes(routes, ctx, opts.rules);
  catalogRoutes(routes, ctx);
  // The ingest routes parse bodies as bytes, in their own scope; they join the same route list.
  ingestScope(app, (scope) => routes.forScope(scope), ctx);
  await app.ready();
  return { app, ctx, routes };
}

/** Audit appends on the commit thread; on this thread's connection when the thread cannot write. */
function auditOnThread(thread: CommitThread, store: Store): Pick<Store, 'appendAudit'> {
  return {
    appendAudit: (entries) => thread.appendAudit(entries).catch((err: unknown) => {
      if (err instanceof CommitThreadUnavailableError) return store.appendAudit(entries);
      throw err;
    }),
  };
}
