/**
 * Failed-login throttling, per username and per client address. After `freeFailures` failures a key
 * is locked for a delay that doubles with every further failure, up to `maxLockMs`. State is bounded:
 * at most `maxEntries` keys (the oldest are forgotten first) and entries expire after `windowMs`.
 */
export interface LoginThrottleOptions {
  freeFailures?: number;
  baseLockMs?: number;
  maxLockMs?: number;
  windowMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly freeFailures: number;
  private readonly baseLockMs: number;
  private readonly maxLockMs: number;
  private readonly windowMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: LoginThrottleOptions = {}) {
    this.freeFailures = opts.freeFailures ?? 5;
    this.baseLockMs = opts.baseLockMs ?? 1000;
    this.maxLockMs = opts.maxLockMs ?? 15 * 60_000;
    this.windowMs = opts.windowMs ?? 15 * 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  private keys(username: string, ip: string): string[] {
    return [`u:${username.toLowerCase()}`, `ip:${ip}`];
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && now - e.lastFailure > this.windowMs && now >= e.lockedUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Milliseconds until this username/address may try again; 0 when it may now. */
  retryAfterMs(username: string, ip: string): number {
    const now = this.now();
    let wait = 0;
    for (const k of this.keys(username, ip)) {
      const e = this.live(k, now);
      if (e && e.lockedUntil > now) wait = Math.max(wait, e.lockedUntil - now);
    }
    return wait;
  }

  recordFailure(username: string, ip: string): void {
    const now = this.now();
    for (const k of this.keys(username, ip)) {
      let e = this.live(k, now);
      if (e === undefined) {
        if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
        e = { failures: 0, lastFailure: now, lockedUntil: 0 };
        this.entries.set(k, e);
      }
      e.failures++;
      e.lastFailure = now;
      const over = e.failures - this.freeFailures;
      if (over >= 0) e.lockedUntil = now + Math.min(this.maxLockMs, this.baseLockMs * 2 ** Math.min(over, 30));
    }
  }

  /** A successful login clears the username's record (the address keeps its history). */
  recordSuccess(username: string): void {
    this.entries.delete(`u:${username.toLowerCase()}`);
  }

  get size(): number {
    return this.entries.size;
  }
}
