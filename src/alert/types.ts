/** The alert model: what Weft tells an analyst, with why. */
import type { AlertStatus, Severity } from '../store/types.js';
import type { SigmaLevel } from '../rules/types.js';
import type { EcsThreat } from './attack/index.js';

export type AlertKind = 'match' | 'correlation' | 'sequence' | 'session' | 'indicator';

export type ScoreFactor = 'rule_level' | 'asset_criticality' | 'network_zone' | 'user_risk' | 'rarity' | 'multi_source' | 'correlation';

/** One term of an alert's score, with the reason in words. */
export interface ScoreContribution {
  factor: ScoreFactor;
  points: number;
  reason: string;
}

export interface AlertRuleRef {
  id: string;
  /** Content hash of the rule's file: a changed rule is a new version. */
  version: string;
  title: string;
  level?: SigmaLevel;
  tags: string[];
}

/** Entities an alert involves: display names and the canonical ids incidents group on. */
export interface AlertEntities {
  user: string[];
  host: string[];
  ip: string[];
  /** `user:<id>`, `host:<id>`, `ip:<id>`: weft.entity ids where enrichment set them, else canonical names. */
  keys: string[];
}

export interface AlertExplanation {
  /** match: the search identifiers that were true. */
  selections?: string[];
  /** match: the rule's condition as written; correlation: the correlation type and its value. */
  condition?: string;
  correlation?: { type: string; value?: number };
  contributions: ScoreContribution[];
}

export interface SuppressionRef {
  id: string;
  kind: 'suppression' | 'allowlist';
  reason: string;
  author: string;
}

export interface Alert {
  id: string;
  kind: AlertKind;
  rule: AlertRuleRef;
  /** Rule id + group key: what deduplication merges on. */
  dedup_key: string;
  group: Record<string, string>;
  entities: AlertEntities;
  /** Contributing event ids in event-time order (at most MAX_ALERT_EVENTS; the rest counted in omitted_events). */
  events: string[];
  omitted_events?: number;
  /** Distinct `weft.source_type`s of the events. */
  sources: string[];
  /** Distinct `weft.source_id`s of the events. */
  source_ids: string[];
  /** Raw detections merged into this alert (1 + deduplicated ones). */
  count: number;
  first_time: string;
  last_time: string;
  '@timestamp': string;
  score: number;
  severity: Severity;
  threat: EcsThreat;
  explanation: AlertExplanation;
  status: AlertStatus;
  suppressed_by?: SuppressionRef;
  incident_id?: string;
  /**
   * Live path only: the highest event-log position whose detection this alert incorporates. A
   * consumer that resumes from an older checkpoint re-reads events already counted; detections at
   * or below this position are recognised and not counted twice (the event-id check alone stops at
   * MAX_ALERT_EVENTS ids).
   */
  log_position?: number;
}

export const MAX_ALERT_EVENTS = 100;
