/**
 * MITRE's Enterprise ATT&CK STIX 2.1 bundle (enterprise-attack.json from the attack-stix-data
 * repository) to tactics and techniques. Only what alerting needs is read: `x-mitre-tactic` objects
 * (name, `x_mitre_shortname`, ATT&CK id) and `attack-pattern` objects (name, ATT&CK id, the
 * `mitre-attack` kill-chain phases). Revoked and deprecated objects are left out.
 */
import type { AttackObjectRecord } from '../../store/types.js';

export class StixBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StixBundleError';
  }
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

const TACTIC_ID = /^TA\d{4}$/;
const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;

function mitreRef(o: Rec): { id: string; url?: string } | undefined {
  const refs = o.external_references;
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs) {
    if (isRec(r) && r.source_name === 'mitre-attack' && typeof r.external_id === 'string') {
      return { id: r.external_id, ...(typeof r.url === 'string' ? { url: r.url } : {}) };
    }
  }
  return undefined;
}

export interface StixImport {
  objects: AttackObjectRecord[];
  tactics: number;
  techniques: number;
  /** Revoked or deprecated objects that were skipped. */
  skipped: number;
}

/** Parse the bundle's JSON text. Throws StixBundleError naming what is wrong. */
export function parseAttackBundle(text: string): StixImport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StixBundleError(`not JSON: ${(err as Error).message}`);
  }
  if (!isRec(doc) || doc.type !== 'bundle' || !Array.isArray(doc.objects)) throw new StixBundleError('not a STIX bundle: expected {"type": "bundle", "objects": [...]}');
  const objects: AttackObjectRecord[] = [];
  let tactics = 0;
  let techniques = 0;
  let skipped = 0;
  for (const o of doc.objects) {
    if (!isRec(o) || (o.type !== 'x-mitre-tactic' && o.type !== 'attack-pattern')) continue;
    if (o.revoked === true || o.x_mitre_deprecated === true) {
      skipped++;
      continue;
    }
    const ref = mitreRef(o);
    if (ref === undefined || typeof o.name !== 'string' || o.name === '') continue;
    if (o.type === 'x-mitre-tactic') {
      if (!TACTIC_ID.test(ref.id) || typeof o.x_mitre_shortname !== 'string') continue;
      objects.push({ id: ref.id, kind: 'tactic', name: o.name, tactics: [o.x_mitre_shortname], ...(ref.url ? { url: ref.url } : {}) });
      tactics++;
    } else {
      if (!TECHNIQUE_ID.test(ref.id)) continue;
      const phases = Array.isArray(o.kill_chain_phases) ? o.kill_chain_phases : [];
      const shortnames = phases.filter((p): p is Rec => isRec(p) && p.kill_chain_name === 'mitre-attack' && typeof p.phase_name === 'string').map((p) => p.phase_name as string);
      objects.push({ id: ref.id, kind: 'technique', name: o.name, tactics: shortnames, ...(ref.url ? { url: ref.url } : {}) });
      techniques++;
    }
  }
  if (tactics + techniques === 0) throw new StixBundleError('the bundle holds no ATT&CK tactic or technique (x-mitre-tactic / attack-pattern with a mitre-attack id)');
  objects.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { objects, tactics, techniques, skipped };
}
