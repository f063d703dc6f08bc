/**
 * Sysmon (Microsoft-Windows-Sysmon/Operational) to ECS, following the categorization of Elastic's
 * `windows.sysmon_operational` ingest pipeline. `@timestamp` is Sysmon's own UtcTime (the moment
 * of the activity); the channel write time goes to `event.created`, as Elastic does.
 */
import { FILE, PROCESS, commandLineInto, put2, put3, section, sectionIfAny, type EcsOut } from './out.js';
import type { WinRecord } from './record.js';
import { baseName, hashesOf, parseId, parseIp, parsePort, present, type Rec } from './values.js';
import { lookupTable } from '../../event/own-props.js';

interface SysmonKind {
  category: string[];
  type: string[];
  action: string;
}

const K = (category: string[], type: string[], action: string): SysmonKind => ({ category, type, action });

export const SYSMON_EVENTS: ReadonlyMap<number, SysmonKind> = new Map([
  [1, K(['process'], ['start'], 'process-created')],
  [2, K(['file'], ['change'], 'file-creation-time-changed')],
  [3, K(['network'], ['start', 'connection'], 'network-connection')],
  [4, K(['process'], ['change'], 'sysmon-service-state-changed')],
  [5, K(['process'], ['end'], 'process-terminated')],
  [6, K(['driver'], ['start'], 'driver-loaded')],
  [7, K(['process'], ['change'], 'image-loaded')],
  [8, K(['process'], ['change'], 'remote-thread-created')],
  [9, K(['process'], ['access'], 'raw-access-read')],
  [10, K(['process'], ['access'], 'process-accessed')],
  [11, K(['file'], ['creation'], 'file-created')],
  [12, K(['configuration', 'registry'], ['change'], 'registry-object-added-or-deleted')],
  [13, K(['configuration', 'registry'], ['change'], 'registry-value-set')],
  [14, K(['configuration', 'registry'], ['change'], 'registry-object-renamed')],
  [15, K(['file'], ['creation'], 'file-stream-created')],
  [16, K(['configuration'], ['change'], 'sysmon-config-state-changed')],
  [17, K(['file'], ['creation'], 'pipe-created')],
  [18, K(['file'], ['access'], 'pipe-connected')],
  [19, K(['process'], ['change'], 'wmi-filter-registered')],
  [20, K(['process'], ['change'], 'wmi-consumer-registered')],
  [21, K(['process'], ['change'], 'wmi-consumer-filter-bound')],
  [22, K(['network'], ['connection', 'protocol', 'info'], 'dns-query')],
  [23, K(['file'], ['deletion'], 'file-deleted')],
  [24, K(['process'], ['change'], 'clipboard-changed')],
  [25, K(['process'], ['change'], 'process-tampering')],
  [26, K(['file'], ['deletion'], 'file-delete-detected')],
  [27, K(['file'], ['denied'], 'file-block-executable')],
  [28, K(['file'], ['denied'], 'file-block-shredding')],
  [29, K(['file'], ['creation'], 'file-executable-detected')],
  [255, K(['process'], ['error'], 'sysmon-error')],
]);

export function isSysmon(rec: WinRecord): boolean {
  return rec.channel === 'Microsoft-Windows-Sysmon/Operational' || rec.providerName === 'Microsoft-Windows-Sysmon';
}

/** Registry hives as Sysmon prints them, to the short names ECS uses in `registry.hive`. */
const HIVES: Readonly<Record<string, string>> = lookupTable({
  HKLM: 'HKLM',
  HKU: 'HKU',
  HKCR: 'HKCR',
  HKCU: 'HKCU',
  HKCC: 'HKCC',
  HKEY_LOCAL_MACHINE: 'HKLM',
  HKEY_USERS: 'HKU',
  HKEY_CLASSES_ROOT: 'HKCR',
  HKEY_CURRENT_USER: 'HKCU',
  HKEY_CURRENT_CONFIG: 'HKCC',
});

/** Sysmon 13 renders typed data as "DWORD (0x00000001)" / "QWORD (..)"; anything else is a string. */
function registryData(details: string): { type: string; value: string } {
  if (details.startsWith('DWORD (') && details.endsWith(')')) return { type: 'REG_DWORD', value: details.slice(7, -1) };
  if (details.startsWith('QWORD (') && details.endsWith(')')) return { type: 'REG_QWORD', value: details.slice(7, -1) };
  if (details.startsWith('Binary Data')) return { type: 'REG_BINARY', value: details };
  return { type: 'REG_SZ', value: details };
}

function mapRegistry(rec: WinRecord, d: Record<string, string>, out: EcsOut): void {
  const target = present(d['TargetObject']);
  if (target === undefined) return;
  put2(out.doc, 'registry', 'path', target);
  const first = target.indexOf('\\');
  const hiveName = first > 0 ? target.slice(0, first) : target;
  const hive = HIVES[hiveName.toUpperCase()];
  const rest = first > 0 ? target.slice(first + 1) : '';
  if (hive !== undefined) put2(out.doc, 'registry', 'hive', hive);
  const eventType = present(d['EventType']);
  const isValue = rec.eventId === 13 || eventType === 'SetValue' || eventType === 'DeleteValue';
  if (isValue && rest !== '') {
    const last = rest.lastIndexOf('\\');
    put2(out.doc, 'registry', 'key', last > 0 ? rest.slice(0, last) : '');
    put2(out.doc, 'registry', 'value', last >= 0 ? rest.slice(last + 1) : rest);
  } else if (rest !== '') {
    put2(out.doc, 'registry', 'key', rest);
  }
  const details = present(d['Details']);
  if (details !== undefined) {
    const data = registryData(details);
    put3(out.doc, 'registry', 'data', 'type', data.type);
    put3(out.doc, 'registry', 'data', 'strings', [data.value]);
  }
  if (eventType === 'CreateKey') put2(out.doc, 'event', 'type', ['creation']);
  else if (eventType === 'DeleteKey' || eventType === 'DeleteValue') put2(out.doc, 'event', 'type', ['deletion']);
}

/**
 * QueryResults is "type:  5 cname.example;::ffff:10.0.0.1;2001:db8::1;" : CNAME records carry
 * "type:  5", addresses come bare (IPv4 as IPv4-mapped IPv6).
 */
function mapDns(d: Record<string, string>, out: EcsOut): void {
  const name = present(d['QueryName']);
  put3(out.doc, 'dns', 'question', 'name', name);
  put2(out.doc, 'network', 'protocol', 'dns');
  const status = present(d['QueryStatus']);
  if (status !== undefined) put2(out.doc, 'dns', 'response_code', status === '0' ? 'NOERROR' : status);
  const results = present(d['QueryResults']);
  const answers: { data: string; type: string }[] = [];
  const ips: string[] = [];
  if (results !== undefined) {
    for (const raw of results.split(';')) {
      const entry = raw.trim();
      if (entry === '') continue;
      if (entry.startsWith('type:')) {
        const rest = entry.slice(5).trim();
        const sp = rest.indexOf(' ');
        if (sp < 0) continue;
        const code = rest.slice(0, sp);
        const data = rest.slice(sp + 1).trim();
        answers.push({ data, type: code === '5' ? 'CNAME' : code });
        out.host(data);
        continue;
      }
      const ip = parseIp(entry);
      if (ip === undefined) continue;
      answers.push({ data: ip, type: ip.includes(':') ? 'AAAA' : 'A' });
      ips.push(ip);
      out.ip(ip);
    }
  }
  if (answers.length > 0) put2(out.doc, 'dns', 'answers', answers);
  if (ips.length > 0) put2(out.doc, 'dns', 'resolved_ip', ips);
  out.host(name);
}

function mapSysmonUser(rec: WinRecord, user: string | undefined, out: EcsOut): void {
  const u = present(user);
  if (u !== undefined) {
    const slash = u.indexOf('\\');
    const name = slash >= 0 ? u.slice(slash + 1) : u;
    put2(out.doc, 'user', 'name', name);
    if (slash > 0) put2(out.doc, 'user', 'domain', u.slice(0, slash));
    out.user(name);
  }
  put2(out.doc, 'user', 'id', rec.userSid);
}

export function mapSysmon(rec: WinRecord, out: EcsOut): void {
  if (rec.eventId === 1) {
    mapProcessCreate(rec, out);
    return;
  }
  const d = rec.eventData;
  const kind = SYSMON_EVENTS.get(rec.eventId);
  if (kind !== undefined) {
    put2(out.doc, 'event', 'category', kind.category);
    put2(out.doc, 'event', 'type', kind.type);
    put2(out.doc, 'event', 'action', kind.action);
  }
  put2(out.doc, 'event', 'created', rec.timeCreated);
  put2(out.doc, 'rule', 'name', present(d['RuleName']));

  // The acting process: Image/ProcessId/ProcessGuid, or SourceImage/... for 8 and 10.
  const source = rec.eventId === 8 || rec.eventId === 10;
  out.executable(PROCESS, source ? d['SourceImage'] : d['Image']);
  put2(out.doc, 'process', 'pid', parseId(source ? d['SourceProcessId'] : d['ProcessId']));
  put2(out.doc, 'process', 'entity_id', present(source ? (d['SourceProcessGuid'] ?? d['SourceProcessGUID']) : d['ProcessGuid']));
  put3(out.doc, 'process', 'thread', 'id', source ? parseId(d['SourceThreadId']) : undefined);
  mapSysmonUser(rec, source ? (d['SourceUser'] ?? d['User']) : d['User'], out);

  switch (rec.eventId) {
    case 2:
    case 11:
    case 15:
    case 23:
    case 26:
    case 27:
    case 28:
    case 29: {
      out.filePath(d['TargetFilename']);
      if (rec.eventId === 15) out.hashes(FILE, d['Hash'] ?? d['Hashes']);
      else out.hashes(PROCESS, d['Hashes']);
      break;
    }
    case 3: {
      const srcIp = parseIp(d['SourceIp']);
      const dstIp = parseIp(d['DestinationIp']);
      put2(out.doc, 'source', 'ip', srcIp);
      put2(out.doc, 'source', 'port', parsePort(d['SourcePort']));
      put2(out.doc, 'source', 'domain', present(d['SourceHostname']));
      put2(out.doc, 'destination', 'ip', dstIp);
      put2(out.doc, 'destination', 'port', parsePort(d['DestinationPort']));
      put2(out.doc, 'destination', 'domain', present(d['DestinationHostname']));
      out.ip(srcIp);
      out.ip(dstIp);
      out.host(present(d['SourceHostname']));
      out.host(present(d['DestinationHostname']));
      const proto = present(d['Protocol']);
      if (proto !== undefined) put2(out.doc, 'network', 'transport', proto.toLowerCase());
      const v6 = present(d['SourceIsIpv6']);
      if (v6 !== undefined) put2(out.doc, 'network', 'type', v6 === 'true' ? 'ipv6' : 'ipv4');
      const initiated = present(d['Initiated']);
      if (initiated !== undefined) put2(out.doc, 'network', 'direction', initiated === 'true' ? 'egress' : 'ingress');
      put2(out.doc, 'destination', 'port_name', present(d['DestinationPortName']));
      break;
    }
    case 6:
    case 7: {
      out.filePath(d['ImageLoaded']);
      out.hashes(FILE, d['Hashes']);
      const signed = present(d['Signed']);
      if (signed !== undefined) put3(out.doc, 'file', 'code_signature', 'signed', signed === 'true');
      const status = present(d['SignatureStatus']);
      if (status !== undefined) {
        put3(out.doc, 'file', 'code_signature', 'status', status);
        put3(out.doc, 'file', 'code_signature', 'valid', status === 'Valid');
      }
      put3(out.doc, 'file', 'code_signature', 'subject_name', present(d['Signature']));
      put3(out.doc, 'file', 'pe', 'original_file_name', present(d['OriginalFileName']));
      put3(out.doc, 'file', 'pe', 'company', present(d['Company']));
      put3(out.doc, 'file', 'pe', 'description', present(d['Description']));
      put3(out.doc, 'file', 'pe', 'product', present(d['Product']));
      put3(out.doc, 'file', 'pe', 'file_version', present(d['FileVersion']));
      break;
    }
    case 12:
    case 13:
    case 14:
      mapRegistry(rec, d, out);
      break;
    case 17:
    case 18:
      put2(out.doc, 'file', 'name', present(d['PipeName']));
      break;
    case 22:
      mapDns(d, out);
      break;
  }
}

/**
 * Sysmon 1 (process creation), half of a typical Windows event volume: mapSysmon's common part
 * (event kind and created time, rule name, process, user) and then the process-creation fields.
 * Each section is filled as a local and attached once, only if it got a field, at the point where
 * its first field would have attached it: key order and omissions are those of the common part's,
 * as for every other Sysmon event.
 */
function mapProcessCreate(rec: WinRecord, out: EcsOut): void {
  const d = rec.eventData;
  const doc = out.doc;
  const event = section(doc, 'event');
  const kind = SYSMON_EVENTS.get(1) as SysmonKind;
  event.category = kind.category;
  event.type = kind.type;
  event.action = kind.action;
  if (rec.timeCreated !== undefined) event.created = rec.timeCreated;
  const rule = present(d['RuleName']);
  if (rule !== undefined) section(doc, 'rule').name = rule;

  const proc: Rec = sectionIfAny(doc, 'process') ?? {};
  let hasProc = false;
  const image = present(d['Image']);
  if (image !== undefined) {
    proc.executable = image;
    proc.name = baseName(image);
    hasProc = true;
  }
  const pid = parseId(d['ProcessId']);
  if (pid !== undefined) {
    proc.pid = pid;
    hasProc = true;
  }
  const guid = present(d['ProcessGuid']);
  if (guid !== undefined) {
    proc.entity_id = guid;
    hasProc = true;
  }
  // With none of these, `process` comes after `user` in the document, where its first field puts it.
  if (hasProc) doc.process = proc;

  const account = present(d['User']);
  if (account !== undefined || rec.userSid !== undefined) {
    const user: Rec = sectionIfAny(doc, 'user') ?? {};
    if (account !== undefined) {
      const slash = account.indexOf('\\');
      const name = slash >= 0 ? account.slice(slash + 1) : account;
      user.name = name;
      if (slash > 0) user.domain = account.slice(0, slash);
      out.user(name);
    }
    if (rec.userSid !== undefined) user.id = rec.userSid;
    doc.user = user;
  }

  const procAttached = hasProc;
  const cmd = present(d['CommandLine']);
  if (cmd !== undefined) {
    commandLineInto(proc, cmd);
    hasProc = true;
  }
  const cwd = present(d['CurrentDirectory']);
  if (cwd !== undefined) {
    proc.working_directory = cwd;
    hasProc = true;
  }

  const pe: Rec = sectionIfAny(proc, 'pe') ?? {};
  let hasPe = false;
  const originalName = present(d['OriginalFileName']);
  if (originalName !== undefined) {
    pe.original_file_name = originalName;
    hasPe = true;
  }
  const company = present(d['Company']);
  if (company !== undefined) {
    pe.company = company;
    hasPe = true;
  }
  const description = present(d['Description']);
  if (description !== undefined) {
    pe.description = description;
    hasPe = true;
  }
  const product = present(d['Product']);
  if (product !== undefined) {
    pe.product = product;
    hasPe = true;
  }
  const version = present(d['FileVersion']);
  if (version !== undefined) {
    pe.file_version = version;
    hasPe = true;
  }
  if (hasPe) {
    proc.pe = pe;
    hasProc = true;
  }

  const h = hashesOf(d['Hashes']);
  if (h !== undefined) {
    const hash: Rec = sectionIfAny(proc, 'hash') ?? {};
    let hasHash = false;
    if (h.md5 !== undefined) {
      hash.md5 = h.md5;
      out.hash(h.md5);
      hasHash = true;
    }
    if (h.sha1 !== undefined) {
      hash.sha1 = h.sha1;
      out.hash(h.sha1);
      hasHash = true;
    }
    if (h.sha256 !== undefined) {
      hash.sha256 = h.sha256;
      out.hash(h.sha256);
      hasHash = true;
    }
    if (h.sha512 !== undefined) {
      hash.sha512 = h.sha512;
      out.hash(h.sha512);
      hasHash = true;
    }
    if (hasHash) proc.hash = hash;
    if (h.imphash !== undefined) {
      // Without another pe field, `pe` is attached here, after `hash`.
      pe.imphash = h.imphash;
      if (!hasPe) proc.pe = pe;
      out.hash(h.imphash);
      hasPe = true;
    }
    if (hasHash || hasPe) hasProc = true;
  }

  const parent: Rec = sectionIfAny(proc, 'parent') ?? {};
  let hasParent = false;
  const parentImage = present(d['ParentImage']);
  if (parentImage !== undefined) {
    parent.executable = parentImage;
    parent.name = baseName(parentImage);
    hasParent = true;
  }
  const ppid = parseId(d['ParentProcessId']);
  if (ppid !== undefined) {
    parent.pid = ppid;
    hasParent = true;
  }
  const pguid = present(d['ParentProcessGuid']);
  if (pguid !== undefined) {
    parent.entity_id = pguid;
    hasParent = true;
  }
  const pcmd = present(d['ParentCommandLine']);
  if (pcmd !== undefined) {
    commandLineInto(parent, pcmd);
    hasParent = true;
  }
  if (hasParent) {
    proc.parent = parent;
    hasProc = true;
  }
  if (hasProc && !procAttached) doc.process = proc;

  const logonId = present(d['LogonId']);
  if (logonId !== undefined) section(section(doc, 'winlog'), 'logon').id = logonId;
  const parentUser = present(d['ParentUser']);
  if (parentUser !== undefined) out.user(parentUser.slice(parentUser.lastIndexOf('\\') + 1));
}