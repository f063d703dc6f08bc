/**
 * Suppression rules and allowlists: known-good activity that should not reach an analyst. A
 * suppression has field conditions, a reason, an author and a time range (`from` plus `duration`, in
 * event time); an allowlist entry is the same without an end. Suppressed detections still become
 * alerts, with status `suppressed` and the entry that silenced them: counted, never lost.
 *
 * File (YAML, `alert.suppressions` or `--suppressions`):
 *
 *   suppressions:
 *     - id: backup-admin-share
 *       reason: the nightly backup job mounts ADMIN$ on every server
 *       author: alice
 *       rule: win_admin_share_access        # optional: rule id, name or title
 *       match: { user.name: svc-backup, host.name: "FS*" }
 *       from: 2026-03-01T00:00:00Z
 *       duration: 30d
 *   allowlist:
 *     - id: vuln-scanner
 *       reason: the Nessus scanner
 *       author: bob
 *       match: { source.ip: [10.0.5.5, 10.0.5.6] }
 *
 * Values compare case-insensitively; `*` at the start and/or end is a suffix/prefix/substring
 * match. Conditions are compiled once when the file loads, never per event.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../config/duration.js';
import { compileFieldPath, type FieldAccessor } from '../event/field-path.js';
import type { SuppressionRef } from './types.js';

export class SuppressionFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'SuppressionFileError';
  }
}

type ValueTest = (v: string) => boolean;

function valueTest(pattern: string): ValueTest {
  const p = pattern.toLowerCase();
  const starts = p.startsWith('*');
  const ends = p.endsWith('*') && p.length > 1;
  const core = p.slice(starts ? 1 : 0, ends ? -1 : undefined);
  if (core.includes('*')) throw new Error(`'${pattern}': '*' is allowed only at the start or end`);
  if (starts && ends) return (v) => v.toLowerCase().includes(core);
  if (starts) return (v) => v.toLowerCase().endsWith(core);
  if (ends) return (v) => v.toLowerCase().startsWith(core);
  return (v) => v.toLowerCase() === core;
}

interface Condition {
  field: string;
  read: FieldAccessor;
  tests: ValueTest[];
}

export interface SuppressionEntry extends SuppressionRef {
  /** Rule id, name or title; absent = any rule. */
  rule?: string;
  conditions: Condition[];
  /** Event-time range, ms; allowlist entries are unbounded. */
  from: number;
  until: number;
}

/** What a candidate offers to conditions: a field's values by ECS path. */
export type FieldSource = (path: string, read: FieldAccessor) => string[];

function stringsOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  if (Array.isArray(v)) return v.flatMap(stringsOf);
  return [];
}

/** A FieldSource over one document (an event, or a correlation group's values). */
export function documentFields(doc: unknown, flat: Record<string, string> = {}): FieldSource {
  return (path, read) => {
    const f = flat[path];
    if (f !== undefined) return [f];
    return stringsOf(read(doc));
  };
}

export class SuppressionSet {
  constructor(readonly entries: readonly SuppressionEntry[] = []) {}

  get size(): number {
    return this.entries.length;
  }

  /** The first entry that silences this detection at event time `ts`, if any. Suppressions win over allowlist order in the file. */
  find(rule: { id: string; name?: string; title: string }, ts: number, fields: FieldSource): SuppressionEntry | undefined {
    for (const e of this.entries) {
      if (ts < e.from || ts >= e.until) continue;
      if (e.rule !== undefined) {
        const r = e.rule.toLowerCase();
        if (r !== rule.id.toLowerCase() && r !== rule.name?.toLowerCase() && r !== rule.title.toLowerCase()) continue;
      }
      if (e.conditions.every((c) => fields(c.field, c.read).some((v) => c.tests.some((t) => t(v))))) return e;
    }
    return undefined;
  }
}

type Rec = Record<string, unknown>;

function parseEntry(raw: unknown, kind: 'suppression' | 'allowlist', where: string, file: string): SuppressionEntry {
  const bad = (m: string): never => { throw new SuppressionFileError(file, `${where}: ${m}`); };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad('expected a mapping');
  const r = raw as Rec;
  const allowed = new Set(['id', 'reason', 'author', 'rule', 'match', ...(kind === 'suppression' ? ['from', 'duration', 'until'] : [])]);
  for (const k of Object.keys(r)) if (!allowed.has(k)) bad(`unknown key '${k}'`);
  for (const k of ['id', 'reason', 'author'] as const) if (typeof r[k] !== 'string' || (r[k] as string).trim() === '') bad(`${k} is required (text)`);
  if (r.rule !== undefined && typeof r.rule !== 'string') bad('rule must be text');
  const match = r.match;
  if (match === null || typeof match !== 'object' || Array.isArray(match) || Object.keys(match).length === 0) bad('match must be a mapping of at least one field to a value or list of values');
  const conditions: Condition[] = [];
  for (const [field, v] of Object.entries(match as Rec)) {
    const values = Array.isArray(v) ? v : [v];
    if (values.length === 0 || values.some((x) => typeof x !== 'string' && typeof x !== 'number')) bad(`match.${field}: expected text or a list of text`);
    try {
      conditions.push({ field, read: compileFieldPath(field), tests: values.map((x) => valueTest(String(x))) });
    } catch (err) {
      bad(`match.${field}: ${(err as Error).message}`);
    }
  }
  let from = -Infinity;
  let until = Infinity;
  if (kind === 'suppression') {
    const fromText = r.from instanceof Date ? r.from.toISOString() : r.from;
    if (typeof fromText !== 'string' || !Number.isFinite(Date.parse(fromText))) bad('from is required: an ISO 8601 time');
    from = Date.parse(fromText as string);
    if (r.duration !== undefined) {
      const d = typeof r.duration === 'string' ? parseDuration(r.duration) : undefined;
      if (d === undefined || d <= 0) bad(`duration must be a positive duration such as 8h or 30d, got '${String(r.duration)}'`);
      until = from + (d as number);
    } else if (r.until !== undefined) {
      const u = r.until instanceof Date ? r.until.toISOString() : r.until;
      if (typeof u !== 'string' || !Number.isFinite(Date.parse(u))) bad('until must be an ISO 8601 time');
      until = Date.parse(u as string);
    } else {
      bad('a suppression needs a duration (or until); permanent entries belong in allowlist');
    }
    if (until <= from) bad('the suppression ends before it starts');
  }
  return {
    id: r.id as string, kind, reason: r.reason as string, author: r.author as string, conditions, from, until,
    ...(typeof r.rule === 'string' ? { rule: r.rule } : {}),
  };
}

export function parseSuppressions(text: string, file: string): SuppressionSet {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new SuppressionFileError(file, `not YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return new SuppressionSet();
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new SuppressionFileError(file, 'expected a mapping with suppressions and/or allowlist');
  const d = doc as Rec;
  for (const k of Object.keys(d)) if (k !== 'suppressions' && k !== 'allowlist') throw new SuppressionFileError(file, `unknown key '${k}' (expected suppressions, allowlist)`);
  const entries: SuppressionEntry[] = [];
  const ids = new Set<string>();
  for (const kind of ['suppressions', 'allowlist'] as const) {
    const list = d[kind];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new SuppressionFileError(file, `${kind} must be a list`);
    for (const [i, raw] of list.entries()) {
      const e = parseEntry(raw, kind === 'suppressions' ? 'suppression' : 'allowlist', `${kind}[${i}]`, file);
      if (ids.has(e.id)) throw new SuppressionFileError(file, `${kind}[${i}]: duplicate id '${e.id}'`);
      ids.add(e.id);
      entries.push(e);
    }
  }
  return new SuppressionSet(entries);
}

export function loadSuppressions(file: string): SuppressionSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SuppressionFileError(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseSuppressions(text, file);
}
