/**
 * Entity resolution: one canonical id per user, host, ip and process across sources, written to
 * `weft.entity.*` so correlation can group "the same person" seen by Windows, Okta and AWS.
 * Ids are SHA-256 of the canonical form (`user:alice`), so they are stable across runs and workers.
 */
import { isIP } from 'node:net';
import { entityId } from '../event/event-id.js';
import type { WeftEntityIds, WeftEvent } from '../event/model.js';
import type { IdentityDirectory } from './identity-directory.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined);
const strs = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/** `CORP\Alice` -> `alice`; `Alice@Corp.Example` -> `alice@corp.example`; ` alice ` -> `alice`. */
export function canonicalUserName(raw: string): string {
  let s = raw.trim().toLowerCase();
  const slash = s.lastIndexOf('\\');
  if (slash >= 0) s = s.slice(slash + 1);
  return s;
}

/** `DC01.corp.example` -> `dc01`; an IP address stays as it is. */
export function canonicalHostName(raw: string): string {
  const s = raw.trim().toLowerCase();
  if (isIP(s)) return s;
  const dot = s.indexOf('.');
  return dot > 0 ? s.slice(0, dot) : s;
}

/** Accounts that are the machine, not a person: they never link people across sources. */
const MACHINE_ACCOUNTS = new Set(['system', 'local service', 'network service', '-', 'anonymous logon', 'n/a']);

export class EntityResolver {
  private readonly userAlias = new Map<string, string>();
  private readonly hostAlias = new Map<string, string>();

  /** The directory it was built from: ingest workers rebuild the same resolver from it. */
  readonly directory: IdentityDirectory | undefined;

  constructor(directory?: IdentityDirectory) {
    this.directory = directory;
    for (const u of directory?.users ?? []) {
      const id = canonicalUserName(u.id);
      this.userAlias.set(id, id);
      for (const a of u.aliases) this.userAlias.set(canonicalUserName(a), id);
    }
    for (const h of directory?.hosts ?? []) {
      const id = canonicalHostName(h.id);
      this.hostAlias.set(id, id);
      for (const a of h.aliases) this.hostAlias.set(canonicalHostName(a), id);
      // Aliases are often FQDNs: keep the full lowercased form too, before shortening.
      for (const a of h.aliases) this.hostAlias.set(a.trim().toLowerCase(), id);
    }
  }

  /** The canonical user for a raw name, through the directory when it knows the name. */
  user(raw: string): string | undefined {
    const c = canonicalUserName(raw);
    if (c === '' || MACHINE_ACCOUNTS.has(c) || c.endsWith('$')) return undefined;
    return this.userAlias.get(c) ?? this.userAlias.get(raw.trim().toLowerCase()) ?? c;
  }

  host(raw: string): string | undefined {
    const full = raw.trim().toLowerCase();
    if (full === '' || full === '-') return undefined;
    return this.hostAlias.get(full) ?? this.hostAlias.get(canonicalHostName(full)) ?? canonicalHostName(full);
  }

  /** The canonical forms an event names (before hashing): what `weft.entity` ids are made of. */
  canonical(event: WeftEvent): { user: string[]; host: string[]; ip: string[]; process: string[] } {
    const users = new Set<string>();
    const user = rec(event.user);
    for (const n of [...strs(user?.name), ...strs(user?.email)]) {
      const u = this.user(n);
      if (u) users.add(u);
    }
    // A federated AWS session carries the person in the role session name: `AROA...:alice@corp.example`.
    for (const id of strs(user?.id)) {
      const colon = id.indexOf(':');
      if (id.startsWith('AROA') && colon > 0) {
        const u = this.user(id.slice(colon + 1));
        if (u) users.add(u);
      }
    }
    const hosts = new Set<string>();
    for (const n of strs(rec(event.host)?.name)) {
      const h = this.host(n);
      if (h) hosts.add(h);
    }
    const ips = new Set<string>();
    for (const side of [event.source, event.destination, event.client, event.server]) {
      for (const ip of strs(rec(side)?.ip)) if (isIP(ip)) ips.add(ip.toLowerCase());
    }
    const processes = new Set<string>();
    const proc = rec(event.process);
    const pEntity = strs(proc?.entity_id)[0];
    if (pEntity) processes.add(pEntity);
    else if (typeof proc?.pid === 'number' && hosts.size > 0) processes.add(`${[...hosts][0]}|${proc.pid}|${strs(proc.start)[0] ?? ''}`);
    return { user: [...users], host: [...hosts], ip: [...ips], process: [...processes] };
  }

  /** Set `weft.entity` on the event (in place) and return it. */
  enrich(event: WeftEvent): WeftEvent {
    const c = this.canonical(event);
    const ids: WeftEntityIds = {};
    if (c.user.length > 0) ids.user = c.user.map((u) => entityId('user', u));
    if (c.host.length > 0) ids.host = c.host.map((h) => entityId('host', h));
    if (c.ip.length > 0) ids.ip = c.ip.map((i) => entityId('ip', i));
    if (c.process.length > 0) ids.process = c.process.map((p) => entityId('process', p));
    event.weft.entity = ids;
    return event;
  }
}
