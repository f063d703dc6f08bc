/**
 * Normalized events for correlation tests, made by Weft's real decoders and mappers from the real
 * fixture records (test/fixtures/linux/auth.log, windows/winlogbeat-security-4624.json and -4688.json,
 * okta/system.log), varied only in the values a scenario needs (time, user, host, address, pid).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeRfc3164 } from '../../decode/syslog-rfc3164.js';
import { entityId, eventId } from '../../event/event-id.js';
import type { WeftEvent } from '../../event/model.js';
import { linuxMapper } from '../../normalize/linux/index.js';
import { oktaMapper } from '../../normalize/okta/index.js';
import type { Mapper } from '../../normalize/types.js';
import { winlogbeatJsonMapper } from '../../normalize/windows/index.js';
import type { EngineInput } from '../types.js';
export { rng } from '../../../test/support/rng.js';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures');
const CTX = { sourceId: 'test', receivedAt: new Date('2024-05-01T10:00:00Z'), timezone: 'UTC' };

type Rec = Record<string, unknown>;

function stamp(fields: Rec, sourceId: string, sourceType: string, raw: string): WeftEvent {
  const ev = fields as WeftEvent;
  // Received as it happened: a live source with no delay.
  const at = ev['@timestamp'];
  ev.weft = { id: eventId(sourceId, raw), source_id: sourceId, source_type: sourceType, ingest_time: typeof at === 'string' ? new Date(Date.parse(at)).toISOString() : '2024-05-01T10:00:00.000Z' };
  return ev;
}

function mapped(mapper: Mapper, decoded: Parameters<Mapper['map']>[0]): Rec {
  const r = mapper.map(decoded, CTX);
  if (!r.ok) throw new Error(`fixture did not normalize: ${r.reason}: ${r.message}`);
  return r.event as Rec;
}

/** `2024-05-01T10:00:00Z` plus ms: the base time of every scenario. */
export const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * An sshd line of the auth.log fixture (`Failed password for root from 89.160.20.156 port 29160 ssh2` /
 * `Accepted password for vagrant from 192.168.33.1 port 58803 ssh2`), at T0 + ms. RFC 3164 carries
 * seconds only, so sub-second offsets are set on `@timestamp` after normalization.
 */
export function ssh(o: { ms: number; user: string; ip: string; host?: string; ok?: boolean; port?: number; sourceId?: string }): WeftEvent {
  const d = new Date(T0 + o.ms);
  const hh = (n: number): string => String(n).padStart(2, '0');
  const stampText = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hh(d.getUTCHours())}:${hh(d.getUTCMinutes())}:${hh(d.getUTCSeconds())}`;
  const msg = o.ok === true ? `Accepted password for ${o.user} from ${o.ip} port ${o.port ?? 58803} ssh2` : `Failed password for ${o.user} from ${o.ip} port ${o.port ?? 29160} ssh2`;
  const line = `${stampText} ${o.host ?? 'slave22'} sshd[5774]: ${msg}`;
  const dec = decodeRfc3164(line, { receivedAt: new Date(T0), timezone: 'UTC' });
  if (!dec.ok) throw new Error(`fixture line did not decode: ${dec.error.message}`);
  const ev = mapped(linuxMapper, dec.value);
  ev['@timestamp'] = new Date(T0 + o.ms).toISOString();
  return stamp(ev, o.sourceId ?? 'auth.log', 'linux', `${line}|${o.ms}`);
}

function windowsFixture(file: string, recordId: number): Rec {
  const { events } = JSON.parse(readFileSync(resolve(FIXTURES, 'windows', file), 'utf8')) as { events: Rec[] };
  const e = events.find((x) => (x['winlog'] as Rec)['record_id'] === recordId);
  if (e === undefined) throw new Error(`record ${recordId} not in ${file}`);
  return e;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Security 4624 (record 1542 of the fixture) as a network logon (type 3) of `user` from `ip` (workstation `from`) to `computer`. */
export function logon(o: { ms: number; user: string; ip: string; computer: string; from?: string; entity?: string; sourceId?: string }): WeftEvent {
  const raw = structuredClone(windowsFixture('winlogbeat-security-4624.json', 1542));
  const w = raw['winlog'] as Rec;
  const data = w['event_data'] as Rec;
  const when = new Date(T0 + o.ms).toISOString();
  w['time_created'] = when;
  w['computer_name'] = o.computer;
  w['record_id'] = 100_000 + o.ms;
  (raw['host'] as Rec)['name'] = o.computer;
  Object.assign(data, { LogonType: '3', IpAddress: o.ip, TargetUserName: o.user, WorkstationName: o.from ?? 'VAGRANT-2012-R2' });
  const ev = mapped(winlogbeatJsonMapper, { format: 'winlogbeat-json', fields: raw });
  const out = stamp(ev, o.sourceId ?? 'wec-01', 'windows', JSON.stringify(raw));
  if (o.entity !== undefined) out.weft.entity = { user: [entityId('user', o.entity)] };
  return out;
}

/** Security 4688 (record 5010 of the fixture): `image` started by `parentImage`, with pids. */
export function processStart(o: { ms: number; computer: string; pid: number; ppid: number; image: string; parentImage: string; sourceId?: string }): WeftEvent {
  const raw = structuredClone(windowsFixture('winlogbeat-security-4688.json', 5010));
  const w = raw['winlog'] as Rec;
  const data = w['event_data'] as Rec;
  w['time_created'] = new Date(T0 + o.ms).toISOString();
  w['computer_name'] = o.computer;
  w['record_id'] = 200_000 + o.ms;
  (raw['host'] as Rec)['name'] = o.computer;
  Object.assign(data, { NewProcessId: hex(o.pid), ProcessId: hex(o.ppid), NewProcessName: o.image, ParentProcessName: o.parentImage, CommandLine: `"${o.image}"` });
  const ev = mapped(winlogbeatJsonMapper, { format: 'winlogbeat-json', fields: raw });
  return stamp(ev, o.sourceId ?? 'wec-01', 'windows', JSON.stringify(raw));
}

/** The first Okta System Log record of the fixture, for `login` by `login` at T0 + ms. */
export function oktaLogin(o: { ms: number; login: string; entity?: string; ip?: string }): WeftEvent {
  const line = readFileSync(resolve(FIXTURES, 'okta', 'system.log'), 'utf8').split('\n')[0] as string;
  const raw = JSON.parse(line) as Rec;
  raw['published'] = new Date(T0 + o.ms).toISOString();
  (raw['actor'] as Rec)['alternateId'] = o.login;
  if (o.ip !== undefined) (raw['client'] as Rec)['ipAddress'] = o.ip;
  raw['uuid'] = `uuid-${o.ms}-${o.login}`;
  const ev = mapped(oktaMapper, { format: 'json', fields: raw });
  const out = stamp(ev, 'okta-api', 'okta', JSON.stringify(raw));
  if (o.entity !== undefined) out.weft.entity = { user: [entityId('user', o.entity)] };
  return out;
}

export function input(event: WeftEvent, ...matches: string[]): EngineInput {
  return { event, matches };
}


/**
 * The Sysmon 1 (process creation) document of winlogbeat-sysmon-processed.json, as the process `guid`
 * (pid) started by `parentGuid` (ppid) on `computer`: lineage by `process.entity_id`.
 */
export function sysmonProcess(o: { ms: number; computer: string; guid: string; parentGuid: string; pid: number; ppid: number; image: string; sourceId?: string }): WeftEvent {
  const docs = JSON.parse(readFileSync(resolve(FIXTURES, 'windows', 'winlogbeat-sysmon-processed.json'), 'utf8')) as Rec[];
  const raw = structuredClone(docs.find((d) => (d['winlog'] as Rec)['event_id'] === 1) as Rec);
  const w = raw['winlog'] as Rec;
  const when = new Date(T0 + o.ms).toISOString();
  raw['@timestamp'] = when;
  w['computer_name'] = o.computer;
  if (raw['host'] !== undefined) (raw['host'] as Rec)['name'] = o.computer;
  w['record_id'] = 300_000 + o.ms;
  if (w['time_created'] !== undefined) w['time_created'] = when;
  const p = raw['process'] as Rec;
  const parent = p['parent'] as Rec;
  Object.assign(p, { entity_id: o.guid, pid: o.pid, executable: o.image, name: o.image.split('\\').pop() });
  Object.assign(parent, { entity_id: o.parentGuid, pid: o.ppid });
  const data = w['event_data'] as Rec | undefined;
  if (data !== undefined) Object.assign(data, { ProcessGuid: o.guid, ParentProcessGuid: o.parentGuid, ProcessId: String(o.pid), ParentProcessId: String(o.ppid), Image: o.image, UtcTime: when.replace('T', ' ').replace('Z', '') });
  const ev = mapped(winlogbeatJsonMapper, { format: 'winlogbeat-json', fields: raw });
  return stamp(ev, o.sourceId ?? 'wec-01', 'sysmon', JSON.stringify(raw));
}
