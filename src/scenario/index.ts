/** The example attack scenario: a deterministic multi-source day of logs with its ground truth. */
export { generateScenario, writeScenario, GENERATOR, ScenarioWriteError } from './generate.js';
export { runScenarioCommand, DEFAULT_SEED, DEFAULT_START, type ScenarioCommandOptions, type ScenarioSummary } from './cli-entry.js';
export { STORIES, type StoryDef } from './stories.js';
export { identityDirectory, type IdentityEntry } from './identities.js';
export {
  ScenarioOptionsError,
  type FileTruth,
  type GroundTruth,
  type RecordMarker,
  type Scenario,
  type ScenarioFile,
  type ScenarioOptions,
  type StepTruth,
  type StoryTruth,
} from './types.js';
