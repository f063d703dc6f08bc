/**
 * Nothing acknowledged is lost: `weft serve` is killed with SIGKILL while clients ingest, restarted,
 * and the clients retry what was not acknowledged. Every acknowledged event must be stored, every
 * event exactly once, and the audit chain intact. Then SIGTERM must drain and exit 0.
 * (Alerts identical to an uninterrupted run can be checked here once alerting is wired into serve.)
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

function record(i: number): string {
  return JSON.stringify({
    uuid: `dur-${i}`, published: new Date(Date.UTC(2026, 2, 10, 8, 0, 0) + i * 1000).toISOString(), eventType: 'user.session.start',
    actor: { id: `00u${i % 50}`, type: 'User', alternateId: `user${i % 50}@corp.example` }, client: { ipAddress: '198.51.100.7' }, outcome: { result: 'SUCCESS' },
  });
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
    } finally {
      await store.close();
    }
  } finally {
    if (srv) {
      srv.child.kill('SIGKILL');
      await srv.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
