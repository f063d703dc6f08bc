/**
 * An ingest worker thread (see prepare-pool.ts): batches of framed records in, prepared batches out,
 * through the same prepareBatch the writer runs inline.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EntityResolver } from '../enrich/entity-resolver.js';
import { PipelineCache } from './pipeline-cache.js';
import type { PrepareReply, PrepareRequest, PrepareWorkerData } from './prepare-pool.js';
import { prepareBatch } from './prepare.js';
import { packText } from '../store/event-columns.js';

const data = workerData as PrepareWorkerData;
const pipelines = new PipelineCache({
  ...(data.timezone !== undefined ? { timezone: data.timezone } : {}),
  ...(data.maxRecordBytes !== undefined ? { maxRecordBytes: data.maxRecordBytes } : {}),
  ...(data.resolver !== undefined ? { resolver: new EntityResolver(data.resolver.identities) } : {}),
});

const port = parentPort;
if (port === null) throw new Error('prepare-worker.ts runs only as a worker thread');

port.on('message', (m: PrepareRequest) => {
  let reply: PrepareReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const batch = prepareBatch(pipelines, m.records, { ...m.meta, receivedAt: new Date(m.meta.receivedAt) }, m.withRows);
    // The rows' text goes over in one moved buffer, not as copied strings (see packText).
    if (batch.rows !== undefined) transfer.push(packText(batch.rows));
    reply = { id: m.id, ok: true, batch };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const sourceType = (e as { sourceType?: unknown }).sourceType;
    reply = { id: m.id, ok: false, error: { name: e.name, message: e.message, ...(typeof sourceType === 'string' ? { sourceType } : {}) } };
  }
  port.postMessage(reply, transfer);
});
