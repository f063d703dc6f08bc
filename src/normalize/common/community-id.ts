import { isIP } from 'node:net';
import { lookupTable } from '../../event/own-props.js';
import { SHA1_WORDS, sha1Base64 } from './sha1-words.js';
import { ipv4Value } from './values.js';

/**
 * Community ID v1 flow hash (https://github.com/corelight/community-id-spec), seed 0, as Zeek,
 * Suricata and Elastic's pipelines compute it: SHA-1 over seed, ordered addresses, protocol, pad,
 * ordered ports (ICMP type/code map to ports as the spec's table says), base64, prefixed `1:`.
 */
const PROTO: Readonly<Record<string, number>> = lookupTable({ icmp: 1, tcp: 6, udp: 17, sctp: 132, 'ipv6-icmp': 58, icmpv6: 58 });

/** `1:`, the version prefix, as code units (sha1Base64 puts them in front of the hash). */
const PREFIX_1 = 0x31;
const PREFIX_COLON = 0x3a;

// ICMP type -> the type a reply would carry, so both directions hash alike (spec, section "ICMP").
const ICMP4_PAIR: Readonly<Record<number, number>> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17, 10: 9, 9: 10 };
const ICMP6_PAIR: Readonly<Record<number, number>> = { 128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131, 131: 130 };

function ipBytes(s: string): Buffer | undefined {
  const v = isIP(s);
  if (v === 4) {
    // isIP accepted it: four dot-separated decimal octets.
    const buf = Buffer.allocUnsafe(4);
    let octet = 0;
    let i = 0;
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c === 0x2e) {
        buf[i++] = octet;
        octet = 0;
      } else octet = octet * 10 + (c - 0x30);
    }
    buf[i] = octet;
    return buf;
  }
  if (v !== 6) return undefined;
  // Expand "::" and embedded IPv4 into 8 groups.
  let text = s;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const b = (v4[1] as string).split('.').map(Number);
    text = text.slice(0, v4.index) + `${(((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16)}:${(((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head.length > 0 ? head.split(':') : [];
  const t = tail !== undefined && tail.length > 0 ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const buf = Buffer.alloc(16);
  groups.forEach((g, i) => buf.writeUInt16BE(parseInt(g, 16), i * 2));
  return buf;
}

/** The protocol number of a transport name; mappers mostly pass it lower-case already. */
function protoOf(transport: string): number | undefined {
  return PROTO[transport] ?? PROTO[transport.toLowerCase()];
}

export function communityId(
  transport: string, srcIp: string, srcPort: number | undefined, dstIp: string, dstPort: number | undefined,
): string | undefined {
  const proto = protoOf(transport);
  if (proto === undefined) return undefined;
  const s4 = ipv4Value(srcIp);
  const d4 = s4 < 0 ? -1 : ipv4Value(dstIp);
  if (d4 >= 0) return communityIdV4(proto, s4, srcPort, d4, dstPort);
  let sa = ipBytes(srcIp);
  let da = ipBytes(dstIp);
  if (sa === undefined || da === undefined || sa.length !== da.length) return undefined;
  let sp = srcPort ?? 0;
  let dp = dstPort ?? 0;
  let oneWay = false;
  if (proto === 1 || proto === 58) {
    const pairs = proto === 1 ? ICMP4_PAIR : ICMP6_PAIR;
    const other = pairs[sp];
    if (other === undefined) oneWay = true;
    else dp = other;
  } else if (srcPort === undefined || dstPort === undefined) return undefined;
  const cmp = Buffer.compare(sa, da);
  if (!oneWay && (cmp > 0 || (cmp === 0 && sp > dp))) {
    [sa, da] = [da, sa];
    [sp, dp] = [dp, sp];
  }
  // seed (2 bytes, 0) | saddr | daddr | proto | pad | sport | dport, hashed in one call.
  const n = sa.length;
  const buf = Buffer.alloc(2 + 2 * n + 2 + 4);
  sa.copy(buf, 2);
  da.copy(buf, 2 + n);
  buf[2 + 2 * n] = proto;
  buf.writeUInt16BE(sp, 4 + 2 * n);
  buf.writeUInt16BE(dp, 6 + 2 * n);
  // 16 or 40 bytes: whole words.
  for (let i = 0; i < buf.length / 4; i++) SHA1_WORDS[i] = buf.readInt32BE(4 * i);
  return sha1Base64(buf.length / 4, PREFIX_1, PREFIX_COLON);
}

/**
 * communityId for two IPv4 addresses the caller has already read as numbers (ipv4Value), so a
 * mapper that validated them does not parse them again.
 */
export function communityIdOfV4(transport: string, srcIp: number, srcPort: number | undefined, dstIp: number, dstPort: number | undefined): string | undefined {
  const proto = protoOf(transport);
  return proto === undefined ? undefined : communityIdV4(proto, srcIp, srcPort, dstIp, dstPort);
}

/**
 * The IPv4 case without a Buffer per address: addresses as 32-bit numbers, whose numeric order is
 * the byte order the spec sorts by. Same ports rules as communityId.
 */
function communityIdV4(proto: number, sa: number, srcPort: number | undefined, da: number, dstPort: number | undefined): string | undefined {
  let sp = srcPort ?? 0;
  let dp = dstPort ?? 0;
  let oneWay = false;
  if (proto === 1) {
    const other = ICMP4_PAIR[sp];
    if (other === undefined) oneWay = true;
    else dp = other;
  } else if (proto === 58) {
    const other = ICMP6_PAIR[sp];
    if (other === undefined) oneWay = true;
    else dp = other;
  } else if (srcPort === undefined || dstPort === undefined) return undefined;
  let a = sa;
  let b = da;
  if (!oneWay && (a > b || (a === b && sp > dp))) {
    a = da;
    b = sa;
    const t = sp;
    sp = dp;
    dp = t;
  }
  // seed (0) | saddr | daddr | proto | pad | sport | dport: 16 bytes, as four big-endian words.
  const w = SHA1_WORDS;
  w[0] = a >>> 16;
  w[1] = ((a & 0xffff) << 16) | (b >>> 16);
  w[2] = ((b & 0xffff) << 16) | (proto << 8);
  w[3] = ((sp & 0xffff) << 16) | (dp & 0xffff);
  return sha1Base64(4, PREFIX_1, PREFIX_COLON);
}
