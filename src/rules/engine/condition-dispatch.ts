/**
 * Which logsource conditions hold for an event, without evaluating all of them. Pipeline conditions
 * are data (OR of AND-maps of path -> any-of values); most of them pin one path (for Windows:
 * `winlog.channel`), and most of those test at most one other path (`winlog.event_id`). Both paths
 * are read once per event and their values looked up:
 *
 * - a condition every alternative of which tests only those two paths is DECIDED by the lookup
 *   (`{channel: Sysmon, event_id: 1}`: the pair's table entry lists it): no predicate runs;
 * - a condition that pins the first path but tests others is a candidate when the first value is
 *   in its table, and is evaluated with its full predicate;
 * - a condition that does not pin the first path is always a candidate.
 *
 * Values compare as the pipeline predicate compares them (predicate.ts): strings lowercased,
 * numbers and booleans as their text, arrays (nested too) element by element.
 */
import { fieldAccessor, type FieldAccessor } from '../../event/field-path.js';
import type { ConditionValue } from '../pipeline/index.js';

export interface DispatchableCondition {
  /** OR of AND-maps, as the pipeline wrote it; null when unknown (always a candidate). */
  conditions: Record<string, ConditionValue[]>[] | null;
}

/** `decided`: the condition holds (found through the lookup); otherwise it may hold and must be evaluated. */
export type ConditionVisitor = (i: number, decided: boolean) => void;

function pinsAll(c: DispatchableCondition, path: string): boolean {
  return c.conditions !== null && c.conditions.length > 0 && c.conditions.every((alt) => Object.hasOwn(alt, path));
}

/** The path that the most conditions pin in every alternative (ties: the first by name), if any. */
function choosePath(conds: readonly DispatchableCondition[], exclude?: string): string | undefined {
  const count = new Map<string, number>();
  for (const c of conds) {
    if (c.conditions === null || c.conditions.length === 0) continue;
    for (const path of Object.keys(c.conditions[0] as object)) {
      if (path !== exclude && pinsAll(c, path)) count.set(path, (count.get(path) ?? 0) + 1);
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

/** The lookup key of a value, or undefined for values no condition can equal (objects, null). */
function keyOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** Keys of a field value: its own, or its elements' (arrays nested in arrays too). */
function keysOf(v: unknown, out: string[]): void {
  if (Array.isArray(v)) {
    for (const el of v) keysOf(el, out);
    return;
  }
  const k = keyOf(v);
  if (k !== undefined) out.push(k);
}

function push(table: Map<string, Set<number>>, key: string, i: number): void {
  let s = table.get(key);
  if (s === undefined) table.set(key, (s = new Set()));
  s.add(i);
}

function freeze(table: Map<string, Set<number>>): Map<string, Int32Array> {
  return new Map([...table].map(([k, s]) => [k, Int32Array.from([...s].sort((a, b) => a - b))]));
}

export class ConditionDispatch {
  /** The first path (read for every event). */
  readonly path: string | undefined;
  /** The second path, read with the first to decide two-path conditions. */
  readonly secondPath: string | undefined;
  private readonly get: FieldAccessor | undefined;
  private readonly get2: FieldAccessor | undefined;
  /** First value -> conditions to evaluate. */
  private readonly table = new Map<string, Int32Array>();
  /** First value -> conditions that hold whatever the second path holds. */
  private readonly decided1 = new Map<string, Int32Array>();
  /** First value -> second value -> conditions that hold (nested: no key is built per event). */
  private readonly decided2 = new Map<string, Map<string, Int32Array>>();
  private readonly always: Int32Array;
  /** Conditions decided by the lookup alone (never evaluated by a predicate here). */
  readonly decidedCount: number;
  private readonly keys1: string[] = [];
  private readonly keys2: string[] = [];

  constructor(conds: readonly DispatchableCondition[]) {
    this.path = choosePath(conds);
    const p1 = this.path;
    const pinned = p1 === undefined ? [] : conds.filter((c) => pinsAll(c, p1));
    this.secondPath = p1 === undefined ? undefined : choosePath(pinned, p1);
    const p2 = this.secondPath;
    const always: number[] = [];
    const table = new Map<string, Set<number>>();
    const decided1 = new Map<string, Set<number>>();
    const decided2 = new Map<string, Map<string, Set<number>>>();
    let decidedCount = 0;
    conds.forEach((c, i) => {
      if (p1 === undefined || !pinsAll(c, p1)) {
        always.push(i);
        return;
      }
      const alts = c.conditions as Record<string, ConditionValue[]>[];
      const decidable = alts.every((alt) => Object.keys(alt).every((k) => k === p1 || k === p2));
      if (decidable) decidedCount++;
      for (const alt of alts) {
        for (const v1 of alt[p1] as ConditionValue[]) {
          const k1 = String(v1).toLowerCase();
          if (!decidable) push(table, k1, i);
          else if (p2 === undefined || !Object.hasOwn(alt, p2)) push(decided1, k1, i);
          else {
            let byK2 = decided2.get(k1);
            if (byK2 === undefined) decided2.set(k1, (byK2 = new Map()));
            for (const v2 of alt[p2] as ConditionValue[]) push(byK2, String(v2).toLowerCase(), i);
          }
        }
      }
    });
    this.table = freeze(table);
    this.decided1 = freeze(decided1);
    this.decided2 = new Map([...decided2].map(([k1, byK2]) => [k1, freeze(byK2)]));
    this.decidedCount = decidedCount;
    this.always = Int32Array.from(always);
    this.get = p1 === undefined ? undefined : fieldAccessor(p1);
    this.get2 = p2 === undefined ? undefined : fieldAccessor(p2);
  }

  /** Conditions that never need the table (evaluated on every event). */
  get alwaysCount(): number {
    return this.always.length;
  }

  /**
   * Call `visit(i, true)` for every decided condition that holds and `visit(i, false)` for every
   * other condition that may hold. A condition may be visited more than once when values are
   * arrays (the caller memoizes per event).
   */
  forCandidates(event: unknown, visit: ConditionVisitor): void {
    for (let k = 0; k < this.always.length; k++) visit(this.always[k] as number, false);
    if (this.get === undefined) return;
    const keys1 = this.keys1;
    keys1.length = 0;
    keysOf(this.get(event), keys1);
    if (keys1.length === 0) return;
    const keys2 = this.keys2;
    keys2.length = 0;
    if (this.get2 !== undefined && this.decided2.size > 0) keysOf(this.get2(event), keys2);
    for (const k1 of keys1) {
      const list = this.table.get(k1);
      if (list !== undefined) for (let j = 0; j < list.length; j++) visit(list[j] as number, false);
      const d1 = this.decided1.get(k1);
      if (d1 !== undefined) for (let j = 0; j < d1.length; j++) visit(d1[j] as number, true);
      const byK2 = this.decided2.get(k1);
      if (byK2 !== undefined) {
        for (const k2 of keys2) {
          const d2 = byK2.get(k2);
          if (d2 !== undefined) for (let j = 0; j < d2.length; j++) visit(d2[j] as number, true);
        }
      }
    }
  }
}
