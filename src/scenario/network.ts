/**
 * Network records: Check Point firewall logs in CEF (the Log Exporter layout of the real samples in
 * test/fixtures/elastic-beats/cef-checkpoint.log) behind an RFC 3164 syslog header, and Zeek conn/dns
 * logs as Zeek's JSON writer emits them (test/fixtures/zeek/).
 */
import type { Rng } from './rng.js';
import { bsdTime, zeekTs } from './time.js';

export interface Flow {
  at: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  proto: 'tcp' | 'udp';
  /** Bytes sent by the originator / the responder. */
  out: number;
  in: number;
  durationMs: number;
  service?: string;
}

const CP_SERVICE: Readonly<Record<number, string>> = { 443: 'https', 80: 'http', 53: 'domain-udp', 22: 'ssh', 3389: 'Remote_Desktop_Protocol', 445: 'microsoft-ds', 25: 'smtp', 123: 'ntp' };
const ZEEK_SERVICE: Readonly<Record<number, string>> = { 443: 'ssl', 80: 'http', 53: 'dns', 22: 'ssh', 3389: 'rdp', 445: 'smb', 88: 'krb', 389: 'ldap', 25: 'smtp' };

export interface Gateway {
  name: string;
  ip: string;
  /** Public NAT address for outbound connections. */
  natIp: string;
}

/** One Check Point connection log line (syslog header + CEF); action Accept or Drop. */
export function checkpointCef(rng: Rng, gw: Gateway, f: Flow, action: 'Accept' | 'Drop', rule: { name: string; uid: string; number: number }, inbound: boolean): string {
  const service = CP_SERVICE[f.dport] ?? `${f.proto}_${f.dport}`;
  const loguid = `{0x${Math.floor(f.at / 1000).toString(16)},0x${rng.int(0, 0xfff).toString(16)},0x${rng.hex(8)},0xc000000${rng.int(0, 9)}}`;
  const ext: string[] = [
    `act=${action}`,
    `deviceDirection=${inbound ? 0 : 1}`,
    `rt=${f.at}`,
    `spt=${f.sport}`,
    `dpt=${f.dport}`,
    'cs2Label=Rule Name',
    `cs2=${rule.name}`,
    'layer_name=Network',
    'layer_uuid=b406b732-2437-4848-9741-6eae1f5bf112',
    `match_id=${rule.number}`,
    'parent_rule=0',
    `rule_action=${action}`,
    `rule_uid=${rule.uid}`,
    `ifname=${inbound ? 'eth0' : 'eth1'}`,
    'logid=0',
    `loguid=${loguid}`,
    `origin=${gw.ip}`,
    `originsicname=CN\\=${gw.name},O\\=mgmt.corp.example..7h2kdq`,
    `sequencenum=${rng.int(1, 4000)}`,
    'version=5',
    `dst=${f.dst}`,
    `inzone=${inbound ? 'External' : 'Internal'}`,
    `outzone=${inbound ? 'Internal' : 'External'}`,
    'product=VPN-1 & FireWall-1',
    `proto=${f.proto === 'tcp' ? 6 : 17}`,
    `service_id=${service}`,
    `src=${f.src}`,
  ];
  if (action === 'Accept' && !inbound) {
    ext.push(`sourceTranslatedAddress=${gw.natIp}`, `sourceTranslatedPort=${rng.int(10000, 60000)}`);
  }
  if (action === 'Accept') ext.push(`in=${f.in}`, `out=${f.out}`);
  return `<134>${bsdTime(f.at)} ${gw.name} CEF:0|Check Point|VPN-1 & FireWall-1|Check Point|Log|${service}|Unknown|${ext.join(' ')}`;
}

/** Zeek's connection uid: `C` and 17 base62 characters. */
export function zeekUid(rng: Rng): string {
  return 'C' + rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 17);
}

function isLocal(ip: string): boolean {
  return ip.startsWith('10.') || ip.startsWith('192.168.') || /^172\.(1[6-9]|2\d|3[01])\./.test(ip);
}

export function zeekConn(rng: Rng, uid: string, f: Flow): string {
  const outPkts = Math.max(1, Math.ceil(f.out / 1200));
  const inPkts = Math.max(1, Math.ceil(f.in / 1200));
  const rec: Record<string, unknown> = {
    ts: zeekTs(f.at, rng.int(0, 999)),
    uid,
    'id.orig_h': f.src,
    'id.orig_p': f.sport,
    'id.resp_h': f.dst,
    'id.resp_p': f.dport,
    proto: f.proto,
  };
  const service = f.service ?? ZEEK_SERVICE[f.dport];
  if (service !== undefined) rec.service = service;
  rec.duration = Number((f.durationMs / 1000).toFixed(6));
  rec.orig_bytes = f.out;
  rec.resp_bytes = f.in;
  rec.conn_state = 'SF';
  rec.local_orig = isLocal(f.src);
  rec.local_resp = isLocal(f.dst);
  rec.missed_bytes = 0;
  rec.history = f.proto === 'tcp' ? 'ShADadFf' : 'Dd';
  rec.orig_pkts = outPkts;
  rec.orig_ip_bytes = f.out + outPkts * (f.proto === 'tcp' ? 52 : 28);
  rec.resp_pkts = inPkts;
  rec.resp_ip_bytes = f.in + inPkts * (f.proto === 'tcp' ? 52 : 28);
  rec.tunnel_parents = [];
  return JSON.stringify(rec);
}

export interface DnsAnswer {
  query: string;
  qtype: 'A' | 'AAAA';
  answers: string[];
  rcode: 'NOERROR' | 'NXDOMAIN';
}

export function zeekDns(rng: Rng, uid: string, f: Flow, a: DnsAnswer): string {
  const rec: Record<string, unknown> = {
    ts: zeekTs(f.at, rng.int(0, 999)),
    uid,
    'id.orig_h': f.src,
    'id.orig_p': f.sport,
    'id.resp_h': f.dst,
    'id.resp_p': 53,
    proto: 'udp',
    trans_id: rng.int(1, 65535),
    rtt: Number((f.durationMs / 1000).toFixed(6)),
    query: a.query,
    qclass: 1,
    qclass_name: 'C_INTERNET',
    qtype: a.qtype === 'A' ? 1 : 28,
    qtype_name: a.qtype,
    rcode: a.rcode === 'NOERROR' ? 0 : 3,
    rcode_name: a.rcode,
    AA: false,
    TC: false,
    RD: true,
    RA: true,
    Z: 0,
  };
  if (a.answers.length > 0) {
    rec.answers = a.answers;
    rec.TTLs = a.answers.map(() => rng.pick([60.0, 300.0, 3600.0]));
  }
  rec.rejected = false;
  return JSON.stringify(rec);
}

export function ephemeralPort(rng: Rng): number {
  return rng.int(49152, 65535);
}
