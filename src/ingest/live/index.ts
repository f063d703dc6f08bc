/**
 * Live sources from the configuration: syslog listeners (`ingest.listeners`) and followed files
 * (`ingest.tail`), all writing to one RecordSink. `weft serve` starts them with its ingest writer as the
 * sink and closes them on SIGTERM: stop accepting, let pending writes finish, save tail positions.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TlsOptions } from 'node:tls';
import type { ListenerConfig, WeftConfig } from '../../config/schema.js';
import type { Logger } from '../../log/logger.js';
import { mapperFor } from '../../normalize/registry.js';
import type { LiveStats } from './counters.js';
import type { RecordSink } from './sink.js';
import { SyslogStreamListener } from './syslog-stream.js';
import { SyslogUdpListener } from './syslog-udp.js';
import { FileTail } from './tail.js';
import { FileTailStateStore, TailStateKeeper, type TailStateStore } from './tail-state.js';

export type { LiveStats, ListenerCounters, TailCounters } from './counters.js';
export type { RecordSink, SinkMeta } from './sink.js';
export { StoreRecordSink } from './store-sink.js';
export { CheckpointTailStateStore, FileTailStateStore, TailStateError, type TailStateStore } from './tail-state.js';

/** A live source that cannot start (bad certificate file, port in use, unknown source type). */
export class LiveSourceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LiveSourceError';
  }
}

export interface LiveSources {
  /** Stop accepting, let pending writes finish, save tail positions. */
  close(): Promise<void>;
  /** A snapshot of every counter. */
  stats(): LiveStats;
  /** Where each listener is bound (the real port when 0 was configured). */
  addresses(): { id: string; protocol: 'udp' | 'tcp' | 'tls'; host: string; port: number }[];
}

export interface StartLiveOptions {
  /** Where tail positions are kept; default `<data_dir>/tail-state.json`. */
  tailState?: TailStateStore;
  /** Base directory for relative tail paths and certificate files; default the working directory. */
  cwd?: string;
}

const DEFAULT_PORT = { udp: 514, tcp: 514, tls: 6514 } as const;

export function listenerId(l: ListenerConfig): string {
  return l.id ?? `syslog-${l.protocol}:${l.host}:${l.port ?? DEFAULT_PORT[l.protocol]}`;
}

function tlsOptions(l: ListenerConfig, cwd: string): TlsOptions {
  const tls = l.tls;
  if (tls === undefined) throw new LiveSourceError(`listener ${listenerId(l)}: a tls listener needs tls.cert and tls.key`);
  const read = (what: string, file: string): Buffer => {
    try {
      return readFileSync(resolve(cwd, file));
    } catch (err) {
      throw new LiveSourceError(`listener ${listenerId(l)}: cannot read tls.${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  };
  return {
    cert: read('cert', tls.cert),
    key: read('key', tls.key),
    ...(tls.ca !== undefined ? { ca: read('ca', tls.ca) } : {}),
    requestCert: tls.client_auth,
    rejectUnauthorized: tls.client_auth,
  };
}

/** Start every configured live source; on any failure the ones already started are closed again. */
export async function startLiveSources(config: WeftConfig, sink: RecordSink, logger: Logger, opts: StartLiveOptions = {}): Promise<LiveSources> {
  const cwd = opts.cwd ?? process.cwd();
  const ingest = config.ingest;
  const common = { maxRecordBytes: ingest.max_record_bytes, batchSize: ingest.batch_size };
  // Unknown source types are configuration errors: refuse before anything listens.
  for (const s of [...ingest.listeners, ...ingest.tail]) {
    if (s.source_type !== undefined) {
      try {
        mapperFor(s.source_type);
      } catch (err) {
        throw new LiveSourceError((err as Error).message, { cause: err });
      }
    }
  }
  const listeners: (SyslogUdpListener | SyslogStreamListener)[] = [];
  const tails: FileTail[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all([...listeners, ...tails].map((s) => s.close().catch((err: unknown) => logger.error({ err }, 'live source: close failed'))));
  };
  try {
    for (const l of ingest.listeners) {
      const base = {
        id: listenerId(l),
        host: l.host,
        port: l.port ?? DEFAULT_PORT[l.protocol],
        ...(l.source_type !== undefined ? { sourceType: l.source_type } : {}),
        ...(l.format !== undefined ? { format: l.format } : {}),
        ...common,
        logger,
      };
      let started: SyslogUdpListener | SyslogStreamListener;
      if (l.protocol === 'udp') {
        started = new SyslogUdpListener({ ...base, queueRecords: l.queue_records, queueBytes: l.queue_bytes }, sink);
      } else {
        started = new SyslogStreamListener({
          ...base, framing: l.framing, maxConnections: l.max_connections,
          ...(l.protocol === 'tls' ? { tls: tlsOptions(l, cwd) } : {}),
        }, sink);
      }
      listeners.push(started);
      await start(started, base.id);
      logger.info({ listener: base.id, protocol: l.protocol, host: l.host, port: started.counters.port }, 'syslog listener started');
    }
    if (ingest.tail.length > 0) {
      const keeper = new TailStateKeeper(opts.tailState ?? new FileTailStateStore(join(config.data_dir, 'tail-state.json')));
      await keeper.load();
      for (const t of ingest.tail) {
        const tail = new FileTail({
          ...(t.id !== undefined ? { id: t.id } : {}),
          paths: t.paths,
          ...(t.source_type !== undefined ? { sourceType: t.source_type } : {}),
          ...(t.format !== undefined ? { format: t.format } : {}),
          pollIntervalMs: t.poll_interval,
          startAt: t.start_at,
          rotateWaitMs: t.rotate_wait,
          ...common,
          logger,
          cwd,
        }, sink, keeper);
        tails.push(tail);
        await tail.start();
        logger.info({ tail: tail.counters.id, where: keeper.backend.where }, 'tail started');
      }
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return {
    close: closeAll,
    stats: () => ({
      listeners: listeners.map((l) => ({ ...l.counters })),
      tails: tails.map((t) => ({ ...t.counters })),
    }),
    addresses: () => listeners.map((l) => ({ id: l.counters.id, protocol: l.counters.protocol, host: l.counters.host, port: l.counters.port })),
  };
}

async function start(l: { start(): Promise<void> }, id: string): Promise<void> {
  try {
    await l.start();
  } catch (err) {
    throw new LiveSourceError(`listener ${id}: cannot listen: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}
