/**
 * A YAML document as a small typed tree with 1-based line numbers on every node and key, so that
 * validation errors point at the offending line. Numbers keep their source text (`0x40810000`).
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode } from 'yaml';

export type YNode =
  | { k: 'map'; line: number; entries: Array<{ key: string; keyLine: number; value: YNode }> }
  | { k: 'seq'; line: number; items: YNode[] }
  | { k: 'scalar'; line: number; value: string | number | boolean | null; text: string };

export class YamlShapeError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'YamlShapeError';
  }
}

/** Most nodes a document may expand to: YAML aliases can otherwise blow up exponentially. */
export const MAX_NODES = 100_000;

export function toTree(doc: Document, node: unknown, lc: LineCounter, depth = 0, budget = { nodes: 0 }): YNode {
  if (++budget.nodes > MAX_NODES) {
    throw new YamlShapeError(`document expands to more than ${MAX_NODES} YAML nodes (alias expansion?)`, 0);
  }
  const lineOf = (n: { range?: [number, number, number] | null }): number =>
    n.range ? lc.linePos(n.range[0]).line : 0;
  if (depth > 64) throw new YamlShapeError('YAML nesting deeper than 64 levels', 0);
  if (node === null || node === undefined) return { k: 'scalar', line: 0, value: null, text: '' };
  if (isAlias(node)) return toTree(doc, node.resolve(doc), lc, depth + 1, budget);
  if (isScalar(node)) {
    const v = node.value;
    const line = lineOf(node);
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return { k: 'scalar', line, value: v, text: String(v) };
    if (typeof v === 'number') return { k: 'scalar', line, value: v, text: typeof node.source === 'string' ? node.source : String(v) };
    if (typeof v === 'bigint') return { k: 'scalar', line, value: Number(v), text: String(v) };
    throw new YamlShapeError(`unsupported YAML scalar type ${typeof v}`, line);
  }
  if (isMap(node)) {
    const entries: Array<{ key: string; keyLine: number; value: YNode }> = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      if (!isScalar(keyNode)) throw new YamlShapeError('mapping keys must be plain scalars', lineOf(node));
      const kv = keyNode.value;
      const key = kv === null ? '' : String(kv);
      entries.push({ key, keyLine: lineOf(keyNode), value: toTree(doc, pair.value, lc, depth + 1, budget) });
    }
    return { k: 'map', line: lineOf(node), entries };
  }
  if (isSeq(node)) {
    return { k: 'seq', line: lineOf(node), items: node.items.map((it) => toTree(doc, it, lc, depth + 1, budget)) };
  }
  throw new YamlShapeError('unsupported YAML node', 0);
}

export function entry(map: Extract<YNode, { k: 'map' }>, key: string): { key: string; keyLine: number; value: YNode } | undefined {
  return map.entries.find((e) => e.key === key);
}

/** Plain JS value of a tree (for `raw detection` and unknown fields). */
export function toPlain(n: YNode): unknown {
  if (n.k === 'scalar') return n.value;
  if (n.k === 'seq') return n.items.map(toPlain);
  const o: Record<string, unknown> = {};
  for (const e of n.entries) o[e.key] = toPlain(e.value);
  return o;
}
