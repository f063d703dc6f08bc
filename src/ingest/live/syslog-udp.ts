/**
 * Syslog over UDP (RFC 5426): one datagram is one record. UDP has no flow control, so a bounded queue
 * sits between the socket and the sink: while the sink is slow the queue fills, and datagrams that find
 * it full are dropped and counted (`udpDrops`), never buffered without bound.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { FramedRecord } from '../framing.js';
import { listenerCounters, type ListenerCounters } from './counters.js';
import type { UdpListenerOptions } from './listener-options.js';
import { Closing, SinkClosedError, writeWithRetry } from './retry.js';
import type { RecordSink, SinkMeta } from './sink.js';

interface Queued {
  rec: FramedRecord;
  remote: string;
  /** Datagram size as counted against queue_bytes. */
  size: number;
  at: number;
}

/** A datagram as a record: trailing LF, CR and NUL (which some senders append) are not part of it. */
export function datagramRecord(msg: Buffer, seq: number, maxRecordBytes: number): FramedRecord | undefined {
  let end = msg.length;
  while (end > 0 && (msg[end - 1] === 0x0a || msg[end - 1] === 0x0d || msg[end - 1] === 0)) end--;
  if (end === 0) return undefined;
  const rec: FramedRecord = { text: msg.toString('utf8', 0, Math.min(end, maxRecordBytes)), offset: 0, line: seq, byteLength: end };
  if (end > maxRecordBytes) rec.oversized = true;
  return rec;
}

export class SyslogUdpListener {
  readonly counters: ListenerCounters;
  private socket: Socket | undefined;
  private queue: Queued[] = [];
  private head = 0;
  private writer: Promise<void> | undefined;
  private readonly closing = new Closing();
  private seq = 0;

  constructor(private readonly opts: UdpListenerOptions, private readonly sink: RecordSink) {
    this.counters = listenerCounters(opts.id, 'udp', opts.host, opts.port);
  }

  async start(): Promise<void> {
    const socket = createSocket({ type: isIPv6(this.opts.host) ? 'udp6' : 'udp4' });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.opts.port, this.opts.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (err) => this.opts.logger.error({ err, listener: this.opts.id }, 'syslog udp socket error'));
    this.counters.port = socket.address().port;
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const c = this.counters;
    c.datagrams++;
    c.bytes += msg.length;
    if (this.closing.isClosed) return;
    if (c.queuedRecords >= this.opts.queueRecords || c.queuedBytes + msg.length > this.opts.queueBytes) {
      c.udpDrops++;
      return;
    }
    const rec = datagramRecord(msg, ++this.seq, this.opts.maxRecordBytes);
    if (rec === undefined) return;
    this.queue.push({ rec, remote: `${rinfo.address}:${rinfo.port}`, size: msg.length, at: Date.now() });
    c.queuedRecords++;
    c.queuedBytes += msg.length;
    this.writer ??= this.drain().finally(() => { this.writer = undefined; });
  }

  /** Hand the queue to the sink in batches, one write at a time, until it is empty. */
  private async drain(): Promise<void> {
    const c = this.counters;
    while (this.head < this.queue.length) {
      const end = Math.min(this.queue.length, this.head + this.opts.batchSize);
      const batch = this.queue.slice(this.head, end);
      this.head = end;
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      const records = batch.map((q) => q.rec);
      const bytes = batch.reduce((n, q) => n + q.size, 0);
      const first = batch[0] as Queued;
      const meta: SinkMeta = {
        sourceId: this.opts.id,
        receivedAt: new Date(first.at),
        ...(batch.every((q) => q.remote === first.remote) ? { remote: first.remote } : {}),
        ...(this.opts.sourceType !== undefined ? { sourceType: this.opts.sourceType } : {}),
        ...(this.opts.format !== undefined ? { format: this.opts.format } : {}),
      };
      try {
        await writeWithRetry(this.sink, records, meta, this.closing, this.opts.logger, () => { c.writeErrors++; });
        c.records += records.length;
        for (const r of records) if (r.oversized) c.oversized++;
      } catch (err) {
        if (!(err instanceof SinkClosedError)) throw err;
        c.discardedBytes += bytes;
        this.opts.logger.error({ listener: this.opts.id, records: records.length }, 'syslog udp: closed with records the sink did not take');
      } finally {
        c.queuedRecords -= records.length;
        c.queuedBytes -= bytes;
      }
    }
    this.queue = [];
    this.head = 0;
  }

  /** Stop receiving, then let the queued records reach the sink (a failing sink is not retried any more). */
  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.closing.close();
    while (this.writer) await this.writer;
  }
}
