/**
 * System (Service Control Manager 7045), PowerShell Operational (4103/4104/4105/4106) and
 * Windows PowerShell classic (400/403/600/800). Anything else stays a generic Windows event.
 */
import type { EcsOut } from './out.js';
import type { WinRecord } from './record.js';
import { parseId, present } from './values.js';

export const POWERSHELL_CHANNELS: ReadonlySet<string> = new Set([
  'Microsoft-Windows-PowerShell/Operational',
  'PowerShellCore/Operational',
]);

export function mapSystem(rec: WinRecord, out: EcsOut): void {
  const d = rec.eventData;
  if (rec.eventId === 7045 && rec.providerName?.startsWith('Service Control Manager') !== false) {
    out.set('event.category', ['iam', 'configuration']);
    out.set('event.type', ['admin', 'change']);
    out.set('event.action', 'service-installed');
    out.set('service.name', present(d['ServiceName']));
    out.set('service.type', present(d['ServiceType']));
    const image = present(d['ImagePath']);
    if (image !== undefined) out.set('file.path', image);
    const account = present(d['AccountName']);
    if (account !== undefined) {
      out.set('user.name', account);
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
      out.set('event.category', ['process']);
      out.set('event.type', ['info']);
      out.set('event.action', 'execute-remote-command');
      out.set('powershell.file.script_block_text', present(d['ScriptBlockText']));
      out.set('powershell.file.script_block_id', present(d['ScriptBlockId']));
      out.set('powershell.sequence', parseId(d['MessageNumber']));
      out.set('powershell.total', parseId(d['MessageTotal']));
      out.filePath(d['Path']);
      break;
    }
    case 4105:
    case 4106:
      out.set('event.category', ['process']);
      out.set('event.type', [rec.eventId === 4105 ? 'start' : 'end']);
      out.set('event.action', rec.eventId === 4105 ? 'started-script-block' : 'completed-script-block');
      out.set('powershell.file.script_block_id', present(d['ScriptBlockId']));
      out.set('powershell.runspace_id', present(d['RunspaceId']));
      break;
    case 4103: {
      out.set('event.category', ['process']);
      out.set('event.type', ['info']);
      out.set('event.action', 'executing-pipeline');
      const ctx = d['ContextInfo'];
      const hostApp = contextValue(ctx, 'Host Application');
      if (hostApp !== undefined) out.commandLine('process', hostApp);
      out.set('powershell.command.name', contextValue(ctx, 'Command Name'));
      out.set('powershell.command.type', contextValue(ctx, 'Command Type'));
      out.filePath(contextValue(ctx, 'Script Name'));
      const user = contextValue(ctx, 'User');
      if (user !== undefined) {
        const slash = user.indexOf('\\');
        const name = slash >= 0 ? user.slice(slash + 1) : user;
        out.set('user.name', name);
        if (slash > 0) out.set('user.domain', user.slice(0, slash));
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
  out.set('event.category', ['process']);
  out.set('event.type', [k[0]]);
  out.set('event.action', k[1]);
  const hostApp = contextValue(details?.replaceAll('\t', '\n'), 'HostApplication');
  if (hostApp !== undefined) out.commandLine('process', hostApp);
}
