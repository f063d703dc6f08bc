import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { AuditAnchor, AuditEntry, AuditInput, AuditVerification, Store } from './types.js';

/** The hash of the entry before the first one. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Each audit entry's hash covers its sequence number, content and the previous entry's hash,
 * so an edited, removed, inserted or reordered row breaks the chain from that point on.
 */
export function auditHash(seq: number, ts: string, input: AuditInput, prevHash: string): string {
  const body = canonicalJson({
    seq,
    ts,
    actor: input.actor,
    action: input.action,
    target: input.target ?? null,
    outcome: input.outcome ?? 'success',
    source_ip: input.source_ip ?? null,
    details: input.details ?? null,
    prev: prevHash,
  });
  return createHash('sha256').update(body).digest('hex');
}

/** Where a verification resumes: after a verified prefix of `count` entries ending in `prevHash`. */
export interface AuditChainPosition {
  prevHash: string;
  count: number;
}

/**
 * Verify a chain read in sequence order. Stops at the first broken link and says why. `from` resumes
 * after an already verified prefix, so a long log can be checked page by page.
 */
export function verifyAuditChain(entries: Iterable<AuditEntry>, from: AuditChainPosition = { prevHash: GENESIS_HASH, count: 0 }): AuditVerification {
  let prev = from.prevHash;
  let expectedSeq = from.count + 1;
  let count = from.count;
  for (const e of entries) {
    if (e.seq !== expectedSeq) {
      return { ok: false, count, firstBadSeq: e.seq, reason: `sequence gap: expected ${expectedSeq}, found ${e.seq} (an entry was removed or reordered)` };
    }
    if (e.prev_hash !== prev) {
      return { ok: false, count, firstBadSeq: e.seq, reason: `entry ${e.seq} does not link to entry ${e.seq - 1} (prev_hash mismatch: reordered or replaced)` };
    }
    const h = auditHash(e.seq, e.ts, e, e.prev_hash);
    if (h !== e.hash) {
      return { ok: false, count, firstBadSeq: e.seq, reason: `entry ${e.seq} content does not match its hash (edited)` };
    }
    prev = e.hash;
    expectedSeq++;
    count++;
  }
  // In a chain that verifies from the start, entry n has seq n.
  return count > 0 ? { ok: true, count, head: { seq: count, hash: prev } } : { ok: true, count };
}

/** Parse an anchor as `weft audit verify` prints it: `SEQ:HASH`. */
export function parseAuditAnchor(text: string): AuditAnchor | undefined {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim().toLowerCase());
  if (m === null) return undefined;
  const seq = Number(m[1]);
  return seq >= 1 ? { seq, hash: m[2] as string } : undefined;
}

/**
 * Check a verified chain against an anchor recorded earlier. The hash of entry `seq` covers every
 * entry before it, so if that entry is still there with the same hash, nothing up to it changed;
 * if the chain is now shorter, its newest entries were cut off (which the chain alone cannot show).
 */
export function checkAuditAnchor(v: AuditVerification, anchor: AuditAnchor, entryAtSeq: AuditEntry | undefined): AuditVerification {
  if (!v.ok) return v;
  if (entryAtSeq === undefined || v.count < anchor.seq) {
    return { ok: false, count: v.count, firstBadSeq: v.count + 1, reason: `truncated: the chain ends at entry ${v.count}, but entry ${anchor.seq} was recorded as its head earlier` };
  }
  if (entryAtSeq.seq !== anchor.seq || entryAtSeq.hash !== anchor.hash) {
    return { ok: false, count: v.count, firstBadSeq: anchor.seq, reason: `entry ${anchor.seq} does not have the recorded hash ${anchor.hash.slice(0, 16)}...: the chain up to it was rewritten` };
  }
  return v;
}

/** Verify the store's whole chain and, when given, that it still holds the anchored entry. */
export async function verifyStoreAudit(store: Pick<Store, 'verifyAudit' | 'readAudit'>, anchor?: AuditAnchor): Promise<AuditVerification> {
  const v = await store.verifyAudit();
  if (anchor === undefined) return v;
  const [entry] = await store.readAudit(anchor.seq - 1, 1);
  return checkAuditAnchor(v, anchor, entry);
}
