/**
 * System (Service Control Manager 7045), PowerShell Operational (4103/4104/4105/4106) and
 * Windows PowerShell classic (400/403/600/800). Anything else stays a generic Windows event.
 */
import { PROCESS, put2, put3, type EcsOut } from './out.js';
import type { WinRecord } from './record.js';
import { parseId, present } from './values.js';

export const POWERSHELL_CHANNELS: ReadonlySet<string> = new Set([
  'Microsoft-Windows-PowerShell/Operational',
  'PowerShellCore/Operational',
]);

export function mapSystem(rec: WinRecord, out: EcsOut): void {
  const d = rec.eventData;
  if (rec.eventId === 7045 && rec.providerName?.startsWith('Service Control Manager') !== false) {
    put2(out.doc, 'event', 'category', ['iam', 'configuration']);
    put2(out.doc, 'event', 'type', ['admin', 'change']);
    put2(out.doc, 'event', 'action', 'service-installed');
    put2(out.doc, 'service', 'name', present(d['ServiceName']));
    put2(out.doc, 'service', 'type', present(d['ServiceType']));
    const image = present(d['ImagePath']);
    if (image !== undefined) put2(out.doc, 'file', 'path', image);
    const account = present(d['AccountName']);
    if (account !== undefined) {
      put2(out.doc, 'user', 'name', account);
      out.user(account);
    }
  }
}

/** Key = value lines of 4103's ContextInfo and classic 400/600's HostApplication details. */
function contextValue(text: string | undefined, key: string): string | undefined {
  if (text === undefined) return undefined;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith(key)) continue;
    const rest = t.slice(key.length).trimStart();
    if (rest.startsWith('=') || rest.startsWith(':')) return present(rest.slice(1).trim());
  }
  return undefined;
}

export function mapPowerShell(rec: WinRecord, out: EcsOut): void {
  const d = rec.eventData;
  switch (rec.eventId) {
    case 4104: {
      put2(out.doc, 'event', 'category', ['process']);
      put2(out.doc, 'event', 'type', ['info']);
      put2(out.doc, 'event', 'action', 'execute-remote-command');
      put3(out.doc, 'powershell', 'file', 'script_block_text', present(d['ScriptBlockText']));
      put3(out.doc, 'powershell', 'file', 'script_block_id', present(d['ScriptBlockId']));
      put2(out.doc, 'powershell', 'sequence', parseId(d['MessageNumber']));
      put2(out.doc, 'powershell', 'total', parseId(d['MessageTotal']));
      out.filePath(d['Path']);
      break;
    }
    case 4105:
    case 4106:
      put2(out.doc, 'event', 'category', ['process']);
      put2(out.doc, 'event', 'type', [rec.eventId === 4105 ? 'start' : 'end']);
      put2(out.doc, 'event', 'action', rec.eventId === 4105 ? 'started-script-block' : 'completed-script-block');
      put3(out.doc, 'powershell', 'file', 'script_block_id', present(d['ScriptBlockId']));
      put2(out.doc, 'powershell', 'runspace_id', present(d['RunspaceId']));
      break;
    case 4103: {
      put2(out.doc, 'event', 'category', ['process']);
      put2(out.doc, 'event', 'type', ['info']);
      put2(out.doc, 'event', 'action', 'executing-pipeline');
      const ctx = d['ContextInfo'];
      const hostApp = contextValue(ctx, 'Host Application');
      if (hostApp !== undefined) out.commandLine(PROCESS, hostApp);
      put3(out.doc, 'powershell', 'command', 'name', contextValue(ctx, 'Command Name'));
      put3(out.doc, 'powershell', 'command', 'type', contextValue(ctx, 'Command Type'));
      out.filePath(contextValue(ctx, 'Script Name'));
      const user = contextValue(ctx, 'User');
      if (user !== undefined) {
        const slash = user.indexOf('\\');
        const name = slash >= 0 ? user.slice(slash + 1) : user;
        put2(out.doc, 'user', 'name', name);
        if (slash > 0) put2(out.doc, 'user', 'domain', user.slice(0, slash));
        out.user(name);
      }
      break;
    }
  }
}

const CLASSIC_KINDS: ReadonlyMap<number, readonly [string, string]> = new Map([
  [400, ['start', 'engine-started']],
  [403, ['end', 'engine-stopped']],
  [600, ['start', 'provider-started']],
  [800, ['info', 'pipeline-executed']],
]);

/** Windows PowerShell (classic): 400 engine start, 403 engine stop, 600 provider start, 800 pipeline. */
export function mapPowerShellClassic(rec: WinRecord, out: EcsOut): void {
  const d = rec.eventData;
  const details = d['param3'] ?? d['Data'];
  const k = CLASSIC_KINDS.get(rec.eventId);
  if (k === undefined) return;
  put2(out.doc, 'event', 'category', ['process']);
  put2(out.doc, 'event', 'type', [k[0]]);
  put2(out.doc, 'event', 'action', k[1]);
  const hostApp = contextValue(details?.replaceAll('\t', '\n'), 'HostApplication');
  if (hostApp !== undefined) out.commandLine(PROCESS, hostApp);
}
