import type { Decoded } from '../../decode/types.js';
import type { EcsFields } from '../../event/model.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { fail } from '../common/doc.js';
import { fromIsoWithZone } from '../common/time.js';
import { bool, compact, hasKeys, int, ip, isRecord, mapShared, num, putOwn, snake, str, type Rec } from '../common/values.js';
import { lookupTable } from '../../event/own-props.js';

/** Okta System Log events (the /api/v1/logs JSON objects), mapped as Elastic's okta integration does. */

const SOURCE = 'okta';

interface Kind { category?: string[]; type?: string[] }

const EXACT_TABLE: Readonly<Record<string, Kind>> = {
  'user.session.start': { category: ['authentication', 'session'], type: ['start', 'info'] },
  'user.session.end': { category: ['authentication', 'session'], type: ['end', 'info'] },
  'user.session.clear': { category: ['authentication', 'session'], type: ['end', 'info'] },
  'policy.evaluate_sign_on': { category: ['authentication'], type: ['info'] },
  'system.push.send_factor_verify_push': { category: ['authentication'], type: ['info'] },
  'user.mfa.okta_verify.deny_push': { category: ['authentication'], type: ['info'] },
  'user.lifecycle.create': { category: ['iam'], type: ['user', 'creation'] },
  'user.lifecycle.activate': { category: ['iam'], type: ['user', 'change'] },
  'user.lifecycle.deactivate': { category: ['iam'], type: ['user', 'change'] },
  'user.lifecycle.suspend': { category: ['iam'], type: ['user', 'change'] },
  'user.lifecycle.unsuspend': { category: ['iam'], type: ['user', 'change'] },
  'user.lifecycle.delete.initiated': { category: ['iam'], type: ['user', 'deletion'] },
  'user.lifecycle.delete.completed': { category: ['iam'], type: ['user', 'deletion'] },
  'group.user_membership.add': { category: ['iam'], type: ['group', 'change'] },
  'group.user_membership.remove': { category: ['iam'], type: ['group', 'change'] },
  'group.lifecycle.create': { category: ['iam'], type: ['group', 'creation'] },
  'group.lifecycle.delete': { category: ['iam'], type: ['group', 'deletion'] },
};
/** A Map, not the object: a record's eventType is a fresh string, and names like `toString` find nothing. */
const EXACT: ReadonlyMap<string, Kind> = new Map(Object.entries(EXACT_TABLE));

/** Prefix rules for families Okta keeps growing (user.authentication.*, user.account.*, ...). */
const PREFIX: readonly (readonly [string, Kind])[] = [
  ['user.authentication.', { category: ['authentication'], type: ['info'] }],
  ['user.account.', { category: ['iam'], type: ['user', 'change'] }],
  ['user.mfa.factor.', { category: ['iam'], type: ['user', 'change'] }],
  ['policy.lifecycle.', { category: ['configuration'], type: ['change'] }],
  ['policy.rule.', { category: ['configuration'], type: ['change'] }],
  ['application.lifecycle.', { category: ['configuration'], type: ['change'] }],
];

function kindOf(eventType: string): Kind | undefined {
  const exact = EXACT.get(eventType);
  if (exact !== undefined) return exact;
  for (const [p, k] of PREFIX) if (eventType.startsWith(p)) return k;
  return undefined;
}

function outcomeOf(result: string | undefined): string | undefined {
  switch (result) {
    case 'SUCCESS': case 'ALLOW': return 'success';
    case 'FAILURE': case 'DENY': case 'CHALLENGE': return 'failure';
    case undefined: return undefined;
    default: return 'unknown';
  }
}

/**
 * camelCase keys to snake_case, recursively, dropping nulls. A subtree it would copy unchanged (plain
 * keys, no nulls) is shared with the input instead, as compact() does: the parsed record is fresh per
 * event and only read.
 */
function snakeTree(v: unknown): unknown {
  if (Array.isArray(v)) return mapShared(v, snakeTree);
  if (!isRecord(v)) return v;
  let out: Rec | undefined;
  // for-in visits a parsed object's own keys in Object.keys order without building the key array.
  for (const k in v) {
    const x = v[k];
    const drop = x === null || x === undefined;
    const key = snake(k);
    // Scalars (most values) come back as they are: no call for them.
    const c = drop ? undefined : typeof x === 'object' ? snakeTree(x) : x;
    // '__proto__' is always rebuilt, and put as an own key: assigning it would set the prototype.
    if ((drop || key !== k || c !== x || k === '__proto__') && out === undefined) {
      out = {};
      for (const j in v) {
        if (j === k) break;
        out[j] = v[j];
      }
    }
    if (out !== undefined && !drop) putOwn(out, key, c);
  }
  return out ?? v;
}

const DEBUG_KEYS: Readonly<Record<string, string>> = lookupTable({
  requestId: 'request_id', requestUri: 'request_uri', threatSuspected: 'threat_suspected', url: 'url',
  deviceFingerprint: 'device_fingerprint', dtHash: 'dt_hash', factor: 'factor', suspiciousActivityEventId: 'suspicious_activity_event_id',
});

/** Okta writes maps as Java toString: `{New IP=POSITIVE, level=LOW}`. */
function javaMap(s: string): Record<string, string> | undefined {
  const m = /^\{(.*)\}$/s.exec(s.trim());
  if (m === null) return undefined;
  const out: Record<string, string> = {};
  for (const part of (m[1] as string).split(/,\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function debugData(raw: unknown): Rec | undefined {
  if (!isRecord(raw)) return undefined;
  const out: Rec = {};
  // for-in visits a parsed object's keys in Object.entries order without building the pairs.
  for (const k in raw) {
    const key = DEBUG_KEYS[k];
    if (key === undefined) continue;
    const s = str(raw[k]);
    if (s !== undefined) out[key] = s;
  }
  const risk = typeof raw.risk === 'string' ? javaMap(raw.risk) : undefined;
  if (risk !== undefined) {
    if (risk.level !== undefined) out.risk_level = risk.level;
    if (risk.reasons !== undefined) out.risk_reasons = risk.reasons;
  }
  const behaviors = typeof raw.behaviors === 'string' ? javaMap(raw.behaviors) : undefined;
  if (behaviors !== undefined) {
    const positive = Object.keys(behaviors).filter((k) => behaviors[k] === 'POSITIVE');
    if (positive.length > 0) out.risk_behaviors = positive;
  }
  return hasKeys(out) ? out : undefined;
}

function detect(d: Decoded): boolean {
  const f = d.fields;
  return d.format === 'json' && typeof f.eventType === 'string' && typeof f.published === 'string' && isRecord(f.actor) && 'outcome' in f;
}

function map(d: Decoded, _ctx: MapperContext): MapResult {
  const f = d.fields;
  const published = f.published;
  if (typeof published !== 'string') return fail(SOURCE, 'missing_published', 'Okta event has no string "published" timestamp');
  const ts = fromIsoWithZone(published);
  if (ts === undefined) return fail(SOURCE, 'bad_timestamp', `"published" is not an ISO 8601 time with a zone: ${JSON.stringify(published.slice(0, 64))}`);
  const eventType = typeof f.eventType === 'string' && f.eventType.length > 0 ? f.eventType : undefined;
  if (eventType === undefined) return fail(SOURCE, 'missing_event_type', 'Okta event has no string "eventType"');
  if (f.actor !== undefined && f.actor !== null && !isRecord(f.actor)) return fail(SOURCE, 'bad_actor', '"actor" must be an object');
  if (f.target !== undefined && f.target !== null && !Array.isArray(f.target)) return fail(SOURCE, 'bad_target', '"target" must be an array');

  // Built as fixed-shape literals with named fields rather than EventDoc path puts (which cost more
  // than parsing the record). Keys go in where the puts put them, so the output is unchanged: a
  // section is attached to its parent at its first field, and undefined values stay out.
  const event: Rec = { kind: 'event', module: 'okta', dataset: 'okta.system', action: eventType };
  const root: Rec = { '@timestamp': ts, event };
  const uuid = str(f.uuid);
  if (uuid !== undefined) event.id = uuid;
  const kind = kindOf(eventType);
  if (kind?.category !== undefined) event.category = kind.category;
  if (kind?.type !== undefined) event.type = kind.type;
  const outcome = isRecord(f.outcome) ? f.outcome : {};
  const eventOutcome = outcomeOf(str(outcome.result));
  if (eventOutcome !== undefined) event.outcome = eventOutcome;
  const reason = str(outcome.reason);
  if (reason !== undefined) event.reason = reason;
  const displayMessage = str(f.displayMessage);
  if (displayMessage !== undefined) root.message = displayMessage;

  const actor = isRecord(f.actor) ? f.actor : {};
  const actorName = str(actor.alternateId);
  const actorFull = str(actor.displayName);
  const actorId = str(actor.id);
  const client = isRecord(f.client) ? f.client : {};
  const clientIp = ip(client.ipAddress);
  const security = isRecord(f.securityContext) ? f.securityContext : {};
  const domain = str(security.domain);

  // client.* and source.* carry the same actor fields; client also the AS and geo.
  const who = whoFields(actorFull, actorId, actorName, clientIp, domain);
  // whoFields builds a fresh object: it can be client's own (source gets another one below).
  const clientOut: Rec = who ?? {};
  const asOrg = str(security.asOrg);
  const asNumber = int(security.asNumber, 0);
  if (asOrg !== undefined || asNumber !== undefined) {
    const as: Rec = {};
    if (asOrg !== undefined) as.organization = { name: asOrg };
    if (asNumber !== undefined) as.number = asNumber;
    clientOut.as = as;
  }
  const geo = isRecord(client.geographicalContext) ? client.geographicalContext : {};
  const geoOut: Rec = {};
  let hasGeo = false;
  const city = str(geo.city);
  if (city !== undefined) { geoOut.city_name = city; hasGeo = true; }
  const country = str(geo.country);
  if (country !== undefined) { geoOut.country_name = country; hasGeo = true; }
  const region = str(geo.state);
  if (region !== undefined) { geoOut.region_name = region; hasGeo = true; }
  const loc = isRecord(geo.geolocation) ? geo.geolocation : undefined;
  if (loc !== undefined && num(loc.lat) !== undefined && num(loc.lon) !== undefined) { geoOut.location = { lat: num(loc.lat), lon: num(loc.lon) }; hasGeo = true; }
  if (hasGeo) clientOut.geo = geoOut;
  if (who !== undefined || asOrg !== undefined || asNumber !== undefined || hasGeo) root.client = clientOut;
  if (who !== undefined) root.source = whoFields(actorFull, actorId, actorName, clientIp, domain);

  const user: Rec = {};
  let userAttached = false;
  if (actorFull !== undefined) user.full_name = actorFull;
  if (actorName !== undefined) user.name = actorName;
  if (actorFull !== undefined || actorName !== undefined) {
    root.user = user;
    userAttached = true;
  }
  const relatedUser: string[] = [];
  addRelated(relatedUser, actorFull);
  addRelated(relatedUser, actorName);

  const ua = isRecord(client.userAgent) ? client.userAgent : {};
  const rawUa = str(ua.rawUserAgent);
  if (rawUa !== undefined && rawUa !== 'unknown') root.user_agent = { original: rawUa };

  const targets = Array.isArray(f.target) ? f.target.filter(isRecord) : [];
  let userTarget: Rec | undefined;
  for (const t of targets) {
    const type = str(t.type);
    if (type === 'User' && userTarget?.id === undefined) {
      const full = str(t.displayName);
      const id = str(t.id);
      if (full !== undefined || id !== undefined) {
        if (!userAttached) { root.user = user; userAttached = true; }
        if (userTarget === undefined) user.target = userTarget = {};
        if (full !== undefined) userTarget.full_name = full;
        if (id !== undefined) userTarget.id = id;
      }
      addRelated(relatedUser, full);
    } else if (type === 'UserGroup') {
      const id = str(t.id);
      const name = str(t.displayName);
      if (id !== undefined || name !== undefined) {
        if (!userAttached) { root.user = user; userAttached = true; }
        if (userTarget === undefined) user.target = userTarget = {};
        const group: Rec = isRecord(userTarget.group) ? userTarget.group : (userTarget.group = {});
        if (id !== undefined) group.id = id;
        if (name !== undefined) group.name = name;
      }
    }
  }

  // okta.*: what compact() of the vendor object used to leave (snakeTree never yields null members).
  const okta: Rec = {};
  if (uuid !== undefined) okta.uuid = uuid;
  okta.event_type = eventType;
  if (displayMessage !== undefined) okta.display_message = displayMessage;
  okta.actor = snakeFields4('alternate_id', actor.alternateId, 'display_name', actor.displayName, 'id', actor.id, 'type', actor.type);
  okta.outcome = snakeTree(outcome);
  const authContext = snakeTree(f.authenticationContext);
  if (authContext !== undefined && authContext !== null) okta.authentication_context = authContext;
  const clientTree: Rec = {};
  putTree(clientTree, 'device', client.device);
  putTree(clientTree, 'ip', client.ipAddress);
  putTree(clientTree, 'zone', client.zone);
  putTree(clientTree, 'id', client.id);
  putTree(clientTree, 'user_agent', client.userAgent);
  okta.client = clientTree;
  const transaction = isRecord(f.transaction) ? f.transaction : undefined;
  const transactionTree: Rec = {};
  putTree(transactionTree, 'id', transaction?.id);
  putTree(transactionTree, 'type', transaction?.type);
  okta.transaction = transactionTree;
  const device = snakeTree(f.device);
  if (device !== undefined && device !== null) okta.device = device;
  const dd = debugData(isRecord(f.debugContext) ? f.debugContext.debugData : undefined);
  if (dd !== undefined) okta.debug_context = { debug_data: dd };
  const chain = isRecord(f.request) && Array.isArray(f.request.ipChain) ? f.request.ipChain.filter(isRecord) : [];
  if (chain.length > 0) okta.request = { ip_chain: snakeTree(chain) };
  // What snakeTree of the literal {as, domain, is_proxy, isp} gives, without building the literal.
  const sc: Rec = {};
  if (security.asNumber !== null || security.asOrg !== null) {
    sc.as = snakeTree(compact({ number: security.asNumber, organization: security.asOrg !== null && security.asOrg !== undefined ? { name: security.asOrg } : undefined }));
  }
  putTree(sc, 'domain', security.domain);
  putTree(sc, 'is_proxy', bool(security.isProxy));
  putTree(sc, 'isp', security.isp);
  if (hasKeys(sc)) okta.security_context = sc;
  if (targets.length > 0) {
    const out: Rec[] = [];
    for (const t of targets) out.push(snakeFields4('alternate_id', t.alternateId, 'display_name', t.displayName, 'id', t.id, 'type', t.type));
    okta.target = out;
  }
  root.okta = okta;

  if (clientIp !== undefined || relatedUser.length > 0) {
    const related: Rec = {};
    if (clientIp !== undefined) related.ip = [clientIp];
    if (relatedUser.length > 0) related.user = relatedUser;
    root.related = related;
  }
  return { ok: true, event: root as EcsFields };
}

/** client.* / source.*: the actor as user, its IP and the security domain; undefined when none is known. */
function whoFields(full: string | undefined, id: string | undefined, name: string | undefined, clientIp: string | undefined, domain: string | undefined): Rec | undefined {
  if (full === undefined && id === undefined && name === undefined && clientIp === undefined && domain === undefined) return undefined;
  const out: Rec = {};
  if (full !== undefined || id !== undefined || name !== undefined) {
    const u: Rec = {};
    if (full !== undefined) u.full_name = full;
    if (id !== undefined) u.id = id;
    if (name !== undefined) u.name = name;
    out.user = u;
  }
  if (clientIp !== undefined) out.ip = clientIp;
  if (domain !== undefined) out.domain = domain;
  return out;
}

function addRelated(list: string[], v: string | undefined): void {
  if (v !== undefined && v.length > 0 && !list.includes(v)) list.push(v);
}

/** `out[key] = snakeTree(v)` unless v is null or undefined (what snakeTree of an object literal drops). */
function putTree(out: Rec, key: string, v: unknown): void {
  if (v !== null && v !== undefined) out[key] = typeof v === 'object' ? snakeTree(v) : v;
}

/** snakeTree of a four-field object literal with snake_case keys, without building the literal first. */
function snakeFields4(k1: string, v1: unknown, k2: string, v2: unknown, k3: string, v3: unknown, k4: string, v4: unknown): Rec {
  const out: Rec = {};
  putTree(out, k1, v1);
  putTree(out, k2, v2);
  putTree(out, k3, v3);
  putTree(out, k4, v4);
  return out;
}

export const oktaMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Okta System Log (JSON events from /api/v1/logs or an event hook)',
  priority: 80,
  detect,
  map,
};
