/**
 * Holding a store lease for the length of a job: wait while another process holds it, renew it in
 * the background, give it up at the end. A process that dies stops renewing, so its lease ends
 * after `ttlMs` and the next one proceeds: nobody has to clean up after a crash.
 *
 * `weft ingest` holds one around its correlation state: it reads the state the previous run left,
 * continues it with its own events and saves it at the end. Two runs into one store at once (two
 * cron jobs, a rotated log and the live one) would otherwise both start from the same state and the
 * second to finish would overwrite what the first carried forward.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from './types.js';

export interface LeaseOptions {
  /** How long the lease lasts without a renewal (default 60 s; renewed every third of it). */
  ttlMs?: number;
  /** How often a waiting process asks again (default 1 s). */
  pollMs?: number;
  /** Told once, when the lease is held by someone else and this process starts to wait. */
  onWait?: (holder: string, expiresAtMs: number) => void;
  /** Who this process is (default: host, pid and a random suffix). */
  owner?: string;
  now?: () => number;
}

const DEFAULT_TTL_MS = 60_000;
const DEFAULT_POLL_MS = 1000;

export class HeldLease {
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<unknown> = Promise.resolve();
  /** Set when a renewal found another owner holding the lease: this process was paused past its end. */
  lostTo: string | undefined;

  constructor(
    private readonly store: Store,
    readonly name: string,
    readonly owner: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    this.timer = setInterval(() => {
      this.renewing = this.renew().catch(() => undefined);
    }, Math.max(10, Math.floor(ttlMs / 3)));
    // A lease never keeps the process alive: if it exits, the lease simply ends.
    this.timer.unref();
  }

  /** Renew now; false (and `lostTo` set) when another owner holds the lease. */
  async confirm(): Promise<boolean> {
    await this.renewing;
    return this.renew();
  }

  async release(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
    await this.store.releaseLease(this.name, this.owner);
  }

  private async renew(): Promise<boolean> {
    if (this.lostTo !== undefined) return false;
    const t = this.now();
    const r = await this.store.tryLease(this.name, this.owner, t, t + this.ttlMs);
    if (!r.granted) this.lostTo = r.holder;
    return r.granted;
  }
}

/** Take lease `name`, waiting as long as another live process holds it. */
export async function holdLease(store: Store, name: string, opts: LeaseOptions = {}): Promise<HeldLease> {
  const ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  const now = opts.now ?? Date.now;
  const owner = opts.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let told = false;
  for (;;) {
    const t = now();
    const r = await store.tryLease(name, owner, t, t + ttlMs);
    if (r.granted) return new HeldLease(store, name, owner, ttlMs, now);
    if (!told) {
      told = true;
      opts.onWait?.(r.holder, r.expiresAtMs);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
