import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { communityId } from '../common/community-id.js';
import { EventDoc, fail } from '../common/doc.js';
import { domainParts } from '../common/domain.js';
import { fromIsoWithZone, fromLocal } from '../common/time.js';
import { int, ip, isRecord, port, str, type Rec } from '../common/values.js';

/** Suricata EVE JSON (alert, flow, dns, http, tls, fileinfo, ssh, stats), as Elastic's suricata.eve does. */

const SOURCE = 'suricata';
const APP_PROTOCOLS = new Set(['dns', 'http', 'tls', 'ssh', 'smtp', 'ftp', 'smb', 'dhcp', 'krb5', 'nfs', 'rdp', 'sip', 'snmp', 'tftp', 'mqtt', 'http2', 'quic']);
const TLS_VERSION = /^(TLS|SSL)v?\s?(\d(?:\.\d)?)$/;

function detect(d: Decoded): boolean {
  const f = d.fields;
  return d.format === 'json' && typeof f.event_type === 'string' && typeof f.timestamp === 'string'
    && ('flow_id' in f || 'src_ip' in f || f.event_type === 'stats');
}

/** EVE certificate times carry no zone; Suricata writes them in UTC. */
function certTime(v: unknown): string | undefined {
  const s = str(v);
  const m = s === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (m === null) return undefined;
  return fromLocal(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), 0, 'UTC');
}

function stripDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function without(o: Rec, keys: readonly string[]): Rec {
  const out: Rec = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k) && v !== null) out[k] = v;
  return out;
}

function map(d: Decoded, _ctx: MapperContext): MapResult {
  const f = d.fields;
  const eventType = str(f.event_type);
  if (eventType === undefined) return fail(SOURCE, 'missing_event_type', 'EVE record has no string "event_type"');
  const rawTs = f.timestamp;
  if (typeof rawTs !== 'string') return fail(SOURCE, 'missing_timestamp', 'EVE record has no string "timestamp"');
  const ts = fromIsoWithZone(rawTs);
  if (ts === undefined) return fail(SOURCE, 'bad_timestamp', `"timestamp" is not ISO 8601 with a zone: ${JSON.stringify(rawTs.slice(0, 64))}`);
  for (const k of ['alert', 'flow', 'http', 'dns', 'tls', 'fileinfo'] as const) {
    if (f[k] !== undefined && !isRecord(f[k])) return fail(SOURCE, `bad_${k}`, `"${k}" must be an object`);
  }

  const doc = new EventDoc();
  doc.put(['@timestamp'], ts);
  doc.put(['event', 'module'], 'suricata');
  doc.put(['event', 'dataset'], 'suricata.eve');
  doc.put(['observer', 'product'], 'Suricata');
  doc.put(['observer', 'type'], 'ids');
  doc.put(['observer', 'vendor'], 'OISF');
  const eve: Rec = { event_type: eventType };
  const flowId = f.flow_id;
  if (typeof flowId === 'number' || typeof flowId === 'string') eve.flow_id = String(flowId);
  if (str(f.in_iface) !== undefined) eve.in_iface = f.in_iface;
  if (int(f.tx_id, 0) !== undefined) eve.tx_id = int(f.tx_id, 0);

  if (eventType === 'stats') {
    doc.put(['event', 'kind'], 'metric');
    doc.put(['event', 'category'], ['network']);
    if (isRecord(f.stats)) eve.stats = f.stats;
    doc.merge(['suricata', 'eve'], eve);
    return doc.finish();
  }

  const src = ip(f.src_ip);
  const dst = ip(f.dest_ip);
  if (f.src_ip !== undefined && src === undefined) return fail(SOURCE, 'bad_address', `"src_ip" is not an IP address: ${JSON.stringify(String(f.src_ip).slice(0, 64))}`);
  if (f.dest_ip !== undefined && dst === undefined) return fail(SOURCE, 'bad_address', `"dest_ip" is not an IP address: ${JSON.stringify(String(f.dest_ip).slice(0, 64))}`);
  const sport = port(f.src_port);
  const dport = port(f.dest_port);
  doc.put(['source', 'address'], src);
  doc.put(['source', 'ip'], src);
  doc.put(['source', 'port'], sport);
  doc.put(['destination', 'address'], dst);
  doc.put(['destination', 'ip'], dst);
  doc.put(['destination', 'port'], dport);
  doc.relate('ip', src);
  doc.relate('ip', dst);
  const transport = str(f.proto)?.toLowerCase();
  doc.put(['network', 'transport'], transport);
  if (transport !== undefined && src !== undefined && dst !== undefined) {
    doc.put(['network', 'community_id'], communityId(transport, src, sport, dst, dport));
  }
  const app = str(f.app_proto);
  const protocol = app !== undefined && app !== 'failed' ? app : APP_PROTOCOLS.has(eventType) ? eventType : undefined;
  doc.put(['network', 'protocol'], protocol);

  const category = ['network'];
  let type: string[] | undefined;
  let kind = 'event';

  const flow = isRecord(f.flow) ? f.flow : undefined;
  if (flow !== undefined) {
    doc.flowCounters({ sourceBytes: int(flow.bytes_toserver, 0), destinationBytes: int(flow.bytes_toclient, 0), sourcePackets: int(flow.pkts_toserver, 0), destinationPackets: int(flow.pkts_toclient, 0) });
    const start = typeof flow.start === 'string' ? fromIsoWithZone(flow.start) : undefined;
    const end = typeof flow.end === 'string' ? fromIsoWithZone(flow.end) : undefined;
    doc.put(['event', 'start'], start);
    doc.put(['event', 'end'], end);
    if (start !== undefined && end !== undefined) doc.put(['event', 'duration'], (Date.parse(end) - Date.parse(start)) * 1e6);
    eve.flow = without(flow, ['bytes_toserver', 'bytes_toclient', 'pkts_toserver', 'pkts_toclient', 'start', 'end']);
    if (eventType === 'flow') type = ['connection', flow.state === 'closed' ? 'end' : 'start'];
  }

  const alert = isRecord(f.alert) ? f.alert : undefined;
  if (eventType === 'alert' && alert !== undefined) {
    kind = 'alert';
    category.push('intrusion_detection');
    const action = str(alert.action);
    type = action === 'blocked' ? ['denied'] : action === 'allowed' ? ['allowed'] : ['info'];
    doc.put(['event', 'severity'], int(alert.severity, 0));
    const sid = int(alert.signature_id, 0);
    doc.put(['rule', 'id'], sid !== undefined ? String(sid) : undefined);
    doc.put(['rule', 'name'], str(alert.signature));
    doc.put(['rule', 'category'], str(alert.category));
    doc.put(['message'], str(alert.category));
    eve.alert = without(alert, ['action', 'severity']);
  }

  const http = isRecord(f.http) ? f.http : undefined;
  if (http !== undefined) {
    if (eventType === 'http') {
      category.push('web');
      type = ['access', 'protocol'];
    }
    const host = str(http.hostname);
    doc.put(['destination', 'domain'], host);
    doc.relate('hosts', host);
    doc.put(['url', 'domain'], host);
    const url = str(http.url);
    if (url !== undefined) {
      doc.put(['url', 'original'], url);
      const q = url.indexOf('?');
      doc.put(['url', 'path'], q >= 0 ? url.slice(0, q) : url);
      if (q >= 0 && q < url.length - 1) doc.put(['url', 'query'], url.slice(q + 1));
    }
    doc.put(['http', 'request', 'method'], str(http.http_method));
    const status = int(http.status, 100, 999);
    doc.put(['http', 'response', 'status_code'], status);
    doc.put(['http', 'response', 'body', 'bytes'], int(http.length, 0));
    doc.put(['http', 'request', 'referrer'], str(http.http_refer));
    doc.put(['user_agent', 'original'], str(http.http_user_agent));
    if (eventType === 'http' && status !== undefined) doc.put(['event', 'outcome'], status < 400 ? 'success' : 'failure');
    eve.http = without(http, ['hostname', 'url', 'http_user_agent', 'http_method', 'status', 'length', 'http_refer']);
  }

  const dns = isRecord(f.dns) ? f.dns : undefined;
  if (dns !== undefined) {
    type ??= ['protocol'];
    const id = int(dns.id, 0);
    doc.put(['dns', 'id'], id !== undefined ? String(id) : undefined);
    const dnsType = str(dns.type);
    doc.put(['dns', 'type'], dnsType === 'answer' ? 'answer' : dnsType === 'query' ? 'query' : dnsType);
    doc.put(['dns', 'response_code'], str(dns.rcode));
    const name = str(dns.rrname);
    if (name !== undefined) {
      doc.put(['dns', 'question', 'name'], name);
      const parts = domainParts(name);
      doc.put(['dns', 'question', 'registered_domain'], parts.registered_domain);
      doc.put(['dns', 'question', 'subdomain'], parts.subdomain);
      doc.put(['dns', 'question', 'top_level_domain'], parts.top_level_domain);
    }
    const rdata = str(dns.rdata);
    if (dnsType === 'answer' && rdata !== undefined) {
      doc.put(['dns', 'answers'], [{ data: rdata, name, ttl: int(dns.ttl, 0), type: str(dns.rrtype) }]);
      doc.put(['dns', 'resolved_ip'], ip(rdata) !== undefined ? [rdata] : []);
      doc.relate('ip', ip(rdata));
    } else if (dnsType === 'query') {
      doc.put(['dns', 'question', 'type'], str(dns.rrtype));
    }
    eve.dns = dns;
  }

  const tls = isRecord(f.tls) ? f.tls : undefined;
  if (tls !== undefined) {
    type ??= ['protocol'];
    const sni = str(tls.sni);
    const server = sni !== undefined ? stripDot(sni) : undefined;
    doc.put(['tls', 'client', 'server_name'], server);
    doc.put(['destination', 'domain'], server);
    doc.relate('hosts', server);
    const v = TLS_VERSION.exec(str(tls.version) ?? '');
    if (v !== null) {
      doc.put(['tls', 'version'], v[2]);
      doc.put(['tls', 'version_protocol'], (v[1] as string).toLowerCase());
    }
    if (typeof tls.session_resumed === 'boolean') doc.put(['tls', 'resumed'], tls.session_resumed);
    const fp = str(tls.fingerprint);
    if (fp !== undefined) {
      const sha1 = fp.replace(/:/g, '').toUpperCase();
      doc.put(['tls', 'server', 'hash', 'sha1'], sha1);
      doc.relate('hash', sha1);
    }
    doc.put(['tls', 'server', 'issuer'], str(tls.issuerdn));
    doc.put(['tls', 'server', 'subject'], str(tls.subject));
    doc.put(['tls', 'server', 'not_before'], certTime(tls.notbefore));
    doc.put(['tls', 'server', 'not_after'], certTime(tls.notafter));
    const ja3 = isRecord(tls.ja3) ? str(tls.ja3.hash) : undefined;
    const ja3s = isRecord(tls.ja3s) ? str(tls.ja3s.hash) : undefined;
    doc.put(['tls', 'client', 'ja3'], ja3);
    doc.put(['tls', 'server', 'ja3s'], ja3s);
    doc.relate('hash', ja3);
    doc.relate('hash', ja3s);
    eve.tls = server !== undefined ? { ...tls, sni: server } : tls;
  }

  const fileinfo = isRecord(f.fileinfo) ? f.fileinfo : undefined;
  if (fileinfo !== undefined) {
    doc.put(['file', 'path'], str(fileinfo.filename));
    doc.put(['file', 'size'], int(fileinfo.size, 0));
    const md5 = str(fileinfo.md5);
    const sha1 = str(fileinfo.sha1);
    const sha256 = str(fileinfo.sha256);
    doc.put(['file', 'hash', 'md5'], md5);
    doc.put(['file', 'hash', 'sha1'], sha1);
    doc.put(['file', 'hash', 'sha256'], sha256);
    eve.fileinfo = without(fileinfo, ['filename', 'size']);
  }

  if (eventType === 'ssh' && isRecord(f.ssh)) {
    type ??= ['protocol'];
    eve.ssh = f.ssh;
  }

  doc.put(['event', 'kind'], kind);
  doc.put(['event', 'category'], category);
  doc.put(['event', 'type'], type);
  doc.merge(['suricata', 'eve'], eve);
  const url = doc.get(['url', 'domain']);
  if (typeof url === 'string') {
    const parts = domainParts(url);
    doc.put(['url', 'registered_domain'], parts.registered_domain);
  }
  return doc.finish();
}

export const suricataMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Suricata EVE JSON: alert, flow, dns, http, tls, fileinfo, ssh, stats',
  priority: 70,
  detect,
  map,
};
