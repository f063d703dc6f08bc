import { join } from 'node:path';
import type { WeftConfig } from '../config/schema.js';
import { StoreError } from './errors.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { redactUrl } from './postgres/pg-errors.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

/** Either implementation; both are Stores, the concrete type gives access to driver extras. */
export type OpenedStore = SqliteStore | PostgresStore;

/** The SQLite file a config selects: `store.sqlite.path`, else `<data_dir>/weft.db`. */
export function sqlitePath(config: WeftConfig): string {
  return config.store.sqlite.path ?? join(config.data_dir, 'weft.db');
}

/**
 * Open the store the config selects (`store.driver`) and bring its schema up to date. On a failed
 * migration the store is closed again and the typed StoreError is passed on.
 */
export async function openStore(config: WeftConfig, logger: Logger = silentLogger): Promise<OpenedStore> {
  let store: OpenedStore;
  try {
    store = config.store.driver === 'postgres'
      ? new PostgresStore({ url: config.store.postgres.url, poolSize: config.store.postgres.pool_size, logger })
      : new SqliteStore({ path: sqlitePath(config), synchronous: config.store.sqlite.synchronous, logger });
  } catch (err) {
    // SqliteStore creates the file's directory before opening it; that can fail untyped (EEXIST, EACCES).
    if (err instanceof StoreError) throw err;
    throw new StoreError('backend', `cannot open SQLite database at ${sqlitePath(config)}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const version = await store.migrate();
    const where = config.store.driver === 'postgres' ? redactUrl(config.store.postgres.url) : sqlitePath(config);
    logger.info({ driver: store.driver, where, schemaVersion: version }, 'store ready');
    return store;
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}
