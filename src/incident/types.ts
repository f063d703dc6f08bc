import type { IncidentStatus, Severity } from '../store/types.js';

export interface TimelineEntry {
  '@timestamp': string;
  type: 'alert' | 'event';
  alert_id: string;
  /** Alert: its rule title; event: what happened. */
  title: string;
  event_id?: string;
  source_type?: string;
  severity?: Severity;
}

export interface KillChainStep {
  tactic_id: string;
  tactic: string;
  /** Time of the first alert with this tactic. */
  first_seen: string;
  alert_id: string;
}

export interface Incident {
  id: string;
  title: string;
  status: IncidentStatus;
  assignee?: string;
  score: number;
  severity: Severity;
  first_time: string;
  last_time: string;
  /** Alert ids, by first time. */
  alerts: string[];
  entities: { user: string[]; host: string[]; ip: string[] };
  sources: string[];
  /** Tactics in the order first observed. */
  kill_chain: KillChainStep[];
  timeline: TimelineEntry[];
  /** Timeline entries left out beyond the bound. */
  omitted_timeline?: number;
  events: number;
}

export const MAX_TIMELINE = 500;
