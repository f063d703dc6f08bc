/**
 * EventData of the Windows events the scenario writes, with the field names and value renderings of
 * the Security auditing and Sysmon manifests (Security values are text, `%%NNNN` message ids where
 * Windows writes them; Sysmon ids and ports are numbers as evtx_dump renders them).
 */
import { securityDraft, sysmonDraft, sysmonGuid, type EventData, type EvtxDraft } from './evtx.js';
import type { Rng } from './rng.js';
import { sysmonTime } from './time.js';
import { DOMAIN, DNS_DOMAIN, type Host } from './world.js';

export interface Account {
  name: string;
  domain: string;
  sid: string;
}

export const SYSTEM: Account = { name: 'SYSTEM', domain: 'NT AUTHORITY', sid: 'S-1-5-18' };

export function machineAccount(h: Host, domainSid: string): Account {
  return { name: `${h.name}$`, domain: DOMAIN, sid: `${domainSid}-${1000 + (hashName(h.name) % 3000)}` };
}

function hashName(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 33 + c.charCodeAt(0)) % 1_000_003;
  return h;
}

export function logonId(rng: Rng): string {
  return `0x${rng.int(0x100000, 0x7fffffff).toString(16)}`;
}

const LOGON_PROCESS: Readonly<Record<number, [string, string]>> = {
  2: ['User32 ', 'Negotiate'],
  3: ['NtLmSsp ', 'NTLM'],
  5: ['Advapi  ', 'Negotiate'],
  7: ['User32 ', 'Negotiate'],
  10: ['User32 ', 'Negotiate'],
};

export interface LogonSpec {
  host: Host;
  at: number;
  account: Account;
  logonType: 2 | 3 | 5 | 7 | 10;
  sourceIp: string;
  sourcePort: number;
  workstation: string;
  /** Kerberos network logons: the usual case inside a domain. */
  kerberos?: boolean;
  elevated?: boolean;
}

export function logon4624(rng: Rng, s: LogonSpec, id: string): EvtxDraft {
  const [proc, pkg] = s.kerberos === true && s.logonType === 3 ? ['Kerberos', 'Kerberos'] : (LOGON_PROCESS[s.logonType] as [string, string]);
  const interactive = s.logonType === 2 || s.logonType === 7 || s.logonType === 10;
  const data: EventData = {
    SubjectUserSid: interactive ? 'S-1-5-18' : 'S-1-0-0',
    SubjectUserName: interactive ? `${s.host.name}$` : '-',
    SubjectDomainName: interactive ? DOMAIN : '-',
    SubjectLogonId: interactive ? '0x3e7' : '0x0',
    TargetUserSid: s.account.sid,
    TargetUserName: s.account.name,
    TargetDomainName: s.account.domain,
    TargetLogonId: id,
    LogonType: String(s.logonType),
    LogonProcessName: proc,
    AuthenticationPackageName: pkg,
    WorkstationName: s.logonType === 3 && pkg === 'Kerberos' ? '-' : s.workstation,
    LogonGuid: s.kerberos === true ? `{${rng.uuid()}}` : '{00000000-0000-0000-0000-000000000000}',
    TransmittedServices: '-',
    LmPackageName: pkg === 'NTLM' ? 'NTLM V2' : '-',
    KeyLength: pkg === 'NTLM' ? '128' : '0',
    ProcessId: interactive ? `0x${rng.int(0x200, 0x2000).toString(16)}` : '0x0',
    ProcessName: interactive ? 'C:\\Windows\\System32\\svchost.exe' : '-',
    IpAddress: s.sourceIp,
    // Service logons carry no network address at all: both fields are "-".
    IpPort: s.sourceIp === '-' ? '-' : String(s.sourcePort),
    ImpersonationLevel: '%%1833',
    RestrictedAdminMode: s.logonType === 10 ? '%%1843' : '-',
    TargetOutboundUserName: '-',
    TargetOutboundDomainName: '-',
    VirtualAccount: '%%1843',
    TargetLinkedLogonId: '0x0',
    ElevatedToken: s.elevated === true ? '%%1842' : '%%1843',
  };
  return securityDraft(rng, s.host.fqdn, s.at, 4624, data);
}

export function logoff4634(rng: Rng, host: Host, at: number, account: Account, id: string, logonType: number): EvtxDraft {
  return securityDraft(rng, host.fqdn, at, 4634, {
    TargetUserSid: account.sid,
    TargetUserName: account.name,
    TargetDomainName: account.domain,
    TargetLogonId: id,
    LogonType: String(logonType),
  });
}

export function specialLogon4672(rng: Rng, host: Host, at: number, account: Account, id: string): EvtxDraft {
  return securityDraft(rng, host.fqdn, at, 4672, {
    SubjectUserSid: account.sid,
    SubjectUserName: account.name,
    SubjectDomainName: account.domain,
    SubjectLogonId: id,
    PrivilegeList: 'SeSecurityPrivilege\n\t\t\tSeBackupPrivilege\n\t\t\tSeRestorePrivilege\n\t\t\tSeTakeOwnershipPrivilege\n\t\t\tSeDebugPrivilege\n\t\t\tSeSystemEnvironmentPrivilege\n\t\t\tSeLoadDriverPrivilege\n\t\t\tSeImpersonatePrivilege\n\t\t\tSeDelegateSessionUserImpersonatePrivilege\n\t\t\tSeEnableDelegationPrivilege',
  });
}

export function failedLogon4625(rng: Rng, s: LogonSpec): EvtxDraft {
  return securityDraft(rng, s.host.fqdn, s.at, 4625, {
    SubjectUserSid: 'S-1-0-0',
    SubjectUserName: '-',
    SubjectDomainName: '-',
    SubjectLogonId: '0x0',
    TargetUserSid: 'S-1-0-0',
    TargetUserName: s.account.name,
    TargetDomainName: s.account.domain,
    Status: '0xc000006d',
    FailureReason: '%%2313',
    SubStatus: '0xc000006a',
    LogonType: String(s.logonType),
    LogonProcessName: 'NtLmSsp ',
    AuthenticationPackageName: 'NTLM',
    WorkstationName: s.workstation,
    TransmittedServices: '-',
    LmPackageName: '-',
    KeyLength: '0',
    ProcessId: '0x0',
    ProcessName: '-',
    IpAddress: s.sourceIp,
    IpPort: String(s.sourcePort),
  }, true);
}

export function tgt4768(rng: Rng, dc: Host, at: number, account: Account, clientIp: string): EvtxDraft {
  return securityDraft(rng, dc.fqdn, at, 4768, {
    TargetUserName: account.name,
    TargetDomainName: DNS_DOMAIN.toUpperCase(),
    TargetSid: account.sid,
    ServiceName: 'krbtgt',
    ServiceSid: `${account.sid.slice(0, account.sid.lastIndexOf('-'))}-502`,
    TicketOptions: '0x40810010',
    Status: '0x0',
    TicketEncryptionType: '0x12',
    PreAuthType: '2',
    IpAddress: `::ffff:${clientIp}`,
    IpPort: String(rng.int(49152, 65535)),
    CertIssuerName: '',
    CertSerialNumber: '',
    CertThumbprint: '',
  });
}

export function tgs4769(rng: Rng, dc: Host, at: number, account: Account, service: string, clientIp: string): EvtxDraft {
  return securityDraft(rng, dc.fqdn, at, 4769, {
    TargetUserName: `${account.name}@${DNS_DOMAIN.toUpperCase()}`,
    TargetDomainName: DNS_DOMAIN.toUpperCase(),
    ServiceName: service,
    ServiceSid: `S-1-5-21-${rng.int(1000, 9999)}`,
    TicketOptions: '0x40810000',
    TicketEncryptionType: '0x12',
    IpAddress: `::ffff:${clientIp}`,
    IpPort: String(rng.int(49152, 65535)),
    Status: '0x0',
    LogonGuid: `{${rng.uuid()}}`,
    TransmittedServices: '-',
  });
}

export interface ShareSpec {
  host: Host;
  at: number;
  account: Account;
  logonId: string;
  sourceIp: string;
  share: string;
  localPath: string;
}

export function share5140(rng: Rng, s: ShareSpec): EvtxDraft {
  return securityDraft(rng, s.host.fqdn, s.at, 5140, {
    SubjectUserSid: s.account.sid,
    SubjectUserName: s.account.name,
    SubjectDomainName: s.account.domain,
    SubjectLogonId: s.logonId,
    ObjectType: 'File',
    IpAddress: s.sourceIp,
    IpPort: String(rng.int(49152, 65535)),
    ShareName: `\\\\*\\${s.share}`,
    ShareLocalPath: s.localPath === '' ? '' : `\\??\\${s.localPath}`,
    AccessMask: '0x1',
    AccessList: '%%4416\n\t\t\t\t',
  });
}

export function shareFile5145(rng: Rng, s: ShareSpec, relativeTarget: string, write: boolean): EvtxDraft {
  return securityDraft(rng, s.host.fqdn, s.at, 5145, {
    SubjectUserSid: s.account.sid,
    SubjectUserName: s.account.name,
    SubjectDomainName: s.account.domain,
    SubjectLogonId: s.logonId,
    ObjectType: 'File',
    IpAddress: s.sourceIp,
    IpPort: String(rng.int(49152, 65535)),
    ShareName: `\\\\*\\${s.share}`,
    ShareLocalPath: `\\??\\${s.localPath}`,
    RelativeTargetName: relativeTarget,
    AccessMask: write ? '0x2' : '0x1',
    AccessList: write ? '%%4417\n\t\t\t\t' : '%%4416\n\t\t\t\t',
    AccessReason: '-',
  });
}

export interface ProcessSpec {
  host: Host;
  at: number;
  user: string;
  logonId: string;
  image: string;
  commandLine: string;
  parentImage: string;
  parentCommandLine: string;
  currentDirectory?: string;
  integrity?: 'Low' | 'Medium' | 'High' | 'System';
  pe: { description: string; product: string; company: string; original: string; version: string };
  hashes: string;
  pid: number;
  parentPid: number;
  guid: string;
  parentGuid: string;
}

export function machinePrefix(h: Host): string {
  return (hashName(h.name) * 2654435761 % 4294967296).toString(16).toUpperCase().padStart(8, '0');
}

export function processGuid(rng: Rng, h: Host): string {
  return sysmonGuid(rng, machinePrefix(h));
}

export function sysmonProcess(rng: Rng, p: ProcessSpec): EvtxDraft {
  return sysmonDraft(rng, p.host.fqdn, p.at, 1, {
    RuleName: '-',
    UtcTime: sysmonTime(p.at),
    ProcessGuid: p.guid,
    ProcessId: p.pid,
    Image: p.image,
    FileVersion: p.pe.version,
    Description: p.pe.description,
    Product: p.pe.product,
    Company: p.pe.company,
    OriginalFileName: p.pe.original,
    CommandLine: p.commandLine,
    CurrentDirectory: p.currentDirectory ?? 'C:\\Windows\\system32\\',
    User: p.user,
    LogonGuid: `${machinePrefix(p.host)}-0000-0000-0000-${p.logonId.slice(2).padStart(8, '0').toUpperCase()}0000`,
    LogonId: p.logonId,
    TerminalSessionId: p.user.startsWith('NT AUTHORITY') ? 0 : 1,
    IntegrityLevel: p.integrity ?? 'Medium',
    Hashes: p.hashes,
    ParentProcessGuid: p.parentGuid,
    ParentProcessId: p.parentPid,
    ParentImage: p.parentImage,
    ParentCommandLine: p.parentCommandLine,
    ParentUser: p.user,
  });
}

/** Security 4688 for the same process (Windows process-creation auditing with command lines). */
export function process4688(rng: Rng, p: ProcessSpec, subject: Account): EvtxDraft {
  return securityDraft(rng, p.host.fqdn, p.at, 4688, {
    SubjectUserSid: subject.sid,
    SubjectUserName: subject.name,
    SubjectDomainName: subject.domain,
    SubjectLogonId: p.logonId,
    NewProcessId: `0x${p.pid.toString(16)}`,
    NewProcessName: p.image,
    TokenElevationType: p.integrity === 'High' ? '%%1937' : '%%1938',
    ProcessId: `0x${p.parentPid.toString(16)}`,
    CommandLine: p.commandLine,
    TargetUserSid: 'S-1-0-0',
    TargetUserName: '-',
    TargetDomainName: '-',
    TargetLogonId: '0x0',
    ParentProcessName: p.parentImage,
    MandatoryLabel: p.integrity === 'High' ? 'S-1-16-12288' : 'S-1-16-8192',
  });
}

export interface NetSpec {
  host: Host;
  at: number;
  guid: string;
  pid: number;
  image: string;
  user: string;
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  dstHost: string;
}

export function sysmonNetwork(rng: Rng, n: NetSpec): EvtxDraft {
  return sysmonDraft(rng, n.host.fqdn, n.at, 3, {
    RuleName: '-',
    UtcTime: sysmonTime(n.at),
    ProcessGuid: n.guid,
    ProcessId: n.pid,
    Image: n.image,
    User: n.user,
    Protocol: 'tcp',
    Initiated: true,
    SourceIsIpv6: false,
    SourceIp: n.srcIp,
    SourceHostname: n.host.fqdn,
    SourcePort: n.srcPort,
    SourcePortName: '-',
    DestinationIsIpv6: false,
    DestinationIp: n.dstIp,
    DestinationHostname: n.dstHost,
    DestinationPort: n.dstPort,
    DestinationPortName: n.dstPort === 443 ? 'https' : n.dstPort === 80 ? 'http' : '-',
  });
}

export interface AccessSpec {
  host: Host;
  at: number;
  sourceGuid: string;
  sourcePid: number;
  sourceImage: string;
  sourceUser: string;
  targetGuid: string;
  targetPid: number;
  targetImage: string;
  grantedAccess: string;
  callTrace: string;
}

export function sysmonAccess(rng: Rng, a: AccessSpec): EvtxDraft {
  return sysmonDraft(rng, a.host.fqdn, a.at, 10, {
    RuleName: '-',
    UtcTime: sysmonTime(a.at),
    SourceProcessGUID: a.sourceGuid,
    SourceProcessId: a.sourcePid,
    SourceThreadId: rng.int(1000, 12000),
    SourceImage: a.sourceImage,
    TargetProcessGUID: a.targetGuid,
    TargetProcessId: a.targetPid,
    TargetImage: a.targetImage,
    GrantedAccess: a.grantedAccess,
    CallTrace: a.callTrace,
    SourceUser: a.sourceUser,
    TargetUser: 'NT AUTHORITY\\SYSTEM',
  });
}

export function sysmonFileCreate(rng: Rng, host: Host, at: number, guid: string, pid: number, image: string, target: string, user: string): EvtxDraft {
  return sysmonDraft(rng, host.fqdn, at, 11, {
    RuleName: '-',
    UtcTime: sysmonTime(at),
    ProcessGuid: guid,
    ProcessId: pid,
    Image: image,
    TargetFilename: target,
    CreationUtcTime: sysmonTime(at),
    User: user,
  });
}

/** A plausible Sysmon `Hashes` value (fake digests, right lengths). */
export function hashes(rng: Rng): string {
  return `SHA1=${rng.hex(40).toUpperCase()},MD5=${rng.hex(32).toUpperCase()},SHA256=${rng.hex(64).toUpperCase()},IMPHASH=${rng.hex(32).toUpperCase()}`;
}
