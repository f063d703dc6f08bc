/** Login, refresh, logout, whoami. Logins and failed logins are audited; repeated failures are throttled. */
import { z } from 'zod';
import { verifyPassword } from '../auth/passwords.js';
import type { ServerContext } from '../context.js';
import { ApiError, badRequest, tooMany, unauthorized } from '../errors.js';
import type { RouteTable } from '../route.js';

const tokenPair = z.object({
  access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number(), refresh_token: z.string(), refresh_expires_at: z.string(),
});

export function authRoutes(t: RouteTable, ctx: ServerContext): void {
  t.add({
    method: 'POST', url: '/api/v1/auth/login', summary: 'Log in with a username and password: an access token and a refresh token',
    tag: 'auth', access: 'public', audit: 'auth.login',
    body: z.strictObject({ username: z.string().min(1).max(128), password: z.string().min(1).max(1024) }),
    response: tokenPair,
    handler: async ({ req, body, audit }) => {
      audit.actor = body.username;
      const wait = ctx.throttle.retryAfterMs(body.username, req.ip);
      if (wait > 0) {
        ctx.metrics.authFailures.inc({ kind: 'throttled' });
        audit.details = { reason: 'throttled' };
        audit.outcome = 'denied';
        throw tooMany('too many failed logins; wait before trying again', Math.ceil(wait / 1000));
      }
      const user = await ctx.store.getUser({ username: body.username });
      const ok = await verifyPassword(user?.passwordHash, body.password);
      if (!user || !ok || user.disabled) {
        ctx.throttle.recordFailure(body.username, req.ip);
        ctx.metrics.authFailures.inc({ kind: 'password' });
        // One message for unknown user, wrong password and disabled account: no user enumeration.
        audit.details = { reason: !user ? 'unknown_user' : !ok ? 'bad_password' : 'disabled' };
        throw unauthorized('invalid username or password');
      }
      ctx.throttle.recordSuccess(body.username);
      audit.target = user.id;
      return ctx.tokens.login(user, req.ip);
    },
  });
  t.add({
    method: 'POST', url: '/api/v1/auth/refresh', summary: 'Trade a refresh token for a new token pair (the old refresh token stops working)',
    tag: 'auth', access: 'public', audit: 'auth.refresh',
    body: z.strictObject({ refresh_token: z.string().min(1).max(256) }),
    response: tokenPair,
    handler: async ({ body, audit }) => {
      const r = await ctx.tokens.refresh(body.refresh_token);
      if (!r) {
        ctx.metrics.authFailures.inc({ kind: 'token' });
        throw unauthorized('the refresh token is not valid (expired, revoked, reused or malformed); log in again');
      }
      audit.actor = r.user.username;
      audit.target = r.user.id;
      return r.pair;
    },
  });
  t.add({
    method: 'POST', url: '/api/v1/auth/logout', summary: 'End this session: its access and refresh tokens stop working',
    tag: 'auth', access: 'authenticated', audit: 'auth.logout', status: 204,
    handler: async ({ principal }) => {
      if (!principal?.sessionId) throw badRequest('an API key has no session; revoke it with DELETE /api/v1/keys/{id}');
      await ctx.tokens.revokeSession(principal.sessionId);
      return undefined;
    },
  });
  t.add({
    method: 'GET', url: '/api/v1/auth/me', summary: 'Who the caller is: user, role and permissions', tag: 'auth', access: 'authenticated', audit: 'auth.me',
    handler: async ({ principal }) => {
      if (!principal) throw new ApiError(401, 'unauthorized', 'authentication required');
      const roles = await ctx.store.listRoles();
      return {
        user_id: principal.userId, name: principal.name, role: principal.role, auth: principal.kind,
        permissions: roles.find((r) => r.name === principal.role)?.permissions ?? [],
      };
    },
  });
}
