import { parse } from 'tldts';

export interface DomainParts {
  registered_domain?: string;
  subdomain?: string;
  top_level_domain?: string;
}

/** Split a host name with the Public Suffix List, as Elastic's `registered_domain` processor does. */
export function domainParts(host: string): DomainParts {
  const p = parse(host, { allowPrivateDomains: false });
  if (p.isIp === true || p.domain === null) return {};
  const out: DomainParts = { registered_domain: p.domain };
  if (p.subdomain !== null && p.subdomain.length > 0) out.subdomain = p.subdomain;
  if (p.publicSuffix !== null) out.top_level_domain = p.publicSuffix;
  return out;
}
