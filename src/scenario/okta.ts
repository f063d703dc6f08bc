/** Okta System Log events (one JSON object per line), in the shape of the Okta API's LogEvent. */
import type { Rng } from './rng.js';
import { isoMillis } from './time.js';
import type { Person } from './world.js';

export interface OktaClient {
  ip: string;
  userAgent: string;
  browser: string;
  os: string;
  device: string;
  geo: { city: string; country: string; state: string; postalCode: string; lat: number; lon: number };
  asNumber: number;
  asOrg: string;
  isp: string;
  domain: string;
}

export interface OktaEventSpec {
  at: number;
  eventType: string;
  legacyEventType: string;
  displayMessage: string;
  result: 'SUCCESS' | 'FAILURE' | 'ALLOW' | 'DENY';
  reason?: string;
  severity?: 'INFO' | 'WARN';
  person: Person;
  client: OktaClient;
  sessionId: string;
  requestUri: string;
  factor?: string;
  target?: Record<string, unknown>[];
  authenticationProvider?: string;
  credentialProvider?: string;
  credentialType?: string;
  transactionId: string;
}

function geo(c: OktaClient): Record<string, unknown> {
  return { city: c.geo.city, country: c.geo.country, geolocation: { lat: c.geo.lat, lon: c.geo.lon }, postalCode: c.geo.postalCode, state: c.geo.state };
}

export function oktaEvent(rng: Rng, s: OktaEventSpec): string {
  const c = s.client;
  const debugData: Record<string, unknown> = {
    requestId: s.transactionId,
    requestUri: s.requestUri,
    threatSuspected: 'false',
    url: `${s.requestUri}?`,
  };
  if (s.factor !== undefined) debugData.factor = s.factor;
  const ev = {
    actor: { alternateId: s.person.email, detailEntry: null, displayName: s.person.displayName, id: s.person.oktaId, type: 'User' },
    authenticationContext: {
      authenticationProvider: s.authenticationProvider ?? null,
      authenticationStep: 0,
      credentialProvider: s.credentialProvider ?? null,
      credentialType: s.credentialType ?? null,
      externalSessionId: s.sessionId,
      interface: null,
      issuer: null,
    },
    client: {
      device: c.device,
      geographicalContext: geo(c),
      id: null,
      ipAddress: c.ip,
      userAgent: { browser: c.browser, os: c.os, rawUserAgent: c.userAgent },
      zone: 'null',
    },
    debugContext: { debugData },
    device: null,
    displayMessage: s.displayMessage,
    eventType: s.eventType,
    legacyEventType: s.legacyEventType,
    outcome: { reason: s.reason ?? null, result: s.result },
    published: isoMillis(s.at),
    request: { ipChain: [{ geographicalContext: geo(c), ip: c.ip, source: null, version: 'V4' }] },
    securityContext: { asNumber: c.asNumber, asOrg: c.asOrg, domain: c.domain, isProxy: false, isp: c.isp },
    severity: s.severity ?? 'INFO',
    target: s.target ?? null,
    transaction: { detail: {}, id: s.transactionId, type: 'WEB' },
    uuid: rng.uuid(),
    version: '0',
  };
  return JSON.stringify(ev);
}

/** Okta's 27-character request / transaction ids. */
export function oktaRequestId(rng: Rng): string {
  return rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 27);
}

export function oktaSessionId(rng: Rng): string {
  return `102${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 22)}`;
}

export function userTarget(p: Person): Record<string, unknown> {
  return { alternateId: p.email, detailEntry: null, displayName: p.displayName, id: p.oktaId, type: 'User' };
}
