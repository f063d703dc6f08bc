/**
 * Rule tuning from analyst feedback: per-rule precision from alert statuses, and for threshold
 * (event_count) correlations the threshold that would have removed the false positives while keeping
 * the true ones.
 */
import type { AlertRecord, RuleAlertStats } from '../store/types.js';

export interface RuleTuning {
  ruleId: string;
  title: string;
  alerts: number;
  matches: number;
  falsePositives: number;
  /** Resolved as real (`resolved`). */
  truePositives: number;
  suppressed: number;
  /** truePositives / (truePositives + falsePositives); undefined before any review. */
  precision?: number;
  threshold?: ThresholdAdvice;
}

export interface ThresholdAdvice {
  /** The correlation's value (event count) on its false-positive alerts and on the others. */
  falsePositiveValues: number[];
  otherValues: number[];
  /** `gte` that drops every false positive and keeps every other alert; undefined when none exists. */
  suggestedGte?: number;
  note: string;
}

export function thresholdAdvice(alerts: readonly AlertRecord[]): ThresholdAdvice | undefined {
  const valueOf = (a: AlertRecord): number | undefined => {
    const corr = (a.doc.explanation as { correlation?: { type?: string; value?: number } } | undefined)?.correlation;
    return corr?.type === 'event_count' && typeof corr.value === 'number' ? corr.value : undefined;
  };
  const fp: number[] = [];
  const other: number[] = [];
  for (const a of alerts) {
    if (a.status === 'suppressed') continue;
    const v = valueOf(a);
    if (v === undefined) continue;
    (a.status === 'false_positive' ? fp : other).push(v);
  }
  if (fp.length + other.length === 0) return undefined;
  fp.sort((x, y) => x - y);
  other.sort((x, y) => x - y);
  if (fp.length === 0) return { falsePositiveValues: fp, otherValues: other, note: 'no false positives marked: nothing to tune' };
  const gte = (fp[fp.length - 1] as number) + 1;
  if (other.length > 0 && (other[0] as number) < gte) {
    return { falsePositiveValues: fp, otherValues: other, note: `no threshold separates them: a true alert fired at ${other[0]} events, a false positive at ${fp[fp.length - 1]}` };
  }
  return { falsePositiveValues: fp, otherValues: other, suggestedGte: gte, note: `gte: ${gte} removes ${fp.length} false positive(s) and keeps ${other.length} other alert(s)` };
}

/** The noisiest rules first: most false positives, then most alerts. */
export function tuneRules(stats: readonly RuleAlertStats[], titles: ReadonlyMap<string, string>, alertsOf: (ruleId: string) => readonly AlertRecord[]): RuleTuning[] {
  const out = stats.map((s): RuleTuning => {
    const fp = s.byStatus.false_positive ?? 0;
    const tp = s.byStatus.resolved ?? 0;
    const advice = thresholdAdvice(alertsOf(s.ruleId));
    return {
      ruleId: s.ruleId, title: titles.get(s.ruleId) ?? s.ruleId, alerts: s.alerts, matches: s.matches,
      falsePositives: fp, truePositives: tp, suppressed: s.byStatus.suppressed ?? 0,
      ...(fp + tp > 0 ? { precision: tp / (fp + tp) } : {}),
      ...(advice !== undefined ? { threshold: advice } : {}),
    };
  });
  return out.sort((a, b) => b.falsePositives - a.falsePositives || b.alerts - a.alerts || (a.ruleId < b.ruleId ? -1 : 1));
}
