/**
 * Login sessions: a short-lived access token (JWT, HS256) and a refresh token that is rotated on
 * every use. Both name the session; logout revokes the session, which ends the access token too
 * (every request checks its session, through a cache of a few seconds that logout clears).
 * A refresh token used twice (stolen and replayed) revokes its session.
 */
import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import type { RoleName, Store, UserRecord } from '../../store/types.js';
import type { Principal } from './principal.js';
import { randomToken, sha256Hex } from './secrets.js';

const ISSUER = 'weft';
const AUDIENCE = 'weft-api';
const REFRESH_FORMAT = /^wr_([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds the access token is valid. */
  expires_in: number;
  refresh_token: string;
  refresh_expires_at: string;
}

export interface TokenServiceOptions {
  store: Store;
  /** HMAC key for access tokens, at least 32 bytes. */
  secret: Uint8Array;
  accessTtlMs: number;
  refreshTtlMs: number;
  /** How long a checked session stays trusted without a store read (default 5 s). */
  sessionCacheMs?: number;
  now?: () => number;
}

interface CachedSession {
  principal: Principal;
  until: number;
}

export class TokenService {
  private readonly cache = new Map<string, CachedSession>();
  private readonly now: () => number;

  constructor(private readonly opts: TokenServiceOptions) {
    if (opts.secret.byteLength < 32) throw new Error('the token secret must be at least 32 bytes');
    this.now = opts.now ?? Date.now;
  }

  private async accessToken(user: UserRecord, sessionId: string): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({ sid: sessionId, role: user.role, name: user.username })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + Math.max(1, Math.floor(this.opts.accessTtlMs / 1000)))
      .sign(this.opts.secret);
  }

  private pair(access: string, sessionId: string, secret: string, expiresAt: string): TokenPair {
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: Math.max(1, Math.floor(this.opts.accessTtlMs / 1000)),
      refresh_token: `wr_${sessionId}.${secret}`,
      refresh_expires_at: expiresAt,
    };
  }

  /** Start a session for a user whose password was just verified. */
  async login(user: UserRecord, sourceIp?: string): Promise<TokenPair> {
    const id = randomUUID();
    const secret = randomToken(32);
    const now = this.now();
    const expiresAt = new Date(now + this.opts.refreshTtlMs).toISOString();
    await this.opts.store.createSession({
      id, userId: user.id, refreshHash: sha256Hex(secret), createdAt: new Date(now).toISOString(), expiresAt, ...(sourceIp !== undefined ? { sourceIp } : {}),
    });
    return this.pair(await this.accessToken(user, id), id, secret, expiresAt);
  }

  /** A new pair for a valid refresh token, or undefined. The presented token stops working. */
  async refresh(refreshToken: string): Promise<{ pair: TokenPair; user: UserRecord } | undefined> {
    const m = REFRESH_FORMAT.exec(refreshToken);
    if (!m) return undefined;
    const sessionId = m[1] as string;
    const oldHash = sha256Hex(m[2] as string);
    const session = await this.opts.store.getSession(sessionId);
    if (!session || session.revokedAt !== undefined || Date.parse(session.expiresAt) <= this.now()) return undefined;
    const user = await this.opts.store.getUser({ id: session.userId });
    if (!user || user.disabled) return undefined;
    const secret = randomToken(32);
    const expiresAt = new Date(this.now() + this.opts.refreshTtlMs).toISOString();
    if (!(await this.opts.store.rotateSessionRefresh(sessionId, oldHash, sha256Hex(secret), expiresAt))) {
      // The hash did not match: an old refresh token was replayed. Someone else may hold the live one.
      await this.revokeSession(sessionId);
      return undefined;
    }
    return { pair: this.pair(await this.accessToken(user, sessionId), sessionId, secret, expiresAt), user };
  }

  /** The principal behind an access token, or undefined (bad signature, expired, session revoked, user disabled). */
  async verifyAccess(token: string): Promise<Principal | undefined> {
    let sub: string | undefined;
    let sid: unknown;
    try {
      const { payload } = await jwtVerify(token, this.opts.secret, {
        issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], currentDate: new Date(this.now()),
      });
      sub = payload.sub;
      sid = payload.sid;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return undefined;
      throw err;
    }
    if (typeof sub !== 'string' || typeof sid !== 'string') return undefined;
    const now = this.now();
    const hit = this.cache.get(sid);
    if (hit && hit.until > now) return hit.principal.userId === sub ? hit.principal : undefined;
    const session = await this.opts.store.getSession(sid);
    if (!session || session.revokedAt !== undefined || session.userId !== sub) return undefined;
    const user = await this.opts.store.getUser({ id: sub });
    if (!user || user.disabled) return undefined;
    // The role comes from the store, not the token: a role change applies within the cache time.
    const principal: Principal = { kind: 'user', userId: user.id, name: user.username, role: user.role as RoleName, sessionId: sid };
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(sid, { principal, until: now + (this.opts.sessionCacheMs ?? 5000) });
    return principal;
  }

  async revokeSession(sessionId: string): Promise<boolean> {
    const n = await this.opts.store.revokeSessions({ id: sessionId }, new Date(this.now()).toISOString());
    this.cache.delete(sessionId);
    return n > 0;
  }

  /** Ends every session of a user (password change, disable). */
  async revokeUser(userId: string): Promise<number> {
    const n = await this.opts.store.revokeSessions({ userId }, new Date(this.now()).toISOString());
    for (const [sid, c] of this.cache) if (c.principal.userId === userId) this.cache.delete(sid);
    return n;
  }

  /** Drop cached sessions (after a role change) so the next request reads the store. */
  forgetUser(userId: string): void {
    for (const [sid, c] of this.cache) if (c.principal.userId === userId) this.cache.delete(sid);
  }
}
