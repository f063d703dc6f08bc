/**
 * The `detection` section: search identifiers (maps = AND of fields, lists of maps = OR, plain lists =
 * keywords) and the condition, validated and resolved into a resolver-independent plan.
 */
import { ConditionError, parseCondition, resolveCondition, type ConditionNode } from './condition.js';
import { buildItem, ModifierError, type DetectionItem, type RawScalar } from './modifiers.js';
import type { YNode } from './yaml-tree.js';

export type SearchNode =
  /** A map: every item must match. */
  | { t: 'all'; items: DetectionItem[] }
  /** A list: any alternative. */
  | { t: 'any'; alts: SearchNode[] };

export interface ParsedDetection {
  searches: Map<string, SearchNode>;
  /** The condition, `x of` resolved; a list of conditions is one OR. */
  condition: ConditionNode;
  conditionText: string[];
}

export class DetectionError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'DetectionError';
  }
}

function scalarsOf(key: string, n: YNode): RawScalar[] {
  if (n.k === 'scalar') return [{ value: n.value, text: n.text }];
  if (n.k === 'seq') {
    return n.items.map((it) => {
      if (it.k !== 'scalar') throw new DetectionError(`value list of '${key}' may only hold scalars, found a ${it.k === 'map' ? 'map' : 'list'}`, it.line);
      return { value: it.value, text: it.text };
    });
  }
  throw new DetectionError(`value of '${key}' must be a scalar or a list of scalars, found a map`, n.line);
}

function item(key: string, value: YNode, line: number): DetectionItem {
  try {
    return buildItem(key, scalarsOf(key, value), line);
  } catch (e) {
    if (e instanceof ModifierError) throw new DetectionError(e.message, line);
    throw e;
  }
}

function mapSearch(name: string, n: Extract<YNode, { k: 'map' }>): SearchNode {
  if (n.entries.length === 0) throw new DetectionError(`search identifier '${name}' is an empty map`, n.line);
  return { t: 'all', items: n.entries.map((e) => item(e.key, e.value, e.keyLine)) };
}

function search(name: string, n: YNode): SearchNode {
  if (n.k === 'map') return mapSearch(name, n);
  if (n.k === 'scalar') {
    if (n.value === null) throw new DetectionError(`search identifier '${name}' is empty`, n.line);
    return { t: 'all', items: [item('', n, n.line)] };
  }
  if (n.items.length === 0) throw new DetectionError(`search identifier '${name}' is an empty list`, n.line);
  const alts: SearchNode[] = [];
  const keywords: YNode[] = [];
  for (const it of n.items) {
    if (it.k === 'map') alts.push(mapSearch(name, it));
    else if (it.k === 'scalar') keywords.push(it);
    else throw new DetectionError(`search identifier '${name}' contains a nested list`, it.line);
  }
  if (keywords.length > 0) {
    alts.unshift({ t: 'all', items: [item('', { k: 'seq', line: n.line, items: keywords }, n.line)] });
  }
  return alts.length === 1 ? (alts[0] as SearchNode) : { t: 'any', alts };
}

/** Parse `detection` (or a filter's `filter` section, with `skip` listing its non-search keys). */
export function parseDetection(n: YNode, skip: ReadonlySet<string> = new Set(), keyLine = n.line): ParsedDetection {
  if (n.k !== 'map') throw new DetectionError('detection must be a map of search identifiers and a condition', keyLine);
  const searches = new Map<string, SearchNode>();
  let condNode: YNode | undefined;
  let condLine = n.line;
  for (const e of n.entries) {
    if (e.key === 'condition') {
      condNode = e.value;
      condLine = e.keyLine;
      continue;
    }
    if (skip.has(e.key)) continue;
    if (e.key === 'timeframe') {
      throw new DetectionError("'timeframe' in detection belongs to the obsolete Sigma v1 aggregations and is unsupported: use a correlation rule", e.keyLine);
    }
    if (!/^[A-Za-z0-9_.\-$@]+$/.test(e.key)) {
      throw new DetectionError(
        e.key.includes('|')
          ? `search identifier '${e.key}' contains '|': modifiers belong on field names, not on search identifiers`
          : `search identifier '${e.key}' has characters a condition cannot name`,
        e.keyLine,
      );
    }
    searches.set(e.key, search(e.key, e.value));
  }
  if (condNode === undefined) throw new DetectionError('detection has no condition', keyLine);
  let texts: string[];
  if (condNode.k === 'scalar' && typeof condNode.value === 'string') texts = [condNode.value];
  else if (condNode.k === 'seq' && condNode.items.length > 0 && condNode.items.every((i) => i.k === 'scalar' && typeof i.value === 'string')) {
    texts = condNode.items.map((i) => (i as Extract<YNode, { k: 'scalar' }>).value as string);
  } else {
    throw new DetectionError('condition must be a string or a non-empty list of strings', condLine);
  }
  const ids = [...searches.keys()];
  const parsed: ConditionNode[] = [];
  for (const text of texts) {
    try {
      parsed.push(resolveCondition(parseCondition(text), ids, text));
    } catch (e) {
      if (e instanceof ConditionError) throw new DetectionError(e.message, condLine);
      throw e;
    }
  }
  const condition: ConditionNode = parsed.length === 1 ? (parsed[0] as ConditionNode) : { t: 'or', args: parsed };
  return { searches, condition, conditionText: texts };
}
