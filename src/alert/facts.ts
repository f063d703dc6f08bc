/**
 * The few facts about an event that alerting needs after the event itself is gone: time, source,
 * the entities it names, and the baseline dimensions (process, country, host). Kept for matched
 * events only, so a hunt or ingest holds facts in proportion to detections, not to input.
 */
import { canonicalHostName, canonicalUserName } from '../enrich/entity-resolver.js';
import type { WeftEvent } from '../event/model.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : Array.isArray(v) && typeof v[0] === 'string' && v[0] !== '' ? v[0] : undefined);

export interface EventFacts {
  id: string;
  ts: number;
  timestamp: string;
  sourceType: string;
  sourceId: string;
  user?: string;
  host?: string;
  sourceIp?: string;
  destinationIp?: string;
  process?: string;
  country?: string;
  /** Entity keys (`user:<id>` ...), from weft.entity where present. */
  keys: string[];
  /** Short text for timelines: action or category plus message. */
  summary: string;
}

/** Accounts that name a machine or nobody: never a person to baseline or group on. */
const NOT_A_USER = new Set(['-', 'system', 'local service', 'network service', 'anonymous logon', 'n/a', 'unknown']);

export function userOf(ev: WeftEvent): string | undefined {
  const u = rec(ev.user);
  const name = str(u?.name) ?? str(u?.email);
  if (name === undefined) return undefined;
  const c = canonicalUserName(name);
  return c === '' || NOT_A_USER.has(c) || c.endsWith('$') ? undefined : c;
}

function processName(ev: WeftEvent): string | undefined {
  const p = rec(ev.process);
  const name = str(p?.name);
  if (name !== undefined) return name.toLowerCase();
  const exe = str(p?.executable);
  if (exe === undefined) return undefined;
  const cut = Math.max(exe.lastIndexOf('\\'), exe.lastIndexOf('/'));
  return exe.slice(cut + 1).toLowerCase();
}

export function eventFacts(ev: WeftEvent): EventFacts {
  const host = str(rec(ev.host)?.name);
  const source = rec(ev.source);
  const dest = rec(ev.destination);
  const geo = rec(source?.geo) ?? rec(rec(ev.client)?.geo);
  const country = str(geo?.country_iso_code) ?? str(geo?.country_name);
  const user = userOf(ev);
  const keys: string[] = [];
  const ent = ev.weft.entity;
  if (ent?.user?.length) for (const id of ent.user) keys.push(`user:${id}`);
  else if (user !== undefined) keys.push(`user:${user}`);
  if (ent?.host?.length) for (const id of ent.host) keys.push(`host:${id}`);
  else if (host !== undefined) keys.push(`host:${canonicalHostName(host)}`);
  if (ent?.ip?.length) for (const id of ent.ip) keys.push(`ip:${id}`);
  else for (const ip of [str(source?.ip), str(dest?.ip)]) if (ip !== undefined) keys.push(`ip:${ip}`);
  const e = rec(ev.event);
  const what = str(e?.action) ?? str(e?.category) ?? '';
  const msg = str(ev.message) ?? '';
  const summary = `${what}${what && msg ? ': ' : ''}${msg}`.slice(0, 200);
  const sIp = str(source?.ip);
  const dIp = str(dest?.ip);
  const proc = processName(ev);
  return {
    id: ev.weft.id,
    ts: Date.parse(ev['@timestamp']),
    timestamp: ev['@timestamp'],
    sourceType: ev.weft.source_type ?? 'unknown',
    sourceId: ev.weft.source_id,
    keys,
    summary,
    ...(user !== undefined ? { user } : {}),
    ...(host !== undefined ? { host: canonicalHostName(host) } : {}),
    ...(sIp !== undefined ? { sourceIp: sIp } : {}),
    ...(dIp !== undefined ? { destinationIp: dIp } : {}),
    ...(proc !== undefined ? { process: proc } : {}),
    ...(country !== undefined ? { country } : {}),
  };
}

/**
 * An event cut down to what the baseline reads (`@timestamp` and the fields baselineDimensions
 * takes): hunt workers send this for an event no rule matched instead of the whole event, which
 * would cost more to copy between threads than to evaluate.
 */
export function baselineView(ev: WeftEvent): WeftEvent {
  const out: Rec = { '@timestamp': ev['@timestamp'], weft: ev.weft };
  const u = rec(ev.user);
  if (u !== undefined) out.user = { name: u.name, email: u.email };
  const h = rec(ev.host);
  if (h !== undefined) out.host = { name: h.name };
  const p = rec(ev.process);
  if (p !== undefined) out.process = { name: p.name, executable: p.executable };
  const geo = (g: Rec | undefined): Rec | undefined => (g === undefined ? undefined : { geo: { country_iso_code: g.country_iso_code, country_name: g.country_name } });
  const sg = geo(rec(rec(ev.source)?.geo));
  if (sg !== undefined) out.source = sg;
  const cg = geo(rec(rec(ev.client)?.geo));
  if (cg !== undefined) out.client = cg;
  return out as WeftEvent;
}

/** Only what the baseline needs from an event: cheaper than eventFacts, it runs on every event. */
export function baselineDimensions(ev: WeftEvent): Pick<EventFacts, 'user' | 'host' | 'process' | 'country'> {
  const user = userOf(ev);
  if (user === undefined) return {};
  const host = str(rec(ev.host)?.name);
  const geo = rec(rec(ev.source)?.geo) ?? rec(rec(ev.client)?.geo);
  const country = str(geo?.country_iso_code) ?? str(geo?.country_name);
  const proc = processName(ev);
  return { user, ...(host !== undefined ? { host: canonicalHostName(host) } : {}), ...(proc !== undefined ? { process: proc } : {}), ...(country !== undefined ? { country } : {}) };
}

/** The baseline dimensions of an event: (kind, entity, value) triples. */
export function baselineKeys(f: Pick<EventFacts, 'user' | 'host' | 'process' | 'country'>): Array<{ kind: string; entity: string; value: string }> {
  if (f.user === undefined) return [];
  const out: Array<{ kind: string; entity: string; value: string }> = [];
  if (f.process !== undefined) out.push({ kind: 'user_process', entity: f.user, value: f.process });
  if (f.country !== undefined) out.push({ kind: 'user_country', entity: f.user, value: f.country });
  if (f.host !== undefined) out.push({ kind: 'user_host', entity: f.user, value: f.host });
  return out;
}
