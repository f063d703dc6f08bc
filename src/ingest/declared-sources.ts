/**
 * Sources declared in the configuration (`ingest.sources`): by source id, the source type, wire
 * format and time zone its records are read with when whoever sends them does not say. A firewall
 * in Berlin sending RFC 3164 syslog (no zone, no year) to a listener with id `fw-berlin`, or a
 * poller posting to `/api/v1/ingest?source=okta`, then needs no per-request declaration.
 */
import type { DeclaredFormat } from '../decode/types.js';
import { isKnownZone } from '../decode/zone.js';
import { mapperFor } from '../normalize/registry.js';

export interface DeclaredSource {
  id: string;
  type?: string;
  format?: DeclaredFormat;
  timezone?: string;
}

/** A declared source the configuration check let through but Weft cannot use. */
export class DeclaredSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeclaredSourceError';
  }
}

/**
 * The declarations by id. Throws DeclaredSourceError for an id declared twice or a zone the runtime
 * does not know, and UnknownSourceTypeError for a type no mapper has: a service must not start and
 * then quarantine every record of a misconfigured source.
 */
export function declaredSources(list: readonly DeclaredSource[] | undefined): ReadonlyMap<string, DeclaredSource> {
  const out = new Map<string, DeclaredSource>();
  for (const s of list ?? []) {
    if (out.has(s.id)) throw new DeclaredSourceError(`ingest.sources: source id '${s.id}' is declared twice`);
    if (s.type !== undefined) mapperFor(s.type);
    if (s.timezone !== undefined && !isKnownZone(s.timezone)) throw new DeclaredSourceError(`ingest.sources: source '${s.id}' has an unknown time zone '${s.timezone}'`);
    out.set(s.id, s);
  }
  return out;
}
