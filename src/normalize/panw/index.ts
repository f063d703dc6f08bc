import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { communityId } from '../common/community-id.js';
import { splitCsv } from '../common/csv.js';
import { EventDoc, fail } from '../common/doc.js';
import { fromLocalStamp } from '../common/local-time.js';
import { int, ip, port, str, type Rec } from '../common/values.js';
import { copyOwn, lookupTable } from '../../event/own-props.js';

/** Palo Alto Networks PAN-OS syslog (CSV) TRAFFIC and THREAT logs, as Elastic's panw.panos does. */

const SOURCE = 'panw';
const HEAD = /^\d+,\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2},[^,]*,(TRAFFIC|THREAT|SYSTEM|CONFIG|HIPMATCH|GLOBALPROTECT|USERID|AUTHENTICATION|DECRYPTION|TUNNEL|CORRELATION|IPTAG|SCTP|GTP),/;

// Session flags (PAN-OS log field "Flags") that Elastic turns into labels.
const FLAG_LABELS: readonly (readonly [number, string])[] = [
  [0x80000000, 'pcap_included'], [0x02000000, 'ipv6_session'], [0x01000000, 'ssl_decrypted'], [0x00800000, 'url_filter_denied'],
  [0x00400000, 'nat_translated'], [0x00200000, 'captive_portal'], [0x00080000, 'x_forwarded_for'], [0x00040000, 'http_proxy'],
  [0x00008000, 'container_page'], [0x00002000, 'temporary_match'], [0x00000800, 'symmetric_return'],
];
const SEVERITY: Readonly<Record<string, number>> = lookupTable({ critical: 1, high: 2, medium: 3, low: 4, informational: 5 });
const TRAFFIC_ACTION: Readonly<Record<string, string>> = lookupTable({ start: 'flow_started', end: 'flow_terminated', drop: 'flow_dropped', deny: 'flow_denied' });
const THREAT_ACTION: Readonly<Record<string, string>> = lookupTable({
  url: 'url_filtering', virus: 'malware_detected', wildfire: 'malware_detected', spyware: 'spyware_detected', vulnerability: 'exploit_detected',
  file: 'file_match', data: 'data_match', flood: 'flood_detected', scan: 'scan_detected', 'wildfire-virus': 'malware_detected',
});

/**
 * The CSV text. PAN-OS puts it right after the syslog header without a tag, so an RFC 3164 decoder
 * may have taken its first token as the host name or the program; put the pieces back together.
 */
function csvText(f: Rec): string | undefined {
  const msg = str(f.message);
  if (msg === undefined) return undefined;
  if (HEAD.test(msg)) return msg;
  const app = str(f.app_name);
  const host = str(f.hostname);
  for (const candidate of [app !== undefined ? `${app} ${msg}` : undefined, host !== undefined ? `${host} ${msg}` : undefined]) {
    if (candidate !== undefined && HEAD.test(candidate)) return candidate;
  }
  return undefined;
}

function detect(d: Decoded): boolean {
  return csvText(d.fields) !== undefined;
}

const allowed = (action: string): boolean => action === 'allow' || action === 'alert';

function map(d: Decoded, ctx: MapperContext): MapResult {
  const text = csvText(d.fields);
  if (text === undefined) return fail(SOURCE, 'not_panos_csv', 'message is not a PAN-OS CSV log (FUTURE_USE,receive time,serial,type,...)');
  const c = splitCsv(text);
  const type = c[3] as string;
  if (type !== 'TRAFFIC' && type !== 'THREAT') return fail(SOURCE, 'unsupported_type', `PAN-OS log type ${type} is not mapped (TRAFFIC and THREAT are)`);
  const minFields = type === 'TRAFFIC' ? 46 : 40;
  if (c.length < minFields) return fail(SOURCE, 'truncated', `PAN-OS ${type} log has ${c.length} fields, expected at least ${minFields}`);
  const at = (i: number): string | undefined => str(c[i]);
  const tz = ctx.timezone;
  const generated = fromLocalStamp(c[6] ?? '', tz);
  if (generated === undefined) return fail(SOURCE, 'bad_timestamp', `generated time is not "YYYY/MM/DD hh:mm:ss": ${JSON.stringify((c[6] ?? '').slice(0, 32))}`);
  const received = fromLocalStamp(c[1] ?? '', tz);
  const src = ip(c[7]);
  const dst = ip(c[8]);
  if (src === undefined || dst === undefined) return fail(SOURCE, 'bad_address', 'source and destination must be IP addresses');

  const doc = new EventDoc();
  doc.put(['@timestamp'], generated);
  doc.put(['event', 'created'], received);
  doc.put(['event', 'module'], 'panw');
  doc.put(['event', 'dataset'], 'panw.panos');
  const subtype = at(4) ?? '';
  const action = at(30) ?? '';
  const natSrc = ip(c[9]);
  const natDst = ip(c[10]);
  const sport = port(c[24]);
  const dport = port(c[25]);
  const natSport = port(c[26]);
  const natDport = port(c[27]);
  const transport = at(29);

  doc.put(['source', 'ip'], src);
  doc.put(['source', 'port'], sport);
  doc.put(['destination', 'ip'], dst);
  doc.put(['destination', 'port'], dport);
  for (const a of [src, dst, natSrc, natDst]) doc.relate('ip', a);
  const translated = natSrc !== undefined && natSrc !== '0.0.0.0';
  if (translated) {
    doc.put(['source', 'nat', 'ip'], natSrc);
    doc.put(['source', 'nat', 'port'], natSport);
  }
  if (natDst !== undefined && natDst !== '0.0.0.0') {
    doc.put(['destination', 'nat', 'ip'], natDst);
    doc.put(['destination', 'nat', 'port'], natDport);
  }
  const srcUser = at(12);
  const dstUser = at(13);
  doc.put(['source', 'user', 'name'], srcUser);
  doc.put(['user', 'name'], srcUser);
  doc.put(['destination', 'user', 'name'], dstUser);
  doc.relate('user', srcUser);
  doc.relate('user', dstUser);
  doc.put(['rule', 'name'], at(11));
  doc.put(['network', 'application'], at(14));
  doc.put(['network', 'transport'], transport);
  doc.put(['network', 'type'], src.includes(':') ? 'ipv6' : 'ipv4');
  if (transport === 'tcp' || transport === 'udp') {
    const orig = communityId(transport, src, sport, dst, dport);
    if (translated && natDst !== undefined) {
      const nat = communityId(transport, natSrc, natSport, natDst, natDport);
      doc.put(['network', 'community_id'], nat !== undefined && orig !== undefined ? [orig, nat] : orig);
      doc.put(['panw', 'panos', 'network', 'nat', 'community_id'], nat);
    } else doc.put(['network', 'community_id'], orig);
  }
  doc.put(['observer', 'serial_number'], at(2));
  doc.put(['observer', 'product'], 'PAN-OS');
  doc.put(['observer', 'vendor'], 'Palo Alto Networks');
  doc.put(['observer', 'type'], 'firewall');
  doc.put(['observer', 'ingress', 'zone'], at(16));
  doc.put(['observer', 'egress', 'zone'], at(17));
  doc.put(['observer', 'ingress', 'interface', 'name'], at(18));
  doc.put(['observer', 'egress', 'interface', 'name'], at(19));
  const flags = Number.parseInt(c[28] ?? '', 16);
  if (Number.isFinite(flags)) for (const [bit, label] of FLAG_LABELS) if ((flags & bit) !== 0) doc.put(['labels', label], true);

  const p: Rec = {
    type, sub_type: subtype, action, ruleset: at(11), virtual_sys: at(15), log_profile: at(20), flow_id: at(22),
    repeat_count: int(c[23], 0),
  };
  const ok = allowed(action);
  doc.put(['event', 'outcome'], ok ? 'success' : 'failure');

  if (type === 'TRAFFIC') {
    doc.put(['event', 'kind'], 'event');
    doc.put(['event', 'category'], ['network']);
    doc.put(['event', 'action'], TRAFFIC_ACTION[subtype] ?? subtype);
    const phase = subtype === 'start' ? 'start' : 'end';
    doc.put(['event', 'type'], [ok ? 'allowed' : 'denied', phase, 'connection']);
    const bytes = int(c[31], 0);
    const sent = int(c[32], 0);
    const rcvd = int(c[33], 0);
    doc.put(['network', 'bytes'], bytes);
    doc.put(['source', 'bytes'], sent);
    doc.put(['destination', 'bytes'], rcvd);
    doc.put(['network', 'packets'], int(c[34], 0));
    doc.put(['source', 'packets'], int(c[44], 0));
    doc.put(['destination', 'packets'], int(c[45], 0));
    const start = fromLocalStamp(c[35] ?? '', tz);
    const elapsed = int(c[36], 0);
    doc.put(['event', 'start'], start);
    if (elapsed !== undefined) {
      doc.put(['event', 'duration'], elapsed * 1e9);
      if (start !== undefined) doc.put(['event', 'end'], new Date(Date.parse(start) + elapsed * 1000).toISOString());
    }
    doc.put(['source', 'geo', 'name'], at(41));
    doc.put(['destination', 'geo', 'name'], at(42));
    Object.assign(p, {
      url: at(37) !== undefined ? { category: at(37) } : undefined, sequence_number: at(39), action_flags: at(40), endreason: at(46),
      device_group_hierarchy1: at(47), device_group_hierarchy2: at(48), device_group_hierarchy3: at(49), device_group_hierarchy4: at(50),
      action_source: at(53), imsi: at(56), parent_session: at(58) !== undefined ? { id: at(58) } : undefined, tunnel_type: at(60),
      sctp: at(61) !== undefined ? { assoc_id: at(61) } : undefined,
    });
    const device = at(52);
    doc.put(['observer', 'hostname'], device);
    doc.relate('hosts', device);
  } else {
    doc.put(['event', 'kind'], 'alert');
    doc.put(['event', 'category'], ['intrusion_detection', 'threat', 'network']);
    doc.put(['event', 'action'], THREAT_ACTION[subtype] ?? subtype);
    doc.put(['event', 'type'], [ok ? 'allowed' : 'denied']);
    const severity = at(34);
    doc.put(['log', 'level'], severity);
    doc.put(['event', 'severity'], severity !== undefined ? SEVERITY[severity] : undefined);
    const direction = at(35);
    doc.put(['network', 'direction'], direction === 'client-to-server' ? 'inbound' : direction === 'server-to-client' ? 'outbound' : undefined);
    const misc = at(31);
    if (subtype === 'url' && misc !== undefined) {
      doc.put(['url', 'original'], misc);
      const slash = misc.indexOf('/');
      const host = slash >= 0 ? misc.slice(0, slash) : misc;
      doc.put(['url', 'domain'], host);
      doc.put(['url', 'path'], slash >= 0 ? misc.slice(slash) : undefined);
      doc.put(['destination', 'domain'], host);
    } else if (misc !== undefined) doc.put(['file', 'name'], misc);
    const threat = /^(.*?)\s*\((\d+)\)$/.exec(at(32) ?? '');
    if (threat !== null) {
      const name = str(threat[1]) ?? (threat[2] === '9999' ? 'URL-filtering' : undefined);
      p.threat = { id: threat[2], name };
    }
    doc.put(['source', 'geo', 'name'], at(38));
    doc.put(['destination', 'geo', 'name'], at(39));
    Object.assign(p, {
      url: at(33) !== undefined ? { category: at(33) } : undefined, sequence_number: at(36), action_flags: at(37), url_idx: at(45),
      wildfire: at(53) !== undefined ? { report_id: at(53) } : undefined,
      device_group_hierarchy1: at(54), device_group_hierarchy2: at(55), device_group_hierarchy3: at(56), device_group_hierarchy4: at(57),
      imsi: at(64), parent_session: at(66) !== undefined ? { id: at(66) } : undefined, tunnel_type: at(68), threat_category: at(69),
      content_version: at(70), sctp: at(72) !== undefined ? { assoc_id: at(72) } : undefined, payload_protocol_id: at(73),
      generated_time: generated, received_time: received, logged_time: fromLocalStamp(c[21] ?? '', tz),
    });
    const device = at(59);
    doc.put(['observer', 'hostname'], device);
    doc.relate('hosts', device);
    doc.put(['user_agent', 'original'], at(46));
    doc.put(['http', 'request', 'method'], at(63));
  }
  // One object for panw.panos, not a path put per field (each put walked the path and allocated one);
  // null and undefined are left out, as put leaves them.
  doc.merge(['panw', 'panos'], copyOwn({}, p, (v) => v ?? undefined));
  return doc.finish();
}

export const panwMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Palo Alto Networks PAN-OS syslog (CSV): TRAFFIC and THREAT',
  priority: 75,
  detect,
  map,
};
