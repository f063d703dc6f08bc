import type { EcsFields } from '../../event/model.js';
import type { MapResult } from '../types.js';
import { isRecord, putOwn, type Rec } from './values.js';

/**
 * The event a mapper builds: a nested plain object. `put` ignores undefined, so mappers can write
 * every candidate field without a guard; `related` collects related.* values without duplicates.
 */
export class EventDoc {
  private readonly rel = { ip: [] as string[], user: [] as string[], hosts: [] as string[], hash: [] as string[] };

  /** `root`: an event a mapper has started building by hand (fixed-shape literals are far cheaper than puts). */
  constructor(readonly root: Rec = {}) {}

  put(path: readonly string[], value: unknown): void {
    if (value === undefined || value === null) return;
    let cur = this.root;
    const last = path.length - 1;
    for (let i = 0; i < last; i++) {
      const k = path[i] as string;
      // Own keys only: a path part of "__proto__" (a vendor key) must not walk into Object.prototype.
      const next = Object.hasOwn(cur, k) ? cur[k] : undefined;
      if (isRecord(next)) cur = next;
      else {
        const created: Rec = {};
        putOwn(cur, k, created);
        cur = created;
      }
    }
    putOwn(cur, path[last] as string, value);
  }

  /**
   * Flow counters as ECS puts them: per side, and the network totals when both sides are known.
   * Suricata flows and Zeek conn records both report bytes and packets this way.
   */
  flowCounters(c: { sourceBytes?: number; destinationBytes?: number; sourcePackets?: number; destinationPackets?: number }): void {
    this.put(['source', 'bytes'], c.sourceBytes);
    this.put(['source', 'packets'], c.sourcePackets);
    this.put(['destination', 'bytes'], c.destinationBytes);
    this.put(['destination', 'packets'], c.destinationPackets);
    if (c.sourceBytes !== undefined && c.destinationBytes !== undefined) this.put(['network', 'bytes'], c.sourceBytes + c.destinationBytes);
    if (c.sourcePackets !== undefined && c.destinationPackets !== undefined) this.put(['network', 'packets'], c.sourcePackets + c.destinationPackets);
  }

  get(path: readonly string[]): unknown {
    let cur: unknown = this.root;
    for (const k of path) {
      if (!isRecord(cur) || !Object.hasOwn(cur, k)) return undefined;
      cur = cur[k];
    }
    return cur;
  }

  /** Attach a vendor subtree as-is (already compacted). */
  merge(path: readonly string[], value: Rec): void {
    if (Object.keys(value).length === 0) return;
    const existing = this.get(path);
    if (isRecord(existing)) Object.assign(existing, value);
    else this.put(path, value);
  }

  relate(kind: 'ip' | 'user' | 'hosts' | 'hash', value: string | undefined): void {
    if (value === undefined || value.length === 0) return;
    const list = this.rel[kind];
    if (!list.includes(value)) list.push(value);
  }

  finish(): MapResult {
    const r = this.rel;
    if (r.ip.length > 0) this.put(['related', 'ip'], r.ip);
    if (r.user.length > 0) this.put(['related', 'user'], r.user);
    if (r.hosts.length > 0) this.put(['related', 'hosts'], r.hosts);
    if (r.hash.length > 0) this.put(['related', 'hash'], r.hash);
    // The mapper output is a nested ECS-shaped object; EcsFields types the same shape loosely.
    return { ok: true, event: this.root as EcsFields };
  }
}

export function fail(source: string, what: string, message: string): MapResult {
  return { ok: false, reason: `normalize.${source}.${what}`, message };
}
