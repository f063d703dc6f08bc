export { TACTICS, tacticOf, type Tactic } from './tactics.js';
export { AttackCatalog, ecsThreat, type AttackMapping, type EcsThreat, type TechniqueRef } from './catalog.js';
export { parseAttackBundle, StixBundleError, type StixImport } from './stix.js';
