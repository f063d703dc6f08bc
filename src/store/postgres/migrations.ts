/**
 * Versioned schema migrations for the PostgreSQL store. Append only: a released migration never
 * changes; a schema change is a new entry. `migrate()` runs each in its own transaction together
 * with its `schema_migrations` row, under a transaction-level advisory lock.
 *
 * Differences from the SQLite schema, and why:
 * - `events` is range-partitioned by month on `ts` (timestamptz). A partitioned table cannot hold a
 *   unique index without the partition key, so event-id uniqueness lives in `event_ids` (id primary
 *   key), written in the same transaction as the event row. Partitions are created on demand by
 *   `appendEvents` (see partitions.ts), so the migration creates none.
 * - `seq` comes from the `event_seq` sequence; appends hold an advisory lock so seqs commit in order.
 * - `doc` is JSONB with a GIN (jsonb_path_ops) index for containment queries. JSONB cannot hold
 *   `\u0000` or lone surrogates, which real logs do contain; such an event is stored with those
 *   characters replaced in `doc`/`raw` and its exact JSON kept in `exact` (NULL otherwise).
 * - Engine documents (alerts, incidents, correlations, audit details...) stay JSON text: they are
 *   read back whole, never queried inside, and must round-trip byte-exact (the audit hash covers them).
 * - Caller-supplied timestamps (`createdAt`, `receivedAt`...) stay text: the interface passes them
 *   through verbatim, and ISO-8601 text sorts correctly.
 */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE SEQUENCE event_seq AS bigint;

CREATE TABLE event_ids (
  id text PRIMARY KEY,
  seq bigint NOT NULL UNIQUE,
  ts timestamptz NOT NULL
);

CREATE TABLE events (
  seq bigint NOT NULL,
  id text NOT NULL,
  ts timestamptz NOT NULL,
  ingest_ts timestamptz NOT NULL,
  source_id text NOT NULL,
  source_type text,
  category text,
  action text,
  code text,
  source_ip text,
  destination_ip text,
  user_name text,
  host_name text,
  entity_ids text,
  doc jsonb NOT NULL,
  raw text,
  exact text,
  PRIMARY KEY (ts, seq)
) PARTITION BY RANGE (ts);
CREATE INDEX events_seq ON events (seq);
CREATE INDEX events_source_ip ON events (source_ip) WHERE source_ip IS NOT NULL;
CREATE INDEX events_destination_ip ON events (destination_ip) WHERE destination_ip IS NOT NULL;
CREATE INDEX events_user ON events (user_name) WHERE user_name IS NOT NULL;
CREATE INDEX events_host ON events (host_name) WHERE host_name IS NOT NULL;
CREATE INDEX events_source ON events (source_id, ts);
CREATE INDEX events_doc ON events USING gin (doc jsonb_path_ops);

-- Events per UTC hour, source and category (the first event.category value), for dashboards.
-- Refreshed by PostgresStore.refreshHourlySummary(); the unique index allows CONCURRENTLY.
CREATE MATERIALIZED VIEW events_hourly AS
  SELECT date_trunc('hour', ts AT TIME ZONE 'UTC') AS hour, source_id, COALESCE(category, '') AS category, count(*) AS events
  FROM events
  GROUP BY 1, 2, 3;
CREATE UNIQUE INDEX events_hourly_key ON events_hourly (hour, source_id, category);

CREATE TABLE sources (
  id text PRIMARY KEY,
  type text,
  format text,
  config text,
  first_seen text,
  last_seen text,
  events bigint NOT NULL DEFAULT 0,
  quarantined bigint NOT NULL DEFAULT 0
);

CREATE TABLE quarantine (
  id text PRIMARY KEY,
  reason text NOT NULL,
  message text NOT NULL,
  source_id text NOT NULL,
  source_type text,
  format text,
  received_at text NOT NULL,
  raw bytea NOT NULL
);
CREATE INDEX quarantine_reason ON quarantine (reason);
CREATE INDEX quarantine_received ON quarantine (received_at, id);

CREATE TABLE rules (
  id text NOT NULL,
  version text NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  level text,
  status text,
  enabled boolean NOT NULL DEFAULT true,
  content text NOT NULL,
  source_file text,
  loaded_at text NOT NULL,
  -- Insertion order: breaks ties between versions loaded at the same instant.
  ord bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (id, version)
);
CREATE INDEX rules_loaded ON rules (id, loaded_at DESC, ord DESC);

CREATE TABLE checkpoints (
  name text PRIMARY KEY,
  position bigint NOT NULL,
  state bytea NOT NULL,
  updated_at text NOT NULL
);

CREATE TABLE correlations (
  id text PRIMARY KEY,
  rule_id text NOT NULL,
  group_key text NOT NULL,
  first_ts bigint NOT NULL,
  last_ts bigint NOT NULL,
  doc text NOT NULL
);
CREATE INDEX correlations_rule ON correlations (rule_id, first_ts);

CREATE TABLE incidents (
  id text PRIMARY KEY,
  title text NOT NULL,
  status text NOT NULL,
  assignee text,
  score double precision NOT NULL,
  severity text NOT NULL,
  first_ts bigint NOT NULL,
  last_ts bigint NOT NULL,
  doc text NOT NULL,
  created_at text NOT NULL,
  updated_at text NOT NULL
);
CREATE INDEX incidents_status ON incidents (status, last_ts);
CREATE INDEX incidents_first ON incidents (first_ts, id);

CREATE TABLE alerts (
  id text PRIMARY KEY,
  rule_id text NOT NULL,
  rule_version text,
  kind text NOT NULL,
  dedup_key text NOT NULL,
  first_ts bigint NOT NULL,
  last_ts bigint NOT NULL,
  score double precision NOT NULL,
  severity text NOT NULL,
  status text NOT NULL,
  assignee text,
  incident_id text REFERENCES incidents (id) ON DELETE SET NULL,
  count bigint NOT NULL,
  doc text NOT NULL,
  created_at text NOT NULL,
  updated_at text NOT NULL
);
CREATE INDEX alerts_dedup ON alerts (dedup_key, last_ts);
CREATE INDEX alerts_first ON alerts (first_ts, id);
CREATE INDEX alerts_status ON alerts (status, severity);
CREATE INDEX alerts_incident ON alerts (incident_id);

CREATE TABLE response_actions (
  id text PRIMARY KEY,
  incident_id text REFERENCES incidents (id) ON DELETE CASCADE,
  alert_id text REFERENCES alerts (id) ON DELETE CASCADE,
  action text NOT NULL,
  status text NOT NULL,
  actor text NOT NULL,
  result text,
  created_at text NOT NULL,
  updated_at text NOT NULL
);
CREATE INDEX response_actions_incident ON response_actions (incident_id);
CREATE INDEX response_actions_alert ON response_actions (alert_id);

CREATE TABLE roles (
  name text PRIMARY KEY,
  description text NOT NULL
);
CREATE TABLE permissions (
  role text NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
  permission text NOT NULL,
  PRIMARY KEY (role, permission)
);
CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL REFERENCES roles (name),
  disabled boolean NOT NULL DEFAULT false,
  created_at text NOT NULL,
  updated_at text NOT NULL
);
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL UNIQUE,
  key_hash text NOT NULL,
  role text NOT NULL REFERENCES roles (name),
  created_at text NOT NULL,
  revoked_at text,
  last_used_at text
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE asset_types (
  name text PRIMARY KEY,
  description text,
  default_criticality integer NOT NULL
);
CREATE TABLE assets (
  id text PRIMARY KEY,
  kind text NOT NULL,
  value text NOT NULL,
  asset_type text REFERENCES asset_types (name),
  criticality integer NOT NULL,
  zone text,
  owner text,
  tags text NOT NULL DEFAULT '[]',
  UNIQUE (kind, value)
);

CREATE TABLE threat_intel (
  id text PRIMARY KEY,
  name text NOT NULL,
  source text,
  updated_at text NOT NULL
);
CREATE TABLE iocs (
  feed_id text NOT NULL REFERENCES threat_intel (id) ON DELETE CASCADE,
  type text NOT NULL,
  value text NOT NULL,
  threat text,
  confidence integer,
  first_seen text NOT NULL,
  last_seen text NOT NULL,
  expires_at text,
  PRIMARY KEY (feed_id, type, value)
);
CREATE INDEX iocs_lookup ON iocs (type, value);

CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  ts text NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  outcome text NOT NULL,
  source_ip text,
  details text,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
-- Append-only: the engine never updates, deletes or truncates audit rows. A superuser can still drop
-- these triggers; the hash chain is what detects that.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
`,
  },
  {
    version: 2,
    name: 'alerting state: entity baselines, user risk, ATT&CK objects',
    sql: `
CREATE TABLE entity_baseline (
  kind text NOT NULL,
  entity text NOT NULL,
  value text NOT NULL,
  first_ts bigint NOT NULL,
  last_ts bigint NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (kind, entity, value)
);
CREATE TABLE user_risk (
  user_id text PRIMARY KEY,
  risk float8 NOT NULL,
  as_of_ts bigint NOT NULL
);
CREATE TABLE attack_objects (
  id text PRIMARY KEY,
  kind text NOT NULL,
  name text NOT NULL,
  tactics text NOT NULL,
  url text
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
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  refresh_hash text NOT NULL,
  created_at text NOT NULL,
  expires_at text NOT NULL,
  revoked_at text,
  source_ip text
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE comments (
  id text PRIMARY KEY,
  target_kind text NOT NULL,
  target_id text NOT NULL,
  author text NOT NULL,
  body text NOT NULL,
  created_at text NOT NULL
);
CREATE INDEX comments_target ON comments (target_kind, target_id, created_at);
`,
  },
  {
    version: 4,
    name: 'a version number of the reference data alerting reads',
    sql: `
-- The number SQLite migration 5 keeps, for the same reason (ReferenceData in src/server). Here the
-- triggers are per statement, so an import of thousands of assets or a TRUNCATE moves it once.
CREATE TABLE reference_version (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL);
INSERT INTO reference_version (id, version) VALUES (1, 1);
CREATE FUNCTION bump_reference_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE reference_version SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER assets_bump_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assets FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER attack_objects_bump_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON attack_objects FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
`,
  },
  {
    version: 5,
    name: 'alerts by last time',
    sql: `
-- As SQLite migration 6: the alerts of the last incident window, without scanning all history.
CREATE INDEX alerts_last ON alerts (last_ts);
`,
  },
];
