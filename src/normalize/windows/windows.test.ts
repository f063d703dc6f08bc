import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Decoded } from '../../decode/types.js';
import type { MapResult } from '../types.js';
import { requireSharedData, repoRoot } from '../../../test/support/shared-data.js';
import { parseJsonDocuments } from '../../../test/support/json-documents.js';
import { evtxJsonMapper, winlogbeatJsonMapper, windowsMappers } from './index.js';

type Rec = Record<string, unknown>;
const ctx = { sourceId: 'test', receivedAt: new Date('2026-01-01T00:00:00Z'), timezone: 'UTC' };

function evtx(fields: unknown): MapResult {
  return evtxJsonMapper.map({ format: 'evtx-json', fields: fields as Rec }, ctx);
}
function beat(fields: unknown): MapResult {
  return winlogbeatJsonMapper.map({ format: 'winlogbeat-json', fields: fields as Rec }, ctx);
}
function ok(r: MapResult): Rec {
  if (!r.ok) assert.fail(`${r.reason}: ${r.message}`);
  return r.event as Rec;
}
/** The event without the bulky parts, for exact comparison. */
function core(e: Rec): Rec {
  const { winlog: _w, ...rest } = e;
  const ev = { ...(rest['event'] as Rec) };
  delete ev['original'];
  return { ...rest, event: ev };
}

const regression = requireSharedData('sigma', 'regression_data');
function regressionDocs(rel: string): Rec[] {
  return parseJsonDocuments(readFileSync(resolve(regression as string, rel), 'utf8')) as Rec[];
}
function fixture(name: string): { events: Rec[]; expected?: Rec[] } {
  return JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'windows', name), 'utf8')) as { events: Rec[]; expected?: Rec[] };
}

test('every regression_data file normalizes, every document, keeping all EventData as strings', { skip: regression === undefined }, () => {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.json')) files.push(p);
    }
  };
  walk(regression as string);
  let docs = 0;
  const failures: string[] = [];
  for (const f of files) {
    for (const doc of parseJsonDocuments(readFileSync(f, 'utf8')) as Rec[]) {
      docs++;
      const r = evtx(doc);
      if (!r.ok) {
        failures.push(`${f}: ${r.reason}`);
        continue;
      }
      const e = r.event as Rec;
      const w = e['winlog'] as Rec;
      const src = (doc['Event'] as Rec)['EventData'] as Rec;
      const data = w['event_data'] as Rec;
      assert.deepEqual(Object.keys(data), Object.keys(src), f);
      for (const [k, v] of Object.entries(src)) assert.equal(data[k], v === null ? '' : String(v), `${f} ${k}`);
      assert.match(e['@timestamp'] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(typeof (e['event'] as Rec)['original'], 'string');
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(files.length, 133);
  assert.equal(docs, 160);
});

test('Sysmon 1 (evtx_dump): process, parent, hashes, user', { skip: regression === undefined }, () => {
  const [doc] = regressionDocs('rules-emerging-threats/2026/Exploits/CVE-2026-33829/proc_creation_win_exploit_cve_2026_33829/7c3a5b1d-9e2f-4a8c-b5d7-1e0f3c6a9b2d.json');
  const e = ok(evtx(doc));
  assert.deepEqual(core(e), {
    '@timestamp': '2026-04-20T10:00:35.640Z',
    event: {
      kind: 'event',
      code: '1',
      provider: 'Microsoft-Windows-Sysmon',
      module: 'windows',
      dataset: 'windows.sysmon_operational',
      category: ['process'],
      type: ['start'],
      action: 'process-created',
      created: '2026-04-20T10:00:35.646Z',
    },
    host: { name: 'swachchhanda' },
    log: { level: 'information' },
    process: {
      executable: 'C:\\Program Files\\WindowsApps\\Microsoft.ScreenSketch_11.2601.12.0_arm64__8wekyb3d8bbwe\\SnippingTool\\SnippingTool.exe',
      name: 'SnippingTool.exe',
      pid: 6180,
      entity_id: '0197231E-F943-69E5-A527-000000000800',
      command_line:
        '"C:\\Program Files\\WindowsApps\\Microsoft.ScreenSketch_11.2601.12.0_arm64__8wekyb3d8bbwe\\SnippingTool\\SnippingTool.exe" ms-screensketch:edit?&filePath=%%5C%%5C172.16.137.159%%5Cshare',
      args: [
        'C:\\Program Files\\WindowsApps\\Microsoft.ScreenSketch_11.2601.12.0_arm64__8wekyb3d8bbwe\\SnippingTool\\SnippingTool.exe',
        'ms-screensketch:edit?&filePath=%%5C%%5C172.16.137.159%%5Cshare',
      ],
      args_count: 2,
      working_directory: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\147.0.3912.72\\',
      hash: { md5: 'ff9d1ed3795b9ad94f2390d5e5da5905', sha256: 'a80cb394d251f781dbd5ffb889d38fdd2095ade63110578ca62f62cf795b7538' },
      pe: { imphash: '3d4392a18bb23c56d311a2d64b6e5ba0' },
      parent: {
        executable: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
        name: 'msedge.exe',
        pid: 6428,
        entity_id: '0197231E-8126-69E4-8326-000000000800',
        command_line: '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --no-startup-window',
        args: ['C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', '--no-startup-window'],
        args_count: 2,
      },
    },
    user: { name: 'xodih', domain: 'swachchhanda', id: 'S-1-5-18' },
    related: {
      user: ['xodih'],
      hash: [
        'ff9d1ed3795b9ad94f2390d5e5da5905',
        'a80cb394d251f781dbd5ffb889d38fdd2095ade63110578ca62f62cf795b7538',
        '3d4392a18bb23c56d311a2d64b6e5ba0',
      ],
    },
  });
  const w = e['winlog'] as Rec;
  assert.equal(w['event_id'], '1');
  assert.equal(w['channel'], 'Microsoft-Windows-Sysmon/Operational');
  assert.equal(w['record_id'], '86918');
  assert.equal((w['event_data'] as Rec)['ProcessId'], '6180');
  assert.deepEqual(w['process'], { pid: 3208, thread: { id: 1724 } });
  assert.deepEqual(w['user'], { identifier: 'S-1-5-18' });
  assert.equal(w['opcode'], 'Info');
  assert.equal(w['task'], '1');
});

test('Sysmon 13 (evtx_dump): registry value set', { skip: regression === undefined }, () => {
  const [doc] = regressionDocs('rules/windows/registry/registry_set/registry_set_disable_system_restore/5de03871-5d46-4539-a82d-3aa992a69a83.json');
  const e = ok(evtx(doc));
  assert.deepEqual(core(e), {
    '@timestamp': '2026-03-11T05:55:53.547Z',
    event: {
      kind: 'event',
      code: '13',
      provider: 'Microsoft-Windows-Sysmon',
      module: 'windows',
      dataset: 'windows.sysmon_operational',
      category: ['configuration', 'registry'],
      type: ['change'],
      action: 'registry-value-set',
      created: '2026-03-11T05:55:53.550Z',
    },
    host: { name: 'swachchhanda' },
    log: { level: 'information' },
    process: { executable: 'C:\\WINDOWS\\system32\\reg.exe', name: 'reg.exe', pid: 9860, entity_id: '0197231E-03E9-69B1-BA1A-000000000800' },
    user: { name: 'xodih', domain: 'swachchhanda', id: 'S-1-5-18' },
    registry: {
      path: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\SystemRestore\\DisableConfig',
      hive: 'HKLM',
      key: 'SOFTWARE\\Policies\\Microsoft\\Windows NT\\SystemRestore',
      value: 'DisableConfig',
      data: { type: 'REG_DWORD', strings: ['0x00000001'] },
    },
    related: { user: ['xodih'] },
  });
});

test('Sysmon 11 (evtx_dump): file created', { skip: regression === undefined }, () => {
  const [doc] = regressionDocs('rules/windows/file/file_event/file_event_win_creation_system_dll_files/13c02350-4177-4e45-ac17-cf7ca628ff5e.json');
  const e = ok(evtx(doc));
  assert.equal(e['@timestamp'], '2025-10-24T23:41:00.589Z');
  assert.deepEqual(e['file'], { path: 'C:\\tdh.dll', name: 'tdh.dll', directory: 'C:', extension: 'dll' });
  assert.deepEqual(e['process'], {
    executable: 'C:\\Windows\\system32\\cmd.exe',
    name: 'cmd.exe',
    pid: 10048,
    entity_id: '5AA13A44-0C90-68FC-BF1D-000000004002',
  });
  assert.deepEqual(e['user'], { name: 'Administrator', domain: 'ATTACKRANGE', id: 'S-1-5-18' });
  const ev = e['event'] as Rec;
  assert.deepEqual([ev['category'], ev['type'], ev['action']], [['file'], ['creation'], 'file-created']);
  assert.equal((e['host'] as Rec)['name'], 'ar-win-dc.attackrange.local');
  assert.equal((e['winlog'] as Rec)['record_id'], '23503');
});

test('Security 4648 (evtx_dump): explicit credentials, hex pid, keywords, outcome', { skip: regression === undefined }, () => {
  const [doc] = regressionDocs('rules/windows/builtin/security/win_security_explicit_credential_local_logon/e3c6d245-7b8f-4e2a-c17f-a9d0e5b38f62.json');
  const e = ok(evtx(doc));
  assert.deepEqual(core(e), {
    '@timestamp': '2026-07-17T14:18:34.072Z',
    event: {
      kind: 'event',
      code: '4648',
      provider: 'Microsoft-Windows-Security-Auditing',
      module: 'system',
      dataset: 'system.security',
      outcome: 'success',
      category: ['authentication'],
      type: ['start'],
      action: 'logged-in-explicit',
    },
    host: { name: 'swachchhanda' },
    log: { level: 'information' },
    user: {
      name: 'xodih',
      domain: 'SWACHCHHANDA',
      id: 'S-1-5-21-2555720767-1205513275-3893774561-1001',
      effective: { name: 'testuser', domain: 'swachchhanda' },
    },
    process: { executable: 'C:\\Users\\xodih\\OneDrive\\Desktop\\LegacyHive.exe', name: 'LegacyHive.exe', pid: 888 },
    related: { user: ['xodih', 'testuser'] },
  });
  const w = { ...(e['winlog'] as Rec) };
  delete w['event_data'];
  assert.deepEqual(w, {
    channel: 'Security',
    event_id: '4648',
    provider_name: 'Microsoft-Windows-Security-Auditing',
    provider_guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}',
    computer_name: 'swachchhanda',
    record_id: '34382',
    time_created: '2026-07-17T14:18:34.072Z',
    task: '12544',
    opcode: 'Info',
    keywords: ['Audit Success'],
    level: 'information',
    version: 0,
    outcome: 'success',
    activity_id: '{c96b491c-1545-0001-6049-6bc94515dd01}',
    process: { pid: 876, thread: { id: 928 } },
    logon: { id: '0x85527' },
  });
});

test('Winlogbeat 4624: logon target user, source ip, logon type', () => {
  const { events } = fixture('winlogbeat-security-4624.json');
  const e = ok(beat(events[1]));
  assert.deepEqual(
    {
      ts: e['@timestamp'],
      event: core(e)['event'],
      user: e['user'],
      source: e['source'],
      process: e['process'],
      related: e['related'],
      logon: (e['winlog'] as Rec)['logon'],
    },
    {
      ts: '2019-03-29T21:10:40.380Z',
      event: {
        kind: 'event',
        code: '4624',
        provider: 'Microsoft-Windows-Security-Auditing',
        module: 'system',
        dataset: 'system.security',
        outcome: 'success',
        category: ['authentication'],
        type: ['start'],
        action: 'logged-in',
      },
      user: { name: 'vagrant', domain: 'VAGRANT-2012-R2', id: 'S-1-5-21-3541430928-2051711210-1391384369-1001' },
      source: { ip: '89.160.20.156', port: 0, domain: 'VAGRANT-2012-R2' },
      process: { executable: 'C:\\Windows\\System32\\winlogon.exe', name: 'winlogon.exe', pid: 448 },
      related: { user: ['vagrant', 'VAGRANT-2012-R2$'], ip: ['89.160.20.156'] },
      logon: { type: 'Interactive', id: '0x1008e' },
    },
  );
});

test('Winlogbeat 4688: process from NewProcessName, parent from ParentProcessName and creator pid', () => {
  const { events } = fixture('winlogbeat-security-4688.json');
  const e = ok(beat(events[0]));
  assert.deepEqual(e['process'], {
    executable: 'C:\\Windows\\System32\\wevtutil.exe',
    name: 'wevtutil.exe',
    pid: 4556,
    command_line: '"C:\\Windows\\system32\\wevtutil.exe" cl Security',
    args: ['C:\\Windows\\system32\\wevtutil.exe', 'cl', 'Security'],
    args_count: 3,
    parent: { executable: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', name: 'powershell.exe', pid: 4652 },
  });
  assert.deepEqual(e['user'], {
    name: 'vagrant',
    domain: 'VAGRANT',
    id: 'S-1-5-21-1610636575-2290000098-1654242922-1000',
    effective: { id: 'S-1-0-0' },
  });
  // The original EventData stays, including the fields that became process.*.
  assert.equal(((e['winlog'] as Rec)['event_data'] as Rec)['NewProcessName'], 'C:\\Windows\\System32\\wevtutil.exe');
  assert.equal((e['host'] as Rec)['name'], 'vagrant');
});

test('Winlogbeat PowerShell 4104: script block', () => {
  const { events } = fixture('winlogbeat-powershell-4104.json');
  const e = ok(beat(events[0]));
  const c = core(e);
  assert.deepEqual(c['event'], {
    kind: 'event',
    code: '4104',
    provider: 'Microsoft-Windows-PowerShell',
    module: 'windows',
    dataset: 'windows.powershell_operational',
    category: ['process'],
    type: ['info'],
    action: 'execute-remote-command',
  });
  const ps = e['powershell'] as { file: Rec; sequence: number; total: number };
  assert.equal(ps.file['script_block_id'], 'd5325f44-dfca-48a1-aa4f-9bfee88c3d48');
  assert.ok((ps.file['script_block_text'] as string).startsWith('$DumpFilePath = $PWD\n'));
  assert.deepEqual([ps.sequence, ps.total], [1, 1]);
  assert.equal(e['@timestamp'], '2024-07-10T18:28:55.469Z', 'no time_created: the shipper @timestamp is used');
  assert.deepEqual(e['user'], { id: 'S-1-5-21-3715621034-4113696668-281506975-1117' });
  assert.equal((e['host'] as Rec)['name'], 'kingslanding');
  assert.equal((e['winlog'] as Rec)['computer_name'], 'kingslanding.sevenkingdoms.local');
  assert.equal((e['log'] as Rec)['level'], 'verbose');
});

test('Winlogbeat Sysmon 22: DNS answers, resolved ips, related hosts', () => {
  const { events } = fixture('winlogbeat-sysmon.json');
  const e = ok(beat(events[0]));
  assert.deepEqual(e['dns'], {
    question: { name: 'go.microsoft.com' },
    response_code: 'NOERROR',
    answers: [
      { data: 'go.microsoft.com.edgekey.net', type: 'CNAME' },
      { data: 'e11290.dspg.akamaiedge.net', type: 'CNAME' },
      { data: '89.160.20.156', type: 'A' },
    ],
    resolved_ip: ['89.160.20.156'],
  });
  assert.deepEqual(e['related'], {
    ip: ['89.160.20.156'],
    hosts: ['go.microsoft.com.edgekey.net', 'e11290.dspg.akamaiedge.net', 'go.microsoft.com'],
  });
  assert.equal(e['@timestamp'], '2019-07-18T03:34:01.239Z');
});

/** Leaf paths of a nested object; arrays are leaves. */
function leaves(o: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (o !== null && typeof o === 'object' && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) leaves(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else {
    out.set(prefix, o);
  }
  return out;
}
const COMPARED = [
  '@timestamp',
  'event.category',
  'event.type',
  'event.action',
  'event.outcome',
  'user.name',
  'host.name',
  'source.ip',
  'file.path',
  'file.name',
  'file.directory',
  'file.extension',
];

test('Winlogbeat samples agree with Elastic expected output on shared fields', () => {
  let compared = 0;
  const disagreements: string[] = [];
  for (const name of ['winlogbeat-security-4624.json', 'winlogbeat-security-4688.json', 'winlogbeat-security-5145.json', 'winlogbeat-sysmon.json']) {
    const { events, expected } = fixture(name);
    assert.ok(expected !== undefined && expected.length === events.length, name);
    events.forEach((input, i) => {
      const mine = leaves(ok(beat(input)));
      for (const [path, want] of leaves(expected[i])) {
        if (!COMPARED.includes(path) && !path.startsWith('process.')) continue;
        compared++;
        if (!mine.has(path) || JSON.stringify(mine.get(path)) !== JSON.stringify(want)) disagreements.push(`${name}#${i} ${path}`);
      }
    });
  }
  console.log(`winlogbeat vs Elastic expected: ${compared - disagreements.length}/${compared} fields agree`);
  assert.equal(compared, 68);
  // Elastic splits the command line on whitespace and keeps the quotes; Weft splits like
  // CommandLineToArgvW (quotes group and are removed), so paths with spaces stay one argument.
  assert.deepEqual(disagreements, ['winlogbeat-security-4688.json#0 process.args']);
});

test('the same event normalizes alike from evtx_dump and Winlogbeat shapes', () => {
  const { events } = fixture('winlogbeat-security-4688.json');
  const w = events[0]?.['winlog'] as Rec;
  const asEvtx = {
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing', Guid: '54849625-5478-4994-A5BA-3E3B0328C30D' } },
        EventID: 4688,
        Version: 2,
        Level: 0,
        Task: 13312,
        Opcode: 0,
        Keywords: '0x8020000000000000',
        TimeCreated: { '#attributes': { SystemTime: '2019-11-14T17:10:15.151Z' } },
        EventRecordID: 5010,
        Execution: { '#attributes': { ProcessID: 4, ThreadID: 5076 } },
        Channel: 'Security',
        Computer: 'vagrant',
      },
      EventData: w['event_data'],
    },
  };
  const ea = ok(evtx(asEvtx));
  const eb = ok(beat(events[0]));
  const a = leaves(core(ea));
  const b = leaves(core(eb));
  // Every ECS field Weft derives is the same; the Winlogbeat record keeps its shipper fields too.
  const differing = [...a.keys()].filter((k) => JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k)));
  assert.deepEqual(differing, []);
  assert.ok(a.size > 25);
  assert.deepEqual(b.get('agent.name'), 'Lees-MBP.localdomain');
  assert.deepEqual((ea['winlog'] as Rec)['event_data'], (eb['winlog'] as Rec)['event_data']);
});

test('EventData shapes: Data arrays, unnamed data, UserData, EventID with Qualifiers, typed values', () => {
  const system = (id: unknown, channel: string, provider: string): Rec => ({
    Provider: { '#attributes': { Name: provider } },
    EventID: id,
    TimeCreated: { '#attributes': { SystemTime: '2024-05-01T10:00:00.1234567Z' } },
    Channel: channel,
    Computer: 'host1',
  });
  const named = ok(
    evtx({
      Event: {
        System: system({ '#attributes': { Qualifiers: 16384 }, '#text': 7045 }, 'System', 'Service Control Manager'),
        EventData: {
          Data: [
            { '#attributes': { Name: 'ServiceName' }, '#text': 'evil' },
            { '#attributes': { Name: 'ImagePath' }, '#text': 'C:\\evil.exe' },
            { '#attributes': { Name: 'ServiceType' }, '#text': 'user mode service' },
            { '#attributes': { Name: 'AccountName' }, '#text': 'LocalSystem' },
            { '#attributes': { Name: 'Empty' } },
          ],
        },
      },
    }),
  );
  assert.equal(named['@timestamp'], '2024-05-01T10:00:00.123Z');
  assert.deepEqual((named['winlog'] as Rec)['event_data'], {
    ServiceName: 'evil',
    ImagePath: 'C:\\evil.exe',
    ServiceType: 'user mode service',
    AccountName: 'LocalSystem',
    Empty: '',
  });
  assert.deepEqual(named['service'], { name: 'evil', type: 'user mode service' });
  assert.equal((named['event'] as Rec)['action'], 'service-installed');
  assert.equal((named['winlog'] as Rec)['event_id'], '7045');

  const classic = ok(
    evtx({
      Event: {
        System: system(400, 'Windows PowerShell', 'PowerShell'),
        EventData: { Data: { '#text': ['Available', 'None', '\tNewEngineState=Available\n\tHostApplication=powershell.exe -enc AAAA\n'] }, Binary: null },
      },
    }),
  );
  const cdata = (classic['winlog'] as Rec)['event_data'] as Rec;
  assert.deepEqual(Object.keys(cdata), ['param1', 'param2', 'param3', 'Binary']);
  assert.equal(cdata['param1'], 'Available');
  assert.equal(cdata['Binary'], '');
  assert.equal((classic['process'] as Rec)['command_line'], 'powershell.exe -enc AAAA');

  const cleared = ok(
    evtx({
      Event: {
        System: system(1102, 'Security', 'Microsoft-Windows-Eventlog'),
        UserData: { LogFileCleared: { '#attributes': { xmlns: 'x' }, SubjectUserSid: 'S-1-5-21-1', SubjectUserName: 'admin', SubjectDomainName: 'CORP', SubjectLogonId: '0x1' } },
      },
    }),
  );
  const cw = cleared['winlog'] as Rec;
  assert.deepEqual(cw['event_data'], {});
  assert.deepEqual(cw['user_data'], { SubjectUserSid: 'S-1-5-21-1', SubjectUserName: 'admin', SubjectDomainName: 'CORP', SubjectLogonId: '0x1' });
  assert.equal(cw['user_data_name'], 'LogFileCleared');
  assert.deepEqual(cleared['user'], { name: 'admin', domain: 'CORP', id: 'S-1-5-21-1' });
  assert.equal((cleared['event'] as Rec)['action'], 'audit-log-cleared');

  const typed = ok(evtx({ Event: { System: system(3, 'Microsoft-Windows-Sysmon/Operational', 'Microsoft-Windows-Sysmon'), EventData: { SourcePort: 51000, Initiated: true, DestinationIp: '::ffff:10.1.2.3', Protocol: 'tcp', SourceIp: '10.0.0.5' } } }));
  assert.deepEqual((typed['winlog'] as Rec)['event_data'], { SourcePort: '51000', Initiated: 'true', DestinationIp: '::ffff:10.1.2.3', Protocol: 'tcp', SourceIp: '10.0.0.5' });
  assert.deepEqual(typed['destination'], { ip: '10.1.2.3' });
  assert.deepEqual(typed['source'], { ip: '10.0.0.5', port: 51000 });
  assert.deepEqual(typed['network'], { transport: 'tcp', direction: 'egress' });
  assert.deepEqual((typed['related'] as Rec)['ip'], ['10.0.0.5', '10.1.2.3']);

  // Scalars render as text whatever the key (a __proto__ member stays an own data property), and the
  // caller's object is never modified.
  const mixedData = JSON.parse('{"a":"x","__proto__":7,"n":null,"b":false,"9":1}') as Rec;
  const mixed = ok(evtx({ Event: { System: system(1116, 'Microsoft-Windows-Windows Defender/Operational', 'Defender'), EventData: mixedData } }));
  const md = (mixed['winlog'] as Rec)['event_data'] as Rec;
  assert.deepEqual(Object.keys(md), ['9', 'a', '__proto__', 'n', 'b']);
  assert.equal(Object.getOwnPropertyDescriptor(md, '__proto__')?.value, '7');
  assert.equal(Object.getPrototypeOf(md), Object.prototype);
  assert.deepEqual([md['9'], md['a'], md['n'], md['b']], ['1', 'x', '', 'false']);
  assert.equal(JSON.stringify(mixedData), '{"9":1,"a":"x","__proto__":7,"n":null,"b":false}');

  const other = ok(evtx({ Event: { System: system(1116, 'Microsoft-Windows-Windows Defender/Operational', 'Microsoft-Windows-Windows Defender'), EventData: { 'Threat Name': 'EICAR' } } }));
  assert.deepEqual(core(other)['event'], {
    kind: 'event',
    code: '1116',
    provider: 'Microsoft-Windows-Windows Defender',
    module: 'windows',
    dataset: 'windows.forwarded',
  });
  assert.equal(((other['winlog'] as Rec)['event_data'] as Rec)['Threat Name'], 'EICAR');
});

test('bad records are rejected with a reason naming what is wrong', () => {
  const sys = { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', TimeCreated: { '#attributes': { SystemTime: '2024-01-01T00:00:00Z' } } };
  const cases: [string, MapResult, string][] = [
    ['no Event', evtx({ foo: 1 }), 'normalize.windows.not_windows'],
    ['Event is a string', evtx({ Event: 'x' }), 'normalize.windows.not_windows'],
    ['no System', evtx({ Event: { EventData: {} } }), 'normalize.windows.missing_system'],
    ['EventID text', evtx({ Event: { System: { ...sys, EventID: 'abc' } } }), 'normalize.windows.bad_event_id'],
    ['EventID too large', evtx({ Event: { System: { ...sys, EventID: 70000 } } }), 'normalize.windows.bad_event_id'],
    ['EventID negative', evtx({ Event: { System: { ...sys, EventID: -1 } } }), 'normalize.windows.bad_event_id'],
    ['truncated: no EventID', evtx({ Event: { System: { Channel: 'Security' } } }), 'normalize.windows.bad_event_id'],
    ['no Channel', evtx({ Event: { System: { ...sys, Channel: '' } } }), 'normalize.windows.missing_channel'],
    ['bad time', evtx({ Event: { System: { ...sys, TimeCreated: { '#attributes': { SystemTime: 'yesterday' } } } } }), 'normalize.windows.bad_timestamp'],
    ['impossible date', evtx({ Event: { System: { ...sys, TimeCreated: { '#attributes': { SystemTime: '2024-13-45T99:00:00Z' } } } } }), 'normalize.windows.bad_timestamp'],
    ['EventData number', evtx({ Event: { System: sys, EventData: 42 } }), 'normalize.windows.bad_event_data'],
    ['EventData array', evtx({ Event: { System: sys, EventData: ['a', 'b'] } }), 'normalize.windows.bad_event_data'],
    ['UserData text', evtx({ Event: { System: sys, UserData: 'x' } }), 'normalize.windows.bad_user_data'],
    ['winlog missing', beat({ event: {} }), 'normalize.windows.not_windows'],
    ['winlog event_id object', beat({ winlog: { event_id: {}, channel: 'Security', time_created: '2024-01-01T00:00:00Z' } }), 'normalize.windows.bad_event_id'],
    ['winlog no channel', beat({ winlog: { event_id: 4624, time_created: '2024-01-01T00:00:00Z' } }), 'normalize.windows.missing_channel'],
    ['winlog no time', beat({ winlog: { event_id: 4624, channel: 'Security' } }), 'normalize.windows.bad_timestamp'],
    ['winlog event_data array', beat({ winlog: { event_id: 4624, channel: 'Security', time_created: '2024-01-01T00:00:00Z', event_data: ['a'] } }), 'normalize.windows.bad_event_data'],
  ];
  for (const [what, r, reason] of cases) {
    assert.equal(r.ok, false, what);
    if (!r.ok) {
      assert.equal(r.reason, reason, what);
      assert.ok(r.message.length > 10, what);
    }
  }
});

test('hostile values: prototype keys stay data, huge values are kept, "-" placeholders set nothing', () => {
  const big = 'A'.repeat(1_000_000);
  const fields = JSON.parse(
    `{"Event":{"System":{"EventID":4688,"Channel":"Security","TimeCreated":{"#attributes":{"SystemTime":"2024-01-01T00:00:00Z"}}},` +
      `"EventData":{"__proto__":"polluted","constructor":"c","NewProcessName":"-","CommandLine":"${big}","SubjectUserName":"-","NewProcessId":"0xZZ"}}}`,
  ) as Rec;
  const e = ok(evtx(fields));
  const data = (e['winlog'] as Rec)['event_data'] as Rec;
  assert.equal(Object.getOwnPropertyDescriptor(data, '__proto__')?.value, 'polluted');
  assert.equal(Object.getPrototypeOf(data), Object.prototype);
  assert.equal(data['constructor'], 'c');
  assert.equal(({} as Rec)['polluted'], undefined);
  const p = e['process'] as Rec;
  assert.equal(p['executable'], undefined);
  assert.equal(p['pid'], undefined, 'a malformed hex pid is left out, not guessed');
  assert.equal((p['command_line'] as string).length, 1_000_000);
  assert.equal(e['user'], undefined);
});

test('detection picks the right mapper for each shape', () => {
  const evtxShape: Decoded = { format: 'json', fields: { Event: { System: {} } } };
  const beatShape: Decoded = { format: 'json', fields: { winlog: { channel: 'Security', event_id: 4624 } } };
  const neither: Decoded = { format: 'json', fields: { message: 'hello', winlog: 'x' } };
  assert.deepEqual(windowsMappers.map((m) => m.detect(evtxShape)), [true, false]);
  assert.deepEqual(windowsMappers.map((m) => m.detect(beatShape)), [false, true]);
  assert.deepEqual(windowsMappers.map((m) => m.detect(neither)), [false, false]);
  assert.equal(evtxJsonMapper.detect({ format: 'evtx-json', fields: {} }), true);
  assert.equal(winlogbeatJsonMapper.detect({ format: 'winlogbeat-json', fields: {} }), true);
});

test('already-processed Winlogbeat documents keep the ECS fields their shipper derived', () => {
  const docs = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'windows', 'winlogbeat-sysmon-processed.json'), 'utf8')) as Rec[];
  const p1 = ok(beat(docs[0]));
  // winlog.event_data no longer holds Image/CommandLine: process.* comes from the shipper.
  assert.equal(((p1['winlog'] as Rec)['event_data'] as Rec)['Image'], undefined);
  assert.equal((p1['process'] as Rec)['executable'], 'C:\\Windows\\Sysmon.exe');
  assert.equal(((p1['process'] as Rec)['parent'] as Rec)['executable'], 'C:\\Windows\\System32\\services.exe');
  assert.deepEqual((p1['event'] as Rec)['type'], ['start']);
  assert.equal((p1['event'] as Rec)['code'], '1');
  assert.equal(p1['@timestamp'], '2019-03-18T16:57:37.949Z');
  const p3 = ok(beat(docs[1]));
  assert.deepEqual(p3['destination'], { ip: '10.0.2.3', port: 53 });
  assert.deepEqual((p3['event'] as Rec)['category'], ['network']);
  assert.equal((p3['winlog'] as Rec)['event_id'], '3');
  assert.equal(p3['@timestamp'], '2019-03-18T16:57:48.070Z');
});

test('objects JSON never produces (cycles, throwing getters) give a failure, not an exception', () => {
  const cyclic: Rec = { Event: { System: { EventID: 1, Channel: 'X', TimeCreated: { '#attributes': { SystemTime: '2024-01-01T00:00:00Z' } } }, EventData: {} } };
  ((cyclic['Event'] as Rec)['EventData'] as Rec)['Self'] = { inner: cyclic };
  const r = evtx(cyclic);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.reason, 'normalize.windows.unmappable');
  const hostile = { get winlog(): unknown {
    throw new Error('boom');
  } };
  const b = beat(hostile);
  assert.equal(b.ok, false);
  if (!b.ok) assert.match(b.message, /boom/);
});
