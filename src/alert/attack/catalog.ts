/**
 * ATT&CK tags to tactics and techniques. `attack.t1059.001` is a sub-technique of `T1059`;
 * `attack.execution` is a tactic. Technique names and technique-to-tactic links come from MITRE's
 * STIX bundle once `weft attack import` has loaded it; without it ids still map, names stay unknown.
 */
import type { AttackObjectRecord } from '../../store/types.js';
import { tacticOf, type Tactic } from './tactics.js';

export interface TechniqueRef {
  /** `T1059` or `T1059.001`. */
  id: string;
  name?: string;
  /** For a sub-technique: its parent `T1059`. */
  parent?: string;
}

export interface AttackMapping {
  /** In kill-chain order. */
  tactics: Tactic[];
  /** Techniques and sub-techniques, as tagged, sorted by id. */
  techniques: TechniqueRef[];
}

const TECHNIQUE = /^t(\d{4})(?:\.(\d{3}))?$/i;

export class AttackCatalog {
  private readonly names = new Map<string, string>();
  private readonly techniqueTactics = new Map<string, string[]>();

  constructor(objects: readonly AttackObjectRecord[] = []) {
    for (const o of objects) {
      if (o.kind !== 'technique') continue;
      this.names.set(o.id, o.name);
      this.techniqueTactics.set(o.id, o.tactics);
    }
  }

  get size(): number {
    return this.names.size;
  }

  techniqueName(id: string): string | undefined {
    return this.names.get(id);
  }

  /** Tactics and techniques named by a rule's tags; techniques add their tactics when the catalog knows them. */
  map(tags: readonly string[]): AttackMapping {
    const tactics = new Map<string, Tactic>();
    const techniques = new Map<string, TechniqueRef>();
    for (const tag of tags) {
      const lower = tag.toLowerCase();
      if (!lower.startsWith('attack.')) continue;
      const rest = lower.slice('attack.'.length);
      const m = TECHNIQUE.exec(rest);
      if (m) {
        const id = m[2] !== undefined ? `T${m[1]}.${m[2]}` : `T${m[1]}`;
        const parent = m[2] !== undefined ? `T${m[1]}` : undefined;
        const name = this.names.get(id);
        techniques.set(id, { id, ...(name !== undefined ? { name } : {}), ...(parent !== undefined ? { parent } : {}) });
        for (const s of this.techniqueTactics.get(id) ?? this.techniqueTactics.get(parent ?? '') ?? []) {
          const t = tacticOf(s);
          if (t) tactics.set(t.id, t);
        }
        continue;
      }
      const t = tacticOf(rest);
      if (t) tactics.set(t.id, t);
    }
    return {
      tactics: [...tactics.values()].sort((a, b) => a.order - b.order),
      techniques: [...techniques.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    };
  }
}

/** ECS `threat.*` for a mapping: parallel id/name/reference arrays; techniques and sub-techniques apart. */
export interface EcsThreat {
  framework: 'MITRE ATT&CK';
  tactic?: { id: string[]; name: string[]; reference: string[] };
  technique?: {
    id: string[];
    name?: string[];
    reference: string[];
    subtechnique?: { id: string[]; name?: string[]; reference: string[] };
  };
}

const techniqueUrl = (id: string): string => `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;

/**
 * A technique array lists the parent of every sub-technique too (ECS puts the sub-technique under
 * `threat.technique.subtechnique` and its parent in `threat.technique`). Names are given only when
 * every id's name is known, so the id and name arrays stay aligned.
 */
export function ecsThreat(m: AttackMapping, catalog: AttackCatalog): EcsThreat {
  const out: EcsThreat = { framework: 'MITRE ATT&CK' };
  if (m.tactics.length > 0) {
    out.tactic = { id: m.tactics.map((t) => t.id), name: m.tactics.map((t) => t.name), reference: m.tactics.map((t) => `https://attack.mitre.org/tactics/${t.id}/`) };
  }
  const parents = new Set<string>();
  const subs: string[] = [];
  for (const t of m.techniques) {
    if (t.parent !== undefined) {
      parents.add(t.parent);
      subs.push(t.id);
    } else {
      parents.add(t.id);
    }
  }
  if (parents.size > 0) {
    const ids = [...parents].sort();
    const names = ids.map((id) => catalog.techniqueName(id));
    out.technique = { id: ids, reference: ids.map(techniqueUrl), ...(names.every((n) => n !== undefined) ? { name: names as string[] } : {}) };
    if (subs.length > 0) {
      const subNames = subs.map((id) => catalog.techniqueName(id));
      out.technique.subtechnique = { id: subs, reference: subs.map(techniqueUrl), ...(subNames.every((n) => n !== undefined) ? { name: subNames as string[] } : {}) };
    }
  }
  return out;
}
