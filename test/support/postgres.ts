import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server tests run against: `WEFT_TEST_POSTGRES_URL`, default the local server with
 * trust auth. Each test run creates its own database and drops it at the end.
 */
export const ADMIN_URL = process.env.WEFT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Create a fresh database, or say why not. When the server is unreachable: with CI set this throws
 * (the test run must fail), otherwise it returns the reason so the tests can skip with it.
 */
export async function createTestDatabase(tag: string): Promise<TestDatabase | string> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (err) {
    const reason = `PostgreSQL not reachable at ${ADMIN_URL} (${(err as Error).message || String((err as { code?: unknown }).code)}); start it or set WEFT_TEST_POSTGRES_URL`;
    await admin.end().catch(() => undefined);
    if (process.env.CI) throw new Error(`${reason}. CI is set, so this is a failure, not a skip.`, { cause: err });
    return reason;
  }
  const name = `weft_test_${tag}_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        // FORCE: a test that failed midway may have left connections open.
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A plain client on the test database with `schema` first on the search path: the "attacker" or inspector. */
export async function rawClient(url: string, schema: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await c.connect();
  return c;
}
