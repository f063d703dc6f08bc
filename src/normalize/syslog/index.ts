import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { EventDoc, fail } from '../common/doc.js';
import { isSyslog } from '../common/syslog.js';
import { fromIsoWithZone } from '../common/time.js';
import { int, isRecord, str } from '../common/values.js';

/**
 * The fallback for RFC 3164 / RFC 5424 records no specific mapper claims: the header becomes ECS
 * (`host`, `process`, `log.syslog.*`), the text becomes `message`. Nothing is guessed from the text.
 */

const SOURCE = 'syslog';

/** RFC 5424 section 6.2.1 facility keywords, indexed by code. */
const FACILITY_NAMES: readonly string[] = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];
/** RFC 5424 section 6.2.1 severity keywords, indexed by code. */
const SEVERITY_NAMES: readonly string[] = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'];

function detect(d: Decoded): boolean {
  return isSyslog(d);
}

function map(d: Decoded, ctx: MapperContext): MapResult {
  if (!isSyslog(d)) return fail(SOURCE, 'unsupported_format', `format ${d.format} is not syslog`);
  const f = d.fields;
  const host = str(f.hostname);
  const app = str(f.app_name);
  const procid = str(f.procid);
  const msgid = str(f.msgid);
  const sd = isRecord(f.structured_data) && Object.keys(f.structured_data).length > 0 ? f.structured_data : undefined;
  const message = typeof f.message === 'string' ? f.message.trim() : undefined;
  if (f.message !== undefined && typeof f.message !== 'string') return fail(SOURCE, 'bad_message', 'syslog "message" is not a string');
  if (!message && host === undefined && app === undefined && sd === undefined) {
    return fail(SOURCE, 'empty_record', 'syslog record has no message, hostname, app name or structured data');
  }

  const doc = new EventDoc();
  let ts: string | undefined;
  if (f.timestamp !== undefined) {
    ts = typeof f.timestamp === 'string' ? fromIsoWithZone(f.timestamp) : undefined;
    if (ts === undefined) return fail(SOURCE, 'bad_timestamp', `syslog timestamp is not an ISO date: ${String(f.timestamp).slice(0, 64)}`);
  }
  // RFC 5424 allows a nil timestamp and some 3164 senders omit it: the receive time stands in, marked as such.
  doc.put(['@timestamp'], ts ?? ctx.receivedAt.toISOString());
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'module'], SOURCE);
  doc.put(['event', 'dataset'], 'syslog.log');
  if (ts === undefined) doc.put(['event', 'created'], ctx.receivedAt.toISOString());

  if (host !== undefined) {
    doc.put(['host', 'hostname'], host);
    doc.put(['host', 'name'], host);
    doc.relate('hosts', host);
  }
  doc.put(['process', 'name'], app);
  doc.put(['process', 'pid'], int(procid, 0));
  if (message) doc.put(['message'], message);

  const h = isRecord(f.syslog) ? f.syslog : {};
  const facility = int(h.facility, 0, 23);
  const severity = int(h.severity, 0, 7);
  doc.put(['log', 'syslog', 'priority'], int(h.priority, 0, 191));
  if (facility !== undefined) {
    doc.put(['log', 'syslog', 'facility', 'code'], facility);
    doc.put(['log', 'syslog', 'facility', 'name'], FACILITY_NAMES[facility]);
  }
  if (severity !== undefined) {
    doc.put(['log', 'syslog', 'severity', 'code'], severity);
    doc.put(['log', 'syslog', 'severity', 'name'], SEVERITY_NAMES[severity]);
  }
  doc.put(['log', 'syslog', 'version'], str(h.version));
  doc.put(['log', 'syslog', 'hostname'], host);
  doc.put(['log', 'syslog', 'appname'], app);
  doc.put(['log', 'syslog', 'procid'], procid);
  doc.put(['log', 'syslog', 'msgid'], msgid);
  if (sd !== undefined) doc.put(['log', 'syslog', 'structured_data'], sd);
  return doc.finish();
}

export const syslogMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Fallback for RFC 3164/5424 syslog records no specific mapper claims: header to ECS, text to message',
  priority: 1,
  detect,
  map,
};
