import { parse } from 'tldts';

export interface DomainParts {
  registered_domain?: string;
  subdomain?: string;
  top_level_domain?: string;
}

/**
 * Host names repeat heavily in DNS, proxy and web logs, and a Public Suffix List walk costs more
 * than decoding the record: remember recent answers. Bounded: hostile input (a new name per record)
 * only ever clears it.
 */
const cache = new Map<string, Readonly<DomainParts>>();
const CACHE_MAX = 8192;
const NONE: Readonly<DomainParts> = Object.freeze({});

/**
 * Split a host name with the Public Suffix List, as Elastic's `registered_domain` processor does.
 * The result is shared between calls (frozen): copy its fields, never mutate it.
 */
export function domainParts(host: string): Readonly<DomainParts> {
  let out = cache.get(host);
  if (out === undefined) {
    out = split(host);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(host, out);
  }
  return out;
}

function split(host: string): Readonly<DomainParts> {
  const p = parse(host, { allowPrivateDomains: false });
  if (p.isIp === true || p.domain === null) return NONE;
  const out: DomainParts = { registered_domain: p.domain };
  if (p.subdomain !== null && p.subdomain.length > 0) out.subdomain = p.subdomain;
  if (p.publicSuffix !== null) out.top_level_domain = p.publicSuffix;
  return Object.freeze(out);
}
