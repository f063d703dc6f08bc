import type { Decoded } from '../../decode/types.js';
import { isRecord, str, int, type Rec } from './values.js';

/** The header fields the syslog decoders give (RFC 3164 and 5424 alike). */
export interface SyslogView {
  timestamp?: string;
  hostname?: string;
  appName?: string;
  procid?: string;
  message: string;
  facility?: number;
  severity?: number;
  priority?: number;
}

export function isSyslog(d: Decoded): boolean {
  return d.format === 'syslog-rfc3164' || d.format === 'syslog-rfc5424';
}

/** Read the syslog shape agreed with the decoders; undefined when `message` is missing. */
export function syslogView(fields: Rec): SyslogView | undefined {
  const message = fields.message;
  if (typeof message !== 'string') return undefined;
  const view: SyslogView = { message };
  const ts = str(fields.timestamp);
  if (ts !== undefined) view.timestamp = ts;
  const host = str(fields.hostname);
  if (host !== undefined) view.hostname = host;
  const app = str(fields.app_name);
  if (app !== undefined) view.appName = app;
  const pid = str(fields.procid);
  if (pid !== undefined) view.procid = pid;
  const sys = fields.syslog;
  if (isRecord(sys)) {
    const f = int(sys.facility, 0, 23);
    const s = int(sys.severity, 0, 7);
    const p = int(sys.priority, 0, 191);
    if (f !== undefined) view.facility = f;
    if (s !== undefined) view.severity = s;
    if (p !== undefined) view.priority = p;
  }
  return view;
}
