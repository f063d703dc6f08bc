/**
 * The asset inventory and the ATT&CK objects as live alerting needs them for every batch, read from
 * the store again only when its reference version has moved. With 10,000 assets a read took about
 * 32 ms, paid once per batch of events; the version is one row.
 */
import type { AssetRecord, AttackObjectRecord, Store } from '../store/types.js';

export interface ReferenceSnapshot {
  readonly assets: AssetRecord[];
  readonly attack: AttackObjectRecord[];
}

export class ReferenceData {
  private version = Number.NaN;
  private snapshot: ReferenceSnapshot | undefined;
  /** Reads of the lists so far (for tests and metrics). */
  reads = 0;

  constructor(private readonly store: Store) {}

  async current(): Promise<ReferenceSnapshot> {
    const v = await this.store.referenceVersion();
    if (this.snapshot === undefined || v !== this.version) {
      // The version is read before the lists: a write in between leaves a newer copy under the older
      // number, which is read again next time, never an older copy under a newer number.
      this.snapshot = { assets: await this.store.listAssets(), attack: await this.store.listAttackObjects() };
      this.version = v;
      this.reads++;
    }
    return this.snapshot;
  }
}
