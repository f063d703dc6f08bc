/**
 * API keys: `wk_<8-char id>_<43-char secret>`, shown once at creation. The store keeps the id part
 * (`prefix`, to find the key) and a SHA-256 of the whole key; verification compares hashes in
 * constant time. Verified keys are cached briefly so ingest at high request rates costs no store
 * read per request; revocation through the API clears the cache at once.
 */
import { randomUUID } from 'node:crypto';
import { ROLES } from '../../store/roles.js';
import type { ApiKeyRecord, RoleName, Store, UserRecord } from '../../store/types.js';
import type { Principal } from './principal.js';
import { randomToken, sameHash, sha256Hex } from './secrets.js';

const KEY_FORMAT = /^wk_([A-Za-z0-9_-]{8})_([A-Za-z0-9_-]{43})$/;

export class ApiKeyRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiKeyRoleError';
  }
}

/** A key may carry a role whose permissions its owner's role already has, never more. */
export function roleWithin(keyRole: RoleName, ownerRole: RoleName): boolean {
  const owner = new Set(ROLES.find((r) => r.name === ownerRole)?.permissions ?? []);
  return (ROLES.find((r) => r.name === keyRole)?.permissions ?? []).every((p) => owner.has(p));
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('wk_');
}

interface Cached {
  principal: Principal;
  hash: string;
  until: number;
}

export interface CreatedApiKey {
  record: ApiKeyRecord;
  /** The key itself: shown to the user once, never stored. */
  key: string;
}

export class ApiKeyService {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly store: Store, private readonly opts: { cacheMs?: number; now?: () => number } = {}) {}

  async create(owner: UserRecord, name: string, role: RoleName = owner.role): Promise<CreatedApiKey> {
    if (!roleWithin(role, owner.role)) throw new ApiKeyRoleError(`a ${owner.role} cannot hold a key with role ${role}`);
    // The id part is random too; a collision on the unique prefix is retried.
    for (let attempt = 0; ; attempt++) {
      const id = randomToken(6);
      const key = `wk_${id}_${randomToken(32)}`;
      const record: ApiKeyRecord = {
        id: randomUUID(), userId: owner.id, name, prefix: `wk_${id}`, keyHash: sha256Hex(key), role, createdAt: new Date().toISOString(),
      };
      try {
        await this.store.createApiKey(record);
        return { record, key };
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  }

  /** The principal a presented key stands for, or undefined (unknown, wrong, revoked, owner disabled). */
  async verify(presented: string): Promise<Principal | undefined> {
    const m = KEY_FORMAT.exec(presented);
    if (!m) return undefined;
    const prefix = `wk_${m[1] as string}`;
    const hash = sha256Hex(presented);
    const now = (this.opts.now ?? Date.now)();
    const hit = this.cache.get(prefix);
    if (hit && hit.until > now) return sameHash(hit.hash, hash) ? hit.principal : undefined;
    const rec = await this.store.findApiKeyByPrefix(prefix);
    if (!rec || rec.revokedAt !== undefined || !sameHash(rec.keyHash, hash)) return undefined;
    const owner = await this.store.getUser({ id: rec.userId });
    if (!owner || owner.disabled) return undefined;
    const principal: Principal = { kind: 'api_key', userId: owner.id, name: `${owner.username}/${rec.name}`, role: rec.role, keyId: rec.id };
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(prefix, { principal, hash: rec.keyHash, until: now + (this.opts.cacheMs ?? 10_000) });
    return principal;
  }

  async revoke(id: string): Promise<boolean> {
    const ok = await this.store.revokeApiKey(id, new Date().toISOString());
    this.cache.clear();
    return ok;
  }

  /** After a user is disabled or changes role, their keys must be checked again. */
  forget(): void {
    this.cache.clear();
  }
}
