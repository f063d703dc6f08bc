import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PoolClient, QueryResult } from 'pg';
import type { WeftEvent } from '../../event/model.js';
import { silentLogger, type Logger } from '../../log/logger.js';
import { alertStampSql } from '../alert-stamp.js';
import { auditHash, GENESIS_HASH, verifyAuditChain, type AuditChainPosition } from '../audit-chain.js';
import { StoreError } from '../errors.js';
import { clampLimit, decodeCursor, encodeCursor } from '../event-columns.js';
import {
  alertFromRow, alertStatsFromRows, auditFromRow, incidentFromRow, jsonOr, keyFromRow, num, quarantineFromRow, responseActionFromRow, ruleFromRow, sourceFromRow, str,
  userFromRow, type Row,
} from '../record-rows.js';
import { ORPHAN_INCIDENT_SQL } from '../orphan-incidents.js';
import { ROLES } from '../roles.js';
import type {
  AlertQuery, AlertRecord, AlertStamp, ApiKeyRecord, AppendResult, AssetRecord, AssetTypeRecord, AttackObjectRecord, AuditEntry, AuditInput,
  AuditVerification, BaselineKey, BaselineRecord, Checkpoint, CommentRecord, SessionRecord, RuleAlertStats, UserRiskRecord, CorrelationRecord, EventQuery, IncidentQuery, IncidentRecord, IocRecord, IocType,
  LoggedEvent, Page, QuarantineInput, QuarantineQuery, QuarantineRecord, ResponseActionRecord, RoleName, RoleRecord,
  LeaseAttempt, RuleRecord, SourceActivity, SourceRecord, Store, ThreatIntelFeed, UserRecord,
} from '../types.js';
import { leaseCheckpointName, leaseRefused } from '../types.js';
import { eventColumnArrays, eventFromPgRow, selectRows } from './event-rows.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { ensureMonthPartitions, MAX_PARTITION_YEAR, MIN_PARTITION_YEAR, monthKey } from './partitions.js';
import { redactUrl, toStoreError } from './pg-errors.js';
import { hasUnstorableText, storableJson, storableOrNull, storableText } from './pg-text.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Pool size (connections). Default 10. */
  poolSize?: number;
  /**
   * Schema to keep Weft's tables in (created by migrate). Default: the server's search_path, usually
   * `public`. Lets several Weft instances or test runs share one database.
   */
  schema?: string;
  /** How long to wait for a connection before failing. Default 10 s. */
  connectTimeoutMs?: number;
  logger?: Logger;
}

/** One row of the hourly summary view. */
export interface HourlySummaryRow {
  /** Start of the UTC hour, ISO-8601. */
  hour: string;
  sourceId: string;
  /** The first `event.category` value; absent for events without one. */
  category?: string;
  events: number;
}

type Querier = Pick<PoolClient, 'query'>;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const isoOf = (ms: number): string => new Date(ms).toISOString();
const FIRST_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A query time bound as a timestamptz parameter. Stored events are all within years 1-9999 (appends
 * enforce it), so a bound beyond that range becomes -infinity/infinity, which selects the same rows.
 */
function timeParam(what: string, ms: number): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new StoreError('invalid_record', `${what} must be a finite number of milliseconds, got ${String(ms)}`);
  if (ms < FIRST_MS) return '-infinity';
  if (ms > LAST_MS) return 'infinity';
  return isoOf(ms);
}

/**
 * Split a batch into rounds with unique keys: the k-th occurrence of a key goes into round k. Running
 * one multi-row upsert per round gives the result of applying the rows one by one (as the SQLite store
 * does), where a single `ON CONFLICT DO UPDATE` would refuse to touch a row twice.
 */
function rounds<T>(rows: readonly T[], key: (r: T) => string): T[][] {
  const out: T[][] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    (out[n] ??= []).push(r);
  }
  return out;
}

/** Advisory lock keys: 64-bit, derived from a purpose and the schema so two schemas do not contend. */
function lockKey(purpose: string, scope: string): string {
  return createHash('sha256').update(`weft:${purpose}:${scope}`).digest().readBigInt64BE(0).toString();
}

/**
 * The PostgreSQL store. Every batch method runs in one transaction, so a batch is stored whole or not
 * at all. Events live in a monthly range-partitioned table (see migrations.ts and partitions.ts).
 *
 * Ordering of the event log: `seq` comes from a sequence, and a sequence hands out numbers at call
 * time, not commit time. Two concurrent appends could commit seq 11 before seq 10, and a reader that
 * has just seen 11 would never read 10. So every append takes a transaction-level advisory lock
 * before it allocates seqs and holds it until commit: appends are serialized, each batch's seqs are
 * above every committed seq, and seqs become visible in order. Readers take no lock.
 */
export class PostgresStore implements Store {
  readonly driver = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly logger: Logger;
  private readonly schema: string | undefined;
  private readonly locks: { migrate: string; events: string; audit: string };
  private closed = false;

  constructor(opts: PostgresStoreOptions) {
    if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) {
      throw new StoreError('invalid_record', `schema name must match ${SCHEMA_NAME.source}, got ${JSON.stringify(opts.schema)}`);
    }
    this.schema = opts.schema;
    this.logger = opts.logger ?? silentLogger;
    const scope = opts.schema ?? '(default)';
    this.locks = { migrate: lockKey('migrate', scope), events: lockKey('events', scope), audit: lockKey('audit', scope) };
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      ...(opts.schema !== undefined ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle connection that dies (server restart) is reported here; without a listener it would crash the process.
    const where = redactUrl(opts.url);
    this.pool.on('error', (err) => this.logger.warn({ err: err.message, url: where }, 'idle PostgreSQL connection failed'));
  }

  private get live(): pg.Pool {
    if (this.closed) throw new StoreError('closed', 'store is closed');
    return this.pool;
  }

  private async q(what: string, sql: string, params: unknown[] = [], on?: Querier): Promise<QueryResult<Row>> {
    try {
      return await (on ?? this.live).query<Row>(sql, params);
    } catch (err) {
      throw toStoreError(err, what);
    }
  }

  private async rows(what: string, sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.q(what, sql, params)).rows;
  }

  private async one(what: string, sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.q(what, sql, params)).rows[0];
  }

  /** Run `fn` in one transaction on one connection; any error rolls back and surfaces as a StoreError. */
  private async tx<T>(what: string, fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.live.connect();
    } catch (err) {
      throw toStoreError(err, what);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        // The connection is unusable: destroy it rather than return it to the pool.
        broken = rollbackErr as Error;
      }
      throw toStoreError(err, what);
    } finally {
      client.release(broken);
    }
  }

  // ------------------------------------------------------------------ lifecycle

  async migrate(): Promise<number> {
    const schema = this.schema;
    await this.tx('migrate', async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [this.locks.migrate]);
      if (schema !== undefined) await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    });
    for (const m of POSTGRES_MIGRATIONS) {
      try {
        await this.tx(`migration ${m.version}`, async (c) => {
          // The lock makes concurrent migrate() calls (two processes starting at once) apply each version once.
          await c.query('SELECT pg_advisory_xact_lock($1)', [this.locks.migrate]);
          const done = await c.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
          if (done.rowCount !== 0) return;
          await c.query(m.sql);
          await c.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          this.logger.info({ version: m.version, name: m.name }, 'applied PostgreSQL migration');
        });
      } catch (err) {
        // The server's own message, without the "migration N:" prefix the transaction wrapper adds.
        const cause = err instanceof StoreError && err.cause instanceof Error ? err.cause.message : (err as Error).message;
        throw new StoreError('migration_failed', `migration ${m.version} (${m.name}) failed: ${cause}`, { cause: err });
      }
    }
    await this.syncRoles();
    return this.schemaVersion();
  }

  /** Roles and their permissions are defined in code; the tables mirror them after every migrate. */
  private async syncRoles(): Promise<void> {
    const names = ROLES.map((r) => r.name);
    const grants = ROLES.flatMap((r) => r.permissions.map((p) => [r.name, p] as const));
    await this.tx('sync roles', async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [this.locks.migrate]);
      await c.query(`INSERT INTO roles (name, description) SELECT * FROM unnest($1::text[], $2::text[])
        ON CONFLICT (name) DO UPDATE SET description = excluded.description`, [names, ROLES.map((r) => r.description)]);
      await c.query('DELETE FROM permissions WHERE role = ANY($1::text[])', [names]);
      await c.query('INSERT INTO permissions (role, permission) SELECT * FROM unnest($1::text[], $2::text[])', [grants.map((g) => g[0]), grants.map((g) => g[1])]);
    });
  }

  async schemaVersion(): Promise<number> {
    const r = await this.one('schema version', `SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
    if (r?.present !== true) return 0;
    return num((await this.one('schema version', 'SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations'))?.v ?? 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  // ------------------------------------------------------------------ events

  async appendEvents(events: WeftEvent[]): Promise<AppendResult> {
    // Validate the whole batch before writing anything: a bad record rejects the batch, names itself.
    const { cols, batchDuplicates } = eventColumnArrays(events);
    if (cols.id.length === 0) return { inserted: 0, duplicates: batchDuplicates, lastSeq: await this.lastEventSeq() };
    return this.tx('append events', async (c) => {
      // Held until commit: seqs are allocated and made visible in commit order (see the class comment).
      await c.query('SELECT pg_advisory_xact_lock($1)', [this.locks.events]);
      await ensureMonthPartitions(c, cols.month);
      // Under the lock nobody else inserts ids, so filtering known ids here means duplicates burn no seqs.
      const known = await c.query<{ id: string }>('SELECT id FROM event_ids WHERE id = ANY($1::text[])', [cols.id]);
      const knownIds = new Set(known.rows.map((r) => r.id));
      const keep: number[] = [];
      for (let k = 0; k < cols.id.length; k++) if (!knownIds.has(cols.id[k] as string)) keep.push(k);
      let inserted = 0;
      if (keep.length > 0) {
        const fresh = keep.length === cols.id.length ? cols : selectRows(cols, keep);
        const alloc = await c.query<{ last: string }>(`SELECT setval('event_seq', nextval('event_seq') + $1 - 1) AS last`, [fresh.id.length]);
        const first = num(alloc.rows[0]?.last) - fresh.id.length + 1;
        const seqs = fresh.id.map((_, k) => first + k);
        // event_ids is the cross-partition unique index on id; ON CONFLICT DO NOTHING keeps the retry
        // semantics even against a writer that bypasses the lock, and only rows it accepted reach events.
        // The documents travel as one JSON array (already JSON text: joining them is free), zipped back to
        // their rows by position with ROWS FROM; quoting 5000 documents into a jsonb[] literal cost more
        // than the rest of the append together.
        const res = await c.query(`WITH ids AS (
            INSERT INTO event_ids (id, seq, ts) SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[])
            ON CONFLICT (id) DO NOTHING RETURNING seq
          )
          INSERT INTO events (id, seq, ts, ingest_ts, source_id, source_type, category, action, code, source_ip, destination_ip,
            user_name, host_name, entity_ids, doc, raw, exact)
          SELECT t.* FROM ROWS FROM (unnest($1::text[]), unnest($2::bigint[]), unnest($3::timestamptz[]), unnest($4::timestamptz[]),
            unnest($5::text[]), unnest($6::text[]), unnest($7::text[]), unnest($8::text[]), unnest($9::text[]), unnest($10::text[]),
            unnest($11::text[]), unnest($12::text[]), unnest($13::text[]), unnest($14::text[]), jsonb_array_elements($15::jsonb),
            unnest($16::text[]), unnest($17::text[]))
            AS t(id, seq, ts, ingest_ts, source_id, source_type, category, action, code, source_ip, destination_ip,
              user_name, host_name, entity_ids, doc, raw, exact)
          WHERE t.seq IN (SELECT seq FROM ids)`, [
          fresh.id, seqs, fresh.ts, fresh.ingestTs, fresh.sourceId, fresh.sourceType, fresh.category, fresh.action, fresh.code,
          fresh.sourceIp, fresh.destinationIp, fresh.userName, fresh.hostName, fresh.entityIds, `[${fresh.doc.join(',')}]`, fresh.raw, fresh.exact,
        ]);
        inserted = res.rowCount ?? 0;
      }
      const last = await c.query<{ s: string }>('SELECT COALESCE(MAX(seq), 0) AS s FROM event_ids');
      return { inserted, duplicates: events.length - inserted, lastSeq: num(last.rows[0]?.s) };
    });
  }

  /**
   * Create the monthly partitions covering [fromMs, toMs] ahead of time (e.g. from a monthly job), so
   * appends rarely do DDL. Returns the partitions it created.
   */
  async ensurePartitions(fromMs: number, toMs: number): Promise<string[]> {
    const lo = monthKey(fromMs);
    const hi = monthKey(toMs);
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo || lo < MIN_PARTITION_YEAR * 12 || hi > MAX_PARTITION_YEAR * 12 + 11 || hi - lo > 1200) {
      throw new StoreError('invalid_record', `partition range must be within years ${MIN_PARTITION_YEAR}-${MAX_PARTITION_YEAR}, ordered and at most 100 years long`);
    }
    return this.tx('ensure partitions', async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [this.locks.events]);
      return ensureMonthPartitions(c, Array.from({ length: hi - lo + 1 }, (_, k) => lo + k));
    });
  }

  async readEventLog(afterSeq: number, limit: number): Promise<LoggedEvent[]> {
    const rows = await this.rows('read event log', 'SELECT seq, doc, raw, exact FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [
      afterSeq, clampLimit(limit, 1000, 100_000),
    ]);
    return rows.map((r) => ({ seq: num(r.seq), event: eventFromPgRow(r.doc, r.raw, r.exact) }));
  }

  async lastEventSeq(): Promise<number> {
    return num((await this.one('last event seq', 'SELECT COALESCE(MAX(seq), 0) AS s FROM event_ids'))?.s ?? 0);
  }

  async getEvent(id: string): Promise<WeftEvent | undefined> {
    return (await this.getEvents([id]))[0];
  }

  async getEvents(ids: readonly string[]): Promise<WeftEvent[]> {
    const wanted = [...new Set(ids)].filter((id) => !hasUnstorableText(id));
    const out: WeftEvent[] = [];
    // One round trip per thousand ids rather than one per id. event_ids carries ts, so each lookup
    // prunes to one partition instead of probing every month.
    for (let i = 0; i < wanted.length; i += 1000) {
      const rows = await this.rows('get events', `SELECT e.doc, e.raw, e.exact FROM event_ids i JOIN events e ON e.ts = i.ts AND e.seq = i.seq WHERE i.id = ANY($1::text[])`, [wanted.slice(i, i + 1000)]);
      for (const r of rows) out.push(eventFromPgRow(r.doc, r.raw, r.exact));
    }
    return out;
  }

  async searchEvents(q: EventQuery): Promise<Page<WeftEvent>> {
    const where: string[] = [];
    const p: unknown[] = [];
    const add = (v: unknown): string => { p.push(v); return `$${p.length}`; };
    if (q.from !== undefined) where.push(`ts >= ${add(timeParam('from', q.from))}::timestamptz`);
    if (q.to !== undefined) where.push(`ts < ${add(timeParam('to', q.to))}::timestamptz`);
    if (q.sourceId !== undefined) where.push(`source_id = ${add(storableText(q.sourceId))}`);
    if (q.sourceIp !== undefined) where.push(`source_ip = ${add(storableText(q.sourceIp))}`);
    if (q.destinationIp !== undefined) where.push(`destination_ip = ${add(storableText(q.destinationIp))}`);
    if (q.userName !== undefined) where.push(`user_name = ${add(storableText(q.userName))}`);
    if (q.hostName !== undefined) where.push(`host_name = ${add(storableText(q.hostName))}`);
    if (q.text !== undefined && q.text.length > 0) {
      const pattern = add(`%${storableText(q.text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(doc::text ILIKE ${pattern} ESCAPE '\\' OR raw ILIKE ${pattern} ESCAPE '\\')`);
    }
    const limit = clampLimit(q.limit);
    let cursorWhere = '';
    const pageParams = [...p];
    if (q.cursor !== undefined) {
      const [cts, cseq] = decodeCursor(q.cursor, 2);
      if (!Number.isFinite(Number(cts)) || !Number.isInteger(Number(cseq))) throw new StoreError('invalid_record', `cursor is not valid: ${q.cursor.slice(0, 64)}`);
      pageParams.push(timeParam('cursor', Number(cts)), Number(cseq));
      cursorWhere = `(ts, seq) < ($${pageParams.length - 1}::timestamptz, $${pageParams.length}::bigint)`;
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const pageFilter = [...where, ...(cursorWhere ? [cursorWhere] : [])];
    pageParams.push(limit + 1);
    const [count, rows] = await Promise.all([
      this.one('search events', `SELECT COUNT(*) AS n FROM events ${filter}`, p),
      this.rows('search events', `SELECT seq, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, doc, raw, exact FROM events
        ${pageFilter.length > 0 ? `WHERE ${pageFilter.join(' AND ')}` : ''} ORDER BY ts DESC, seq DESC LIMIT $${pageParams.length}`, pageParams),
    ]);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => eventFromPgRow(r.doc, r.raw, r.exact)),
      total: num(count?.n ?? 0),
      ...(rows.length > limit && last ? { next: encodeCursor([num(last.ts_ms), num(last.seq)]) } : {}),
    };
  }

  /**
   * Events whose document contains `match` (JSONB `@>`, served by the GIN jsonb_path_ops index), newest
   * first. `{ user: { name: 'alice' }, event: { category: ['authentication'] } }` matches every event
   * with that user name and that category among its categories. `event.original` is not in the document.
   */
  async eventsContaining(match: Record<string, unknown>, opts: { limit?: number } = {}): Promise<WeftEvent[]> {
    if (match === null || typeof match !== 'object' || Array.isArray(match)) {
      throw new StoreError('invalid_record', 'eventsContaining: match must be a JSON object');
    }
    const rows = await this.rows('events containing', 'SELECT doc, raw, exact FROM events WHERE doc @> $1::jsonb ORDER BY ts DESC, seq DESC LIMIT $2', [
      storableJson(JSON.stringify(match)), clampLimit(opts.limit),
    ]);
    return rows.map((r) => eventFromPgRow(r.doc, r.raw, r.exact));
  }

  async rewriteEvents(events: WeftEvent[]): Promise<number> {
    const { cols } = eventColumnArrays(events);
    if (cols.id.length === 0) return 0;
    return this.tx('rewrite events', async (c) => {
      // ts in the join lets PostgreSQL prune to the events' partitions.
      const res = await c.query(`UPDATE events e SET source_type = t.source_type, category = t.category, action = t.action, code = t.code,
          source_ip = t.source_ip, destination_ip = t.destination_ip, user_name = t.user_name, host_name = t.host_name, entity_ids = t.entity_ids,
          doc = t.doc, raw = t.raw, exact = t.exact
        FROM ROWS FROM (unnest($1::text[]), unnest($2::timestamptz[]), unnest($3::text[]), unnest($4::text[]), unnest($5::text[]), unnest($6::text[]),
          unnest($7::text[]), unnest($8::text[]), unnest($9::text[]), unnest($10::text[]), unnest($11::text[]), jsonb_array_elements($12::jsonb),
          unnest($13::text[]), unnest($14::text[]))
          AS t(id, ts, source_type, category, action, code, source_ip, destination_ip, user_name, host_name, entity_ids, doc, raw, exact)
        WHERE e.id = t.id AND e.ts = t.ts`, [
        cols.id, cols.ts, cols.sourceType, cols.category, cols.action, cols.code, cols.sourceIp, cols.destinationIp, cols.userName, cols.hostName,
        cols.entityIds, `[${cols.doc.join(',')}]`, cols.raw, cols.exact,
      ]);
      return res.rowCount ?? 0;
    });
  }

  async countEvents(): Promise<number> {
    return num((await this.one('count events', 'SELECT COUNT(*) AS n FROM events'))?.n ?? 0);
  }

  /**
   * Recompute the hourly summary view. CONCURRENTLY (the default) keeps it readable meanwhile;
   * it cannot run inside a transaction, so this uses a pooled connection on its own.
   */
  async refreshHourlySummary(opts: { concurrently?: boolean } = {}): Promise<void> {
    await this.q('refresh hourly summary', `REFRESH MATERIALIZED VIEW ${opts.concurrently === false ? '' : 'CONCURRENTLY '}events_hourly`);
  }

  /** Read the hourly summary (as of the last refresh), oldest hour first. */
  async hourlySummary(q: { from?: number; to?: number; sourceId?: string } = {}): Promise<HourlySummaryRow[]> {
    const where: string[] = [];
    const p: unknown[] = [];
    if (q.from !== undefined) { p.push(timeParam('from', q.from)); where.push(`hour >= ($${p.length}::timestamptz AT TIME ZONE 'UTC')`); }
    if (q.to !== undefined) { p.push(timeParam('to', q.to)); where.push(`hour < ($${p.length}::timestamptz AT TIME ZONE 'UTC')`); }
    if (q.sourceId !== undefined) { p.push(storableText(q.sourceId)); where.push(`source_id = $${p.length}`); }
    // hour is a UTC wall-clock timestamp; extract(epoch) reads it as UTC whatever the session time zone.
    const rows = await this.rows('hourly summary', `SELECT (extract(epoch FROM hour) * 1000)::bigint AS hour_ms, source_id, category, events
      FROM events_hourly ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY hour, source_id, category`, p);
    return rows.map((r) => ({
      hour: isoOf(num(r.hour_ms)), sourceId: str(r.source_id), events: num(r.events),
      ...(r.category !== '' ? { category: str(r.category) } : {}),
    }));
  }

  // ------------------------------------------------------------------ quarantine

  async addQuarantine(records: QuarantineInput[]): Promise<number> {
    if (records.length === 0) return 0;
    const rows = records.map((r) => {
      const raw = typeof r.raw === 'string' ? Buffer.from(r.raw, 'utf8') : Buffer.from(r.raw);
      // Same bytes, same source, same reason: a retry, not a second record (the same id as the SQLite store).
      const id = createHash('sha256').update(r.sourceId).update('\0').update(r.reason).update('\0').update(raw).digest('hex').slice(0, 32);
      return { id, raw, reason: storableText(r.reason), message: storableText(r.message), sourceId: storableText(r.sourceId),
        sourceType: storableOrNull(r.sourceType ?? null), format: storableOrNull(r.format ?? null), receivedAt: storableText(r.receivedAt) };
    });
    const res = await this.q('add quarantine', `INSERT INTO quarantine (id, reason, message, source_id, source_type, format, received_at, raw)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[])
      ON CONFLICT (id) DO NOTHING`, [
      rows.map((r) => r.id), rows.map((r) => r.reason), rows.map((r) => r.message), rows.map((r) => r.sourceId),
      rows.map((r) => r.sourceType), rows.map((r) => r.format), rows.map((r) => r.receivedAt), rows.map((r) => r.raw),
    ]);
    return res.rowCount ?? 0;
  }

  async listQuarantine(q: QuarantineQuery): Promise<Page<QuarantineRecord>> {
    const where: string[] = [];
    const p: unknown[] = [];
    if (q.reason !== undefined) { p.push(storableText(q.reason)); where.push(`reason = $${p.length}`); }
    if (q.sourceId !== undefined) { p.push(storableText(q.sourceId)); where.push(`source_id = $${p.length}`); }
    const total = num((await this.one('list quarantine', `SELECT COUNT(*) AS n FROM quarantine ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, p))?.n ?? 0);
    if (q.cursor !== undefined) {
      const [at, id] = decodeCursor(q.cursor, 2);
      p.push(storableText(String(at)), storableText(String(id)));
      where.push(`(received_at, id) > ($${p.length - 1}, $${p.length})`);
    }
    const limit = clampLimit(q.limit);
    p.push(limit + 1);
    const rows = await this.rows('list quarantine',
      `SELECT * FROM quarantine ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at, id LIMIT $${p.length}`, p);
    const items = rows.slice(0, limit).map(quarantineFromRow);
    const last = items[items.length - 1];
    return { items, total, ...(rows.length > limit && last ? { next: encodeCursor([last.receivedAt, last.id]) } : {}) };
  }

  async removeQuarantine(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.q('remove quarantine', 'DELETE FROM quarantine WHERE id = ANY($1::text[])', [ids.map(storableText)])).rowCount ?? 0;
  }

  async quarantineCountsByReason(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of await this.rows('quarantine counts', 'SELECT reason, COUNT(*) AS n FROM quarantine GROUP BY reason ORDER BY reason')) out[str(r.reason)] = num(r.n);
    return out;
  }

  // ------------------------------------------------------------------ sources, rules, checkpoints

  async recordSourceActivity(activity: SourceActivity[]): Promise<void> {
    if (activity.length === 0) return;
    await this.tx('record source activity', async (c) => {
      for (const round of rounds(activity, (a) => a.id)) {
        await this.q('record source activity', `INSERT INTO sources AS s (id, type, format, first_seen, last_seen, events, quarantined)
          SELECT id, type, format, seen_at, seen_at, events, quarantined FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
            AS t(id, type, format, seen_at, events, quarantined)
          ON CONFLICT (id) DO UPDATE SET type = COALESCE(excluded.type, s.type), format = COALESCE(excluded.format, s.format),
            last_seen = GREATEST(s.last_seen, excluded.last_seen), events = s.events + excluded.events, quarantined = s.quarantined + excluded.quarantined`, [
          round.map((a) => storableText(a.id)), round.map((a) => storableOrNull(a.type ?? null)), round.map((a) => storableOrNull(a.format ?? null)),
          round.map((a) => storableText(a.seenAt)), round.map((a) => a.events), round.map((a) => a.quarantined),
        ], c);
      }
    });
  }

  async listSources(): Promise<SourceRecord[]> {
    return (await this.rows('list sources', 'SELECT * FROM sources ORDER BY id')).map(sourceFromRow);
  }

  async putRules(rules: RuleRecord[]): Promise<void> {
    if (rules.length === 0) return;
    await this.tx('put rules', async (c) => {
      for (const round of rounds(rules, (r) => `${r.id}\0${r.version}`)) {
        await this.q('put rules', `INSERT INTO rules (id, version, kind, title, level, status, enabled, content, source_file, loaded_at)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::text[], $10::text[])
          ON CONFLICT (id, version) DO UPDATE SET enabled = excluded.enabled, source_file = excluded.source_file`, [
          round.map((r) => r.id), round.map((r) => r.version), round.map((r) => r.kind), round.map((r) => storableText(r.title)),
          round.map((r) => r.level ?? null), round.map((r) => r.status ?? null), round.map((r) => r.enabled), round.map((r) => storableText(r.content)),
          round.map((r) => r.sourceFile ?? null), round.map((r) => r.loadedAt),
        ], c);
      }
    });
  }


  async getRule(id: string, version?: string): Promise<RuleRecord | undefined> {
    const r = version !== undefined
      ? await this.one('get rule', 'SELECT * FROM rules WHERE id = $1 AND version = $2', [id, version])
      : await this.one('get rule', 'SELECT * FROM rules WHERE id = $1 ORDER BY loaded_at DESC, ord DESC LIMIT 1', [id]);
    return r ? ruleFromRow(r) : undefined;
  }

  async listRules(opts: { enabledOnly?: boolean } = {}): Promise<RuleRecord[]> {
    // The latest version of each rule; the enabled filter applies to that version, as in the SQLite store.
    const rows = await this.rows('list rules', `SELECT * FROM (SELECT DISTINCT ON (id) * FROM rules ORDER BY id, loaded_at DESC, ord DESC) latest
      ${opts.enabledOnly ? 'WHERE enabled' : ''} ORDER BY id`);
    return rows.map((r) => ruleFromRow(r));
  }

  async setRuleEnabled(id: string, enabled: boolean): Promise<boolean> {
    return ((await this.q('set rule enabled', 'UPDATE rules SET enabled = $1 WHERE id = $2', [enabled, id])).rowCount ?? 0) > 0;
  }

  async saveCheckpoint(cp: Omit<Checkpoint, 'updatedAt'>): Promise<void> {
    await this.q('save checkpoint', `INSERT INTO checkpoints (name, position, state, updated_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (name) DO UPDATE SET position = excluded.position, state = excluded.state, updated_at = excluded.updated_at`,
    [cp.name, cp.position, Buffer.from(cp.state), new Date().toISOString()]);
  }

  async loadCheckpoint(name: string): Promise<Checkpoint | undefined> {
    const r = await this.one('load checkpoint', 'SELECT * FROM checkpoints WHERE name = $1', [name]);
    return r ? { name: str(r.name), position: num(r.position), state: new Uint8Array(r.state as Buffer), updatedAt: str(r.updated_at) } : undefined;
  }

  async tryLease(name: string, owner: string, nowMs: number, expiresAtMs: number): Promise<LeaseAttempt> {
    const row = leaseCheckpointName(name);
    const r = await this.q('take lease', `INSERT INTO checkpoints (name, position, state, updated_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (name) DO UPDATE SET position = excluded.position, state = excluded.state, updated_at = excluded.updated_at
      WHERE checkpoints.position < $5 OR checkpoints.state = excluded.state`,
    [row, expiresAtMs, Buffer.from(owner, 'utf8'), new Date().toISOString(), nowMs]);
    if ((r.rowCount ?? 0) > 0) return { granted: true };
    return leaseRefused(await this.loadCheckpoint(row));
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.q('release lease', 'DELETE FROM checkpoints WHERE name = $1 AND state = $2', [leaseCheckpointName(name), Buffer.from(owner, 'utf8')]);
  }

  // ------------------------------------------------------------------ correlations, alerts, incidents

  async putCorrelations(records: CorrelationRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.tx('put correlations', async (c) => {
      for (const round of rounds(records, (r) => r.id)) {
        await this.q('put correlations', `INSERT INTO correlations (id, rule_id, group_key, first_ts, last_ts, doc)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[])
          ON CONFLICT (id) DO UPDATE SET last_ts = excluded.last_ts, doc = excluded.doc`, [
          round.map((r) => r.id), round.map((r) => r.ruleId), round.map((r) => storableText(r.groupKey)), round.map((r) => r.firstTs),
          round.map((r) => r.lastTs), round.map((r) => JSON.stringify(r.doc)),
        ], c);
      }
    });
  }

  async listCorrelations(ruleId?: string): Promise<CorrelationRecord[]> {
    const rows = ruleId !== undefined
      ? await this.rows('list correlations', 'SELECT * FROM correlations WHERE rule_id = $1 ORDER BY first_ts, id', [ruleId])
      : await this.rows('list correlations', 'SELECT * FROM correlations ORDER BY first_ts, id');
    return rows.map((r) => ({ id: str(r.id), ruleId: str(r.rule_id), groupKey: str(r.group_key), firstTs: num(r.first_ts), lastTs: num(r.last_ts), doc: jsonOr(r.doc, {}) }));
  }

  async upsertAlerts(alerts: AlertRecord[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.tx('upsert alerts', async (c) => {
      for (const round of rounds(alerts, (a) => a.id)) {
        await this.q('upsert alerts', `INSERT INTO alerts (id, rule_id, rule_version, kind, dedup_key, first_ts, last_ts, score, severity, status, assignee,
            incident_id, count, doc, created_at, updated_at)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::float8[], $9::text[], $10::text[],
            $11::text[], $12::text[], $13::bigint[], $14::text[], $15::text[], $16::text[])
          ON CONFLICT (id) DO UPDATE SET rule_version = excluded.rule_version, first_ts = LEAST(alerts.first_ts, excluded.first_ts), last_ts = excluded.last_ts,
            score = excluded.score, severity = excluded.severity,
            status = excluded.status, assignee = excluded.assignee, incident_id = excluded.incident_id, count = excluded.count, doc = excluded.doc,
            updated_at = excluded.updated_at`, [
          round.map((a) => a.id), round.map((a) => a.ruleId), round.map((a) => a.ruleVersion ?? null), round.map((a) => a.kind),
          round.map((a) => storableText(a.dedupKey)), round.map((a) => a.firstTs), round.map((a) => a.lastTs), round.map((a) => a.score),
          round.map((a) => a.severity), round.map((a) => a.status), round.map((a) => storableOrNull(a.assignee ?? null)), round.map((a) => a.incidentId ?? null),
          round.map((a) => a.count), round.map((a) => JSON.stringify(a.doc)), round.map((a) => a.createdAt), round.map((a) => a.updatedAt),
        ], c);
      }
    });
  }


  async getAlert(id: string): Promise<AlertRecord | undefined> {
    const r = await this.one('get alert', 'SELECT * FROM alerts WHERE id = $1', [id]);
    return r ? alertFromRow(r) : undefined;
  }

  async getAlerts(ids: readonly string[]): Promise<AlertRecord[]> {
    if (ids.length === 0) return [];
    return (await this.rows('get alerts', 'SELECT * FROM alerts WHERE id = ANY($1::text[])', [[...ids]])).map((r) => alertFromRow(r));
  }

  async alertStamps(from: number): Promise<AlertStamp[]> {
    return (await this.rows('alert stamps', `SELECT id, ${alertStampSql('postgres')} AS stamp FROM alerts WHERE last_ts >= $1 ORDER BY first_ts DESC, id DESC`, [from]))
      .map((r) => ({ id: String(r.id), stamp: String(r.stamp) }));
  }

  async listAlerts(q: AlertQuery): Promise<Page<AlertRecord>> {
    const where: string[] = [];
    const p: unknown[] = [];
    const eq: [keyof AlertQuery, string][] = [['status', 'status'], ['severity', 'severity'], ['ruleId', 'rule_id'], ['incidentId', 'incident_id'], ['dedupKey', 'dedup_key']];
    for (const [k, col] of eq) {
      const v = q[k];
      if (v !== undefined) { p.push(storableText(String(v))); where.push(`${col} = $${p.length}`); }
    }
    if (q.from !== undefined) { p.push(q.from); where.push(`last_ts >= $${p.length}`); }
    if (q.to !== undefined) { p.push(q.to); where.push(`first_ts < $${p.length}`); }
    return this.page('alerts', where, p, q, (r) => alertFromRow(r));
  }

  /** Newest first by first event time, keyset-paged on (first_ts, id). */
  private async page<T>(table: 'alerts' | 'incidents', where: string[], p: unknown[], q: { limit?: number; cursor?: string }, map: (r: Row) => T): Promise<Page<T>> {
    const what = `list ${table}`;
    const total = num((await this.one(what, `SELECT COUNT(*) AS n FROM ${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, p))?.n ?? 0);
    const w = [...where];
    const pp = [...p];
    if (q.cursor !== undefined) {
      const [ts, id] = decodeCursor(q.cursor, 2);
      if (!Number.isInteger(Number(ts))) throw new StoreError('invalid_record', `cursor is not valid: ${q.cursor.slice(0, 64)}`);
      pp.push(Number(ts), String(id));
      w.push(`(first_ts, id) < ($${pp.length - 1}::bigint, $${pp.length}::text)`);
    }
    const limit = clampLimit(q.limit);
    pp.push(limit + 1);
    const rows = await this.rows(what, `SELECT * FROM ${table} ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY first_ts DESC, id DESC LIMIT $${pp.length}`, pp);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map(map), total, ...(rows.length > limit && last ? { next: encodeCursor([num(last.first_ts), str(last.id)]) } : {}) };
  }

  async upsertIncidents(incidents: IncidentRecord[]): Promise<void> {
    if (incidents.length === 0) return;
    await this.tx('upsert incidents', async (c) => {
      for (const round of rounds(incidents, (i) => i.id)) {
        await this.q('upsert incidents', `INSERT INTO incidents (id, title, status, assignee, score, severity, first_ts, last_ts, doc, created_at, updated_at)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[])
          ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status, assignee = excluded.assignee, score = excluded.score,
            severity = excluded.severity, first_ts = excluded.first_ts, last_ts = excluded.last_ts, doc = excluded.doc, updated_at = excluded.updated_at`, [
          round.map((i) => i.id), round.map((i) => storableText(i.title)), round.map((i) => i.status), round.map((i) => storableOrNull(i.assignee ?? null)),
          round.map((i) => i.score), round.map((i) => i.severity), round.map((i) => i.firstTs), round.map((i) => i.lastTs),
          round.map((i) => JSON.stringify(i.doc)), round.map((i) => i.createdAt), round.map((i) => i.updatedAt),
        ], c);
      }
    });
  }


  async dropOrphanIncidents(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const r = await this.q('drop orphan incidents', `DELETE FROM incidents WHERE id = ANY($1::text[]) AND ${ORPHAN_INCIDENT_SQL} RETURNING id`, [[...ids]]);
    return r.rows.map((row) => String((row as { id: unknown }).id));
  }

  async getIncident(id: string): Promise<IncidentRecord | undefined> {
    const r = await this.one('get incident', 'SELECT * FROM incidents WHERE id = $1', [id]);
    return r ? incidentFromRow(r) : undefined;
  }

  async listIncidents(q: IncidentQuery): Promise<Page<IncidentRecord>> {
    const where: string[] = [];
    const p: unknown[] = [];
    if (q.status !== undefined) { p.push(q.status); where.push(`status = $${p.length}`); }
    if (q.severity !== undefined) { p.push(q.severity); where.push(`severity = $${p.length}`); }
    if (q.assignee !== undefined) { p.push(storableText(q.assignee)); where.push(`assignee = $${p.length}`); }
    return this.page('incidents', where, p, q, (r) => incidentFromRow(r));
  }

  async addResponseAction(a: ResponseActionRecord): Promise<void> {
    await this.q('add response action', `INSERT INTO response_actions (id, incident_id, alert_id, action, status, actor, result, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      a.id, a.incidentId ?? null, a.alertId ?? null, a.action, a.status, storableText(a.actor), a.result ? JSON.stringify(a.result) : null, a.createdAt, a.updatedAt,
    ]);
  }

  async updateResponseAction(id: string, patch: Pick<ResponseActionRecord, 'status' | 'result' | 'updatedAt'>): Promise<boolean> {
    const res = await this.q('update response action', 'UPDATE response_actions SET status = $1, result = $2, updated_at = $3 WHERE id = $4', [
      patch.status, patch.result ? JSON.stringify(patch.result) : null, patch.updatedAt, id,
    ]);
    return (res.rowCount ?? 0) > 0;
  }

  async listResponseActions(filter: { incidentId?: string; alertId?: string }): Promise<ResponseActionRecord[]> {
    const where: string[] = [];
    const p: unknown[] = [];
    if (filter.incidentId !== undefined) { p.push(filter.incidentId); where.push(`incident_id = $${p.length}`); }
    if (filter.alertId !== undefined) { p.push(filter.alertId); where.push(`alert_id = $${p.length}`); }
    const rows = await this.rows('list response actions', `SELECT * FROM response_actions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`, p);
    return rows.map(responseActionFromRow);
  }

  // ------------------------------------------------------------------ users, roles, keys

  async createUser(u: UserRecord): Promise<void> {
    try {
      await this.q('create user', `INSERT INTO users (id, username, password_hash, role, disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        u.id, u.username, u.passwordHash, u.role, u.disabled, u.createdAt, u.updatedAt,
      ]);
    } catch (err) {
      if (err instanceof StoreError && err.code === 'conflict') throw new StoreError('conflict', `user ${u.username} already exists`, { cause: err });
      throw err;
    }
  }

  async updateUser(id: string, patch: Partial<Pick<UserRecord, 'passwordHash' | 'role' | 'disabled' | 'updatedAt'>>): Promise<boolean> {
    const sets: string[] = [];
    const p: unknown[] = [];
    if (patch.passwordHash !== undefined) { p.push(patch.passwordHash); sets.push(`password_hash = $${p.length}`); }
    if (patch.role !== undefined) { p.push(patch.role); sets.push(`role = $${p.length}`); }
    if (patch.disabled !== undefined) { p.push(patch.disabled); sets.push(`disabled = $${p.length}`); }
    p.push(patch.updatedAt ?? new Date().toISOString());
    sets.push(`updated_at = $${p.length}`);
    p.push(id);
    return ((await this.q('update user', `UPDATE users SET ${sets.join(', ')} WHERE id = $${p.length}`, p)).rowCount ?? 0) > 0;
  }


  async getUser(key: { id: string } | { username: string }): Promise<UserRecord | undefined> {
    const r = 'id' in key
      ? await this.one('get user', 'SELECT * FROM users WHERE id = $1', [storableText(key.id)])
      : await this.one('get user', 'SELECT * FROM users WHERE username = $1', [storableText(key.username)]);
    return r ? userFromRow(r) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.rows('list users', 'SELECT * FROM users ORDER BY username')).map((r) => userFromRow(r));
  }

  async listRoles(): Promise<RoleRecord[]> {
    const rows = await this.rows('list roles', `SELECT r.name, r.description, COALESCE(array_agg(p.permission ORDER BY p.permission) FILTER (WHERE p.permission IS NOT NULL), '{}') AS permissions
      FROM roles r LEFT JOIN permissions p ON p.role = r.name GROUP BY r.name, r.description ORDER BY r.name`);
    return rows.map((r) => ({ name: str(r.name) as RoleName, description: str(r.description), permissions: (r.permissions as string[]).map(String) }));
  }

  async createApiKey(k: ApiKeyRecord): Promise<void> {
    await this.q('create api key', `INSERT INTO api_keys (id, user_id, name, prefix, key_hash, role, created_at, revoked_at, last_used_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [k.id, k.userId, storableText(k.name), k.prefix, k.keyHash, k.role, k.createdAt, k.revokedAt ?? null, k.lastUsedAt ?? null]);
  }


  async findApiKeyByPrefix(prefix: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.one('find api key', 'SELECT * FROM api_keys WHERE prefix = $1', [storableText(prefix)]);
    return r ? keyFromRow(r) : undefined;
  }

  async revokeApiKey(id: string, at: string): Promise<boolean> {
    return ((await this.q('revoke api key', 'UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])).rowCount ?? 0) > 0;
  }

  async listApiKeys(userId?: string): Promise<ApiKeyRecord[]> {
    const rows = userId !== undefined
      ? await this.rows('list api keys', 'SELECT * FROM api_keys WHERE user_id = $1 ORDER BY created_at, id', [userId])
      : await this.rows('list api keys', 'SELECT * FROM api_keys ORDER BY created_at, id');
    return rows.map((r) => keyFromRow(r));
  }

  // ------------------------------------------------------------------ sessions, comments

  async createSession(s: SessionRecord): Promise<void> {
    await this.q('create session', `INSERT INTO sessions (id, user_id, refresh_hash, created_at, expires_at, revoked_at, source_ip)
      VALUES ($1, $2, $3, $4, $5, $6, $7)`, [s.id, s.userId, s.refreshHash, s.createdAt, s.expiresAt, s.revokedAt ?? null, storableOrNull(s.sourceIp ?? null)]);
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const r = await this.one('get session', 'SELECT * FROM sessions WHERE id = $1', [storableText(id)]);
    if (!r) return undefined;
    return {
      id: str(r.id), userId: str(r.user_id), refreshHash: str(r.refresh_hash), createdAt: str(r.created_at), expiresAt: str(r.expires_at),
      ...(r.revoked_at !== null ? { revokedAt: str(r.revoked_at) } : {}),
      ...(r.source_ip !== null ? { sourceIp: str(r.source_ip) } : {}),
    };
  }

  async rotateSessionRefresh(id: string, oldHash: string, newHash: string, expiresAt: string): Promise<boolean> {
    const res = await this.q('rotate session', `UPDATE sessions SET refresh_hash = $1, expires_at = $2
      WHERE id = $3 AND refresh_hash = $4 AND revoked_at IS NULL`, [newHash, expiresAt, storableText(id), oldHash]);
    return (res.rowCount ?? 0) > 0;
  }

  async revokeSessions(which: { id: string } | { userId: string }, at: string): Promise<number> {
    const col = 'id' in which ? 'id' : 'user_id';
    const v = 'id' in which ? which.id : which.userId;
    const res = await this.q('revoke sessions', `UPDATE sessions SET revoked_at = $1 WHERE ${col} = $2 AND revoked_at IS NULL`, [at, storableText(v)]);
    return res.rowCount ?? 0;
  }

  async addComment(c: CommentRecord): Promise<void> {
    await this.q('add comment', `INSERT INTO comments (id, target_kind, target_id, author, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [c.id, c.targetKind, storableText(c.targetId), storableText(c.author), storableText(c.body), c.createdAt]);
  }

  async listComments(targetKind: CommentRecord['targetKind'], targetId: string): Promise<CommentRecord[]> {
    // created_at is caller-supplied ISO text; id breaks ties so the order is stable.
    const rows = await this.rows('list comments', 'SELECT * FROM comments WHERE target_kind = $1 AND target_id = $2 ORDER BY created_at, id', [targetKind, storableText(targetId)]);
    return rows.map((r) => ({
      id: str(r.id), targetKind: str(r.target_kind) as CommentRecord['targetKind'], targetId: str(r.target_id), author: str(r.author), body: str(r.body), createdAt: str(r.created_at),
    }));
  }

  // ------------------------------------------------------------------ assets, intel

  async putAssetTypes(types: AssetTypeRecord[]): Promise<void> {
    if (types.length === 0) return;
    await this.tx('put asset types', async (c) => {
      for (const round of rounds(types, (t) => t.name)) {
        await this.q('put asset types', `INSERT INTO asset_types (name, description, default_criticality) SELECT * FROM unnest($1::text[], $2::text[], $3::integer[])
          ON CONFLICT (name) DO UPDATE SET description = excluded.description, default_criticality = excluded.default_criticality`, [
          round.map((t) => t.name), round.map((t) => storableOrNull(t.description ?? null)), round.map((t) => t.defaultCriticality),
        ], c);
      }
    });
  }

  async listAssetTypes(): Promise<AssetTypeRecord[]> {
    return (await this.rows('list asset types', 'SELECT * FROM asset_types ORDER BY name')).map((r) => ({
      name: str(r.name), defaultCriticality: num(r.default_criticality), ...(r.description !== null ? { description: str(r.description) } : {}),
    }));
  }

  async putAssets(assets: AssetRecord[]): Promise<void> {
    if (assets.length === 0) return;
    await this.tx('put assets', async (c) => {
      for (const round of rounds(assets, (a) => a.id)) {
        await this.q('put assets', `INSERT INTO assets (id, kind, value, asset_type, criticality, zone, owner, tags)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], $8::text[])
          ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, value = excluded.value, asset_type = excluded.asset_type, criticality = excluded.criticality,
            zone = excluded.zone, owner = excluded.owner, tags = excluded.tags`, [
          round.map((a) => a.id), round.map((a) => a.kind), round.map((a) => storableText(a.value)), round.map((a) => a.assetType ?? null),
          round.map((a) => a.criticality), round.map((a) => storableOrNull(a.zone ?? null)), round.map((a) => storableOrNull(a.owner ?? null)),
          round.map((a) => JSON.stringify(a.tags)),
        ], c);
      }
    });
  }

  async listAssets(): Promise<AssetRecord[]> {
    return (await this.rows('list assets', 'SELECT * FROM assets ORDER BY kind, value')).map((r) => ({
      id: str(r.id), kind: str(r.kind) as AssetRecord['kind'], value: str(r.value), criticality: num(r.criticality), tags: jsonOr<string[]>(r.tags, []),
      ...(r.asset_type !== null ? { assetType: str(r.asset_type) } : {}),
      ...(r.zone !== null ? { zone: str(r.zone) } : {}),
      ...(r.owner !== null ? { owner: str(r.owner) } : {}),
    }));
  }

  async putFeed(feed: ThreatIntelFeed): Promise<void> {
    await this.q('put feed', `INSERT INTO threat_intel (id, name, source, updated_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, source = excluded.source, updated_at = excluded.updated_at`,
    [feed.id, storableText(feed.name), storableOrNull(feed.source ?? null), feed.updatedAt]);
  }

  async listFeeds(): Promise<ThreatIntelFeed[]> {
    return (await this.rows('list feeds', 'SELECT * FROM threat_intel ORDER BY id')).map((r) => ({
      id: str(r.id), name: str(r.name), updatedAt: str(r.updated_at), ...(r.source !== null ? { source: str(r.source) } : {}),
    }));
  }

  async putIocs(iocs: IocRecord[]): Promise<number> {
    if (iocs.length === 0) return 0;
    return this.tx('put iocs', async (c) => {
      let n = 0;
      for (const round of rounds(iocs, (i) => `${i.feedId}\0${i.type}\0${i.value}`)) {
        const res = await this.q('put iocs', `INSERT INTO iocs (feed_id, type, value, threat, confidence, first_seen, last_seen, expires_at)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], $8::text[])
          ON CONFLICT (feed_id, type, value) DO UPDATE SET threat = excluded.threat, confidence = excluded.confidence, last_seen = excluded.last_seen,
            expires_at = excluded.expires_at`, [
          round.map((i) => i.feedId), round.map((i) => i.type), round.map((i) => storableText(i.value)), round.map((i) => storableOrNull(i.threat ?? null)),
          round.map((i) => i.confidence ?? null), round.map((i) => i.firstSeen), round.map((i) => i.lastSeen), round.map((i) => i.expiresAt ?? null),
        ], c);
        n += res.rowCount ?? 0;
      }
      return n;
    });
  }

  async findIocs(type: IocType, values: string[]): Promise<IocRecord[]> {
    if (values.length === 0) return [];
    // In the order of the values asked for, then by feed: what the SQLite store returns.
    const rows = await this.rows('find iocs', `SELECT i.* FROM unnest($2::text[]) WITH ORDINALITY AS v(value, ord)
      JOIN iocs i ON i.type = $1 AND i.value = v.value ORDER BY v.ord, i.feed_id`, [type, values.map(storableText)]);
    return rows.map((r) => ({
      feedId: str(r.feed_id), type: str(r.type) as IocType, value: str(r.value), firstSeen: str(r.first_seen), lastSeen: str(r.last_seen),
      ...(r.threat !== null ? { threat: str(r.threat) } : {}),
      ...(r.confidence !== null ? { confidence: num(r.confidence) } : {}),
      ...(r.expires_at !== null ? { expiresAt: str(r.expires_at) } : {}),
    }));
  }

  // ------------------------------------------------------------------ alerting state

  async mergeBaselines(rows: BaselineRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await this.tx('merge baselines', async (c) => {
      for (const round of rounds(rows, (r) => `${r.kind}\0${r.entity}\0${r.value}`)) {
        await this.q('merge baselines', `INSERT INTO entity_baseline AS b (kind, entity, value, first_ts, last_ts, count)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
          ON CONFLICT (kind, entity, value) DO UPDATE SET first_ts = LEAST(b.first_ts, excluded.first_ts), last_ts = GREATEST(b.last_ts, excluded.last_ts),
            count = b.count + excluded.count`, [
          round.map((r) => r.kind), round.map((r) => storableText(r.entity)), round.map((r) => storableText(r.value)),
          round.map((r) => r.firstTs), round.map((r) => r.lastTs), round.map((r) => r.count),
        ], c);
      }
    });
  }

  async getBaselines(keys: BaselineKey[]): Promise<BaselineRecord[]> {
    if (keys.length === 0) return [];
    const rows = await this.rows('get baselines', `SELECT b.* FROM entity_baseline b JOIN unnest($1::text[], $2::text[], $3::text[]) AS k (kind, entity, value)
      ON b.kind = k.kind AND b.entity = k.entity AND b.value = k.value`, [keys.map((k) => k.kind), keys.map((k) => storableText(k.entity)), keys.map((k) => storableText(k.value))]);
    return rows.map((r) => ({ kind: str(r.kind), entity: str(r.entity), value: str(r.value), firstTs: num(r.first_ts), lastTs: num(r.last_ts), count: num(r.count) }));
  }

  async putUserRisk(rows: UserRiskRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await this.tx('put user risk', async (c) => {
      for (const round of rounds(rows, (r) => r.user)) {
        await this.q('put user risk', `INSERT INTO user_risk (user_id, risk, as_of_ts) SELECT * FROM unnest($1::text[], $2::float8[], $3::bigint[])
          ON CONFLICT (user_id) DO UPDATE SET risk = excluded.risk, as_of_ts = excluded.as_of_ts`, [
          round.map((r) => storableText(r.user)), round.map((r) => r.risk), round.map((r) => r.asOfTs),
        ], c);
      }
    });
  }

  async getUserRisk(users?: string[]): Promise<UserRiskRecord[]> {
    const rows = users === undefined
      ? await this.rows('get user risk', 'SELECT * FROM user_risk ORDER BY user_id')
      : await this.rows('get user risk', 'SELECT * FROM user_risk WHERE user_id = ANY($1::text[]) ORDER BY user_id', [users.map((u) => storableText(u))]);
    return rows.map((r) => ({ user: str(r.user_id), risk: num(r.risk), asOfTs: num(r.as_of_ts) }));
  }

  async putAttackObjects(rows: AttackObjectRecord[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.tx('put attack objects', async (c) => {
      let n = 0;
      for (const round of rounds(rows, (r) => r.id)) {
        const res = await this.q('put attack objects', `INSERT INTO attack_objects (id, kind, name, tactics, url) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
          ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, tactics = excluded.tactics, url = excluded.url`, [
          round.map((r) => storableText(r.id)), round.map((r) => r.kind), round.map((r) => storableText(r.name)), round.map((r) => JSON.stringify(r.tactics)),
          round.map((r) => storableOrNull(r.url ?? null)),
        ], c);
        n += res.rowCount ?? 0;
      }
      return n;
    });
  }

  async listAttackObjects(): Promise<AttackObjectRecord[]> {
    return (await this.rows('list attack objects', 'SELECT * FROM attack_objects ORDER BY id')).map((r) => ({
      id: str(r.id), kind: str(r.kind) as AttackObjectRecord['kind'], name: str(r.name), tactics: jsonOr<string[]>(r.tactics, []),
      ...(r.url !== null ? { url: str(r.url) } : {}),
    }));
  }

  async referenceVersion(): Promise<number> {
    return num((await this.one('reference version', 'SELECT version FROM reference_version WHERE id = 1'))?.version ?? 0);
  }

  async alertStatsByRule(): Promise<RuleAlertStats[]> {
    return alertStatsFromRows(await this.rows('alert stats', 'SELECT rule_id, status, COUNT(*) AS n, SUM(count) AS m FROM alerts GROUP BY rule_id, status ORDER BY rule_id, status'));
  }

  // ------------------------------------------------------------------ audit

  async appendAudit(entries: AuditInput[]): Promise<AuditEntry[]> {
    if (entries.length === 0) return [];
    return this.tx('append audit', async (c) => {
      // Serialize appenders: each reads the head and links to it, so two at once would fork the chain.
      await c.query('SELECT pg_advisory_xact_lock($1)', [this.locks.audit]);
      const head = (await c.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')).rows[0];
      let seq = head ? num(head.seq) : 0;
      let prev = head ? head.hash : GENESIS_HASH;
      const out: AuditEntry[] = [];
      for (const e of entries) {
        seq++;
        const ts = new Date().toISOString();
        const entry: AuditEntry = { ...e, outcome: e.outcome ?? 'success', seq, ts, prev_hash: prev, hash: auditHash(seq, ts, e, prev) };
        prev = entry.hash;
        out.push(entry);
      }
      // Audit text is stored exactly as hashed: a NUL cannot be stored, so refuse rather than alter it.
      for (const e of out) {
        for (const v of [e.actor, e.action, e.target, e.source_ip]) {
          if (v !== undefined && hasUnstorableText(v)) throw new StoreError('invalid_record', `audit entry for ${JSON.stringify(storableText(e.action))}: text contains a NUL character or a broken surrogate`);
        }
      }
      await c.query(`INSERT INTO audit_log (seq, ts, actor, action, target, outcome, source_ip, details, prev_hash, hash)
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])`, [
        out.map((e) => e.seq), out.map((e) => e.ts), out.map((e) => e.actor), out.map((e) => e.action), out.map((e) => e.target ?? null),
        out.map((e) => e.outcome ?? 'success'), out.map((e) => e.source_ip ?? null), out.map((e) => (e.details ? JSON.stringify(e.details) : null)),
        out.map((e) => e.prev_hash), out.map((e) => e.hash),
      ]);
      return out;
    });
  }


  async readAudit(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return (await this.rows('read audit', 'SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, clampLimit(limit, 1000, 100_000)]))
      .map((r) => auditFromRow(r));
  }

  /**
   * Walk the chain in seq order, a page at a time. The hash covers seq, content and the previous hash,
   * so an edited, removed, inserted or swapped row shows up as a content, link or sequence break.
   */
  async auditLength(): Promise<number> {
    return num((await this.one('audit length', 'SELECT COUNT(*) AS n FROM audit_log'))?.n ?? 0);
  }

  async verifyAudit(): Promise<AuditVerification> {
    const pageSize = 10_000;
    let at: AuditChainPosition = { prevHash: GENESIS_HASH, count: 0 };
    let after: number | null = null;
    for (;;) {
      const rows: Row[] = after === null
        ? await this.rows('verify audit', 'SELECT * FROM audit_log ORDER BY seq LIMIT $1', [pageSize])
        : await this.rows('verify audit', 'SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [after, pageSize]);
      if (rows.length === 0) return verifyAuditChain([], at);
      const entries = rows.map((r) => auditFromRow(r));
      const v = verifyAuditChain(entries, at);
      if (!v.ok) return v;
      const last = entries[entries.length - 1] as AuditEntry;
      at = { prevHash: last.hash, count: v.count };
      after = last.seq;
    }
  }
}
