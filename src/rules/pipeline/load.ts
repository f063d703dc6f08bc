/**
 * Reads processing-pipeline YAML files (format in pipelines/README.md) and validates them by
 * walking the YAML syntax tree, so every error names the offending key and its line.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type YAMLMap } from 'yaml';
import { compileConditions } from './predicate.js';
import { MATCH_KEYS, type ConditionValue, type MatchKey, type Pipeline, type PipelineError, type PipelineLogsource } from './types.js';

const TOP_KEYS = ['name', 'description', 'priority', 'logsources', 'fields', 'unmapped'];
const ENTRY_KEYS = ['match', 'conditions', 'fields'];
const DEFAULT_UNMAPPED = ['{field}'];

class Ctx {
  readonly errors: PipelineError[] = [];
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  lineOf(node: Node | null | undefined): number | undefined {
    const start = node?.range?.[0];
    return start === undefined ? undefined : this.lines.linePos(start).line;
  }

  error(where: string, node: Node | null | undefined, message: string): void {
    const line = this.lineOf(node);
    this.errors.push(line === undefined ? { file: this.file, message: `${where}: ${message}` } : { file: this.file, line, message: `${where}: ${message}` });
  }

  /** Follow YAML aliases (`*anchor`) to the node they stand for. */
  deref(node: unknown): Node | null {
    if (isAlias(node)) return this.deref(node.resolve(this.doc));
    return (node as Node | null) ?? null;
  }
}

function kindOf(node: Node | null): string {
  if (node === null) return 'empty';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'empty' : `${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'unknown';
}

function mapEntries(ctx: Ctx, map: YAMLMap): { key: string; keyNode: Node; value: Node | null }[] {
  const out: { key: string; keyNode: Node; value: Node | null }[] = [];
  for (const pair of map.items) {
    const keyNode = ctx.deref(pair.key);
    const key = isScalar(keyNode) ? keyNode.value : undefined;
    if (typeof key !== 'string' && typeof key !== 'number') {
      ctx.error('key', keyNode ?? map, `keys must be plain text, found ${kindOf(keyNode)}`);
      continue;
    }
    out.push({ key: String(key), keyNode: keyNode as Node, value: ctx.deref(pair.value) });
  }
  return out;
}

function nonEmptyString(ctx: Ctx, where: string, node: Node | null): string | undefined {
  if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') return node.value;
  ctx.error(where, node, `must be non-empty text, found ${kindOf(node)}`);
  return undefined;
}

/** `Field: path` or `Field: [path, path]`. */
function fieldMap(ctx: Ctx, where: string, node: Node | null): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!isMap(node)) {
    ctx.error(where, node, `must be a map of Sigma field to path or list of paths, found ${kindOf(node)}`);
    return out;
  }
  for (const { key, keyNode, value } of mapEntries(ctx, node)) {
    const at = `${where}.${key}`;
    if (key.trim() === '') {
      ctx.error(at, keyNode, 'field name is empty');
      continue;
    }
    const items = isSeq(value) ? value.items.map((i) => ctx.deref(i)) : [value];
    if (items.length === 0) {
      ctx.error(at, value ?? keyNode, 'needs at least one path');
      continue;
    }
    const paths: string[] = [];
    for (const item of items) {
      const p = nonEmptyString(ctx, at, item);
      if (p !== undefined) paths.push(p);
    }
    if (paths.length === items.length) Object.defineProperty(out, key, { value: paths, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function conditionValue(ctx: Ctx, where: string, node: Node | null): ConditionValue | undefined {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean')) {
    return node.value;
  }
  ctx.error(where, node, `values must be text, numbers or booleans, found ${kindOf(node)}`);
  return undefined;
}

function conditions(ctx: Ctx, where: string, node: Node | null): Record<string, ConditionValue[]>[] | undefined {
  if (!isSeq(node) || node.items.length === 0) {
    ctx.error(where, node, `must be a non-empty list of maps (path: value or list of values), found ${kindOf(node)}`);
    return undefined;
  }
  const out: Record<string, ConditionValue[]>[] = [];
  let bad = false;
  node.items.forEach((raw, i) => {
    const item = ctx.deref(raw);
    const at = `${where}[${i}]`;
    if (!isMap(item) || item.items.length === 0) {
      ctx.error(at, item ?? node, `must be a non-empty map of event path to value(s), found ${kindOf(item)}`);
      bad = true;
      return;
    }
    const cond: Record<string, ConditionValue[]> = {};
    for (const { key, keyNode, value } of mapEntries(ctx, item)) {
      const vals = isSeq(value) ? value.items.map((v) => ctx.deref(v)) : [value];
      if (vals.length === 0) {
        ctx.error(`${at}.${key}`, value ?? keyNode, 'needs at least one value');
        bad = true;
        continue;
      }
      const parsed: ConditionValue[] = [];
      for (const v of vals) {
        const c = conditionValue(ctx, `${at}.${key}`, v);
        if (c === undefined) bad = true;
        else parsed.push(c);
      }
      Object.defineProperty(cond, key, { value: parsed, enumerable: true, writable: true, configurable: true });
    }
    out.push(cond);
  });
  return bad ? undefined : out;
}

function logsourceEntry(ctx: Ctx, where: string, node: Node | null): PipelineLogsource | undefined {
  if (!isMap(node)) {
    ctx.error(where, node, `must be a map with match, conditions, fields; found ${kindOf(node)}`);
    return undefined;
  }
  const before = ctx.errors.length;
  let match: Partial<Record<MatchKey, string>> | undefined;
  let conds: Record<string, ConditionValue[]>[] | null = null;
  let fields: Record<string, string[]> = {};
  for (const { key, keyNode, value } of mapEntries(ctx, node)) {
    const at = `${where}.${key}`;
    switch (key) {
      case 'match': {
        if (!isMap(value) || value.items.length === 0) {
          ctx.error(at, value ?? keyNode, `must be a non-empty map of ${MATCH_KEYS.join('/')} to text, found ${kindOf(value)}`);
          break;
        }
        match = {};
        for (const m of mapEntries(ctx, value)) {
          if (!(MATCH_KEYS as readonly string[]).includes(m.key)) {
            ctx.error(`${at}.${m.key}`, m.keyNode, `unknown logsource key '${m.key}' (allowed: ${MATCH_KEYS.join(', ')})`);
            continue;
          }
          const v = nonEmptyString(ctx, `${at}.${m.key}`, m.value);
          if (v !== undefined) match[m.key as MatchKey] = v.toLowerCase();
        }
        break;
      }
      case 'conditions':
        conds = conditions(ctx, at, value) ?? null;
        break;
      case 'fields':
        fields = fieldMap(ctx, at, value);
        break;
      default:
        ctx.error(at, keyNode, `unknown key '${key}' (allowed: ${ENTRY_KEYS.join(', ')})`);
    }
  }
  if (match === undefined && !node.items.some((p) => isScalar(p.key) && p.key.value === 'match')) {
    ctx.error(where, node, "missing required key 'match'");
  }
  if (ctx.errors.length > before || match === undefined) return undefined;
  return { match, conditions: conds, predicate: conds === null ? null : compileConditions(conds), fields, line: ctx.lineOf(node) ?? 0 };
}

function pipelineFromDoc(ctx: Ctx): Pipeline | undefined {
  const root = ctx.deref(ctx.doc.contents);
  if (!isMap(root)) {
    ctx.error('pipeline', root, `the document must be a map with ${TOP_KEYS.join(', ')}, found ${kindOf(root)}`);
    return undefined;
  }
  const before = ctx.errors.length;
  let name: string | undefined;
  let description: string | undefined;
  let priority = 100;
  const logsources: PipelineLogsource[] = [];
  let fields: Record<string, string[]> = {};
  let unmapped = DEFAULT_UNMAPPED;
  for (const { key, keyNode, value } of mapEntries(ctx, root)) {
    switch (key) {
      case 'name':
        name = nonEmptyString(ctx, 'name', value);
        break;
      case 'description':
        description = nonEmptyString(ctx, 'description', value);
        break;
      case 'priority':
        if (isScalar(value) && typeof value.value === 'number' && Number.isInteger(value.value)) priority = value.value;
        else ctx.error('priority', value ?? keyNode, `must be an integer, found ${kindOf(value)}`);
        break;
      case 'logsources':
        if (!isSeq(value)) {
          ctx.error('logsources', value ?? keyNode, `must be a list of logsource entries, found ${kindOf(value)}`);
          break;
        }
        value.items.forEach((item, i) => {
          const entry = logsourceEntry(ctx, `logsources[${i}]`, ctx.deref(item));
          if (entry !== undefined) logsources.push(entry);
        });
        break;
      case 'fields':
        fields = fieldMap(ctx, 'fields', value);
        break;
      case 'unmapped': {
        if (!isSeq(value) || value.items.length === 0) {
          ctx.error('unmapped', value ?? keyNode, `must be a non-empty list of path templates, found ${kindOf(value)}`);
          break;
        }
        const list: string[] = [];
        value.items.forEach((item, i) => {
          const t = nonEmptyString(ctx, `unmapped[${i}]`, ctx.deref(item));
          if (t !== undefined) list.push(t);
        });
        unmapped = list;
        break;
      }
      default:
        ctx.error(key, keyNode, `unknown key '${key}' (allowed: ${TOP_KEYS.join(', ')})`);
    }
  }
  if (name === undefined && !root.items.some((p) => isScalar(p.key) && p.key.value === 'name')) {
    ctx.error('pipeline', root, "missing required key 'name'");
  }
  if (ctx.errors.length > before || name === undefined) return undefined;
  const p: Pipeline = { name, priority, file: ctx.file, logsources, fields, unmapped };
  if (description !== undefined) p.description = description;
  return p;
}

/** Parse one pipeline from YAML text; `file` names it in errors. */
export function parsePipeline(text: string, file: string): { pipeline?: Pipeline; errors: PipelineError[] } {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) return { errors: [{ file, message: 'pipeline: the file holds no YAML document' }] };
  const errors: PipelineError[] = [];
  const first = docs[0];
  if (first === undefined) return { errors: [{ file, message: 'pipeline: the file holds no YAML document' }] };
  if (docs.length > 1) {
    const second = docs[1] as Document;
    const start = second.range?.[0];
    errors.push(start === undefined ? { file, message: 'pipeline: one pipeline per file, found several YAML documents' } : { file, line: lines.linePos(start).line, message: 'pipeline: one pipeline per file, found several YAML documents' });
  }
  for (const e of first.errors) {
    const line = lines.linePos(e.pos[0]).line;
    errors.push(line === undefined ? { file, message: `yaml: ${e.message}` } : { file, line, message: `yaml: ${e.message}` });
  }
  if (errors.length > 0) return { errors };
  const ctx = new Ctx(file, first, lines);
  const pipeline = pipelineFromDoc(ctx);
  return pipeline === undefined ? { errors: ctx.errors } : { pipeline, errors: ctx.errors };
}

/**
 * Load and validate pipeline files. A file with any error contributes no pipeline; all errors
 * are returned, each naming the file, line and key.
 */
export function loadPipelines(paths: string[]): { pipelines: Pipeline[]; errors: PipelineError[] } {
  const pipelines: Pipeline[] = [];
  const errors: PipelineError[] = [];
  const seen = new Map<string, string>();
  for (const file of paths) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      errors.push({ file, message: `cannot read pipeline file: ${(e as Error).message}` });
      continue;
    }
    const r = parsePipeline(text, file);
    errors.push(...r.errors);
    if (r.pipeline === undefined) continue;
    const other = seen.get(r.pipeline.name);
    if (other !== undefined) {
      errors.push({ file, message: `name: pipeline name '${r.pipeline.name}' is already used by ${other}` });
      continue;
    }
    seen.set(r.pipeline.name, file);
    pipelines.push(r.pipeline);
  }
  return { pipelines, errors };
}
