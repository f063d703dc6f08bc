/**
 * A WinRecord to an ECS event: the header every Windows event gets (`@timestamp`, `event.*`,
 * `host.name`, the full `winlog.*` with every EventData field), then the channel's own mapping.
 */
import type { EcsFields } from '../../event/model.js';
import { EcsOut, put1, put2 } from './out.js';
import { POWERSHELL_CHANNELS, mapPowerShell, mapPowerShellClassic, mapSystem } from './other-channels.js';
import type { WinRecord } from './record.js';
import { isSecurity, mapSecurity } from './security.js';
import { isSysmon, mapSysmon } from './sysmon.js';
import { toIsoUtc, type Rec } from './values.js';

/** `event.module` / `event.dataset` as Elastic's `system` and `windows` integrations name them. */
const DATASETS: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['Security', ['system', 'system.security']],
  ['System', ['system', 'system.system']],
  ['Application', ['system', 'system.application']],
  ['Microsoft-Windows-Sysmon/Operational', ['windows', 'windows.sysmon_operational']],
  ['Microsoft-Windows-PowerShell/Operational', ['windows', 'windows.powershell_operational']],
  ['PowerShellCore/Operational', ['windows', 'windows.powershell_operational']],
  ['Windows PowerShell', ['windows', 'windows.powershell']],
]);
const FORWARDED: readonly [string, string] = ['windows', 'windows.forwarded'];

export interface HeaderOverrides {
  /** The shipper's `host.name` (Winlogbeat): wins over the event's Computer, as in Elastic's output. */
  hostName?: string;
}

export function windowsToEcs(rec: WinRecord, original: string, overrides: HeaderOverrides = {}): EcsFields {
  const [module, dataset] = DATASETS.get(rec.channel) ?? FORWARDED;
  const out = new EcsOut(header(rec, original, module, dataset, overrides.hostName ?? rec.computerName));

  if (isSysmon(rec)) {
    mapSysmon(rec, out);
    // Sysmon's UtcTime is when the activity happened; TimeCreated is when it was logged.
    const utc = toIsoUtc(rec.eventData['UtcTime']);
    if (utc !== undefined) put1(out.doc, '@timestamp', utc);
  } else if (isSecurity(rec)) {
    mapSecurity(rec, out);
  } else if (rec.channel === 'System') {
    mapSystem(rec, out);
  } else if (POWERSHELL_CHANNELS.has(rec.channel)) {
    mapPowerShell(rec, out);
  } else if (rec.channel === 'Windows PowerShell') {
    mapPowerShellClassic(rec, out);
  }
  if (rec.outcome !== undefined && !isSecurity(rec)) put2(out.doc, 'event', 'outcome', rec.outcome);
  // Events with no account of their own (Sysmon, PowerShell) still carry the writer's SID.
  const doc = out.doc as { user?: { id?: unknown; name?: unknown } };
  if (doc.user?.id === undefined && rec.userSid !== undefined) put2(out.doc, 'user', 'id', rec.userSid);
  if (doc.user?.name === undefined && rec.userName !== undefined) {
    put2(out.doc, 'user', 'name', rec.userName);
    put2(out.doc, 'user', 'domain', rec.userDomain);
    out.user(rec.userName);
  }
  return out.finish() as EcsFields;
}

/**
 * The part every Windows event has, as fixed-shape literals: the same keys, in the same order, as
 * setting each dotted path in turn gave (undefined values left out), at a fraction of the cost.
 */
function header(rec: WinRecord, original: string, module: string, dataset: string, hostName: string | undefined): Rec {
  const event: Rec = { kind: 'event', code: String(rec.eventId) };
  if (rec.providerName !== undefined) event.provider = rec.providerName;
  event.module = module;
  event.dataset = dataset;
  event.original = original;
  const doc: Rec = { '@timestamp': rec.timeCreated, event };
  if (hostName !== undefined) doc.host = { name: hostName };
  if (rec.level !== undefined) doc.log = { level: rec.level };
  const w: Rec = { channel: rec.channel, event_id: String(rec.eventId) };
  if (rec.providerName !== undefined) w.provider_name = rec.providerName;
  if (rec.providerGuid !== undefined) w.provider_guid = rec.providerGuid;
  if (rec.computerName !== undefined) w.computer_name = rec.computerName;
  if (rec.recordId !== undefined) w.record_id = rec.recordId;
  if (rec.timeCreated !== undefined) w.time_created = rec.timeCreated;
  if (rec.task !== undefined) w.task = rec.task;
  if (rec.opcode !== undefined) w.opcode = rec.opcode;
  if (rec.keywords !== undefined) w.keywords = rec.keywords;
  if (rec.level !== undefined) w.level = rec.level;
  if (rec.version !== undefined) w.version = rec.version;
  if (rec.outcome !== undefined) w.outcome = rec.outcome;
  if (rec.activityId !== undefined) w.activity_id = rec.activityId;
  if (rec.relatedActivityId !== undefined) w.related_activity_id = rec.relatedActivityId;
  if (rec.userSid !== undefined || rec.userName !== undefined || rec.userDomain !== undefined || rec.userType !== undefined) {
    const user: Rec = {};
    if (rec.userSid !== undefined) user.identifier = rec.userSid;
    if (rec.userName !== undefined) user.name = rec.userName;
    if (rec.userDomain !== undefined) user.domain = rec.userDomain;
    if (rec.userType !== undefined) user.type = rec.userType;
    w.user = user;
  }
  if (rec.pid !== undefined || rec.threadId !== undefined) {
    const proc: Rec = {};
    if (rec.pid !== undefined) proc.pid = rec.pid;
    if (rec.threadId !== undefined) proc.thread = { id: rec.threadId };
    w.process = proc;
  }
  w.event_data = rec.eventData;
  if (rec.userData !== undefined) {
    w.user_data = rec.userData;
    if (rec.userDataName !== undefined) w.user_data_name = rec.userDataName;
  }
  doc.winlog = w;
  return doc;
}
