import type { DeclaredFormat } from '../decode/types.js';
import { UsageError } from './context.js';

export const DECLARED_FORMATS: readonly DeclaredFormat[] = [
  'auto', 'syslog', 'syslog-rfc3164', 'syslog-rfc5424', 'cef', 'leef', 'json', 'ndjson', 'kv', 'evtx-json', 'winlogbeat-json', 'otlp-json', 'otlp-protobuf', 'text',
];

export function parseFormat(v: string | undefined): DeclaredFormat | undefined {
  if (v === undefined) return undefined;
  if (!(DECLARED_FORMATS as readonly string[]).includes(v)) throw new UsageError(`unknown format '${v}'; expected one of: ${DECLARED_FORMATS.join(', ')}`);
  return v as DeclaredFormat;
}
