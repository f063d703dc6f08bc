/** Shared state of one generation run: the RNG, the world, the sink, and per-host process state. */
import type { EvtxDraft } from './evtx.js';
import type { Rng } from './rng.js';
import type { Sink, Tag } from './sink.js';
import { hashes, processGuid, sysmonProcess, type ProcessSpec } from './windows.js';
import type { Host, Person, World } from './world.js';

export const FILES = {
  windows: { dc: 'windows/domain-controllers.json', server: 'windows/servers.json', workstation: 'windows/workstations.json' },
  linux: 'linux/auth.log',
  okta: 'okta/system.log',
  firewall: 'firewall/checkpoint.log',
  zeekConn: 'zeek/conn.log',
  zeekDns: 'zeek/dns.log',
} as const;

export interface Pe { description: string; product: string; company: string; original: string; version: string }

const MS = 'Microsoft Corporation';
const WINOS = 'Microsoft® Windows® Operating System';
/** PE metadata Sysmon reports for the images the scenario runs. */
export const IMAGES: Readonly<Record<string, Pe>> = {
  'C:\\Windows\\explorer.exe': { description: 'Windows Explorer', product: WINOS, company: MS, original: 'EXPLORER.EXE', version: '10.0.19041.3636 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\userinit.exe': { description: 'Userinit Logon Application', product: WINOS, company: MS, original: 'USERINIT.EXE', version: '10.0.19041.1 (WinBuild.160101.0800)' },
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe': { description: 'Google Chrome', product: 'Google Chrome', company: 'Google LLC', original: 'chrome.exe', version: '124.0.6367.91' },
  'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE': { description: 'Microsoft Outlook', product: 'Microsoft Outlook', company: MS, original: 'Outlook.exe', version: '16.0.17328.20184' },
  'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE': { description: 'Microsoft Word', product: 'Microsoft Office', company: MS, original: 'WinWord.exe', version: '16.0.17328.20184' },
  'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE': { description: 'Microsoft Excel', product: 'Microsoft Office', company: MS, original: 'Excel.exe', version: '16.0.17328.20184' },
  'C:\\Users\\%USER%\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe': { description: 'Microsoft Teams', product: 'Microsoft Teams', company: MS, original: 'Teams.exe', version: '1.7.00.6058' },
  'C:\\Windows\\System32\\notepad.exe': { description: 'Notepad', product: WINOS, company: MS, original: 'NOTEPAD.EXE', version: '10.0.19041.1 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\cmd.exe': { description: 'Windows Command Processor', product: WINOS, company: MS, original: 'Cmd.Exe', version: '10.0.19041.3636 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe': { description: 'Windows PowerShell', product: WINOS, company: MS, original: 'PowerShell.EXE', version: '10.0.19041.3996 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\rundll32.exe': { description: 'Windows host process (Rundll32)', product: WINOS, company: MS, original: 'RUNDLL32.EXE', version: '10.0.19041.3636 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\svchost.exe': { description: 'Host Process for Windows Services', product: WINOS, company: MS, original: 'svchost.exe', version: '10.0.19041.3636 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\taskhostw.exe': { description: 'Host Process for Windows Tasks', product: WINOS, company: MS, original: 'taskhostw.exe', version: '10.0.19041.3636 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\services.exe': { description: 'Services and Controller app', product: WINOS, company: MS, original: 'services.exe', version: '10.0.19041.3636 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\lsass.exe': { description: 'Local Security Authority Process', product: WINOS, company: MS, original: 'lsass.exe', version: '10.0.19041.3636 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe': { description: 'WMI Provider Host', product: WINOS, company: MS, original: 'Wmiprvse.exe', version: '10.0.19041.3636 (WinBuild.160101.0800)' },
  'C:\\Windows\\CCM\\CcmExec.exe': { description: 'Host Process for Microsoft Configuration Manager', product: 'System Center Configuration Manager', company: MS, original: 'CcmExec.exe', version: '5.00.9122.1000' },
  'C:\\Windows\\System32\\mstsc.exe': { description: 'Remote Desktop Connection', product: WINOS, company: MS, original: 'mstsc.exe', version: '10.0.19041.3636 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\net.exe': { description: 'Net Command', product: WINOS, company: MS, original: 'net.exe', version: '10.0.19041.1 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\whoami.exe': { description: 'whoami - displays logged on user information', product: WINOS, company: MS, original: 'whoami.exe', version: '10.0.19041.1 (WinBuild.160101.0800)' },
  'C:\\Windows\\System32\\gpupdate.exe': { description: 'Microsoft® Windows Group Policy Update Utility', product: WINOS, company: MS, original: 'GPUpdate.exe', version: '10.0.19041.1 (WinBuild.160101.0800)' },
  'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MsMpEng.exe': { description: 'Antimalware Service Executable', product: WINOS, company: MS, original: 'MsMpEng.exe', version: '4.18.24030.9 (WinBuild.160101.0800)' },
  'C:\\Windows\\Temp\\pd64.exe': { description: 'Sysinternals process dump utility', product: 'ProcDump', company: 'Sysinternals - www.sysinternals.com', original: 'procdump', version: '11.0' },
  'C:\\ProgramData\\7z.exe': { description: '7-Zip Console', product: '7-Zip', company: 'Igor Pavlov', original: '7z.exe', version: '23.01' },
  'C:\\Program Files\\Veeam\\Endpoint Backup\\Veeam.EndPoint.Manager.exe': { description: 'Veeam Agent for Microsoft Windows', product: 'Veeam Agent for Microsoft Windows', company: 'Veeam Software Group GmbH', original: 'Veeam.EndPoint.Manager.exe', version: '6.1.0.349' },
};

export interface ProcRef { guid: string; pid: number; image: string; commandLine: string }

export interface Session {
  person?: Person;
  /** `CORP\alice` as Sysmon writes User. */
  user: string;
  logonId: string;
  explorer: ProcRef;
}

export class Gen {
  private readonly hashCache = new Map<string, string>();
  private readonly pids = new Map<string, number>();
  readonly sessions = new Map<string, Session>();
  /** Long-lived system processes per host (services.exe, lsass.exe, svchost). */
  private readonly system = new Map<string, { services: ProcRef; lsass: ProcRef; svchost: ProcRef }>();

  constructor(
    readonly rng: Rng,
    readonly world: World,
    readonly sink: Sink,
    readonly start: number,
    readonly end: number,
  ) {}

  windowsFile(h: Host): string {
    return h.role === 'dc' ? FILES.windows.dc : h.role === 'workstation' ? FILES.windows.workstation : FILES.windows.server;
  }

  evtx(h: Host, d: EvtxDraft, tag?: Tag): void {
    this.sink.evtx(this.windowsFile(h), d, tag);
  }

  imageHashes(image: string): string {
    let h = this.hashCache.get(image);
    if (h === undefined) {
      h = hashes(this.rng.fork(image));
      this.hashCache.set(image, h);
    }
    return h;
  }

  nextPid(h: Host): number {
    const p = (this.pids.get(h.name) ?? 4000 + this.rng.int(0, 800) * 4) + this.rng.int(1, 60) * 4;
    this.pids.set(h.name, p > 40000 ? 4000 + this.rng.int(0, 200) * 4 : p);
    return p;
  }

  systemProcs(h: Host): { services: ProcRef; lsass: ProcRef; svchost: ProcRef } {
    let s = this.system.get(h.name);
    if (s === undefined) {
      s = {
        services: { guid: processGuid(this.rng, h), pid: 700 + this.rng.int(0, 20) * 4, image: 'C:\\Windows\\System32\\services.exe', commandLine: 'C:\\Windows\\system32\\services.exe' },
        lsass: { guid: processGuid(this.rng, h), pid: 720 + this.rng.int(0, 20) * 4, image: 'C:\\Windows\\System32\\lsass.exe', commandLine: 'C:\\Windows\\system32\\lsass.exe' },
        svchost: { guid: processGuid(this.rng, h), pid: 1100 + this.rng.int(0, 100) * 4, image: 'C:\\Windows\\System32\\svchost.exe', commandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule' },
      };
      this.system.set(h.name, s);
    }
    return s;
  }

  /** Sysmon process creation (and, on servers, the Security 4688 twin); returns the new process. */
  process(h: Host, at: number, parent: ProcRef, user: string, logonId: string, image: string, commandLine: string, tag?: Tag, extra: Partial<ProcessSpec> = {}): ProcRef {
    const pe = IMAGES[image] ?? IMAGES[image.replace(/C:\\Users\\[^\\]+\\/, 'C:\\Users\\%USER%\\')] ?? { description: '-', product: '-', company: '-', original: '-', version: '-' };
    const spec: ProcessSpec = {
      host: h, at, user, logonId, image, commandLine,
      parentImage: parent.image, parentCommandLine: parent.commandLine,
      pe, hashes: this.imageHashes(image), pid: this.nextPid(h), parentPid: parent.pid,
      guid: processGuid(this.rng, h), parentGuid: parent.guid,
      ...extra,
    };
    this.evtx(h, sysmonProcess(this.rng, spec), tag);
    return { guid: spec.guid, pid: spec.pid, image, commandLine };
  }

  /** A time inside the day, clamped. */
  clamp(at: number): number {
    return Math.min(this.end - 1, Math.max(this.start, Math.round(at)));
  }

  /** `start + hours` in ms. */
  at(hours: number): number {
    return this.start + Math.round(hours * 3_600_000);
  }

  /** Roughly bell-shaped time around `center` hours with `spread` hours. */
  around(center: number, spread: number): number {
    const r = (this.rng.float() + this.rng.float() + this.rng.float()) / 3 - 0.5;
    return this.clamp(this.at(center + r * 2 * spread));
  }
}
