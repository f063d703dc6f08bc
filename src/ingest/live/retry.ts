/**
 * Writing to a sink that can fail (store down, disk full): the source keeps its records and retries
 * with a capped backoff while it waits, which is the backpressure; only closing the source ends it.
 */
import type { Logger } from '../../log/logger.js';
import type { FramedRecord } from '../framing.js';
import type { RecordSink, SinkMeta } from './sink.js';

/** The source was closed while a write was still being retried: those records were not committed. */
export class SinkClosedError extends Error {
  constructor(readonly records: number) {
    super(`closed with ${records} records not committed`);
    this.name = 'SinkClosedError';
  }
}

/** A close signal that interrupts backoff waits. */
export class Closing {
  private closed = false;
  private readonly wakers = new Set<() => void>();

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const w of this.wakers) w();
    this.wakers.clear();
  }

  /** Wait ms, or less if closed meanwhile. */
  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

export async function writeWithRetry(
  sink: RecordSink,
  records: FramedRecord[],
  meta: SinkMeta,
  closing: Closing,
  logger: Logger,
  onError: () => void,
): Promise<void> {
  let backoff = FIRST_BACKOFF_MS;
  for (;;) {
    try {
      await sink.write(records, meta);
      return;
    } catch (err) {
      onError();
      if (closing.isClosed) throw new SinkClosedError(records.length);
      logger.warn({ err, source: meta.sourceId, records: records.length, retryInMs: backoff }, 'live source: sink write failed; retrying');
      await closing.sleep(backoff);
      if (closing.isClosed) throw new SinkClosedError(records.length);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
}
