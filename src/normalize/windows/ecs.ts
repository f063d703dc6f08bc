/**
 * A WinRecord to an ECS event: the header every Windows event gets (`@timestamp`, `event.*`,
 * `host.name`, the full `winlog.*` with every EventData field), then the channel's own mapping.
 */
import type { EcsFields } from '../../event/model.js';
import { EcsOut } from './out.js';
import { POWERSHELL_CHANNELS, mapPowerShell, mapPowerShellClassic, mapSystem } from './other-channels.js';
import type { WinRecord } from './record.js';
import { isSecurity, mapSecurity } from './security.js';
import { isSysmon, mapSysmon } from './sysmon.js';
import { toIsoUtc } from './values.js';

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
  const out = new EcsOut();
  const [module, dataset] = DATASETS.get(rec.channel) ?? FORWARDED;
  out.set('@timestamp', rec.timeCreated);
  out.set('event.kind', 'event');
  out.set('event.code', String(rec.eventId));
  out.set('event.provider', rec.providerName);
  out.set('event.module', module);
  out.set('event.dataset', dataset);
  out.set('event.original', original);
  out.set('host.name', overrides.hostName ?? rec.computerName);
  out.set('log.level', rec.level);

  out.set('winlog.channel', rec.channel);
  out.set('winlog.event_id', String(rec.eventId));
  out.set('winlog.provider_name', rec.providerName);
  out.set('winlog.provider_guid', rec.providerGuid);
  out.set('winlog.computer_name', rec.computerName);
  out.set('winlog.record_id', rec.recordId);
  out.set('winlog.time_created', rec.timeCreated);
  out.set('winlog.task', rec.task);
  out.set('winlog.opcode', rec.opcode);
  out.set('winlog.keywords', rec.keywords);
  out.set('winlog.level', rec.level);
  out.set('winlog.version', rec.version);
  out.set('winlog.outcome', rec.outcome);
  out.set('winlog.activity_id', rec.activityId);
  out.set('winlog.related_activity_id', rec.relatedActivityId);
  out.set('winlog.user.identifier', rec.userSid);
  out.set('winlog.user.name', rec.userName);
  out.set('winlog.user.domain', rec.userDomain);
  out.set('winlog.user.type', rec.userType);
  out.set('winlog.process.pid', rec.pid);
  out.set('winlog.process.thread.id', rec.threadId);
  out.set('winlog.event_data', rec.eventData);
  if (rec.userData !== undefined) {
    out.set('winlog.user_data', rec.userData);
    out.set('winlog.user_data_name', rec.userDataName);
  }

  if (isSysmon(rec)) {
    mapSysmon(rec, out);
    // Sysmon's UtcTime is when the activity happened; TimeCreated is when it was logged.
    const utc = toIsoUtc(rec.eventData['UtcTime']);
    if (utc !== undefined) out.set('@timestamp', utc);
  } else if (isSecurity(rec)) {
    mapSecurity(rec, out);
  } else if (rec.channel === 'System') {
    mapSystem(rec, out);
  } else if (POWERSHELL_CHANNELS.has(rec.channel)) {
    mapPowerShell(rec, out);
  } else if (rec.channel === 'Windows PowerShell') {
    mapPowerShellClassic(rec, out);
  }
  if (rec.outcome !== undefined && !isSecurity(rec)) out.set('event.outcome', rec.outcome);
  // Events with no account of their own (Sysmon, PowerShell) still carry the writer's SID.
  const doc = out.doc as { user?: { id?: unknown; name?: unknown } };
  if (doc.user?.id === undefined && rec.userSid !== undefined) out.set('user.id', rec.userSid);
  if (doc.user?.name === undefined && rec.userName !== undefined) {
    out.set('user.name', rec.userName);
    out.set('user.domain', rec.userDomain);
    out.user(rec.userName);
  }
  return out.finish() as EcsFields;
}
