import { isIP } from 'node:net';

export { putOwn } from '../../event/own-props.js';
import { lookupTable } from '../../event/own-props.js';

/** A plain JSON object (not an array, not null). */
export type Rec = Record<string, unknown>;

export function isRecord(v: unknown): v is Rec {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Does `o` have any enumerable key? Without building the array `Object.keys` would. */
export function hasKeys(o: Rec): boolean {
  for (const _ in o) return true;
  return false;
}

/** A non-empty string, or undefined. Vendors write "-", "" or null for "no value". */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 && v !== '-' ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** A finite number from a number or a numeric string. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim().length > 0) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** An integer in [min, max] from a number or a decimal string. */
export function int(v: unknown, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const n = num(v);
  if (n === undefined || !Number.isInteger(n) || n < min || n > max) return undefined;
  return n;
}

export function port(v: unknown): number | undefined {
  return int(v, 0, 65535);
}

/** An IPv4/IPv6 literal, or undefined. */
export function ip(v: unknown): string | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  // Every IPv6 form (node's isIPv6) has a colon: host names and junk skip its regular expression.
  return ipv4Value(s) >= 0 || (s.includes(':') && isIP(s) !== 0) ? s : undefined;
}

/**
 * A dotted-quad IPv4 literal as an unsigned 32-bit number, or -1. Accepts exactly what Node's isIPv4
 * accepts (four decimal octets 0-255, no leading zeros), without its regular expression.
 */
export function ipv4Value(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && octet === 0) return -1; // leading zero
      octet = octet * 10 + (c - 0x30);
      if (++digits > 3 || octet > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'T' || v === 'yes') return true;
  if (v === 'false' || v === 'F' || v === 'no') return false;
  return undefined;
}

/** Strings of an array, dropping anything else. */
export function strArray(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const x of v) {
    const s = str(x);
    if (s !== undefined) out.push(s);
  }
  return out;
}

/** `fn` over an array's elements; the array itself when `fn` returned every element unchanged (copied on the first change). */
export function mapShared(v: readonly unknown[], fn: (x: unknown) => unknown): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    const c = fn(x);
    if (c !== x && out === undefined) out = v.slice(0, i);
    if (out !== undefined) out.push(c);
  }
  return out ?? v;
}

/**
 * An object without null/undefined members, recursively (vendors pad with nulls). Subtrees that hold
 * no null are shared with the input rather than copied: mappers compact parsed records (fresh per
 * record) and nested compact() results, so copying them again only cost time.
 */
export function compact(v: unknown): unknown {
  if (Array.isArray(v)) return mapShared(v, compact);
  if (!isRecord(v)) return v;
  let out: Rec | undefined;
  // for-in walks a plain object's own keys in Object.keys order without allocating the key array;
  // most subtrees hold no null, and then nothing at all is allocated.
  for (const k in v) {
    const x = v[k];
    const drop = x === null || x === undefined;
    // Scalars (most values) come back as they are: no call for them.
    const c = drop ? undefined : typeof x === 'object' ? compact(x) : x;
    if ((drop || c !== x) && out === undefined) {
      out = {};
      for (const j in v) {
        if (j === k) break;
        out[j] = v[j];
      }
    }
    if (out !== undefined && c !== undefined) out[k] = c;
  }
  return out ?? v;
}

const IANA_TRANSPORT: Readonly<Record<string, string>> = lookupTable({
  '1': 'icmp', '2': 'igmp', '6': 'tcp', '17': 'udp', '41': 'ipv6', '47': 'gre', '50': 'esp', '51': 'ah', '58': 'ipv6-icmp', '132': 'sctp',
});
const TRANSPORT_IANA: Readonly<Record<string, string>> = lookupTable({
  icmp: '1', igmp: '2', tcp: '6', udp: '17', gre: '47', esp: '50', ah: '51', 'ipv6-icmp': '58', icmpv6: '58', sctp: '132',
});

export function transportFromIana(n: string): string | undefined {
  return IANA_TRANSPORT[n];
}
export function ianaFromTransport(t: string): string | undefined {
  return TRANSPORT_IANA[t.toLowerCase()];
}

/** Snake-case a camelCase key the way Elastic's pipelines do (`alternateId` -> `alternate_id`). */
export function snake(key: string): string {
  // Most keys are already lower-case ASCII: the rewrites below would leave them unchanged.
  if (isPlainKey(key)) return key;
  const hit = SNAKE_CACHE.get(key);
  if (hit !== undefined) return hit;
  const out = key.replace(CAMEL_BOUNDARY, '$1_$2').replace(ACRONYM_BOUNDARY, '$1_$2').toLowerCase();
  // Vendor keys are a small vocabulary; the bound keeps hostile input (a new key per record) from growing it.
  if (SNAKE_CACHE.size >= SNAKE_CACHE_MAX) SNAKE_CACHE.clear();
  SNAKE_CACHE.set(key, out);
  return out;
}
/** `/^[a-z0-9_.-]*$/` by char codes: this runs for every key of every vendor subtree. */
function isPlainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2d)) return false;
  }
  return true;
}
const CAMEL_BOUNDARY = /([a-z0-9])([A-Z])/g;
const ACRONYM_BOUNDARY = /([A-Z])([A-Z][a-z])/g;
const SNAKE_CACHE = new Map<string, string>();
const SNAKE_CACHE_MAX = 4096;
