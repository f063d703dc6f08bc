import { hash } from 'node:crypto';

/**
 * The stable id of an event: SHA-256 over the source id and the raw record, first 128 bits in hex.
 * Retries and replays of the same record from the same source produce the same id, so the store's
 * primary key deduplicates them. Two byte-identical records from one source are one event by design.
 */
export function eventId(sourceId: string, raw: string | Uint8Array): string {
  // One-shot hash: the same bytes as hashing sourceId, NUL, raw in turn, without a Hash object per event.
  const data = typeof raw === 'string' ? `${sourceId}\0${raw}` : Buffer.concat([Buffer.from(`${sourceId}\0`), raw]);
  return hash('sha256', data, 'hex').slice(0, 32);
}

/** SHA-256 hex of a canonical entity form (`user:corp\alice`), the id enrichment assigns. */
export function entityId(kind: string, canonical: string): string {
  return hash('sha256', `${kind}:${canonical}`, 'hex');
}
