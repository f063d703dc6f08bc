import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { requireSharedData, repoRoot, sharedData } from '../../../test/support/shared-data.js';
import { parseJsonDocuments } from '../../../test/support/json-documents.js';
import { evtxJsonMapper, winlogbeatJsonMapper } from '../../normalize/windows/index.js';
import type { SigmaLogsource } from '../types.js';
import { UNCONDITIONED_KEY, bundledPipelineDir, bundledPipelineFiles, loadPipelines, parsePipeline, resolveLogsource, type Pipeline } from './index.js';

type Rec = Record<string, unknown>;
const ctx = { sourceId: 'test', receivedAt: new Date('2026-01-01T00:00:00Z'), timezone: 'UTC' };

function bundled(): Pipeline[] {
  const { pipelines, errors } = loadPipelines(bundledPipelineFiles());
  assert.deepEqual(errors, []);
  return pipelines;
}

function normalizedBeat(fixtureFile: string, index: number, key = 'events'): Rec {
  const raw = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'windows', fixtureFile), 'utf8')) as Rec | Rec[];
  const doc = Array.isArray(raw) ? raw[index] : (raw[key] as Rec[])[index];
  const r = winlogbeatJsonMapper.map({ format: 'winlogbeat-json', fields: doc as Rec }, ctx);
  if (!r.ok) assert.fail(r.message);
  return r.event as Rec;
}

function normalizedEvtx(rel: string): Rec {
  const [doc] = parseJsonDocuments(readFileSync(sharedData('sigma', 'regression_data', rel), 'utf8')) as Rec[];
  const r = evtxJsonMapper.map({ format: 'evtx-json', fields: doc as Rec }, ctx);
  if (!r.ok) assert.fail(r.message);
  return r.event as Rec;
}

function writeTemp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-pipeline-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

test('the bundled pipelines load without errors', () => {
  assert.equal(basename(bundledPipelineDir()), 'pipelines');
  const pipelines = bundled();
  assert.deepEqual(
    pipelines.map((p) => [p.name, p.priority]),
    [['products', 50], ['windows', 10]],
  );
  const win = pipelines.find((p) => p.name === 'windows') as Pipeline;
  assert.deepEqual(win.unmapped, ['winlog.event_data.{field}', 'winlog.user_data.{field}', '{field}']);
  assert.deepEqual(win.fields['EventID'], ['winlog.event_id', 'event.code']);
  // Aliases resolve: image_load reuses driver_load's field block.
  const imageLoad = win.logsources.find((l) => l.match.category === 'image_load');
  assert.deepEqual(imageLoad?.fields['ImageLoaded'], ['winlog.event_data.ImageLoaded', 'file.path']);
  assert.deepEqual(imageLoad?.conditions, [{ 'winlog.channel': ['Microsoft-Windows-Sysmon/Operational'], 'winlog.event_id': [7] }]);
});

test('every Windows logsource used by the SigmaHQ rules gets a condition', { skip: requireSharedData('sigma', 'rules') === undefined }, () => {
  const pipelines = bundled();
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.yml')) files.push(p);
    }
  };
  for (const d of ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder']) walk(sharedData('sigma', d));
  let windowsRules = 0;
  const unconditioned: string[] = [];
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
      const ls = (doc.toJS() as { logsource?: SigmaLogsource } | null)?.logsource;
      if (ls === undefined || String(ls.product).toLowerCase() !== 'windows') continue;
      windowsRules++;
      const r = resolveLogsource(pipelines, ls);
      if (r.condition === null) unconditioned.push(`${JSON.stringify(ls)} ${f}`);
      else assert.notEqual(r.key, UNCONDITIONED_KEY);
    }
  }
  console.log(`windows rules: ${windowsRules}, with a logsource condition: ${windowsRules - unconditioned.length}`);
  assert.ok(windowsRules > 2500, `found ${windowsRules}`);
  // One rule names only `product: windows`; pySigma adds no condition for it either.
  assert.equal(unconditioned.length, 1, unconditioned.join('\n'));
  assert.match(unconditioned[0] as string, /^\{"product":"windows"\} /);
});

test('logsource matching: case-insensitive, specific entries, keys shared by equal conditions', () => {
  const pipelines = bundled();
  const pc = resolveLogsource(pipelines, { product: 'Windows', category: 'Process_Creation' });
  assert.equal(pc.key, 'windows#0');
  assert.notEqual(pc.condition, null);
  assert.equal(resolveLogsource(pipelines, { product: 'windows', category: 'process_creation' }).key, 'windows#0');
  const sec = resolveLogsource(pipelines, { product: 'windows', service: 'security' });
  assert.notEqual(sec.key, pc.key);
  assert.equal(sec.key, resolveLogsource(pipelines, { product: 'windows', service: 'security', definition: 'x' }).key);
  // A category this pipeline does not know: no condition, but the Windows field names still apply.
  const unknown = resolveLogsource(pipelines, { product: 'windows', category: 'no_such_category' });
  assert.equal(unknown.key, UNCONDITIONED_KEY);
  assert.equal(unknown.condition, null);
  assert.deepEqual(unknown.resolver.resolve('EventID').paths, ['winlog.event_id', 'event.code']);
  assert.deepEqual(unknown.resolver.resolve('Foo').paths, ['winlog.event_data.Foo', 'winlog.user_data.Foo', 'Foo']);
  // Category without product does not match entries that require the product.
  assert.equal(resolveLogsource(pipelines, { category: 'process_creation' }).condition, null);
});

test('a logsource no pipeline maps adds no condition and reads fields as plain paths', () => {
  const r = resolveLogsource(bundled(), { product: 'myapp', service: 'audit' });
  assert.equal(r.key, UNCONDITIONED_KEY);
  assert.equal(r.condition, null);
  const f = r.resolver.resolve('user.name');
  assert.deepEqual(f.paths, ['user.name']);
  assert.equal(f.accessor({ user: { name: 'alice' } }), 'alice');
  assert.equal(f.accessor({ 'user.name': 'bob' }), 'bob');
  assert.equal(f.accessor({}), undefined);
  assert.equal(r.resolver.resolve('user.name'), f, 'resolutions are cached per field');
  assert.deepEqual(resolveLogsource([], { product: 'windows', category: 'process_creation' }).resolver.resolve('Image').paths, ['Image']);
});

test('conditions on real normalized events', { skip: requireSharedData('sigma', 'regression_data') === undefined }, () => {
  const pipelines = bundled();
  const cond = (ls: SigmaLogsource): ((e: unknown) => boolean) => {
    const c = resolveLogsource(pipelines, ls).condition;
    assert.ok(c !== null, JSON.stringify(ls));
    return c;
  };
  const processCreation = cond({ product: 'windows', category: 'process_creation' });
  const network = cond({ product: 'windows', category: 'network_connection' });
  const registrySet = cond({ product: 'windows', category: 'registry_set' });
  const registryEvent = cond({ product: 'windows', category: 'registry_event' });
  const registryAdd = cond({ product: 'windows', category: 'registry_add' });
  const psScript = cond({ product: 'windows', category: 'ps_script' });
  const psModule = cond({ product: 'windows', category: 'ps_module' });
  const security = cond({ product: 'windows', service: 'security' });
  const sysmon = cond({ product: 'windows', service: 'sysmon' });
  const dnsQuery = cond({ product: 'windows', category: 'dns_query' });

  const sysmon1 = normalizedEvtx('rules-emerging-threats/2026/Exploits/CVE-2026-33829/proc_creation_win_exploit_cve_2026_33829/7c3a5b1d-9e2f-4a8c-b5d7-1e0f3c6a9b2d.json');
  const sysmon13 = normalizedEvtx('rules/windows/registry/registry_set/registry_set_disable_system_restore/5de03871-5d46-4539-a82d-3aa992a69a83.json');
  const sec4688 = normalizedBeat('winlogbeat-security-4688.json', 0);
  const sec4624 = normalizedBeat('winlogbeat-security-4624.json', 1);
  const sysmon3 = normalizedBeat('winlogbeat-sysmon-processed.json', 1);
  const sysmon22 = normalizedBeat('winlogbeat-sysmon.json', 0);
  const ps4104 = normalizedBeat('winlogbeat-powershell-4104.json', 0);

  const table: [string, Rec, boolean[]][] = [
    //                 pc     net    regSet regEvt regAdd psScr  psMod  sec    sysmon dns
    ['sysmon 1', sysmon1, [true, false, false, false, false, false, false, false, true, false]],
    ['security 4688', sec4688, [true, false, false, false, false, false, false, true, false, false]],
    ['sysmon 3', sysmon3, [false, true, false, false, false, false, false, false, true, false]],
    ['sysmon 13', sysmon13, [false, false, true, true, false, false, false, false, true, false]],
    ['sysmon 22', sysmon22, [false, false, false, false, false, false, false, false, true, true]],
    ['powershell 4104', ps4104, [false, false, false, false, false, true, false, false, false, false]],
    ['security 4624', sec4624, [false, false, false, false, false, false, false, true, false, false]],
  ];
  const preds = [processCreation, network, registrySet, registryEvent, registryAdd, psScript, psModule, security, sysmon, dnsQuery];
  for (const [name, event, want] of table) {
    assert.deepEqual(
      preds.map((p) => p(event)),
      want,
      name,
    );
  }
  assert.equal(processCreation(null), false);
  assert.equal(processCreation('text'), false);
  assert.equal(processCreation({ winlog: { channel: ['Security'], event_id: 4688 } }), true, 'arrays and numbers match');
  assert.equal(processCreation({ 'winlog.channel': 'security', 'winlog.event_id': '4688' }), true, 'flattened keys, any case');
  assert.equal(processCreation({ winlog: { channel: { name: 'Security' }, event_id: 4688 } }), false, 'objects never match');
});

test('field resolution: pipeline candidates, first present wins, unmapped fallbacks', { skip: requireSharedData('sigma', 'regression_data') === undefined }, () => {
  const pipelines = bundled();
  const pc = resolveLogsource(pipelines, { product: 'windows', category: 'process_creation' }).resolver;
  const image = pc.resolve('Image');
  assert.deepEqual(image.paths, ['winlog.event_data.Image', 'winlog.event_data.NewProcessName', 'process.executable']);

  const sysmon1 = normalizedEvtx('rules-emerging-threats/2026/Exploits/CVE-2026-33829/proc_creation_win_exploit_cve_2026_33829/7c3a5b1d-9e2f-4a8c-b5d7-1e0f3c6a9b2d.json');
  const sec4688 = normalizedBeat('winlogbeat-security-4688.json', 0);
  const processed1 = normalizedBeat('winlogbeat-sysmon-processed.json', 0);
  assert.equal(image.accessor(sysmon1), 'C:\\Program Files\\WindowsApps\\Microsoft.ScreenSketch_11.2601.12.0_arm64__8wekyb3d8bbwe\\SnippingTool\\SnippingTool.exe');
  assert.equal(image.accessor(sec4688), 'C:\\Windows\\System32\\wevtutil.exe');
  assert.equal(image.accessor(processed1), 'C:\\Windows\\Sysmon.exe', 'falls back to the ECS field when EventData lost Image');
  assert.equal(pc.resolve('ParentImage').accessor(sec4688), 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  assert.equal(pc.resolve('ProcessId').accessor(sec4688), '0x11cc', '4688: the new process, not the creator');
  assert.equal(pc.resolve('ProcessId').accessor(sysmon1), '6180');
  assert.equal(pc.resolve('ParentProcessId').accessor(sec4688), 4652);
  assert.equal(pc.resolve('CommandLine').accessor(processed1), 'C:\\Windows\\Sysmon.exe');
  assert.equal(pc.resolve('EventID').accessor(sysmon1), '1');
  assert.equal(pc.resolve('Computer').accessor(sec4688), 'vagrant');
  // Not mapped by the pipeline: the original EventData name.
  assert.deepEqual(pc.resolve('IntegrityLevel').paths, ['winlog.event_data.IntegrityLevel', 'winlog.user_data.IntegrityLevel', 'IntegrityLevel']);
  assert.equal(pc.resolve('IntegrityLevel').accessor(sysmon1), 'Medium');
  assert.equal(pc.resolve('TokenElevationType').accessor(sec4688), '%%1937');
  // ... then the name itself as a path.
  assert.equal(pc.resolve('host.name').accessor(sec4688), 'vagrant');
  assert.equal(pc.resolve('NoSuchField').accessor(sysmon1), undefined);
  // UserData fields (1102 LogFileCleared) are reachable too.
  const sec = resolveLogsource(pipelines, { product: 'windows', service: 'security' }).resolver;
  assert.equal(sec.resolve('SubjectUserName').accessor({ winlog: { event_data: {}, user_data: { SubjectUserName: 'admin' } } }), 'admin');
  // A field name that would make an invalid path keeps only the valid candidates.
  assert.deepEqual(sec.resolve('.').paths, []);
  assert.equal(sec.resolve('.').accessor(sysmon1), undefined);
});

test('pipelines apply in priority order: conditions and fields from the first that has them', () => {
  const custom = parsePipeline(
    [
      'name: site',
      'priority: 5',
      'logsources:',
      '  - match: {product: windows, category: process_creation}',
      '    fields:',
      '      Image: custom.image',
      '  - match: {product: windows, service: security}',
      '    conditions: [{winlog.channel: ForwardedEvents}]',
      'fields:',
      '  EventID: custom.event_id',
    ].join('\n'),
    'site.yml',
  );
  assert.deepEqual(custom.errors, []);
  const pipelines = [...bundled(), custom.pipeline as Pipeline];
  const pc = resolveLogsource(pipelines, { product: 'windows', category: 'process_creation' });
  assert.equal(pc.key, 'windows#0', 'the site pipeline adds no condition here, windows does');
  assert.deepEqual(pc.resolver.resolve('Image').paths, ['custom.image']);
  assert.deepEqual(pc.resolver.resolve('EventID').paths, ['custom.event_id']);
  assert.deepEqual(pc.resolver.resolve('CommandLine').paths, ['winlog.event_data.CommandLine', 'process.command_line']);
  assert.deepEqual(pc.resolver.resolve('Other').paths, ['Other'], 'unmapped templates of the first matched pipeline (site: default)');
  const sec = resolveLogsource(pipelines, { product: 'windows', service: 'security' });
  assert.equal(sec.key, 'site#1');
  assert.equal(sec.condition?.({ winlog: { channel: 'ForwardedEvents' } }), true);
  assert.equal(sec.condition?.({ winlog: { channel: 'Security' } }), false);
});

test('validation errors name the file, line and key', () => {
  const cases: [string, string, RegExp, number | undefined][] = [
    ['unknown top-level key', 'name: x\nlogsource: []\n', /^logsource: unknown key 'logsource' \(allowed: name, description, priority, logsources, fields, unmapped\)$/, 2],
    ['missing name', 'logsources: []\n', /^pipeline: missing required key 'name'$/, 1],
    ['name not text', 'name: [a]\n', /^name: must be non-empty text, found a list$/, 1],
    ['priority not integer', 'name: x\npriority: high\n', /^priority: must be an integer, found string "high"$/, 2],
    ['logsources not a list', 'name: x\nlogsources: {a: 1}\n', /^logsources: must be a list of logsource entries, found a map$/, 2],
    [
      'unknown match key',
      'name: x\nlogsources:\n  - match: {prodcut: windows}\n',
      /^logsources\[0\]\.match\.prodcut: unknown logsource key 'prodcut' \(allowed: product, category, service\)$/,
      3,
    ],
    ['entry without match', 'name: x\nlogsources:\n  - fields: {A: b}\n', /^logsources\[0\]: missing required key 'match'$/, 3],
    ['unknown entry key', 'name: x\nlogsources:\n  - match: {product: w}\n    condition: []\n', /^logsources\[0\]\.condition: unknown key 'condition' \(allowed: match, conditions, fields\)$/, 4],
    ['conditions not a list', 'name: x\nlogsources:\n  - match: {product: w}\n    conditions: {a: 1}\n', /^logsources\[0\]\.conditions: must be a non-empty list of maps/, 4],
    ['empty conditions', 'name: x\nlogsources:\n  - match: {product: w}\n    conditions: []\n', /^logsources\[0\]\.conditions: must be a non-empty list/, 4],
    [
      'condition value a map',
      'name: x\nlogsources:\n  - match: {product: w}\n    conditions:\n      - {winlog.channel: {a: 1}}\n',
      /^logsources\[0\]\.conditions\[0\]\.winlog\.channel: values must be text, numbers or booleans, found a map$/,
      5,
    ],
    ['condition item not a map', 'name: x\nlogsources:\n  - match: {product: w}\n    conditions: [abc]\n', /^logsources\[0\]\.conditions\[0\]: must be a non-empty map/, 4],
    ['field value a number', 'name: x\nfields:\n  Image: 5\n', /^fields\.Image: must be non-empty text, found number 5$/, 3],
    ['field list empty', 'name: x\nfields:\n  Image: []\n', /^fields\.Image: needs at least one path$/, 3],
    ['unmapped not a list', 'name: x\nunmapped: abc\n', /^unmapped: must be a non-empty list of path templates/, 2],
    ['document is a list', '- a\n- b\n', /^pipeline: the document must be a map/, 1],
    ['duplicate key', 'name: x\nname: y\n', /^yaml: Map keys must be unique/, 2],
    ['malformed yaml', 'name: x\nlogsources: [\n', /^yaml: /, undefined],
    ['two documents', 'name: x\n---\nname: y\n', /^pipeline: one pipeline per file, found several YAML documents$/, 2],
  ];
  for (const [what, text, message, line] of cases) {
    const file = writeTemp('p.yml', text);
    const { pipelines, errors } = loadPipelines([file]);
    assert.deepEqual(pipelines, [], what);
    assert.ok(errors.length >= 1, what);
    const e = errors[0];
    assert.equal(e?.file, file, what);
    assert.match(e?.message ?? '', message, what);
    if (line !== undefined) assert.equal(e?.line, line, `${what}: ${e?.message}`);
  }
});

test('loading several files: unreadable files and duplicate names are errors, good files still load', () => {
  const good = writeTemp('a.yml', 'name: site\nlogsources: []\n');
  const dup = writeTemp('b.yml', 'name: site\n');
  const missing = join(tmpdir(), 'weft-no-such-pipeline.yml');
  const { pipelines, errors } = loadPipelines([good, dup, missing]);
  assert.deepEqual(
    pipelines.map((p) => [p.name, p.priority, p.unmapped]),
    [['site', 100, ['{field}']]],
  );
  assert.equal(errors.length, 2);
  assert.match(errors[0]?.message ?? '', new RegExp(`^name: pipeline name 'site' is already used by ${good.replaceAll('\\', '\\\\')}$`));
  assert.equal(errors[1]?.file, missing);
  assert.match(errors[1]?.message ?? '', /^cannot read pipeline file: ENOENT/);
});
