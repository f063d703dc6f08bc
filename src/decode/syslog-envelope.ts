/**
 * A syslog header around another format's payload (CEF, LEEF, Fortinet key=value): the payload is
 * decoded by its own decoder and the header travels along under `syslog`.
 */
import type { SyslogParts } from './syslog-common.js';
import { parseRfc3164 } from './syslog-rfc3164.js';
import { looksLikeRfc5424, parseRfc5424 } from './syslog-rfc5424.js';
import type { DecodeOptions } from './types.js';

export interface Envelope {
  /** The header fields that go under `syslog` in the decoded record. */
  header: Record<string, unknown>;
  payload: string;
  rfc: 'syslog-rfc3164' | 'syslog-rfc5424';
}

/** The header fields of a syslog record, flattened under one object (message left out). */
export function envelopeHeader(parts: SyslogParts): Record<string, unknown> {
  const h: Record<string, unknown> = { ...parts.syslog };
  if (parts.timestamp !== undefined) h.timestamp = parts.timestamp;
  if (parts.hostname !== undefined) h.hostname = parts.hostname;
  if (parts.app_name !== undefined) h.app_name = parts.app_name;
  if (parts.procid !== undefined) h.procid = parts.procid;
  if (parts.msgid !== undefined) h.msgid = parts.msgid;
  if (parts.structured_data !== undefined) h.structured_data = parts.structured_data;
  return h;
}

/** Parse the syslog header in front of `text`; undefined when `text` is not syslog at all. */
export function syslogEnvelope(text: string, opts?: DecodeOptions): Envelope | undefined {
  if (looksLikeRfc5424(text)) {
    const r = parseRfc5424(text);
    if (!r.ok || r.parts.message === undefined) return undefined;
    return { header: envelopeHeader(r.parts), payload: r.parts.message, rfc: 'syslog-rfc5424' };
  }
  const r = parseRfc3164(text, opts);
  if (!r.ok || r.parts.message === undefined) return undefined;
  return { header: envelopeHeader(r.parts), payload: r.parts.message, rfc: 'syslog-rfc3164' };
}
