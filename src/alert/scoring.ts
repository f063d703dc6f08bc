/**
 * The score of an alert, 0..100, as a sum of named contributions so the explanation can show each:
 * rule level, asset criticality and network zone (asset inventory), the user's accumulated risk,
 * rarity against the entity's own baseline, multi-source confirmation, and correlation evidence.
 */
import type { SigmaLevel } from '../rules/types.js';
import type { BaselineKey, BaselineRecord } from '../store/types.js';
import type { AssetInventory } from './assets.js';
import { baselineKeys, type EventFacts } from './facts.js';
import { clampScore } from './severity.js';
import type { AlertKind, ScoreContribution } from './types.js';
import { lookupTable } from '../event/own-props.js';

export const LEVEL_POINTS: Readonly<Record<SigmaLevel, number>> = { informational: 5, low: 20, medium: 40, high: 60, critical: 80 };

/** Criticality 3 is neutral; each step is worth this many points. */
export const CRITICALITY_STEP = 6;
export const RARITY_POINTS = 5;
export const RARITY_MAX = 10;
export const CONFIRMATION_POINTS = 5;
export const CONFIRMATION_MAX = 15;
export const USER_RISK_MAX = 15;
/** Accumulated risk (sum of decayed alert scores) per point of contribution. */
export const USER_RISK_DIVISOR = 20;
export const CORRELATION_POINTS = 10;

export interface ScoreInput {
  kind: AlertKind;
  level?: SigmaLevel;
  /** Facts of the contributing events that are known (the first one is the anchor). */
  events: readonly EventFacts[];
  /** Time the score is taken at (the alert's time). */
  ts: number;
  users: readonly string[];
  hosts: readonly string[];
  ips: readonly string[];
  sources: readonly string[];
  /** Entity keys of the alert, for multi-source confirmation. */
  keys: readonly string[];
}

export interface ScoreContext {
  assets: AssetInventory;
  zoneWeights: Readonly<Record<string, number>>;
  /** Decayed risk of a user at time ts. */
  userRisk: (user: string, ts: number) => number;
  baseline: (key: BaselineKey) => BaselineRecord | undefined;
  /** Source types that reported alerts on any of these entity keys in the confirmation window before ts. */
  confirmingSources: (keys: readonly string[], ts: number) => string[];
}

const BASELINE_WORDS: Readonly<Record<string, string>> = lookupTable({
  user_process: 'first time this user ran',
  user_country: 'first logon of this user from',
  user_host: 'first time this user used host',
});

export function scoreAlert(input: ScoreInput, ctx: ScoreContext): { score: number; contributions: ScoreContribution[] } {
  const c: ScoreContribution[] = [];
  const level = input.level ?? 'informational';
  c.push({ factor: 'rule_level', points: LEVEL_POINTS[level], reason: `rule level ${level}` });
  if (input.kind !== 'match') c.push({ factor: 'correlation', points: CORRELATION_POINTS, reason: `${input.kind} of ${input.events.length} events` });

  // The most critical asset involved decides; its zone too.
  let best: { crit: number; zone?: string; what: string } | undefined;
  const consider = (a: { criticality: number; zone?: string; assetType?: string } | undefined, what: string): void => {
    if (a !== undefined && (best === undefined || a.criticality > best.crit)) best = { crit: a.criticality, what: `${what}${a.assetType ? ` (${a.assetType})` : ''}`, ...(a.zone !== undefined ? { zone: a.zone } : {}) };
  };
  for (const h of input.hosts) consider(ctx.assets.host(h), `host ${h}`);
  for (const ip of input.ips) consider(ctx.assets.ip(ip), `address ${ip}`);
  for (const u of input.users) consider(ctx.assets.user(u), `user ${u}`);
  if (best !== undefined) {
    const b = best as { crit: number; zone?: string; what: string };
    const pts = (b.crit - 3) * CRITICALITY_STEP;
    if (pts !== 0) c.push({ factor: 'asset_criticality', points: pts, reason: `${b.what} has criticality ${b.crit} of 5` });
    const zw = b.zone !== undefined ? ctx.zoneWeights[b.zone] : undefined;
    if (zw !== undefined && zw !== 0) c.push({ factor: 'network_zone', points: zw, reason: `${b.what} is in zone ${b.zone}` });
  }

  let risk = 0;
  let riskiest = '';
  for (const u of input.users) {
    const r = ctx.userRisk(u, input.ts);
    if (r > risk) { risk = r; riskiest = u; }
  }
  const riskPts = Math.min(USER_RISK_MAX, Math.floor(risk / USER_RISK_DIVISOR));
  if (riskPts > 0) c.push({ factor: 'user_risk', points: riskPts, reason: `user ${riskiest} has accumulated risk ${risk.toFixed(1)} from earlier alerts` });

  const anchor = input.events[0];
  if (anchor !== undefined) {
    let rare = 0;
    for (const k of baselineKeys(anchor)) {
      const seen = ctx.baseline(k);
      // Rare: nothing of this kind was seen before this event's time.
      if (seen !== undefined && seen.firstTs < anchor.ts) continue;
      if (rare >= RARITY_MAX) break;
      const pts = Math.min(RARITY_POINTS, RARITY_MAX - rare);
      rare += pts;
      c.push({ factor: 'rarity', points: pts, reason: `${BASELINE_WORDS[k.kind] ?? k.kind} ${k.value}` });
    }
  }

  const confirming = new Set(input.sources);
  for (const s of ctx.confirmingSources(input.keys, input.ts)) confirming.add(s);
  if (confirming.size > 1) {
    const pts = Math.min(CONFIRMATION_MAX, CONFIRMATION_POINTS * (confirming.size - 1));
    c.push({ factor: 'multi_source', points: pts, reason: `seen by ${confirming.size} source types: ${[...confirming].sort().join(', ')}` });
  }
  const total = c.reduce((n, x) => n + x.points, 0);
  return { score: clampScore(total), contributions: c };
}
