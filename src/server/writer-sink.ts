/**
 * Live sources (syslog listeners, tailing) write through the server's IngestWriter, the same
 * bounded group-commit path as HTTP ingest: a write resolves only once its records are committed,
 * and waits for admission when the writer is full, so sockets pause and tailing waits instead of
 * memory growing.
 */
import type { IngestWriter } from '../ingest/ingest-writer.js';
import type { FramedRecord } from '../ingest/framing.js';
import type { RecordSink, SinkMeta } from '../ingest/live/index.js';

export class WriterRecordSink implements RecordSink {
  constructor(private readonly writer: IngestWriter) {}

  async write(records: FramedRecord[], meta: SinkMeta): Promise<void> {
    if (records.length === 0) return;
    await this.writer.submit(records, {
      sourceId: meta.sourceId,
      ...(meta.sourceType !== undefined ? { sourceType: meta.sourceType } : {}),
      ...(meta.format !== undefined ? { format: meta.format } : {}),
      receivedAt: meta.receivedAt,
      ...(meta.filePath !== undefined ? { filePath: meta.filePath } : {}),
    });
  }
}
