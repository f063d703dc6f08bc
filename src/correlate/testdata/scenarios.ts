/**
 * Correlation scenarios: rules (Sigma / Weft YAML) and input streams in event-time order, shared by the
 * per-type tests and by the order-independence and checkpoint tests.
 */
import { loadPipelines, bundledPipelineFiles, resolveLogsource } from '../../rules/pipeline/index.js';
import type { FieldResolver } from '../../rules/types.js';
import { parseCorrelationText } from '../load.js';
import { CorrelationEngine } from '../engine.js';
import type { CorrelationAlert, EngineInput, EngineOptions } from '../types.js';
import { input, logon, oktaLogin, processStart, ssh } from './events.js';

export interface Scenario {
  name: string;
  rules: string;
  inputs: EngineInput[];
  options?: EngineOptions;
}

const S = 1000;
const M = 60_000;

export function engineFor(yaml: string, opts: EngineOptions = {}): CorrelationEngine {
  const r = parseCorrelationText(yaml, 'scenario.yml');
  if (r.rejections.length > 0) throw new Error(`scenario rules rejected: ${r.rejections.map((x) => `${x.line}: ${x.reason}`).join('; ')}`);
  return new CorrelationEngine(r.correlations, opts);
}

/** Push every input (position = index), then flush; all alerts in order. */
export function runAll(engine: CorrelationEngine, inputs: readonly EngineInput[]): CorrelationAlert[] {
  const out: CorrelationAlert[] = [];
  inputs.forEach((x, i) => out.push(...engine.push(x, i).alerts));
  out.push(...engine.flush().alerts);
  return out;
}

let windowsSecurity: FieldResolver | undefined;
/** The bundled Windows pipeline's resolver for `product: windows, service: security`. */
export function windowsSecurityResolver(): FieldResolver {
  if (windowsSecurity === undefined) {
    const { pipelines, errors } = loadPipelines(bundledPipelineFiles());
    if (errors.length > 0) throw new Error(`bundled pipelines failed to load: ${errors.map((e) => e.message).join('; ')}`);
    windowsSecurity = resolveLogsource(pipelines, { product: 'windows', service: 'security' }).resolver;
  }
  return windowsSecurity;
}

export const bruteForce: Scenario = {
  name: 'event_count brute force',
  rules: `title: SSH brute force
id: 6a3f0d3e-1111-4c1e-9d55-000000000001
name: ssh_brute_force
level: high
tags: [attack.credential-access, attack.t1110]
correlation:
  type: event_count
  rules: [ssh_failed]
  group-by: [user.name, source.ip]
  timespan: 1m
  condition: {gte: 3}
`,
  inputs: [
    input(ssh({ ms: 0, user: 'root', ip: '89.160.20.156' }), 'ssh_failed'),
    input(ssh({ ms: 10 * S, user: 'root', ip: '89.160.20.156' }), 'ssh_failed'),
    input(ssh({ ms: 15 * S, user: 'alice', ip: '89.160.20.156' }), 'ssh_failed'),
    input(ssh({ ms: 20 * S, user: 'root', ip: '89.160.20.156' }), 'ssh_failed'),
    input(ssh({ ms: 25 * S, user: 'root', ip: '89.160.20.156' }), 'ssh_failed'),
    input(ssh({ ms: 30 * S, user: 'root', ip: '89.160.20.156' }), 'ssh_failed'),
    input(ssh({ ms: 35 * S, user: 'root', ip: '89.160.20.156' }), 'ssh_failed'),
    input(ssh({ ms: 40 * S, user: 'alice', ip: '89.160.20.156' }), 'ssh_failed'),
    input(ssh({ ms: 80 * S, user: 'alice', ip: '89.160.20.156' }), 'ssh_failed'),
  ],
};

export const absence: Scenario = {
  name: 'temporal expression: failed and not success (absence)',
  rules: `title: Failed SSH logins with no success
name: failed_without_success
correlation:
  type: temporal
  rules: [ssh_failed, ssh_success]
  group-by: [user.name]
  timespan: 2m
  condition: ssh_failed and not ssh_success
`,
  inputs: [
    input(ssh({ ms: 0, user: 'bob', ip: '10.1.1.1' }), 'ssh_failed'),
    input(ssh({ ms: 0, user: 'dave', ip: '10.1.1.4', ok: true }), 'ssh_success'),
    input(ssh({ ms: 0, user: 'eve', ip: '10.1.1.5' }), 'ssh_failed'),
    input(ssh({ ms: 0, user: 'frank', ip: '10.1.1.6' }), 'ssh_failed'),
    input(ssh({ ms: 10 * S, user: 'carol', ip: '10.1.1.3' }), 'ssh_failed'),
    input(ssh({ ms: 60 * S, user: 'bob', ip: '10.1.1.1', ok: true }), 'ssh_success'),
    input(ssh({ ms: 120 * S, user: 'eve', ip: '10.1.1.5', ok: true }), 'ssh_success'),
    input(ssh({ ms: 120 * S + 1, user: 'frank', ip: '10.1.1.6', ok: true }), 'ssh_success'),
  ],
};

export const chained: Scenario = {
  name: 'chained: event_count feeding temporal_ordered (the specification example)',
  rules: `title: Multiple failed logins followed by a successful login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
level: high
correlation:
  type: temporal_ordered
  rules: [multiple_failed_login, ssh_success]
  group-by: [user.name]
  timespan: 2m
---
title: Multiple failed logins
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
  type: event_count
  rules: [ssh_failed]
  group-by: [user.name]
  timespan: 1m
  condition: {gte: 3}
`,
  inputs: [
    input(ssh({ ms: 0, user: 'root', ip: '89.160.20.156' }), 'ssh_failed'),
    input(ssh({ ms: 5 * S, user: 'root', ip: '89.160.20.156' }), 'ssh_failed'),
    input(ssh({ ms: 8 * S, user: 'admin', ip: '89.160.20.156', ok: true }), 'ssh_success'),
    input(ssh({ ms: 10 * S, user: 'root', ip: '89.160.20.156' }), 'ssh_failed'),
    input(ssh({ ms: 50 * S, user: 'root', ip: '89.160.20.156', ok: true }), 'ssh_success'),
  ],
};

export const recon: Scenario = {
  name: 'temporal: recon commands in any order',
  rules: `title: Discovery burst
name: discovery_burst
correlation:
  type: temporal
  rules: [whoami, net_user, ipconfig]
  group-by: [host.name]
  timespan: 5m
`,
  inputs: [
    input(processStart({ ms: 0, computer: 'ws-b', pid: 300, ppid: 100, image: 'C:\\Windows\\System32\\ipconfig.exe', parentImage: 'C:\\Windows\\System32\\cmd.exe' }), 'ipconfig'),
    input(processStart({ ms: 1 * M, computer: 'ws-c', pid: 301, ppid: 100, image: 'C:\\Windows\\System32\\whoami.exe', parentImage: 'C:\\Windows\\System32\\cmd.exe' }), 'whoami'),
    input(processStart({ ms: 2 * M, computer: 'ws-b', pid: 302, ppid: 100, image: 'C:\\Windows\\System32\\whoami.exe', parentImage: 'C:\\Windows\\System32\\cmd.exe' }), 'whoami'),
    input(processStart({ ms: 5 * M, computer: 'ws-b', pid: 303, ppid: 100, image: 'C:\\Windows\\System32\\net.exe', parentImage: 'C:\\Windows\\System32\\cmd.exe' }), 'net_user'),
    input(processStart({ ms: 7 * M, computer: 'ws-c', pid: 304, ppid: 100, image: 'C:\\Windows\\System32\\net.exe', parentImage: 'C:\\Windows\\System32\\cmd.exe' }), 'net_user'),
    input(processStart({ ms: 9 * M, computer: 'ws-c', pid: 305, ppid: 100, image: 'C:\\Windows\\System32\\ipconfig.exe', parentImage: 'C:\\Windows\\System32\\cmd.exe' }), 'ipconfig'),
  ],
};

export const aliases: Scenario = {
  name: 'aliases: one account under two field names, resolved per base rule',
  rules: `title: SSH failures and a Windows network logon by the same account
name: cross_os_account
correlation:
  type: temporal
  rules: [ssh_failed, win_network_logon]
  group-by: [account]
  timespan: 10m
  aliases:
    account:
      ssh_failed: user.name
      win_network_logon: TargetUserName
`,
  inputs: [
    input(ssh({ ms: 0, user: 'alice', ip: '10.2.0.9' }), 'ssh_failed'),
    input(logon({ ms: 1 * M, user: 'bob', ip: '10.2.0.9', computer: 'ws-b' }), 'win_network_logon', 'f1a2b3c4-0000-4000-8000-000000000001'),
    input(logon({ ms: 2 * M, user: 'alice', ip: '10.2.0.9', computer: 'ws-b' }), 'win_network_logon', 'f1a2b3c4-0000-4000-8000-000000000001'),
  ],
  options: { resolverFor: (ref) => (ref === 'win_network_logon' ? windowsSecurityResolver() : undefined) },
};

export const spray: Scenario = {
  name: 'value_count: password spray',
  rules: `title: Password spray
name: password_spray
correlation:
  type: value_count
  rules: [ssh_failed]
  group-by: [source.ip]
  timespan: 5m
  condition: {field: user.name, gte: 3}
`,
  inputs: [
    input(ssh({ ms: 0, user: 'alice', ip: '203.0.113.7' }), 'ssh_failed'),
    input(ssh({ ms: 1 * M, user: 'alice', ip: '203.0.113.7' }), 'ssh_failed'),
    input(ssh({ ms: 2 * M, user: 'bob', ip: '203.0.113.7' }), 'ssh_failed'),
    input(ssh({ ms: 3 * M, user: 'carol', ip: '198.51.100.1' }), 'ssh_failed'),
    input(ssh({ ms: 4 * M, user: 'carol', ip: '203.0.113.7' }), 'ssh_failed'),
  ],
};

export const sums: Scenario = {
  name: 'value_sum and value_avg over source.port',
  rules: `title: Port sum
name: port_sum
correlation:
  type: value_sum
  rules: [ssh_failed]
  group-by: [source.ip]
  timespan: 1m
  condition: {field: source.port, gt: 100000}
---
title: Port average
name: port_avg
correlation:
  type: value_avg
  rules: [ssh_failed]
  group-by: [source.ip]
  timespan: 1m
  condition: {field: source.port, gte: 50000}
`,
  inputs: [
    input(ssh({ ms: 0, user: 'root', ip: '192.0.2.1', port: 40000 }), 'ssh_failed'),
    input(ssh({ ms: 10 * S, user: 'root', ip: '192.0.2.1', port: 40000 }), 'ssh_failed'),
    input(ssh({ ms: 20 * S, user: 'root', ip: '192.0.2.1', port: 60000 }), 'ssh_failed'),
    input(ssh({ ms: 30 * S, user: 'root', ip: '192.0.2.2', port: 61000 }), 'ssh_failed'),
  ],
};

function rareProcessInputs(): EngineInput[] {
  const out: EngineInput[] = [];
  for (let i = 0; i < 9; i++) {
    out.push(input(processStart({ ms: i * M, computer: 'ws-b', pid: 1000 + i, ppid: 4, image: 'C:\\Windows\\System32\\svchost.exe', parentImage: 'C:\\Windows\\System32\\services.exe' }), 'process_start'));
  }
  out.splice(4, 0, input(processStart({ ms: 4 * M + 30 * S, computer: 'ws-b', pid: 2000, ppid: 4, image: 'C:\\Users\\Public\\mimikatz.exe', parentImage: 'C:\\Windows\\System32\\services.exe' }), 'process_start'));
  return out;
}

export const rare: Scenario = {
  name: 'value_percentile: a rare process name on a host',
  rules: `title: Rare process on a host
name: rare_process
correlation:
  type: value_percentile
  rules: [process_start]
  group-by: [host.name]
  timespan: 10m
  condition: {field: process.name, lte: 10}
`,
  inputs: rareProcessInputs(),
};

export const sequence: Scenario = {
  name: 'sequence with until, grouped by entity, two sources',
  rules: `title: Okta sign-in then Windows network logon by the same person
name: okta_then_windows
correlation:
  type: sequence
  rules: [okta_login, win_network_logon]
  until: [okta_session_end]
  group-by: [entity.user]
  maxspan: 10m
  min_sources: 2
`,
  inputs: [
    input(oktaLogin({ ms: 0, login: 'alice@corp.com', entity: 'corp\\alice' }), 'okta_login'),
    input(oktaLogin({ ms: 0, login: 'bob@corp.com', entity: 'corp\\bob' }), 'okta_login'),
    input(oktaLogin({ ms: 0, login: 'carol@corp.com', entity: 'corp\\carol' }), 'okta_login'),
    input(oktaLogin({ ms: 0, login: 'dave@corp.com', entity: 'corp\\dave' }), 'okta_login'),
    input(oktaLogin({ ms: 30 * S, login: 'bob@corp.com', entity: 'corp\\bob' }), 'okta_session_end'),
    input(logon({ ms: 1 * M, user: 'alice', ip: '10.3.0.1', computer: 'ws-a', entity: 'corp\\alice' }), 'win_network_logon'),
    input(logon({ ms: 1 * M, user: 'bob', ip: '10.3.0.2', computer: 'ws-a', entity: 'corp\\bob' }), 'win_network_logon'),
    input(logon({ ms: 10 * M, user: 'dave', ip: '10.3.0.4', computer: 'ws-a', entity: 'corp\\dave' }), 'win_network_logon'),
    input(logon({ ms: 11 * M, user: 'carol', ip: '10.3.0.3', computer: 'ws-a', entity: 'corp\\carol' }), 'win_network_logon'),
  ],
};

export const session: Scenario = {
  name: 'session per entity with an inactivity gap',
  rules: `title: Cross-source user session
name: user_session
correlation:
  type: session
  rules: [okta_login, win_network_logon]
  group-by: [entity.user]
  gap: 5m
  min_sources: 2
`,
  inputs: [
    input(oktaLogin({ ms: 0, login: 'alice@corp.com', entity: 'corp\\alice' }), 'okta_login'),
    input(logon({ ms: 1 * M, user: 'bob', ip: '10.4.0.2', computer: 'ws-a', entity: 'corp\\bob' }), 'win_network_logon'),
    input(logon({ ms: 2 * M, user: 'alice', ip: '10.4.0.1', computer: 'ws-a', entity: 'corp\\alice' }), 'win_network_logon'),
    input(logon({ ms: 7 * M, user: 'alice', ip: '10.4.0.1', computer: 'ws-b', entity: 'corp\\alice' }), 'win_network_logon'),
    input(logon({ ms: 12 * M + 1, user: 'alice', ip: '10.4.0.1', computer: 'ws-c', entity: 'corp\\alice' }), 'win_network_logon'),
  ],
};

export const lateral: Scenario = {
  name: 'lateral_movement: A -> B -> C by one account',
  rules: `title: Lateral movement chain
name: lateral_chain
level: critical
correlation:
  type: lateral_movement
  rules: [win_network_logon]
  group-by: [user.name]
  timespan: 1h
  min_hops: 2
`,
  inputs: [
    input(logon({ ms: 0, user: 'alice', ip: '10.0.0.1', from: 'WS-A', computer: 'ws-b' }), 'win_network_logon'),
    input(logon({ ms: 1 * M, user: 'bob', ip: '10.0.0.1', from: 'WS-A', computer: 'ws-b' }), 'win_network_logon'),
    input(logon({ ms: 5 * M, user: 'bob', ip: '10.0.0.4', from: 'WS-D', computer: 'ws-c' }), 'win_network_logon'),
    input(logon({ ms: 10 * M, user: 'alice', ip: '10.0.0.2', from: 'WS-B', computer: 'ws-c' }), 'win_network_logon'),
  ],
};

export const lineage: Scenario = {
  name: 'process_lineage: office -> shell -> powershell',
  rules: `title: Office spawns a shell that spawns PowerShell
name: office_shell_powershell
correlation:
  type: process_lineage
  rules: [office_app, shell_from_office, powershell_from_shell]
  group-by: [host.name]
  timespan: 10m
`,
  inputs: [
    input(processStart({ ms: 0, computer: 'ws-b', pid: 50, ppid: 10, image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', parentImage: 'C:\\Windows\\explorer.exe' }), 'office_app'),
    input(processStart({ ms: 1 * M, computer: 'ws-c', pid: 100, ppid: 50, image: 'C:\\Windows\\System32\\cmd.exe', parentImage: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE' }), 'shell_from_office'),
    input(processStart({ ms: 2 * M, computer: 'ws-b', pid: 100, ppid: 50, image: 'C:\\Windows\\System32\\cmd.exe', parentImage: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE' }), 'shell_from_office'),
    input(processStart({ ms: 3 * M, computer: 'ws-b', pid: 200, ppid: 100, image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', parentImage: 'C:\\Windows\\System32\\cmd.exe' }), 'powershell_from_shell'),
    input(processStart({ ms: 3 * M, computer: 'ws-c', pid: 201, ppid: 100, image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', parentImage: 'C:\\Windows\\System32\\cmd.exe' }), 'powershell_from_shell'),
  ],
};

export const ALL: readonly Scenario[] = [bruteForce, absence, chained, recon, aliases, spray, sums, rare, sequence, session, lateral, lineage];
