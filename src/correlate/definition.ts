/**
 * Correlation definitions: Sigma correlations (as the Sigma loader parsed them) and Weft's extension
 * documents (`type: sequence | session | lateral_movement | process_lineage`, and `temporal` with an
 * expression condition), validated into one `CorrelationDef` shape.
 */
import { parseDuration } from '../config/duration.js';
import { WEFT_CORRELATION_TYPES } from '../rules/sigma/parse.js';
import type { SigmaCorrelation } from '../rules/sigma/types.js';
import type { SigmaLevel } from '../rules/types.js';
import { ExpressionError, numericCondition, parseRuleExpression } from './condition.js';
import { CorrelationRuleError } from './errors.js';
import type { AfterFire, CorrelationDef, CorrelationMeta, NumericCondition } from './types.js';
import { lookupTable } from '../event/own-props.js';

export const SIGMA_TYPES: ReadonlySet<string> = new Set([
  'event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile',
]);
export const WEFT_TYPES: ReadonlySet<string> = WEFT_CORRELATION_TYPES;
const LEVELS: ReadonlySet<string> = new Set(['informational', 'low', 'medium', 'high', 'critical']);

type Rec = Record<string, unknown>;

const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Weft's options that may sit in any correlation section, Sigma's types included. */
const WEFT_OPTIONS = ['on_fire', 'min_sources'];

function strings(v: unknown, what: string, rule: string, allowScalar = true): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string' && allowScalar) return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw new CorrelationRuleError(rule, `'${what}' must be a list of non-empty strings`);
  return v as string[];
}

function duration(v: unknown, what: string, rule: string): number {
  if (typeof v !== 'string') throw new CorrelationRuleError(rule, `'${what}' must be a duration like 10m, 1h30m or 500ms`);
  const ms = parseDuration(v);
  if (ms === undefined || ms <= 0) throw new CorrelationRuleError(rule, `'${what}' value '${v}' is not a positive duration (like 10m, 1h30m or 500ms)`);
  return ms;
}

function positiveInt(v: unknown, what: string, rule: string, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new CorrelationRuleError(rule, `'${what}' must be a positive integer`);
  return v;
}

function weftOptions(c: Rec, rule: string): { afterFire: AfterFire; minSources: number } {
  const f = c['on_fire'] ?? 'reset';
  if (f !== 'reset' && f !== 'refire') throw new CorrelationRuleError(rule, `'on_fire' must be reset or refire, not '${String(f)}'`);
  return { afterFire: f, minSources: positiveInt(c['min_sources'], 'min_sources', rule, 1) };
}

function label(doc: Rec): string {
  for (const k of ['name', 'id', 'title']) if (typeof doc[k] === 'string') return doc[k] as string;
  return '(untitled)';
}

function aliasesOf(v: unknown, rule: string): Record<string, Record<string, string>> {
  if (v === undefined || v === null) return {};
  if (!isRec(v)) throw new CorrelationRuleError(rule, "'aliases' must map alias names to {rule name: field}");
  const out: Record<string, Record<string, string>> = {};
  for (const [a, m] of Object.entries(v)) {
    if (!isRec(m)) throw new CorrelationRuleError(rule, `alias '${a}' must map rule names to fields`);
    const inner: Record<string, string> = {};
    for (const [r, f] of Object.entries(m)) {
      if (typeof f !== 'string' || f === '') throw new CorrelationRuleError(rule, `alias '${a}' field for '${r}' must be a non-empty string`);
      inner[r] = f;
    }
    out[a] = inner;
  }
  return out;
}

/** From the Sigma loader's form. `raw` is the document as plain data, for tags and Weft's options. */
export function fromSigma(c: SigmaCorrelation, raw: Rec = {}): CorrelationDef {
  const rule = c.name ?? c.id ?? c.title;
  const section = isRec(raw['correlation']) ? raw['correlation'] : {};
  const meta: CorrelationMeta = { title: c.title, tags: strings(raw['tags'], 'tags', rule), file: c.file, line: c.line };
  if (c.id !== undefined) meta.id = c.id;
  if (c.name !== undefined) meta.name = c.name;
  if (c.level !== undefined) meta.level = c.level;
  const base = {
    meta,
    rules: [...c.rules],
    groupBy: [...c.groupBy],
    aliases: c.aliases,
    generate: c.generate,
    ...weftOptions(section, rule),
  };
  const cond: NumericCondition = {};
  for (const k of ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const) if (c.condition?.[k] !== undefined) cond[k] = c.condition[k];
  const hasCond = Object.keys(cond).length > 0;
  switch (c.type) {
    case 'event_count':
      return { ...base, type: 'event_count', timespanMs: c.timespanMs, condition: cond };
    case 'value_count':
      return { ...base, type: 'value_count', timespanMs: c.timespanMs, condition: cond, fields: c.condition?.field ?? [] };
    case 'value_sum':
    case 'value_avg':
    case 'value_percentile': {
      const fields = c.condition?.field ?? [];
      if (fields.length !== 1) throw new CorrelationRuleError(rule, `type '${c.type}' aggregates exactly one field; condition.field has ${fields.length}`);
      return { ...base, type: c.type, timespanMs: c.timespanMs, condition: cond, field: fields[0] as string };
    }
    case 'temporal':
      return hasCond ? { ...base, type: 'temporal', timespanMs: c.timespanMs, condition: cond } : { ...base, type: 'temporal', timespanMs: c.timespanMs };
    case 'temporal_ordered':
      if (hasCond && !(cond.gte === c.rules.length && Object.keys(cond).length === 1)) {
        throw new CorrelationRuleError(rule, "temporal_ordered needs every rule in order; a condition other than 'gte: <number of rules>' is not supported");
      }
      return { ...base, type: 'temporal_ordered', timespanMs: c.timespanMs };
  }
}

/** Is this correlation document one that Weft parses itself (an extension type or an expression condition)? */
export function isWeftDocument(doc: Rec): boolean {
  const c = doc['correlation'];
  if (!isRec(c)) return false;
  // Unknown types come here too, so the error lists Weft's types as well as Sigma's.
  if (typeof c['type'] !== 'string' || !SIGMA_TYPES.has(c['type'])) return true;
  return (c['type'] === 'temporal' || c['type'] === 'temporal_ordered') && typeof c['condition'] === 'string';
}

const COMMON_KEYS = ['type', 'rules', 'group-by', 'aliases', 'generate', ...WEFT_OPTIONS];
const TYPE_KEYS: Readonly<Record<string, string[]>> = lookupTable({
  temporal: ['timespan', 'condition'],
  temporal_ordered: ['timespan', 'condition'],
  sequence: ['maxspan', 'until'],
  session: ['gap', 'max_duration', 'max_events', 'condition'],
  lateral_movement: ['timespan', 'source', 'target', 'min_hops', 'max_paths'],
  process_lineage: ['timespan'],
});

/** Parse a Weft extension document (plain data). Throws `CorrelationRuleError` naming the bad key. */
export function parseWeftDocument(doc: Rec, file?: string, line?: number): CorrelationDef {
  const rule = label(doc);
  if (typeof doc['title'] !== 'string' || doc['title'].trim() === '') throw new CorrelationRuleError(rule, "missing required field 'title'");
  const c = doc['correlation'];
  if (!isRec(c)) throw new CorrelationRuleError(rule, "'correlation' must be a map");
  const type = c['type'];
  if (typeof type !== 'string' || !(type in TYPE_KEYS)) throw new CorrelationRuleError(rule, `correlation type '${String(type)}' is not one of ${[...SIGMA_TYPES, ...WEFT_TYPES].join(', ')}`);
  const allowed = new Set([...COMMON_KEYS, ...(TYPE_KEYS[type] as string[])]);
  for (const k of Object.keys(c)) if (!allowed.has(k)) throw new CorrelationRuleError(rule, `unknown key '${k}' in a '${type}' correlation (allowed: ${[...allowed].join(', ')})`);

  const meta: CorrelationMeta = { title: doc['title'], tags: strings(doc['tags'], 'tags', rule, false) };
  for (const k of ['id', 'name'] as const) {
    const v = doc[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v === '') throw new CorrelationRuleError(rule, `'${k}' must be a non-empty string`);
    meta[k] = v;
  }
  const level = doc['level'];
  if (level !== undefined && level !== null) {
    if (typeof level !== 'string' || !LEVELS.has(level)) throw new CorrelationRuleError(rule, `'level' must be one of ${[...LEVELS].join(', ')}`);
    meta.level = level as SigmaLevel;
  }
  if (file !== undefined) meta.file = file;
  if (line !== undefined) meta.line = line;
  const rules = strings(c['rules'], 'rules', rule, false);
  if (rules.length === 0) throw new CorrelationRuleError(rule, "correlation needs a non-empty 'rules' list");
  // Steps of a sequence or a lineage may repeat (failure, success, failure); elsewhere a repeat is a mistake.
  if (type !== 'sequence' && type !== 'process_lineage' && new Set(rules).size !== rules.length) throw new CorrelationRuleError(rule, "correlation 'rules' has duplicates");
  const gen = c['generate'] ?? doc['generate'] ?? false;
  if (typeof gen !== 'boolean') throw new CorrelationRuleError(rule, "'generate' must be true or false");
  const base = {
    meta,
    rules,
    groupBy: strings(c['group-by'], 'group-by', rule, false),
    aliases: aliasesOf(c['aliases'], rule),
    generate: gen,
    ...weftOptions(c, rule),
  };
  const cond = (allowMissing: boolean): NumericCondition | undefined => {
    if (c['condition'] === undefined || c['condition'] === null) {
      if (allowMissing) return undefined;
      throw new CorrelationRuleError(rule, `type '${type}' requires a 'condition'`);
    }
    const r = numericCondition(c['condition'], false);
    if (typeof r === 'string') throw new CorrelationRuleError(rule, r);
    return r;
  };
  switch (type) {
    case 'temporal':
    case 'temporal_ordered': {
      if (type === 'temporal_ordered') throw new CorrelationRuleError(rule, 'an expression condition is only defined for temporal, not temporal_ordered');
      const text = c['condition'] as string;
      try {
        const expression = parseRuleExpression(text, rules);
        return { ...base, type: 'temporal', timespanMs: duration(c['timespan'], 'timespan', rule), expression, expressionText: text };
      } catch (e) {
        if (e instanceof ExpressionError) throw new CorrelationRuleError(rule, e.message);
        throw e;
      }
    }
    case 'sequence':
      if (rules.length < 2) throw new CorrelationRuleError(rule, 'a sequence needs at least two steps in rules');
      return { ...base, type: 'sequence', maxspanMs: duration(c['maxspan'], 'maxspan', rule), until: strings(c['until'], 'until', rule) };
    case 'session': {
      const maxDuration = c['max_duration'] === undefined ? Infinity : duration(c['max_duration'], 'max_duration', rule);
      const condition = cond(true);
      const d = { ...base, type: 'session' as const, gapMs: duration(c['gap'], 'gap', rule), maxDurationMs: maxDuration, maxEvents: positiveInt(c['max_events'], 'max_events', rule, 10_000) };
      return condition === undefined ? d : { ...d, condition };
    }
    case 'lateral_movement': {
      const sourceFields = c['source'] === undefined ? ['source.ip', 'source.domain'] : strings(c['source'], 'source', rule);
      const targetFields = c['target'] === undefined ? ['host.ip', 'host.name'] : strings(c['target'], 'target', rule);
      if (sourceFields.length === 0 || targetFields.length === 0) throw new CorrelationRuleError(rule, "'source' and 'target' need at least one field");
      return {
        ...base,
        type: 'lateral_movement',
        timespanMs: duration(c['timespan'], 'timespan', rule),
        sourceFields,
        targetFields,
        minHops: positiveInt(c['min_hops'], 'min_hops', rule, 2),
        maxPaths: positiveInt(c['max_paths'], 'max_paths', rule, 32),
      };
    }
    case 'process_lineage':
      if (rules.length < 2) throw new CorrelationRuleError(rule, 'a process lineage needs at least two steps in rules');
      return { ...base, type: 'process_lineage', timespanMs: duration(c['timespan'], 'timespan', rule) };
  }
  throw new CorrelationRuleError(rule, `correlation type '${type}' is not supported`);
}
