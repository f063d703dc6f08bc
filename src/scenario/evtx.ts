/**
 * Windows events as `evtx_dump -o json` writes them (the shape of SigmaHQ's regression data):
 * `{"Event": {"#attributes": {xmlns}, "System": {...}, "EventData": {...}}}`, pretty-printed with two
 * spaces, one document after another. Security EventData values are text; Sysmon writes numbers and
 * booleans for its numeric fields, as evtx_dump renders them.
 */
import type { Rng } from './rng.js';
import { isoMicros } from './time.js';

export type EventData = Record<string, string | number | boolean>;

export interface EvtxDraft {
  channel: 'Security' | 'Microsoft-Windows-Sysmon/Operational';
  computer: string;
  eventId: number;
  at: number;
  micro: number;
  version: number;
  task: number;
  keywords: string;
  level: number;
  execution: { pid: number; tid: number };
  activityId?: string;
  userSid?: string;
  data: EventData;
}

const SECURITY_PROVIDER = { Name: 'Microsoft-Windows-Security-Auditing', Guid: '54849625-5478-4994-A5BA-3E3B0328C30D' };
const SYSMON_PROVIDER = { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' };

/** Task and version per Security event id (as Windows Server 2019/2022 log them). */
const SECURITY_META: Readonly<Record<number, { task: number; version: number }>> = {
  4624: { task: 12544, version: 2 },
  4625: { task: 12544, version: 0 },
  4634: { task: 12545, version: 0 },
  4672: { task: 12548, version: 0 },
  4688: { task: 13312, version: 2 },
  4768: { task: 14339, version: 0 },
  4769: { task: 14337, version: 0 },
  5140: { task: 12808, version: 1 },
  5145: { task: 12811, version: 0 },
};
const SYSMON_VERSION: Readonly<Record<number, number>> = { 1: 5, 3: 5, 10: 3, 11: 2, 22: 5 };

/** A Sysmon process or logon GUID (`0197231E-F943-69E5-A527-000000000800`): machine prefix, then time-ish parts. */
export function sysmonGuid(rng: Rng, machinePrefix: string): string {
  return `${machinePrefix}-${rng.hex(4).toUpperCase()}-${rng.hex(4).toUpperCase()}-${rng.hex(4).toUpperCase()}-${rng.hex(8).toUpperCase()}${rng.pick(['0800', '0900', '0A00', '0D00'])}`;
}

export function securityDraft(rng: Rng, computer: string, at: number, eventId: number, data: EventData, failure = false): EvtxDraft {
  const meta = SECURITY_META[eventId];
  if (meta === undefined) throw new RangeError(`no Security metadata for event ${eventId}`);
  return {
    channel: 'Security', computer, eventId, at, micro: rng.int(0, 999), version: meta.version, task: meta.task,
    keywords: failure ? '0x8010000000000000' : '0x8020000000000000', level: 0,
    execution: { pid: 660 + (computer.length % 7) * 4, tid: rng.int(700, 9000) & ~3 },
    activityId: rng.uuid().toUpperCase(),
    data,
  };
}

export function sysmonDraft(rng: Rng, computer: string, at: number, eventId: number, data: EventData): EvtxDraft {
  const version = SYSMON_VERSION[eventId];
  if (version === undefined) throw new RangeError(`no Sysmon metadata for event ${eventId}`);
  return {
    channel: 'Microsoft-Windows-Sysmon/Operational', computer, eventId, at, micro: rng.int(0, 999), version, task: eventId,
    keywords: '0x8000000000000000', level: 4,
    execution: { pid: 3000 + (computer.length % 9) * 12, tid: rng.int(3000, 6000) & ~3 },
    userSid: 'S-1-5-18',
    data,
  };
}

/** The evtx_dump JSON text of a draft, with its EventRecordID. */
export function renderEvtx(d: EvtxDraft, recordId: number): string {
  const doc = {
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': d.channel === 'Security' ? SECURITY_PROVIDER : SYSMON_PROVIDER },
        EventID: d.eventId,
        Version: d.version,
        Level: d.level,
        Task: d.task,
        Opcode: 0,
        Keywords: d.keywords,
        TimeCreated: { '#attributes': { SystemTime: isoMicros(d.at, d.micro) } },
        EventRecordID: recordId,
        Correlation: d.activityId === undefined ? null : { '#attributes': { ActivityID: d.activityId } },
        Execution: { '#attributes': { ProcessID: d.execution.pid, ThreadID: d.execution.tid } },
        Channel: d.channel,
        Computer: d.computer,
        Security: d.userSid === undefined ? null : { '#attributes': { UserID: d.userSid } },
      },
      EventData: d.data,
    },
  };
  return JSON.stringify(doc, null, 2);
}
