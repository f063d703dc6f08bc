import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { AuditEntry, AuditInput, AuditVerification } from './types.js';

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
  return { ok: true, count };
}
