/**
 * Counters for live sources: plain numbers, cheap to bump on the hot path, read by `stats()` and turned
 * into Prometheus metrics by the server. Every counter only grows except the gauges marked as such.
 */

export type ListenerProtocol = 'udp' | 'tcp' | 'tls';

export interface ListenerCounters {
  /** Source id of the listener (`ingest.listeners[].id`). */
  id: string;
  protocol: ListenerProtocol;
  host: string;
  /** The bound port (the real one when 0 was configured). */
  port: number;
  /** Records handed to the sink and committed. */
  records: number;
  /** Bytes received. */
  bytes: number;
  /** Records over ingest.max_record_bytes (quarantined unparsed). */
  oversized: number;
  /** Octet-counted frames with a bad length prefix or cut off by the connection's end. */
  framingErrors: number;
  /** Sink writes that failed (retried while the source waits). */
  writeErrors: number;
  /** UDP: datagrams received. */
  datagrams: number;
  /** UDP: datagrams dropped because the queue to the sink was full (UDP is lossy). */
  udpDrops: number;
  /** UDP: records waiting for the sink now (gauge). */
  queuedRecords: number;
  /** UDP: bytes waiting for the sink now (gauge). */
  queuedBytes: number;
  /** TCP/TLS: connections open now (gauge). */
  connectionsOpen: number;
  connectionsTotal: number;
  /** TCP/TLS: connections refused because max_connections were open. */
  connectionsRejected: number;
  /** TLS handshakes that failed. */
  tlsErrors: number;
  /** TCP/TLS: bytes read but not yet framed into a complete record, over all connections (gauge). */
  bufferedBytes: number;
  /** Bytes of partial records thrown away when the listener was closed under open connections. */
  discardedBytes: number;
}

export interface TailCounters {
  /** Source id (`ingest.tail[].id`, else the path). */
  id: string;
  /** Files being followed now, rotated ones still draining included (gauge). */
  files: number;
  records: number;
  bytes: number;
  oversized: number;
  /** Rename rotations seen (the path now names another file). */
  rotations: number;
  /** Truncations seen (copytruncate, or the file rewritten from the start). */
  truncations: number;
  writeErrors: number;
  /** Bytes in the followed files not committed yet (gauge): how far behind the tail is. */
  lagBytes: number;
}

export interface LiveStats {
  listeners: ListenerCounters[];
  tails: TailCounters[];
}

export function listenerCounters(id: string, protocol: ListenerProtocol, host: string, port: number): ListenerCounters {
  return {
    id, protocol, host, port, records: 0, bytes: 0, oversized: 0, framingErrors: 0, writeErrors: 0, datagrams: 0, udpDrops: 0,
    queuedRecords: 0, queuedBytes: 0, connectionsOpen: 0, connectionsTotal: 0, connectionsRejected: 0, tlsErrors: 0, bufferedBytes: 0, discardedBytes: 0,
  };
}

export function tailCounters(id: string): TailCounters {
  return { id, files: 0, records: 0, bytes: 0, oversized: 0, rotations: 0, truncations: 0, writeErrors: 0, lagBytes: 0 };
}
