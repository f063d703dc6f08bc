import type { Decoded } from '../../decode/types.js';
import type { EcsFields } from '../../event/model.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { communityId, communityIdOfV4 } from '../common/community-id.js';
import { EventDoc, fail } from '../common/doc.js';
import { domainParts } from '../common/domain.js';
import { fromEpochSeconds, fromIsoWithZone } from '../common/time.js';
import { bool, int, ip, ipv4Value, num, port, str, strArray, type Rec } from '../common/values.js';
import { lookupTable } from '../../event/own-props.js';

/**
 * Zeek JSON logs (conn, dns, http, ssl, files), one record per line with Zeek's own key names
 * (`id.orig_h` as a literal dotted key). The log is told by `_path` when present, else by its keys.
 */

const SOURCE = 'zeek';
type LogKind = 'conn' | 'dns' | 'http' | 'ssl' | 'files';

const CONN_STATES: Readonly<Record<string, { message: string; type: string[] }>> = lookupTable({
  S0: { message: 'Connection attempt seen, no reply.', type: ['connection', 'start'] },
  S1: { message: 'Connection established, not terminated.', type: ['connection', 'start'] },
  SF: { message: 'Normal establishment and termination.', type: ['connection', 'start', 'end'] },
  REJ: { message: 'Connection attempt rejected.', type: ['connection', 'start', 'denied'] },
  S2: { message: 'Connection established and close attempt by originator seen (but no reply from responder).', type: ['connection', 'info'] },
  S3: { message: 'Connection established and close attempt by responder seen (but no reply from originator).', type: ['connection', 'info'] },
  RSTO: { message: 'Connection established, originator aborted (sent a RST).', type: ['connection', 'start', 'end'] },
  RSTR: { message: 'Established, responder aborted.', type: ['connection', 'start', 'end'] },
  RSTOS0: { message: 'Originator sent a SYN followed by a RST, we never saw a SYN-ACK from the responder.', type: ['connection', 'start', 'end'] },
  RSTRH: { message: 'Responder sent a SYN ACK followed by a RST, we never saw a SYN from the (purported) originator.', type: ['connection', 'start', 'end'] },
  SH: { message: "Originator sent a SYN followed by a FIN, we never saw a SYN ACK from the responder (hence the connection was 'half' open).", type: ['connection', 'start', 'end'] },
  SHR: { message: 'Responder sent a SYN ACK followed by a FIN, we never saw a SYN from the originator.', type: ['connection', 'start', 'end'] },
  OTH: { message: "No SYN seen, just midstream traffic (a 'partial connection' that was not later closed).", type: ['connection', 'info'] },
});

const DNS_CLASSES: Readonly<Record<string, string>> = lookupTable({ C_INTERNET: 'IN', C_CHAOS: 'CH', C_HESIOD: 'HS', C_NONE: 'NONE', C_ANY: 'ANY' });
const TLS_VERSIONS: Readonly<Record<string, readonly [string, string]>> = lookupTable({
  TLSv10: ['1.0', 'tls'], TLSv11: ['1.1', 'tls'], TLSv12: ['1.2', 'tls'], TLSv13: ['1.3', 'tls'], SSLv2: ['2.0', 'ssl'], SSLv3: ['3.0', 'ssl'],
});
const DN_KEYS: Readonly<Record<string, readonly [string, string]>> = lookupTable({
  CN: ['common_name', 'common_name'], O: ['organization', 'organization'], OU: ['organizational_unit', 'organizational_unit'],
  L: ['locality', 'locality'], ST: ['state_or_province', 'state'], C: ['country', 'country'],
});

function kindOf(f: Rec): LogKind | undefined {
  const path = str(f._path);
  if (path === 'conn' || path === 'dns' || path === 'http' || path === 'ssl' || path === 'files') return path;
  if (path !== undefined) return undefined;
  if (typeof f.fuid === 'string' && 'tx_hosts' in f) return 'files';
  if ('cipher' in f || 'established' in f || 'validation_status' in f || 'server_name' in f) return 'ssl';
  if ('trans_depth' in f || 'status_code' in f || 'method' in f) return 'http';
  if ('trans_id' in f || 'query' in f || 'qtype_name' in f) return 'dns';
  if ('conn_state' in f || 'history' in f || 'orig_pkts' in f) return 'conn';
  return undefined;
}

function detect(d: Decoded): boolean {
  const f = d.fields;
  if (d.format !== 'json' || !('ts' in f)) return false;
  const flow = typeof f.uid === 'string' && typeof f['id.orig_h'] === 'string';
  const file = typeof f.fuid === 'string' && Array.isArray(f.tx_hosts);
  return (flow || file) && kindOf(f) !== undefined;
}

function timestampOf(ts: unknown): string | undefined {
  if (typeof ts === 'number') return fromEpochSeconds(ts);
  if (typeof ts === 'string') return /^\d+(\.\d+)?$/.test(ts) ? fromEpochSeconds(Number(ts)) : fromIsoWithZone(ts);
  return undefined;
}

/** DN `CN=a,O=b\, Inc.,C=US` -> parts; Zeek escapes commas inside values with a backslash. */
function parseDn(dn: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of dn.split(/(?<!\\),/)) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).replace(/\\,/g, '').trim());
  }
  return out;
}

const DATASETS: Readonly<Record<LogKind, string>> = {
  conn: 'zeek.connection', dns: 'zeek.dns', http: 'zeek.http', ssl: 'zeek.ssl', files: 'zeek.files',
};

/*
 * The event is built as fixed-shape object literals with named fields, not with EventDoc path puts:
 * on these small records the puts cost more than JSON.parse. Keys are added in the order the puts
 * added them (ECS consumers do not care, but stored documents and dry-run output stay byte-identical),
 * and a field whose value is undefined is left out, as put does. The rarer kinds (http, ssl, files)
 * continue on an EventDoc over the same root.
 */
function map(d: Decoded, _ctx: MapperContext): MapResult {
  const f = d.fields;
  const kind = kindOf(f);
  if (kind === undefined) return fail(SOURCE, 'unknown_log', 'record is not a Zeek conn, dns, http, ssl or files log');
  if (!('ts' in f)) return fail(SOURCE, 'missing_ts', 'Zeek record has no "ts"');
  const ts = timestampOf(f.ts);
  if (ts === undefined) return fail(SOURCE, 'bad_timestamp', `"ts" is neither epoch seconds nor ISO 8601: ${JSON.stringify(String(f.ts).slice(0, 64))}`);

  const event: Rec = { kind: 'event', module: 'zeek', dataset: DATASETS[kind] };
  const root: Rec = { '@timestamp': ts, event };
  if (kind === 'files') return mapFiles(new EventDoc(root), f);

  const uid = typeof f.uid === 'string' && f.uid.length > 0 ? f.uid : undefined;
  if (uid === undefined) return fail(SOURCE, 'missing_uid', 'Zeek flow record has no "uid"');
  // IPv4 read once, as numbers, for both the check and the community id; IPv6 takes ip().
  const srcText = str(f['id.orig_h']);
  const dstText = str(f['id.resp_h']);
  const s4 = srcText === undefined ? -1 : ipv4Value(srcText);
  const d4 = dstText === undefined ? -1 : ipv4Value(dstText);
  const src = s4 >= 0 ? srcText : ip(srcText);
  const dst = d4 >= 0 ? dstText : ip(dstText);
  if (src === undefined || dst === undefined) return fail(SOURCE, 'bad_address', '"id.orig_h" and "id.resp_h" must be IP addresses');
  const transport = str(f.proto)?.toLowerCase() ?? (kind === 'http' || kind === 'ssl' ? 'tcp' : undefined);
  const icmp = transport === 'icmp' || transport === 'icmpv6';
  const sport = icmp ? undefined : port(f['id.orig_p']);
  const dport = icmp ? undefined : port(f['id.resp_p']);
  event.id = uid;
  const zeek: Rec = { session_id: uid };
  root.zeek = zeek;
  const source: Rec = { address: src, ip: src };
  if (sport !== undefined) source.port = sport;
  root.source = source;
  const destination: Rec = { address: dst, ip: dst };
  if (dport !== undefined) destination.port = dport;
  root.destination = destination;
  let network: Rec | undefined;
  if (transport !== undefined) {
    network = { transport };
    root.network = network;
    const a = icmp ? port(f['id.orig_p']) : sport;
    const b = icmp ? port(f['id.resp_p']) : dport;
    const cid = s4 >= 0 && d4 >= 0 ? communityIdOfV4(transport, s4, a, d4, b) : communityId(transport, src, a, dst, b);
    if (cid !== undefined) network.community_id = cid;
  }
  const relatedIp = src === dst ? [src] : [src, dst];

  switch (kind) {
    case 'conn': mapConn(root, event, zeek, source, destination, network, f, icmp); break;
    case 'dns': mapDns(root, event, zeek, network, f); break;
    case 'http':
    case 'ssl': {
      const doc = new EventDoc(root);
      doc.relate('ip', src);
      doc.relate('ip', dst);
      if (kind === 'http') mapHttp(doc, f);
      else mapSsl(doc, f, src, dst);
      return doc.finish();
    }
  }
  root.related = { ip: relatedIp };
  return { ok: true, event: root as EcsFields };
}

/** `network`, attached to the event the first time a field goes in (its place among the keys is fixed by then). */
function networkOf(root: Rec, network: Rec | undefined): Rec {
  if (network !== undefined) return network;
  const created: Rec = {};
  root.network = created;
  return created;
}

function mapConn(root: Rec, event: Rec, zeek: Rec, source: Rec, destination: Rec, network: Rec | undefined, f: Rec, icmp: boolean): void {
  const state = str(f.conn_state);
  const known = state !== undefined ? CONN_STATES[state] : undefined;
  event.category = ['network'];
  event.type = known?.type ?? ['connection', 'info'];
  const dur = num(f.duration);
  if (dur !== undefined) event.duration = Math.round(dur * 1e9);
  let net = network;
  const service = str(f.service);
  if (service !== undefined) (net = networkOf(root, net)).protocol = service;
  // Flow counters as EventDoc.flowCounters writes them: per side, totals when both sides are known.
  const sb = int(f.orig_ip_bytes, 0);
  const db = int(f.resp_ip_bytes, 0);
  const sp = int(f.orig_pkts, 0);
  const dp = int(f.resp_pkts, 0);
  if (sb !== undefined) source.bytes = sb;
  if (sp !== undefined) source.packets = sp;
  if (db !== undefined) destination.bytes = db;
  if (dp !== undefined) destination.packets = dp;
  if (sb !== undefined && db !== undefined) (net = networkOf(root, net)).bytes = sb + db;
  if (sp !== undefined && dp !== undefined) (net = networkOf(root, net)).packets = sp + dp;
  const lo = bool(f.local_orig);
  const lr = bool(f.local_resp);
  if (lo !== undefined && lr !== undefined) {
    networkOf(root, net).direction = lo ? (lr ? 'internal' : 'outbound') : lr ? 'inbound' : 'external';
  }
  const c: Rec = {};
  let any = false;
  if (state !== undefined) { c.state = state; any = true; }
  if (known !== undefined) { c.state_message = known.message; any = true; }
  if (lo !== undefined) { c.local_orig = lo; any = true; }
  if (lr !== undefined) { c.local_resp = lr; any = true; }
  const missed = int(f.missed_bytes, 0);
  if (missed !== undefined) { c.missed_bytes = missed; any = true; }
  const history = str(f.history);
  if (history !== undefined) { c.history = history; any = true; }
  const ob = int(f.orig_bytes, 0);
  if (ob !== undefined) { c.orig_bytes = ob; any = true; }
  const rb = int(f.resp_bytes, 0);
  if (rb !== undefined) { c.resp_bytes = rb; any = true; }
  if (icmp) {
    c.icmp = { type: int(f['id.orig_p'], 0), code: int(f['id.resp_p'], 0) };
    any = true;
  }
  const parents = strArray(f.tunnel_parents);
  if (parents !== undefined && parents.length > 0) { c.tunnel_parents = parents; any = true; }
  if (any) zeek.connection = c;
}

const DNS_FLAGS = ['AA', 'TC', 'RD', 'RA'] as const;

function mapDns(root: Rec, event: Rec, zeek: Rec, network: Rec | undefined, f: Rec): void {
  event.category = ['network'];
  event.type = ['connection', 'protocol', 'info'];
  const rejected = bool(f.rejected);
  event.outcome = rejected === true ? 'failure' : 'success';
  networkOf(root, network).protocol = 'dns';
  const rtt = num(f.rtt);
  if (rtt !== undefined) event.duration = Math.round(rtt * 1e9);
  const id = int(f.trans_id, 0);
  const dns: Rec = {};
  if (id !== undefined) dns.id = String(id);
  const query = str(f.query);
  const answers = strArray(f.answers);
  const rcode = str(f.rcode_name);
  dns.type = answers !== undefined || rcode !== undefined ? 'answer' : 'query';
  root.dns = dns;
  if (rcode !== undefined) dns.response_code = rcode;
  const question: Rec = {};
  let asked = false;
  if (query !== undefined) {
    question.name = query;
    const parts = domainParts(query);
    if (parts.registered_domain !== undefined) question.registered_domain = parts.registered_domain;
    if (parts.subdomain !== undefined) question.subdomain = parts.subdomain;
    if (parts.top_level_domain !== undefined) question.top_level_domain = parts.top_level_domain;
    asked = true;
  }
  const qclass = str(f.qclass_name);
  const qclassShort = qclass !== undefined ? (DNS_CLASSES[qclass] ?? qclass) : undefined;
  if (qclassShort !== undefined && qclassShort !== null) { question.class = qclassShort; asked = true; }
  const qtype = str(f.qtype_name);
  if (qtype !== undefined) { question.type = qtype; asked = true; }
  if (asked) dns.question = question;
  const flags: string[] = [];
  for (const k of DNS_FLAGS) if (f[k] === true) flags.push(k);
  if (flags.length > 0) dns.header_flags = flags;
  const ttlsIn = f.TTLs;
  if (answers !== undefined) {
    const ttls = Array.isArray(ttlsIn) ? ttlsIn : [];
    const out: Rec[] = [];
    const resolved: string[] = [];
    for (let i = 0; i < answers.length; i++) {
      const data = answers[i] as string;
      const ttl = num(ttls[i]);
      out.push(ttl !== undefined ? { data, ttl: Math.round(ttl) } : { data });
      if (ip(data) !== undefined) resolved.push(data);
    }
    dns.answers = out;
    dns.resolved_ip = resolved;
  }
  // zeek.dns holds the fields Zeek sent, in the order Elastic's pipeline lists them; none, no object.
  const z: Rec = {};
  let any = false;
  const aa = bool(f.AA);
  if (aa !== undefined) { z.AA = aa; any = true; }
  const ra = bool(f.RA);
  if (ra !== undefined) { z.RA = ra; any = true; }
  const rd = bool(f.RD);
  if (rd !== undefined) { z.RD = rd; any = true; }
  const tc = bool(f.TC);
  if (tc !== undefined) { z.TC = tc; any = true; }
  if (Array.isArray(ttlsIn)) { z.TTLs = ttlsIn.filter((x) => typeof x === 'number'); any = true; }
  if (answers !== undefined) { z.answers = answers; any = true; }
  const qclassNum = int(f.qclass, 0);
  if (qclassNum !== undefined) { z.qclass = qclassNum; any = true; }
  if (qclass !== undefined) { z.qclass_name = qclass; any = true; }
  const qtypeNum = int(f.qtype, 0);
  if (qtypeNum !== undefined) { z.qtype = qtypeNum; any = true; }
  if (qtype !== undefined) { z.qtype_name = qtype; any = true; }
  if (query !== undefined) { z.query = query; any = true; }
  const rcodeNum = int(f.rcode, 0);
  if (rcodeNum !== undefined) { z.rcode = rcodeNum; any = true; }
  if (rcode !== undefined) { z.rcode_name = rcode; any = true; }
  if (rejected !== undefined) { z.rejected = rejected; any = true; }
  if (rtt !== undefined) { z.rtt = rtt; any = true; }
  if (id !== undefined) { z.trans_id = String(id); any = true; }
  if (any) zeek.dns = z;
}

function mapHttp(doc: EventDoc, f: Rec): void {
  doc.put(['event', 'category'], ['network', 'web']);
  doc.put(['event', 'type'], ['connection', 'protocol', 'info']);
  const method = str(f.method);
  doc.put(['event', 'action'], method);
  const status = int(f.status_code, 100, 999);
  doc.put(['event', 'outcome'], status === undefined || status < 400 ? 'success' : 'failure');
  doc.put(['http', 'request', 'method'], method);
  doc.put(['http', 'request', 'body', 'bytes'], int(f.request_body_len, 0));
  doc.put(['http', 'response', 'body', 'bytes'], int(f.response_body_len, 0));
  doc.put(['http', 'response', 'status_code'], status);
  doc.put(['http', 'version'], str(f.version));
  const host = str(f.host);
  const uri = str(f.uri);
  doc.put(['url', 'domain'], host);
  if (uri !== undefined) {
    doc.put(['url', 'original'], uri);
    const q = uri.indexOf('?');
    doc.put(['url', 'path'], q >= 0 ? uri.slice(0, q) : uri);
    if (q >= 0 && q < uri.length - 1) doc.put(['url', 'query'], uri.slice(q + 1));
  }
  const user = str(f.username);
  doc.put(['url', 'username'], user);
  doc.put(['user', 'name'], user);
  doc.relate('user', user);
  doc.put(['user_agent', 'original'], str(f.user_agent));
  doc.put(['http', 'request', 'referrer'], str(f.referrer));
  const z: Rec = {
    trans_depth: int(f.trans_depth, 0), status_msg: str(f.status_msg), tags: Array.isArray(f.tags) ? strArray(f.tags) : undefined,
    resp_fuids: strArray(f.resp_fuids), resp_mime_types: strArray(f.resp_mime_types), orig_fuids: strArray(f.orig_fuids), orig_mime_types: strArray(f.orig_mime_types),
  };
  for (const [k, v] of Object.entries(z)) if (v !== undefined) doc.put(['zeek', 'http', k], v);
}

function mapSsl(doc: EventDoc, f: Rec, src: string, dst: string): void {
  doc.put(['event', 'category'], ['network']);
  doc.put(['event', 'type'], ['connection', 'protocol']);
  doc.put(['client', 'address'], src);
  doc.put(['server', 'address'], dst);
  const version = str(f.version);
  const v = version !== undefined ? TLS_VERSIONS[version] : undefined;
  if (v !== undefined) {
    doc.put(['tls', 'version'], v[0]);
    doc.put(['tls', 'version_protocol'], v[1]);
  }
  const cipher = str(f.cipher);
  const curve = str(f.curve);
  const resumed = bool(f.resumed);
  const established = bool(f.established);
  doc.put(['tls', 'cipher'], cipher);
  doc.put(['tls', 'curve'], curve);
  doc.put(['tls', 'resumed'], resumed);
  doc.put(['tls', 'established'], established);
  const sni = str(f.server_name);
  doc.put(['tls', 'client', 'server_name'], sni);
  doc.put(['zeek', 'ssl', 'version'], version);
  doc.put(['zeek', 'ssl', 'cipher'], cipher);
  doc.put(['zeek', 'ssl', 'curve'], curve);
  doc.put(['zeek', 'ssl', 'resumed'], resumed);
  doc.put(['zeek', 'ssl', 'established'], established);
  doc.put(['zeek', 'ssl', 'server', 'name'], sni);
  doc.put(['zeek', 'ssl', 'validation', 'status'], str(f.validation_status));
  const chain = strArray(f.cert_chain_fuids);
  if (chain !== undefined && chain.length > 0) doc.put(['zeek', 'ssl', 'server', 'cert_chain_fuids'], chain);
  for (const which of ['subject', 'issuer'] as const) {
    const dn = str(f[which]);
    if (dn === undefined) continue;
    const parts = parseDn(dn);
    doc.put(['tls', 'server', which], [...parts].map(([k, val]) => `${k}=${val}`).join(','));
    for (const [k, val] of parts) {
      const names = DN_KEYS[k];
      if (names === undefined) continue;
      doc.put(['tls', 'server', 'x509', which, names[0]], val);
      doc.put(['zeek', 'ssl', 'server', which, names[1]], val);
    }
  }
}

function mapFiles(doc: EventDoc, f: Rec): MapResult {
  const fuid = str(f.fuid);
  if (fuid === undefined) return fail(SOURCE, 'missing_fuid', 'Zeek files record has no "fuid"');
  const conns = strArray(f.conn_uids) ?? [];
  const tx = (strArray(f.tx_hosts) ?? []).filter((h) => ip(h) !== undefined);
  const rx = (strArray(f.rx_hosts) ?? []).filter((h) => ip(h) !== undefined);
  doc.put(['event', 'category'], ['file']);
  doc.put(['event', 'type'], ['info']);
  doc.put(['event', 'id'], conns[0]);
  doc.put(['zeek', 'session_id'], conns[0]);
  doc.put(['server', 'ip'], tx[0]);
  doc.put(['client', 'ip'], rx[0]);
  for (const h of [...tx, ...rx]) doc.relate('ip', h);
  const md5 = str(f.md5);
  const sha1 = str(f.sha1);
  const sha256 = str(f.sha256);
  doc.put(['file', 'hash', 'md5'], md5);
  doc.put(['file', 'hash', 'sha1'], sha1);
  doc.put(['file', 'hash', 'sha256'], sha256);
  doc.relate('hash', md5);
  doc.relate('hash', sha1);
  doc.relate('hash', sha256);
  doc.put(['file', 'mime_type'], str(f.mime_type));
  doc.put(['file', 'name'], str(f.filename));
  doc.put(['file', 'size'], int(f.total_bytes, 0));
  const z: Rec = {
    fuid, session_ids: conns.length > 0 ? conns : undefined, tx_host: tx[0], rx_host: rx[0], source: str(f.source), depth: int(f.depth, 0),
    analyzers: strArray(f.analyzers), mime_type: str(f.mime_type), filename: str(f.filename), duration: num(f.duration),
    local_orig: bool(f.local_orig), is_orig: bool(f.is_orig), seen_bytes: int(f.seen_bytes, 0), total_bytes: int(f.total_bytes, 0),
    missing_bytes: int(f.missing_bytes, 0), overflow_bytes: int(f.overflow_bytes, 0), timedout: bool(f.timedout), md5, sha1, sha256,
    extracted: str(f.extracted),
  };
  for (const [k, v] of Object.entries(z)) if (v !== undefined) doc.put(['zeek', 'files', k], v);
  return doc.finish();
}

export const zeekMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Zeek JSON logs: conn, dns, http, ssl, files',
  priority: 70,
  detect,
  map,
};

