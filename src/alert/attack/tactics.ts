/**
 * The 14 tactics of MITRE ATT&CK Enterprise, in kill-chain order (the order of the Enterprise
 * matrix's columns), with their ids, names and the short names Sigma tags use (`attack.execution`).
 * Built in so tactics work without `weft attack import`.
 */
export interface Tactic {
  id: string;
  name: string;
  /** `initial-access`: the STIX `x_mitre_shortname`, also the Sigma tag after `attack.`. */
  shortname: string;
  /** Position in the kill chain, 0 = reconnaissance. */
  order: number;
}

const TABLE: ReadonlyArray<[string, string, string]> = [
  ['TA0043', 'Reconnaissance', 'reconnaissance'],
  ['TA0042', 'Resource Development', 'resource-development'],
  ['TA0001', 'Initial Access', 'initial-access'],
  ['TA0002', 'Execution', 'execution'],
  ['TA0003', 'Persistence', 'persistence'],
  ['TA0004', 'Privilege Escalation', 'privilege-escalation'],
  ['TA0005', 'Defense Evasion', 'defense-evasion'],
  ['TA0006', 'Credential Access', 'credential-access'],
  ['TA0007', 'Discovery', 'discovery'],
  ['TA0008', 'Lateral Movement', 'lateral-movement'],
  ['TA0009', 'Collection', 'collection'],
  ['TA0011', 'Command and Control', 'command-and-control'],
  ['TA0010', 'Exfiltration', 'exfiltration'],
  ['TA0040', 'Impact', 'impact'],
];

export const TACTICS: readonly Tactic[] = TABLE.map(([id, name, shortname], order) => ({ id, name, shortname, order }));

const BY_SHORTNAME = new Map(TACTICS.map((t) => [t.shortname, t]));
const BY_ID = new Map(TACTICS.map((t) => [t.id, t]));

/** `credential-access`, `credential_access` (older Sigma rules) or `TA0006`. */
export function tacticOf(key: string): Tactic | undefined {
  const k = key.toLowerCase().replaceAll('_', '-');
  return BY_SHORTNAME.get(k) ?? BY_ID.get(key.toUpperCase());
}
