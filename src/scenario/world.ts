/**
 * The simulated organisation: people with their accounts in each system, hosts with addresses and
 * roles, and the outside world they talk to. Everything is drawn from the seeded RNG.
 */
import type { Rng } from './rng.js';

export const DOMAIN = 'CORP';
export const DNS_DOMAIN = 'corp.example';
export const AWS_ACCOUNT = '491328476512';
export const AWS_REGION = 'eu-west-1';
export const OKTA_ORG = 'corp.okta.com';

const FIRST = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'karl', 'linda', 'mike', 'nina',
  'oscar', 'peggy', 'quinn', 'rupert', 'sybil', 'trent', 'ursula', 'victor', 'wendy', 'xavier', 'yvonne', 'zach',
  'amir', 'bianca', 'chen', 'diego', 'elena', 'farah', 'gustav', 'hana', 'igor', 'jonas', 'keiko', 'lars', 'maya',
  'nils', 'olga', 'pavel', 'rosa', 'sanjay', 'tariq', 'uma', 'vera', 'wei', 'yusuf', 'zoe', 'anton', 'britt', 'colm',
  'dmitri', 'eva', 'fatima', 'gil', 'hugo', 'ines', 'jamal',
];
const LAST = [
  'Andersen', 'Brown', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ivanova', 'Jensen', 'Kowalski',
  'Larsen', 'Moreau', 'Nakamura', 'Olsen', 'Petrov', 'Quintero', 'Rossi', 'Schmidt', 'Tanaka', 'Ueda', 'Varga',
  'Weber', 'Xu', 'Yilmaz', 'Zimmermann',
];
const DEPARTMENTS = ['Finance', 'Engineering', 'Sales', 'HR', 'Operations', 'Legal', 'Marketing'];

export interface Person {
  /** Canonical id and sAMAccountName: `alice`. */
  login: string;
  displayName: string;
  department: string;
  /** S-1-5-21-... of the AD account. */
  sid: string;
  oktaId: string;
  email: string;
  /** Workstation the person normally uses. */
  workstation: Host;
  /** IT staff have a separate admin account (`adm-<login>`). */
  admin?: { login: string; sid: string };
  /** Engineers sign in to AWS through Okta SSO. */
  awsRole?: string;
  /** Linux accounts on the servers (engineers and IT). */
  linux: boolean;
}

export type HostRole = 'dc' | 'jump' | 'server' | 'linux' | 'workstation';

export interface Host {
  name: string;
  fqdn: string;
  ip: string;
  role: HostRole;
  os: 'windows' | 'linux';
  /** Next Sysmon / Security record ids, advanced as records are written. */
  sid?: string;
}

export interface World {
  people: Person[];
  hosts: Host[];
  dcs: Host[];
  jump: Host;
  fileServer: Host;
  appServer: Host;
  windowsServers: Host[];
  linuxServers: Host[];
  bastion: Host;
  workstations: Host[];
  firewall: { name: string; ip: string };
  domainSid: string;
  /** Public address the office is NATed to. */
  egressIp: string;
}

function domainSidOf(rng: Rng): string {
  return `S-1-5-21-${rng.int(1_000_000_000, 3_999_999_999)}-${rng.int(1_000_000_000, 3_999_999_999)}-${rng.int(1_000_000_000, 3_999_999_999)}`;
}

export function buildWorld(rng: Rng, userCount: number, hostCount: number): World {
  const domainSid = domainSidOf(rng);
  const dcs: Host[] = [
    { name: 'DC01', fqdn: `DC01.${DNS_DOMAIN}`, ip: '10.10.0.10', role: 'dc', os: 'windows' },
    { name: 'DC02', fqdn: `DC02.${DNS_DOMAIN}`, ip: '10.10.0.11', role: 'dc', os: 'windows' },
  ];
  const jump: Host = { name: 'JUMP01', fqdn: `JUMP01.${DNS_DOMAIN}`, ip: '10.10.1.5', role: 'jump', os: 'windows' };
  const serverSlots = Math.max(6, Math.round(hostCount * 0.3));
  const winNames = ['FS01', 'APP01', 'SQL01', 'PRINT01', 'WSUS01', 'APP02', 'SQL02', 'FS02'];
  const linNames = ['bastion01', 'web01', 'web02', 'db01', 'build01', 'web03', 'mon01', 'db02'];
  const windowsServers: Host[] = [];
  const linuxServers: Host[] = [];
  for (let i = 0; i < serverSlots; i++) {
    if (i % 2 === 0 && windowsServers.length < winNames.length) {
      const n = winNames[windowsServers.length] as string;
      windowsServers.push({ name: n, fqdn: `${n}.${DNS_DOMAIN}`, ip: `10.10.1.${20 + windowsServers.length}`, role: 'server', os: 'windows' });
    } else if (linuxServers.length < linNames.length) {
      const n = linNames[linuxServers.length] as string;
      linuxServers.push({ name: n, fqdn: `${n}.${DNS_DOMAIN}`, ip: `10.10.2.${10 + linuxServers.length}`, role: 'linux', os: 'linux' });
    }
  }
  const wsCount = Math.max(8, hostCount - dcs.length - 1 - windowsServers.length - linuxServers.length);
  const workstations: Host[] = [];
  for (let i = 0; i < wsCount; i++) {
    const n = `WS-${String(1001 + i)}`;
    workstations.push({ name: n, fqdn: `${n}.${DNS_DOMAIN}`, ip: `10.20.${Math.floor(i / 200)}.${(i % 200) + 20}`, role: 'workstation', os: 'windows' });
  }

  const logins = rng.sample(FIRST, Math.min(userCount, FIRST.length));
  while (logins.length < userCount) logins.push(`user${logins.length + 1}`);
  let rid = 1104;
  const people: Person[] = logins.map((login, i) => {
    const last = rng.pick(LAST);
    const first = login.charAt(0).toUpperCase() + login.slice(1);
    // The first people fill the roles the attack stories need; the rest are drawn at random.
    const department = i < 4 ? 'IT' : i < 8 ? 'Engineering' : i < 11 ? 'Finance' : rng.pick(DEPARTMENTS);
    const p: Person = {
      login,
      displayName: `${first} ${last}`,
      department,
      sid: `${domainSid}-${rid++}`,
      oktaId: `00u${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 17)}`,
      email: `${login}@${DNS_DOMAIN}`,
      workstation: workstations[i % workstations.length] as Host,
      linux: department === 'IT' || department === 'Engineering',
    };
    if (department === 'IT') p.admin = { login: `adm-${login}`, sid: `${domainSid}-${rid++}` };
    if (department === 'IT' || department === 'Engineering') p.awsRole = department === 'IT' ? 'AdministratorAccess' : 'ReadOnlyAccess';
    return p;
  });
  const fileServer = windowsServers[0] as Host;
  const appServer = windowsServers[1] as Host;
  const bastion = linuxServers[0] as Host;
  return {
    people,
    hosts: [...dcs, jump, ...windowsServers, ...linuxServers, ...workstations],
    dcs,
    jump,
    fileServer,
    appServer,
    windowsServers,
    linuxServers,
    bastion,
    workstations,
    firewall: { name: 'cp-gw01', ip: '10.10.0.1' },
    domainSid,
    egressIp: '81.2.69.160',
  };
}

/** Popular outside services (name, addresses) for benign web and DNS traffic. */
export const WEB_SERVICES: readonly (readonly [string, readonly string[]])[] = [
  ['login.microsoftonline.com', ['20.190.159.2', '40.126.31.67']],
  ['outlook.office365.com', ['52.97.146.162', '40.99.10.34']],
  ['teams.microsoft.com', ['52.113.194.132']],
  ['www.google.com', ['142.250.185.68']],
  ['corp.okta.com', ['44.238.65.190', '52.36.226.91']],
  ['slack.com', ['34.230.242.161']],
  ['github.com', ['140.82.121.4']],
  ['api.github.com', ['140.82.121.6']],
  ['s3.eu-west-1.amazonaws.com', ['52.218.96.122', '52.92.16.104']],
  ['signin.aws.amazon.com', ['52.94.233.131']],
  ['update.googleapis.com', ['142.250.181.227']],
  ['windowsupdate.microsoft.com', ['13.107.4.50']],
  ['www.wikipedia.org', ['185.15.59.224']],
  ['cdn.jsdelivr.net', ['151.101.1.229']],
  ['zoom.us', ['170.114.52.2']],
];

export const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
