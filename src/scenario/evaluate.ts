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
  /** The incident's alerts with their event ids. */
  alerts: ReadonlyArray<{ id: string; eventIds: readonly string[] }>;
}

/**
 * The stories of the example day that are one attacker chain, as src/scenario/stories.ts writes them.
 * Two stories are connected when they share an actor: an account, host or address the attacker
 * controls in both. An incident may hold stories of one chain; holding stories of two is gluing.
 */
export const EXAMPLE_STORY_CHAINS: ReadonlyArray<readonly string[]> = [
  // cloudPrivesc signs in as cast.sprayVictim, the account the spray took over, from SPRAY_IP.
  ['password-spray', 'cloud-privesc'],
  // The phishing foothold (the victim's workstation and logon session) runs the first LSASS dump; the
  // admin account found there moves to the file server (ProcDump), the jump host and a domain
  // controller (ntdsutil), and from its file-server session archives and sends the Finance share.
  ['phishing-powershell', 'credential-dumping', 'lateral-movement', 'exfiltration'],
  // BRUTE_IP, the bastion and its deploy account appear in no other story.
  ['ssh-brute-force'],
];

export interface IncidentStories {
  id: string;
  /** Stories some alert of the incident covers a record of, sorted. */
  stories: string[];
  alerts: number;
  /** Alerts with no attack record: false positives. */
  benignAlerts: number;
  /** Holds stories of more than one chain. */
  mixed: boolean;
}

export interface IncidentScore {
  incidents: number;
  stories: number;
  /** Per story: the incidents holding any of its attack records (exactly one is the goal). */
  storyIncidents: Array<{ id: string; title: string; incidents: string[] }>;
  /** Per incident that holds any story ("attack incident"): what it holds. */
  attackIncidents: IncidentStories[];
  /** Attack incidents that hold stories of more than one chain. */
  mixed: number;
  /** Alerts in attack incidents, and how many of them are benign. */
  attackIncidentAlerts: number;
  benignInAttackIncidents: number;
  /**
   * Share of the alerts in attack incidents that belong to their incident's main chain (the chain
   * most of its alerts cover): 1 when no attack incident holds a benign alert or another chain's story.
   */
  purity: number;
  /** incidents <= 2 x stories, every story in exactly one incident and no incident mixing chains. */
  ok: boolean;
}

/**
 * How the incidents line up with the attack stories: each story should sit in one incident, there
 * should be few, and an incident should hold one chain of stories and little else. `chains` groups
 * the stories that are one attacker chain (default: every story its own chain).
 */
export function scoreIncidents(truth: GroundTruth, incidents: readonly ReportedIncident[], chains: ReadonlyArray<readonly string[]> = []): IncidentScore {
  const storyOf = new Map<string, string>();
  for (const story of truth.stories) for (const step of story.steps) for (const r of step.records) storyOf.set(r.eventId, story.id);
  const chainOf = new Map<string, number>();
  chains.forEach((c, i) => c.forEach((id) => chainOf.set(id, i)));
  let next = chains.length;
  for (const s of truth.stories) if (!chainOf.has(s.id)) chainOf.set(s.id, next++);
  const byStory = new Map<string, Set<string>>(truth.stories.map((s) => [s.id, new Set<string>()]));
  const attackIncidents: IncidentStories[] = [];
  let pure = 0;
  let inAttack = 0;
  let benign = 0;
  for (const inc of incidents) {
    const stories = new Set<string>();
    const perChain = new Map<number, number>();
    const alertChains: Array<Set<number>> = [];
    for (const a of inc.alerts) {
      const cs = new Set<number>();
      for (const e of a.eventIds) {
        const s = storyOf.get(e);
        if (s === undefined) continue;
        stories.add(s);
        byStory.get(s)?.add(inc.id);
        cs.add(chainOf.get(s) as number);
      }
      for (const c of cs) perChain.set(c, (perChain.get(c) ?? 0) + 1);
      alertChains.push(cs);
    }
    if (stories.size === 0) continue;
    const main = [...perChain].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]?.[0];
    const benignAlerts = alertChains.filter((cs) => cs.size === 0).length;
    pure += alertChains.filter((cs) => cs.size === 1 && cs.has(main as number)).length;
    inAttack += inc.alerts.length;
    benign += benignAlerts;
    attackIncidents.push({ id: inc.id, stories: [...stories].sort(), alerts: inc.alerts.length, benignAlerts, mixed: perChain.size > 1 });
  }
  const storyIncidents = truth.stories.map((s) => ({ id: s.id, title: s.title, incidents: [...(byStory.get(s.id) ?? [])].sort() }));
  const mixed = attackIncidents.filter((i) => i.mixed).length;
  return {
    incidents: incidents.length, stories: truth.stories.length, storyIncidents, attackIncidents, mixed,
    attackIncidentAlerts: inAttack, benignInAttackIncidents: benign, purity: inAttack === 0 ? 0 : pure / inAttack,
    ok: incidents.length <= 2 * truth.stories.length && storyIncidents.every((s) => s.incidents.length === 1) && mixed === 0,
  };
}
