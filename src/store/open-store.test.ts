import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../test/support/postgres.js';
import { parseConfig } from '../config/load.js';
import { StoreError } from './errors.js';
import { openStore, sqlitePath } from './open-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'weft-open-store-'));
  dirs.push(d);
  return d;
}

test('openStore: sqlite by default, at <data_dir>/weft.db, migrated', async () => {
  const dir = tempDir();
  const config = parseConfig({ data_dir: dir });
  assert.equal(sqlitePath(config), join(dir, 'weft.db'));
  const store = await openStore(config);
  try {
    assert.ok(store instanceof SqliteStore);
    assert.equal(store.driver, 'sqlite');
    assert.ok(await store.schemaVersion() >= 1);
    assert.ok(existsSync(join(dir, 'weft.db')));
  } finally {
    await store.close();
  }
});

test('openStore: sqlite at store.sqlite.path; an unusable path is a typed error', async () => {
  const dir = tempDir();
  const path = join(dir, 'nested', 'custom.db');
  const store = await openStore(parseConfig({ data_dir: join(dir, 'unused'), store: { sqlite: { path } } }));
  await store.close();
  assert.ok(existsSync(path));
  assert.ok(!existsSync(join(dir, 'unused', 'weft.db')));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  await assert.rejects(openStore(parseConfig({ data_dir: file })), (err: unknown) =>
    err instanceof StoreError && err.code === 'backend' && err.message.startsWith(`cannot open SQLite database at ${join(file, 'weft.db')}: EEXIST`));
});

test('openStore: postgres at store.postgres.url, migrated; an unreachable server is a typed error', async (t) => {
  await assert.rejects(
    openStore(parseConfig({ store: { driver: 'postgres', postgres: { url: 'postgres://postgres@127.0.0.1:1/weft' } } })),
    (err: unknown) => err instanceof StoreError && err.code === 'backend' && /cannot reach PostgreSQL/.test(err.message),
  );
  const db = await createTestDatabase('open');
  if (typeof db === 'string') {
    t.skip(db);
    return;
  }
  try {
    const store = await openStore(parseConfig({ store: { driver: 'postgres', postgres: { url: db.url, pool_size: 2 } } }));
    try {
      assert.ok(store instanceof PostgresStore);
      assert.equal(store.driver, 'postgres');
      assert.ok(await store.schemaVersion() >= 1);
      assert.equal(await store.countEvents(), 0);
    } finally {
      await store.close();
    }
  } finally {
    await db.drop();
  }
});
