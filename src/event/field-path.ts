/**
 * Compiled accessors for dotted ECS paths. A path is split once; reading walks nested objects and,
 * where a nested key is missing, tries keys that contain the dots literally (`{"winlog.event_id": 1}`
 * or `{"winlog": {"event_data.Image": ...}}`), as events flattened by other tools arrive.
 * Arrays of objects along the path are traversed: `related.ip` on `{related: {ip: [..]}}` is the array,
 * `process.parent.name` over an array of objects is the array of their values.
 */
import { ownValue } from './own-props.js';

export type FieldAccessor = (doc: unknown) => unknown;

type Rec = Record<string, unknown>;

const cache = new Map<string, FieldAccessor>();

export function fieldAccessor(path: string): FieldAccessor {
  let fn = cache.get(path);
  if (fn === undefined) {
    fn = compileFieldPath(path);
    cache.set(path, fn);
  }
  return fn;
}

/**
 * A key Object.prototype has (`__proto__`, `constructor`, `toString`...): read as an own property
 * only. The others are read plainly, as the prototype has nothing under their names.
 */
function inherited(key: string): boolean {
  return key in Object.prototype;
}

export function compileFieldPath(path: string): FieldAccessor {
  if (path.length === 0) throw new Error('field path is empty');
  const parts = path.split('.');
  if (parts.length === 1) {
    if (inherited(path)) {
      return (doc) => (doc === null || typeof doc !== 'object' || Array.isArray(doc) ? undefined : ownValue(doc as Rec, path));
    }
    return (doc) => {
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
      const v = (doc as Rec)[path];
      return typeof v === 'function' ? undefined : v;
    };
  }
  // joined[i][k] = parts[i..k] joined with '.', for k > i: the literal dotted keys to try at depth i.
  const joined: string[][] = parts.map((_, i) => {
    const row: string[] = [];
    for (let k = i; k < parts.length; k++) row[k] = parts.slice(i, k + 1).join('.');
    return row;
  });
  const n = parts.length;
  // Keys of Object.prototype anywhere in the path (`a.__proto__`): every key is then read as an own one.
  const guarded = joined.some((row) => row.some((k) => k !== undefined && inherited(k)));
  const resolve = (node: unknown, i: number): unknown => {
    if (i === n) return typeof node === 'function' ? undefined : node;
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      let out: unknown[] | undefined;
      for (const el of node) {
        const v = resolve(el, i);
        if (v === undefined) continue;
        out ??= [];
        if (Array.isArray(v)) out.push(...v);
        else out.push(v);
      }
      return out;
    }
    const rec = node as Rec;
    const direct = guarded ? ownValue(rec, parts[i] as string) : rec[parts[i] as string];
    if (direct !== undefined) {
      const v = resolve(direct, i + 1);
      if (v !== undefined) return v;
    }
    const row = joined[i] as string[];
    for (let k = i + 1; k < n; k++) {
      const lit = guarded ? ownValue(rec, row[k] as string) : rec[row[k] as string];
      if (lit !== undefined) {
        const v = resolve(lit, k + 1);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  };
  return (doc) => resolve(doc, 0);
}
