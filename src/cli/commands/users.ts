/** `weft users`: bootstrap and manage users and API keys from the command line (audited as cli:<os user>). */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ApiKeyRoleError, ApiKeyService } from '../../server/auth/api-keys.js';
import { hashPassword, PasswordPolicyError } from '../../server/auth/passwords.js';
import { oneTimePassword } from '../../server/auth/secrets.js';
import { ROLE_NAMES } from '../../store/roles.js';
import { StoreError } from '../../store/errors.js';
import type { RoleName, Store, UserRecord } from '../../store/types.js';
import { commandContext, DATA_DIR_OPTION, openStore, UsageError } from '../context.js';

function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function roleOf(v: string): RoleName {
  if (!(ROLE_NAMES as readonly string[]).includes(v)) throw new UsageError(`unknown role '${v}'; expected one of: ${ROLE_NAMES.join(', ')}`);
  return v as RoleName;
}

async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stdin) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(String(c));
    size += b.length;
    if (size > 4096) throw new UsageError('the password on stdin is longer than 4096 bytes');
    chunks.push(b);
  }
  // One trailing newline (echo, a here-string) is not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function passwordFrom(stdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (stdin) return { password: await readStdin(), generated: false };
  return { password: oneTimePassword(), generated: true };
}

async function hashed(password: string): Promise<string> {
  try {
    return await hashPassword(password);
  } catch (err) {
    if (err instanceof PasswordPolicyError) throw new UsageError(err.message);
    throw err;
  }
}

async function mustUser(store: Store, name: string): Promise<UserRecord> {
  const u = await store.getUser({ username: name });
  if (!u) throw new UsageError(`no user named '${name}'`);
  return u;
}

type Action = (store: Store) => Promise<void>;

async function withStore(cmd: Command, opts: { dataDir?: string }, run: Action): Promise<void> {
  const ctx = await commandContext(cmd, opts);
  const store = await openStore(ctx.config, ctx.logger);
  try {
    await run(store);
  } finally {
    await store.close();
  }
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('manage users and API keys');
  users.command('add')
    .description('create a user; prints a generated password unless --password-stdin')
    .argument('<name>', 'username')
    .requiredOption('--role <role>', `one of: ${ROLE_NAMES.join(', ')}`)
    .option('--password-stdin', 'read the password from stdin (for scripts)')
    .option(...DATA_DIR_OPTION)
    .action(async (name: string, opts: { role: string; passwordStdin?: boolean; dataDir?: string }, cmd: Command) => {
      const role = roleOf(opts.role);
      if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) throw new UsageError(`username '${name}': use 1-64 letters, digits and . _ @ -`);
      const { password, generated } = await passwordFrom(opts.passwordStdin === true);
      const passwordHash = await hashed(password);
      await withStore(cmd, opts, async (store) => {
        const now = new Date().toISOString();
        try {
          await store.createUser({ id: randomUUID(), username: name, passwordHash, role, disabled: false, createdAt: now, updatedAt: now });
        } catch (err) {
          if (err instanceof StoreError && err.code === 'conflict') throw new UsageError(`user '${name}' already exists`);
          throw err;
        }
        await store.appendAudit([{ actor: actor(), action: 'users.create', target: name, details: { role } }]);
        process.stdout.write(generated ? `created ${role} user ${name} with password: ${password}\n` : `created ${role} user ${name}\n`);
      });
    });
  users.command('passwd')
    .description('set a user\'s password (ends its sessions); prints a generated one unless --password-stdin')
    .argument('<name>', 'username')
    .option('--password-stdin', 'read the password from stdin')
    .option(...DATA_DIR_OPTION)
    .action(async (name: string, opts: { passwordStdin?: boolean; dataDir?: string }, cmd: Command) => {
      const { password, generated } = await passwordFrom(opts.passwordStdin === true);
      const passwordHash = await hashed(password);
      await withStore(cmd, opts, async (store) => {
        const u = await mustUser(store, name);
        const now = new Date().toISOString();
        await store.updateUser(u.id, { passwordHash, updatedAt: now });
        await store.revokeSessions({ userId: u.id }, now);
        await store.appendAudit([{ actor: actor(), action: 'users.passwd', target: name }]);
        process.stdout.write(generated ? `new password for ${name}: ${password}\n` : `password changed for ${name}\n`);
      });
    });
  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    users.command(verb)
      .description(disabled ? 'disable a user: its sessions end and its API keys stop working' : 'enable a disabled user')
      .argument('<name>', 'username')
      .option(...DATA_DIR_OPTION)
      .action(async (name: string, opts: { dataDir?: string }, cmd: Command) => {
        await withStore(cmd, opts, async (store) => {
          const u = await mustUser(store, name);
          const now = new Date().toISOString();
          await store.updateUser(u.id, { disabled, updatedAt: now });
          if (disabled) await store.revokeSessions({ userId: u.id }, now);
          await store.appendAudit([{ actor: actor(), action: `users.${verb}`, target: name }]);
          process.stdout.write(`${verb}d ${name}\n`);
        });
      });
  }
  users.command('list')
    .description('list users')
    .option(...DATA_DIR_OPTION)
    .action(async (opts: { dataDir?: string }, cmd: Command) => {
      await withStore(cmd, opts, async (store) => {
        for (const u of await store.listUsers()) process.stdout.write(`${u.username.padEnd(24)} ${u.role.padEnd(8)} ${u.disabled ? 'disabled' : 'active'}\n`);
      });
    });
  const keys = users.command('keys').description('API keys for ingest and automation');
  keys.command('add')
    .description('create an API key for a user; the key is printed once and never stored')
    .argument('<user>', 'owner username')
    .requiredOption('--name <name>', 'what the key is for (e.g. firewall-1)')
    .option('--role <role>', 'role of the key (default: the owner\'s role; never more than it)')
    .option(...DATA_DIR_OPTION)
    .action(async (user: string, opts: { name: string; role?: string; dataDir?: string }, cmd: Command) => {
      const role = opts.role !== undefined ? roleOf(opts.role) : undefined;
      await withStore(cmd, opts, async (store) => {
        const u = await mustUser(store, user);
        try {
          const created = await new ApiKeyService(store).create(u, opts.name, role);
          await store.appendAudit([{ actor: actor(), action: 'keys.create', target: `${user}/${opts.name}`, details: { key_id: created.record.id, role: created.record.role } }]);
          process.stdout.write(`${created.key}\n`);
          process.stderr.write(`API key ${created.record.id} (${created.record.role}) for ${user}: shown once, store it now\n`);
        } catch (err) {
          if (err instanceof ApiKeyRoleError) throw new UsageError(err.message);
          throw err;
        }
      });
    });
  keys.command('list')
    .description('list API keys (never the keys themselves)')
    .argument('[user]', 'only this user\'s keys')
    .option(...DATA_DIR_OPTION)
    .action(async (user: string | undefined, opts: { dataDir?: string }, cmd: Command) => {
      await withStore(cmd, opts, async (store) => {
        const owner = user !== undefined ? await mustUser(store, user) : undefined;
        const names = new Map((await store.listUsers()).map((u) => [u.id, u.username]));
        for (const k of await store.listApiKeys(owner?.id)) {
          process.stdout.write(`${k.id}  ${k.prefix}  ${(names.get(k.userId) ?? '?').padEnd(16)} ${k.name.padEnd(20)} ${k.role.padEnd(8)} ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\n`);
        }
      });
    });
  keys.command('revoke')
    .description('revoke an API key by id')
    .argument('<id>', 'key id (from weft users keys list)')
    .option(...DATA_DIR_OPTION)
    .action(async (id: string, opts: { dataDir?: string }, cmd: Command) => {
      await withStore(cmd, opts, async (store) => {
        if (!(await store.revokeApiKey(id, new Date().toISOString()))) throw new UsageError(`no active API key with id ${id}`);
        await store.appendAudit([{ actor: actor(), action: 'keys.revoke', target: id }]);
        process.stdout.write(`revoked ${id}\n`);
      });
    });
  for (const c of [users, keys, ...users.commands, ...keys.commands]) c.exitOverride();
}
