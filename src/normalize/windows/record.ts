/**
 * One Windows event, whatever shape it arrived in (evtx_dump JSON or Winlogbeat/Elastic Agent
 * JSON), reduced to the System header and string-valued EventData. The ECS mapping
 * (`ecs.ts`) works on this record only, so both input shapes normalize identically.
 */
import { StringMemo, isRecord, putOwn, toIsoUtc, type Rec } from './values.js';
import { lookupTable } from '../../event/own-props.js';

export interface WinRecord {
  eventId: number;
  channel: string;
  providerName?: string;
  providerGuid?: string;
  computerName?: string;
  recordId?: string;
  /** ISO 8601 UTC, from System/TimeCreated or winlog.time_created. */
  timeCreated?: string;
  task?: string;
  opcode?: string;
  /** Rendered keyword names (Winlogbeat) or, for raw events, names of known bits plus the mask. */
  keywords?: string[];
  level?: string;
  version?: number;
  userSid?: string;
  /** Winlogbeat resolves the System/Security SID to an account; evtx_dump does not. */
  userName?: string;
  userDomain?: string;
  userType?: string;
  pid?: number;
  threadId?: number;
  activityId?: string;
  relatedActivityId?: string;
  /** Every EventData field under its original name, value rendered as a string. */
  eventData: Record<string, string>;
  /** UserData's inner element, flattened the same way (e.g. 1102 LogFileCleared). */
  userData?: Record<string, string>;
  userDataName?: string;
  /** Winlogbeat's outcome when it rendered one. */
  outcome?: 'success' | 'failure';
}

export type RecordResult = { ok: true; record: WinRecord } | { ok: false; reason: string; message: string };

function fail(what: string, message: string): RecordResult {
  return { ok: false, reason: `normalize.windows.${what}`, message };
}

/** A scalar rendered the way Winlogbeat renders EventData: strings as-is, numbers and booleans as text. */
function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return '';
  return undefined;
}

/**
 * Text of an XML element as evtx_dump renders it: a scalar, or `{"#text": ..., "#attributes": ...}`,
 * or an array of those (repeated elements), joined with newlines.
 */
function elementText(v: unknown): string | undefined {
  const s = scalarText(v);
  if (s !== undefined) return s;
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const el of v) {
      const t = elementText(el);
      if (t !== undefined) parts.push(t);
    }
    return parts.join('\n');
  }
  if (isRecord(v)) {
    if ('#text' in v) return elementText(v['#text']);
    // An element with only attributes (or children) has no text: keep its children as JSON text,
    // so nothing is lost and the value stays a string.
    return JSON.stringify(v);
  }
  return undefined;
}

function attr(node: unknown, name: string): unknown {
  return attrsOf(node)?.[name];
}

/** An element's `#attributes` object, read once for all the attributes wanted from it. */
function attrsOf(node: unknown): Rec | undefined {
  if (!isRecord(node)) return undefined;
  const a = node['#attributes'];
  return isRecord(a) ? a : undefined;
}

/** `{Name}` as Windows prints GUIDs, lower-cased. */
function bracedGuid(guid: string): string {
  return guid.startsWith('{') ? guid.toLowerCase() : `{${guid.toLowerCase()}}`;
}
/** Provider GUIDs: a channel has a handful, repeated on every event. */
const providerGuids = new StringMemo(bracedGuid, 256);

/**
 * EventData shapes seen from evtx_dump: a map of Name -> value (the usual case), or `Data` that is
 * an array of `{"#attributes": {"Name": ..}, "#text": ..}` entries, or unnamed `Data` text
 * (classic channels), which gets Winlogbeat's names param1..paramN.
 */
function flattenEventData(node: unknown, into: Record<string, string>): string | undefined {
  if (node === null || node === undefined) return undefined;
  if (typeof node === 'string') {
    // <EventData>text</EventData>: one unnamed value.
    if (node !== '') putOwn(into, 'param1', node);
    return undefined;
  }
  if (!isRecord(node)) return `EventData is ${Array.isArray(node) ? 'an array' : typeof node}, expected an object of named values`;
  // Object.keys rather than entries: no [key, value] pair per field on this per-event path.
  const keys = Object.keys(node);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    const value = node[key];
    if (key === '#attributes') continue;
    if (key === 'Data' && (Array.isArray(value) || isRecord(value))) {
      const items = Array.isArray(value) ? value : [value];
      let unnamed = 0;
      for (const item of items) {
        const name = scalarText(attr(item, 'Name'));
        if (name !== undefined && name !== '') {
          putOwn(into, name, elementText(isRecord(item) ? (item['#text'] ?? '') : item) ?? '');
          continue;
        }
        const text = isRecord(item) ? item['#text'] : item;
        const texts = Array.isArray(text) ? text : [text];
        for (const t of texts) {
          unnamed++;
          putOwn(into, `param${unnamed}`, elementText(t) ?? '');
        }
      }
      continue;
    }
    const t = typeof value === 'string' ? value : elementText(value);
    if (t !== undefined) putOwn(into, key, t);
  }
  return undefined;
}

const FLAT_STRINGS = 1;
const FLAT_SCALARS = 2;

/**
 * How flattenEventData would treat `node`, when it would do nothing but copy: FLAT_STRINGS for a
 * plain object of string values (the common evtx_dump shape; the mapping only reads it, so it can be
 * shared), FLAT_SCALARS when some values are numbers, booleans or null (rendered as text), 0 when it
 * holds `#attributes`, a `Data` element, nested elements, or is not a plain object.
 */
function flatShape(node: unknown): number {
  if (!isRecord(node) || Object.getPrototypeOf(node) !== Object.prototype) return 0;
  let shape = FLAT_STRINGS;
  for (const key in node) {
    if (key === '#attributes' || key === 'Data') return 0;
    const v = node[key];
    if (typeof v === 'string') continue;
    if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') shape = FLAT_SCALARS;
    else return 0;
  }
  return shape;
}

/** UserData holds one element named by the provider (e.g. LogFileCleared); flatten its children. */
function flattenUserData(node: unknown): { name?: string; data: Record<string, string> } | string {
  if (!isRecord(node)) return 'UserData is not an object';
  const data: Record<string, string> = {};
  const keys = Object.keys(node).filter((k) => k !== '#attributes');
  if (keys.length === 1 && isRecord(node[keys[0] as string])) {
    const name = keys[0] as string;
    flattenEventData(node[name], data);
    return { name, data };
  }
  flattenEventData(node, data);
  return { data };
}

const AUDIT_SUCCESS = 0x20000000000000n;
const AUDIT_FAILURE = 0x10000000000000n;
const HEX_MASK = /^0x[0-9a-fA-F]{1,16}$/;

const KW_OTHER = 0;
const KW_SUCCESS = 1;
const KW_FAILURE = 2;
/**
 * Audit bit of each valid keyword mask seen: a channel logs a handful of masks, and testing one
 * costs a regular expression and a BigInt per event. Fresh result arrays are still built per event.
 */
const keywordKinds = new Map<string, number>();
const KEYWORD_KINDS_MAX = 256;

function keywordNames(mask: string | undefined): { names?: string[]; outcome?: 'success' | 'failure' } {
  if (mask === undefined) return {};
  let kind = keywordKinds.get(mask);
  if (kind === undefined) {
    if (!HEX_MASK.test(mask)) return mask ? { names: [mask] } : {};
    const bits = BigInt(mask);
    kind = (bits & AUDIT_SUCCESS) !== 0n ? KW_SUCCESS : (bits & AUDIT_FAILURE) !== 0n ? KW_FAILURE : KW_OTHER;
    if (keywordKinds.size >= KEYWORD_KINDS_MAX) keywordKinds.clear();
    keywordKinds.set(mask, kind);
  }
  if (kind === KW_SUCCESS) return { names: ['Audit Success'], outcome: 'success' };
  if (kind === KW_FAILURE) return { names: ['Audit Failure'], outcome: 'failure' };
  return { names: [mask] };
}

const LEVELS = ['information', 'critical', 'error', 'warning', 'information', 'verbose'];
const OPCODES: Readonly<Record<string, string>> = lookupTable({ '0': 'Info', '1': 'Start', '2': 'Stop' });

function eventIdOf(v: unknown): number | undefined {
  // EventID may carry Qualifiers: {"#attributes": {"Qualifiers": ..}, "#text": 7045}.
  const raw = isRecord(v) ? v['#text'] : v;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

function numberOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** `{"Event": {"System": {...}, "EventData"|"UserData": {...}}}` as written by evtx_dump. */
export function recordFromEvtx(doc: Rec): RecordResult {
  const event = doc['Event'];
  if (!isRecord(event)) return fail('not_windows', 'no "Event" object: not an evtx_dump JSON record');
  const sys = event['System'];
  if (!isRecord(sys)) return fail('missing_system', 'Event has no "System" object');
  const eventId = eventIdOf(sys['EventID']);
  if (eventId === undefined) {
    return fail('bad_event_id', `System.EventID is missing or not an integer 0..65535: ${JSON.stringify(sys['EventID']) ?? 'undefined'}`);
  }
  const channel = elementText(sys['Channel']);
  if (channel === undefined || channel.trim() === '') return fail('missing_channel', 'System.Channel is missing or empty');
  const created = sys['TimeCreated'];
  const createdAttrs = attrsOf(created);
  const createdAttr = createdAttrs?.['SystemTime'];
  // The SystemTime attribute, or the element's own text when it has no such attribute.
  const systemTime = createdAttr !== undefined ? scalarText(createdAttr) : isRecord(created) ? undefined : scalarText(created);
  const timeCreated = toIsoUtc(systemTime);
  if (timeCreated === undefined) {
    return fail('bad_timestamp', `System.TimeCreated.SystemTime is missing or not a timestamp: ${JSON.stringify(systemTime) ?? 'undefined'}`);
  }
  let eventData: Record<string, string>;
  const rawData = event['EventData'];
  const shape = flatShape(rawData);
  if (shape === FLAT_STRINGS) {
    // Already what flattening would build (same keys, same order, string values): share it.
    eventData = rawData as Record<string, string>;
  } else if (shape === FLAT_SCALARS) {
    // One shallow clone in key order, then only the non-string values rendered in place.
    const node = rawData as Rec;
    eventData = { ...node } as Record<string, string>;
    for (const key in node) {
      const v = node[key];
      if (typeof v !== 'string') putOwn(eventData, key, scalarText(v) ?? '');
    }
  } else {
    eventData = {};
    if ('EventData' in event) {
      const err = flattenEventData(rawData, eventData);
      if (err !== undefined) return fail('bad_event_data', err);
    }
  }
  let userData: Record<string, string> | undefined;
  let userDataName: string | undefined;
  if ('UserData' in event && event['UserData'] !== null) {
    const ud = flattenUserData(event['UserData']);
    if (typeof ud === 'string') return fail('bad_user_data', ud);
    userData = ud.data;
    userDataName = ud.name;
  }
  const level = numberOf(sys['Level']);
  const kw = keywordNames(elementText(sys['Keywords']));
  const opcode = elementText(sys['Opcode']);
  const rec: WinRecord = {
    eventId,
    channel,
    eventData,
    timeCreated,
  };
  const provider = attrsOf(sys['Provider']);
  const providerName = scalarText(provider?.['Name']);
  if (providerName) rec.providerName = providerName;
  const guid = scalarText(provider?.['Guid']);
  if (guid) rec.providerGuid = providerGuids.get(guid);
  const computer = elementText(sys['Computer']);
  if (computer) rec.computerName = computer;
  const recordId = elementText(sys['EventRecordID']);
  if (recordId) rec.recordId = recordId;
  const task = elementText(sys['Task']);
  if (task !== undefined && task !== '') rec.task = task;
  if (opcode !== undefined && opcode !== '') rec.opcode = OPCODES[opcode] ?? opcode;
  if (kw.names) rec.keywords = kw.names;
  if (kw.outcome) rec.outcome = kw.outcome;
  if (level !== undefined) rec.level = LEVELS[level] ?? String(level);
  const version = numberOf(sys['Version']);
  if (version !== undefined) rec.version = version;
  const sid = scalarText(attrsOf(sys['Security'])?.['UserID']);
  if (sid) rec.userSid = sid;
  const execution = attrsOf(sys['Execution']);
  const pid = numberOf(execution?.['ProcessID']);
  if (pid !== undefined) rec.pid = pid;
  const tid = numberOf(execution?.['ThreadID']);
  if (tid !== undefined) rec.threadId = tid;
  const correlation = attrsOf(sys['Correlation']);
  const activity = scalarText(correlation?.['ActivityID']);
  if (activity) rec.activityId = bracedGuid(activity);
  const related = scalarText(correlation?.['RelatedActivityID']);
  if (related) rec.relatedActivityId = bracedGuid(related);
  if (userData) rec.userData = userData;
  if (userDataName) rec.userDataName = userDataName;
  return { ok: true, record: rec };
}

function flatStrings(node: unknown, what: string): Record<string, string> | string {
  if (!isRecord(node)) return `${what} is not an object`;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(node)) {
    const t = elementText(v);
    if (t !== undefined) putOwn(out, k, t);
  }
  return out;
}

/** A Winlogbeat / Elastic Agent document: `winlog.*` already split out, `@timestamp` set by the shipper. */
export function recordFromWinlogbeat(doc: Rec): RecordResult {
  const w = doc['winlog'];
  if (!isRecord(w)) return fail('not_windows', 'no "winlog" object: not a Winlogbeat record');
  const eventId = eventIdOf(w['event_id']);
  if (eventId === undefined) {
    return fail('bad_event_id', `winlog.event_id is missing or not an integer 0..65535: ${JSON.stringify(w['event_id']) ?? 'undefined'}`);
  }
  const channel = scalarText(w['channel']);
  if (channel === undefined || channel.trim() === '') return fail('missing_channel', 'winlog.channel is missing or empty');
  const rawTime = scalarText(w['time_created']) ?? scalarText(doc['@timestamp']);
  const timeCreated = toIsoUtc(rawTime);
  if (timeCreated === undefined) {
    return fail('bad_timestamp', `winlog.time_created and @timestamp are missing or not timestamps: ${JSON.stringify(rawTime) ?? 'undefined'}`);
  }
  let eventData: Record<string, string> = {};
  if (w['event_data'] !== undefined && w['event_data'] !== null) {
    const ed = flatStrings(w['event_data'], 'winlog.event_data');
    if (typeof ed === 'string') return fail('bad_event_data', ed);
    eventData = ed;
  }
  const rec: WinRecord = { eventId, channel, eventData, timeCreated };
  if (w['user_data'] !== undefined && w['user_data'] !== null) {
    const ud = flatStrings(w['user_data'], 'winlog.user_data');
    if (typeof ud === 'string') return fail('bad_user_data', ud);
    const name = ud['xml_name'];
    if (name !== undefined) {
      delete ud['xml_name'];
      rec.userDataName = name;
    }
    rec.userData = ud;
  }
  const str = (k: string): string | undefined => {
    const v = scalarText(w[k]);
    return v === undefined || v === '' ? undefined : v;
  };
  const providerName = str('provider_name');
  if (providerName) rec.providerName = providerName;
  const guid = str('provider_guid');
  if (guid) rec.providerGuid = guid;
  const computer = str('computer_name');
  if (computer) rec.computerName = computer;
  const recordId = str('record_id');
  if (recordId) rec.recordId = recordId;
  const task = str('task');
  if (task) rec.task = task;
  const opcode = str('opcode');
  if (opcode) rec.opcode = opcode;
  const level = str('level');
  if (level) rec.level = level;
  const version = numberOf(w['version']);
  if (version !== undefined) rec.version = version;
  const kws = w['keywords'];
  if (Array.isArray(kws)) {
    rec.keywords = kws.filter((k): k is string => typeof k === 'string');
  }
  const outcome = str('outcome');
  if (outcome === 'success' || outcome === 'failure') rec.outcome = outcome;
  else if (rec.keywords?.includes('Audit Success')) rec.outcome = 'success';
  else if (rec.keywords?.includes('Audit Failure')) rec.outcome = 'failure';
  const user = w['user'];
  if (isRecord(user)) {
    const id = scalarText(user['identifier']);
    if (id) rec.userSid = id;
    const name = scalarText(user['name']);
    if (name) rec.userName = name;
    const domain = scalarText(user['domain']);
    if (domain) rec.userDomain = domain;
    const type = scalarText(user['type']);
    if (type) rec.userType = type;
  }
  const proc = w['process'];
  if (isRecord(proc)) {
    const pid = numberOf(proc['pid']);
    if (pid !== undefined) rec.pid = pid;
    const thread = proc['thread'];
    const tid = isRecord(thread) ? numberOf(thread['id']) : undefined;
    if (tid !== undefined) rec.threadId = tid;
  }
  const activity = str('activity_id');
  if (activity) rec.activityId = activity;
  const related = str('related_activity_id');
  if (related) rec.relatedActivityId = related;
  return { ok: true, record: rec };
}
