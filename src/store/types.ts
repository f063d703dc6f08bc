import type { WeftEvent } from '../event/model.js';
import type { EventColumns } from './event-columns.js';

/**
 * Events to read from the event log at a time where every event of a page is held until the page
 * is done and nothing is paid per page (replay). 5,000 events (their rows' text and parsed
 * documents, tens of megabytes) outlived the young generation and were promoted, and collecting
 * them cost more than reading them; a few hundred die young. On the demo's store (29k events):
 * replay 3.6 -> 2.7 s CPU and 345 -> 205 MB peak memory.
 */
export const EVENT_LOG_PAGE = 250;

/** A page of results. `total` counts every match, not just this page; `next` is an opaque cursor. */
export interface Page<T> {
  items: T[];
  total: number;
  next?: string;
}

// ---------------------------------------------------------------- events (the embedded event log)

/** One ingest group commit, for a store that takes it in one transaction (Store.commitIngest). */
export interface IngestCommit {
  /**
   * The events, already validated and laid out as columns (eventColumns), in log order. Rows from an
   * ingest worker carry their text as UTF-8 (docUtf8/rawUtf8, see packText): the store writes that.
   */
  rows: EventColumns[];
  quarantine: QuarantineInput[];
  activity: SourceActivity[];
}

export interface AppendResult {
  /** Newly stored events. */
  inserted: number;
  /** Events whose id was already stored (a retry or replay): not stored twice. */
  duplicates: number;
  /** Event-log position of the last stored event after this batch (0 when the log is empty). */
  lastSeq: number;
}

export interface LoggedEvent {
  /** Position in the event log: strictly increasing in commit order. */
  seq: number;
  event: WeftEvent;
}

export interface EventQuery {
  /** Inclusive lower bound on `@timestamp`, ms since epoch. */
  from?: number;
  /** Exclusive upper bound on `@timestamp`, ms since epoch. */
  to?: number;
  sourceId?: string;
  sourceIp?: string;
  destinationIp?: string;
  userName?: string;
  hostName?: string;
  /** Substring search over the stored ECS document (case-insensitive). */
  text?: string;
  limit?: number;
  cursor?: string;
}

// ---------------------------------------------------------------- quarantine

export interface QuarantineInput {
  /** `decode.<format>.<what>`, `normalize.<source>.<what>` or `validate.<field>`. */
  reason: string;
  message: string;
  sourceId: string;
  /** The record's bytes as received. */
  raw: Uint8Array | string;
  receivedAt: string;
  format?: string;
  sourceType?: string;
}

export interface QuarantineRecord extends Omit<QuarantineInput, 'raw'> {
  id: string;
  raw: Uint8Array;
}

export interface QuarantineQuery {
  reason?: string;
  sourceId?: string;
  limit?: number;
  cursor?: string;
}

// ---------------------------------------------------------------- sources, rules, checkpoints

export interface SourceRecord {
  id: string;
  type?: string;
  format?: string;
  config?: Record<string, unknown>;
  firstSeen?: string;
  lastSeen?: string;
  events: number;
  quarantined: number;
}

export interface SourceActivity {
  id: string;
  type?: string;
  format?: string;
  events: number;
  quarantined: number;
  seenAt: string;
}

export interface RuleRecord {
  id: string;
  /** Content hash: a changed rule is a new version, old versions stay for replay. */
  version: string;
  kind: 'sigma' | 'correlation' | 'filter' | 'link';
  title: string;
  level?: string;
  status?: string;
  enabled: boolean;
  content: string;
  sourceFile?: string;
  loadedAt: string;
}

export interface Checkpoint {
  /** Who owns the state: `correlate`, `correlate:partition-3`, `tail:/var/log/auth.log`. */
  name: string;
  /** The input position the state reflects (event-log seq, stream sequence, file offset). */
  position: number;
  state: Uint8Array;
  updatedAt: string;
}

/** What tryLease found: granted, or who holds the lease and until when. */
export type LeaseAttempt = { granted: true } | { granted: false; holder: string; expiresAtMs: number };

/** The checkpoint row that keeps lease `name`. */
export function leaseCheckpointName(name: string): string {
  return `lease:${name}`;
}

/** A refused tryLease: who holds the lease (its row, as loadCheckpoint read it) and until when. */
export function leaseRefused(row: Checkpoint | undefined): LeaseAttempt {
  return { granted: false, holder: row === undefined ? '' : Buffer.from(row.state).toString('utf8'), expiresAtMs: row?.position ?? 0 };
}

// ---------------------------------------------------------------- correlations, alerts, incidents

export interface CorrelationRecord {
  id: string;
  ruleId: string;
  groupKey: string;
  firstTs: number;
  lastTs: number;
  doc: Record<string, unknown>;
}

export type AlertStatus = 'open' | 'acknowledged' | 'investigating' | 'resolved' | 'false_positive' | 'suppressed';
export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface AlertRecord {
  id: string;
  ruleId: string;
  ruleVersion?: string;
  kind: string;
  /** Rule + group key: what deduplication merges on. */
  dedupKey: string;
  firstTs: number;
  lastTs: number;
  score: number;
  severity: Severity;
  status: AlertStatus;
  assignee?: string;
  incidentId?: string;
  count: number;
  doc: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface AlertStamp {
  id: string;
  stamp: string;
}

export interface AlertQuery {
  status?: AlertStatus;
  severity?: Severity;
  ruleId?: string;
  incidentId?: string;
  dedupKey?: string;
  from?: number;
  to?: number;
  limit?: number;
  cursor?: string;
}

export type IncidentStatus = 'open' | 'investigating' | 'resolved' | 'false_positive';

export interface IncidentRecord {
  id: string;
  title: string;
  status: IncidentStatus;
  assignee?: string;
  score: number;
  severity: Severity;
  firstTs: number;
  lastTs: number;
  doc: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface IncidentQuery {
  status?: IncidentStatus;
  severity?: Severity;
  assignee?: string;
  limit?: number;
  cursor?: string;
}

export interface ResponseActionRecord {
  id: string;
  incidentId?: string;
  alertId?: string;
  action: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  actor: string;
  result?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

// ---------------------------------------------------------------- users, roles, permissions, keys

export type RoleName = 'admin' | 'analyst' | 'viewer' | 'ingest';

export interface UserRecord {
  id: string;
  username: string;
  /** argon2 encoded hash; never the password. */
  passwordHash: string;
  role: RoleName;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface RoleRecord {
  name: RoleName;
  description: string;
  permissions: string[];
}

export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the key, shown in lists so a user can tell keys apart. */
  prefix: string;
  /** Hash of the secret part; the key itself is shown once and never stored. */
  keyHash: string;
  role: RoleName;
  createdAt: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

/** One login. The access token carries the session id, so revoking the session ends both tokens. */
export interface SessionRecord {
  id: string;
  userId: string;
  /** SHA-256 (hex) of the current refresh token; replaced on every refresh. */
  refreshHash: string;
  createdAt: string;
  /** When the refresh token stops working (ISO-8601). */
  expiresAt: string;
  revokedAt?: string;
  sourceIp?: string;
}

/** An analyst's note on an alert or an incident. */
export interface CommentRecord {
  id: string;
  targetKind: 'alert' | 'incident';
  targetId: string;
  author: string;
  body: string;
  createdAt: string;
}

// ---------------------------------------------------------------- assets, threat intel

export interface AssetTypeRecord {
  name: string;
  description?: string;
  /** 1 (lab) .. 5 (tier-0). */
  defaultCriticality: number;
}

export interface AssetRecord {
  id: string;
  /** What the asset is keyed on. */
  kind: 'host' | 'ip' | 'cidr' | 'user';
  value: string;
  assetType?: string;
  criticality: number;
  zone?: string;
  owner?: string;
  tags: string[];
}

export interface ThreatIntelFeed {
  id: string;
  name: string;
  source?: string;
  updatedAt: string;
}

export type IocType = 'ip' | 'cidr' | 'domain' | 'url' | 'md5' | 'sha1' | 'sha256' | 'email' | 'user_agent' | 'filename';

export interface IocRecord {
  feedId: string;
  type: IocType;
  /** Normalized value (lowercase hashes and domains). */
  value: string;
  threat?: string;
  confidence?: number;
  firstSeen: string;
  lastSeen: string;
  expiresAt?: string;
}

// ---------------------------------------------------------------- alerting state (migration 2)

/**
 * What an entity has done before: the first and last event time at which `entity` was seen with
 * `value` (this user ran this process, logged on from this country, used this host). Rarity scoring
 * asks whether anything was seen before an alert's time.
 */
export interface BaselineRecord {
  /** `user_process`, `user_country`, `user_host`. */
  kind: string;
  entity: string;
  value: string;
  firstTs: number;
  lastTs: number;
  count: number;
}

export type BaselineKey = Pick<BaselineRecord, 'kind' | 'entity' | 'value'>;

/** A user's accumulated risk, valid at event time `asOfTs` (it decays from there). */
export interface UserRiskRecord {
  user: string;
  risk: number;
  asOfTs: number;
}

/** An ATT&CK tactic or technique imported from MITRE's STIX bundle. */
export interface AttackObjectRecord {
  /** `TA0002`, `T1059`, `T1059.001`. */
  id: string;
  kind: 'tactic' | 'technique';
  name: string;
  /** Technique: its tactics' short names (`execution`); tactic: its own short name. */
  tactics: string[];
  url?: string;
}

/** Alerts of one rule by status, for precision statistics (`weft rules tune`). */
export interface RuleAlertStats {
  ruleId: string;
  alerts: number;
  /** Sum of the alerts' counts: raw matches behind them, deduplicated ones included. */
  matches: number;
  byStatus: Partial<Record<AlertStatus, number>>;
}

// ---------------------------------------------------------------- audit log

export interface AuditInput {
  actor: string;
  action: string;
  target?: string;
  outcome?: 'success' | 'failure' | 'denied';
  source_ip?: string;
  details?: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  ts: string;
  prev_hash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  count: number;
  firstBadSeq?: number;
  reason?: string;
  /**
   * The last entry verified (absent for an empty log or a broken chain). A chain that lost its newest
   * entries still verifies: recording the head outside the store and checking it later
   * (`checkAuditAnchor`, `verifyStoreAudit`) is what detects that.
   */
  head?: AuditAnchor;
}

/** One entry of the chain, named by sequence number and hash: recorded elsewhere, it pins the chain up to it. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

// ---------------------------------------------------------------- the interface

/**
 * Everything Weft persists. Two implementations (SQLite, PostgreSQL) pass one contract suite.
 * Batch methods are atomic: a batch is stored whole or not at all.
 */
export interface Store {
  readonly driver: 'sqlite' | 'postgres';
  /** Apply pending migrations; returns the schema version now in force. */
  migrate(): Promise<number>;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;

  appendEvents(events: WeftEvent[]): Promise<AppendResult>;
  /**
   * Optional fast path for the ingest writer: an ingest group's quarantine records, events (laid out
   * as columns, possibly off the event loop) and source activity in one transaction, so one fsync
   * instead of three. A store without it gets addQuarantine, appendEvents and recordSourceActivity.
   */
  commitIngest?(batch: IngestCommit): Promise<AppendResult>;
  /** Events with seq > afterSeq, in order, at most `limit` (see EVENT_LOG_PAGE). */
  readEventLog(afterSeq: number, limit: number): Promise<LoggedEvent[]>;
  lastEventSeq(): Promise<number>;
  getEvent(id: string): Promise<WeftEvent | undefined>;
  /** The stored events among these ids, in no particular order (ids not stored are left out). */
  getEvents(ids: readonly string[]): Promise<WeftEvent[]>;
  searchEvents(q: EventQuery): Promise<Page<WeftEvent>>;
  countEvents(): Promise<number>;
  /**
   * Replace the stored documents of events already in the log (same `weft.id` and `@timestamp`),
   * keeping their positions: for re-encrypting sensitive fields under a new key. Events not stored
   * are ignored. Returns how many were replaced. Atomic per batch.
   */
  rewriteEvents(events: WeftEvent[]): Promise<number>;

  addQuarantine(records: QuarantineInput[]): Promise<number>;
  listQuarantine(q: QuarantineQuery): Promise<Page<QuarantineRecord>>;
  removeQuarantine(ids: string[]): Promise<number>;
  quarantineCountsByReason(): Promise<Record<string, number>>;

  recordSourceActivity(activity: SourceActivity[]): Promise<void>;
  listSources(): Promise<SourceRecord[]>;

  putRules(rules: RuleRecord[]): Promise<void>;
  getRule(id: string, version?: string): Promise<RuleRecord | undefined>;
  listRules(opts?: { enabledOnly?: boolean }): Promise<RuleRecord[]>;
  setRuleEnabled(id: string, enabled: boolean): Promise<boolean>;

  saveCheckpoint(cp: Omit<Checkpoint, 'updatedAt'>): Promise<void>;
  loadCheckpoint(name: string): Promise<Checkpoint | undefined>;
  /**
   * Take or renew the lease `name` for `owner` until `expiresAtMs` (epoch ms): granted when nobody
   * holds it, when its holder's lease ended before `nowMs`, or when `owner` holds it already. One
   * conditional write, so two processes never both get it. Kept as a checkpoint row named
   * `lease:<name>` (position: the expiry, state: the owner), which needs no schema of its own.
   */
  tryLease(name: string, owner: string, nowMs: number, expiresAtMs: number): Promise<LeaseAttempt>;
  /** Give the lease up if `owner` holds it (a no-op otherwise). */
  releaseLease(name: string, owner: string): Promise<void>;

  putCorrelations(records: CorrelationRecord[]): Promise<void>;
  listCorrelations(ruleId?: string): Promise<CorrelationRecord[]>;

  upsertAlerts(alerts: AlertRecord[]): Promise<void>;
  getAlert(id: string): Promise<AlertRecord | undefined>;
  /** The alerts with these ids, in no particular order; ids not stored are left out. */
  getAlerts(ids: readonly string[]): Promise<AlertRecord[]>;
  /**
   * Every alert whose last_ts >= from, as its id and a stamp that moves when the row is written
   * (what it compares: store/alert-stamp.ts), in listAlerts' order (newest first): a reader that
   * kept the alerts it read before fetches only those whose stamp moved (getAlerts), instead of
   * every document again.
   */
  alertStamps(from: number): Promise<AlertStamp[]>;
  listAlerts(q: AlertQuery): Promise<Page<AlertRecord>>;

  upsertIncidents(incidents: IncidentRecord[]): Promise<void>;
  /**
   * Delete those of these incidents that no alert belongs to any more and that nobody has worked on
   * (open, unassigned, no response action): a regrouping gave their alerts another incident. Returns
   * the ids deleted. An incident someone has worked on is kept, whatever its alerts.
   */
  dropOrphanIncidents(ids: readonly string[]): Promise<string[]>;
  getIncident(id: string): Promise<IncidentRecord | undefined>;
  listIncidents(q: IncidentQuery): Promise<Page<IncidentRecord>>;
  addResponseAction(action: ResponseActionRecord): Promise<void>;
  updateResponseAction(id: string, patch: Pick<ResponseActionRecord, 'status' | 'result' | 'updatedAt'>): Promise<boolean>;
  listResponseActions(filter: { incidentId?: string; alertId?: string }): Promise<ResponseActionRecord[]>;

  createUser(user: UserRecord): Promise<void>;
  updateUser(id: string, patch: Partial<Pick<UserRecord, 'passwordHash' | 'role' | 'disabled' | 'updatedAt'>>): Promise<boolean>;
  getUser(idOrName: { id: string } | { username: string }): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  listRoles(): Promise<RoleRecord[]>;
  createApiKey(key: ApiKeyRecord): Promise<void>;
  findApiKeyByPrefix(prefix: string): Promise<ApiKeyRecord | undefined>;
  revokeApiKey(id: string, at: string): Promise<boolean>;
  listApiKeys(userId?: string): Promise<ApiKeyRecord[]>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  /**
   * Replace a live session's refresh hash, only if it still holds `oldHash` and is not revoked:
   * two refreshes with the same token cannot both succeed. False when nothing was replaced.
   */
  rotateSessionRefresh(id: string, oldHash: string, newHash: string, expiresAt: string): Promise<boolean>;
  /** Revoke one session or every session of a user; returns how many were live. */
  revokeSessions(which: { id: string } | { userId: string }, at: string): Promise<number>;

  addComment(comment: CommentRecord): Promise<void>;
  /** Oldest first. */
  listComments(targetKind: CommentRecord['targetKind'], targetId: string): Promise<CommentRecord[]>;

  putAssetTypes(types: AssetTypeRecord[]): Promise<void>;
  listAssetTypes(): Promise<AssetTypeRecord[]>;
  putAssets(assets: AssetRecord[]): Promise<void>;
  listAssets(): Promise<AssetRecord[]>;

  putFeed(feed: ThreatIntelFeed): Promise<void>;
  listFeeds(): Promise<ThreatIntelFeed[]>;
  putIocs(iocs: IocRecord[]): Promise<number>;
  findIocs(type: IocType, values: string[]): Promise<IocRecord[]>;

  /** Merge observations: first_ts = min, last_ts = max, count added. */
  mergeBaselines(rows: BaselineRecord[]): Promise<void>;
  getBaselines(keys: BaselineKey[]): Promise<BaselineRecord[]>;
  putUserRisk(rows: UserRiskRecord[]): Promise<void>;
  /** The given users' risk; every user's when `users` is omitted. */
  getUserRisk(users?: string[]): Promise<UserRiskRecord[]>;
  /** Insert or replace; returns the number written. */
  putAttackObjects(rows: AttackObjectRecord[]): Promise<number>;
  listAttackObjects(): Promise<AttackObjectRecord[]>;
  /**
   * A number that changes whenever the assets or the ATT&CK objects change, by any process: a reader
   * of both keeps its copy while the number stays the same.
   */
  referenceVersion(): Promise<number>;
  alertStatsByRule(): Promise<RuleAlertStats[]>;

  appendAudit(entries: AuditInput[]): Promise<AuditEntry[]>;
  readAudit(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** Entries in the audit log. */
  auditLength(): Promise<number>;
  verifyAudit(): Promise<AuditVerification>;
}
