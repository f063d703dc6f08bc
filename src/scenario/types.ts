/** The public shapes of a generated scenario and its ground truth. */

export interface ScenarioOptions {
  /** Any integer or text; the same seed gives the same bytes. */
  seed: number | string;
  /** Start of the simulated day, ISO 8601 with a zone (`2026-03-10T00:00:00Z`). */
  start: string;
  /** Number of people (default 50, at least 12). */
  users?: number;
  /** Number of hosts (default 30, at least 16). */
  hosts?: number;
}

export interface ScenarioFile {
  /** Path relative to the scenario directory, `/`-separated. */
  path: string;
  content: string;
}

/** Where one record sits and the id Weft gives it (`eventId(path, rawText)`). */
export interface RecordMarker {
  file: string;
  /** 1-based line of the record's first byte in the file. */
  line: number;
  /** Index in the file's `Records` array, for a record inside a CloudTrail file. */
  index?: number;
  eventId: string;
}

export interface StepTruth {
  id: string;
  title: string;
  techniques: string[];
  /** ISO times of the step's first and last record. */
  start: string;
  end: string;
  records: RecordMarker[];
}

export interface StoryTruth {
  id: string;
  title: string;
  techniques: string[];
  steps: StepTruth[];
}

export interface FileTruth {
  path: string;
  /** Wire format as Weft's decoders name it. */
  format: 'evtx-json' | 'syslog-rfc3164' | 'json' | 'cef';
  /** The normalizer's source type for the file's records. */
  sourceType: 'windows' | 'linux' | 'okta' | 'cloudtrail' | 'generic' | 'zeek';
  records: number;
}

export interface GroundTruth {
  generator: string;
  seed: string;
  start: string;
  end: string;
  /**
   * How ids were computed: `eventId(file, raw)` with raw the framed record text; for a record split
   * out of a CloudTrail file, raw is the record's compact JSON (`JSON.stringify` of the parsed record),
   * which is also its line in the file.
   */
  eventIdRule: string;
  files: FileTruth[];
  stories: StoryTruth[];
  benign: { count: number; eventIds: string[] };
}

export interface Scenario {
  files: ScenarioFile[];
  truth: GroundTruth;
}

export class ScenarioOptionsError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`scenario option ${option}: ${message}`);
    this.name = 'ScenarioOptionsError';
  }
}
