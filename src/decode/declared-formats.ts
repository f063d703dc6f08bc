import type { DeclaredFormat } from './types.js';

/** Every format a user may declare (`--format`, `format:` in the config); `auto` detects per record. */
export const DECLARED_FORMATS = [
  'auto', 'syslog', 'syslog-rfc3164', 'syslog-rfc5424', 'cef', 'leef', 'json', 'ndjson', 'kv', 'evtx-json', 'winlogbeat-json', 'otlp-json', 'otlp-protobuf', 'text',
] as const satisfies readonly DeclaredFormat[];
