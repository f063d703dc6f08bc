import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { lookupTable } from '../event/own-props.js';
import { canonicalJson } from '../store/canonical-json.js';
import { configSchema, type WeftConfig } from './schema.js';

/** A bad config file or key. The CLI exits with code 2 on it. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(message: string, readonly problems: string[] = []) {
    super(problems.length > 0 ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** `--config`; else WEFT_CONFIG; else `./weft.yaml` if it exists; else defaults only. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LoadedConfig {
  config: WeftConfig;
  /** The file read, if any. */
  file?: string;
  /** SHA-256 of the effective config without secrets: recorded with every audited decision. */
  hash: string;
}

/**
 * Top-level sections of the design that this version does not implement: refused like any unknown
 * key (accepting and ignoring them would let a user believe they run), with a word on why.
 */
const NOT_AVAILABLE: Readonly<Record<string, string>> = lookupTable({
  bus: 'a NATS JetStream event bus is not implemented in this version (events are logged in the store, store.driver)',
});

function describeIssue(issue: z.core.$ZodIssue, source: string, lines: LineCounter | undefined, doc: ReturnType<typeof parseDocument> | undefined): string {
  const path = issue.path.map(String);
  const where = (p: string[]): string => {
    if (!doc || !lines) return '';
    const node = doc.getIn(p, true) as { range?: [number, number, number] } | undefined;
    const off = node?.range?.[0];
    if (off === undefined) return '';
    const pos = lines.linePos(off);
    return ` (${source}:${pos.line})`;
  };
  // An unknown key's own line: getIn would give its value's, which for a section is the line below.
  const whereKey = (p: string[], k: string): string => {
    if (!doc || !lines) return '';
    const parent = p.length === 0 ? doc.contents : doc.getIn(p, true);
    const pair = isMap(parent) ? parent.items.find((it) => isScalar(it.key) && String(it.key.value) === k) : undefined;
    const off = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    return off === undefined ? where([...p, k]) : ` (${source}:${lines.linePos(off).line})`;
  };
  if (issue.code === 'unrecognized_keys') {
    const parent = path.join('.');
    const shape = shapeAt(path);
    const expected = shape ? `; expected one of: ${shape.join(', ')}` : '';
    return issue.keys
      .map((k) => `unknown key '${parent ? `${parent}.` : ''}${k}'${whereKey(path, k)}${parent === '' && NOT_AVAILABLE[k] !== undefined ? `: ${NOT_AVAILABLE[k]}` : ''}${expected}`)
      .join('\n  - ');
  }
  const key = path.length > 0 ? path.join('.') : '(top level)';
  return `'${key}'${where(path)}: ${issue.message}`;
}

/** The keys the schema allows at a path, for "expected one of" in errors. */
function shapeAt(path: string[]): string[] | undefined {
  let s: unknown = configSchema;
  for (const seg of path) {
    const unwrapped = unwrap(s);
    const shape = (unwrapped as { shape?: Record<string, unknown> }).shape;
    if (!shape) return undefined;
    s = shape[seg];
    if (s === undefined) return undefined;
  }
  const shape = (unwrap(s) as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : undefined;
}

function unwrap(s: unknown): unknown {
  let cur = s as { def?: { innerType?: unknown; type?: string; in?: unknown } } | undefined;
  for (let i = 0; i < 10 && cur?.def; i++) {
    if (cur.def.innerType) cur = cur.def.innerType as typeof cur;
    else if (cur.def.type === 'pipe' && cur.def.in) cur = cur.def.in as typeof cur;
    else break;
  }
  return cur;
}

/** Validate a parsed config object; errors name every bad key. */
export function parseConfig(raw: unknown, source = 'config', text?: string): WeftConfig {
  let lines: LineCounter | undefined;
  let doc: ReturnType<typeof parseDocument> | undefined;
  if (text !== undefined) {
    lines = new LineCounter();
    doc = parseDocument(text, { lineCounter: lines });
  }
  const r = configSchema.safeParse(raw ?? {});
  if (!r.success) {
    throw new ConfigError(`invalid configuration in ${source}`, r.error.issues.map((i) => describeIssue(i, source, lines, doc)));
  }
  return r.data;
}

export function loadConfig(opts: LoadConfigOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const explicit = opts.path ?? env.WEFT_CONFIG;
  let file: string | undefined;
  let text: string | undefined;
  const candidate = explicit ?? join(cwd, 'weft.yaml');
  try {
    text = readFileSync(resolve(cwd, candidate), 'utf8');
    file = resolve(cwd, candidate);
  } catch (err) {
    if (explicit !== undefined) throw new ConfigError(`cannot read config file ${explicit}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let raw: unknown = {};
  if (text !== undefined) {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(`config file ${file} is not valid YAML`, doc.errors.map((e) => `${file}:${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`));
    }
    raw = doc.toJS() ?? {};
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`config file ${file} must be a YAML mapping at the top level`);
  }
  const config = parseConfig(raw, file ?? 'defaults', text);
  applyEnv(config, env);
  if (!isAbsolute(config.data_dir)) config.data_dir = resolve(cwd, config.data_dir);
  const { jwt_secret: _s, ...server } = config.server;
  const { url: _u, ...pg } = config.store.postgres;
  const hash = createHash('sha256').update(canonicalJson({ ...config, server, store: { ...config.store, postgres: pg } })).digest('hex');
  return { config, ...(file !== undefined ? { file } : {}), hash };
}

/** Secrets come from the environment when set, so they need not sit in the config file. */
function applyEnv(config: WeftConfig, env: NodeJS.ProcessEnv): void {
  if (env.WEFT_POSTGRES_URL) config.store.postgres.url = env.WEFT_POSTGRES_URL;
  if (env.WEFT_JWT_SECRET) {
    if (env.WEFT_JWT_SECRET.length < 32) throw new ConfigError('WEFT_JWT_SECRET must be at least 32 characters');
    config.server.jwt_secret = env.WEFT_JWT_SECRET;
  }
  if (env.WEFT_DATA_DIR) config.data_dir = env.WEFT_DATA_DIR;
  // Earlier versions accepted it (for a bus nothing used): refused like the bus section, not ignored.
  if (env.WEFT_NATS_URL) throw new ConfigError(`WEFT_NATS_URL is set, but ${NOT_AVAILABLE.bus ?? 'no NATS bus is implemented'}`);
}

/** The data dir a command should use: `--data-dir` wins over the config. */
export function withDataDir(loaded: LoadedConfig, dataDir: string | undefined, cwd = process.cwd()): WeftConfig {
  if (dataDir !== undefined) loaded.config.data_dir = resolve(cwd, dataDir);
  return loaded.config;
}
