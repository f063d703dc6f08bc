/**
 * Syslog over TCP (RFC 6587: LF or octet-counted framing, chosen per connection) and TLS (RFC 5425).
 * Each connection frames its own bytes and writes its records to the sink one batch at a time; while a
 * write is pending the socket is paused, so the kernel's receive window closes and the sender blocks.
 * Per connection at most one socket buffer and one partial record (ingest.max_record_bytes) are held.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { listenerCounters, type ListenerCounters } from './counters.js';
import type { StreamListenerOptions } from './listener-options.js';
import { Closing, SinkClosedError, writeWithRetry } from './retry.js';
import type { RecordSink, SinkMeta } from './sink.js';
import { StreamFramer } from './stream-framer.js';
import type { FramedRecord } from '../framing.js';

export interface SyslogStreamListenerOptions extends StreamListenerOptions {
  /** Certificate and key (and CA for client certificates): a TLS listener; without, plain TCP. */
  tls?: TlsOptions;
}

export class SyslogStreamListener {
  readonly counters: ListenerCounters;
  private server: Server | undefined;
  private readonly conns = new Set<Connection>();
  readonly closing = new Closing();

  constructor(readonly opts: SyslogStreamListenerOptions, readonly sink: RecordSink) {
    this.counters = listenerCounters(opts.id, opts.tls ? 'tls' : 'tcp', opts.host, opts.port);
  }

  async start(): Promise<void> {
    const onSocket = (socket: Socket): void => {
      if (this.closing.isClosed) {
        socket.destroy();
        return;
      }
      const conn = new Connection(socket, this);
      this.conns.add(conn);
      conn.done.then(() => this.conns.delete(conn), () => this.conns.delete(conn));
    };
    const server = this.opts.tls
      ? createTlsServer(this.opts.tls, onSocket).on('tlsClientError', (err, socket) => {
        this.counters.tlsErrors++;
        this.opts.logger.warn({ err: err.message, listener: this.opts.id, remote: `${socket.remoteAddress}:${socket.remotePort}` }, 'syslog tls: handshake failed');
      })
      : createTcpServer(onSocket);
    server.maxConnections = this.opts.maxConnections;
    server.on('drop', () => { this.counters.connectionsRejected++; });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.opts.logger.error({ err, listener: this.opts.id }, 'syslog listener error'));
    const addr = server.address();
    if (addr !== null && typeof addr === 'object') this.counters.port = addr.port;
  }

  /**
   * Stop accepting; let every connection's pending write finish (a failing sink is not retried any
   * more); then close the connections. Bytes of records not complete yet are counted as discarded.
   */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    this.closing.close();
    await Promise.all([...this.conns].map((c) => c.shutdown()));
    await closed;
  }
}

class Connection {
  private readonly framer: StreamFramer;
  private readonly remote: string;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private buffered = 0;
  private flushed = false;
  private shuttingDown = false;
  /** Settles when the connection is closed and its last write has finished. */
  readonly done: Promise<void>;

  constructor(private readonly socket: Socket, private readonly l: SyslogStreamListener) {
    const c = l.counters;
    c.connectionsOpen++;
    c.connectionsTotal++;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    // Senders that vanish without a FIN (power loss, NAT timeout) are found and their slot freed.
    socket.setKeepAlive(true, 60_000);
    this.framer = new StreamFramer({ mode: l.opts.framing, maxRecordBytes: l.opts.maxRecordBytes });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.flush());
    socket.on('error', (err) => l.opts.logger.debug({ err: err.message, listener: l.opts.id, remote: this.remote }, 'syslog connection error'));
    this.done = new Promise<void>((resolve) => {
      socket.on('close', () => {
        // A connection reset mid-frame never sends 'end': what it had sent is still kept (as truncated).
        if (!this.shuttingDown) this.flush();
        c.connectionsOpen--;
        this.chain.then(resolve, resolve);
      });
    });
  }

  private onData(chunk: Buffer): void {
    const c = this.l.counters;
    c.bytes += chunk.length;
    const recs = this.framer.push(chunk);
    this.track();
    if (recs.length > 0) this.enqueue(recs);
  }

  /** Keep the listener's buffered-bytes gauge equal to the sum over its connections. */
  private track(): void {
    const now = this.framer.bufferedBytes;
    this.l.counters.bufferedBytes += now - this.buffered;
    this.buffered = now;
  }

  private flush(): void {
    if (this.flushed) return;
    this.flushed = true;
    const recs = this.framer.end();
    this.track();
    if (recs.length > 0) this.enqueue(recs);
  }

  private enqueue(recs: FramedRecord[]): void {
    const receivedAt = new Date();
    this.pending++;
    this.socket.pause();
    this.chain = this.chain
      .then(() => this.write(recs, receivedAt))
      .catch((err: unknown) => this.l.opts.logger.error({ err, listener: this.l.opts.id }, 'syslog: write failed'))
      .finally(() => {
        this.pending--;
        if (this.pending === 0 && !this.shuttingDown) this.socket.resume();
      });
  }

  private async write(recs: FramedRecord[], receivedAt: Date): Promise<void> {
    const { opts, counters: c, closing, sink } = this.l;
    const meta: SinkMeta = {
      sourceId: opts.id,
      receivedAt,
      remote: this.remote,
      ...(opts.sourceType !== undefined ? { sourceType: opts.sourceType } : {}),
      ...(opts.format !== undefined ? { format: opts.format } : {}),
    };
    for (let i = 0; i < recs.length; i += opts.batchSize) {
      const batch = recs.length <= opts.batchSize ? recs : recs.slice(i, i + opts.batchSize);
      try {
        await writeWithRetry(sink, batch, meta, closing, opts.logger, () => { c.writeErrors++; });
      } catch (err) {
        if (!(err instanceof SinkClosedError)) throw err;
        for (const r of recs.slice(i)) c.discardedBytes += r.byteLength;
        opts.logger.error({ listener: opts.id, remote: this.remote, records: recs.length - i }, 'syslog: closed with records the sink did not take');
        return;
      }
      c.records += batch.length;
      for (const r of batch) {
        if (r.oversized) c.oversized++;
        if (r.framingError) c.framingErrors++;
      }
    }
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.socket.pause();
    await this.chain.catch(() => undefined);
    this.l.counters.discardedBytes += this.framer.bufferedBytes + this.socket.readableLength;
    this.l.counters.bufferedBytes -= this.buffered;
    this.buffered = 0;
    this.socket.destroy();
    await this.done;
  }
}
