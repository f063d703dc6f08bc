/**
 * The ingest commit thread (see commit-thread.ts): a second SqliteStore connection on the server's
 * database file, committing what the writer's group commit hands it, one transaction at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { EventColumns } from '../store/event-columns.js';
import type { CommitReply, CommitRequest, CommitThreadData } from './commit-thread.js';
import { rowsFromColumns } from './worker-wire.js';

const port = parentPort;
if (port === null) throw new Error('commit-worker.ts runs only as a worker thread');
const data = workerData as CommitThreadData;

let store: SqliteStore;
try {
  // The server migrated the file before starting this thread; this connection only writes events.
  store = new SqliteStore(data);
  port.postMessage({ ready: true } satisfies CommitReply);
} catch (err) {
  port.postMessage({ fatal: (err as Error).message } satisfies CommitReply);
  process.exit(1);
}

function failure(err: unknown): { name: string; message: string; code?: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
}

port.on('message', (m: CommitRequest) => {
  if (m.kind === 'audit') {
    store.appendAudit(m.entries).then(
      (audit) => port.postMessage({ id: m.id, ok: true, audit, texts: [] } satisfies CommitReply),
      (err: unknown) => port.postMessage({ id: m.id, ok: false, error: failure(err), texts: [] } satisfies CommitReply),
    );
    return;
  }
  const texts: ArrayBuffer[] = [];
  for (const p of m.parts) if (p.text !== undefined) texts.push(p.text);
  const answer = (reply: CommitReply): void => port.postMessage(reply, texts);
  let rows: EventColumns[];
  try {
    rows = m.parts.flatMap((p) => rowsFromColumns(p.columns, p.text));
  } catch (err) {
    answer({ id: m.id, ok: false, error: { name: 'StoreError', code: 'invalid_record', message: `malformed commit: ${(err as Error).message}` }, texts });
    return;
  }
  store.commitIngest({ rows, quarantine: m.quarantine, activity: m.activity }).then(
    (appended) => answer({ id: m.id, ok: true, appended, texts }),
    (err: unknown) => answer({ id: m.id, ok: false, error: failure(err), texts }),
  );
});
