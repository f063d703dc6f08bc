/**
 * Scores what Weft reported on a scenario against its ground truth: which attack steps some alert
 * covers (an alert covers a step when one of its events is one of the step's records), recall over
 * steps and records, and the precision of the alerts (the share that involve an attack record).
 */
import type { GroundTruth } from './types.js';

export interface ReportedAlert {
  title: string;
  kind: 'match' | 'correlation';
  eventIds: readonly string[];
}

export interface StepScore {
  id: string;
  title: string;
  records: number;
  detectedRecords: number;
  /** Titles of the alerts that cover the step. */
  coveredBy: string[];
}

export interface StoryScore {
  id: string;
  title: string;
  steps: StepScore[];
}

export interface ScenarioScore {
  stories: StoryScore[];
  steps: number;
  stepsCovered: number;
  attackRecords: number;
  attackRecordsDetected: number;
  alerts: number;
  truePositiveAlerts: number;
  /** Alerts that involve at least one attack record / all alerts. */
  precision: number;
  /** Steps covered / steps. */
  stepRecall: number;
  /** Attack records in some alert / attack records. */
  recordRecall: number;
}

export function scoreScenario(truth: GroundTruth, alerts: readonly ReportedAlert[]): ScenarioScore {
  const stepOf = new Map<string, string>();
  for (const story of truth.stories) for (const step of story.steps) for (const r of step.records) stepOf.set(r.eventId, `${story.id}/${step.id}`);
  const coveredBy = new Map<string, Set<string>>();
  const detected = new Set<string>();
  let tp = 0;
  for (const a of alerts) {
    let hit = false;
    for (const id of a.eventIds) {
      const step = stepOf.get(id);
      if (step === undefined) continue;
      hit = true;
      detected.add(id);
      let s = coveredBy.get(step);
      if (!s) coveredBy.set(step, (s = new Set()));
      s.add(a.title);
    }
    if (hit) tp++;
  }
  let steps = 0;
  let stepsCovered = 0;
  let attackRecords = 0;
  const stories = truth.stories.map((story) => ({
    id: story.id,
    title: story.title,
    steps: story.steps.map((step) => {
      steps++;
      attackRecords += step.records.length;
      const by = [...(coveredBy.get(`${story.id}/${step.id}`) ?? [])].sort();
      if (by.length > 0) stepsCovered++;
      return { id: step.id, title: step.title, records: step.records.length, detectedRecords: step.records.filter((r) => detected.has(r.eventId)).length, coveredBy: by };
    }),
  }));
  return {
    stories, steps, stepsCovered, attackRecords, attackRecordsDetected: detected.size, alerts: alerts.length, truePositiveAlerts: tp,
    precision: alerts.length === 0 ? 0 : tp / alerts.length,
    stepRecall: steps === 0 ? 0 : stepsCovered / steps,
    recordRecall: attackRecords === 0 ? 0 : detected.size / attackRecords,
  };
}

export interface ReportedIncident {
  id: string;
  /** Event ids of the incident's alerts. */
  eventIds: readonly string[];
}

export interface IncidentScore {
  incidents: number;
  stories: number;
  /** Per story: the incidents holding any of its attack records (exactly one is the goal). */
  storyIncidents: Array<{ id: string; title: string; incidents: string[] }>;
  /** incidents <= 2 x stories and every story in exactly one incident. */
  ok: boolean;
}

/** How the incidents line up with the attack stories: each story should sit in one incident, and there should be few. */
export function scoreIncidents(truth: GroundTruth, incidents: readonly ReportedIncident[]): IncidentScore {
  const storyOf = new Map<string, string>();
  for (const story of truth.stories) for (const step of story.steps) for (const r of step.records) storyOf.set(r.eventId, story.id);
  const byStory = new Map<string, Set<string>>(truth.stories.map((s) => [s.id, new Set<string>()]));
  for (const inc of incidents) for (const e of inc.eventIds) {
    const s = storyOf.get(e);
    if (s !== undefined) byStory.get(s)?.add(inc.id);
  }
  const storyIncidents = truth.stories.map((s) => ({ id: s.id, title: s.title, incidents: [...(byStory.get(s.id) ?? [])].sort() }));
  return {
    incidents: incidents.length, stories: truth.stories.length, storyIncidents,
    ok: incidents.length <= 2 * truth.stories.length && storyIncidents.every((s) => s.incidents.length === 1),
  };
}
