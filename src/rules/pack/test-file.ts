/**
 * Rule test files (`rules/tests/<rule-file-stem>.yml`): raw records, exactly as their source emits them,
 * that a rule must match and must not match.
 *
 * ```yaml
 * match:
 *   - |-
 *     Mar 10 03:11:08 bastion01 sshd[39397]: Accepted password for deploy from 203.0.113.77 port 52898 ssh2
 *   - record: '{"actor": ...}'
 *     format: json          # optional: a declared wire format (default: detected per record)
 *     source_type: okta     # optional: the mapper to use (default: detected)
 * no_match:
 *   - ...
 * ```
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { DeclaredFormat } from '../../decode/types.js';

const FORMATS: readonly DeclaredFormat[] = [
  'auto', 'syslog', 'ndjson', 'syslog-rfc3164', 'syslog-rfc5424', 'cef', 'leef', 'json', 'kv', 'evtx-json', 'winlogbeat-json', 'otlp-json', 'otlp-protobuf', 'text',
];
const TOP_KEYS = ['match', 'no_match', 'description'];
const ENTRY_KEYS = ['record', 'format', 'source_type', 'note'];
/** Test files are small; a bigger one is a mistake (or hostile). */
export const MAX_TEST_FILE_BYTES = 4 * 1024 * 1024;

export interface RuleTestRecord {
  record: string;
  format?: DeclaredFormat;
  sourceType?: string;
  note?: string;
  /** 1-based line of the entry in the test file. */
  line: number;
}

export interface RuleTestFile {
  file: string;
  match: RuleTestRecord[];
  noMatch: RuleTestRecord[];
}

export class RuleTestFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly what: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${what}`);
    this.name = 'RuleTestFileError';
  }
}

function lineOf(lc: LineCounter, node: Node | null | undefined): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lc.linePos(start).line;
}

function entry(file: string, lc: LineCounter, node: unknown, where: string): RuleTestRecord {
  const n = node as Node | null;
  const line = lineOf(lc, n) ?? 0;
  if (isScalar(n)) {
    if (typeof n.value !== 'string' || n.value.trim() === '') throw new RuleTestFileError(file, line, `${where}: a record must be non-empty text`);
    return { record: n.value, line };
  }
  if (!isMap(n)) throw new RuleTestFileError(file, line, `${where}: must be the record text or a map with "record"`);
  const out: Partial<RuleTestRecord> = { line };
  for (const pair of n.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const v = pair.value as Node | null;
    if (!ENTRY_KEYS.includes(key)) throw new RuleTestFileError(file, lineOf(lc, pair.key as Node) ?? line, `${where}.${key}: unknown key (expected ${ENTRY_KEYS.join(', ')})`);
    if (!isScalar(v) || typeof v.value !== 'string' || v.value.trim() === '') throw new RuleTestFileError(file, lineOf(lc, v) ?? line, `${where}.${key}: must be non-empty text`);
    if (key === 'record') out.record = v.value;
    else if (key === 'format') {
      if (!FORMATS.includes(v.value as DeclaredFormat)) throw new RuleTestFileError(file, lineOf(lc, v) ?? line, `${where}.format: unknown format "${v.value}" (expected one of ${FORMATS.join(', ')})`);
      out.format = v.value as DeclaredFormat;
    } else if (key === 'source_type') out.sourceType = v.value;
    else out.note = v.value;
  }
  if (out.record === undefined) throw new RuleTestFileError(file, line, `${where}: missing "record"`);
  return out as RuleTestRecord;
}

function list(file: string, lc: LineCounter, node: unknown, key: string): RuleTestRecord[] {
  const n = node as Node | null;
  if (!isSeq(n)) throw new RuleTestFileError(file, lineOf(lc, n), `${key}: must be a list of records`);
  return n.items.map((item, i) => entry(file, lc, item, `${key}[${i}]`));
}

/** Parse a rule test file's text; every problem is a RuleTestFileError naming the file, line and key. */
export function parseRuleTestFile(text: string, file: string): RuleTestFile {
  if (Buffer.byteLength(text) > MAX_TEST_FILE_BYTES) throw new RuleTestFileError(file, undefined, `file is larger than ${MAX_TEST_FILE_BYTES} bytes`);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new RuleTestFileError(file, e?.linePos?.[0]?.line, `YAML syntax: ${e?.message.split('\n')[0] ?? 'invalid'}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new RuleTestFileError(file, lineOf(lc, root), 'must be a map with "match" and "no_match" lists');
  let match: RuleTestRecord[] | undefined;
  let noMatch: RuleTestRecord[] | undefined;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!TOP_KEYS.includes(key)) throw new RuleTestFileError(file, lineOf(lc, pair.key as Node), `${key}: unknown key (expected ${TOP_KEYS.join(', ')})`);
    if (key === 'match') match = list(file, lc, pair.value, 'match');
    else if (key === 'no_match') noMatch = list(file, lc, pair.value, 'no_match');
  }
  if (match === undefined || match.length === 0) throw new RuleTestFileError(file, undefined, 'needs a non-empty "match" list');
  if (noMatch === undefined || noMatch.length === 0) throw new RuleTestFileError(file, undefined, 'needs a non-empty "no_match" list');
  return { file, match, noMatch };
}

export function readRuleTestFile(path: string): RuleTestFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RuleTestFileError(path, undefined, `cannot read: ${(e as Error).message}`);
  }
  return parseRuleTestFile(text, path);
}
