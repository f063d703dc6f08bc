/**
 * Windows Security channel (Microsoft-Windows-Security-Auditing) to ECS, following the
 * categorization of Elastic's `system.security` / `windows.forwarded` ingest pipelines.
 */
import { PARENT, PROCESS, put2, put3, put4, type EcsOut } from './out.js';
import type { WinRecord } from './record.js';
import { parseId, parseIp, parsePort, present } from './values.js';
import { lookupTable } from '../../event/own-props.js';

interface Categorization {
  category: string[];
  type: string[];
  action: string;
  /** Whose account is `user.*`: the logon's target, or the subject that acted. */
  user: 'target' | 'subject';
  /** Account-management events name the changed account (or group) in Target*. */
  target?: 'user' | 'group';
}

const C = (
  category: string[],
  type: string[],
  action: string,
  user: 'target' | 'subject',
  target?: 'user' | 'group',
): Categorization => (target === undefined ? { category, type, action, user } : { category, type, action, user, target });

export const SECURITY_EVENTS: ReadonlyMap<number, Categorization> = new Map([
  [1100, C(['process'], ['end'], 'logging-service-shutdown', 'subject')],
  [1102, C(['iam'], ['admin', 'change'], 'audit-log-cleared', 'subject')],
  [1104, C(['iam'], ['admin'], 'logging-full', 'subject')],
  [4624, C(['authentication'], ['start'], 'logged-in', 'target')],
  [4625, C(['authentication'], ['start'], 'logon-failed', 'target')],
  [4634, C(['authentication'], ['end'], 'logged-out', 'target')],
  [4647, C(['authentication'], ['end'], 'logged-out', 'target')],
  [4648, C(['authentication'], ['start'], 'logged-in-explicit', 'subject')],
  [4672, C(['iam'], ['admin'], 'logged-in-special', 'subject')],
  [4688, C(['process'], ['start'], 'created-process', 'subject')],
  [4689, C(['process'], ['end'], 'exited-process', 'subject')],
  [4697, C(['iam', 'configuration'], ['admin', 'change'], 'service-installed', 'subject')],
  [4698, C(['iam', 'configuration'], ['creation', 'admin'], 'scheduled-task-created', 'subject')],
  [4699, C(['iam', 'configuration'], ['deletion', 'admin'], 'scheduled-task-deleted', 'subject')],
  [4700, C(['iam', 'configuration'], ['change', 'admin'], 'scheduled-task-enabled', 'subject')],
  [4701, C(['iam', 'configuration'], ['change', 'admin'], 'scheduled-task-disabled', 'subject')],
  [4702, C(['iam', 'configuration'], ['change', 'admin'], 'scheduled-task-updated', 'subject')],
  [4719, C(['iam', 'configuration'], ['admin', 'change'], 'changed-audit-config', 'subject')],
  [4720, C(['iam'], ['user', 'creation'], 'added-user-account', 'subject', 'user')],
  [4722, C(['iam'], ['user', 'change'], 'enabled-user-account', 'subject', 'user')],
  [4723, C(['iam'], ['user', 'change'], 'changed-password', 'subject', 'user')],
  [4724, C(['iam'], ['user', 'change'], 'reset-password', 'subject', 'user')],
  [4725, C(['iam'], ['user', 'change'], 'disabled-user-account', 'subject', 'user')],
  [4726, C(['iam'], ['user', 'deletion'], 'deleted-user-account', 'subject', 'user')],
  [4728, C(['iam'], ['group', 'change'], 'added-member-to-group', 'subject', 'group')],
  [4729, C(['iam'], ['group', 'change'], 'removed-member-from-group', 'subject', 'group')],
  [4732, C(['iam'], ['group', 'change'], 'added-member-to-group', 'subject', 'group')],
  [4733, C(['iam'], ['group', 'change'], 'removed-member-from-group', 'subject', 'group')],
  [4738, C(['iam'], ['user', 'change'], 'modified-user-account', 'subject', 'user')],
  [4740, C(['iam'], ['user', 'change'], 'locked-out-user-account', 'subject', 'user')],
  [4756, C(['iam'], ['group', 'change'], 'added-member-to-group', 'subject', 'group')],
  [4757, C(['iam'], ['group', 'change'], 'removed-member-from-group', 'subject', 'group')],
  [4767, C(['iam'], ['user', 'change'], 'unlocked-user-account', 'subject', 'user')],
  [4768, C(['authentication'], ['start'], 'kerberos-authentication-ticket-requested', 'target')],
  [4769, C(['authentication'], ['start'], 'kerberos-service-ticket-requested', 'target')],
  [4770, C(['authentication'], ['start'], 'kerberos-service-ticket-renewed', 'target')],
  [4771, C(['authentication'], ['start'], 'kerberos-preauth-failed', 'target')],
  [4776, C(['authentication'], ['start'], 'credential-validated', 'target')],
  [4778, C(['authentication', 'session'], ['start'], 'session-reconnected', 'subject')],
  [4779, C(['authentication', 'session'], ['end'], 'session-disconnected', 'subject')],
  [5140, C(['network', 'file'], ['info', 'access'], 'network-share-object-accessed', 'subject')],
  [5145, C(['network', 'file'], ['info', 'access'], 'network-share-object-access-checked', 'subject')],
]);

const LOGON_TYPES: Readonly<Record<string, string>> = lookupTable({
  '0': 'System',
  '2': 'Interactive',
  '3': 'Network',
  '4': 'Batch',
  '5': 'Service',
  '7': 'Unlock',
  '8': 'NetworkCleartext',
  '9': 'NewCredentials',
  '10': 'RemoteInteractive',
  '11': 'CachedInteractive',
  '12': 'CachedRemoteInteractive',
  '13': 'CachedUnlock',
});

/** Kerberos and NTLM result codes that mean success; anything else is a failure. */
const KERBEROS_OK = '0x0';

export function isSecurity(rec: WinRecord): boolean {
  return rec.channel === 'Security' || rec.providerName === 'Microsoft-Windows-Security-Auditing';
}

function outcomeOf(rec: WinRecord, d: Record<string, string>): 'success' | 'failure' | undefined {
  switch (rec.eventId) {
    case 4625:
    case 4771:
      return 'failure';
    case 4768:
    case 4769:
    case 4770: {
      const status = present(d['Status'])?.toLowerCase();
      if (status !== undefined) return status === KERBEROS_OK ? 'success' : 'failure';
      break;
    }
    case 4776: {
      const status = present(d['Status'])?.toLowerCase();
      if (status !== undefined) return status === KERBEROS_OK ? 'success' : 'failure';
      break;
    }
  }
  return rec.outcome;
}

/** Kerberos events name the client as "user@REALM" or "user"; domain is TargetDomainName. */
function splitUpn(name: string): string {
  const at = name.indexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

export function mapSecurity(rec: WinRecord, out: EcsOut): void {
  const d = rec.userData ?? {};
  const data = Object.keys(rec.eventData).length > 0 ? rec.eventData : d;
  const cat = SECURITY_EVENTS.get(rec.eventId);
  const outcome = outcomeOf(rec, data);
  put2(out.doc, 'event', 'outcome', outcome);
  if (cat !== undefined) {
    put2(out.doc, 'event', 'category', cat.category);
    put2(out.doc, 'event', 'type', cat.type);
    put2(out.doc, 'event', 'action', cat.action);
  }

  const subjectName = present(data['SubjectUserName']);
  const subjectDomain = present(data['SubjectDomainName']);
  const subjectSid = present(data['SubjectUserSid']);
  const targetName = present(data['TargetUserName']);
  const targetDomain = present(data['TargetDomainName']);
  const targetSid = present(data['TargetUserSid']) ?? present(data['TargetSid']);

  if (cat?.user === 'target' && targetName !== undefined) {
    const name = rec.eventId >= 4768 && rec.eventId <= 4771 ? splitUpn(targetName) : targetName;
    put2(out.doc, 'user', 'name', name);
    put2(out.doc, 'user', 'domain', targetDomain);
    put2(out.doc, 'user', 'id', targetSid);
    out.user(name);
    out.user(subjectName);
  } else if (subjectName !== undefined || subjectSid !== undefined) {
    put2(out.doc, 'user', 'name', subjectName);
    put2(out.doc, 'user', 'domain', subjectDomain);
    put2(out.doc, 'user', 'id', subjectSid);
    out.user(subjectName);
    if (cat?.target === 'user') {
      put3(out.doc, 'user', 'target', 'name', targetName);
      put3(out.doc, 'user', 'target', 'domain', targetDomain);
      put3(out.doc, 'user', 'target', 'id', targetSid);
      out.user(targetName);
    } else if (cat?.target === 'group') {
      put2(out.doc, 'group', 'name', targetName);
      put2(out.doc, 'group', 'domain', targetDomain);
      put2(out.doc, 'group', 'id', targetSid);
      put4(out.doc, 'user', 'target', 'group', 'name', targetName);
      put4(out.doc, 'user', 'target', 'group', 'domain', targetDomain);
      put4(out.doc, 'user', 'target', 'group', 'id', targetSid);
      const member = present(data['MemberName']);
      put3(out.doc, 'user', 'target', 'id', present(data['MemberSid']));
      if (member !== undefined) {
        // MemberName is a distinguished name ("CN=alice,OU=..."); the account is its first RDN.
        const cn = member.startsWith('CN=') ? member.slice(3, member.indexOf(',') > 0 ? member.indexOf(',') : undefined) : member;
        put3(out.doc, 'user', 'target', 'name', cn);
        out.user(cn);
      }
    } else if (rec.eventId === 4648) {
      // Explicit-credential logon: the credentials used belong to TargetUserName.
      put3(out.doc, 'user', 'effective', 'name', targetName);
      put3(out.doc, 'user', 'effective', 'domain', targetDomain);
      out.user(targetName);
    } else if (rec.eventId === 4688 && targetSid !== undefined) {
      put3(out.doc, 'user', 'effective', 'id', targetSid);
      put3(out.doc, 'user', 'effective', 'name', targetName);
      put3(out.doc, 'user', 'effective', 'domain', targetDomain);
      out.user(targetName);
    }
  }

  const logonType = present(data['LogonType']);
  if (logonType !== undefined) put3(out.doc, 'winlog', 'logon', 'type', LOGON_TYPES[logonType] ?? logonType);
  const logonId = present(data['TargetLogonId']) ?? present(data['SubjectLogonId']);
  put3(out.doc, 'winlog', 'logon', 'id', logonId);

  if (rec.eventId === 4688) {
    out.executable(PROCESS, data['NewProcessName']);
    put2(out.doc, 'process', 'pid', parseId(data['NewProcessId']));
    out.commandLine(PROCESS, data['CommandLine']);
    out.executable(PARENT, data['ParentProcessName']);
    put3(out.doc, 'process', 'parent', 'pid', parseId(data['ProcessId']));
  } else if (rec.eventId === 4689) {
    out.executable(PROCESS, data['ProcessName']);
    put2(out.doc, 'process', 'pid', parseId(data['ProcessId']));
  } else {
    out.executable(PROCESS, data['ProcessName']);
    put2(out.doc, 'process', 'pid', parseId(data['ProcessId']));
  }

  // Network logons and share access name the remote side as IpAddress/IpPort (or the long forms).
  const ip = parseIp(data['IpAddress']) ?? parseIp(data['SourceAddress']);
  if (ip !== undefined) {
    put2(out.doc, 'source', 'ip', ip);
    put2(out.doc, 'source', 'port', parsePort(data['IpPort']) ?? parsePort(data['SourcePort']));
    out.ip(ip);
  }
  const workstation = present(data['WorkstationName']) ?? present(data['Workstation']);
  if (workstation !== undefined && (ip !== undefined || rec.eventId === 4624 || rec.eventId === 4625 || rec.eventId === 4776)) {
    put2(out.doc, 'source', 'domain', workstation);
  }

  switch (rec.eventId) {
    case 4697: {
      put2(out.doc, 'service', 'name', present(data['ServiceName']));
      put2(out.doc, 'service', 'type', present(data['ServiceType']));
      out.filePath(data['ServiceFileName']);
      break;
    }
    case 4698:
    case 4699:
    case 4700:
    case 4701:
    case 4702:
      put3(out.doc, 'winlog', 'scheduled_task', 'name', present(data['TaskName']));
      break;
    case 4769:
      put2(out.doc, 'service', 'name', present(data['ServiceName']));
      break;
    case 5140:
    case 5145: {
      // The object on disk: the share's local path joined with the path relative to the share.
      const local = present(data['ShareLocalPath']);
      const rel = present(data['RelativeTargetName']);
      if (local !== undefined && rel !== undefined) {
        const sep = (local.endsWith('\\') ? 1 : 0) + (rel.startsWith('\\') ? 1 : 0);
        out.filePath(sep === 0 ? `${local}\\${rel}` : sep === 1 ? `${local}${rel}` : `${local}${rel.slice(1)}`);
      } else if (local !== undefined) {
        out.filePath(local);
      }
      break;
    }
  }
}
