import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { EventDoc, fail } from '../common/doc.js';
import { fromLocalStamp } from '../common/local-time.js';
import { fromEpochAuto, offsetMinutes } from '../common/time.js';
import { int, ip, isRecord, port, str, transportFromIana, type Rec } from '../common/values.js';

/** Fortinet FortiGate key=value syslog (traffic, utm, event), as Elastic's fortinet_fortigate does. */

const SOURCE = 'fortigate';
const KV = /([\w-]+)=("((?:[^"\\]|\\.)*)"|\S*)/g;

/** Keys moved to ECS fields; everything else is kept under fortinet.firewall.*. */
const CONSUMED = new Set([
  'date', 'time', 'devname', 'devid', 'logid', 'eventtype', 'level', 'eventtime', 'tz', 'policyid', 'policytype', 'profile', 'applist',
  'user', 'group', 'srcip', 'srcport', 'srcintf', 'dstip', 'dstport', 'dstintf', 'proto', 'service', 'hostname', 'url', 'sentbyte',
  'rcvdbyte', 'sentpkt', 'rcvdpkt', 'direction', 'msg', 'catdesc', 'duration', 'appcat', 'app', 'scertcname', 'srcmac', 'dstmac',
  'transip', 'transport', 'tranip', 'tranport', 'syslog', 'message', 'srcname', 'agent',
]);
const DENIED = new Set(['deny', 'blocked', 'block', 'dropped', 'drop', 'reset', 'server-rst', 'client-rst']);
const ALLOWED = new Set(['accept', 'allow', 'allowed', 'pass', 'passthrough', 'close', 'timeout', 'start', 'permit']);

/** The key/value pairs: a kv record as decoded, or a syslog message holding them. */
function pairs(d: Decoded): Rec | undefined {
  const f = d.fields;
  if (d.format === 'kv' && typeof f.logid === 'string' && (typeof f.devid === 'string' || typeof f.devname === 'string')) return f;
  const msg = f.message;
  if (typeof msg === 'string' && msg.includes('logid=') && (msg.includes('devid=') || msg.includes('devname='))) {
    const out: Rec = {};
    for (const m of msg.matchAll(KV)) out[m[1] as string] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2];
    if (isRecord(f.syslog)) out.syslog = f.syslog;
    return out;
  }
  return undefined;
}

function detect(d: Decoded): boolean {
  return pairs(d) !== undefined;
}

function map(d: Decoded, ctx: MapperContext): MapResult {
  const f = pairs(d);
  if (f === undefined) return fail(SOURCE, 'not_fortigate', 'record has no FortiGate logid/devid key=value pairs');
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
  if (isRecord(f.syslog)) {
    doc.put(['log', 'syslog', 'priority'], int(f.syslog.priority, 0));
    doc.put(['log', 'syslog', 'facility', 'code'], int(f.syslog.facility, 0));
    doc.put(['log', 'syslog', 'severity', 'code'], int(f.syslog.severity, 0));
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

  const vendor: Rec = {};
  for (const [k, v] of Object.entries(f)) {
    if (CONSUMED.has(k)) continue;
    const s = str(v);
    if (s !== undefined) vendor[k] = s;
  }
  doc.merge(['fortinet', 'firewall'], vendor);
  return doc.finish();
}

export const fortigateMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Fortinet FortiGate key=value syslog (traffic, utm, event)',
  priority: 75,
  detect,
  map,
};
