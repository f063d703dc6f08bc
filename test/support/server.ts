/** A Weft server on an in-memory SQLite store, with one user (and token and API key) per role. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { parseConfig } from '../../src/config/load.js';
import type { WeftConfigInput } from '../../src/config/schema.js';
import { hashPassword } from '../../src/server/auth/passwords.js';
import { buildServer, type BuildServerOptions, type WeftServer } from '../../src/server/app.js';
import { RuleCatalog } from '../../src/server/rule-catalog.js';
import { ROLE_NAMES } from '../../src/store/roles.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { RoleName, Store, UserRecord } from '../../src/store/types.js';
import { bundledPipelineFiles } from '../../src/rules/pipeline/index.js';
import { silentLogger } from '../../src/log/logger.js';

export const PASSWORD = 'correct horse battery staple';

export interface TestServer extends WeftServer {
  store: Store;
  users: Record<RoleName, UserRecord>;
  tokens: Record<RoleName, string>;
  keys: Record<RoleName, string>;
  catalog: RuleCatalog;
  close(): Promise<void>;
}

export interface TestServerOptions extends Partial<Omit<BuildServerOptions, 'config'>> {
  config?: WeftConfigInput;
  /** Wrap the store (slow store, failing store). */
  wrapStore?: (s: Store) => Store;
}

export async function testServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const sqlite = new SqliteStore({ path: ':memory:' });
  await sqlite.migrate();
  const store = opts.wrapStore ? opts.wrapStore(sqlite) : sqlite;
  const config = parseConfig(opts.config ?? {});
  const catalog = opts.rules ?? new RuleCatalog({ store, pipelinePaths: bundledPipelineFiles(), logger: silentLogger });
  const built = await buildServer({ defaultMetrics: false, jwtSecret: randomBytes(32), ...opts, config, store, rules: catalog });
  const hash = await hashPassword(PASSWORD);
  const users = {} as Record<RoleName, UserRecord>;
  const tokens = {} as Record<RoleName, string>;
  const keys = {} as Record<RoleName, string>;
  for (const role of ROLE_NAMES) {
    const now = new Date().toISOString();
    const u: UserRecord = { id: randomUUID(), username: `${role}-user`, passwordHash: hash, role, disabled: false, createdAt: now, updatedAt: now };
    await sqlite.createUser(u);
    users[role] = u;
    tokens[role] = (await built.ctx.tokens.login(u)).access_token;
    keys[role] = (await built.ctx.apiKeys.create(u, `${role}-key`)).key;
  }
  return {
    ...built, store, users, tokens, keys, catalog,
    async close() {
      await built.app.close();
      await built.ctx.writer.close();
      await sqlite.close();
    },
  };
}

export function json<T = Record<string, unknown>>(r: LightMyRequestResponse): T {
  return JSON.parse(r.body) as T;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
