/**
 * A slow store must not grow memory without bound: with commits taking long, HTTP ingest answers
 * 429 with Retry-After once the queue is full, the records admitted never exceed the bound, the heap
 * does not grow with the offered load, and every accepted batch is stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Store } from '../../src/store/types.js';
import { bearer, json, testServer } from '../support/server.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const BATCH = 500;
const CAPACITY = 2000;

function body(req: number): string {
  let out = '';
  for (let k = 0; k < BATCH; k++) {
    out += `${JSON.stringify({
      uuid: `bp-${req}-${k}`, published: '2026-03-10T08:00:00.000Z', eventType: 'user.session.start', displayMessage: 'x'.repeat(400),
      actor: { id: '00u1', type: 'User', alternateId: 'alice@corp.example' }, outcome: { result: 'SUCCESS' },
    })}\n`;
  }
  return out;
}

test('a slow store: 429 with Retry-After, admitted records bounded, heap bounded, accepted batches all stored', { timeout: 180_000 }, async () => {
  let maxPending = 0;
  let pendingOf = (): number => 0;
  const slow = (inner: Store): Store => new Proxy(inner, {
    get(t, prop, recv) {
      if (prop === 'appendEvents') {
        return async (...args: Parameters<Store['appendEvents']>) => {
          maxPending = Math.max(maxPending, pendingOf());
          await new Promise((r) => setTimeout(r, 40));
          return t.appendEvents(...args);
        };
      }
      // The ingest writer commits a whole group through commitIngest when the store has it: slow that too.
      if (prop === 'commitIngest' && t.commitIngest !== undefined) {
        return async (...args: Parameters<NonNullable<Store['commitIngest']>>) => {
          maxPending = Math.max(maxPending, pendingOf());
          await new Promise((r) => setTimeout(r, 40));
          return (t.commitIngest as NonNullable<Store['commitIngest']>).call(t, ...args);
        };
      }
      const v = Reflect.get(t, prop, recv) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  const s = await testServer({ config: { server: { ingest_queue_records: CAPACITY } }, wrapStore: slow });
  pendingOf = () => s.ctx.writer.pendingRecords;
  try {
    const payloads = Array.from({ length: 8 }, (_, i) => body(i));
    const send = async (i: number): Promise<{ status: number; retryAfter?: string }> => {
      const r = await s.app.inject({
        method: 'POST', url: `/api/v1/ingest?source=bp&source_type=okta`, payload: (payloads[i % payloads.length] as string).replaceAll('bp-', `bp${i}-`),
        headers: { ...bearer(s.keys.ingest), 'content-type': 'application/x-ndjson' },
      });
      if (r.statusCode === 429) {
        assert.equal(json<{ error: { code: string } }>(r).error.code, 'too_many_requests');
      }
      return { status: r.statusCode, ...(r.headers['retry-after'] !== undefined ? { retryAfter: String(r.headers['retry-after']) } : {}) };
    };
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const statuses: Array<{ status: number; retryAfter?: string }> = [];
    // 400 requests (200k records, ~100 MB of NDJSON) offered 40 at a time to a queue of 2000 records.
    for (let round = 0; round < 10; round++) {
      statuses.push(...(await Promise.all(Array.from({ length: 40 }, (_, k) => send(round * 40 + k)))));
      gc();
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
    const accepted = statuses.filter((x) => x.status === 202).length;
    const refused = statuses.filter((x) => x.status === 429);
    assert.equal(accepted + refused.length, statuses.length, `only 202 and 429 expected, got ${[...new Set(statuses.map((x) => x.status))].join(', ')}`);
    assert.ok(refused.length > 0, 'a full queue must refuse');
    assert.ok(accepted > 0);
    assert.ok(refused.every((x) => x.retryAfter === '1'), 'every 429 carries Retry-After');
    assert.ok(maxPending <= CAPACITY, `admitted records ${maxPending} exceeded the bound ${CAPACITY}`);
    // Everything accepted is committed, nothing else.
    await s.ctx.writer.drain();
    assert.equal(await s.store.countEvents(), accepted * BATCH);
    assert.equal(s.ctx.writer.pendingRecords, 0);
    const metrics = (await s.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, new RegExp(`weft_ingest_rejected_total\\{reason="busy"\\} ${refused.length}`));
    // Unbounded queuing would hold ~200k events (hundreds of MB); the bound keeps the growth small.
    const growthMB = (heapPeak - heapBefore) / 1024 / 1024;
    assert.ok(growthMB < 96, `heap grew ${growthMB.toFixed(0)} MB under load`);
  } finally {
    await s.close();
  }
});
