/**
 * `weft ingest --follow` as a user runs it: a process follows a growing file into the store, is killed
 * with SIGKILL mid-stream, restarted, sees the file rotated, and is stopped with SIGTERM. Every line
 * written must end up stored exactly once, none cut in two, none skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fixtureLines } from '../support/fixtures.js';
import { until } from '../support/live.js';
import { repoRoot } from '../support/shared-data.js';

const AUTH = fixtureLines('linux', 'auth.log');

function follow(file: string, dataDir: string): { child: ChildProcess; out: () => string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), 'ingest', '--follow', file, '--data-dir', dataDir, '--poll-interval', '20ms', '--source-type', 'linux'], {
    cwd: repoRoot, env: { ...env, WEFT_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { out += d; });
  return { child, out: () => out };
}

function stored(db: string): number {
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    } finally {
      conn.close();
    }
  } catch {
    return 0; // not created or not migrated yet
  }
}

test('ingest --follow: SIGKILL mid-stream, restart, rotation, SIGTERM: every line stored exactly once', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-follow-'));
  try {
    const file = join(dir, 'auth.log');
    const dataDir = join(dir, 'data');
    const db = join(dataDir, 'weft.db');
    const all = Array.from({ length: 4000 }, (_, i) => `${AUTH[i % AUTH.length]} seq=${i}`);
    let written = 0;
    /** Append the next n lines, the last one in two writes so a poll can see half of it. */
    const append = (n: number): void => {
      const next = all.slice(written, written + n);
      const text = next.map((l) => `${l}\n`).join('');
      appendFileSync(file, text.slice(0, text.length - 10));
      appendFileSync(file, text.slice(text.length - 10));
      written += next.length;
    };
    writeFileSync(file, '');
    const first = follow(file, dataDir);
    while (stored(db) < 800) {
      append(100);
      await new Promise((r) => setTimeout(r, 15));
    }
    append(100);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    append(300);
    const second = follow(file, dataDir);
    await until(() => stored(db) >= 1600, 'the restarted follower to catch up');
    append(500);
    renameSync(file, `${file}.1`);
    appendFileSync(`${file}.1`, all.slice(written, written + 50).map((l) => `${l}\n`).join(''));
    written += 50;
    writeFileSync(file, '');
    while (written < all.length) {
      append(Math.min(200, all.length - written));
      await new Promise((r) => setTimeout(r, 10));
    }
    await until(() => stored(db) === all.length, `all ${all.length} lines stored (have ${stored(db)})`);
    second.child.kill('SIGTERM');
    const [code] = (await once(second.child, 'exit')) as [number | null];
    assert.equal(code, 0, second.out());
    assert.match(second.out(), /^events\s+\d+ \(\d+ stored, \d+ already stored\)$/m);
    const store = new SqliteStore({ path: db });
    const events = await store.readEventLog(0, 100_000);
    const originals = events.map((e) => e.event.event?.original);
    assert.equal(originals.length, all.length);
    assert.deepEqual([...originals].sort(), [...all].sort());
    assert.equal((await store.listQuarantine({})).total, 0);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ingest --live: configured syslog listeners into the store until SIGTERM', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-live-'));
  try {
    writeFileSync(join(dir, 'weft.yaml'), 'ingest:\n  listeners:\n    - { protocol: tcp, id: lab-syslog, port: 0, source_type: linux }\n');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), '--config', join(dir, 'weft.yaml'), 'ingest', '--live', '--data-dir', join(dir, 'data')], {
      cwd: repoRoot, env: { ...env, WEFT_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    await until(() => /listening: tcp:\/\/127\.0\.0\.1:\d+ \(lab-syslog\)/.test(err), `the listener (stderr: ${err})`);
    const port = Number(/tcp:\/\/127\.0\.0\.1:(\d+)/.exec(err)?.[1]);
    const { connect } = await import('node:net');
    const c = connect(port, '127.0.0.1');
    await once(c, 'connect');
    c.end(AUTH.map((l) => `${l}\n`).join(''));
    await once(c, 'close');
    await until(() => stored(join(dir, 'data', 'weft.db')) === AUTH.length, 'the lines stored');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, err);
    assert.match(out, new RegExp(`^records\\s+${AUTH.length}$`, 'm'));
    assert.doesNotMatch(out, /^files/m);
    const store = new SqliteStore({ path: join(dir, 'data', 'weft.db') });
    const sources = await store.listSources();
    assert.deepEqual(sources.map((s) => [s.id, s.events]), [['lab-syslog', AUTH.length]]);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
