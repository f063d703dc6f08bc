/**
 * One day of ordinary activity: people arriving, signing in to Okta with MFA, logging on to their
 * workstations, running applications, browsing, using file shares; admins on the jump host and the
 * Linux servers; services, backups, cron; CI and AWS services calling read APIs; internet noise
 * against the bastion. Nothing here is tagged, so it is all benign in the ground truth.
 */
import { awsServiceIdentity, cloudTrailRecord, roleSessionIdentity, ssoSessionIdentity, withSessionStart, type UserIdentity } from './cloudtrail.js';
import { cloudtrailPath } from './paths.js';
import { awsResponseTime } from './time.js';
import { FILES, type Gen, type ProcRef, type Session } from './context.js';
import { syslogLine, sudoMessage } from './linux.js';
import { checkpointCef, ephemeralPort, zeekConn, zeekDns, zeekUid, type Flow, type Gateway } from './network.js';
import { oktaEvent, oktaRequestId, oktaSessionId, userTarget, type OktaClient } from './okta.js';
import {
  failedLogon4625, logoff4634, logon4624, logonId, machineAccount, share5140, specialLogon4672, sysmonAccess, sysmonNetwork, tgs4769, tgt4768, process4688,
  type Account,
} from './windows.js';
import { AWS_ACCOUNT, BROWSER_UA, DOMAIN, WEB_SERVICES, type Host, type Person } from './world.js';

export const GATEWAY: Gateway = { name: 'cp-gw01', ip: '10.10.0.1', natIp: '81.2.69.160' };
export const ALLOW_OUT = { name: 'Allow-Web-Out', uid: '9e5e6e74-aa9a-4693-b9fe-53712dd27bea', number: 4 };
export const ALLOW_SSH_IN = { name: 'Allow-SSH-Bastion', uid: '3c1f0a52-6b7e-4d8e-9f01-2a3b4c5d6e7f', number: 2 };
export const CLEANUP = { name: 'Cleanup', uid: '0d3b2c1a-9e8f-4a7b-8c6d-5e4f3a2b1c0d', number: 12 };

export const OFFICE_CLIENT: OktaClient = {
  ip: GATEWAY.natIp, userAgent: BROWSER_UA, browser: 'CHROME', os: 'Windows 10', device: 'Computer',
  geo: { city: 'Amsterdam', country: 'Netherlands', state: 'North Holland', postalCode: '1012', lat: 52.3759, lon: 4.8975 },
  asNumber: 1136, asOrg: 'kpn b.v.', isp: 'kpn b.v.', domain: 'kpn.com',
};

const USER_APPS: readonly (readonly [string, string, number])[] = [
  ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" ', 6],
  ['C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE" ', 2],
  ['C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\%USER%\\Documents\\', 2],
  ['C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE', '"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE" "C:\\Users\\%USER%\\Documents\\', 2],
  ['C:\\Windows\\System32\\notepad.exe', '"C:\\Windows\\system32\\NOTEPAD.EXE" C:\\Users\\%USER%\\Desktop\\notes.txt', 1],
  ['C:\\Windows\\System32\\cmd.exe', '"C:\\Windows\\system32\\cmd.exe" ', 1],
];
const DOC_NAMES = ['Q1 report.docx', 'minutes.docx', 'budget 2026.xlsx', 'forecast.xlsx', 'proposal draft.docx', 'timesheet.xlsx'];

/** Account forms used on Windows. */
export function personAccount(p: Person): Account {
  return { name: p.login, domain: DOMAIN, sid: p.sid };
}
export function adminAccount(p: Person): Account {
  if (p.admin === undefined) throw new Error(`${p.login} has no admin account`);
  return { name: p.admin.login, domain: DOMAIN, sid: p.admin.sid };
}

/** Web traffic for one connection: firewall Accept, Zeek conn, and sometimes the DNS lookup before it. */
export function webFlow(g: Gen, src: Host, at: number, service: readonly [string, readonly string[]], withDns: boolean, bytes?: { out: number; in: number }): void {
  const { rng, sink } = g;
  const dst = rng.pick(service[1]);
  if (withDns) {
    const dns: Flow = { at: at - rng.int(5, 40), src: src.ip, sport: ephemeralPort(rng), dst: rng.pick(g.world.dcs).ip, dport: 53, proto: 'udp', out: 40, in: 120, durationMs: rng.int(1, 30) };
    sink.line(FILES.zeekDns, g.clamp(dns.at), zeekDns(rng, zeekUid(rng), { ...dns, at: g.clamp(dns.at) }, { query: service[0], qtype: 'A', answers: [...service[1]], rcode: 'NOERROR' }));
  }
  const f: Flow = {
    at, src: src.ip, sport: ephemeralPort(rng), dst, dport: 443, proto: 'tcp',
    out: bytes?.out ?? rng.int(800, 40_000), in: bytes?.in ?? rng.int(2_000, 900_000), durationMs: rng.int(80, 120_000),
  };
  sink.line(FILES.firewall, at, checkpointCef(rng, GATEWAY, f, 'Accept', ALLOW_OUT, false));
  sink.line(FILES.zeekConn, at, zeekConn(rng, zeekUid(rng), f));
}

function oktaSignIn(g: Gen, p: Person, at: number, client: OktaClient): string {
  const { rng, sink } = g;
  const session = oktaSessionId(rng);
  const tx = oktaRequestId(rng);
  if (rng.chance(0.06)) {
    sink.line(FILES.okta, at - rng.int(20_000, 90_000), oktaEvent(rng, {
      at: at - rng.int(20_000, 90_000), eventType: 'user.session.start', legacyEventType: 'core.user_auth.login_failed', displayMessage: 'User login to Okta',
      result: 'FAILURE', reason: 'INVALID_CREDENTIALS', person: p, client, sessionId: 'unknown', requestUri: '/api/v1/authn', transactionId: oktaRequestId(rng),
      credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'PASSWORD',
    }));
  }
  sink.line(FILES.okta, at, oktaEvent(rng, {
    at, eventType: 'policy.evaluate_sign_on', legacyEventType: 'core.user_auth.login_success', displayMessage: 'Evaluation of sign-on policy',
    result: 'ALLOW', reason: 'Sign-on policy evaluation resulted in ALLOW', person: p, client, sessionId: session, requestUri: '/api/v1/authn', transactionId: tx,
  }));
  sink.line(FILES.okta, at + 4_000, oktaEvent(rng, {
    at: at + 4_000, eventType: 'user.authentication.auth_via_mfa', legacyEventType: 'core.user.factor.attempt_success', displayMessage: 'Authentication of user via MFA',
    result: 'SUCCESS', person: p, client, sessionId: session, requestUri: '/api/v1/authn/factors/verify', transactionId: tx, factor: 'OKTA_VERIFY_PUSH',
    authenticationProvider: 'FACTOR_PROVIDER', credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'OTP', target: [userTarget(p)],
  }));
  sink.line(FILES.okta, at + 5_000, oktaEvent(rng, {
    at: at + 5_000, eventType: 'user.session.start', legacyEventType: 'core.user_auth.login_success', displayMessage: 'User login to Okta',
    result: 'SUCCESS', person: p, client, sessionId: session, requestUri: '/api/v1/authn', transactionId: tx,
    credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'PASSWORD',
  }));
  return session;
}

function oktaSso(g: Gen, p: Person, at: number, client: OktaClient, session: string, app: string): void {
  g.sink.line(FILES.okta, at, oktaEvent(g.rng, {
    at, eventType: 'user.authentication.sso', legacyEventType: 'app.auth.sso', displayMessage: 'User single sign on to app',
    result: 'SUCCESS', person: p, client, sessionId: session, requestUri: `/app/${app.toLowerCase().replace(/ /g, '_')}/sso/saml`, transactionId: oktaRequestId(g.rng),
    target: [{ alternateId: app, detailEntry: { signOnModeType: 'SAML_2_0' }, displayName: app, id: `0oa${g.rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 17)}`, type: 'AppInstance' }],
  }));
}

/** Interactive logon on the workstation: Kerberos on a DC, 4624 type 2 and the shell starting. */
export function workstationLogon(g: Gen, p: Person, h: Host, at: number, account: Account = personAccount(p)): Session {
  const { rng } = g;
  const dc = rng.pick(g.world.dcs);
  g.evtx(dc, tgt4768(rng, dc, at - 400, account, h.ip));
  g.evtx(dc, tgs4769(rng, dc, at - 300, account, `${h.name}$`, h.ip));
  const id = logonId(rng);
  g.evtx(h, logon4624(rng, { host: h, at, account, logonType: 2, sourceIp: '127.0.0.1', sourcePort: 0, workstation: h.name }, id));
  const sys = g.systemProcs(h);
  const user = `${DOMAIN}\\${account.name}`;
  const winlogon: ProcRef = { guid: sys.services.guid, pid: 600 + (h.name.length % 10) * 4, image: 'C:\\Windows\\System32\\winlogon.exe', commandLine: 'winlogon.exe' };
  const userinit = g.process(h, at + 2_000, winlogon, user, id, 'C:\\Windows\\System32\\userinit.exe', 'C:\\Windows\\system32\\userinit.exe');
  const explorer = g.process(h, at + 3_000, userinit, user, id, 'C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE');
  const s: Session = { person: p, user, logonId: id, explorer };
  g.sessions.set(`${h.name}\u0000${account.name}`, s);
  return s;
}

/** Network logon to a file server with a share connect (mapped drive). */
export function fileShareVisit(g: Gen, p: Person, from: Host, server: Host, at: number, share: string): void {
  const { rng } = g;
  const account = personAccount(p);
  const id = logonId(rng);
  g.evtx(server, logon4624(rng, { host: server, at, account, logonType: 3, sourceIp: from.ip, sourcePort: 0, workstation: from.name, kerberos: true }, id));
  g.evtx(server, share5140(rng, { host: server, at: at + 15, account, logonId: id, sourceIp: from.ip, share, localPath: `D:\\Shares\\${share}` }));
  const f: Flow = { at, src: from.ip, sport: ephemeralPort(rng), dst: server.ip, dport: 445, proto: 'tcp', out: rng.int(2_000, 400_000), in: rng.int(5_000, 3_000_000), durationMs: rng.int(1_000, 600_000) };
  g.sink.line(FILES.zeekConn, at, zeekConn(rng, zeekUid(rng), f));
  g.evtx(server, logoff4634(rng, server, g.clamp(at + f.durationMs + 5_000), account, id, 3));
}

/** A person's working day; `arriveAt` pins the arrival (the stories need their victim at work early). */
export function personDay(g: Gen, p: Person, arriveAt?: number): void {
  const { rng } = g;
  const h = p.workstation;
  const arrive = arriveAt ?? g.around(8.4, 1.1);
  const leave = g.around(17.4, 1.0);
  const session = oktaSignIn(g, p, arrive - rng.int(60_000, 300_000), OFFICE_CLIENT);
  const s = workstationLogon(g, p, h, arrive);
  const user = s.user;
  const apps = ['Microsoft Office 365', 'Slack', ...(p.awsRole !== undefined ? ['AWS IAM Identity Center'] : [])];
  for (const app of apps) {
    // Apps re-authenticate through the day when their own sessions expire.
    for (let k = rng.int(1, 4); k > 0; k--) oktaSso(g, p, g.clamp(arrive + rng.float() * (leave - arrive)), OFFICE_CLIENT, session, app);
  }
  if (p.department !== 'IT' && p.department !== 'Engineering') fileShareVisit(g, p, h, g.world.fileServer, arrive + 20_000, p.department);

  // Applications through the day.
  const nProcs = rng.int(40, 90);
  for (let i = 0; i < nProcs; i++) {
    const at = g.clamp(arrive + rng.float() * (leave - arrive));
    const [image, cmd] = rng.weighted(USER_APPS.map((a) => [[a[0], a[1]] as const, a[2]] as const));
    const cmdLine = cmd.endsWith('\\') ? `${cmd}${rng.pick(DOC_NAMES)}"` : cmd.endsWith(' ') ? `${cmd.trimEnd()}` : cmd;
    const proc = g.process(h, at, s.explorer, user, s.logonId, image.replace('%USER%', p.login), cmdLine.replaceAll('%USER%', p.login));
    if (image.endsWith('chrome.exe') && rng.chance(0.3)) {
      const svc = rng.pick(WEB_SERVICES);
      g.evtx(h, sysmonNetwork(rng, { host: h, at: at + 800, guid: proc.guid, pid: proc.pid, image: proc.image, user, srcIp: h.ip, srcPort: ephemeralPort(rng), dstIp: rng.pick(svc[1]), dstPort: 443, dstHost: svc[0] }));
    }
  }
  // Unlocks after breaks.
  for (let i = rng.int(2, 5); i > 0; i--) {
    const at = g.clamp(arrive + rng.float() * (leave - arrive));
    const id = logonId(rng);
    const unlock = { host: h, at, account: personAccount(p), logonType: 7 as const, sourceIp: '127.0.0.1', sourcePort: 0, workstation: h.name };
    if (rng.chance(0.1)) g.evtx(h, failedLogon4625(rng, { ...unlock, at: at - rng.int(3_000, 20_000) }));
    g.evtx(h, logon4624(rng, unlock, id));
    g.evtx(h, logoff4634(rng, h, g.clamp(at + rng.int(1_000, 5_000)), personAccount(p), id, 7));
  }
  // Web browsing: firewall + Zeek, DNS for some.
  const nWeb = rng.int(90, 200);
  for (let i = 0; i < nWeb; i++) {
    const at = g.clamp(arrive + rng.float() * (leave - arrive));
    webFlow(g, h, at, rng.pick(WEB_SERVICES), rng.chance(0.45));
  }
  g.evtx(h, logoff4634(rng, h, leave, personAccount(p), s.logonId, 2));
}

function itAdminDay(g: Gen, p: Person): void {
  const { rng, world } = g;
  const adm = adminAccount(p);
  const from = p.workstation;
  // RDP to the jump host with the admin account, twice a day.
  for (const hour of [9.5, 14.5]) {
    const at = g.around(hour, 0.8);
    const id = logonId(rng);
    const dc = rng.pick(world.dcs);
    g.evtx(dc, tgs4769(rng, dc, at - 500, adm, `TERMSRV/${world.jump.fqdn}`, from.ip));
    g.evtx(world.jump, logon4624(rng, { host: world.jump, at, account: adm, logonType: 10, sourceIp: from.ip, sourcePort: 0, workstation: from.name, elevated: true }, id));
    g.evtx(world.jump, specialLogon4672(rng, world.jump, at, adm, id));
    const f: Flow = { at: at - 1_000, src: from.ip, sport: ephemeralPort(rng), dst: world.jump.ip, dport: 3389, proto: 'tcp', out: rng.int(200_000, 3_000_000), in: rng.int(2_000_000, 40_000_000), durationMs: rng.int(600_000, 5_400_000) };
    g.sink.line(FILES.zeekConn, g.clamp(f.at), zeekConn(rng, zeekUid(rng), { ...f, at: g.clamp(f.at) }));
    const user = `${DOMAIN}\\${adm.name}`;
    const mstscParent: ProcRef = { guid: g.systemProcs(world.jump).svchost.guid, pid: 4100, image: 'C:\\Windows\\explorer.exe', commandLine: 'C:\\Windows\\Explorer.EXE' };
    g.process(world.jump, at + 20_000, mstscParent, user, id, 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" ', undefined, { integrity: 'High' });
    // From the jump host: admin share on a server (routine software deployment).
    if (rng.chance(0.5)) {
      const server = rng.pick(world.windowsServers);
      const sid = logonId(rng);
      const t = at + rng.int(60_000, 1_200_000);
      g.evtx(server, logon4624(rng, { host: server, at: t, account: adm, logonType: 3, sourceIp: world.jump.ip, sourcePort: 0, workstation: world.jump.name, kerberos: true }, sid));
      g.evtx(server, specialLogon4672(rng, server, t, adm, sid));
      g.evtx(server, share5140(rng, { host: server, at: t + 30, account: adm, logonId: sid, sourceIp: world.jump.ip, share: 'C$', localPath: 'C:\\' }));
    }
    g.evtx(world.jump, logoff4634(rng, world.jump, g.clamp(at + f.durationMs), adm, id, 10));
  }
  // Helpdesk visit: an admin logs on to a user's workstation (leaves credentials in lsass).
  if (rng.chance(0.6)) {
    const ws = rng.pick(world.workstations);
    const at = g.around(11, 1.5);
    const id = logonId(rng);
    g.evtx(ws, logon4624(rng, { host: ws, at, account: adm, logonType: 10, sourceIp: from.ip, sourcePort: 0, workstation: from.name, elevated: true }, id));
    g.evtx(ws, logoff4634(rng, ws, g.clamp(at + rng.int(300_000, 1_200_000)), adm, id, 10));
  }
}

function linuxDay(g: Gen): void {
  const { rng, world, sink } = g;
  const engineers = world.people.filter((p) => p.linux);
  for (const h of world.linuxServers) {
    // Root cron jobs every 10 minutes.
    for (let t = g.start + rng.int(0, 599) * 1000; t < g.end - 60_000; t += 600_000) {
      const pid = rng.int(1000, 60000);
      sink.line(FILES.linux, t, syslogLine(t, h.name, 'CRON', pid, 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)'));
      sink.line(FILES.linux, t + 1_000, syslogLine(t + 1_000, h.name, 'CRON', pid, 'pam_unix(cron:session): session closed for user root'));
    }
    // Engineers over SSH from the bastion (or the bastion from their workstation).
    for (let i = rng.int(3, 9); i > 0; i--) {
      const p = rng.pick(engineers);
      const from = h === world.bastion ? p.workstation.ip : world.bastion.ip;
      const at = g.around(12.5, 4.5);
      const pid = rng.int(1000, 60000);
      const port = ephemeralPort(rng);
      sink.line(FILES.linux, at, syslogLine(at, h.name, 'sshd', pid, `Accepted publickey for ${p.login} from ${from} port ${port} ssh2: ED25519 SHA256:${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 43)}`));
      sink.line(FILES.linux, at + 20, syslogLine(at + 20, h.name, 'sshd', pid, `pam_unix(sshd:session): session opened for user ${p.login}(uid=${1000 + world.people.indexOf(p)}) by (uid=0)`));
      if (rng.chance(0.6)) {
        const cmd = rng.pick(['/usr/bin/systemctl restart nginx', '/usr/bin/journalctl -u app --since today', '/usr/bin/apt-get update', '/usr/bin/tail -n 200 /var/log/syslog', '/usr/bin/docker ps']);
        const t = at + rng.int(30_000, 900_000);
        sink.line(FILES.linux, t, syslogLine(t, h.name, 'sudo', undefined, sudoMessage(p.login, `/home/${p.login}`, cmd)));
        sink.line(FILES.linux, t + 5, syslogLine(t + 5, h.name, 'sudo', undefined, `pam_unix(sudo:session): session opened for user root(uid=0) by ${p.login}(uid=${1000 + world.people.indexOf(p)})`));
        sink.line(FILES.linux, t + 900, syslogLine(t + 900, h.name, 'sudo', undefined, 'pam_unix(sudo:session): session closed for user root'));
      }
      const end = g.clamp(at + rng.int(300_000, 3_600_000));
      sink.line(FILES.linux, end, syslogLine(end, h.name, 'sshd', pid, `Received disconnect from ${from} port ${port}:11: disconnected by user`));
      sink.line(FILES.linux, end + 2, syslogLine(end + 2, h.name, 'sshd', pid, `Disconnected from user ${p.login} ${from} port ${port}`));
      sink.line(FILES.linux, end + 4, syslogLine(end + 4, h.name, 'sshd', pid, `pam_unix(sshd:session): session closed for user ${p.login}`));
    }
  }
  // Internet scanners against the bastion: one to three guesses each, never a success.
  const bastion = world.bastion;
  for (let i = 0; i < 40; i++) {
    const ip = `${rng.pick([45, 61, 80, 91, 103, 112, 118, 159, 176, 193, 218])}.${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(1, 254)}`;
    const at = g.clamp(g.start + rng.float() * (g.end - g.start));
    const user = rng.pick(['admin', 'root', 'test', 'oracle', 'ubuntu', 'pi', 'user', 'postgres']);
    const n = rng.int(1, 3);
    for (let k = 0; k < n; k++) {
      const t = at + k * rng.int(1_500, 4_000);
      const pid = rng.int(1000, 60000);
      const port = ephemeralPort(rng);
      const flow: Flow = { at: g.clamp(t - 200), src: ip, sport: port, dst: bastion.ip, dport: 22, proto: 'tcp', out: rng.int(1_500, 3_000), in: rng.int(2_000, 4_000), durationMs: rng.int(1_000, 4_000) };
      sink.line(FILES.firewall, flow.at, checkpointCef(rng, GATEWAY, flow, 'Accept', ALLOW_SSH_IN, true));
      if (user === 'root') {
        sink.line(FILES.linux, g.clamp(t), syslogLine(g.clamp(t), bastion.name, 'sshd', pid, `Failed password for root from ${ip} port ${port} ssh2`));
      } else {
        sink.line(FILES.linux, g.clamp(t), syslogLine(g.clamp(t), bastion.name, 'sshd', pid, `Invalid user ${user} from ${ip} port ${port}`));
        sink.line(FILES.linux, g.clamp(t + 1_200), syslogLine(g.clamp(t + 1_200), bastion.name, 'sshd', pid, `Failed password for invalid user ${user} from ${ip} port ${port} ssh2`));
      }
      sink.line(FILES.linux, g.clamp(t + 1_900), syslogLine(g.clamp(t + 1_900), bastion.name, 'sshd', pid, `Connection closed by ${user === 'root' ? 'authenticating user root' : `invalid user ${user}`} ${ip} port ${port} [preauth]`));
    }
  }
  // Inbound noise the firewall drops.
  for (let i = 0; i < 600; i++) {
    const at = g.clamp(g.start + rng.float() * (g.end - g.start));
    const f: Flow = { at, src: `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`, sport: ephemeralPort(rng), dst: GATEWAY.natIp, dport: rng.pick([23, 445, 3389, 1433, 5900, 8080, 25]), proto: 'tcp', out: 0, in: 0, durationMs: 0 };
    sink.line(FILES.firewall, at, checkpointCef(rng, GATEWAY, f, 'Drop', CLEANUP, true));
  }
}

function serverDay(g: Gen): void {
  const { rng, world } = g;
  const windowsHosts = [...world.dcs, world.jump, ...world.windowsServers];
  for (const h of [...windowsHosts, ...world.workstations]) {
    const sys = g.systemProcs(h);
    const system = `NT AUTHORITY\\SYSTEM`;
    const machine = machineAccount(h, world.domainSid);
    // Service logons and scheduled tasks.
    for (let t = g.start + rng.int(0, 3_599) * 1000; t < g.end - 60_000; t += rng.int(2_400, 5_400) * 1000) {
      const id = logonId(rng);
      g.evtx(h, logon4624(rng, { host: h, at: t, account: { name: 'SYSTEM', domain: 'NT AUTHORITY', sid: 'S-1-5-18' }, logonType: 5, sourceIp: '-', sourcePort: 0, workstation: '-' }, id));
      g.evtx(h, specialLogon4672(rng, h, t, { name: 'SYSTEM', domain: 'NT AUTHORITY', sid: 'S-1-5-18' }, '0x3e7'));
      g.process(h, t + 500, sys.svchost, system, '0x3e7', 'C:\\Windows\\System32\\taskhostw.exe', 'taskhostw.exe', undefined, { integrity: 'System' });
    }
    // Group policy refresh: the machine account reads SYSVOL on a DC.
    for (let t = g.start + rng.int(0, 5_399) * 1000; t < g.end - 60_000; t += 5_400_000 + rng.int(0, 1_800) * 1000) {
      const dc = rng.pick(world.dcs);
      const id = logonId(rng);
      g.evtx(dc, logon4624(rng, { host: dc, at: t, account: machine, logonType: 3, sourceIp: h.ip, sourcePort: 0, workstation: '-', kerberos: true }, id));
      g.evtx(dc, share5140(rng, { host: dc, at: t + 20, account: machine, logonId: id, sourceIp: h.ip, share: 'SYSVOL', localPath: 'C:\\Windows\\SYSVOL\\sysvol' }));
      g.evtx(dc, share5140(rng, { host: dc, at: t + 25, account: machine, logonId: id, sourceIp: h.ip, share: 'IPC$', localPath: '' }));
      g.evtx(dc, logoff4634(rng, dc, t + 2_000, machine, id, 3));
      const gp = g.process(h, t - 100, sys.svchost, system, '0x3e7', 'C:\\Windows\\System32\\gpupdate.exe', 'gpupdate.exe /target:computer', undefined, { integrity: 'System' });
      if (h.role !== 'workstation') g.evtx(h, process4688(rng, { host: h, at: t - 100, user: system, logonId: '0x3e7', image: gp.image, commandLine: gp.commandLine, parentImage: sys.svchost.image, parentCommandLine: sys.svchost.commandLine, pe: { description: '', product: '', company: '', original: '', version: '' }, hashes: '', pid: gp.pid, parentPid: sys.svchost.pid, guid: gp.guid, parentGuid: sys.svchost.guid }, { name: `${h.name}$`, domain: DOMAIN, sid: 'S-1-5-18' }));
    }
    // Defender scans read lsass with query rights only (0x1000).
    for (let i = rng.int(1, 3); i > 0; i--) {
      const at = g.clamp(g.start + rng.float() * (g.end - g.start));
      g.evtx(h, sysmonAccess(rng, {
        host: h, at, sourceGuid: sys.svchost.guid, sourcePid: 3100 + rng.int(0, 40) * 4,
        sourceImage: 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MsMpEng.exe', sourceUser: system,
        targetGuid: sys.lsass.guid, targetPid: sys.lsass.pid, targetImage: 'C:\\Windows\\system32\\lsass.exe', grantedAccess: '0x1000',
        callTrace: 'C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|C:\\Windows\\System32\\KERNELBASE.dll+2c13e|C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\mpengine.dll+6f8a21',
      }));
    }
    // Configuration Manager runs encoded PowerShell on some hosts (a classic benign look-alike).
    if (rng.chance(0.35)) {
      const at = g.around(13, 5);
      const ccm: ProcRef = { guid: sys.services.guid, pid: 2900 + rng.int(0, 50) * 4, image: 'C:\\Windows\\CCM\\CcmExec.exe', commandLine: 'C:\\Windows\\CCM\\CcmExec.exe' };
      const script = Buffer.from('Get-CimInstance -ClassName Win32_QuickFixEngineering | Select-Object HotFixID', 'utf16le').toString('base64');
      g.process(h, at, ccm, system, '0x3e7', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', `"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoLogo -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${script}`, undefined, { integrity: 'System' });
    }
  }
}

function backupAndUpdates(g: Gen): void {
  const { rng, world } = g;
  // Nightly backup of the file server to S3: a large, benign upload.
  const fs = world.fileServer;
  const at = g.at(1.05);
  const veeam: ProcRef = { guid: g.systemProcs(fs).services.guid, pid: 2700, image: 'C:\\Program Files\\Veeam\\Endpoint Backup\\Veeam.EndPoint.Manager.exe', commandLine: '"C:\\Program Files\\Veeam\\Endpoint Backup\\Veeam.EndPoint.Manager.exe" /backup' };
  g.process(fs, at - 60_000, g.systemProcs(fs).services, 'NT AUTHORITY\\SYSTEM', '0x3e7', veeam.image, veeam.commandLine, undefined, { integrity: 'System' });
  webFlow(g, fs, at, ['s3.eu-west-1.amazonaws.com', ['52.218.96.122']], true, { out: 3_870_000_000 + rng.int(0, 90_000_000), in: 2_400_000 });
  // Windows servers fetch updates.
  for (const h of world.windowsServers) webFlow(g, h, g.around(3, 1), ['windowsupdate.microsoft.com', ['13.107.4.50']], true, { out: 40_000, in: 180_000_000 + rng.int(0, 60_000_000) });
}

function cloudDay(g: Gen): void {
  const { rng, world, sink } = g;
  const engineers = world.people.filter((p) => p.awsRole !== undefined);
  const READS: readonly (readonly [string, string])[] = [
    ['ec2.amazonaws.com', 'DescribeInstances'], ['ec2.amazonaws.com', 'DescribeSecurityGroups'], ['ec2.amazonaws.com', 'DescribeVpcs'],
    ['s3.amazonaws.com', 'ListBuckets'], ['s3.amazonaws.com', 'GetBucketLocation'], ['cloudformation.amazonaws.com', 'DescribeStacks'],
    ['logs.amazonaws.com', 'DescribeLogGroups'], ['lambda.amazonaws.com', 'ListFunctions20150331'], ['iam.amazonaws.com', 'ListRoles'],
    ['sts.amazonaws.com', 'GetCallerIdentity'], ['rds.amazonaws.com', 'DescribeDBInstances'], ['cloudwatch.amazonaws.com', 'DescribeAlarms'],
  ];
  for (const p of engineers) {
    if (!rng.chance(0.8)) continue;
    const sessionAt = g.around(10, 1.5);
    const identity = withSessionStart(ssoSessionIdentity(rng, p.awsRole as string, p.email, rng.hex(16)), sessionAt);
    const n = rng.int(15, 70);
    for (let i = 0; i < n; i++) {
      const at = g.clamp(sessionAt + rng.float() * 8 * 3_600_000);
      const [src, name] = rng.pick(READS);
      sink.cloudtrail(cloudtrailPath(at), at, cloudTrailRecord(rng, {
        at, eventSource: src, eventName: name, identity, sourceIp: GATEWAY.natIp, readOnly: true,
        userAgent: rng.chance(0.5) ? 'aws-cli/2.15.30 Python/3.11.8 Windows/10 exe/AMD64 prompt/off command/ec2.describe-instances' : 'console.amazonaws.com',
        requestParameters: name === 'DescribeInstances' ? { instancesSet: {}, filterSet: {} } : null,
      }));
    }
  }
  // CI deploys: a workload role reads stacks and artefacts every half hour in working hours.
  const ci = roleSessionIdentity(rng, 'gh-actions-deploy', 'GitHubActions');
  for (let t = g.at(7); t < g.at(19); t += 1_800_000 + rng.int(0, 300) * 1000) {
    for (const [src, name] of [['sts.amazonaws.com', 'GetCallerIdentity'], ['cloudformation.amazonaws.com', 'DescribeStacks'], ['s3.amazonaws.com', 'ListBuckets']] as const) {
      const at = t + rng.int(0, 20_000);
      sink.cloudtrail(cloudtrailPath(at), at, cloudTrailRecord(rng, {
        at, eventSource: src, eventName: name, identity: withSessionStart(ci, t - 5_000), sourceIp: `20.${rng.int(25, 120)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
        userAgent: 'aws-sdk-js/3.556.0 ua/2.0 os/linux#6.5.0-1018-azure lang/js md/nodejs#20.12.2 api/cloudformation#3.556.0', readOnly: true,
      }));
    }
  }
  // AWS services assuming their roles, round the clock.
  const services: readonly (readonly [string, string])[] = [['lambda.amazonaws.com', 'invoice-processor-role'], ['ec2.amazonaws.com', 'web-instance-role'], ['ecs-tasks.amazonaws.com', 'api-task-role']];
  for (let t = g.start + 60_000; t < g.end - 60_000; t += 900_000) {
    for (const [svc, role] of services) {
      const at = t + rng.int(0, 800_000);
      const identity: UserIdentity = awsServiceIdentity(svc);
      sink.cloudtrail(cloudtrailPath(at), at, cloudTrailRecord(rng, {
        at, eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', identity, sourceIp: svc, userAgent: svc, readOnly: true,
        requestParameters: { roleArn: `arn:aws:iam::${AWS_ACCOUNT}:role/${role}`, roleSessionName: rng.hex(16), durationSeconds: 3600 },
        responseElements: { credentials: { accessKeyId: `ASIA${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`, sessionToken: rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 64), expiration: awsResponseTime(at + 3_600_000) } },
        resources: [{ accountId: AWS_ACCOUNT, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${AWS_ACCOUNT}:role/${role}` }],
        sharedEventID: rng.uuid(),
      }));
    }
  }
}

/** Every benign record of the day; `pinned` people's days are written by the stories. */
export function generateBenign(g: Gen, pinned: ReadonlySet<Person>): void {
  for (const p of g.world.people) {
    if (g.rng.chance(0.08) || pinned.has(p)) continue; // away today, or pinned
    personDay(g, p);
    if (p.admin !== undefined) itAdminDay(g, p);
  }
  serverDay(g);
  linuxDay(g);
  backupAndUpdates(g);
  cloudDay(g);
}
