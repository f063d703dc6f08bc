/**
 * Where live sources put what they receive. A sink commits a batch of framed records (decode,
 * normalize, store, or hand on to the server's ingest writer) and resolves only once they are durable:
 * a source awaits every write before it reads more, so a slow sink slows the source (TCP reads pause,
 * tailing waits, the UDP queue fills and drops are counted) and memory stays bounded.
 */
import type { DeclaredFormat } from '../../decode/types.js';
import type { FramedRecord } from '../framing.js';

export interface SinkMeta {
  /** Stable id of the source; part of every event id. */
  sourceId: string;
  /** Declared source type; otherwise detected per record. */
  sourceType?: string;
  /** Declared wire format; otherwise detected per record. */
  format?: DeclaredFormat;
  receivedAt: Date;
  /** `address:port` of the sender (TCP/TLS connections; UDP when the whole batch came from one sender). */
  remote?: string;
  /** The file the records were read from (tailing): stamped as `log.file.path`. */
  filePath?: string;
}

export interface RecordSink {
  /** Resolves when the records are committed; awaiting it IS the backpressure. Rejects if they were not. */
  write(records: FramedRecord[], meta: SinkMeta): Promise<void>;
}
