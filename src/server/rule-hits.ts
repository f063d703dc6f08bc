/**
 * Matches per rule on live events, for the rules list. The detection consumer adds to it; its
 * counts travel in that consumer's checkpoint, so they survive a restart exactly.
 */
export class RuleHits {
  private readonly counts = new Map<string, number>();

  add(ruleId: string, n = 1): void {
    this.counts.set(ruleId, (this.counts.get(ruleId) ?? 0) + n);
  }

  get(ruleId: string): number {
    return this.counts.get(ruleId) ?? 0;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  load(saved: Record<string, number>): void {
    this.counts.clear();
    for (const [k, v] of Object.entries(saved)) if (Number.isFinite(v)) this.counts.set(k, v);
  }
}
