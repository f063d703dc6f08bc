import { z } from 'zod';
import { DECLARED_FORMATS } from '../decode/declared-formats.js';
import { isKnownZone } from '../decode/zone.js';
import { ALL_MAPPERS } from '../normalize/registry.js';
import { parseDuration } from './duration.js';

/** A duration written as `30s`, `5m`, `24h`; a bare number is milliseconds. Parsed to milliseconds. */
const duration = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 30s, 5m or 24h, got '${v}'` });
    return z.NEVER;
  }
  return ms;
});

/** A byte size written as `1MiB`, `512KiB`, `10MB`, or a number of bytes. */
const byteSize = z.union([z.number().int().positive(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i.exec(v.trim());
  const units: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `expected a size such as 1MiB or 512KiB, got '${v}'` });
    return z.NEVER;
  }
  return Math.round(Number(m[1]) * (units[(m[2] ?? 'b').toLowerCase()] as number));
});

/** A declared source type: one a mapper has (`weft ingest --list-source-types`). */
const sourceType = z.string().min(1).refine((t) => ALL_MAPPERS.some((m) => m.sourceType === t), {
  message: `unknown source type; one of ${ALL_MAPPERS.map((m) => m.sourceType).join(', ')}`,
});

/** A source declared by id (`ingest.sources[]`): how its records are read when the sender does not say. */
const sourceSchema = z.strictObject({
  id: z.string().min(1),
  type: sourceType.optional(),
  format: z.enum(DECLARED_FORMATS).optional(),
  /** Zone for its timestamps that carry none (RFC 3164 syslog); default `ingest.timezone`. */
  timezone: z.string().min(1).refine(isKnownZone, { message: 'unknown time zone: an IANA name (Europe/Berlin) or an offset (+02:00)' }).optional(),
  /** How far this source's clock runs ahead: subtracted from its event times before correlation. */
  clock_skew: duration.optional(),
});

/** A syslog listener (`ingest.listeners[]`): UDP, TCP (LF or RFC 6587 octet-counted frames) or TLS. */
const listenerSchema = z.strictObject({
  protocol: z.enum(['udp', 'tcp', 'tls']),
  /** Source id of everything received; default `syslog-<protocol>:<host>:<port>`. */
  id: z.string().min(1).optional(),
  host: z.string().min(1).default('127.0.0.1'),
  /** Default 514 (udp, tcp) or 6514 (tls); 0 picks a free port. */
  port: z.number().int().min(0).max(65535).optional(),
  source_type: sourceType.optional(),
  format: z.enum(DECLARED_FORMATS).optional(),
  /** TCP/TLS framing: `auto` decides per connection from its first bytes. */
  framing: z.enum(['auto', 'lf', 'octet-counting']).default('auto'),
  max_connections: z.number().int().min(1).max(100_000).default(1000),
  /** UDP: records waiting for the sink at most; more datagrams are dropped and counted. */
  queue_records: z.number().int().min(1).max(10_000_000).default(10_000),
  queue_bytes: byteSize.default(16 * 1024 * 1024),
  tls: z.strictObject({
    cert: z.string().min(1),
    key: z.string().min(1),
    /** CA bundle for client certificates; with client_auth, only clients it signed may connect. */
    ca: z.string().min(1).optional(),
    client_auth: z.boolean().default(false),
  }).optional(),
}).superRefine((l, ctx) => {
  if (l.protocol === 'tls' && l.tls === undefined) ctx.addIssue({ code: 'custom', path: ['tls'], message: 'a tls listener needs tls.cert and tls.key' });
  if (l.protocol !== 'tls' && l.tls !== undefined) ctx.addIssue({ code: 'custom', path: ['tls'], message: `tls settings on a ${l.protocol} listener; set protocol: tls` });
});

/** Files to follow (`ingest.tail[]`): appends, rotation and restarts, positions kept in the data dir. */
const tailSchema = z.strictObject({
  /** Files or globs (re-expanded at every poll, so new files are picked up). Point them at live files, not rotated names. */
  paths: z.array(z.string().min(1)).min(1),
  /** Source id; default the file's path. */
  id: z.string().min(1).optional(),
  source_type: sourceType.optional(),
  format: z.enum(DECLARED_FORMATS).optional(),
  poll_interval: duration.default(1000),
  /** Where to start in a file never seen before. */
  start_at: z.enum(['beginning', 'end']).default('beginning'),
  /** How long a rotated-away file is still read after its last growth (writers that reopen late). */
  rotate_wait: duration.default(5000),
});

export const configSchema = z.strictObject({
  data_dir: z.string().min(1).default('./data'),
  log: z.strictObject({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    format: z.enum(['auto', 'json', 'pretty']).default('auto'),
  }).prefault({}),
  store: z.strictObject({
    driver: z.enum(['sqlite', 'postgres']).default('sqlite'),
    sqlite: z.strictObject({
      /** Default: `<data_dir>/weft.db`. */
      path: z.string().min(1).optional(),
      synchronous: z.enum(['full', 'normal']).default('full'),
    }).prefault({}),
    postgres: z.strictObject({
      /** Overridden by WEFT_POSTGRES_URL. */
      url: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/weft'),
      pool_size: z.number().int().min(1).max(100).default(10),
    }).prefault({}),
  }).prefault({}),
  ingest: z.strictObject({
    max_record_bytes: byteSize.default(1024 * 1024),
    batch_size: z.number().int().min(1).max(100_000).default(1000),
    timezone: z.string().default('UTC'),
    sources: z.array(sourceSchema).default([]).superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((s, i) => {
        if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `source id '${s.id}' is declared twice` });
        seen.add(s.id);
      });
    }),
    /** Syslog listeners; none by default. */
    listeners: z.array(listenerSchema).default([]),
    /** Followed files; none by default. */
    tail: z.array(tailSchema).default([]),
  }).prefault({}),
  rules: z.strictObject({
    /** Rule files or directories; default: the bundled rule pack. */
    paths: z.array(z.string()).default([]),
    /** Extra pipeline files, applied with the bundled ones. */
    pipelines: z.array(z.string()).default([]),
    /** Values for Sigma `expand` placeholders (`%name%`). */
    placeholders: z.record(z.string(), z.array(z.string())).default({}),
    /** Rule ids not to evaluate. */
    disabled: z.array(z.string()).default([]),
  }).prefault({}),
  enrich: z.strictObject({
    /** Identity directory (YAML): who is who across sources. */
    identities: z.string().optional(),
  }).prefault({}),
  correlation: z.strictObject({
    allowed_lateness: duration.default(5 * 60_000),
    /** A source this far behind the others (at most) holds correlation back so its events are not late; 0: one watermark for all. */
    max_source_lag: duration.default(15 * 60_000),
    /** A source that sent nothing for this long stops holding correlation back. */
    source_idle: duration.default(60 * 60_000),
    /** An event dated further than this after it was received is not correlated (a clock far off, a made-up time). */
    max_ahead: duration.default(15 * 60_000),
    max_state_entries: z.number().int().min(1).default(1_000_000),
    /** How often `weft serve`'s event-log consumers save their state (correlation windows, rule hit counts) with their position. */
    checkpoint_interval: duration.default(5_000),
  }).prefault({}),
  alert: z.strictObject({
    /** Same rule + group key within this long after the last detection updates one alert. */
    suppression_window: duration.default(60 * 60_000),
    /** Alerts sharing an entity within this long join one incident. */
    incident_window: duration.default(24 * 60 * 60_000),
    /** Alerts linked through one shared entity join only when at most this far apart (two or more shared entities: incident_window). */
    incident_link_gap: duration.default(4 * 60 * 60_000),
    /** An entity in alerts of more than this many rules (a domain controller, a NAT egress) links no alerts. */
    incident_max_entity_rules: z.number().int().min(1).max(10_000).default(12),
    /** More than this many distinct targets beside one actor under one rule is a fan-out (spray, scan): its targets link weakly. */
    incident_max_fan_out: z.number().int().min(2).max(100_000).default(10),
    /** Multi-source confirmation: other source types' alerts on the same entities this far back. */
    confirmation_window: duration.default(24 * 60 * 60_000),
    /** A user's accumulated risk halves over this much event time. */
    risk_half_life: duration.default(3 * 24 * 60 * 60_000),
    /** Asset inventory (CSV or YAML) for `weft hunt`; `weft ingest` reads the store (`weft assets import`). */
    assets: z.string().min(1).optional(),
    /** Suppression rules and allowlist (YAML). */
    suppressions: z.string().min(1).optional(),
    /** Score points by network zone of the most critical asset involved. */
    zone_weights: z.record(z.string(), z.number().int().min(-50).max(50)).default({
      core: 5, restricted: 5, dmz: 3, server: 2, office: 0, user: 0, guest: -3, dev: -5, test: -8, lab: -10,
    }),
    /** Matched events whose facts are held until the end of a run (bounded memory). */
    max_pending: z.number().int().min(1000).default(1_000_000),
    outputs: z.strictObject({
      webhook: z.strictObject({
        url: z.string().url(),
        /** HMAC-SHA256 key; overridden by WEFT_WEBHOOK_SECRET. */
        secret: z.string().min(16).optional(),
        min_severity: z.enum(['low', 'medium', 'high', 'critical']).default('medium'),
        format: z.enum(['jsonl', 'ecs', 'ocsf']).default('ecs'),
        timeout: duration.default(10_000),
      }).optional(),
      syslog: z.strictObject({
        /** `udp://host:514` or `tcp://host:514`. */
        target: z.string().regex(/^(udp|tcp):\/\/[^/:]+:\d+$/, 'expected udp://host:port or tcp://host:port'),
        min_severity: z.enum(['low', 'medium', 'high', 'critical']).default('medium'),
      }).optional(),
    }).prefault({}),
  }).prefault({}),
  server: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    body_limit: byteSize.default(10 * 1024 * 1024),
    access_token_ttl: duration.default(15 * 60_000),
    refresh_token_ttl: duration.default(7 * 24 * 60 * 60_000),
    /** Overridden by WEFT_JWT_SECRET; when neither is set, a random secret is kept in the data dir. */
    jwt_secret: z.string().min(32).optional(),
    sensitive_fields: z.array(z.string()).default([]),
    /** Keys for sensitive fields, one base64 key per line, current first (or WEFT_FIELD_KEY / WEFT_FIELD_KEY_FILE). */
    field_key_file: z.string().min(1).optional(),
    /** Records admitted to ingest and not yet committed, at most: past it HTTP ingest answers 429. */
    ingest_queue_records: z.number().int().min(1).max(10_000_000).default(50_000),
    /**
     * Worker threads that decode and normalize ingested records; 0 does it on the main thread; `auto`
     * (ingestWorkersFor) one per core, 1 to 4.
     */
    ingest_workers: z.union([z.literal('auto'), z.number().int().min(0).max(64)]).default('auto'),
  }).prefault({}),
});

export type WeftConfig = z.output<typeof configSchema>;
export type ListenerConfig = z.output<typeof listenerSchema>;
export type TailConfig = z.output<typeof tailSchema>;
export type WeftConfigInput = z.input<typeof configSchema>;
