/**
 * The access audit: every API request that reads or changes data, every login and failed login, is
 * appended to the store's hash-chained audit log before its response is sent. Concurrent requests
 * share one append (group commit), so auditing costs one transaction per burst, not per request.
 */
import type { Logger } from '../log/logger.js';
import type { AuditInput, Store } from '../store/types.js';

interface Pending {
  entry: AuditInput;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class AccessAuditor {
  private queue: Pending[] = [];
  private writing = false;
  private written = 0;

  constructor(private readonly store: Pick<Store, 'appendAudit'>, private readonly logger: Logger, private readonly maxBatch = 1000) {}

  /** Entries appended since start. */
  get count(): number {
    return this.written;
  }

  /** Resolves once the entry is in the audit log. */
  record(entry: AuditInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.store.appendAudit(batch.map((p) => p.entry));
          this.written += batch.length;
          for (const p of batch) p.resolve();
        } catch (err) {
          this.logger.error({ err, entries: batch.length }, 'audit append failed');
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
