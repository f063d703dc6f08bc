import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { communityId } from '../common/community-id.js';
import { EventDoc, fail } from '../common/doc.js';
import { domainParts } from '../common/domain.js';
import { fromEpochSeconds, fromIsoWithZone } from '../common/time.js';
import { bool, int, ip, num, port, str, strArray, type Rec } from '../common/values.js';

/**
 * Zeek JSON logs (conn, dns, http, ssl, files), one record per line with Zeek's own key names
 * (`id.orig_h` as a literal dotted key). The log is told by `_path` when present, else by its keys.
 */

const SOURCE = 'zeek';
type LogKind = 'conn' | 'dns' | 'http' | 'ssl' | 'files';

const CONN_STATES: Readonly<Record<string, { message: string; type: string[] }>> = {
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
};

const DNS_CLASSES: Readonly<Record<string, string>> = { C_INTERNET: 'IN', C_CHAOS: 'CH', C_HESIOD: 'HS', C_NONE: 'NONE', C_ANY: 'ANY' };
const TLS_VERSIONS: Readonly<Record<string, readonly [string, string]>> = {
  TLSv10: ['1.0', 'tls'], TLSv11: ['1.1', 'tls'], TLSv12: ['1.2', 'tls'], TLSv13: ['1.3', 'tls'], SSLv2: ['2.0', 'ssl'], SSLv3: ['3.0', 'ssl'],
};
const DN_KEYS: Readonly<Record<string, readonly [string, string]>> = {
  CN: ['common_name', 'common_name'], O: ['organization', 'organization'], OU: ['organizational_unit', 'organizational_unit'],
  L: ['locality', 'locality'], ST: ['state_or_province', 'state'], C: ['country', 'country'],
};

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

function map(d: Decoded, _ctx: MapperContext): MapResult {
  const f = d.fields;
  const kind = kindOf(f);
  if (kind === undefined) return fail(SOURCE, 'unknown_log', 'record is not a Zeek conn, dns, http, ssl or files log');
  if (!('ts' in f)) return fail(SOURCE, 'missing_ts', 'Zeek record has no "ts"');
  const ts = timestampOf(f.ts);
  if (ts === undefined) return fail(SOURCE, 'bad_timestamp', `"ts" is neither epoch seconds nor ISO 8601: ${JSON.stringify(String(f.ts).slice(0, 64))}`);

  const doc = new EventDoc();
  doc.put(['@timestamp'], ts);
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'module'], 'zeek');
  doc.put(['event', 'dataset'], `zeek.${kind === 'conn' ? 'connection' : kind}`);

  if (kind === 'files') return mapFiles(doc, f);

  const uid = typeof f.uid === 'string' && f.uid.length > 0 ? f.uid : undefined;
  if (uid === undefined) return fail(SOURCE, 'missing_uid', 'Zeek flow record has no "uid"');
  const src = ip(f['id.orig_h']);
  const dst = ip(f['id.resp_h']);
  if (src === undefined || dst === undefined) return fail(SOURCE, 'bad_address', '"id.orig_h" and "id.resp_h" must be IP addresses');
  const transport = str(f.proto)?.toLowerCase() ?? (kind === 'http' || kind === 'ssl' ? 'tcp' : undefined);
  const icmp = transport === 'icmp' || transport === 'icmpv6';
  const sport = icmp ? undefined : port(f['id.orig_p']);
  const dport = icmp ? undefined : port(f['id.resp_p']);
  doc.put(['event', 'id'], uid);
  doc.put(['zeek', 'session_id'], uid);
  doc.put(['source', 'address'], src);
  doc.put(['source', 'ip'], src);
  doc.put(['source', 'port'], sport);
  doc.put(['destination', 'address'], dst);
  doc.put(['destination', 'ip'], dst);
  doc.put(['destination', 'port'], dport);
  doc.relate('ip', src);
  doc.relate('ip', dst);
  doc.put(['network', 'transport'], transport);
  if (transport !== undefined) {
    const a = icmp ? port(f['id.orig_p']) : sport;
    const b = icmp ? port(f['id.resp_p']) : dport;
    doc.put(['network', 'community_id'], communityId(transport, src, a, dst, b));
  }

  switch (kind) {
    case 'conn': mapConn(doc, f, icmp); break;
    case 'dns': mapDns(doc, f); break;
    case 'http': mapHttp(doc, f); break;
    case 'ssl': mapSsl(doc, f, src, dst); break;
  }
  return doc.finish();
}

function mapConn(doc: EventDoc, f: Rec, icmp: boolean): void {
  const state = str(f.conn_state);
  const known = state !== undefined ? CONN_STATES[state] : undefined;
  doc.put(['event', 'category'], ['network']);
  doc.put(['event', 'type'], known?.type ?? ['connection', 'info']);
  const dur = num(f.duration);
  if (dur !== undefined) doc.put(['event', 'duration'], Math.round(dur * 1e9));
  doc.put(['network', 'protocol'], str(f.service));
  doc.flowCounters({ sourceBytes: int(f.orig_ip_bytes, 0), destinationBytes: int(f.resp_ip_bytes, 0), sourcePackets: int(f.orig_pkts, 0), destinationPackets: int(f.resp_pkts, 0) });
  const lo = bool(f.local_orig);
  const lr = bool(f.local_resp);
  if (lo !== undefined && lr !== undefined) {
    doc.put(['network', 'direction'], lo ? (lr ? 'internal' : 'outbound') : lr ? 'inbound' : 'external');
  }
  const c: Rec = {
    state, state_message: known?.message, local_orig: lo, local_resp: lr, missed_bytes: int(f.missed_bytes, 0), history: str(f.history),
    orig_bytes: int(f.orig_bytes, 0), resp_bytes: int(f.resp_bytes, 0),
  };
  if (icmp) c.icmp = { type: int(f['id.orig_p'], 0), code: int(f['id.resp_p'], 0) };
  const parents = strArray(f.tunnel_parents);
  if (parents !== undefined && parents.length > 0) c.tunnel_parents = parents;
  for (const [k, v] of Object.entries(c)) if (v !== undefined) doc.put(['zeek', 'connection', k], v);
}

function mapDns(doc: EventDoc, f: Rec): void {
  doc.put(['event', 'category'], ['network']);
  doc.put(['event', 'type'], ['connection', 'protocol', 'info']);
  const rejected = bool(f.rejected);
  doc.put(['event', 'outcome'], rejected === true ? 'failure' : 'success');
  doc.put(['network', 'protocol'], 'dns');
  const rtt = num(f.rtt);
  if (rtt !== undefined) doc.put(['event', 'duration'], Math.round(rtt * 1e9));
  const id = int(f.trans_id, 0);
  doc.put(['dns', 'id'], id !== undefined ? String(id) : undefined);
  const query = str(f.query);
  const answers = strArray(f.answers);
  const rcode = str(f.rcode_name);
  doc.put(['dns', 'type'], answers !== undefined || rcode !== undefined ? 'answer' : 'query');
  doc.put(['dns', 'response_code'], rcode);
  if (query !== undefined) {
    doc.put(['dns', 'question', 'name'], query);
    const parts = domainParts(query);
    doc.put(['dns', 'question', 'registered_domain'], parts.registered_domain);
    doc.put(['dns', 'question', 'subdomain'], parts.subdomain);
    doc.put(['dns', 'question', 'top_level_domain'], parts.top_level_domain);
  }
  const qclass = str(f.qclass_name);
  doc.put(['dns', 'question', 'class'], qclass !== undefined ? (DNS_CLASSES[qclass] ?? qclass) : undefined);
  doc.put(['dns', 'question', 'type'], str(f.qtype_name));
  const flags = ['AA', 'TC', 'RD', 'RA'].filter((k) => f[k] === true);
  if (flags.length > 0) doc.put(['dns', 'header_flags'], flags);
  if (answers !== undefined) {
    const ttls = Array.isArray(f.TTLs) ? f.TTLs : [];
    doc.put(['dns', 'answers'], answers.map((data, i) => {
      const ttl = num(ttls[i]);
      return ttl !== undefined ? { data, ttl: Math.round(ttl) } : { data };
    }));
    doc.put(['dns', 'resolved_ip'], answers.filter((a) => ip(a) !== undefined));
  }
  const z: Rec = {
    AA: bool(f.AA), RA: bool(f.RA), RD: bool(f.RD), TC: bool(f.TC), TTLs: Array.isArray(f.TTLs) ? f.TTLs.filter((x) => typeof x === 'number') : undefined,
    answers, qclass: int(f.qclass, 0), qclass_name: qclass, qtype: int(f.qtype, 0), qtype_name: str(f.qtype_name), query,
    rcode: int(f.rcode, 0), rcode_name: rcode, rejected, rtt, trans_id: id !== undefined ? String(id) : undefined,
  };
  for (const [k, v] of Object.entries(z)) if (v !== undefined) doc.put(['zeek', 'dns', k], v);
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

