/**
 * Ingest workers and process lifetime: a worker holding a batch keeps the process alive until the
 * batch is answered (the only thing awaited is its promise), and idle workers never keep a process
 * from exiting (a server's tests close the app without closing the writer).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/shared-data.js';

test('a batch on a worker completes before the process may exit, and idle workers do not hold it open', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-workers-exit-'));
  try {
    const script = join(dir, 'run.mts');
    writeFileSync(script, `
      import { IngestWriter } from ${JSON.stringify(join(repoRoot, 'src', 'ingest', 'ingest-writer.ts'))};
      import { SqliteStore } from ${JSON.stringify(join(repoRoot, 'src', 'store', 'sqlite', 'sqlite-store.ts'))};
      const store = new SqliteStore({ path: ${JSON.stringify(join(dir, 'weft.db'))} });
      await store.migrate();
      const writer = new IngestWriter({ store, prepareWorkers: 1 });
      const lines = ['{"uuid":"a1","published":"2026-03-10T08:00:00.000Z","eventType":"user.session.start","actor":{"alternateId":"alice@corp.example"},"outcome":{"result":"SUCCESS"}}', 'not json {'];
      // Only the promise is awaited: the worker holding the batch is what keeps the process running.
      writer.submit(lines, { sourceId: 'okta-test' }).then((r) => process.stdout.write(JSON.stringify(r) + '\\n'));
    `);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.signal, null, 'the process did not exit on its own');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { records: 2, events: 1, quarantined: 1, lastSeq: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
