/**
 * Tiny decoders that turn fixture lines into the `Decoded` shapes agreed with the decode stage, so
 * the mappers can be tested before (and independently of) the real decoders. They handle exactly the
 * framing the fixtures use; they are not the product's decoders.
 */
import type { Decoded } from '../../src/decode/types.js';
import { fromLocal, monthNumber } from '../../src/normalize/common/time.js';

export interface SyslogOptions {
  /** Year for RFC 3164 stamps that carry none. */
  year?: number;
  /** Zone for stamps without one. */
  timezone?: string;
}

const PRI = /^<(\d{1,3})>/;
const BSD_TS = /^([A-Z][a-z]{2}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? /;
const ISO_TS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))\s/;
const TAG = /^([^\s:[\]]+)(?:\[(\d+)\])?:(?: |$)/;

function priFields(pri: number): Record<string, number> {
  return { facility: pri >> 3, severity: pri & 7, priority: pri };
}

/** RFC 3164 (BSD) syslog: `[<PRI>]MMM dd [yyyy ]HH:MM:SS host tag[pid]: message`, also with an ISO stamp. */
export function syslog3164(line: string, opts: SyslogOptions = {}): Decoded {
  let rest = line;
  const fields: Record<string, unknown> = {};
  const p = PRI.exec(rest);
  if (p !== null) {
    fields.syslog = priFields(Number(p[1]));
    rest = rest.slice(p[0].length);
  }
  const b = BSD_TS.exec(rest);
  if (b !== null) {
    const year = b[3] !== undefined ? Number(b[3]) : (opts.year ?? new Date().getUTCFullYear());
    const ms = b[7] !== undefined ? Number(`0.${b[7]}`) * 1000 : 0;
    fields.timestamp = fromLocal(year, monthNumber(b[1] as string) ?? 0, Number(b[2]), Number(b[4]), Number(b[5]), Number(b[6]), Math.floor(ms), opts.timezone ?? 'UTC');
    rest = rest.slice(b[0].length);
  } else {
    const i = ISO_TS.exec(rest);
    if (i === null) throw new Error(`fixture line has no syslog timestamp: ${line.slice(0, 80)}`);
    fields.timestamp = new Date(i[1] as string).toISOString();
    rest = rest.slice(i[0].length);
  }
  const sp = rest.indexOf(' ');
  if (sp > 0) {
    fields.hostname = rest.slice(0, sp);
    rest = rest.slice(sp + 1);
  }
  const t = TAG.exec(rest);
  if (t !== null) {
    fields.app_name = t[1];
    if (t[2] !== undefined) fields.procid = t[2];
    rest = rest.slice(t[0].length);
  }
  fields.message = rest;
  return { format: 'syslog-rfc3164', fields };
}

/** RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`; an SD that is not RFC 5424 stays in the message. */
export function syslog5424(line: string): Decoded {
  const m = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (.*)$/s.exec(line);
  if (m === null) throw new Error(`fixture line is not RFC 5424: ${line.slice(0, 80)}`);
  const fields: Record<string, unknown> = { syslog: priFields(Number(m[1])) };
  const nil = (s: string | undefined): string | undefined => (s === undefined || s === '-' ? undefined : s);
  const ts = nil(m[2]);
  if (ts !== undefined) fields.timestamp = new Date(ts).toISOString();
  if (nil(m[3]) !== undefined) fields.hostname = m[3];
  if (nil(m[4]) !== undefined) fields.app_name = m[4];
  if (nil(m[5]) !== undefined) fields.procid = m[5];
  if (nil(m[6]) !== undefined) fields.msgid = m[6];
  let rest = m[7] as string;
  if (rest.startsWith('- ')) rest = rest.slice(2);
  fields.message = rest;
  return { format: 'syslog-rfc5424', fields };
}

/** key=value pairs, values bare or double-quoted with backslash escapes, after an optional <PRI>. */
export function kvLine(line: string): Decoded {
  const fields: Record<string, unknown> = {};
  let rest = line;
  const p = PRI.exec(rest);
  if (p !== null) {
    fields.syslog = priFields(Number(p[1]));
    rest = rest.slice(p[0].length);
  }
  for (const m of rest.matchAll(/([\w.-]+)=("((?:[^"\\]|\\.)*)"|\S*)/g)) {
    fields[m[1] as string] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2];
  }
  return { format: 'kv', fields };
}

export function jsonLine(line: string): Decoded {
  return { format: 'json', fields: JSON.parse(line) as Record<string, unknown> };
}

/** The record shape for a raw line that no structured decoder claims (auditd, squid native). */
export function rawLine(line: string): Decoded {
  return { format: 'kv', fields: { message: line } };
}
