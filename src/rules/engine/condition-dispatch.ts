/**
 * Which logsource conditions can hold for an event, without evaluating all of them. Pipeline
 * conditions are data (OR of AND-maps of path -> any-of values); most of them pin one path (for
 * Windows: `winlog.channel`). That path is read once per event and its value looked up in a table of
 * the conditions that require it; conditions that do not pin it are always candidates. The candidates
 * are then evaluated with their full predicates, so the table only ever saves work.
 */
import { fieldAccessor, type FieldAccessor } from '../../event/field-path.js';
import type { ConditionValue } from '../pipeline/index.js';

export interface DispatchableCondition {
  /** OR of AND-maps, as the pipeline wrote it; null when unknown (always a candidate). */
  conditions: Record<string, ConditionValue[]>[] | null;
}

/** The path that the most conditions pin in every alternative, if any condition pins one. */
function choosePath(conds: readonly DispatchableCondition[]): string | undefined {
  const count = new Map<string, number>();
  for (const c of conds) {
    if (c.conditions === null || c.conditions.length === 0) continue;
    const [first, ...rest] = c.conditions;
    for (const path of Object.keys(first as object)) {
      if (rest.every((alt) => Object.hasOwn(alt, path))) count.set(path, (count.get(path) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  let bestN = 0;
  for (const [p, n] of [...count].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (n > bestN) {
      best = p;
      bestN = n;
    }
  }
  return best;
}

export class ConditionDispatch {
  readonly path: string | undefined;
  private readonly get: FieldAccessor | undefined;
  private readonly table = new Map<string, Int32Array>();
  private readonly always: Int32Array;

  constructor(conds: readonly DispatchableCondition[]) {
    this.path = choosePath(conds);
    const always: number[] = [];
    const table = new Map<string, Set<number>>();
    conds.forEach((c, i) => {
      const path = this.path;
      if (path === undefined || c.conditions === null || c.conditions.length === 0 || !c.conditions.every((alt) => Object.hasOwn(alt, path))) {
        always.push(i);
        return;
      }
      for (const alt of c.conditions) {
        for (const v of alt[path] as ConditionValue[]) {
          const k = String(v).toLowerCase();
          let s = table.get(k);
          if (s === undefined) table.set(k, (s = new Set()));
          s.add(i);
        }
      }
    });
    for (const [k, s] of table) this.table.set(k, Int32Array.from([...s].sort((a, b) => a - b)));
    this.always = Int32Array.from(always);
    this.get = this.path === undefined ? undefined : fieldAccessor(this.path);
  }

  /** Conditions that never need the table (evaluated on every event). */
  get alwaysCount(): number {
    return this.always.length;
  }

  /**
   * Call `visit(i)` for every condition that may hold; a condition may be visited twice when the
   * event's value is an array (the caller memoizes per event).
   */
  forCandidates(event: unknown, visit: (i: number) => void): void {
    for (let k = 0; k < this.always.length; k++) visit(this.always[k] as number);
    if (this.get === undefined) return;
    const v = this.get(event);
    if (Array.isArray(v)) {
      for (const el of v) this.visitValue(el, visit);
    } else {
      this.visitValue(v, visit);
    }
  }

  private visitValue(v: unknown, visit: (i: number) => void): void {
    let k: string;
    if (typeof v === 'string') k = v.toLowerCase();
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') k = String(v);
    else return;
    const list = this.table.get(k);
    if (list === undefined) return;
    for (let j = 0; j < list.length; j++) visit(list[j] as number);
  }
}
