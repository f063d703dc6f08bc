/**
 * Correlation across `weft ingest` runs into one store: a brute force whose failed passwords are in
 * one run's log (yesterday's rotated auth.log) and whose successful login is in the next run's is the
 * same alert that one run over both files gives, and replay over the store agrees. Logs older than
 * what the previous run saw are correlated among themselves, an alert settled at the end of one run
 * is not reported again by the next, and a damaged saved state is named and set aside.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { detectionFor, INGEST_CORRELATION_LEASE, ingestFiles, type IngestSummary } from '../../src/cli/commands/ingest.js';
import { alertStageFor } from '../../src/cli/alerting.js';
import { loadConfig } from '../../src/config/load.js';
import { EntityResolver } from '../../src/enrich/entity-resolver.js';
import { correlationOptions } from '../../src/hunt/correlate-stage.js';
import { INGEST_CORRELATION_CHECKPOINT } from '../../src/hunt/correlation-carry.js';
import { replayStore } from '../../src/hunt/replay.js';
import { bundledPipelineFiles } from '../../src/rules/pipeline/index.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { LeaseOptions } from '../../src/store/lease.js';
import type { AlertRecord, Store } from '../../src/store/types.js';
import { createTestDatabase } from '../support/postgres.js';

const { config } = loadConfig({ cwd: tmpdir(), env: {} });
/** rules/correlations/ssh_brute_force_success.yml: 5 failed passwords in 10 min, then an accepted login, within 30 min. */
const BRUTE_FORCE_SUCCESS = 'a9220ec9-2a47-5a86-a21a-869a885a919d';
const LOGIN_FROM_PUBLIC_IP = '7909b4e0-c621-52a2-98e1-8f420bb7980f';

/** sshd lines as OpenSSH writes them to auth.log (test/fixtures/linux/auth.log), `s` seconds after 09:00. */
const sshd = (s: number, what: string): string => {
  const t = new Date(Date.UTC(2026, 2, 10, 9, 0, s));
  const hms = t.toISOString().slice(11, 19);
  return `Mar 10 ${hms} bastion01 sshd[${4000 + s}]: ${what}`;
};
const failed = (s: number, from = '203.0.113.9'): string => sshd(s, `Failed password for deploy from ${from} port ${50000 + s} ssh2`);
const accepted = (s: number): string => sshd(s, 'Accepted password for deploy from 203.0.113.9 port 51000 ssh2');

interface Fixture {
  dir: string;
  store: Store;
  file: (name: string, lines: string[]) => string;
  ingest: (files: string[], lease?: LeaseOptions) => Promise<NonNullable<IngestSummary['detection']>>;
  alerts: () => Promise<AlertRecord[]>;
  replayDifferences: () => Promise<string[]>;
}

async function fixture(open?: () => Store): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-carry-'));
  const store = open?.() ?? new SqliteStore({ path: join(dir, 'weft.db'), synchronous: 'normal' });
  await store.migrate();
  return {
    dir,
    store,
    file: (name, lines) => {
      const p = join(dir, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, `${lines.join('\n')}\n`);
      return p;
    },
    ingest: async (files, lease) => {
      const s = await ingestFiles(files, store, {
        timezone: 'UTC', maxRecordBytes: config.ingest.max_record_bytes, batchSize: 500, dryRun: false,
        // One host's auth.log, whichever rotation it came from.
        resolver: new EntityResolver(), sourceIdFor: () => 'bastion01/auth.log', detect: await detectionFor(store, config, {}, lease),
      });
      assert.ok(s.detection !== undefined);
      return s.detection;
    },
    alerts: async () => (await store.listAlerts({ limit: 100 })).items.sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
    replayDifferences: async () => {
      const assets = await store.listAssets();
      const r = await replayStore(store, {
        from: -8.64e15, to: 8.64e15, pipelinePaths: bundledPipelineFiles(), correlation: correlationOptions(config, { live: true }),
        stageFor: (corr) => alertStageFor({ config, correlations: corr?.definitions ?? [], assets }),
      });
      return r.differences.map((d) => `${d.kind} ${d.alertId}`);
    },
  };
}

/** A carry with this JSON part and these engine bytes (its framing right). */
function carry(meta: string, engine: number[]): Uint8Array {
  const m = new TextEncoder().encode(meta);
  const u32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  return new Uint8Array([...new TextEncoder().encode('WEFTCARY'), 0, 1, ...u32(m.length), ...m, ...u32(engine.length), ...engine]);
}

/** What identifies an alert's content, whichever run found it. */
const content = (a: AlertRecord): unknown => {
  const doc = a.doc as { events: string[]; '@timestamp': string; count: number };
  return [a.ruleId, a.id, doc.events, doc['@timestamp'], doc.count];
};

/** Runs `body` with stores on a fresh PostgreSQL database (skipped without a server, failed under CI). */
async function onPostgres(t: TestContext, name: string, body: (open: () => Store) => Promise<void>): Promise<void> {
  const db = await createTestDatabase(name);
  if (typeof db === 'string') {
    t.skip(db);
    return;
  }
  try {
    await body(() => new PostgresStore({ url: db.url, schema: 'weft', poolSize: 4 }));
  } finally {
    await db.drop();
  }
}

/** One scenario as two tests: on SQLite (the fixture's own store), and again on PostgreSQL in a database of its own. */
function onEachStore(title: string, postgresTitle: string, database: string, scenario: (open?: () => Store) => Promise<void>): void {
  it(title, () => scenario());
  it(postgresTitle, (t) => onPostgres(t, database, scenario));
}

describe('weft ingest: correlation continues from one run to the next', () => {
  const before = [failed(10), failed(40), failed(70)];
  const after = [failed(100), failed(130), accepted(160)];

  /** One run over both files; then two runs, one file each, into a store `open` gives (SQLite when none). */
  async function splitRuns(open?: () => Store): Promise<void> {
    const one = await fixture();
    const d = await one.ingest([one.file('auth.log.1', before), one.file('auth.log', after)]);
    assert.equal(d.correlations, 1);
    const expected = (await one.alerts()).map(content);
    assert.deepEqual(expected.map((c) => (c as unknown[])[0]), [LOGIN_FROM_PUBLIC_IP, BRUTE_FORCE_SUCCESS]);
    await one.store.close();

    const two = await fixture(open);
    try {
      const first = await two.ingest([two.file('auth.log.1', before)]);
      assert.deepEqual([first.correlations, first.correlationState], [0, { kind: 'none' }]);
      const second = await two.ingest([two.file('auth.log', after)]);
      assert.deepEqual([second.correlations, second.correlationState], [1, { kind: 'continued', carried: 5, dropped: [] }]);
      assert.deepEqual((await two.alerts()).map(content), expected);
      assert.deepEqual(await two.replayDifferences(), []);
      const saved = await two.store.loadCheckpoint(INGEST_CORRELATION_CHECKPOINT);
      assert.ok(saved !== undefined && saved.state.length > 0);
    } finally {
      await two.store.close();
    }
  }

  onEachStore('a brute force split across two runs is the alert one run over both files gives; replay agrees',
    'the same across two runs into PostgreSQL (the carry is stored as bytea)', 'ingest_carry', splitRuns);

  it('an alert settled at the end of one run is not reported again when the next run closes its window', async () => {
    const f = await fixture();
    await f.ingest([f.file('a.log', [...before, ...after])]);
    const settledOnce = (await f.alerts()).map(content);
    // An hour later, one unrelated failure: the watermark passes every window of the first run.
    const later = await f.ingest([f.file('b.log', [failed(3600, '198.51.100.77')])]);
    assert.deepEqual([later.correlations, later.correlationState?.kind], [0, 'continued']);
    assert.deepEqual((await f.alerts()).map(content), settledOnce);
    assert.deepEqual(await f.replayDifferences(), []);
    await f.store.close();
  });

  it('logs older than the previous run saw are correlated among themselves, not dropped as late', async () => {
    const f = await fixture();
    await f.ingest([f.file('late.log', [failed(7200, '198.51.100.77')])]);
    const r = await f.ingest([f.file('early.log', [...before, ...after])]);
    // The first run saw 11:00; with the default 5 min of allowed lateness its watermark is 10:55.
    assert.deepEqual(r.correlationState, { kind: 'not_continuous', earliest: '2026-03-10T09:00:10.000Z', watermark: '2026-03-10T10:55:00.000Z' });
    assert.equal(r.correlations, 1);
    assert.deepEqual((await f.alerts()).map((a) => a.ruleId), [LOGIN_FROM_PUBLIC_IP, BRUTE_FORCE_SUCCESS]);
    await f.store.close();
  });

  /** The second half of the brute force as the next run: it continues the first half's windows and completes the attack. */
  async function completesTheBruteForce(f: Fixture): Promise<void> {
    const next = await f.ingest([f.file('auth.log', after)]);
    assert.deepEqual([next.correlations, next.correlationState?.kind], [1, 'continued']);
    assert.ok((await f.alerts()).some((a) => a.ruleId === BRUTE_FORCE_SUCCESS));
    await f.store.close();
  }

  it('a backfill between two runs leaves the first run\'s open windows to the next', async () => {
    const f = await fixture();
    await f.ingest([f.file('auth.log.1', before)]);
    // Last week's log, read between the two: correlated among itself, and the later state is kept.
    const lastWeek = [failed(10, '198.51.100.77'), failed(20, '198.51.100.77')].map((l) => l.replace('Mar 10', 'Mar  3'));
    const backfill = await f.ingest([f.file('week/auth.log', lastWeek)]);
    assert.equal(backfill.correlationState?.kind, 'not_continuous');
    await completesTheBruteForce(f);
  });

  it('an event dated years ahead (a host with a wrong clock) is not carried: the next run continues', async () => {
    const f = await fixture();
    // RFC 5424 carries its year: this line is dated 2099, and a correlation uses its rule.
    const wrongClock = '<38>1 2099-01-01T00:00:00Z bastion01 sshd 9 - - Failed password for deploy from 192.0.2.1 port 1 ssh2';
    await f.ingest([f.file('auth.log.1', [...before, wrongClock])]);
    await completesTheBruteForce(f);
  });

  it('the same file ingested again is not counted again: three failed passwords stay three', async () => {
    const f = await fixture();
    const file = f.file('auth.log', [failed(10), failed(40), failed(70), accepted(160)]);
    const first = await f.ingest([file]);
    const again = await f.ingest([file]);
    // A third time: the run before took none of them, yet it still hands them on.
    const third = await f.ingest([file]);
    assert.deepEqual([first.correlations, again.correlations, again.correlationState?.kind, third.correlations], [0, 0, 'continued', 0]);
    assert.deepEqual((await f.alerts()).map((a) => [a.ruleId, a.count]), [[LOGIN_FROM_PUBLIC_IP, 1]]);
    // Two more failures and the login again, now a real burst: found once, with each event once.
    const more = await f.ingest([f.file('auth.log.2', [failed(100), failed(130), accepted(170)])]);
    assert.equal(more.correlations, 1);
    const brute = (await f.alerts()).find((a) => a.ruleId === BRUTE_FORCE_SUCCESS);
    assert.equal(new Set((brute?.doc as { events: string[] }).events).size, (brute?.doc as { events: string[] }).events.length);
    await f.store.close();
  });

  it('the same records twice in one run (a file and its copy) are counted once', async () => {
    const f = await fixture();
    const lines = [failed(10), failed(40), failed(70), accepted(160)];
    const once = await f.ingest([f.file('auth.log', lines), f.file('copy/auth.log', lines)]);
    assert.equal(once.correlations, 0, 'three failed passwords read twice are still three');
    assert.deepEqual((await f.alerts()).map((a) => [a.ruleId, a.count]), [[LOGIN_FROM_PUBLIC_IP, 1]]);
    await f.store.close();
    // With two more failures among the copies, the burst is real: one alert, each event once.
    const g = await fixture();
    const more = [failed(10), failed(40), failed(70), failed(100), failed(130), accepted(160)];
    const burst = await g.ingest([g.file('auth.log', more), g.file('copy/auth.log', more)]);
    assert.equal(burst.correlations, 1);
    const events = ((await g.alerts()).find((a) => a.ruleId === BRUTE_FORCE_SUCCESS)?.doc as { events: string[] }).events;
    assert.deepEqual([events.length, new Set(events).size], [6, 6]);
    await g.store.close();
  });

  it('a damaged saved state is named in the summary and the run starts from an empty engine', async () => {
    for (const [bytes, reason] of [
      [new TextEncoder().encode('not a carry at all'), /bad magic/],
      [new Uint8Array([...new TextEncoder().encode('WEFTCARY'), 0, 1, 0, 0, 1, 0]), /truncated/],
      [carry('{}', [0x57]), /reported-alerts part is not a list/],
      [carry('{"reported":[],"recent":[]}', [1, 2, 3]).subarray(0, 46), /carry-over is truncated or has trailing bytes \(engine part: 3 bytes declared, 1 present\)/],
      [carry('{"reported":[],"recent":[["a"]]}', [1, 2, 3]), /recent-events part is not a list of \[event id, time\]/],
      [carry('{"reported":[],"recent":[]}', [1, 2, 3]), /not a Weft correlation snapshot \(bad magic\)/],
    ] as const) {
      const f = await fixture();
      await f.store.saveCheckpoint({ name: INGEST_CORRELATION_CHECKPOINT, position: 0, state: bytes });
      const r = await f.ingest([f.file('auth.log', [...before, ...after])]);
      assert.equal(r.correlationState?.kind, 'unreadable');
      assert.match(r.correlationState?.kind === 'unreadable' ? r.correlationState.reason : '', reason);
      assert.equal(r.correlations, 1);
      // The run's own state replaces the damaged one.
      const next = await f.ingest([f.file('next.log', [failed(3600, '198.51.100.77')])]);
      assert.equal(next.correlationState?.kind, 'continued');
      await f.store.close();
    }
  });

  /** Resolves once `cond` holds (checked every 5 ms), or fails after 10 s. */
  async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
    const end = Date.now() + 10_000;
    while (!(await cond())) {
      if (Date.now() > end) assert.fail('condition not reached in 10 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** A run whose input is a named pipe: it holds the lease and waits until the test writes `lines`. */
  function blockedInput(f: Fixture, name: string): { path: string; release: (lines: string[]) => Promise<void> } {
    const path = join(f.dir, name);
    execFileSync('mkfifo', [path]);
    // Written asynchronously (opening a pipe for writing waits for its reader), once: a failing
    // test releases it in its finally so the run does not wait forever.
    let written: Promise<void> | undefined;
    return { path, release: (lines) => (written ??= writeFile(path, `${lines.join('\n')}\n`)) };
  }

  /** Two runs at once into a store `open` gives (SQLite when none): the second waits for the first. */
  async function takeTurns(open?: () => Store): Promise<void> {
    const one = await fixture();
    await one.ingest([one.file('auth.log.1', before), one.file('auth.log', after)]);
    const expected = (await one.alerts()).map(content);
    await one.store.close();

    const f = await fixture(open);
    const input = blockedInput(f, 'auth.log.1');
    const first = f.ingest([input.path], { pollMs: 10 });
    const waits: string[] = [];
    let second: ReturnType<Fixture['ingest']> | undefined;
    try {
      // The first run holds the lease while it waits for its input. (A probe that gets there first
      // holds a lease that has already ended.)
      let holder = '';
      await until(async () => {
        const r = await f.store.tryLease(INGEST_CORRELATION_LEASE, 'probe', Date.now(), Date.now() - 1);
        if (!r.granted) holder = r.holder;
        return !r.granted;
      });
      second = f.ingest([f.file('auth.log', after)], { pollMs: 10, onWait: (h) => waits.push(h) });
      await until(() => waits.length > 0);
      assert.deepEqual(waits, [holder]);
    } finally {
      await input.release(before);
    }
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a.correlationState?.kind, 'none');
    assert.equal(b.correlationState?.kind, 'continued');
    assert.deepEqual((await f.alerts()).map(content), expected);
    assert.equal((await f.store.tryLease(INGEST_CORRELATION_LEASE, 'next', Date.now(), Date.now() + 1)).granted, true, 'both runs gave the lease up');
    await f.store.close();
  }

  onEachStore('two runs into one store at once take turns: the second continues the state the first saved',
    'the same for two runs at once into PostgreSQL', 'ingest_turns', takeTurns);

  it('a run overtaken after its lease ended does not overwrite the state; it says so', async () => {
    const f = await fixture();
    const input = blockedInput(f, 'auth.log');
    // Its clock stands still: every renewal sets an end already past, as for a process paused too long.
    const paused = f.ingest([input.path], { ttlMs: 30, now: () => 0 });
    try {
      // The probe's own lease (if it gets there first) has ended even by the stopped clock.
      await until(async () => !(await f.store.tryLease(INGEST_CORRELATION_LEASE, 'probe', -2, -1)).granted);
      await until(async () => (await f.store.tryLease(INGEST_CORRELATION_LEASE, 'other-run', Date.now(), Date.now() + 60_000)).granted);
    } finally {
      await input.release([...before, ...after]);
    }
    const r = await paused;
    assert.deepEqual(r.correlationState, { kind: 'not_carried', holder: 'other-run' });
    // Its alerts are stored; the state is not.
    assert.equal(r.correlations, 1);
    assert.equal(await f.store.loadCheckpoint(INGEST_CORRELATION_CHECKPOINT), undefined);
    assert.equal((await f.store.tryLease(INGEST_CORRELATION_LEASE, 'third', Date.now(), Date.now() + 1)).granted, false, 'the other run\'s lease is left alone');
    await f.store.close();
  });

  it('a run that fails on a missing input gives the lease up at once', async () => {
    const f = await fixture();
    await assert.rejects(f.ingest([join(f.dir, 'gone.log')]), /ENOENT/);
    assert.equal((await f.store.tryLease(INGEST_CORRELATION_LEASE, 'next-run', Date.now(), Date.now() + 60_000)).granted, true);
    await f.store.close();
  });
});
