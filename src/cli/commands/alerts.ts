/** Analyst commands over the store: alerts, incidents, assets, ATT&CK data. */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { AssetInventoryError, loadInventory } from '../../alert/assets.js';
import { parseAttackBundle, StixBundleError } from '../../alert/attack/index.js';
import type { AlertRecord, AlertStatus, IncidentRecord, IncidentStatus, Store } from '../../store/types.js';
import { commandContext, DATA_DIR_OPTION, openStore, UsageError } from '../context.js';

const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'investigating', 'resolved', 'false_positive', 'suppressed'];
const INCIDENT_STATUSES: readonly IncidentStatus[] = ['open', 'investigating', 'resolved', 'false_positive'];

async function withStore(cmd: Command, opts: { dataDir?: string }, fn: (store: Store) => Promise<void>): Promise<void> {
  const ctx = await commandContext(cmd, opts);
  const store = await openStore(ctx.config);
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

function limitOf(v: string | undefined): number {
  const n = Number(v ?? 50);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new UsageError(`--limit must be an integer 1..10000, got '${v}'`);
  return n;
}

const row = (a: AlertRecord): string =>
  `${new Date(a.firstTs).toISOString().padEnd(24)}  ${a.severity.toUpperCase().padEnd(8)} ${String(a.score).padStart(3)}  ${a.status.padEnd(14)} ${a.id}  ${String((a.doc.rule as { title?: string } | undefined)?.title ?? a.ruleId)}${a.count > 1 ? ` x${a.count}` : ''}`;

export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('stored alerts: list them, set their status (false positives feed `weft rules tune`)');
  alerts.command('list')
    .description('list alerts, newest first')
    .option('--status <status>', `only this status: ${ALERT_STATUSES.join(', ')}`)
    .option('--limit <n>', 'at most n alerts (default 50)')
    .option('--output <kind>', 'table or jsonl', 'table')
    .option(...DATA_DIR_OPTION)
    .action(async (opts: { status?: string; limit?: string; output: string; dataDir?: string }, cmd: Command) => {
      if (opts.status !== undefined && !(ALERT_STATUSES as readonly string[]).includes(opts.status)) throw new UsageError(`unknown status '${opts.status}'; expected one of: ${ALERT_STATUSES.join(', ')}`);
      await withStore(cmd, opts, async (store) => {
        const page = await store.listAlerts({ limit: limitOf(opts.limit), ...(opts.status !== undefined ? { status: opts.status as AlertStatus } : {}) });
        if (opts.output === 'jsonl') for (const a of page.items) process.stdout.write(`${JSON.stringify(a.doc)}\n`);
        else {
          process.stdout.write(`${page.total} alerts\n`);
          for (const a of page.items) process.stdout.write(`${row(a)}\n`);
        }
      });
    });
  alerts.command('set-status')
    .description(`set an alert's status (${ALERT_STATUSES.join(', ')}); recorded in the audit log`)
    .argument('<id>', 'alert id')
    .argument('<status>', 'new status')
    .option('--assignee <name>', 'assign it too')
    .option('--actor <name>', 'who does it (audit log)', process.env.USER ?? 'cli')
    .option('--note <text>', 'why (audit log)')
    .option(...DATA_DIR_OPTION)
    .action(async (id: string, status: string, opts: { assignee?: string; actor: string; note?: string; dataDir?: string }, cmd: Command) => {
      if (!(ALERT_STATUSES as readonly string[]).includes(status)) throw new UsageError(`unknown status '${status}'; expected one of: ${ALERT_STATUSES.join(', ')}`);
      await withStore(cmd, opts, async (store) => {
        const a = await store.getAlert(id);
        if (a === undefined) throw new UsageError(`no alert with id ${id}`);
        const now = new Date().toISOString();
        const assignee = opts.assignee ?? a.assignee;
        await store.upsertAlerts([{ ...a, status: status as AlertStatus, updatedAt: now, doc: { ...a.doc, status }, ...(assignee !== undefined ? { assignee } : {}) }]);
        await store.appendAudit([{ actor: opts.actor, action: 'alert.status', target: id, details: { from: a.status, to: status, rule_id: a.ruleId, rule_version: a.ruleVersion ?? null, ...(opts.assignee ? { assignee: opts.assignee } : {}), ...(opts.note ? { note: opts.note } : {}) } }]);
        process.stdout.write(`alert ${id}: ${a.status} -> ${status}\n`);
      });
    });
}

export function registerIncidents(program: Command): void {
  const inc = program.command('incidents').description('stored incidents: list, show, set status and assignee, record response actions');
  inc.command('list')
    .description('list incidents, newest first')
    .option('--status <status>', `only this status: ${INCIDENT_STATUSES.join(', ')}`)
    .option('--limit <n>', 'at most n incidents (default 50)')
    .option('--output <kind>', 'table or jsonl', 'table')
    .option(...DATA_DIR_OPTION)
    .action(async (opts: { status?: string; limit?: string; output: string; dataDir?: string }, cmd: Command) => {
      if (opts.status !== undefined && !(INCIDENT_STATUSES as readonly string[]).includes(opts.status)) throw new UsageError(`unknown status '${opts.status}'; expected one of: ${INCIDENT_STATUSES.join(', ')}`);
      await withStore(cmd, opts, async (store) => {
        const page = await store.listIncidents({ limit: limitOf(opts.limit), ...(opts.status !== undefined ? { status: opts.status as IncidentStatus } : {}) });
        const items = [...page.items].sort((a, b) => b.score - a.score || a.firstTs - b.firstTs);
        if (opts.output === 'jsonl') for (const i of items) process.stdout.write(`${JSON.stringify({ kind: 'incident', ...i.doc })}\n`);
        else {
          process.stdout.write(`${page.total} incidents, ranked by score\n`);
          for (const i of items) process.stdout.write(`${i.severity.toUpperCase().padEnd(8)} ${String(i.score).padStart(3)}  ${i.status.padEnd(14)} ${i.id}  ${i.title}${i.assignee ? ` [${i.assignee}]` : ''}\n`);
        }
      });
    });
  inc.command('show')
    .description('an incident with its kill chain, timeline and response actions')
    .argument('<id>', 'incident id')
    .option(...DATA_DIR_OPTION)
    .action(async (id: string, opts: { dataDir?: string }, cmd: Command) => {
      await withStore(cmd, opts, async (store) => {
        const i = await store.getIncident(id);
        if (i === undefined) throw new UsageError(`no incident with id ${id}`);
        const d = i.doc as { kill_chain?: Array<{ tactic: string }>; timeline?: Array<{ '@timestamp': string; type: string; title: string; source_type?: string; severity?: string }>; entities?: Record<string, string[]> };
        const w = (s: string): boolean => process.stdout.write(`${s}\n`);
        w(`${i.severity.toUpperCase()} ${i.score}  ${i.title}`);
        w(`id ${i.id}  status ${i.status}${i.assignee ? `  assignee ${i.assignee}` : ''}  ${new Date(i.firstTs).toISOString()} .. ${new Date(i.lastTs).toISOString()}`);
        w(`kill chain  ${(d.kill_chain ?? []).map((k) => k.tactic).join(' > ') || '-'}`);
        for (const [k, v] of Object.entries(d.entities ?? {})) w(`${k.padEnd(11)} ${v.join(', ') || '-'}`);
        w('timeline');
        for (const t of d.timeline ?? []) w(`  ${t['@timestamp'].padEnd(24)}  ${t.type === 'alert' ? `${(t.severity ?? '').toUpperCase().padEnd(8)} ${t.title}` : `  ${(t.source_type ?? '').padEnd(10)} ${t.title}`}`);
        const actions = await store.listResponseActions({ incidentId: id });
        w(`response actions ${actions.length}`);
        for (const a of actions) w(`  ${a.createdAt}  ${a.action}  ${a.status}  by ${a.actor}${a.result ? `  ${JSON.stringify(a.result)}` : ''}`);
      });
    });
  inc.command('set-status')
    .description(`set an incident's status (${INCIDENT_STATUSES.join(', ')}) and assignee; false_positive marks its alerts too`)
    .argument('<id>', 'incident id')
    .argument('<status>', 'new status')
    .option('--assignee <name>', 'assign it')
    .option('--actor <name>', 'who does it (audit log)', process.env.USER ?? 'cli')
    .option(...DATA_DIR_OPTION)
    .action(async (id: string, status: string, opts: { assignee?: string; actor: string; dataDir?: string }, cmd: Command) => {
      if (!(INCIDENT_STATUSES as readonly string[]).includes(status)) throw new UsageError(`unknown status '${status}'; expected one of: ${INCIDENT_STATUSES.join(', ')}`);
      await withStore(cmd, opts, async (store) => {
        const i = await store.getIncident(id);
        if (i === undefined) throw new UsageError(`no incident with id ${id}`);
        const now = new Date().toISOString();
        const assignee = opts.assignee ?? i.assignee;
        const next: IncidentRecord = { ...i, status: status as IncidentStatus, updatedAt: now, doc: { ...i.doc, status, ...(assignee ? { assignee } : {}) }, ...(assignee !== undefined ? { assignee } : {}) };
        await store.upsertIncidents([next]);
        let marked = 0;
        if (status === 'false_positive') {
          const alerts = (await store.listAlerts({ incidentId: id, limit: 10_000 })).items.filter((a) => a.status !== 'suppressed');
          await store.upsertAlerts(alerts.map((a) => ({ ...a, status: 'false_positive' as const, updatedAt: now, doc: { ...a.doc, status: 'false_positive' } })));
          marked = alerts.length;
        }
        await store.appendAudit([{ actor: opts.actor, action: 'incident.status', target: id, details: { from: i.status, to: status, ...(opts.assignee ? { assignee: opts.assignee } : {}), alerts_marked: marked } }]);
        process.stdout.write(`incident ${id}: ${i.status} -> ${status}${marked ? ` (${marked} alerts marked false_positive)` : ''}\n`);
      });
    });
  inc.command('action')
    .description('record a response action taken on an incident (disable_user, isolate_host, block_ip, ...) and its result')
    .argument('<id>', 'incident id')
    .argument('<action>', 'what was done')
    .option('--status <status>', 'pending, running, succeeded or failed', 'succeeded')
    .option('--result <json>', 'result details, a JSON object')
    .option('--actor <name>', 'who did it', process.env.USER ?? 'cli')
    .option(...DATA_DIR_OPTION)
    .action(async (id: string, action: string, opts: { status: string; result?: string; actor: string; dataDir?: string }, cmd: Command) => {
      if (!['pending', 'running', 'succeeded', 'failed'].includes(opts.status)) throw new UsageError(`unknown action status '${opts.status}'`);
      let result: Record<string, unknown> | undefined;
      if (opts.result !== undefined) {
        try {
          const v: unknown = JSON.parse(opts.result);
          if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
          result = v as Record<string, unknown>;
        } catch (err) {
          throw new UsageError(`--result must be a JSON object: ${(err as Error).message}`);
        }
      }
      await withStore(cmd, opts, async (store) => {
        if ((await store.getIncident(id)) === undefined) throw new UsageError(`no incident with id ${id}`);
        const now = new Date().toISOString();
        const rid = randomUUID();
        await store.addResponseAction({ id: rid, incidentId: id, action, status: opts.status as 'succeeded', actor: opts.actor, createdAt: now, updatedAt: now, ...(result ? { result } : {}) });
        await store.appendAudit([{ actor: opts.actor, action: 'incident.response_action', target: id, details: { action_id: rid, action, status: opts.status, ...(result ? { result } : {}) } }]);
        process.stdout.write(`recorded ${action} (${opts.status}) on incident ${id}\n`);
      });
    });
}

export function registerAssets(program: Command): void {
  const assets = program.command('assets').description('the asset inventory alert scoring reads (criticality 1..5, network zone)');
  assets.command('import')
    .description('import assets from CSV (kind,value,criticality,zone,asset_type,owner,tags) or YAML')
    .argument('<file>', 'inventory file (.csv, .yaml, .yml)')
    .option(...DATA_DIR_OPTION)
    .action(async (file: string, opts: { dataDir?: string }, cmd: Command) => {
      let inv;
      try {
        inv = loadInventory(file);
      } catch (err) {
        if (err instanceof AssetInventoryError) throw new UsageError(err.message);
        throw err;
      }
      await withStore(cmd, opts, async (store) => {
        await store.putAssetTypes(inv.types);
        await store.putAssets(inv.assets);
        await store.appendAudit([{ actor: process.env.USER ?? 'cli', action: 'assets.import', target: file, details: { assets: inv.assets.length, types: inv.types.length } }]);
        process.stdout.write(`imported ${inv.assets.length} assets, ${inv.types.length} asset types\n`);
      });
    });
  assets.command('list')
    .description('list the inventory')
    .option(...DATA_DIR_OPTION)
    .action(async (opts: { dataDir?: string }, cmd: Command) => {
      await withStore(cmd, opts, async (store) => {
        for (const a of await store.listAssets()) process.stdout.write(`${a.kind.padEnd(5)} ${a.value.padEnd(30)} criticality ${a.criticality}  zone ${a.zone ?? '-'}${a.assetType ? `  ${a.assetType}` : ''}\n`);
      });
    });
}

export function registerAttack(program: Command): void {
  const attack = program.command('attack').description('MITRE ATT&CK data: technique names and tactics for alerts');
  attack.command('import')
    .description("load MITRE's Enterprise ATT&CK STIX 2.1 bundle (enterprise-attack.json) into the store")
    .argument('<file>', 'the bundle')
    .option(...DATA_DIR_OPTION)
    .action(async (file: string, opts: { dataDir?: string }, cmd: Command) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      let imp;
      try {
        imp = parseAttackBundle(text);
      } catch (err) {
        if (err instanceof StixBundleError) throw new UsageError(`${file}: ${err.message}`);
        throw err;
      }
      await withStore(cmd, opts, async (store) => {
        await store.putAttackObjects(imp.objects);
        process.stdout.write(`imported ${imp.tactics} tactics and ${imp.techniques} techniques (${imp.skipped} revoked or deprecated skipped)\n`);
      });
    });
}
