/**
 * Nothing acknowledged is lost: `weft serve` is killed with SIGKILL while clients ingest, restarted,
 * and the clients retry what was not acknowledged. Every acknowledged event must be stored, every
 * event exactly once, and the audit chain intact. Then SIGTERM must drain and exit 0.
 * The alerts are those of a server that never crashed and received the same records in the same order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventId } from '../../src/event/event-id.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeIngestKey, startServeProcess, type ServeProcess } from '../support/serve-process.js';

const SOURCE = 'durability';
const BATCH = 200;

/**
 * Okta sign-ins; every fifth a failed password from a script, so the bundled rules alert (scripted
 * client, invalid credentials) and the spray correlation has windows open when the server dies.
 */
function record(i: number): string {
  const failed = i % 5 === 0;
  return JSON.stringify({
    uuid: `dur-${i}`, published: new Date(Date.UTC(2026, 2, 10, 8, 0, 0) + i * 1000).toISOString(), eventType: 'user.session.start',
    actor: { id: `00u${i % 50}`, type: 'User', alternateId: `user${i % 50}@corp.example` },
    client: { ipAddress: '198.51.100.7', userAgent: { rawUserAgent: failed ? 'python-requests/2.31.0' : 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' } },
    outcome: failed ? { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' } : { result: 'SUCCESS' },
  });
}

interface AlertShape { rule: string; group: string; count: number; first: number; last: number }

/** Alerts as the comparison sees them: what the engine decided, not when it was written. */
async function alertShapes(store: SqliteStore): Promise<AlertShape[]> {
  const out: AlertShape[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listAlerts({ limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
    for (const a of page.items) out.push({ rule: a.ruleId, group: a.dedupKey, count: a.count, first: a.firstTs, last: a.lastTs });
    cursor = page.next;
  } while (cursor !== undefined);
  return out.sort((a, b) => a.group.localeCompare(b.group) || a.first - b.first);
}

function batch(b: number): string[] {
  return Array.from({ length: BATCH }, (_, k) => record(b * BATCH + k));
}

async function post(url: string, key: string, lines: string[]): Promise<number> {
  try {
    const r = await fetch(`${url}/api/v1/ingest?source=${SOURCE}&source_type=okta`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' }, body: `${lines.join('\n')}\n`,
    });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0; // connection reset by the kill: not acknowledged
  }
}

test('kill -9 during sustained ingest loses no acknowledged event and stores each event once', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-durability-'));
  let srv: ServeProcess | undefined;
  let crashed: AlertShape[] | undefined;
  const logOrder: string[] = [];
  try {
    const key = makeIngestKey(dir);
    srv = await startServeProcess(dir);
    const first = srv;
    const acked = new Set<number>();
    let nextBatch = 0;
    let killed = false;
    const KILL_AFTER = 40;
    // Four clients post batches back to back; after KILL_AFTER acknowledgements the server is killed.
    const client = async (): Promise<void> => {
      while (!killed) {
        const b = nextBatch++;
        const status = await post(first.url, key, batch(b));
        if (status === 202) acked.add(b);
        if (acked.size >= KILL_AFTER && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    assert.equal(await first.exited, 'SIGKILL');
    const sent = nextBatch;
    assert.ok(acked.size >= KILL_AFTER);

    // Restart on the same data dir: every acknowledged event is there.
    srv = await startServeProcess(dir);
    const check = new SqliteStore({ path: join(dir, 'weft.db') });
    try {
      const missing: string[] = [];
      for (const b of acked) {
        for (const line of batch(b)) {
          const id = eventId(SOURCE, line);
          if ((await check.getEvent(id)) === undefined) missing.push(`${b}:${id}`);
        }
      }
      assert.deepEqual(missing, [], 'acknowledged events lost in the crash');
    } finally {
      await check.close();
    }

    // Clients retry everything not acknowledged, and (as after a lost answer) some acknowledged batches too.
    const retry = [...Array(sent).keys()].filter((b) => !acked.has(b));
    retry.push(...[...acked].slice(0, 5));
    for (const b of retry) assert.equal(await post(srv.url, key, batch(b)), 202, `retry of batch ${b}`);

    // SIGTERM: drain, checkpoint, exit 0.
    srv.child.kill('SIGTERM');
    assert.equal(await srv.exited, 0, srv.stderr());
    srv = undefined;

    const store = new SqliteStore({ path: join(dir, 'weft.db') });
    try {
      assert.equal(await store.countEvents(), sent * BATCH, 'every event sent is stored exactly once');
      const seqs = new Set<number>();
      let after = 0;
      for (;;) {
        const page = await store.readEventLog(after, 10_000);
        if (page.length === 0) break;
        for (const { seq, event } of page) {
          assert.ok(!seqs.has(seq));
          seqs.add(seq);
          assert.equal(event.weft.source_id, SOURCE);
          after = seq;
        }
      }
      assert.equal(seqs.size, sent * BATCH);
      const audit = await store.verifyAudit();
      assert.equal(audit.ok, true, audit.reason);
      const detect = await store.loadCheckpoint('detect');
      assert.equal(detect?.position, await store.lastEventSeq(), 'the detection consumer checkpointed the whole log on shutdown');
      const alerting = await store.loadCheckpoint('alerting');
      assert.equal(alerting?.position, await store.lastEventSeq(), 'the alerting consumer checkpointed the whole log on shutdown');
      crashed = await alertShapes(store);
      for (const { event } of await store.readEventLog(0, sent * BATCH)) logOrder.push(event.event?.original as string);
    } finally {
      await store.close();
    }

    // The same records in the same log order through a server that never crashed: the same alerts.
    assert.ok(crashed !== undefined && crashed.length > 0, 'the records raise alerts');
    const clean = mkdtempSync(join(tmpdir(), 'weft-durability-clean-'));
    try {
      const key2 = makeIngestKey(clean);
      srv = await startServeProcess(clean);
      for (let i = 0; i < logOrder.length; i += BATCH) assert.equal(await post(srv.url, key2, logOrder.slice(i, i + BATCH)), 202);
      srv.child.kill('SIGTERM');
      assert.equal(await srv.exited, 0, srv.stderr());
      srv = undefined;
      const again = new SqliteStore({ path: join(clean, 'weft.db') });
      try {
        assert.deepEqual(await alertShapes(again), crashed, 'alerts after kill -9 and restart differ from an uninterrupted run');
      } finally {
        await again.close();
      }
    } finally {
      rmSync(clean, { recursive: true, force: true });
    }
  } finally {
    if (srv) {
      srv.child.kill('SIGKILL');
      await srv.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
