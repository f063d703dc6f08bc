/**
 * An ingest worker thread (see prepare-pool.ts): batches of framed records in, prepared batches out,
 * through the same prepareBatch the writer runs inline.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EntityResolver } from '../enrich/entity-resolver.js';
import { PipelineCache } from './pipeline-cache.js';
import type { PrepareReply, PrepareRequest, PrepareWorkerData, RecycleRequest, WireBatch } from './prepare-pool.js';
import { framedFromColumns, rowsToColumns, type FramedColumns } from './worker-wire.js';
import { prepareBatch } from './prepare.js';
import { TextPacker } from '../store/event-columns.js';

const data = workerData as PrepareWorkerData;
const pipelines = new PipelineCache({
  ...(data.timezone !== undefined ? { timezone: data.timezone } : {}),
  ...(data.sources !== undefined ? { sources: data.sources } : {}),
  ...(data.maxRecordBytes !== undefined ? { maxRecordBytes: data.maxRecordBytes } : {}),
  ...(data.resolver !== undefined ? { resolver: new EntityResolver(data.resolver.identities) } : {}),
});

const port = parentPort;
if (port === null) throw new Error('prepare-worker.ts runs only as a worker thread');

/**
 * Text buffers the writer gave back after their commit. Writing into fresh memory costs a page fault
 * per page, more than the copy itself, so buffers go round instead (at most MAX_SPARE kept).
 */
const spare: ArrayBuffer[] = [];
const MAX_SPARE = 4;
const CHUNK = 1 << 20;

/** What the last batch's text needed: a packer starts with a buffer that size, so it rarely grows. */
let lastBytes = 0;

function give(buffer: ArrayBuffer): void {
  if (spare.length < MAX_SPARE) spare.push(buffer);
}

function take(bytes: number): ArrayBuffer {
  let best = -1;
  for (let i = 0; i < spare.length; i++) {
    const b = spare[i] as ArrayBuffer;
    if (b.byteLength >= bytes && (best < 0 || b.byteLength < (spare[best] as ArrayBuffer).byteLength)) best = i;
  }
  if (best >= 0) return spare.splice(best, 1)[0] as ArrayBuffer;
  // Rounded up, so batches of similar size fit each other's buffers.
  return Buffer.allocUnsafeSlow(Math.max(CHUNK, Math.ceil(bytes / CHUNK) * CHUNK)).buffer as ArrayBuffer;
}

port.on('message', (m: PrepareRequest | RecycleRequest) => {
  if ('recycle' in m) {
    give(m.recycle);
    return;
  }
  let reply: PrepareReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const records = Array.isArray(m.records) ? m.records : framedFromColumns(m.records as FramedColumns);
    let packer: TextPacker | undefined;
    const { rows, ...batch } = prepareBatch(pipelines, records, { ...m.meta, receivedAt: new Date(m.meta.receivedAt) }, m.withRows, () => (packer = new TextPacker(take, give, lastBytes)));
    if (packer !== undefined) lastBytes = packer.bytes;
    // The rows go as columns, their text in one moved buffer, not as copied strings (see TextPacker).
    const wire: WireBatch = rows !== undefined ? { ...batch, columns: rowsToColumns(rows, batch.text) } : batch;
    if (wire.text !== undefined) transfer.push(wire.text);
    if (wire.columns !== undefined) transfer.push(wire.columns.nums.buffer as ArrayBuffer);
    reply = { id: m.id, ok: true, batch: wire };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const sourceType = (e as { sourceType?: unknown }).sourceType;
    reply = { id: m.id, ok: false, error: { name: e.name, message: e.message, ...(typeof sourceType === 'string' ? { sourceType } : {}) } };
  }
  port.postMessage(reply, transfer);
});
