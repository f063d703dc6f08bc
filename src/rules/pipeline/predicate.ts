/**
 * A pipeline's logsource conditions compiled once into a predicate: OR over the list, AND within
 * each map, each path's value any-of the listed literals, compared case-insensitively as text
 * (so `winlog.event_id: 1` matches both "1" and 1). Arrays on the event match if any element does.
 */
import { fieldAccessor, type FieldAccessor } from '../../event/field-path.js';
import type { EventPredicate } from '../types.js';
import type { ConditionValue } from './types.js';

interface Test {
  get: FieldAccessor;
  values: ReadonlySet<string>;
}

function valueMatches(v: unknown, values: ReadonlySet<string>): boolean {
  if (typeof v === 'string') return values.has(v.toLowerCase());
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return values.has(String(v));
  if (Array.isArray(v)) {
    for (const el of v) if (valueMatches(el, values)) return true;
  }
  return false;
}

export function compileConditions(conditions: Record<string, ConditionValue[]>[]): EventPredicate {
  const alternatives: Test[][] = conditions.map((m) =>
    Object.entries(m).map(([path, vals]) => ({
      get: fieldAccessor(path),
      values: new Set(vals.map((v) => String(v).toLowerCase())),
    })),
  );
  return (event: unknown): boolean => {
    for (const tests of alternatives) {
      let all = true;
      for (const t of tests) {
        if (!valueMatches(t.get(event), t.values)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  };
}
