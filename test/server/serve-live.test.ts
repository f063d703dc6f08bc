/**
 * `weft serve` runs the configured live sources through its ingest writer: real sshd lines sent to a
 * TCP syslog listener are committed to the store, the listener's counters reach /metrics, and a
 * graceful shutdown closes the listener and saves tail positions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log/logger.js';
import { startServe } from '../../src/server/serve.js';
import { runScenarioCommand } from '../../src/scenario/cli-entry.js';
import { weft } from '../support/cli.js';
import { repoRoot } from '../support/shared-data.js';

async function until(cond: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('serve: a TCP syslog listener and a tailed file commit through the ingest writer and show in /metrics', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-serve-live-'));
  const lines = readFileSync(join(repoRoot, 'test', 'fixtures', 'linux', 'auth.log'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  assert.ok(lines.length >= 5);
  const tailed = join(dir, 'tailed-auth.log');
  writeFileSync(tailed, `${lines.join('\n')}\n`);
  const config = parseConfig({
    data_dir: dir,
    server: { port: 0 },
    ingest: {
      listeners: [{ protocol: 'tcp', id: 'syslog-test', port: 0, source_type: 'linux' }],
      tail: [{ paths: [tailed], id: 'tail-test', source_type: 'linux', poll_interval: '50ms' }],
    },
  });
  const out: string[] = [];
  const sink = { write: (s: string) => { out.push(s); return true; } } as unknown as NodeJS.WritableStream;
  const running = await startServe({ config, logger: silentLogger, out: sink });
  try {
    const [addr] = running.live.addresses();
    assert.equal(addr?.id, 'syslog-test');
    assert.ok(out.some((l) => l.includes('tcp listener syslog-test')), out.join(''));
    await new Promise<void>((resolve, reject) => {
      const sock = connect({ host: addr.host, port: addr.port }, () => sock.end(`${lines.join('\n')}\n`, () => resolve()));
      sock.on('error', reject);
    });
    await until(async () => (await running.store.countEvents()) === 2 * lines.length, `${2 * lines.length} events stored`);
    const page = await running.store.searchEvents({ limit: 1000 });
    const bySource = (id: string) => page.items.filter((e) => e.weft?.source_id === id);
    assert.equal(bySource('syslog-test').length, lines.length);
    assert.ok(bySource('syslog-test').every((e) => e.log?.file?.path === undefined));
    // A tailed file's events say which file they came from, as with weft ingest --follow.
    assert.equal(bySource('tail-test').length, lines.length);
    assert.ok(bySource('tail-test').every((e) => e.log?.file?.path === tailed));
    const metrics = await running.server.ctx.metrics.render();
    assert.match(metrics.body, new RegExp(`weft_listener_records\\{listener="syslog-test",protocol="tcp"\\} ${lines.length}\\n`));
  } finally {
    await running.shutdown();
  }
  assert.equal(running.live.stats().listeners[0]?.connectionsOpen, 0);
});

test('serve: committed events are alerted live, with the alerts weft ingest gives for the same records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-serve-alerts-'));
  runScenarioCommand({ out: join(dir, 'scenario') });
  const file = join(dir, 'scenario', 'okta', 'system.log');
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const config = parseConfig({ data_dir: join(dir, 'serve'), server: { port: 0 } });
  const printed: string[] = [];
  const running = await startServe({ config, logger: silentLogger, out: { write: (s: string) => printed.push(s) > 0 } as unknown as NodeJS.WritableStream });
  let live: Array<[string, number]>;
  try {
    // As HTTP ingest does, in batches, through the writer: ids from the same source id as the CLI's.
    // Received the day after the scenario's day, as a fixed time (correlation refuses events dated
    // long after their receipt).
    for (let i = 0; i < lines.length; i += 500) await running.server.ctx.writer.submit(lines.slice(i, i + 500), { sourceId: file, receivedAt: new Date('2026-03-11T00:00:00Z') });
    const head = await running.store.lastEventSeq();
    const alerting = running.tailers.find((t) => t.name === 'alerting');
    assert.ok(alerting);
    for (const t of running.tailers) t.wake();
    await until(async () => alerting.at === head, 'the alerting consumer to reach the head of the event log', 60_000);
    live = summarize((await running.store.listAlerts({ limit: 1000 })).items.map((a) => a.doc as { rule: { title: string }; count?: number }));
    // The sources API shows how far live correlation sees each source behind (one source: not behind).
    const password = /one-time password:\s+(\S+)/.exec(printed.join(''))?.[1];
    assert.ok(password);
    const login = await running.server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password } });
    assert.equal(login.statusCode, 200, login.body);
    const token = (JSON.parse(login.body) as { access_token: string }).access_token;
    const sources = await running.server.app.inject({ method: 'GET', url: '/api/v1/sources', headers: { authorization: `Bearer ${token}` } });
    const okta = (JSON.parse(sources.body) as { items: Array<{ id: string; correlation_behind_seconds: number | null }> }).items.find((s) => s.id === file);
    assert.equal(okta?.correlation_behind_seconds, 0);
  } finally {
    await running.shutdown();
  }
  const r = weft(['ingest', '--data-dir', join(dir, 'cli'), file]);
  assert.equal(r.code, 0, r.stderr);
  const listed = weft(['alerts', 'list', '--data-dir', join(dir, 'cli'), '--output', 'jsonl', '--limit', '1000']);
  const batch = summarize(listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: { title: string } }));
  assert.ok(live.some(([t]) => t === 'Okta Password Spray From One Address'), JSON.stringify(live));
  assert.ok(live.some(([t]) => t === 'Okta MFA Push Fatigue'), JSON.stringify(live));
  assert.deepEqual(live, batch);
});

function summarize(alerts: Array<{ rule: { title: string } }>): Array<[string, number]> {
  const n = new Map<string, number>();
  for (const a of alerts) n.set(a.rule.title, (n.get(a.rule.title) ?? 0) + 1);
  return [...n].sort((a, b) => a[0].localeCompare(b[0]));
}

test('serve: consumers save their state as often as correlation.checkpoint_interval says, and at shutdown', async () => {
  const lines = readFileSync(join(repoRoot, 'test', 'fixtures', 'linux', 'auth.log'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  for (const [interval, before] of [['0s', true], ['1h', false]] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'weft-serve-checkpoint-'));
    const config = parseConfig({ data_dir: dir, server: { port: 0 }, correlation: { checkpoint_interval: interval } });
    const running = await startServe({ config, logger: silentLogger, out: { write: () => true } as unknown as NodeJS.WritableStream });
    let head = 0;
    try {
      await running.server.ctx.writer.submit(lines, { sourceId: 'auth', sourceType: 'linux' });
      head = await running.store.lastEventSeq();
      const alerting = running.tailers.find((t) => t.name === 'alerting');
      assert.ok(alerting);
      for (const t of running.tailers) t.wake();
      await until(async () => alerting.at === head, 'the alerting consumer to reach the head of the event log');
      if (before) await until(async () => (await running.store.loadCheckpoint('alerting'))?.position === head, 'a checkpoint right after the batch (the default would wait 5 s)', 2000);
      else assert.equal(await running.store.loadCheckpoint('alerting'), undefined, `no checkpoint within ${interval}`);
    } finally {
      await running.shutdown();
    }
    // The store is closed at shutdown: what it saved is read from a fresh one.
    const again = await startServe({ config, logger: silentLogger, out: { write: () => true } as unknown as NodeJS.WritableStream });
    try {
      assert.equal((await again.store.loadCheckpoint('alerting'))?.position, head, `${interval}: saved at shutdown`);
    } finally {
      await again.shutdown();
    }
  }
});
