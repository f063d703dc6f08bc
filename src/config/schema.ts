import { z } from 'zod';
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

const sourceSchema = z.strictObject({
  id: z.string().min(1),
  type: z.string().optional(),
  format: z.string().optional(),
  timezone: z.string().optional(),
  /** Added to this source's event times before correlation (its clock runs behind by this much). */
  clock_skew: duration.optional(),
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
    sources: z.array(sourceSchema).default([]),
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
    max_state_entries: z.number().int().min(1).default(1_000_000),
    checkpoint_interval: duration.default(10_000),
  }).prefault({}),
  alert: z.strictObject({
    suppression_window: duration.default(60 * 60_000),
    incident_window: duration.default(24 * 60 * 60_000),
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
  }).prefault({}),
  bus: z.strictObject({
    driver: z.enum(['embedded', 'nats']).default('embedded'),
    nats: z.strictObject({
      url: z.string().default('nats://127.0.0.1:4222'),
      stream: z.string().default('WEFT_EVENTS'),
      partitions: z.number().int().min(1).max(1024).default(16),
    }).prefault({}),
  }).prefault({}),
});

export type WeftConfig = z.output<typeof configSchema>;
export type WeftConfigInput = z.input<typeof configSchema>;
