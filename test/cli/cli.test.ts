import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { weft } from '../support/cli.js';
import { repoRoot } from '../support/shared-data.js';

const fixture = (...p: string[]): string => join(repoRoot, 'test', 'fixtures', ...p);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'weft-cli-'));

test('--help lists every command; --version prints the package version', () => {
  const help = weft(['--help']);
  assert.equal(help.code, 0);
  for (const c of ['demo', 'hunt', 'ingest', 'serve', 'rules', 'replay', 'migrate', 'users', 'audit', 'quarantine', 'bench']) {
    assert.match(help.stdout, new RegExp(`^  ${c}\\b`, 'm'), `--help does not list ${c}`);
  }
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(weft(['--version']).stdout.trim(), pkg.version);
  assert.equal(weft(['ingest', '--help']).code, 0);
});

test('a misspelled config key exits 2 and names the key', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'bad.yaml'), 'ingest:\n  max_recrod_bytes: 10\n');
  const r = weft(['--config', join(dir, 'bad.yaml'), 'hunt', 'x']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown key 'ingest\.max_recrod_bytes'/);
  assert.match(r.stderr, /expected one of: max_record_bytes/);
});

test('bad arguments exit 2 with a clear message', () => {
  assert.equal(weft(['ingest', '--bogus']).code, 2);
  const missing = weft(['ingest', '--data-dir', tmp(), '/nonexistent/file.log']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or directory: \/nonexistent\/file\.log/);
  const fmt = weft(['ingest', '--dry-run', '--format', 'xml', fixture('linux', 'auth.log')]);
  assert.equal(fmt.code, 2);
  assert.match(fmt.stderr, /unknown format 'xml'; expected one of: auto, syslog/);
  const st = weft(['ingest', '--dry-run', '--source-type', 'mainframe', fixture('linux', 'auth.log')]);
  assert.equal(st.code, 2);
  assert.match(st.stderr, /unknown source type 'mainframe'/);
  // Refused before the store is opened, so no data directory is left behind (with or without --follow).
  for (const follow of [[], ['--follow']]) {
    const dataDir = join(tmp(), 'data');
    const stored = weft(['ingest', ...follow, '--data-dir', dataDir, '--source-type', 'mainframe', fixture('linux', 'auth.log')]);
    assert.equal(stored.code, 2, stored.stderr);
    assert.match(stored.stderr, /unknown source type 'mainframe'/);
    assert.equal(existsSync(dataDir), false, `${follow.join(' ')}: ${dataDir} was created`);
  }
});

test('commands not built yet say so and exit non-zero', () => {
  const r = weft(['bench']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /not built yet/);
});

test('ingest --dry-run prints one JSON line per record, in input order', () => {
  const input = readFileSync(fixture('linux', 'auth.log'), 'utf8');
  const lines = input.split('\n').filter((l) => l.trim() !== '');
  const r = weft(['ingest', '--dry-run', '--source-id', 'auth', '-'], { input: `${input}this is not a log line at all\n` });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(out.length, lines.length + 1);
  out.slice(0, lines.length).forEach((o, i) => {
    assert.equal((o.event as { original: string }).original, lines[i]);
    assert.equal((o.weft as { source_type: string }).source_type, 'linux');
  });
  const last = out[lines.length] as { quarantine: { reason: string; original: string } };
  assert.equal(last.quarantine.original, 'this is not a log line at all');
  assert.match(last.quarantine.reason, /^(decode|normalize)\./);
});

test('ingest stores events and quarantine; a second run stores nothing twice; quarantine list and audit verify', () => {
  const dataDir = tmp();
  const files = [fixture('linux', 'auth.log'), fixture('okta', 'system.log'), fixture('cloudtrail', 'records.json'), fixture('rfc', 'rfc5424-examples.log')];
  const first = weft(['ingest', '--data-dir', dataDir, ...files]);
  assert.equal(first.code, 0, first.stderr);
  const events = Number(/events\s+(\d+)/.exec(first.stdout)?.[1]);
  const quarantined = Number(/quarantined\s+(\d+)/.exec(first.stdout)?.[1]);
  assert.ok(events > 0);
  const db = new Database(join(dataDir, 'weft.db'), { readonly: true });
  const stored = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  const q = (db.prepare('SELECT COUNT(*) AS n FROM quarantine').get() as { n: number }).n;
  const sources = db.prepare('SELECT id, events FROM sources ORDER BY id').all() as { id: string; events: number }[];
  db.close();
  assert.equal(stored, events);
  assert.equal(q, quarantined);
  assert.equal(sources.reduce((n, s) => n + s.events, 0), events);

  const second = weft(['ingest', '--data-dir', dataDir, ...files]);
  assert.match(second.stdout, new RegExp(`events\\s+${events} \\(0 stored, ${events} already stored\\)`));
  // Ingest runs detection too: its alert decisions are audited once, not again on the second run.
  const decisions = Number(/audit\s+(\d+) alert decisions recorded/.exec(first.stdout)?.[1]);
  assert.ok(decisions > 0, first.stdout);
  assert.match(second.stdout, /audit\s+0 alert decisions recorded/);

  const list = weft(['quarantine', 'list', '--data-dir', dataDir, '--output', 'jsonl']);
  assert.equal(list.code, 0);
  assert.equal(list.stdout.trim().split('\n').filter(Boolean).length, quarantined);
  const replay = weft(['quarantine', 'replay', '--data-dir', dataDir]);
  assert.match(replay.stdout, new RegExp(`0 records now normalize and were stored; ${quarantined} remain quarantined`));

  const audit = weft(['audit', 'verify', '--data-dir', dataDir]);
  assert.equal(audit.code, 0);
  assert.match(audit.stdout, new RegExp(`audit log intact: ${decisions} entries verified`));
  const mig = weft(['migrate', '--data-dir', dataDir]);
  const latest = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));
  assert.equal(mig.stdout, `schema version ${latest} (sqlite)\n`);
});
