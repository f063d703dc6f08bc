/**
 * Which condition a rule's logsource adds, and where each of its Sigma fields is read on a
 * normalized event.
 *
 * Pipelines apply in priority order (lower first). Within a pipeline, every entry whose `match`
 * agrees with the logsource applies; the first of them with conditions gives the condition.
 * Across pipelines, the first pipeline that supplies a condition wins. For a field, the first
 * matched pipeline that maps it wins (entry fields, in entry order, before pipeline-wide fields);
 * a field nothing maps reads the first matched pipeline's `unmapped` templates, or the field name
 * itself as a path when no pipeline matched.
 */
import { fieldAccessor, type FieldAccessor } from '../../event/field-path.js';
import type { EventPredicate, FieldResolution, FieldResolver, SigmaLogsource } from '../types.js';
import { MATCH_KEYS, type Pipeline, type PipelineLogsource } from './types.js';

export interface ResolvedLogsource {
  /** Identifies the condition: rules with equal keys share one predicate evaluation per event. */
  key: string;
  condition: EventPredicate | null;
  resolver: FieldResolver;
}

/** Key of rules whose logsource no pipeline gives a condition. */
export const UNCONDITIONED_KEY = '*';

function matches(entry: PipelineLogsource, ls: SigmaLogsource): boolean {
  for (const k of MATCH_KEYS) {
    const want = entry.match[k];
    if (want === undefined) continue;
    const have = ls[k];
    if (typeof have !== 'string' || have.toLowerCase() !== want) return false;
  }
  return true;
}

interface Matched {
  pipeline: Pipeline;
  entries: PipelineLogsource[];
}

function firstPresent(accessors: FieldAccessor[]): FieldAccessor {
  if (accessors.length === 1) return accessors[0] as FieldAccessor;
  return (doc) => {
    for (const get of accessors) {
      const v = get(doc);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

const NEVER: FieldAccessor = () => undefined;

class PipelineFieldResolver implements FieldResolver {
  private readonly cache = new Map<string, FieldResolution>();
  constructor(private readonly matched: Matched[]) {}

  resolve(sigmaField: string): FieldResolution {
    let r = this.cache.get(sigmaField);
    if (r === undefined) {
      const paths = this.candidates(sigmaField);
      r = { paths, accessor: paths.length === 0 ? NEVER : firstPresent(paths.map((p) => fieldAccessor(p))) };
      this.cache.set(sigmaField, r);
    }
    return r;
  }

  private candidates(field: string): string[] {
    for (const { pipeline, entries } of this.matched) {
      for (const e of entries) {
        if (Object.hasOwn(e.fields, field)) return usable(e.fields[field] as string[]);
      }
      if (Object.hasOwn(pipeline.fields, field)) return usable(pipeline.fields[field] as string[]);
    }
    const templates = this.matched[0]?.pipeline.unmapped ?? ['{field}'];
    return usable(templates.map((t) => t.replaceAll('{field}', field)));
  }
}

/** De-duplicated, without paths a field name made empty or malformed (`a..b`, trailing dot). */
function usable(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (p === '' || p.startsWith('.') || p.endsWith('.') || p.includes('..')) continue;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

export function resolveLogsource(pipelines: readonly Pipeline[], logsource: SigmaLogsource): ResolvedLogsource {
  const ordered = [...pipelines].sort((a, b) => a.priority - b.priority);
  const matched: Matched[] = [];
  let key = UNCONDITIONED_KEY;
  let condition: EventPredicate | null = null;
  for (const pipeline of ordered) {
    const entries = pipeline.logsources.filter((e) => matches(e, logsource));
    if (entries.length === 0) continue;
    matched.push({ pipeline, entries });
    if (condition !== null) continue;
    const withCondition = entries.find((e) => e.predicate !== null);
    if (withCondition !== undefined) {
      condition = withCondition.predicate;
      key = `${pipeline.name}#${pipeline.logsources.indexOf(withCondition)}`;
    }
  }
  return { key, condition, resolver: new PipelineFieldResolver(matched) };
}
