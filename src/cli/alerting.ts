/** What the alert stage needs from the config and the command line, shared by hunt, ingest, demo and replay. */
import { createHash } from 'node:crypto';
import { AssetInventory, AssetInventoryError, loadInventory } from '../alert/assets.js';
import { AttackCatalog } from '../alert/attack/index.js';
import type { EventFacts } from '../alert/facts.js';
import { loadSuppressions, SuppressionFileError, SuppressionSet } from '../alert/suppression.js';
import type { WeftConfig } from '../config/schema.js';
import type { CorrelationDef } from '../correlate/index.js';
import type { WeftEvent } from '../event/model.js';
import { AlertStage, type KeptEvent } from '../hunt/alert-stage.js';
import { canonicalJson } from '../store/canonical-json.js';
import type { AssetRecord, AttackObjectRecord } from '../store/types.js';
import { UsageError } from './context.js';

/** Hash of the configuration the engine's output depends on: recorded with every alert decision. */
export function configHash(config: WeftConfig): string {
  const { outputs: _outputs, ...alert } = config.alert;
  return createHash('sha256').update(canonicalJson({ alert, correlation: config.correlation, rules: config.rules })).digest('hex').slice(0, 16);
}

export function suppressionsFrom(file: string | undefined): SuppressionSet {
  if (file === undefined) return new SuppressionSet();
  try {
    return loadSuppressions(file);
  } catch (err) {
    if (err instanceof SuppressionFileError) throw new UsageError(err.message);
    throw err;
  }
}

export function inventoryFrom(file: string | undefined): AssetRecord[] {
  if (file === undefined) return [];
  try {
    return loadInventory(file).assets;
  } catch (err) {
    if (err instanceof AssetInventoryError) throw new UsageError(err.message);
    throw err;
  }
}

export interface AlertStageInputs {
  config: WeftConfig;
  correlations: readonly CorrelationDef[];
  assets: readonly AssetRecord[];
  attack?: readonly AttackObjectRecord[];
  suppressionsFile?: string;
  /** Keep what a hunt prints of each matched event (see KeptEvent). */
  keepEvent?: (event: WeftEvent) => KeptEvent;
  /** Record each alert decision for the audit log (default true; a hunt writes none). */
  recordDecisions?: boolean;
  /** Rule versions by rule id, name or title, where the rules were not built from their own files (the service's catalog). */
  ruleVersions?: ReadonlyMap<string, string>;
  /** Matched events' facts kept across stages (see AlertStageOptions.facts). */
  facts?: Map<string, EventFacts>;
}

export function alertStageFor(i: AlertStageInputs): AlertStage {
  const a = i.config.alert;
  return new AlertStage({
    suppressionWindowMs: a.suppression_window,
    incidentWindowMs: a.incident_window,
    incidentGrouping: { linkGapMs: a.incident_link_gap, maxEntityRules: a.incident_max_entity_rules, maxFanOut: a.incident_max_fan_out },
    confirmationWindowMs: a.confirmation_window,
    riskHalfLifeMs: a.risk_half_life,
    zoneWeights: a.zone_weights,
    assets: new AssetInventory(i.assets),
    suppressions: suppressionsFrom(i.suppressionsFile ?? a.suppressions),
    attack: new AttackCatalog(i.attack ?? []),
    configHash: configHash(i.config),
    correlations: i.correlations,
    ...(i.ruleVersions !== undefined ? { ruleVersions: i.ruleVersions } : {}),
    ...(i.facts !== undefined ? { facts: i.facts } : {}),
    maxFacts: a.max_pending,
    ...(i.recordDecisions !== undefined ? { recordDecisions: i.recordDecisions } : {}),
  }, i.keepEvent);
}
