/**
 * The whole path into the store on real (generated) logs: ingest runs detection, alerting and
 * incidents; every alert decision is in the hash-chained audit log; replay re-derives the same alerts;
 * tampering with the audit log or a stored alert is detected.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { detectionFor, ingestFiles } from '../../src/cli/commands/ingest.js';
import { alertStageFor } from '../../src/cli/alerting.js';
import { loadConfig } from '../../src/config/load.js';
import { EntityResolver } from '../../src/enrich/entity-resolver.js';
import { loadIdentityDirectory } from '../../src/enrich/identity-directory.js';
import { replayStore, type ReplayReport } from '../../src/hunt/replay.js';
import { correlationOptions } from '../../src/hunt/correlate-stage.js';
import { finishIntoStore } from '../../src/hunt/store-alerting.js';
import { expandInputs } from '../../src/ingest/file-source.js';
import { bundledPipelineFiles } from '../../src/rules/pipeline/index.js';
import { runScenarioCommand } from '../../src/scenario/cli-entry.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store, UserRiskRecord } from '../../src/store/types.js';

const { config } = loadConfig({ cwd: tmpdir(), env: {} });

async function replay(store: Store): Promise<ReplayReport> {
  const assets = await store.listAssets();
  return replayStore(store, {
    from: -8.64e15, to: 8.64e15, pipelinePaths: bundledPipelineFiles(), correlation: correlationOptions(config, { live: true }),
    stageFor: (corr) => alertStageFor({ config, correlations: corr?.definitions ?? [], assets }),
  });
}

describe('ingest -> alerts, incidents, audit; replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-store-path-'));
  const scenario = join(dir, 'scenario');
  const dbPath = join(dir, 'weft.db');
  let store: SqliteStore;

  before(async () => {
    runScenarioCommand({ out: scenario });
    // The identity and authentication sources: Okta, Linux and CloudTrail (three stories, ~2.9k records).
    const files = await expandInputs([join(scenario, 'okta'), join(scenario, 'linux'), join(scenario, 'cloudtrail')]);
    store = new SqliteStore({ path: dbPath, synchronous: 'normal' });
    await store.migrate();
    const summary = await ingestFiles(files, store, {
      timezone: 'UTC', maxRecordBytes: config.ingest.max_record_bytes, batchSize: 500, dryRun: false,
      resolver: new EntityResolver(loadIdentityDirectory(join(scenario, 'identities.yaml'))), sourceIdFor: (f) => relative(scenario, f),
      detect: await detectionFor(store, config, {}),
    });
    assert.ok(summary.detection !== undefined);
  });

  it('stores alerts and incidents, and audits every decision with rule version, events and config hash', async () => {
    const alerts = (await store.listAlerts({ limit: 1000 })).items;
    const incidents = (await store.listIncidents({ limit: 1000 })).items;
    assert.ok(alerts.length > 10);
    assert.ok(incidents.length >= 1 && incidents.length <= 6, `${incidents.length} incidents`);
    for (const a of alerts) {
      assert.ok(a.incidentId !== undefined && incidents.some((i) => i.id === a.incidentId), `alert ${a.id} has no stored incident`);
      assert.match(a.ruleVersion ?? '', /^[0-9a-f]{16}$/);
      assert.equal((await store.getRule(a.ruleId, a.ruleVersion))?.version, a.ruleVersion, `rule ${a.ruleId} version ${a.ruleVersion} is not stored`);
    }
    const audit = await store.readAudit(0, 100_000);
    const actions = new Map<string, number>();
    for (const e of audit) actions.set(e.action, (actions.get(e.action) ?? 0) + 1);
    assert.equal(actions.get('alert.created'), alerts.length);
    assert.equal(actions.get('alert.scored'), alerts.length);
    assert.equal(actions.get('alert.grouped'), alerts.length);
    assert.ok((actions.get('alert.deduplicated') ?? 0) > 0);
    assert.equal(alerts.reduce((n, a) => n + a.count, 0), alerts.length + (actions.get('alert.deduplicated') ?? 0));
    for (const e of audit) {
      const d = e.details as { rule_id?: string; rule_version?: string; event_ids?: string[]; config_hash?: string };
      assert.equal(e.actor, 'engine');
      assert.ok(typeof d.rule_id === 'string' && /^[0-9a-f]{16}$/.test(d.rule_version ?? '') && (d.event_ids?.length ?? 0) > 0 && /^[0-9a-f]{16}$/.test(d.config_hash ?? ''), JSON.stringify(e));
    }
    const scored = audit.find((e) => e.action === 'alert.scored');
    assert.ok(Array.isArray((scored?.details as { contributions?: unknown[] }).contributions));
    assert.deepEqual(await store.verifyAudit(), { ok: true, count: audit.length, head: { seq: audit.length, hash: audit[audit.length - 1]!.hash } });
  });

  it('a run that scores nobody writes no user risk (the stored scores stay as they are)', async () => {
    const stored = await store.getUserRisk();
    assert.ok(stored.length > 0, 'the ingest scored some users');
    const written: UserRiskRecord[] = [];
    const counting = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'putUserRisk') return async (rows: UserRiskRecord[]) => { written.push(...rows); return target.putUserRisk(rows); };
        const v: unknown = Reflect.get(target, key, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    // A consumer batch with no detections: the engine is seeded with every stored user's risk.
    const stage = alertStageFor({ config, correlations: [], assets: await store.listAssets() });
    await finishIntoStore(stage, counting, { suppressionWindowMs: config.alert.suppression_window, incidentWindowMs: config.alert.incident_window, configHash: '0'.repeat(16) });
    assert.deepEqual(written, []);
    assert.deepEqual(await store.getUserRisk(), stored);
  });

  it('replay over the stored events with the stored rule versions gives the recorded alerts exactly', async () => {
    const r = await replay(store);
    assert.deepEqual(r.differences, []);
    assert.equal(r.recorded, (await store.listAlerts({ limit: 1 })).total);
    assert.ok(r.events > 2000);
  });

  it('a tampered stored alert is reported by replay', async () => {
    const [victim] = (await store.listAlerts({ limit: 1 })).items;
    await store.upsertAlerts([{ ...victim!, score: victim!.score - 20, count: victim!.count + 1 }]);
    const r = await replay(store);
    assert.deepEqual(r.differences.map((d) => [d.alertId, d.kind, d.fields.map((f) => [f.field, f.recorded, f.replayed])]), [
      [victim!.id, 'changed', [['score', victim!.score - 20, victim!.score], ['count', victim!.count + 1, victim!.count]]],
    ]);
    await store.upsertAlerts([victim!]);
    assert.deepEqual((await replay(store)).differences, []);
  });

  it('edited, deleted or swapped alert-decision rows in the audit log are all detected', async () => {
    await store.close();
    const db = new Database(dbPath);
    // Someone with the file can drop the append-only triggers; the hash chain still catches them.
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    const row = db.prepare(`SELECT seq, details FROM audit_log WHERE action = 'alert.scored' ORDER BY seq LIMIT 1`).get() as { seq: number; details: string };
    const verify = async (): Promise<{ ok: boolean; firstBadSeq?: number; reason?: string }> => {
      const s = new SqliteStore({ path: dbPath });
      try {
        return await s.verifyAudit();
      } finally {
        await s.close();
      }
    };
    // Edit: a lower score in one decision.
    db.prepare('UPDATE audit_log SET details = ? WHERE seq = ?').run(row.details.replace(/"score":\d+/, '"score":1'), row.seq);
    let v = await verify();
    assert.equal(v.ok, false);
    assert.equal(v.firstBadSeq, row.seq);
    assert.match(v.reason ?? '', /edited/);
    db.prepare('UPDATE audit_log SET details = ? WHERE seq = ?').run(row.details, row.seq);
    assert.equal((await verify()).ok, true);
    // Swap: two decisions exchange places (content and hashes move together).
    const a = db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(row.seq) as Record<string, unknown>;
    const b = db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(row.seq + 1) as Record<string, unknown>;
    const put = db.prepare('UPDATE audit_log SET ts = @ts, actor = @actor, action = @action, target = @target, outcome = @outcome, details = @details, prev_hash = @prev_hash, hash = @hash WHERE seq = @seq');
    put.run({ ...b, seq: row.seq });
    put.run({ ...a, seq: row.seq + 1 });
    v = await verify();
    assert.equal(v.ok, false);
    assert.equal(v.firstBadSeq, row.seq);
    put.run({ ...a, seq: row.seq });
    put.run({ ...b, seq: row.seq + 1 });
    assert.equal((await verify()).ok, true);
    // Delete: one decision removed.
    db.prepare('DELETE FROM audit_log WHERE seq = ?').run(row.seq + 1);
    v = await verify();
    assert.equal(v.ok, false);
    assert.equal(v.firstBadSeq, row.seq + 2);
    assert.match(v.reason ?? '', /removed or reordered/);
    db.close();
  });
});

describe('replay after logs that arrived out of order', () => {
  it('finds the recorded alerts, though their ids and event lists came from the order the files were ingested in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-store-late-'));
    // Scripted Okta sign-ins (a bundled rule flags the client) by two users, one every 10 s.
    const signIn = (ms: number, user: string): string => JSON.stringify({
      uuid: `late-${ms}-${user}`, published: new Date(ms).toISOString(), eventType: 'user.session.start',
      actor: { id: `00u-${user}`, type: 'User', alternateId: `${user}@corp.example` },
      client: { ipAddress: '198.51.100.7', userAgent: { rawUserAgent: 'python-requests/2.31.0' } }, outcome: { result: 'SUCCESS' },
    });
    const day = Date.UTC(2026, 2, 10, 8);
    const file = (name: string, times: number[]): string => {
      const p = join(dir, name);
      writeFileSync(p, times.flatMap((t) => [signIn(t, 'ana'), signIn(t, 'ben')]).join('\n') + '\n');
      return p;
    };
    const at = (from: number, n: number, step: number): number[] => Array.from({ length: n }, (_, i) => from + i * step);
    // Ingested in this order: the middle of the morning, then the minutes around it (before it and
    // between its sign-ins), then the same morning a week earlier.
    const files = [
      file('mid.ndjson', at(day + 10 * 60_000, 6, 20_000)),
      file('around.ndjson', [...at(day, 6, 20_000), ...at(day + 10 * 60_000 + 10_000, 5, 20_000)]),
      file('week.ndjson', at(day - 7 * 86_400_000, 6, 20_000)),
    ];
    const store = new SqliteStore({ path: join(dir, 'weft.db'), synchronous: 'normal' });
    await store.migrate();
    for (const f of files) {
      await ingestFiles([f], store, {
        timezone: 'UTC', maxRecordBytes: config.ingest.max_record_bytes, batchSize: 500, dryRun: false,
        resolver: new EntityResolver(), sourceIdFor: (p) => relative(dir, p), detect: await detectionFor(store, config, {}),
      });
    }
    const alerts = (await store.listAlerts({ limit: 100 })).items;
    assert.deepEqual(alerts.map((a) => [a.dedupKey.split('|').pop(), a.count, new Date(a.firstTs).toISOString(), new Date(a.lastTs).toISOString()]).sort(), [
      ['user.name=ana@corp.example', 17, '2026-03-10T08:00:00.000Z', '2026-03-10T08:11:40.000Z'],
      ['user.name=ana@corp.example', 6, '2026-03-03T08:00:00.000Z', '2026-03-03T08:01:40.000Z'],
      ['user.name=ben@corp.example', 17, '2026-03-10T08:00:00.000Z', '2026-03-10T08:11:40.000Z'],
      ['user.name=ben@corp.example', 6, '2026-03-03T08:00:00.000Z', '2026-03-03T08:01:40.000Z'],
    ]);
    const r = await replay(store);
    assert.equal(r.recorded, 4);
    assert.deepEqual(r.differences, []);
    // A tampered count is still found on an alert replay paired by its window.
    const victim = alerts.find((a) => a.count === 17)!;
    await store.upsertAlerts([{ ...victim, count: 16 }]);
    assert.deepEqual((await replay(store)).differences.map((d) => [d.alertId, d.kind, d.fields.map((f) => [f.field, f.recorded, f.replayed])]), [
      [victim.id, 'changed', [['count', 16, 17]]],
    ]);
    await store.close();
  });
});
