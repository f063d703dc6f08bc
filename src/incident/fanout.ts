/**
 * Fan-out: a rule that fires from one entity onto many others (a password spray from one address
 * over many accounts, a scan from one host over many addresses). The shared entity is the actor and
 * links the rule's alerts into one incident; the many others are its targets and say nothing about
 * which attack they belong to, so a target key does not link an incident on its own strength.
 *
 * Co-occurrence is counted per rule over units: an alert's events where their facts are known (one
 * event names a source and what it touched), else the alert as a whole. Inside an alert-level unit
 * only keys of different kinds count for each other, since several keys of one kind in one alert are
 * parallel targets (the users of a spray correlation), not actor and target.
 */
import type { EventFacts } from '../alert/facts.js';
import type { Alert } from '../alert/types.js';

/** Default: more than this many distinct entities of one kind beside one entity, under one rule, is a fan-out. */
export const DEFAULT_MAX_FAN_OUT = 10;

export const kindOf = (key: string): string => {
  const i = key.indexOf(':');
  return i < 0 ? '' : key.slice(0, i);
};

const NO_TARGETS: ReadonlySet<string> = new Set();

/**
 * For each alert (by index in `alerts`), the keys that are targets of a fan-out: some other key of the
 * alert has more than `maxFanOut` distinct keys of that key's kind beside it under the alert's rule,
 * while the key itself does not (the actor of a spray fans out; each sprayed account does not).
 */
export function fanOutTargets(alerts: readonly Alert[], facts: ReadonlyMap<string, EventFacts>, maxFanOut: number): Array<ReadonlySet<string>> {
  // rule -> key -> kind -> distinct co-occurring keys, each set capped at maxFanOut + 1 (only "more than" matters).
  const degree = new Map<string, Map<string, Map<string, Set<string>>>>();
  const saturated = (rule: string, key: string, kind: string): boolean => (degree.get(rule)?.get(key)?.get(kind)?.size ?? 0) > maxFanOut;
  const note = (rule: string, unit: readonly string[], sameKind: boolean): void => {
    let byKey = degree.get(rule);
    if (!byKey) degree.set(rule, (byKey = new Map()));
    const ofKind = new Map<string, string[]>();
    for (const k of unit) {
      const kk = kindOf(k);
      const l = ofKind.get(kk);
      if (l) l.push(k);
      else ofKind.set(kk, [k]);
    }
    for (const h of unit) {
      let byKind = byKey.get(h);
      if (!byKind) byKey.set(h, (byKind = new Map()));
      const kh = kindOf(h);
      for (const [kk, keys] of ofKind) {
        if (!sameKind && kk === kh) continue;
        let s = byKind.get(kk);
        if (!s) byKind.set(kk, (s = new Set()));
        // Bounded: once over the limit the answer cannot change, so an alert with hundreds of keys costs
        // O(keys x kinds x limit), not O(keys^2).
        for (const k of keys) {
          if (s.size > maxFanOut) break;
          if (k !== h) s.add(k);
        }
      }
    }
  };
  for (const a of alerts) {
    const units = a.events.map((e) => facts.get(e)?.keys).filter((k): k is string[] => k !== undefined && k.length > 0);
    for (const u of units) note(a.rule.id, u, true);
    // Keys no known event accounts for (events without facts, events beyond the alert's bound).
    const covered = new Set(units.flat());
    if (a.entities.keys.some((k) => !covered.has(k))) note(a.rule.id, a.entities.keys, false);
  }
  return alerts.map((a) => {
    // Kinds some key of this alert fans out over; a key of such a kind that does not fan out itself is a target.
    let hubKinds: Set<string> | undefined;
    for (const h of a.entities.keys) for (const [kind, s] of degree.get(a.rule.id)?.get(h) ?? []) if (s.size > maxFanOut) (hubKinds ??= new Set()).add(kind);
    // Most alerts have no targets: they share one set rather than each getting an empty one.
    if (hubKinds === undefined) return NO_TARGETS;
    const out = new Set<string>();
    for (const k of a.entities.keys) {
      const kind = kindOf(k);
      if (hubKinds.has(kind) && !saturated(a.rule.id, k, kind)) out.add(k);
    }
    return out;
  });
}
