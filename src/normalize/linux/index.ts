import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { EventDoc, fail } from '../common/doc.js';
import { fromIsoWithZone } from '../common/time.js';
import { isSyslog, syslogView, type SyslogView } from '../common/syslog.js';
import { int, str } from '../common/values.js';
import { parseAccountTools, parsePam, parseSshd, parseSu, parseSudo } from './auth-messages.js';
import { AUDIT_LINE, mapAuditLine } from './auditd.js';

const SOURCE = 'linux';
const AUTH_PROGRAMS = new Set(['sshd', 'sudo', 'su', 'useradd', 'usermod', 'groupadd', 'userdel', 'groupdel', 'passwd', 'login', 'systemd-logind', 'CRON', 'cron', 'gpasswd', 'chage', 'chfn']);
const AUDIT_PROGRAMS = new Set(['audit', 'auditd', 'audispd', 'audisp-syslog', 'kernel']);
const AUDIT_PREFIX = /^(?:node=\S+ )?type=[A-Z0-9_[\]]+ msg=audit\(/;
const PROGRAM_PREFIX = /^[\w.-]+$/;

/** The raw auditd line, whether it came wrapped in syslog or as a record with a `message` field. */
function auditText(d: Decoded): string | undefined {
  const m = d.fields.message;
  if (typeof m === 'string' && AUDIT_PREFIX.test(m)) return m;
  return undefined;
}

function programOf(v: SyslogView): string | undefined {
  const app = v.appName;
  if (app === undefined) return undefined;
  return PROGRAM_PREFIX.test(app) ? app : undefined;
}

function detect(d: Decoded): boolean {
  if (auditText(d) !== undefined) return true;
  if (!isSyslog(d)) return false;
  const app = str(d.fields.app_name);
  return app !== undefined && (AUTH_PROGRAMS.has(app) || AUDIT_PROGRAMS.has(app));
}

function map(d: Decoded, ctx: MapperContext): MapResult {
  const audit = auditText(d);
  if (audit !== undefined) return mapAudit(d, audit, ctx);
  if (!isSyslog(d)) {
    return fail(SOURCE, 'unsupported_format', `expected a syslog record or an auditd line, got format ${d.format}`);
  }
  const v = syslogView(d.fields);
  if (v === undefined) return fail(SOURCE, 'missing_message', 'syslog record has no string "message"');
  const program = programOf(v);
  if (program === undefined) return fail(SOURCE, 'missing_program', 'syslog record has no program name (app_name)');
  const ts = v.timestamp !== undefined ? fromIsoWithZone(v.timestamp) : undefined;
  if (v.timestamp !== undefined && ts === undefined) {
    return fail(SOURCE, 'bad_timestamp', `syslog timestamp is not ISO 8601 with a zone: ${JSON.stringify(v.timestamp.slice(0, 64))}`);
  }

  const doc = new EventDoc();
  doc.put(['@timestamp'], ts ?? ctx.receivedAt.toISOString());
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'module'], 'system');
  doc.put(['event', 'dataset'], 'system.auth');
  if (v.hostname !== undefined) {
    doc.put(['host', 'hostname'], v.hostname);
    doc.put(['host', 'name'], v.hostname);
    doc.relate('hosts', v.hostname);
  }
  doc.put(['process', 'name'], program);
  doc.put(['process', 'pid'], int(v.procid, 0));

  const msg = v.message;
  if (AUDIT_PROGRAMS.has(program) && AUDIT_LINE.test(msg)) return mapAudit(d, msg, ctx);
  let known: boolean;
  switch (program) {
    case 'sshd': known = parseSshd(doc, msg); break;
    case 'sudo': known = parseSudo(doc, msg); break;
    case 'su': known = parseSu(doc, msg); break;
    case 'useradd': case 'groupadd': case 'usermod': known = parseAccountTools(doc, program, msg); break;
    default: known = parsePam(doc, msg);
  }
  // Unrecognised auth lines are still events: keep the text, categorise nothing we cannot justify.
  if (!known) doc.put(['message'], msg);
  return doc.finish();
}

function mapAudit(d: Decoded, line: string, _ctx: MapperContext): MapResult {
  const doc = new EventDoc();
  doc.put(['event', 'module'], 'auditd');
  const host = str(d.fields.hostname);
  if (host !== undefined) {
    doc.put(['host', 'name'], host);
    doc.relate('hosts', host);
  }
  const r = mapAuditLine(doc, line);
  if (r === 'not-audit') return fail(SOURCE, 'bad_audit_record', 'auditd record does not match "type=T msg=audit(SECONDS:SERIAL): ..."');
  if (r === 'bad-time') return fail(SOURCE, 'bad_timestamp', 'auditd record timestamp is out of range');
  return doc.finish();
}

export const linuxMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Linux auth log (sshd, sudo, su, pam_unix, useradd/usermod/groupadd) and auditd records',
  priority: 60,
  detect,
  map,
};
