import { parseKv } from '../../decode/kv.js';
import { skipBlank } from '../../decode/text.js';
import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { EventDoc, fail } from '../common/doc.js';
import { fromLocalStamp } from '../common/local-time.js';
import { fromEpochAuto, offsetMinutes } from '../common/time.js';
import { int, ip, isRecord, port, str, transportFromIana, type Rec } from '../common/values.js';
import { copyOwn } from '../../event/own-props.js';

/** Fortinet FortiGate key=value syslog (traffic, utm, event), as Elastic's fortinet_fortigate does. */

const SOURCE = 'fortigate';

/** Keys moved to ECS fields; everything else is kept under fortinet.firewall.*. */
const CONSUMED = new Set([
  'date', 'time', 'devname', 'devid', 'logid', 'eventtype', 'level', 'eventtime', 'tz', 'policyid', 'policytype', 'profile', 'applist',
  'user', 'group', 'srcip', 'srcport', 'srcintf', 'dstip', 'dstport', 'dstintf', 'proto', 'service', 'hostname', 'url', 'sentbyte',
  'rcvdbyte', 'sentpkt', 'rcvdpkt', 'direction', 'msg', 'catdesc', 'duration', 'appcat', 'app', 'scertcname', 'srcmac', 'dstmac',
  'transip', 'transport', 'tranip', 'tranport', 'srcname', 'agent',
]);
const DENIED = new Set(['deny', 'blocked', 'block', 'dropped', 'drop', 'reset', 'server-rst', 'client-rst']);
const ALLOWED = new Set(['accept', 'allow', 'allowed', 'pass', 'passthrough', 'close', 'timeout', 'start', 'permit']);

interface FortiRecord {
  pairs: Rec;
  /** The syslog header (PRI fields) when the pairs came behind one. */
  syslog?: Rec;
}

const LOGID = /^\d{10}$/;

function isFortiPairs(p: Rec): boolean {
  if (typeof p.logid !== 'string') return false;
  if (typeof p.devid === 'string' || typeof p.devname === 'string') return true;
  // Elastic's FortiOS 7.4 samples carry no devid/devname: a 10-digit logid with type, subtype and vd is FortiOS's layout all the same.
  return LOGID.test(p.logid) && typeof p.type === 'string' && typeof p.subtype === 'string' && typeof p.vd === 'string';
}

/**
 * The key/value pairs: the kv decoder's `{kv, syslog?}` (FortiGate sends the pairs right after the
 * syslog header, with no program tag), or a syslog record whose message holds them (a relay that
 * added a tag).
 */
function fortiRecord(d: Decoded): FortiRecord | undefined {
  const f = d.fields;
  if (d.format === 'kv') {
    if (!isRecord(f.kv) || !isFortiPairs(f.kv)) return undefined;
    return isRecord(f.syslog) ? { pairs: f.kv, syslog: f.syslog } : { pairs: f.kv };
  }
  if (d.format !== 'syslog-rfc3164' && d.format !== 'syslog-rfc5424') return undefined;
  const msg = f.message;
  if (typeof msg !== 'string' || !msg.includes('logid=')) return undefined;
  const kv = parseKv(msg, skipBlank(msg));
  if (!kv.ok || !isFortiPairs(kv.pairs)) return undefined;
  const syslog = isRecord(f.syslog) ? f.syslog : undefined;
  return syslog !== undefined ? { pairs: kv.pairs, syslog } : { pairs: kv.pairs };
}

function detect(d: Decoded): boolean {
  return fortiRecord(d) !== undefined;
}

function map(d: Decoded, ctx: MapperContext): MapResult {
  const r = fortiRecord(d);
  if (r === undefined) return fail(SOURCE, 'not_fortigate', 'record has no FortiGate logid/devid key=value pairs');
  const f = r.pairs;
  const date = str(f.date);
  const time = str(f.time);
  if (date === undefined || time === undefined) return fail(SOURCE, 'missing_time', 'FortiGate log has no date= and time=');
  const tz = str(f.tz);
  const zone = tz !== undefined && offsetMinutes(tz) !== undefined ? tz : ctx.timezone;
  const ts = fromLocalStamp(`${date} ${time}`, zone);
  if (ts === undefined) return fail(SOURCE, 'bad_timestamp', `date/time are not "YYYY-MM-DD" and "hh:mm:ss": ${JSON.stringify(`${date} ${time}`.slice(0, 40))}`);

  const doc = new EventDoc();
  doc.put(['@timestamp'], ts);
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'module'], 'fortinet_fortigate');
  doc.put(['event', 'dataset'], 'fortinet_fortigate.log');
  doc.put(['event', 'code'], str(f.logid));
  const type = str(f.type);
  const subtype = str(f.subtype);
  const action = str(f.action);
  doc.put(['event', 'action'], str(f.eventtype) ?? action);
  doc.put(['event', 'outcome'], 'success');
  const evtime = str(f.eventtime);
  doc.put(['event', 'start'], evtime !== undefined ? fromEpochAuto(evtime) : undefined);
  const duration = int(f.duration, 0);
  if (duration !== undefined) doc.put(['event', 'duration'], duration * 1e9);
  const verdict = action !== undefined && DENIED.has(action) ? 'denied' : action !== undefined && ALLOWED.has(action) ? 'allowed' : undefined;
  if (type === 'traffic') {
    doc.put(['event', 'category'], ['network']);
    doc.put(['event', 'type'], verdict !== undefined ? ['connection', 'end', verdict] : ['connection', 'end']);
  } else if (type === 'utm') {
    doc.put(['event', 'category'], ['network']);
    doc.put(['event', 'type'], verdict !== undefined ? [verdict] : ['info']);
  } else if (type === 'event') {
    doc.put(['event', 'category'], subtype === 'user' || subtype === 'vpn' ? ['authentication'] : ['host']);
    doc.put(['event', 'type'], ['info']);
  }
  doc.put(['message'], str(f.msg));
  doc.put(['log', 'level'], str(f.level));
  if (r.syslog !== undefined) {
    doc.put(['log', 'syslog', 'priority'], int(r.syslog.priority, 0));
    doc.put(['log', 'syslog', 'facility', 'code'], int(r.syslog.facility, 0));
    doc.put(['log', 'syslog', 'severity', 'code'], int(r.syslog.severity, 0));
  }

  const src = ip(f.srcip);
  const dst = ip(f.dstip);
  doc.put(['source', 'ip'], src);
  doc.put(['source', 'port'], port(f.srcport));
  doc.put(['destination', 'ip'], dst);
  doc.put(['destination', 'port'], port(f.dstport));
  doc.relate('ip', src);
  doc.relate('ip', dst);
  const sent = int(f.sentbyte, 0);
  const rcvd = int(f.rcvdbyte, 0);
  doc.put(['source', 'bytes'], sent);
  doc.put(['destination', 'bytes'], rcvd);
  if (sent !== undefined && rcvd !== undefined) doc.put(['network', 'bytes'], sent + rcvd);
  doc.put(['source', 'packets'], int(f.sentpkt, 0));
  doc.put(['destination', 'packets'], int(f.rcvdpkt, 0));
  const user = str(f.user);
  doc.put(['source', 'user', 'name'], user);
  doc.put(['user', 'name'], user);
  doc.put(['source', 'user', 'group', 'name'], str(f.group));
  doc.relate('user', user);
  const proto = str(f.proto);
  doc.put(['network', 'iana_number'], proto);
  doc.put(['network', 'transport'], proto !== undefined ? transportFromIana(proto) : undefined);
  doc.put(['network', 'protocol'], str(f.service)?.toLowerCase());
  doc.put(['network', 'application'], str(f.app));
  const dir = str(f.direction);
  doc.put(['network', 'direction'], dir === 'outgoing' ? 'outbound' : dir === 'incoming' ? 'inbound' : undefined);
  doc.put(['observer', 'name'], str(f.devname));
  doc.put(['observer', 'serial_number'], str(f.devid));
  doc.put(['observer', 'ingress', 'interface', 'name'], str(f.srcintf));
  doc.put(['observer', 'egress', 'interface', 'name'], str(f.dstintf));
  doc.put(['observer', 'product'], 'Fortigate');
  doc.put(['observer', 'vendor'], 'Fortinet');
  doc.put(['observer', 'type'], 'firewall');
  doc.put(['rule', 'id'], str(f.policyid));
  doc.put(['rule', 'ruleset'], str(f.profile) ?? str(f.policytype) ?? str(f.applist));
  doc.put(['rule', 'category'], str(f.catdesc) ?? str(f.appcat));
  doc.put(['url', 'domain'], str(f.hostname));
  doc.put(['url', 'path'], str(f.url));
  doc.put(['tls', 'server', 'x509', 'subject', 'common_name'], str(f.scertcname));

  doc.merge(['fortinet', 'firewall'], copyOwn({}, f, vendorValue));
  return doc.finish();
}

/** fortinet.firewall.*: every pair no ECS field took, as text. */
function vendorValue(v: unknown, k: string): string | undefined {
  return CONSUMED.has(k) ? undefined : str(v);
}

export const fortigateMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Fortinet FortiGate key=value syslog (traffic, utm, event)',
  priority: 75,
  detect,
  map,
};
