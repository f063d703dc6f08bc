/** Users, roles and API keys. Password hashes and key hashes never leave the server. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ROLE_NAMES } from '../../store/roles.js';
import type { ApiKeyRecord, RoleName, UserRecord } from '../../store/types.js';
import { ApiKeyRoleError } from '../auth/api-keys.js';
import { hashPassword, PasswordPolicyError } from '../auth/passwords.js';
import type { ServerContext } from '../context.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { idParam, pageArray, pageQuery, type RouteTable } from '../route.js';

const role = z.enum(ROLE_NAMES as [RoleName, ...RoleName[]]);
const username = z.string().min(1).max(64).regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only');

export function userJson(u: UserRecord): Record<string, unknown> {
  return { id: u.id, username: u.username, role: u.role, disabled: u.disabled, created_at: u.createdAt, updated_at: u.updatedAt };
}

export function keyJson(k: ApiKeyRecord): Record<string, unknown> {
  return {
    id: k.id, user_id: k.userId, name: k.name, prefix: k.prefix, role: k.role, created_at: k.createdAt,
    revoked_at: k.revokedAt ?? null, last_used_at: k.lastUsedAt ?? null,
  };
}

async function password(p: string): Promise<string> {
  try {
    return await hashPassword(p);
  } catch (err) {
    if (err instanceof PasswordPolicyError) throw badRequest(`body.password: ${err.message}`, { fields: [{ field: 'body.password', message: err.message }] });
    throw err;
  }
}

export function userRoutes(t: RouteTable, ctx: ServerContext): void {
  const mustUser = async (id: string): Promise<UserRecord> => {
    const u = await ctx.store.getUser({ id });
    if (!u) throw notFound('user', id);
    return u;
  };
  t.add({
    method: 'GET', url: '/api/v1/users', summary: 'List users', tag: 'users', access: 'users:read', audit: 'users.list',
    query: z.strictObject({ ...pageQuery }),
    handler: async ({ query, audit }) => {
      const page = pageArray((await ctx.store.listUsers()).map(userJson), query.limit, query.cursor);
      audit.records = page.items.length;
      return page;
    },
  });
  t.add({
    method: 'POST', url: '/api/v1/users', summary: 'Create a user', tag: 'users', access: 'users:write', audit: 'users.create', status: 201,
    body: z.strictObject({ username, role, password: z.string().min(1).max(1024) }),
    handler: async ({ body, audit }) => {
      const now = new Date().toISOString();
      const u: UserRecord = { id: randomUUID(), username: body.username, role: body.role, passwordHash: await password(body.password), disabled: false, createdAt: now, updatedAt: now };
      await ctx.store.createUser(u);
      audit.target = u.username;
      audit.details = { role: u.role };
      return userJson(u);
    },
  });
  t.add({
    method: 'GET', url: '/api/v1/users/:id', summary: 'Get a user', tag: 'users', access: 'users:read', audit: 'users.get', params: idParam,
    handler: async ({ params, audit }) => {
      const u = await mustUser(params.id);
      audit.target = u.username;
      audit.records = 1;
      return userJson(u);
    },
  });
  t.add({
    method: 'PATCH', url: '/api/v1/users/:id', summary: 'Change a user\'s role, password, or disable/enable it (ends its sessions)',
    tag: 'users', access: 'users:write', audit: 'users.update', params: idParam,
    body: z.strictObject({ role: role.optional(), disabled: z.boolean().optional(), password: z.string().min(1).max(1024).optional() })
      .refine((b) => b.role !== undefined || b.disabled !== undefined || b.password !== undefined, { message: 'nothing to change: give role, disabled or password' }),
    handler: async ({ params, body, principal, audit }) => {
      const u = await mustUser(params.id);
      audit.target = u.username;
      if (principal?.userId === u.id && (body.disabled === true || (body.role !== undefined && body.role !== 'admin' && u.role === 'admin'))) {
        throw new ApiError(409, 'conflict', 'you cannot disable yourself or take away your own admin role');
      }
      await ctx.store.updateUser(u.id, {
        ...(body.role !== undefined ? { role: body.role } : {}),
        ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
        ...(body.password !== undefined ? { passwordHash: await password(body.password) } : {}),
        updatedAt: new Date().toISOString(),
      });
      if (body.disabled === true || body.password !== undefined) await ctx.tokens.revokeUser(u.id);
      ctx.tokens.forgetUser(u.id);
      ctx.apiKeys.forget();
      audit.details = { changed: Object.keys(body).filter((k) => k !== 'password').concat(body.password !== undefined ? ['password'] : []) };
      return userJson(await mustUser(u.id));
    },
  });
  t.add({
    method: 'GET', url: '/api/v1/roles', summary: 'Roles and their permissions', tag: 'users', access: 'users:read', audit: 'roles.list',
    handler: async ({ audit }) => {
      const roles = await ctx.store.listRoles();
      audit.records = roles.length;
      return { items: roles, total: roles.length };
    },
  });
  t.add({
    method: 'GET', url: '/api/v1/users/:id/keys', summary: 'A user\'s API keys (never the keys themselves)', tag: 'users', access: 'users:read', audit: 'keys.list',
    params: idParam, query: z.strictObject({ ...pageQuery }),
    handler: async ({ params, query, audit }) => {
      const u = await mustUser(params.id);
      audit.target = u.username;
      const page = pageArray((await ctx.store.listApiKeys(u.id)).map(keyJson), query.limit, query.cursor);
      audit.records = page.items.length;
      return page;
    },
  });
  t.add({
    method: 'POST', url: '/api/v1/users/:id/keys', summary: 'Create an API key for a user; the key is in this answer only',
    tag: 'users', access: 'users:write', audit: 'keys.create', status: 201, params: idParam,
    body: z.strictObject({ name: z.string().min(1).max(64), role: role.optional() }),
    handler: async ({ params, body, audit }) => {
      const u = await mustUser(params.id);
      if (u.disabled) throw new ApiError(409, 'conflict', `user ${u.username} is disabled`);
      try {
        const created = await ctx.apiKeys.create(u, body.name, body.role);
        audit.target = `${u.username}/${body.name}`;
        audit.details = { key_id: created.record.id, role: created.record.role };
        return { ...keyJson(created.record), key: created.key };
      } catch (err) {
        if (err instanceof ApiKeyRoleError) throw badRequest(`body.role: ${err.message}`, { fields: [{ field: 'body.role', message: err.message }] });
        throw err;
      }
    },
  });
  t.add({
    method: 'DELETE', url: '/api/v1/keys/:id', summary: 'Revoke an API key', tag: 'users', access: 'users:write', audit: 'keys.revoke', params: idParam,
    handler: async ({ params, audit }) => {
      audit.target = params.id;
      if (!(await ctx.apiKeys.revoke(params.id))) throw notFound('key', params.id);
      return undefined;
    },
  });
}
