import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WeftEvent } from '../../event/model.js';
import { silentLogger, type Logger } from '../../log/logger.js';
import { alertStampSql } from '../alert-stamp.js';
import { auditHash, GENESIS_HASH, verifyAuditChain } from '../audit-chain.js';
import { StoreError } from '../errors.js';
import { clampLimit, decodeCursor, encodeCursor, eventColumns, eventFromRow, type EventColumns } from '../event-columns.js';
import {
  alertFromRow, alertStatsFromRows, auditFromRow, incidentFromRow, jsonOr, keyFromRow, num, quarantineFromRow, responseActionFromRow, ruleFromRow, sourceFromRow, str,
  userFromRow, type Row,
} from '../record-rows.js';
import { ORPHAN_INCIDENT_SQL } from '../orphan-incidents.js';
import { ROLES } from '../roles.js';
import type {
  AlertQuery, AlertRecord, AlertStamp, ApiKeyRecord, AppendResult, AssetRecord, AssetTypeRecord, AttackObjectRecord, AuditEntry, AuditInput,
  AuditVerification, BaselineKey, BaselineRecord, Checkpoint, IngestCommit, CommentRecord, SessionRecord, RuleAlertStats, UserRiskRecord, CorrelationRecord, EventQuery, IncidentQuery, IncidentRecord, IocRecord, IocType,
  LoggedEvent, Page, QuarantineInput, QuarantineQuery, QuarantineRecord, ResponseActionRecord, RoleName, RoleRecord,
  LeaseAttempt, RuleRecord, SourceActivity, SourceRecord, Store, ThreatIntelFeed, UserRecord,
} from '../types.js';
import { leaseCheckpointName, leaseRefused } from '../types.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for tests. */
  path: string;
  /** `full` fsyncs every commit (durable across power loss); `normal` is durable across process crashes. */
  synchronous?: 'full' | 'normal';
  /** Ids the small level holds before they move to the large one (RECENT_EVENT_IDS; tests set a few). */
  recentEventIds?: number;
  /** Schema migrations are logged: one that rebuilds a table can take minutes on a large database. */
  logger?: Logger;
}

type Params = Record<string, string | number | bigint | Buffer | null>;

const optStr = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

const EVENT_INSERT = `INSERT INTO events
  (id, ts, ingest_ts, source_id, source_type, category, action, code, source_ip, destination_ip, user_name, host_name, entity_ids, doc, raw)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT))`;

/** Whether an id is stored, in either level of migration 4. */
const EVENT_ID_KNOWN = 'SELECT 1 FROM event_ids_recent WHERE id = @id UNION ALL SELECT 1 FROM event_ids WHERE id = @id LIMIT 1';
/** The seq of a stored id, as a subquery. */
const SEQ_OF_ID = '(SELECT seq FROM event_ids_recent WHERE id = @id UNION ALL SELECT seq FROM event_ids WHERE id = @id LIMIT 1)';
/**
 * Ids the small level holds before they move to the large one. A batch dirties at most every page of
 * the small level (~90 at this size), and a move rewrites each page of the large level at most once:
 * from 34.0 to 12.9 KiB written per appended row at 600k rows (bench/store-growth.ts).
 */
export const RECENT_EVENT_IDS = 32_768;

const QUARANTINE_INSERT = `INSERT OR IGNORE INTO quarantine (id, reason, message, source_id, source_type, format, received_at, raw)
  VALUES (@id, @reason, @message, @sourceId, @sourceType, @format, @receivedAt, @raw)`;

const SOURCE_ACTIVITY_UPSERT = `INSERT INTO sources (id, type, format, first_seen, last_seen, events, quarantined)
  VALUES (@id, @type, @format, @seenAt, @seenAt, @events, @quarantined)
  ON CONFLICT (id) DO UPDATE SET type = COALESCE(excluded.type, type), format = COALESCE(excluded.format, format),
    last_seen = MAX(last_seen, excluded.last_seen), events = events + excluded.events, quarantined = quarantined + excluded.quarantined`;

/** The connection's page cache, KiB (see the constructor). */
const SQLITE_CACHE_KIB = 64 * 1024;

/**
 * Store.alertStamps. INDEXED BY: without statistics the planner walks alerts_first (every alert ever
 * stored) to spare itself a sort of the few in the window.
 */
export const ALERT_STAMPS_SQL = `SELECT id, ${alertStampSql('sqlite')} AS stamp FROM alerts INDEXED BY alerts_last
  WHERE last_ts >= @from ORDER BY first_ts DESC, id DESC`;

/**
 * The embedded store: one SQLite file in WAL mode. Every batch method runs in one transaction, so a
 * batch is stored whole or not at all, also when the process is killed in the middle of it.
 */
export class SqliteStore implements Store {
  readonly driver = 'sqlite' as const;
  private readonly db: Database.Database;
  private closed = false;
  /** Statements the hot paths run per batch, compiled once. */
  private readonly stmts = new Map<string, Database.Statement>();
  private readonly recentEventIds: number;
  private readonly logger: Logger;
  /** The file and the settings another connection to it needs (an ingest commit thread); undefined in memory. */
  readonly file: { path: string; synchronous: 'full' | 'normal'; recentEventIds: number } | undefined;

  constructor(opts: SqliteStoreOptions) {
    this.recentEventIds = opts.recentEventIds ?? RECENT_EVENT_IDS;
    this.logger = opts.logger ?? silentLogger;
    this.file = opts.path === ':memory:' ? undefined : { path: opts.path, synchronous: opts.synchronous ?? 'full', recentEventIds: this.recentEventIds };
    if (this.file !== undefined) mkdirSync(dirname(this.file.path), { recursive: true });
    try {
      this.db = new Database(opts.path);
      // An event row is ~2-3 KB (document + original): on 4 KB pages each row takes a page of its own and
      // the indexes split often, so an append wrote and fsynced about twice the bytes. With 16 KB pages
      // bench/http-ingest.ts (new records in every request) stores 16.7k events/s against 14.2k with
      // 4 KB, for about the same bytes written per event. Only a new database takes the size; an
      // existing one keeps its pages (changing them needs VACUUM outside WAL mode).
      this.db.pragma('page_size = 16384');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      // The WAL is copied into the database when it holds this many pages: 64 MiB here, not the
      // default 16 MiB. Pages an ingest transaction dirties again (index leaves, the recent-id level)
      // are copied once per checkpoint, so fewer checkpoints write less: bench/http-ingest.ts stored
      // ~4% more events/s (17.6-17.7k against 16.9-17.1k, interleaved) for ~17 KiB written per event
      // instead of ~18. Recovery after a crash reads at most this much WAL.
      this.db.pragma('wal_autocheckpoint = 4000');
      // SQLite's default page cache is 2 MiB (128 of these pages). An ingest transaction of 1,000 rows
      // dirties a leaf page of each random-key index (the id above all) per row, so the default cache
      // spilled dirty pages to the WAL mid-transaction and re-read evicted ones: 25.7 KiB written and
      // 30.9 KiB read per appended row at 200k rows, against 16.0 and 6.8 with 64 MiB (bench/store-growth,
      // /proc/self/io). The cache only grows as pages are used.
      this.db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
    } catch (err) {
      throw new StoreError('backend', `cannot open SQLite database at ${opts.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  private get conn(): Database.Database {
    if (this.closed) throw new StoreError('closed', 'store is closed');
    return this.db;
  }

  private all(sql: string, params: Params | unknown[] = {}): Row[] {
    return this.conn.prepare(sql).all(params) as Row[];
  }

  private get1(sql: string, params: Params | unknown[] = {}): Row | undefined {
    return this.conn.prepare(sql).get(params) as Row | undefined;
  }

  // ------------------------------------------------------------------ lifecycle

  async migrate(): Promise<number> {
    const db = this.conn;
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => num(r.version)));
    for (const m of SQLITE_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      const t0 = performance.now();
      // Building a new database is routine; upgrading one can rebuild a large table: say so.
      const log = applied.size > 0 ? this.logger.info.bind(this.logger) : this.logger.debug.bind(this.logger);
      log({ version: m.version, name: m.name }, 'applying schema migration');
      try {
        db.transaction(() => {
          db.exec(m.sql);
          db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
        })();
        log({ version: m.version, ms: Math.round(performance.now() - t0) }, 'schema migration applied');
      } catch (err) {
        throw new StoreError('migration_failed', `migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
      }
    }
    this.syncRoles();
    return this.schemaVersion();
  }

  /** Roles and their permissions are defined in code; the tables mirror them after every migrate. */
  private syncRoles(): void {
    const db = this.conn;
    db.transaction(() => {
      const upsert = db.prepare('INSERT INTO roles (name, description) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET description = excluded.description');
      const clear = db.prepare('DELETE FROM permissions WHERE role = ?');
      const grant = db.prepare('INSERT INTO permissions (role, permission) VALUES (?, ?)');
      for (const r of ROLES) {
        upsert.run(r.name, r.description);
        clear.run(r.name);
        for (const p of r.permissions) grant.run(r.name, p);
      }
    })();
  }

  async schemaVersion(): Promise<number> {
    const exists = this.get1(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`);
    if (!exists) return 0;
    return num(this.get1('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')?.v ?? 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  // ------------------------------------------------------------------ events

  async appendEvents(events: WeftEvent[]): Promise<AppendResult> {
    // Validate the whole batch before writing anything: a bad record rejects the batch, names itself.
    const rows = events.map((e, i) => eventColumns(e, i));
    const db = this.conn;
    // IMMEDIATE: insertRows reads (is the id known?) before it writes. A deferred transaction would
    // take its snapshot at that read, and another process committing in between would make the first
    // write fail at once with SQLITE_BUSY instead of waiting (busy_timeout) for the write lock.
    return db.transaction(() => this.insertRows(rows)).immediate();
  }

  async commitIngest(batch: IngestCommit): Promise<AppendResult> {
    const db = this.conn;
    const quarantine = batch.quarantine.length > 0 ? this.quarantineRows(batch.quarantine) : [];
    return db.transaction(() => {
      const q = this.stmt('quarantine.insert', QUARANTINE_INSERT);
      for (const r of quarantine) q.run(r);
      const appended = this.insertRows(batch.rows);
      this.upsertActivity(batch.activity);
      return appended;
    }).immediate();
  }

  private stmt(key: string, sql: string): Database.Statement {
    let s = this.stmts.get(key);
    if (s === undefined) {
      s = this.conn.prepare(sql);
      this.stmts.set(key, s);
    }
    return s;
  }

  /**
   * Inside a transaction: the rows, duplicates (an id already stored, or earlier in the batch)
   * ignored. New ids go to the small level; when that is full, all of it moves to the large level in
   * id order, in this same transaction.
   */
  private insertRows(rows: EventColumns[]): AppendResult {
    const insert = this.stmt('events.insert', EVENT_INSERT);
    const known = this.stmt('eventIds.known', EVENT_ID_KNOWN).pluck();
    const addId = this.stmt('eventIds.add', 'INSERT INTO event_ids_recent (id, seq) VALUES (?, ?)');
    let inserted = 0;
    const byId = { id: '' };
    // Three single-row statements, not one INSERT ... SELECT WHERE NOT EXISTS with a trigger adding
    // the id: that form made SQLite keep a statement journal, a temporary file that took ~130 KiB of
    // writes per row. Positional parameters: binding 15 named ones looks each up on the row, ~3 µs a
    // row more. Packed text (UTF-8 bytes, see packText) is bound as a blob and cast to TEXT: the
    // same stored value as the string, without making it a string first.
    for (const r of rows) {
      byId.id = r.id;
      if (known.get(byId) !== undefined) continue;
      const doc = r.docUtf8 ?? r.doc;
      const raw = r.rawUtf8 !== undefined ? r.rawUtf8 : r.raw;
      const seq = insert.run(r.id, r.ts, r.ingestTs, r.sourceId, r.sourceType, r.category, r.action, r.code, r.sourceIp, r.destinationIp, r.userName, r.hostName, r.entityIds, doc, raw).lastInsertRowid;
      addId.run(r.id, seq);
      inserted++;
    }
    if (inserted > 0) this.settleEventIds();
    const s = this.stmt('events.lastSeq', 'SELECT COALESCE(MAX(seq), 0) AS s FROM events').get() as Row;
    return { inserted, duplicates: rows.length - inserted, lastSeq: num(s.s) };
  }

  /** Move the small id level into the large one once it holds recentEventIds ids (inside a transaction). */
  private settleEventIds(): void {
    const n = this.stmt('eventIds.recentCount', 'SELECT COUNT(*) FROM event_ids_recent').pluck().get() as number;
    if (n < this.recentEventIds) return;
    // The small level is read in key order (its primary key), so the large one takes one sorted run.
    this.stmt('eventIds.settle', 'INSERT INTO event_ids (id, seq) SELECT id, seq FROM event_ids_recent').run();
    this.stmt('eventIds.clear', 'DELETE FROM event_ids_recent').run();
  }

  async readEventLog(afterSeq: number, limit: number): Promise<LoggedEvent[]> {
    const rows = this.all('SELECT seq, doc, raw FROM events WHERE seq > @after ORDER BY seq LIMIT @limit', {
      after: afterSeq,
      limit: clampLimit(limit, 1000, 100_000),
    });
    return rows.map((r) => ({ seq: num(r.seq), event: eventFromRow(str(r.doc), optStr(r.raw) ?? null) }));
  }

  async lastEventSeq(): Promise<number> {
    return num(this.get1('SELECT COALESCE(MAX(seq), 0) AS s FROM events')?.s ?? 0);
  }

  async getEvent(id: string): Promise<WeftEvent | undefined> {
    return (await this.getEvents([id]))[0];
  }

  async getEvents(ids: readonly string[]): Promise<WeftEvent[]> {
    // One indexed lookup each: in-process, cheaper than building an IN list over two id tables.
    const stmt = this.conn.prepare(`SELECT doc, raw FROM events WHERE seq = ${SEQ_OF_ID}`);
    const out: WeftEvent[] = [];
    for (const id of new Set(ids)) {
      const r = stmt.get({ id }) as Row | undefined;
      if (r) out.push(eventFromRow(str(r.doc), optStr(r.raw) ?? null));
    }
    return out;
  }

  async searchEvents(q: EventQuery): Promise<Page<WeftEvent>> {
    const where: string[] = [];
    const p: Params = {};
    if (q.from !== undefined) { where.push('ts >= @from'); p.from = q.from; }
    if (q.to !== undefined) { where.push('ts < @to'); p.to = q.to; }
    if (q.sourceId !== undefined) { where.push('source_id = @sourceId'); p.sourceId = q.sourceId; }
    if (q.sourceIp !== undefined) { where.push('source_ip = @sourceIp'); p.sourceIp = q.sourceIp; }
    if (q.destinationIp !== undefined) { where.push('destination_ip = @destinationIp'); p.destinationIp = q.destinationIp; }
    if (q.userName !== undefined) { where.push('user_name = @userName'); p.userName = q.userName; }
    if (q.hostName !== undefined) { where.push('host_name = @hostName'); p.hostName = q.hostName; }
    if (q.text !== undefined && q.text.length > 0) {
      where.push(`(doc LIKE @text ESCAPE '\\' OR raw LIKE @text ESCAPE '\\')`);
      p.text = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = num(this.get1(`SELECT COUNT(*) AS n FROM events ${filter}`, p)?.n ?? 0);
    const limit = clampLimit(q.limit);
    const pageWhere = [...where];
    if (q.cursor !== undefined) {
      const [cts, cseq] = decodeCursor(q.cursor, 2);
      pageWhere.push('(ts < @cts OR (ts = @cts AND seq < @cseq))');
      p.cts = Number(cts);
      p.cseq = Number(cseq);
    }
    const rows = this.all(
      `SELECT seq, ts, doc, raw FROM events ${pageWhere.length > 0 ? `WHERE ${pageWhere.join(' AND ')}` : ''} ORDER BY ts DESC, seq DESC LIMIT @limit`,
      { ...p, limit: limit + 1 },
    );
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => eventFromRow(str(r.doc), optStr(r.raw) ?? null)),
      total,
      ...(more && last ? { next: encodeCursor([num(last.ts), num(last.seq)]) } : {}),
    };
  }

  async rewriteEvents(events: WeftEvent[]): Promise<number> {
    const db = this.conn;
    const rows = events.map((e, i) => eventColumns(e, i));
    const up = db.prepare(`UPDATE events SET source_type = @sourceType, category = @category, action = @action, code = @code, source_ip = @sourceIp,
      destination_ip = @destinationIp, user_name = @userName, host_name = @hostName, entity_ids = @entityIds, doc = @doc, raw = @raw
      WHERE seq = ${SEQ_OF_ID} AND ts = @ts`);
    return db.transaction(() => rows.reduce((n, r) => n + up.run(r).changes, 0))();
  }

  async countEvents(): Promise<number> {
    return num(this.get1('SELECT COUNT(*) AS n FROM events')?.n ?? 0);
  }

  // ------------------------------------------------------------------ quarantine

  async addQuarantine(records: QuarantineInput[]): Promise<number> {
    const db = this.conn;
    const insert = this.stmt('quarantine.insert', QUARANTINE_INSERT);
    const rows = this.quarantineRows(records);
    return db.transaction(() => rows.reduce((n, r) => n + insert.run(r).changes, 0))();
  }

  private quarantineRows(records: QuarantineInput[]): Params[] {
    return records.map((r) => {
      const raw = typeof r.raw === 'string' ? Buffer.from(r.raw, 'utf8') : Buffer.from(r.raw);
      // Same bytes, same source, same reason: a retry, not a second record.
      const id = createHash('sha256').update(r.sourceId).update('\0').update(r.reason).update('\0').update(raw).digest('hex').slice(0, 32);
      return { id, reason: r.reason, message: r.message, sourceId: r.sourceId, sourceType: r.sourceType ?? null, format: r.format ?? null, receivedAt: r.receivedAt, raw };
    });
  }

  async listQuarantine(q: QuarantineQuery): Promise<Page<QuarantineRecord>> {
    const where: string[] = [];
    const p: Params = {};
    if (q.reason !== undefined) { where.push('reason = @reason'); p.reason = q.reason; }
    if (q.sourceId !== undefined) { where.push('source_id = @sourceId'); p.sourceId = q.sourceId; }
    const total = num(this.get1(`SELECT COUNT(*) AS n FROM quarantine ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, p)?.n ?? 0);
    if (q.cursor !== undefined) {
      const [at, id] = decodeCursor(q.cursor, 2);
      where.push('(received_at > @cat OR (received_at = @cat AND id > @cid))');
      p.cat = String(at);
      p.cid = String(id);
    }
    const limit = clampLimit(q.limit);
    const rows = this.all(
      `SELECT * FROM quarantine ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at, id LIMIT @limit`,
      { ...p, limit: limit + 1 },
    );
    const items = rows.slice(0, limit).map(quarantineFromRow);
    const last = items[items.length - 1];
    return { items, total, ...(rows.length > limit && last ? { next: encodeCursor([last.receivedAt, last.id]) } : {}) };
  }

  async removeQuarantine(ids: string[]): Promise<number> {
    const db = this.conn;
    const del = db.prepare('DELETE FROM quarantine WHERE id = ?');
    return db.transaction(() => ids.reduce((n, id) => n + del.run(id).changes, 0))();
  }

  async quarantineCountsByReason(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of this.all('SELECT reason, COUNT(*) AS n FROM quarantine GROUP BY reason ORDER BY reason')) out[str(r.reason)] = num(r.n);
    return out;
  }

  // ------------------------------------------------------------------ sources, rules, checkpoints

  async recordSourceActivity(activity: SourceActivity[]): Promise<void> {
    this.conn.transaction(() => this.upsertActivity(activity))();
  }

  private upsertActivity(activity: SourceActivity[]): void {
    const up = this.stmt('sources.activity', SOURCE_ACTIVITY_UPSERT);
    for (const a of activity) up.run({ id: a.id, type: a.type ?? null, format: a.format ?? null, seenAt: a.seenAt, events: a.events, quarantined: a.quarantined });
  }

  async listSources(): Promise<SourceRecord[]> {
    return this.all('SELECT * FROM sources ORDER BY id').map(sourceFromRow);
  }

  async putRules(rules: RuleRecord[]): Promise<void> {
    const db = this.conn;
    const up = db.prepare(`INSERT INTO rules (id, version, kind, title, level, status, enabled, content, source_file, loaded_at)
      VALUES (@id, @version, @kind, @title, @level, @status, @enabled, @content, @sourceFile, @loadedAt)
      ON CONFLICT (id, version) DO UPDATE SET enabled = excluded.enabled, source_file = excluded.source_file`);
    db.transaction(() => {
      for (const r of rules) {
        up.run({ ...r, level: r.level ?? null, status: r.status ?? null, enabled: r.enabled ? 1 : 0, sourceFile: r.sourceFile ?? null });
      }
    })();
  }


  async getRule(id: string, version?: string): Promise<RuleRecord | undefined> {
    const r = version !== undefined
      ? this.get1('SELECT * FROM rules WHERE id = @id AND version = @version', { id, version })
      : this.get1('SELECT * FROM rules WHERE id = @id ORDER BY loaded_at DESC, rowid DESC LIMIT 1', { id });
    return r ? ruleFromRow(r) : undefined;
  }

  async listRules(opts: { enabledOnly?: boolean } = {}): Promise<RuleRecord[]> {
    // The latest version of each rule.
    const rows = this.all(`SELECT r.* FROM rules r WHERE r.rowid = (SELECT r2.rowid FROM rules r2 WHERE r2.id = r.id ORDER BY r2.loaded_at DESC, r2.rowid DESC LIMIT 1)
      ${opts.enabledOnly ? 'AND r.enabled = 1' : ''} ORDER BY r.id`);
    return rows.map((r) => ruleFromRow(r));
  }

  async setRuleEnabled(id: string, enabled: boolean): Promise<boolean> {
    return this.conn.prepare('UPDATE rules SET enabled = ? WHERE id = ?').run(enabled ? 1 : 0, id).changes > 0;
  }

  async saveCheckpoint(cp: Omit<Checkpoint, 'updatedAt'>): Promise<void> {
    this.conn.prepare(`INSERT INTO checkpoints (name, position, state, updated_at) VALUES (@name, @position, @state, @updatedAt)
      ON CONFLICT (name) DO UPDATE SET position = excluded.position, state = excluded.state, updated_at = excluded.updated_at`)
      .run({ name: cp.name, position: cp.position, state: Buffer.from(cp.state), updatedAt: new Date().toISOString() });
  }

  async loadCheckpoint(name: string): Promise<Checkpoint | undefined> {
    const r = this.get1('SELECT * FROM checkpoints WHERE name = @name', { name });
    return r ? { name: str(r.name), position: num(r.position), state: new Uint8Array(r.state as Buffer), updatedAt: str(r.updated_at) } : undefined;
  }

  async tryLease(name: string, owner: string, nowMs: number, expiresAtMs: number): Promise<LeaseAttempt> {
    const row = leaseCheckpointName(name);
    const granted = this.conn.prepare(`INSERT INTO checkpoints (name, position, state, updated_at) VALUES (@row, @expires, @owner, @updatedAt)
      ON CONFLICT (name) DO UPDATE SET position = excluded.position, state = excluded.state, updated_at = excluded.updated_at
      WHERE checkpoints.position < @now OR checkpoints.state = excluded.state`)
      .run({ row, expires: expiresAtMs, owner: Buffer.from(owner, 'utf8'), updatedAt: new Date().toISOString(), now: nowMs }).changes > 0;
    if (granted) return { granted: true };
    return leaseRefused(await this.loadCheckpoint(row));
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.conn.prepare('DELETE FROM checkpoints WHERE name = ? AND state = ?').run(leaseCheckpointName(name), Buffer.from(owner, 'utf8'));
  }

  // ------------------------------------------------------------------ correlations, alerts, incidents

  async putCorrelations(records: CorrelationRecord[]): Promise<void> {
    const db = this.conn;
    const up = db.prepare(`INSERT INTO correlations (id, rule_id, group_key, first_ts, last_ts, doc) VALUES (@id, @ruleId, @groupKey, @firstTs, @lastTs, @doc)
      ON CONFLICT (id) DO UPDATE SET last_ts = excluded.last_ts, doc = excluded.doc`);
    db.transaction(() => { for (const r of records) up.run({ ...r, doc: JSON.stringify(r.doc) }); })();
  }

  async listCorrelations(ruleId?: string): Promise<CorrelationRecord[]> {
    const rows = ruleId !== undefined
      ? this.all('SELECT * FROM correlations WHERE rule_id = @ruleId ORDER BY first_ts, id', { ruleId })
      : this.all('SELECT * FROM correlations ORDER BY first_ts, id');
    return rows.map((r) => ({ id: str(r.id), ruleId: str(r.rule_id), groupKey: str(r.group_key), firstTs: num(r.first_ts), lastTs: num(r.last_ts), doc: jsonOr(r.doc, {}) }));
  }

  async upsertAlerts(alerts: AlertRecord[]): Promise<void> {
    const db = this.conn;
    const up = db.prepare(`INSERT INTO alerts (id, rule_id, rule_version, kind, dedup_key, first_ts, last_ts, score, severity, status, assignee, incident_id, count, doc, created_at, updated_at)
      VALUES (@id, @ruleId, @ruleVersion, @kind, @dedupKey, @firstTs, @lastTs, @score, @severity, @status, @assignee, @incidentId, @count, @doc, @createdAt, @updatedAt)
      ON CONFLICT (id) DO UPDATE SET rule_version = excluded.rule_version, first_ts = MIN(first_ts, excluded.first_ts), last_ts = excluded.last_ts, score = excluded.score, severity = excluded.severity,
        status = excluded.status, assignee = excluded.assignee, incident_id = excluded.incident_id, count = excluded.count, doc = excluded.doc, updated_at = excluded.updated_at`);
    db.transaction(() => {
      for (const a of alerts) {
        up.run({ ...a, ruleVersion: a.ruleVersion ?? null, assignee: a.assignee ?? null, incidentId: a.incidentId ?? null, doc: JSON.stringify(a.doc) });
      }
    })();
  }


  async getAlert(id: string): Promise<AlertRecord | undefined> {
    const r = this.get1('SELECT * FROM alerts WHERE id = @id', { id });
    return r ? alertFromRow(r) : undefined;
  }

  async getAlerts(ids: readonly string[]): Promise<AlertRecord[]> {
    const out: AlertRecord[] = [];
    // Bound the statement's parameters: SQLite allows 32,766 per statement.
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      for (const r of this.conn.prepare(`SELECT * FROM alerts WHERE id IN (${chunk.map(() => '?').join(', ')})`).all(...chunk) as Row[]) out.push(alertFromRow(r));
    }
    return out;
  }

  async alertStamps(from: number): Promise<AlertStamp[]> {
    return this.all(ALERT_STAMPS_SQL, { from }).map((r) => ({ id: str(r.id), stamp: str(r.stamp) }));
  }

  async listAlerts(q: AlertQuery): Promise<Page<AlertRecord>> {
    const where: string[] = [];
    const p: Params = {};
    const eq: [keyof AlertQuery, string][] = [['status', 'status'], ['severity', 'severity'], ['ruleId', 'rule_id'], ['incidentId', 'incident_id'], ['dedupKey', 'dedup_key']];
    for (const [k, col] of eq) {
      const v = q[k];
      if (v !== undefined) { where.push(`${col} = @${k}`); p[k] = v as string; }
    }
    if (q.from !== undefined) { where.push('last_ts >= @from'); p.from = q.from; }
    if (q.to !== undefined) { where.push('first_ts < @to'); p.to = q.to; }
    return this.page('alerts', where, p, q, (r) => alertFromRow(r));
  }

  /** Newest first by first event time, keyset-paged on (first_ts, id). */
  private page<T>(table: 'alerts' | 'incidents', where: string[], p: Params, q: { limit?: number; cursor?: string }, map: (r: Row) => T): Page<T> {
    const total = num(this.get1(`SELECT COUNT(*) AS n FROM ${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, p)?.n ?? 0);
    const w = [...where];
    if (q.cursor !== undefined) {
      const [ts, id] = decodeCursor(q.cursor, 2);
      w.push('(first_ts < @cts OR (first_ts = @cts AND id < @cid))');
      p.cts = Number(ts);
      p.cid = String(id);
    }
    const limit = clampLimit(q.limit);
    const rows = this.all(`SELECT * FROM ${table} ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY first_ts DESC, id DESC LIMIT @limit`, { ...p, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map(map), total, ...(rows.length > limit && last ? { next: encodeCursor([num(last.first_ts), str(last.id)]) } : {}) };
  }

  async upsertIncidents(incidents: IncidentRecord[]): Promise<void> {
    const db = this.conn;
    const up = db.prepare(`INSERT INTO incidents (id, title, status, assignee, score, severity, first_ts, last_ts, doc, created_at, updated_at)
      VALUES (@id, @title, @status, @assignee, @score, @severity, @firstTs, @lastTs, @doc, @createdAt, @updatedAt)
      ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status, assignee = excluded.assignee, score = excluded.score,
        severity = excluded.severity, first_ts = excluded.first_ts, last_ts = excluded.last_ts, doc = excluded.doc, updated_at = excluded.updated_at`);
    db.transaction(() => { for (const i of incidents) up.run({ ...i, assignee: i.assignee ?? null, doc: JSON.stringify(i.doc) }); })();
  }


  async dropOrphanIncidents(ids: readonly string[]): Promise<string[]> {
    const drop = this.conn.prepare(`DELETE FROM incidents WHERE id = ? AND ${ORPHAN_INCIDENT_SQL} RETURNING id`).pluck();
    return this.conn.transaction(() => ids.flatMap((id) => drop.all(id) as string[]))();
  }

  async getIncident(id: string): Promise<IncidentRecord | undefined> {
    const r = this.get1('SELECT * FROM incidents WHERE id = @id', { id });
    return r ? incidentFromRow(r) : undefined;
  }

  async listIncidents(q: IncidentQuery): Promise<Page<IncidentRecord>> {
    const where: string[] = [];
    const p: Params = {};
    if (q.status !== undefined) { where.push('status = @status'); p.status = q.status; }
    if (q.severity !== undefined) { where.push('severity = @severity'); p.severity = q.severity; }
    if (q.assignee !== undefined) { where.push('assignee = @assignee'); p.assignee = q.assignee; }
    return this.page('incidents', where, p, q, (r) => incidentFromRow(r));
  }

  async addResponseAction(a: ResponseActionRecord): Promise<void> {
    this.conn.prepare(`INSERT INTO response_actions (id, incident_id, alert_id, action, status, actor, result, created_at, updated_at)
      VALUES (@id, @incidentId, @alertId, @action, @status, @actor, @result, @createdAt, @updatedAt)`)
      .run({ ...a, incidentId: a.incidentId ?? null, alertId: a.alertId ?? null, result: a.result ? JSON.stringify(a.result) : null });
  }

  async updateResponseAction(id: string, patch: Pick<ResponseActionRecord, 'status' | 'result' | 'updatedAt'>): Promise<boolean> {
    return this.conn.prepare('UPDATE response_actions SET status = @status, result = @result, updated_at = @updatedAt WHERE id = @id')
      .run({ id, status: patch.status, result: patch.result ? JSON.stringify(patch.result) : null, updatedAt: patch.updatedAt }).changes > 0;
  }

  async listResponseActions(filter: { incidentId?: string; alertId?: string }): Promise<ResponseActionRecord[]> {
    const where: string[] = [];
    const p: Params = {};
    if (filter.incidentId !== undefined) { where.push('incident_id = @incidentId'); p.incidentId = filter.incidentId; }
    if (filter.alertId !== undefined) { where.push('alert_id = @alertId'); p.alertId = filter.alertId; }
    return this.all(`SELECT * FROM response_actions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`, p).map(responseActionFromRow);
  }

  // ------------------------------------------------------------------ users, roles, keys

  async createUser(u: UserRecord): Promise<void> {
    try {
      this.conn.prepare(`INSERT INTO users (id, username, password_hash, role, disabled, created_at, updated_at)
        VALUES (@id, @username, @passwordHash, @role, @disabled, @createdAt, @updatedAt)`).run({ ...u, disabled: u.disabled ? 1 : 0 });
    } catch (err) {
      if (String((err as Error).message).includes('UNIQUE')) throw new StoreError('conflict', `user ${u.username} already exists`, { cause: err });
      throw err;
    }
  }

  async updateUser(id: string, patch: Partial<Pick<UserRecord, 'passwordHash' | 'role' | 'disabled' | 'updatedAt'>>): Promise<boolean> {
    const sets: string[] = [];
    const p: Params = { id };
    if (patch.passwordHash !== undefined) { sets.push('password_hash = @passwordHash'); p.passwordHash = patch.passwordHash; }
    if (patch.role !== undefined) { sets.push('role = @role'); p.role = patch.role; }
    if (patch.disabled !== undefined) { sets.push('disabled = @disabled'); p.disabled = patch.disabled ? 1 : 0; }
    sets.push('updated_at = @updatedAt');
    p.updatedAt = patch.updatedAt ?? new Date().toISOString();
    return this.conn.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = @id`).run(p).changes > 0;
  }


  async getUser(key: { id: string } | { username: string }): Promise<UserRecord | undefined> {
    const r = 'id' in key ? this.get1('SELECT * FROM users WHERE id = @id', { id: key.id }) : this.get1('SELECT * FROM users WHERE username = @u', { u: key.username });
    return r ? userFromRow(r) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.all('SELECT * FROM users ORDER BY username').map((r) => userFromRow(r));
  }

  async listRoles(): Promise<RoleRecord[]> {
    const perms = this.all('SELECT role, permission FROM permissions ORDER BY role, permission');
    return this.all('SELECT * FROM roles ORDER BY name').map((r) => ({
      name: str(r.name) as RoleName,
      description: str(r.description),
      permissions: perms.filter((p) => p.role === r.name).map((p) => str(p.permission)),
    }));
  }

  async createApiKey(k: ApiKeyRecord): Promise<void> {
    this.conn.prepare(`INSERT INTO api_keys (id, user_id, name, prefix, key_hash, role, created_at, revoked_at, last_used_at)
      VALUES (@id, @userId, @name, @prefix, @keyHash, @role, @createdAt, @revokedAt, @lastUsedAt)`)
      .run({ ...k, revokedAt: k.revokedAt ?? null, lastUsedAt: k.lastUsedAt ?? null });
  }


  async findApiKeyByPrefix(prefix: string): Promise<ApiKeyRecord | undefined> {
    const r = this.get1('SELECT * FROM api_keys WHERE prefix = @prefix', { prefix });
    return r ? keyFromRow(r) : undefined;
  }

  async revokeApiKey(id: string, at: string): Promise<boolean> {
    return this.conn.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes > 0;
  }

  async listApiKeys(userId?: string): Promise<ApiKeyRecord[]> {
    const rows = userId !== undefined ? this.all('SELECT * FROM api_keys WHERE user_id = @userId ORDER BY created_at', { userId }) : this.all('SELECT * FROM api_keys ORDER BY created_at');
    return rows.map((r) => keyFromRow(r));
  }

  // ------------------------------------------------------------------ sessions, comments

  async createSession(s: SessionRecord): Promise<void> {
    this.conn.prepare(`INSERT INTO sessions (id, user_id, refresh_hash, created_at, expires_at, revoked_at, source_ip)
      VALUES (@id, @userId, @refreshHash, @createdAt, @expiresAt, @revokedAt, @sourceIp)`)
      .run({ ...s, revokedAt: s.revokedAt ?? null, sourceIp: s.sourceIp ?? null });
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const r = this.get1('SELECT * FROM sessions WHERE id = @id', { id });
    if (!r) return undefined;
    return {
      id: str(r.id), userId: str(r.user_id), refreshHash: str(r.refresh_hash), createdAt: str(r.created_at), expiresAt: str(r.expires_at),
      ...(r.revoked_at !== null ? { revokedAt: str(r.revoked_at) } : {}),
      ...(r.source_ip !== null ? { sourceIp: str(r.source_ip) } : {}),
    };
  }

  async rotateSessionRefresh(id: string, oldHash: string, newHash: string, expiresAt: string): Promise<boolean> {
    return this.conn.prepare(`UPDATE sessions SET refresh_hash = @newHash, expires_at = @expiresAt
      WHERE id = @id AND refresh_hash = @oldHash AND revoked_at IS NULL`).run({ id, oldHash, newHash, expiresAt }).changes > 0;
  }

  async revokeSessions(which: { id: string } | { userId: string }, at: string): Promise<number> {
    const col = 'id' in which ? 'id' : 'user_id';
    const v = 'id' in which ? which.id : which.userId;
    return this.conn.prepare(`UPDATE sessions SET revoked_at = @at WHERE ${col} = @v AND revoked_at IS NULL`).run({ at, v }).changes;
  }

  async addComment(c: CommentRecord): Promise<void> {
    this.conn.prepare(`INSERT INTO comments (id, target_kind, target_id, author, body, created_at)
      VALUES (@id, @targetKind, @targetId, @author, @body, @createdAt)`).run({ ...c });
  }

  async listComments(targetKind: CommentRecord['targetKind'], targetId: string): Promise<CommentRecord[]> {
    return this.all('SELECT * FROM comments WHERE target_kind = @k AND target_id = @t ORDER BY created_at, id', { k: targetKind, t: targetId }).map((r) => ({
      id: str(r.id), targetKind: str(r.target_kind) as CommentRecord['targetKind'], targetId: str(r.target_id), author: str(r.author), body: str(r.body), createdAt: str(r.created_at),
    }));
  }

  // ------------------------------------------------------------------ assets, intel

  async putAssetTypes(types: AssetTypeRecord[]): Promise<void> {
    const db = this.conn;
    const up = db.prepare(`INSERT INTO asset_types (name, description, default_criticality) VALUES (@name, @description, @defaultCriticality)
      ON CONFLICT (name) DO UPDATE SET description = excluded.description, default_criticality = excluded.default_criticality`);
    db.transaction(() => { for (const t of types) up.run({ ...t, description: t.description ?? null }); })();
  }

  async listAssetTypes(): Promise<AssetTypeRecord[]> {
    return this.all('SELECT * FROM asset_types ORDER BY name').map((r) => ({
      name: str(r.name), defaultCriticality: num(r.default_criticality), ...(r.description !== null ? { description: str(r.description) } : {}),
    }));
  }

  async putAssets(assets: AssetRecord[]): Promise<void> {
    const db = this.conn;
    const up = db.prepare(`INSERT INTO assets (id, kind, value, asset_type, criticality, zone, owner, tags) VALUES (@id, @kind, @value, @assetType, @criticality, @zone, @owner, @tags)
      ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, value = excluded.value, asset_type = excluded.asset_type, criticality = excluded.criticality,
        zone = excluded.zone, owner = excluded.owner, tags = excluded.tags`);
    db.transaction(() => {
      for (const a of assets) up.run({ ...a, assetType: a.assetType ?? null, zone: a.zone ?? null, owner: a.owner ?? null, tags: JSON.stringify(a.tags) });
    })();
  }

  async listAssets(): Promise<AssetRecord[]> {
    return this.all('SELECT * FROM assets ORDER BY kind, value').map((r) => ({
      id: str(r.id), kind: str(r.kind) as AssetRecord['kind'], value: str(r.value), criticality: num(r.criticality), tags: jsonOr<string[]>(r.tags, []),
      ...(r.asset_type !== null ? { assetType: str(r.asset_type) } : {}),
      ...(r.zone !== null ? { zone: str(r.zone) } : {}),
      ...(r.owner !== null ? { owner: str(r.owner) } : {}),
    }));
  }

  async putFeed(feed: ThreatIntelFeed): Promise<void> {
    this.conn.prepare(`INSERT INTO threat_intel (id, name, source, updated_at) VALUES (@id, @name, @source, @updatedAt)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, source = excluded.source, updated_at = excluded.updated_at`).run({ ...feed, source: feed.source ?? null });
  }

  async listFeeds(): Promise<ThreatIntelFeed[]> {
    return this.all('SELECT * FROM threat_intel ORDER BY id').map((r) => ({ id: str(r.id), name: str(r.name), updatedAt: str(r.updated_at), ...(r.source !== null ? { source: str(r.source) } : {}) }));
  }

  async putIocs(iocs: IocRecord[]): Promise<number> {
    const db = this.conn;
    const up = db.prepare(`INSERT INTO iocs (feed_id, type, value, threat, confidence, first_seen, last_seen, expires_at)
      VALUES (@feedId, @type, @value, @threat, @confidence, @firstSeen, @lastSeen, @expiresAt)
      ON CONFLICT (feed_id, type, value) DO UPDATE SET threat = excluded.threat, confidence = excluded.confidence, last_seen = excluded.last_seen, expires_at = excluded.expires_at`);
    return db.transaction(() => iocs.reduce((n, i) => n + up.run({ ...i, threat: i.threat ?? null, confidence: i.confidence ?? null, expiresAt: i.expiresAt ?? null }).changes, 0))();
  }

  async findIocs(type: IocType, values: string[]): Promise<IocRecord[]> {
    if (values.length === 0) return [];
    const out: IocRecord[] = [];
    const stmt = this.conn.prepare('SELECT * FROM iocs WHERE type = ? AND value = ? ORDER BY feed_id');
    for (const v of values) {
      for (const r of stmt.all(type, v) as Row[]) {
        out.push({
          feedId: str(r.feed_id), type: str(r.type) as IocType, value: str(r.value), firstSeen: str(r.first_seen), lastSeen: str(r.last_seen),
          ...(r.threat !== null ? { threat: str(r.threat) } : {}),
          ...(r.confidence !== null ? { confidence: num(r.confidence) } : {}),
          ...(r.expires_at !== null ? { expiresAt: str(r.expires_at) } : {}),
        });
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ alerting state

  async mergeBaselines(rows: BaselineRecord[]): Promise<void> {
    const db = this.conn;
    const up = db.prepare(`INSERT INTO entity_baseline (kind, entity, value, first_ts, last_ts, count) VALUES (@kind, @entity, @value, @firstTs, @lastTs, @count)
      ON CONFLICT (kind, entity, value) DO UPDATE SET first_ts = MIN(first_ts, excluded.first_ts), last_ts = MAX(last_ts, excluded.last_ts), count = count + excluded.count`);
    db.transaction(() => { for (const r of rows) up.run(r); })();
  }

  async getBaselines(keys: BaselineKey[]): Promise<BaselineRecord[]> {
    const stmt = this.conn.prepare('SELECT * FROM entity_baseline WHERE kind = ? AND entity = ? AND value = ?');
    const out: BaselineRecord[] = [];
    for (const k of keys) {
      const r = stmt.get(k.kind, k.entity, k.value) as Row | undefined;
      if (r) out.push({ kind: str(r.kind), entity: str(r.entity), value: str(r.value), firstTs: num(r.first_ts), lastTs: num(r.last_ts), count: num(r.count) });
    }
    return out;
  }

  async putUserRisk(rows: UserRiskRecord[]): Promise<void> {
    const db = this.conn;
    const up = db.prepare(`INSERT INTO user_risk (user_id, risk, as_of_ts) VALUES (@user, @risk, @asOfTs)
      ON CONFLICT (user_id) DO UPDATE SET risk = excluded.risk, as_of_ts = excluded.as_of_ts`);
    db.transaction(() => { for (const r of rows) up.run(r); })();
  }

  async getUserRisk(users?: string[]): Promise<UserRiskRecord[]> {
    const map = (r: Row): UserRiskRecord => ({ user: str(r.user_id), risk: num(r.risk), asOfTs: num(r.as_of_ts) });
    if (users === undefined) return this.all('SELECT * FROM user_risk ORDER BY user_id').map(map);
    const stmt = this.conn.prepare('SELECT * FROM user_risk WHERE user_id = ?');
    return users.flatMap((u) => { const r = stmt.get(u) as Row | undefined; return r ? [map(r)] : []; });
  }

  async putAttackObjects(rows: AttackObjectRecord[]): Promise<number> {
    const db = this.conn;
    const up = db.prepare(`INSERT INTO attack_objects (id, kind, name, tactics, url) VALUES (@id, @kind, @name, @tactics, @url)
      ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, tactics = excluded.tactics, url = excluded.url`);
    return db.transaction(() => rows.reduce((n, r) => n + up.run({ ...r, tactics: JSON.stringify(r.tactics), url: r.url ?? null }).changes, 0))();
  }

  async listAttackObjects(): Promise<AttackObjectRecord[]> {
    return this.all('SELECT * FROM attack_objects ORDER BY id').map((r) => ({
      id: str(r.id), kind: str(r.kind) as AttackObjectRecord['kind'], name: str(r.name), tactics: jsonOr<string[]>(r.tactics, []),
      ...(r.url !== null ? { url: str(r.url) } : {}),
    }));
  }

  async referenceVersion(): Promise<number> {
    return num(this.get1('SELECT version FROM reference_version WHERE id = 1')?.version ?? 0);
  }

  async alertStatsByRule(): Promise<RuleAlertStats[]> {
    return alertStatsFromRows(this.all('SELECT rule_id, status, COUNT(*) AS n, SUM(count) AS m FROM alerts GROUP BY rule_id, status ORDER BY rule_id, status'));
  }

  // ------------------------------------------------------------------ audit

  async appendAudit(entries: AuditInput[]): Promise<AuditEntry[]> {
    const db = this.conn;
    const head = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const ins = db.prepare(`INSERT INTO audit_log (seq, ts, actor, action, target, outcome, source_ip, details, prev_hash, hash)
      VALUES (@seq, @ts, @actor, @action, @target, @outcome, @source_ip, @details, @prev_hash, @hash)`);
    // IMMEDIATE: take the write lock before reading the head, so two writers cannot fork the chain.
    return db.transaction(() => {
      const h = head.get() as Row | undefined;
      let seq = h ? num(h.seq) : 0;
      let prev = h ? str(h.hash) : GENESIS_HASH;
      const out: AuditEntry[] = [];
      for (const e of entries) {
        seq++;
        const ts = new Date().toISOString();
        const entry: AuditEntry = { ...e, outcome: e.outcome ?? 'success', seq, ts, prev_hash: prev, hash: auditHash(seq, ts, e, prev) };
        ins.run({ seq, ts, actor: e.actor, action: e.action, target: e.target ?? null, outcome: entry.outcome ?? 'success', source_ip: e.source_ip ?? null,
          details: e.details ? JSON.stringify(e.details) : null, prev_hash: prev, hash: entry.hash });
        prev = entry.hash;
        out.push(entry);
      }
      return out;
    }).immediate();
  }


  async readAudit(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return this.all('SELECT * FROM audit_log WHERE seq > @after ORDER BY seq LIMIT @limit', { after: afterSeq, limit: clampLimit(limit, 1000, 100_000) })
      .map((r) => auditFromRow(r));
  }

  async auditLength(): Promise<number> {
    return num(this.get1('SELECT COUNT(*) AS n FROM audit_log')?.n ?? 0);
  }

  async verifyAudit(): Promise<AuditVerification> {
    // rowid order is insertion order: a swapped pair of rows shows up as a sequence or link break.
    const stmt = this.conn.prepare('SELECT * FROM audit_log ORDER BY rowid');
    const rows = stmt.iterate() as IterableIterator<Row>;
    const toEntry = (r: Row): AuditEntry => auditFromRow(r);
    return verifyAuditChain((function* () { for (const r of rows) yield toEntry(r); })());
  }
}
