import type { DeclaredFormat } from '../../decode/types.js';
import type { Logger } from '../../log/logger.js';
import type { StreamFraming } from './stream-framer.js';

/** One listener's settings with every default resolved (from `ingest.listeners[]`). */
export interface ListenerOptions {
  id: string;
  host: string;
  port: number;
  sourceType?: string;
  format?: DeclaredFormat;
  maxRecordBytes: number;
  /** Most records per sink write. */
  batchSize: number;
  logger: Logger;
}

export interface StreamListenerOptions extends ListenerOptions {
  framing: StreamFraming;
  maxConnections: number;
}

export interface UdpListenerOptions extends ListenerOptions {
  queueRecords: number;
  queueBytes: number;
}
