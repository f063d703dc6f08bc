import type { Severity } from '../store/types.js';

/** low < 30 <= medium <= 70 < high < 90 <= critical. */
export function severityOf(score: number): Severity {
  if (score >= 90) return 'critical';
  if (score > 70) return 'high';
  if (score >= 30) return 'medium';
  return 'low';
}

export function clampScore(n: number): number {
  if (!Number.isFinite(n)) return 0;
  return Math.max(0, Math.min(100, Math.round(n)));
}
