/**
 * Forwarding alerts to other systems: a webhook (JSON body signed with HMAC-SHA256) and syslog
 * with a CEF payload over UDP or TCP, for another SIEM.
 */
import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import type { Severity } from '../../store/types.js';
import type { Alert } from '../types.js';

export class ForwardError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ForwardError';
  }
}

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
export const atLeast = (a: Alert, min: Severity): boolean => a.status !== 'suppressed' && RANK[a.severity] >= RANK[min];

/** `sha256=<hex>` of HMAC-SHA256(secret, body): what X-Weft-Signature-256 carries. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  /** The JSON document to send for an alert. */
  render: (a: Alert) => Record<string, unknown>;
}

/** POST one alert; a 5xx or network error is retried once. Throws ForwardError on failure. */
export async function postWebhook(a: Alert, o: WebhookOptions): Promise<void> {
  const body = JSON.stringify(o.render(a));
  const headers = { 'content-type': 'application/json', 'user-agent': 'weft', 'x-weft-delivery': a.id, 'x-weft-signature-256': signBody(o.secret, body) };
  let last = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const res = await fetch(o.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(o.timeoutMs) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
      if (res.status < 500) break;
    } catch (err) {
      last = (err as Error).message;
    }
  }
  throw new ForwardError(`webhook ${new URL(o.url).origin} refused alert ${a.id}: ${last}`);
}

const CEF_SEVERITY: Record<Severity, number> = { low: 3, medium: 5, high: 8, critical: 10 };
const header = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
const ext = (s: string): string => s.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r?\n/g, '\\n').replace(/\r/g, '\\r');

/** ArcSight CEF for an alert: the rule as signature, Weft's severity on CEF's 0..10 scale. */
export function cefLine(a: Alert, version: string): string {
  const pairs: Array<[string, string]> = [
    ['rt', String(Date.parse(a['@timestamp']))],
    ['start', String(Date.parse(a.first_time))],
    ['end', String(Date.parse(a.last_time))],
    ['cnt', String(a.count)],
    ['externalId', a.id],
    ['cat', a.kind],
    ...(a.entities.user[0] !== undefined ? [['suser', a.entities.user[0]] as [string, string]] : []),
    ...(a.entities.host[0] !== undefined ? [['dhost', a.entities.host[0]] as [string, string]] : []),
    ...(a.entities.ip[0] !== undefined ? [['src', a.entities.ip[0]] as [string, string]] : []),
    ['cs1Label', 'score'], ['cs1', String(a.score)],
    ['cs2Label', 'tactics'], ['cs2', (a.threat.tactic?.name ?? []).join(',')],
    ['cs3Label', 'techniques'], ['cs3', [...(a.threat.technique?.id ?? []), ...(a.threat.technique?.subtechnique?.id ?? [])].join(',')],
    ['cs4Label', 'incident'], ['cs4', a.incident_id ?? ''],
    ['msg', `${a.rule.title} (score ${a.score}, ${a.severity})`],
  ];
  return `CEF:0|Weft|Weft|${header(version)}|${header(a.rule.id)}|${header(a.rule.title)}|${CEF_SEVERITY[a.severity]}|${pairs.map(([k, v]) => `${k}=${ext(v)}`).join(' ')}`;
}

/** RFC 5424 envelope (facility local4, severity from the alert) around a CEF message. */
export function syslogCef(a: Alert, version: string, hostname: string): string {
  const sev: Record<Severity, number> = { low: 5, medium: 4, high: 3, critical: 2 };
  const pri = 20 * 8 + sev[a.severity];
  return `<${pri}>1 ${a['@timestamp']} ${hostname || '-'} weft - alert - ${cefLine(a, version)}`;
}

export interface SyslogTarget {
  protocol: 'udp' | 'tcp';
  host: string;
  port: number;
}

export function parseSyslogTarget(target: string): SyslogTarget {
  const m = /^(udp|tcp):\/\/([^/:]+|\[[0-9a-f:]+\]):(\d+)$/i.exec(target);
  if (!m || Number(m[3]) < 1 || Number(m[3]) > 65535) throw new ForwardError(`syslog target '${target}' is not udp://host:port or tcp://host:port`);
  return { protocol: (m[1] as string).toLowerCase() as 'udp' | 'tcp', host: (m[2] as string).replace(/^\[|\]$/g, ''), port: Number(m[3]) };
}

/** Send lines: one datagram each over UDP; newline-framed (RFC 6587 non-transparent) over one TCP connection. */
export async function sendSyslog(lines: readonly string[], t: SyslogTarget, timeoutMs = 10_000): Promise<void> {
  if (lines.length === 0) return;
  if (t.protocol === 'udp') {
    const sock = createSocket(t.host.includes(':') ? 'udp6' : 'udp4');
    try {
      for (const l of lines) {
        await new Promise<void>((resolve, reject) => sock.send(Buffer.from(l, 'utf8'), t.port, t.host, (err) => (err ? reject(new ForwardError(`syslog udp send: ${err.message}`, { cause: err })) : resolve())));
      }
    } finally {
      sock.close();
    }
    return;
  }
  const sock: Socket = connect({ host: t.host, port: t.port });
  sock.setTimeout(timeoutMs);
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', (err) => reject(new ForwardError(`syslog tcp ${t.host}:${t.port}: ${err.message}`, { cause: err })));
    sock.once('timeout', () => reject(new ForwardError(`syslog tcp ${t.host}:${t.port}: timed out`)));
  });
  try {
    for (const l of lines) {
      if (!sock.write(`${l}\n`)) await new Promise((r) => sock.once('drain', r));
    }
  } finally {
    await new Promise<void>((resolve) => sock.end(resolve));
  }
}
