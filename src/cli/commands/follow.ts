/**
 * `weft ingest --follow PATH...`: tail files into the store until SIGINT/SIGTERM. Positions are kept in
 * the store's `tail:follow` checkpoint, beside the events they describe, so a restart (even after kill -9)
 * resumes where the last committed batch ended.
 * `weft ingest --live`: the configured live sources (ingest.listeners, ingest.tail) into the store, the
 * same way, without the API server.
 */
import type { WeftConfig } from '../../config/schema.js';
import { LiveSourceError, startLiveSources } from '../../ingest/live/index.js';
import type { EntityResolver } from '../../enrich/entity-resolver.js';
import { StoreRecordSink, type StoreSinkTotals } from '../../ingest/live/store-sink.js';
import { FileTail } from '../../ingest/live/tail.js';
import { CheckpointTailStateStore, TailStateKeeper } from '../../ingest/live/tail-state.js';
import type { Logger } from '../../log/logger.js';
import { mapperFor, UnknownSourceTypeError } from '../../normalize/registry.js';
import type { Store } from '../../store/types.js';
import { UsageError } from '../context.js';
import type { RecordReadOptions } from './ingest.js';

export interface FollowOptions extends RecordReadOptions {
  pollIntervalMs: number;
  startAt: 'beginning' | 'end';
  logger: Logger;
  /** Resolves when following should stop; default: the first SIGINT or SIGTERM. */
  stop?: Promise<unknown>;
}

function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** A `--source-type` no mapper has is a bad argument (exit 2). */
export function checkSourceType(sourceType: string): void {
  try {
    mapperFor(sourceType);
  } catch (err) {
    if (err instanceof UnknownSourceTypeError) throw new UsageError(err.message);
    throw err;
  }
}

export async function followFiles(paths: string[], store: Store, o: FollowOptions): Promise<StoreSinkTotals> {
  if (paths.includes('-')) throw new UsageError('--follow reads files, not stdin (-)');
  if (o.sourceType !== undefined) checkSourceType(o.sourceType);
  const stop = o.stop ?? signalled();
  const sink = new StoreRecordSink(store, {
    timezone: o.timezone,
    maxRecordBytes: o.maxRecordBytes,
    ...(o.resolver !== undefined ? { resolver: o.resolver } : {}),
  });
  // One checkpoint per mode: each process rewrites its whole state document.
  const keeper = new TailStateKeeper(new CheckpointTailStateStore(store, 'tail:follow'));
  await keeper.load();
  const tail = new FileTail({
    ...(o.sourceId !== undefined ? { id: o.sourceId } : {}),
    paths,
    ...(o.sourceType !== undefined ? { sourceType: o.sourceType } : {}),
    ...(o.format !== undefined ? { format: o.format } : {}),
    pollIntervalMs: o.pollIntervalMs,
    startAt: o.startAt,
    rotateWaitMs: 5000,
    maxRecordBytes: o.maxRecordBytes,
    batchSize: o.batchSize,
    logger: o.logger,
  }, sink, keeper);
  await tail.start();
  o.logger.info({ paths }, 'following; stop with Ctrl-C or SIGTERM');
  await stop;
  await tail.close();
  return sink.totals;
}

/** Run `ingest.listeners` and `ingest.tail` into the store until stopped; tail positions in the store too. */
export async function runLiveSources(config: WeftConfig, store: Store, logger: Logger, o: { resolver?: EntityResolver; stop?: Promise<unknown> } = {}): Promise<StoreSinkTotals> {
  if (config.ingest.listeners.length === 0 && config.ingest.tail.length === 0) {
    throw new UsageError('--live: the configuration has no ingest.listeners and no ingest.tail (see README, "Live sources")');
  }
  const stop = o.stop ?? signalled();
  const sink = new StoreRecordSink(store, {
    timezone: config.ingest.timezone,
    sources: config.ingest.sources,
    maxRecordBytes: config.ingest.max_record_bytes,
    ...(o.resolver !== undefined ? { resolver: o.resolver } : {}),
  });
  let live;
  try {
    live = await startLiveSources(config, sink, logger, { tailState: new CheckpointTailStateStore(store, 'tail:live') });
  } catch (err) {
    if (err instanceof LiveSourceError) throw new UsageError(err.message);
    throw err;
  }
  for (const a of live.addresses()) process.stderr.write(`listening: ${a.protocol}://${a.host}:${a.port} (${a.id})\n`);
  await stop;
  await live.close();
  return sink.totals;
}
