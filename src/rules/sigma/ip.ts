/** IPv4 / IPv6 parsing and CIDR membership (pySigma: strict=False, host bits of the network ignored). */

export interface Cidr {
  text: string;
  v6: boolean;
  /** Network address as 16-bit words (2 for IPv4, 8 for IPv6). */
  words: Uint16Array;
  prefix: number;
}

function parseV4(s: string, out: Uint16Array, at: number): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  const b: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return false;
    const n = Number(p);
    if (n > 255) return false;
    b.push(n);
  }
  out[at] = ((b[0] as number) << 8) | (b[1] as number);
  out[at + 1] = ((b[2] as number) << 8) | (b[3] as number);
  return true;
}

/** Parse an IP address into 16-bit words; null if it is not one. IPv4-mapped IPv6 stays IPv6. */
export function parseIp(s: string): { v6: boolean; words: Uint16Array } | null {
  if (s.includes(':')) {
    let str = s;
    const pct = str.indexOf('%');
    if (pct >= 0) str = str.slice(0, pct); // zone index (fe80::1%eth0)
    if (str.startsWith('[') && str.endsWith(']')) str = str.slice(1, -1);
    const words = new Uint16Array(8);
    let tail = str;
    let v4Words = 0;
    const lastColon = tail.lastIndexOf(':');
    if (tail.slice(lastColon + 1).includes('.')) {
      if (!parseV4(tail.slice(lastColon + 1), words, 6)) return null;
      tail = tail.slice(0, lastColon + 1) + '0:0';
      v4Words = 2;
    }
    const dbl = tail.indexOf('::');
    if (dbl !== tail.lastIndexOf('::')) return null;
    const headS = dbl >= 0 ? tail.slice(0, dbl) : tail;
    const tailS = dbl >= 0 ? tail.slice(dbl + 2) : '';
    const head = headS === '' ? [] : headS.split(':');
    const rest = tailS === '' ? [] : tailS.split(':');
    if (dbl < 0 && head.length !== 8) return null;
    if (dbl >= 0 && head.length + rest.length > 7) return null;
    const all = [...head, ...new Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
    for (let i = 0; i < 8; i++) {
      const h = all[i] as string;
      if (!/^[0-9a-fA-F]{1,4}$/.test(h)) return null;
      if (i >= 8 - v4Words) continue;
      words[i] = parseInt(h, 16);
    }
    return { v6: true, words };
  }
  const words = new Uint16Array(2);
  return parseV4(s, words, 0) ? { v6: false, words } : null;
}

export class CidrError extends Error {
  constructor(text: string, detail: string) {
    super(`invalid CIDR '${text}': ${detail}`);
    this.name = 'CidrError';
  }
}

export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const addr = slash >= 0 ? text.slice(0, slash) : text;
  const ip = parseIp(addr.trim());
  if (ip === null) throw new CidrError(text, `'${addr}' is not an IPv4 or IPv6 address`);
  const max = ip.v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) throw new CidrError(text, `prefix length '${p}' is not 0..${max}`);
    prefix = Number(p);
  }
  // Keep only the network bits (pySigma uses strict=False: host bits are ignored).
  const words = ip.words;
  for (let i = 0; i < words.length; i++) {
    const bitsLeft = prefix - i * 16;
    if (bitsLeft >= 16) continue;
    words[i] = bitsLeft <= 0 ? 0 : (words[i] as number) & (0xffff << (16 - bitsLeft)) & 0xffff;
  }
  return { text, v6: ip.v6, words, prefix };
}

export function cidrContains(c: Cidr, address: string): boolean {
  const ip = parseIp(address);
  if (ip === null || ip.v6 !== c.v6) return false;
  for (let i = 0; i < c.words.length; i++) {
    const bitsLeft = c.prefix - i * 16;
    if (bitsLeft <= 0) return true;
    const mask = bitsLeft >= 16 ? 0xffff : (0xffff << (16 - bitsLeft)) & 0xffff;
    if (((ip.words[i] as number) & mask) !== c.words[i]) return false;
  }
  return true;
}
