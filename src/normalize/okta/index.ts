import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { EventDoc, fail } from '../common/doc.js';
import { fromIsoWithZone } from '../common/time.js';
import { bool, compact, int, ip, isRecord, num, snake, str, type Rec } from '../common/values.js';

/** Okta System Log events (the /api/v1/logs JSON objects), mapped as Elastic's okta integration does. */

const SOURCE = 'okta';

interface Kind { category?: string[]; type?: string[] }

const EXACT: Readonly<Record<string, Kind>> = {
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
  const exact = EXACT[eventType];
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

/** camelCase keys to snake_case, recursively, dropping nulls. */
function snakeTree(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeTree);
  if (!isRecord(v)) return v;
  const out: Rec = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === null || x === undefined) continue;
    out[snake(k)] = snakeTree(x);
  }
  return out;
}

const DEBUG_KEYS: Readonly<Record<string, string>> = {
  requestId: 'request_id', requestUri: 'request_uri', threatSuspected: 'threat_suspected', url: 'url',
  deviceFingerprint: 'device_fingerprint', dtHash: 'dt_hash', factor: 'factor', suspiciousActivityEventId: 'suspicious_activity_event_id',
};

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
  for (const [k, v] of Object.entries(raw)) {
    const key = DEBUG_KEYS[k];
    const s = str(v);
    if (key !== undefined && s !== undefined) out[key] = s;
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
  return Object.keys(out).length > 0 ? out : undefined;
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

  const doc = new EventDoc();
  doc.put(['@timestamp'], ts);
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'module'], 'okta');
  doc.put(['event', 'dataset'], 'okta.system');
  doc.put(['event', 'action'], eventType);
  doc.put(['event', 'id'], str(f.uuid));
  const kind = kindOf(eventType);
  doc.put(['event', 'category'], kind?.category);
  doc.put(['event', 'type'], kind?.type);
  const outcome = isRecord(f.outcome) ? f.outcome : {};
  doc.put(['event', 'outcome'], outcomeOf(str(outcome.result)));
  doc.put(['event', 'reason'], str(outcome.reason));
  doc.put(['message'], str(f.displayMessage));

  const actor = isRecord(f.actor) ? f.actor : {};
  const actorName = str(actor.alternateId);
  const actorFull = str(actor.displayName);
  const actorId = str(actor.id);
  const client = isRecord(f.client) ? f.client : {};
  const clientIp = ip(client.ipAddress);
  const security = isRecord(f.securityContext) ? f.securityContext : {};
  const domain = str(security.domain);

  for (const who of [['client'], ['source']] as const) {
    doc.put([...who, 'user', 'full_name'], actorFull);
    doc.put([...who, 'user', 'id'], actorId);
    doc.put([...who, 'user', 'name'], actorName);
    doc.put([...who, 'ip'], clientIp);
    doc.put([...who, 'domain'], domain);
  }
  doc.put(['client', 'as', 'organization', 'name'], str(security.asOrg));
  doc.put(['client', 'as', 'number'], int(security.asNumber, 0));
  const geo = isRecord(client.geographicalContext) ? client.geographicalContext : {};
  doc.put(['client', 'geo', 'city_name'], str(geo.city));
  doc.put(['client', 'geo', 'country_name'], str(geo.country));
  doc.put(['client', 'geo', 'region_name'], str(geo.state));
  const loc = isRecord(geo.geolocation) ? geo.geolocation : undefined;
  if (loc !== undefined && num(loc.lat) !== undefined && num(loc.lon) !== undefined) doc.put(['client', 'geo', 'location'], { lat: num(loc.lat), lon: num(loc.lon) });
  doc.put(['user', 'full_name'], actorFull);
  doc.put(['user', 'name'], actorName);
  doc.relate('user', actorFull);
  doc.relate('user', actorName);
  doc.relate('ip', clientIp);

  const ua = isRecord(client.userAgent) ? client.userAgent : {};
  const rawUa = str(ua.rawUserAgent);
  if (rawUa !== undefined && rawUa !== 'unknown') doc.put(['user_agent', 'original'], rawUa);

  const targets = Array.isArray(f.target) ? f.target.filter(isRecord) : [];
  for (const t of targets) {
    const type = str(t.type);
    if (type === 'User' && doc.get(['user', 'target', 'id']) === undefined) {
      doc.put(['user', 'target', 'full_name'], str(t.displayName));
      doc.put(['user', 'target', 'id'], str(t.id));
      doc.relate('user', str(t.displayName));
    } else if (type === 'UserGroup') {
      doc.put(['user', 'target', 'group', 'id'], str(t.id));
      doc.put(['user', 'target', 'group', 'name'], str(t.displayName));
    }
  }

  const okta: Rec = {
    uuid: str(f.uuid),
    event_type: eventType,
    display_message: str(f.displayMessage),
    severity: undefined,
    actor: snakeTree({ alternate_id: actor.alternateId, display_name: actor.displayName, id: actor.id, type: actor.type }),
    outcome: snakeTree(outcome),
    authentication_context: snakeTree(f.authenticationContext),
    client: snakeTree({ device: client.device, ip: client.ipAddress, zone: client.zone, id: client.id, user_agent: client.userAgent }),
    transaction: snakeTree({ id: isRecord(f.transaction) ? f.transaction.id : undefined, type: isRecord(f.transaction) ? f.transaction.type : undefined }),
    device: snakeTree(f.device),
  };
  const dd = debugData(isRecord(f.debugContext) ? f.debugContext.debugData : undefined);
  if (dd !== undefined) okta.debug_context = { debug_data: dd };
  const chain = isRecord(f.request) && Array.isArray(f.request.ipChain) ? f.request.ipChain.filter(isRecord) : [];
  if (chain.length > 0) okta.request = { ip_chain: snakeTree(chain) };
  const sc = snakeTree({
    as: security.asNumber !== null || security.asOrg !== null ? compact({ number: security.asNumber, organization: security.asOrg !== null && security.asOrg !== undefined ? { name: security.asOrg } : undefined }) : undefined,
    domain: security.domain, is_proxy: bool(security.isProxy), isp: security.isp,
  });
  if (isRecord(sc) && Object.keys(sc).length > 0) okta.security_context = sc;
  if (targets.length > 0) okta.target = targets.map((t) => snakeTree({ alternate_id: t.alternateId, display_name: t.displayName, id: t.id, type: t.type }));
  doc.merge(['okta'], compact(okta) as Rec);
  return doc.finish();
}

export const oktaMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Okta System Log (JSON events from /api/v1/logs or an event hook)',
  priority: 80,
  detect,
  map,
};
