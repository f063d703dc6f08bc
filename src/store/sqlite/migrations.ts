/**
 * Versioned schema migrations for the SQLite store. Append only: a released migration never changes;
 * a schema change is a new entry. Each runs in its own transaction with its version row.
 */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  ts INTEGER NOT NULL,
  ingest_ts INTEGER NOT NULL,
  source_id TEXT NOT NULL,
  source_type TEXT,
  category TEXT,
  action TEXT,
  code TEXT,
  source_ip TEXT,
  destination_ip TEXT,
  user_name TEXT,
  host_name TEXT,
  entity_ids TEXT,
  doc TEXT NOT NULL,
  raw TEXT
);
CREATE INDEX events_ts ON events (ts, seq);
CREATE INDEX events_source_ip ON events (source_ip) WHERE source_ip IS NOT NULL;
CREATE INDEX events_destination_ip ON events (destination_ip) WHERE destination_ip IS NOT NULL;
CREATE INDEX events_user ON events (user_name) WHERE user_name IS NOT NULL;
CREATE INDEX events_host ON events (host_name) WHERE host_name IS NOT NULL;
CREATE INDEX events_source ON events (source_id, ts);

CREATE TABLE sources (
  id TEXT PRIMARY KEY,
  type TEXT,
  format TEXT,
  config TEXT,
  first_seen TEXT,
  last_seen TEXT,
  events INTEGER NOT NULL DEFAULT 0,
  quarantined INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE quarantine (
  id TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  source_id TEXT NOT NULL,
  source_type TEXT,
  format TEXT,
  received_at TEXT NOT NULL,
  raw BLOB NOT NULL
);
CREATE INDEX quarantine_reason ON quarantine (reason);
CREATE INDEX quarantine_received ON quarantine (received_at, id);

CREATE TABLE rules (
  id TEXT NOT NULL,
  version TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  level TEXT,
  status TEXT,
  enabled INTEGER NOT NULL DEFAULT 1,
  content TEXT NOT NULL,
  source_file TEXT,
  loaded_at TEXT NOT NULL,
  PRIMARY KEY (id, version)
);
CREATE INDEX rules_loaded ON rules (id, loaded_at);

CREATE TABLE checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  state BLOB NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE correlations (
  id TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  group_key TEXT NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX correlations_rule ON correlations (rule_id, first_ts);

CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  assignee TEXT,
  score REAL NOT NULL,
  severity TEXT NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts INTEGER NOT NULL,
  doc TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX incidents_status ON incidents (status, last_ts);

CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  rule_version TEXT,
  kind TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts INTEGER NOT NULL,
  score REAL NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL,
  assignee TEXT,
  incident_id TEXT REFERENCES incidents (id) ON DELETE SET NULL,
  count INTEGER NOT NULL,
  doc TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX alerts_dedup ON alerts (dedup_key, last_ts);
CREATE INDEX alerts_first ON alerts (first_ts, id);
CREATE INDEX alerts_status ON alerts (status, severity);
CREATE INDEX alerts_incident ON alerts (incident_id);

CREATE TABLE response_actions (
  id TEXT PRIMARY KEY,
  incident_id TEXT REFERENCES incidents (id) ON DELETE CASCADE,
  alert_id TEXT REFERENCES alerts (id) ON DELETE CASCADE,
  action TEXT NOT NULL,
  status TEXT NOT NULL,
  actor TEXT NOT NULL,
  result TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE roles (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL
);
CREATE TABLE permissions (
  role TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
  permission TEXT NOT NULL,
  PRIMARY KEY (role, permission)
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL REFERENCES roles (name),
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL UNIQUE,
  key_hash TEXT NOT NULL,
  role TEXT NOT NULL REFERENCES roles (name),
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);

CREATE TABLE asset_types (
  name TEXT PRIMARY KEY,
  description TEXT,
  default_criticality INTEGER NOT NULL
);
CREATE TABLE assets (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  asset_type TEXT REFERENCES asset_types (name),
  criticality INTEGER NOT NULL,
  zone TEXT,
  owner TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  UNIQUE (kind, value)
);

CREATE TABLE threat_intel (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  source TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE iocs (
  feed_id TEXT NOT NULL REFERENCES threat_intel (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  threat TEXT,
  confidence INTEGER,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  expires_at TEXT,
  PRIMARY KEY (feed_id, type, value)
);
CREATE INDEX iocs_lookup ON iocs (type, value);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  outcome TEXT NOT NULL,
  source_ip TEXT,
  details TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
-- Append-only: the engine never updates or deletes audit rows. Someone with the file can still drop
-- these triggers; the hash chain is what detects that.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`,
  },
  {
    version: 2,
    name: 'alerting state: entity baselines, user risk, ATT&CK objects',
    sql: `
CREATE TABLE entity_baseline (
  kind TEXT NOT NULL,
  entity TEXT NOT NULL,
  value TEXT NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (kind, entity, value)
);
CREATE TABLE user_risk (
  user_id TEXT PRIMARY KEY,
  risk REAL NOT NULL,
  as_of_ts INTEGER NOT NULL
);
CREATE TABLE attack_objects (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  tactics TEXT NOT NULL,
  url TEXT
);
CREATE INDEX alerts_rule_status ON alerts (rule_id, status);
`,
  },
  {
    version: 3,
    name: 'login sessions and comments',
    sql: `
-- One row per login: the access token names its session, so logout (revoked_at) ends both tokens.
-- The refresh token is stored as a SHA-256 hash and replaced on every refresh.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  refresh_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  source_ip TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE comments (
  id TEXT PRIMARY KEY,
  target_kind TEXT NOT NULL,
  target_id TEXT NOT NULL,
  author TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX comments_target ON comments (target_kind, target_id, created_at);
`,
  },
  {
    version: 4,
    name: 'event ids in two levels instead of a UNIQUE index on events',
    sql: `
-- Event ids are SHA-256 hex: random. As a UNIQUE index on events, a batch of N rows dirtied about N
-- of its leaf pages once the index outgrew the batch, and SQLite writes every dirtied page whole
-- (16 KiB) to the WAL and again at checkpoint: past 300k rows the id index alone cost more writes
-- than the rows. New ids now go to a small level (event_ids_recent) that a batch dirties few pages
-- of, and move to the large level (event_ids) in sorted runs, which touch each of its pages at most
-- once per run (SqliteStore.insertRows).
CREATE TABLE _events_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'events';
CREATE TABLE events_v4 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  ingest_ts INTEGER NOT NULL,
  source_id TEXT NOT NULL,
  source_type TEXT,
  category TEXT,
  action TEXT,
  code TEXT,
  source_ip TEXT,
  destination_ip TEXT,
  user_name TEXT,
  host_name TEXT,
  entity_ids TEXT,
  doc TEXT NOT NULL,
  raw TEXT
);
INSERT INTO events_v4 (seq, id, ts, ingest_ts, source_id, source_type, category, action, code, source_ip, destination_ip, user_name, host_name, entity_ids, doc, raw)
  SELECT seq, id, ts, ingest_ts, source_id, source_type, category, action, code, source_ip, destination_ip, user_name, host_name, entity_ids, doc, raw FROM events ORDER BY seq;
DROP TABLE events;
ALTER TABLE events_v4 RENAME TO events;
-- The counter never goes back, so a seq is never reused.
DELETE FROM sqlite_sequence WHERE name IN ('events', 'events_v4');
INSERT INTO sqlite_sequence (name, seq) SELECT 'events', MAX(COALESCE((SELECT MAX(seq) FROM _events_seq), 0), COALESCE((SELECT MAX(seq) FROM events), 0));
DROP TABLE _events_seq;
CREATE INDEX events_ts ON events (ts, seq);
CREATE INDEX events_source_ip ON events (source_ip) WHERE source_ip IS NOT NULL;
CREATE INDEX events_destination_ip ON events (destination_ip) WHERE destination_ip IS NOT NULL;
CREATE INDEX events_user ON events (user_name) WHERE user_name IS NOT NULL;
CREATE INDEX events_host ON events (host_name) WHERE host_name IS NOT NULL;
CREATE INDEX events_source ON events (source_id, ts);
CREATE TABLE event_ids (id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE event_ids_recent (id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO event_ids (id, seq) SELECT id, seq FROM events ORDER BY id;
`,
  },
  {
    version: 5,
    name: 'a version number of the reference data alerting reads',
    sql: `
-- Live alerting reads the asset inventory and the ATT&CK objects for every batch; with thousands of
-- assets the read costs more than the batch. Any change to either table bumps this one number, so
-- a reader keeps its copy until the number moves, whichever process or statement changed them.
CREATE TABLE reference_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
INSERT INTO reference_version (id, version) VALUES (1, 1);
CREATE TRIGGER assets_insert_bumps_reference AFTER INSERT ON assets BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER assets_update_bumps_reference AFTER UPDATE ON assets BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER assets_delete_bumps_reference AFTER DELETE ON assets BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER attack_objects_insert_bumps_reference AFTER INSERT ON attack_objects BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER attack_objects_update_bumps_reference AFTER UPDATE ON attack_objects BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER attack_objects_delete_bumps_reference AFTER DELETE ON attack_objects BEGIN UPDATE reference_version SET version = version + 1 WHERE id = 1; END;
`,
  },
  {
    version: 6,
    name: 'alerts by last time',
    sql: `
-- Live alerting reads the alerts of the last incident window for every batch (last_ts >= from).
-- Without this index that read scanned every alert ever stored, documents and all.
CREATE INDEX alerts_last ON alerts (last_ts);
`,
  },
];
