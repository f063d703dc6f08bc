/**
 * Parse one Sigma YAML file (possibly multi-document) into rules, correlations and filters, validated
 * against the Sigma v2.1 specification and its JSON schemas. Unknown top-level fields are allowed, as
 * in the spec; detection semantics are strict. Every document that cannot be loaded is a rejection.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import type { RuleRejection, SigmaLevel, SigmaLogsource } from '../types.js';
import { DetectionError, parseDetection } from './detection.js';
import type {
  CorrelationCondition,
  CorrelationType,
  LoadResult,
  RelatedType,
  SigmaCorrelation,
  SigmaFilter,
  SigmaRule,
  SigmaStatus,
} from './types.js';
import { entry, toPlain, toTree, YamlShapeError, type YNode } from './yaml-tree.js';
import { lookupTable } from '../../event/own-props.js';

type YMap = Extract<YNode, { k: 'map' }>;

class Invalid extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'Invalid';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/;
const TAG = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;
const STATUS: ReadonlySet<string> = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);
const LEVEL: ReadonlySet<string> = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const RELATED: ReadonlySet<string> = new Set(['derived', 'obsolete', 'merged', 'renamed', 'similar']);
const CORRELATION_TYPES: ReadonlySet<string> = new Set([
  'event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile',
]);
/** Weft's own correlation types: src/correlate reads these documents, the Sigma loader leaves them out. */
export const WEFT_CORRELATION_TYPES: ReadonlySet<string> = new Set(['sequence', 'session', 'lateral_movement', 'process_lineage']);
const TIMESPAN_UNITS: Readonly<Record<string, number>> = lookupTable({ s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 });

function str(m: YMap, key: string, opts: { required?: boolean; max?: number; pattern?: RegExp; what?: string } = {}): string | undefined {
  const e = entry(m, key);
  if (e === undefined || (e.value.k === 'scalar' && e.value.value === null && !opts.required)) {
    if (opts.required) throw new Invalid(m.line, `missing required field '${key}'`);
    return undefined;
  }
  if (e.value.k !== 'scalar' || typeof e.value.value !== 'string') {
    throw new Invalid(e.keyLine, `'${key}' must be a string`);
  }
  const v = e.value.value;
  if (opts.required && v.trim() === '') throw new Invalid(e.keyLine, `'${key}' is empty`);
  if (opts.max !== undefined && v.length > opts.max) throw new Invalid(e.keyLine, `'${key}' is longer than ${opts.max} characters`);
  if (opts.pattern && !opts.pattern.test(v)) throw new Invalid(e.keyLine, `'${key}' value '${v}' is not ${opts.what ?? 'valid'}`);
  return v;
}

function enumOf<T extends string>(m: YMap, key: string, allowed: ReadonlySet<string>): T | undefined {
  const v = str(m, key);
  if (v === undefined) return undefined;
  if (!allowed.has(v)) throw new Invalid(entry(m, key)?.keyLine ?? m.line, `'${key}' value '${v}' is not one of ${[...allowed].join(', ')}`);
  return v as T;
}

function strList(m: YMap, key: string, opts: { allowScalar?: boolean; pattern?: RegExp; what?: string } = {}): string[] {
  const e = entry(m, key);
  if (e === undefined || (e.value.k === 'scalar' && e.value.value === null)) return [];
  if (e.value.k === 'scalar' && opts.allowScalar && typeof e.value.value === 'string') return [e.value.value];
  if (e.value.k !== 'seq') throw new Invalid(e.keyLine, `'${key}' must be a list of strings`);
  return e.value.items.map((it) => {
    // Numbers and booleans in free-text lists (falsepositives, references) are kept as their text.
    if (it.k !== 'scalar' || it.value === null) throw new Invalid(it.line || e.keyLine, `'${key}' must be a list of strings`);
    const s = typeof it.value === 'string' ? it.value : it.text;
    if (opts.pattern && !opts.pattern.test(s)) throw new Invalid(it.line || e.keyLine, `'${key}' entry '${s}' is not ${opts.what ?? 'valid'}`);
    return s;
  });
}

function logsourceOf(m: YMap): SigmaLogsource {
  const e = entry(m, 'logsource');
  if (e === undefined) throw new Invalid(m.line, "missing required field 'logsource'");
  if (e.value.k !== 'map') throw new Invalid(e.keyLine, "'logsource' must be a map");
  const ls: SigmaLogsource = {};
  for (const k of ['category', 'product', 'service', 'definition'] as const) {
    const v = str(e.value, k);
    if (v !== undefined) ls[k] = v;
  }
  if (ls.category === undefined && ls.product === undefined && ls.service === undefined) {
    throw new Invalid(e.keyLine, "'logsource' needs at least one of category, product, service");
  }
  return ls;
}

function base(m: YMap, file: string, line: number) {
  const id = str(m, 'id', { pattern: UUID, what: 'a UUID' });
  return {
    ...(id !== undefined && { id }),
    ...opt('name', str(m, 'name', { max: 256 })),
    title: str(m, 'title', { required: true, max: 256 }) as string,
    ...opt('description', str(m, 'description', { max: 65535 })),
    ...opt('author', str(m, 'author')),
    ...opt('date', str(m, 'date', { pattern: DATE, what: 'a YYYY-MM-DD date' })),
    ...opt('modified', str(m, 'modified', { pattern: DATE, what: 'a YYYY-MM-DD date' })),
    references: strList(m, 'references'),
    falsepositives: strList(m, 'falsepositives', { allowScalar: true }),
    ...opt('status', enumOf<SigmaStatus>(m, 'status', STATUS)),
    ...opt('level', enumOf<SigmaLevel>(m, 'level', LEVEL)),
    ...opt('taxonomy', str(m, 'taxonomy', { max: 256 })),
    file,
    line,
  };
}

function opt<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

function detectionError(e: unknown): never {
  if (e instanceof DetectionError) throw new Invalid(e.line, e.message);
  throw e;
}

function parseRule(m: YMap, file: string, line: number): SigmaRule {
  const b = base(m, file, line);
  const logsource = logsourceOf(m);
  const det = entry(m, 'detection');
  if (det === undefined) throw new Invalid(m.line, "missing required field 'detection'");
  let parsed;
  try {
    parsed = parseDetection(det.value, new Set(), det.keyLine);
  } catch (e) {
    detectionError(e);
  }
  const related: SigmaRule['related'] = [];
  const rel = entry(m, 'related');
  if (rel !== undefined && !(rel.value.k === 'scalar' && rel.value.value === null)) {
    if (rel.value.k !== 'seq') throw new Invalid(rel.keyLine, "'related' must be a list of {id, type}");
    for (const it of rel.value.items) {
      if (it.k !== 'map') throw new Invalid(it.line, "'related' entries must be maps with id and type");
      const rid = str(it, 'id', { required: true, pattern: UUID, what: 'a UUID' }) as string;
      const type = enumOf<RelatedType>(it, 'type', RELATED);
      if (type === undefined) throw new Invalid(it.line, "'related' entry needs a 'type'");
      related.push({ id: rid, type });
    }
  }
  const scope = entry(m, 'scope') ? strList(m, 'scope') : undefined;
  return {
    kind: 'rule',
    ...b,
    tags: strList(m, 'tags', { pattern: TAG, what: 'a namespace.name tag' }),
    logsource,
    fields: strList(m, 'fields'),
    related,
    ...opt('license', str(m, 'license')),
    ...(scope !== undefined && { scope }),
    detection: toPlain(det.value) as Record<string, unknown>,
    parsed,
  };
}

function parseCorrelation(m: YMap, file: string, line: number): SigmaCorrelation {
  const b = base(m, file, line);
  const ce = entry(m, 'correlation') as { keyLine: number; value: YNode };
  if (ce.value.k !== 'map') throw new Invalid(ce.keyLine, "'correlation' must be a map");
  const c = ce.value;
  const type = str(c, 'type', { required: true }) as string;
  if (!CORRELATION_TYPES.has(type)) {
    throw new Invalid(entry(c, 'type')?.keyLine ?? c.line, `correlation type '${type}' is not one of ${[...CORRELATION_TYPES].join(', ')}`);
  }
  const rules = strList(c, 'rules');
  if (rules.length === 0) throw new Invalid(entry(c, 'rules')?.keyLine ?? c.line, "correlation needs a non-empty 'rules' list");
  if (new Set(rules).size !== rules.length) throw new Invalid(entry(c, 'rules')?.keyLine ?? c.line, "correlation 'rules' has duplicates");
  const groupBy = strList(c, 'group-by');
  const timespan = str(c, 'timespan', { required: true }) as string;
  const tm = /^(\d+)([smhdw])$/.exec(timespan);
  if (tm === null) throw new Invalid(entry(c, 'timespan')?.keyLine ?? c.line, `timespan '${timespan}' is not a number followed by s, m, h, d or w`);
  const timespanMs = Number(tm[1]) * (TIMESPAN_UNITS[tm[2] as string] as number);
  if (timespanMs <= 0) throw new Invalid(entry(c, 'timespan')?.keyLine ?? c.line, `timespan '${timespan}' must be positive`);

  let condition: CorrelationCondition | undefined;
  const cond = entry(c, 'condition');
  if (cond !== undefined) {
    if (cond.value.k !== 'map') throw new Invalid(cond.keyLine, "correlation 'condition' must be a map like {gte: 10}");
    condition = {};
    let ops = 0;
    for (const e of cond.value.entries) {
      if (e.key === 'field') {
        condition.field = strList(cond.value, 'field', { allowScalar: true });
        if (condition.field.length === 0) throw new Invalid(e.keyLine, "correlation condition 'field' is empty");
      } else if (['gt', 'gte', 'lt', 'lte', 'eq', 'neq'].includes(e.key)) {
        if (e.value.k !== 'scalar' || typeof e.value.value !== 'number') throw new Invalid(e.keyLine, `correlation condition '${e.key}' must be a number`);
        condition[e.key as 'gt'] = e.value.value;
        ops++;
      } else {
        throw new Invalid(e.keyLine, `unknown correlation condition operator '${e.key}' (allowed: gt, gte, lt, lte, eq, neq, field)`);
      }
    }
    if (ops === 0) throw new Invalid(cond.keyLine, 'correlation condition needs a comparison (gt, gte, lt, lte, eq, neq)');
  }
  const needsCondition = type !== 'temporal' && type !== 'temporal_ordered';
  if (needsCondition && condition === undefined) throw new Invalid(ce.keyLine, `correlation type '${type}' requires a 'condition'`);
  if (type.startsWith('value_') && (condition?.field === undefined)) {
    throw new Invalid(cond?.keyLine ?? ce.keyLine, `correlation type '${type}' requires 'field' in its condition`);
  }
  const aliases: Record<string, Record<string, string>> = {};
  const al = entry(c, 'aliases');
  if (al !== undefined && !(al.value.k === 'scalar' && al.value.value === null)) {
    if (al.value.k !== 'map') throw new Invalid(al.keyLine, "'aliases' must map alias names to {rule name: field}");
    for (const a of al.value.entries) {
      if (a.value.k !== 'map') throw new Invalid(a.keyLine, `alias '${a.key}' must map rule names to fields`);
      const inner: Record<string, string> = {};
      for (const r of a.value.entries) {
        if (r.value.k !== 'scalar' || typeof r.value.value !== 'string') throw new Invalid(r.keyLine, `alias '${a.key}' field for '${r.key}' must be a string`);
        inner[r.key] = r.value.value;
      }
      aliases[a.key] = inner;
    }
  }
  let generate = false;
  const gen = entry(c, 'generate') ?? entry(m, 'generate');
  if (gen !== undefined) {
    if (gen.value.k !== 'scalar' || typeof gen.value.value !== 'boolean') throw new Invalid(gen.keyLine, "'generate' must be true or false");
    generate = gen.value.value;
  }
  return {
    kind: 'correlation',
    ...b,
    type: type as CorrelationType,
    rules,
    groupBy,
    timespan,
    timespanMs,
    ...(condition !== undefined && { condition }),
    aliases,
    generate,
  };
}

function parseFilter(m: YMap, file: string, line: number): SigmaFilter {
  const b = base(m, file, line);
  const logsource = logsourceOf(m);
  const fe = entry(m, 'filter') as { keyLine: number; value: YNode };
  if (fe.value.k !== 'map') throw new Invalid(fe.keyLine, "'filter' must be a map with rules, search identifiers and condition");
  const rules = strList(fe.value, 'rules', { allowScalar: true });
  if (rules.length === 0) throw new Invalid(entry(fe.value, 'rules')?.keyLine ?? fe.keyLine, "filter needs a non-empty 'rules' list");
  let parsed;
  try {
    parsed = parseDetection(fe.value, new Set(['rules']), fe.keyLine);
  } catch (e) {
    detectionError(e);
  }
  return { kind: 'filter', ...b, logsource, rules, parsed };
}

/** Parse the text of one file. */
export function parseRuleText(text: string, file: string): LoadResult {
  const out: LoadResult = { rules: [], correlations: [], filters: [], rejections: [] };
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const reject = (line: number, reason: string, ruleId?: string): void => {
    const r: RuleRejection = { file, line, reason };
    if (ruleId !== undefined) r.ruleId = ruleId;
    out.rejections.push(r);
  };
  if (!Array.isArray(docs) || docs.length === 0) {
    reject(1, 'file contains no YAML document');
    return out;
  }
  let nonEmpty = 0;
  // Sigma v1 collections: `action: global` documents are merged into every later document until
  // `action: reset`; `action: repeat` merges into the previous document (sigmac's semantics).
  let globals: YMap | null = null;
  let previous: YMap | null = null;
  for (const doc of docs) {
    const contents = doc.contents as { range?: [number, number, number] } | null;
    const line = lc.linePos(contents?.range?.[0] ?? doc.range?.[0] ?? 0).line;
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const errLine = err ? lc.linePos(err.pos[0]).line : line;
      reject(errLine, `malformed YAML: ${(err?.message ?? 'parse error').split('\n')[0]}`);
      nonEmpty++;
      continue;
    }
    if (doc.contents === null) continue; // an empty document, e.g. after a trailing `---`
    nonEmpty++;
    let tree: YNode;
    try {
      tree = toTree(doc, doc.contents, lc);
    } catch (e) {
      if (e instanceof YamlShapeError) {
        reject(e.line || line, e.message);
        continue;
      }
      throw e;
    }
    if (tree.k !== 'map') {
      reject(line, `a Sigma document must be a YAML map, found a ${tree.k === 'seq' ? 'list' : 'scalar'}`);
      continue;
    }
    const action = entry(tree, 'action');
    if (action !== undefined) {
      const own: YMap = { ...tree, entries: tree.entries.filter((e) => e.key !== 'action') };
      const verb = action.value.k === 'scalar' ? action.value.value : null;
      if (verb === 'global') {
        globals = globals === null ? own : mergeMaps(globals, own);
        continue;
      }
      if (verb === 'reset') {
        globals = null;
        continue;
      }
      if (verb !== 'repeat') {
        reject(action.keyLine, `unknown collection action '${String(verb)}' (allowed: global, reset, repeat)`);
        continue;
      }
      if (previous === null) {
        reject(action.keyLine, "'action: repeat' without a previous rule document to repeat");
        continue;
      }
      tree = mergeMaps(previous, own);
    } else if (globals !== null) {
      tree = mergeMaps(globals, tree);
    }
    previous = tree;
    if (isWeftCorrelation(tree)) continue;
    const idEntry = entry(tree, 'id');
    const ruleId = idEntry?.value.k === 'scalar' && typeof idEntry.value.value === 'string' ? idEntry.value.value : undefined;
    try {
      if (entry(tree, 'correlation') !== undefined) out.correlations.push(parseCorrelation(tree, file, line));
      else if (entry(tree, 'filter') !== undefined && entry(tree, 'detection') === undefined) out.filters.push(parseFilter(tree, file, line));
      else if (entry(tree, 'detection') !== undefined) out.rules.push(parseRule(tree, file, line));
      else throw new Invalid(line, "document has none of 'detection', 'correlation' or 'filter'");
    } catch (e) {
      if (e instanceof Invalid) reject(e.line || line, e.message, ruleId);
      else throw e;
    }
  }
  if (nonEmpty === 0) reject(1, 'file contains no YAML document');
  return out;
}

/**
 * A correlation of one of Weft's types, or a temporal one with a boolean condition over its rules:
 * not Sigma, so not this loader's to accept or reject. Every caller that loads correlations also runs
 * the correlation loader, which reads these and reports their errors.
 */
function isWeftCorrelation(tree: YMap): boolean {
  const c = entry(tree, 'correlation')?.value;
  if (c?.k !== 'map') return false;
  const t = entry(c, 'type')?.value;
  const type = t?.k === 'scalar' ? t.value : undefined;
  if (typeof type === 'string' && WEFT_CORRELATION_TYPES.has(type)) return true;
  const cond = entry(c, 'condition')?.value;
  return (type === 'temporal' || type === 'temporal_ordered') && cond?.k === 'scalar' && typeof cond.value === 'string';
}

/** Deep merge of two maps: `over` wins, except that maps under the same key merge recursively. */
function mergeMaps(base: YMap, over: YMap): YMap {
  const entries = base.entries.map((e) => {
    const o = over.entries.find((x) => x.key === e.key);
    if (o === undefined) return e;
    if (e.value.k === 'map' && o.value.k === 'map') return { ...o, value: mergeMaps(e.value, o.value) };
    return o;
  });
  for (const o of over.entries) if (!base.entries.some((e) => e.key === o.key)) entries.push(o);
  return { k: 'map', line: over.line, entries };
}
