import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load.js';
import { parseDuration } from './duration.js';

function withFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-config-'));
  const p = join(dir, 'weft.yaml');
  writeFileSync(p, text);
  return p;
}

test('every key has a default', () => {
  const { config, file } = loadConfig({ cwd: tmpdir(), env: {} });
  assert.equal(file, undefined);
  assert.equal(config.store.driver, 'sqlite');
  assert.equal(config.ingest.max_record_bytes, 1024 * 1024);
  assert.equal(config.correlation.allowed_lateness, 300_000);
  assert.equal(config.server.port, 8080);
  assert.equal(config.server.host, '127.0.0.1');
  assert.equal(config.data_dir, join(tmpdir(), 'data'));
});

test('values are parsed: durations, sizes, nested keys', () => {
  const p = withFile('ingest:\n  max_record_bytes: 64KiB\ncorrelation:\n  allowed_lateness: 1m30s\nserver:\n  port: 9090\n');
  const { config, file, hash } = loadConfig({ path: p, env: {} });
  assert.equal(file, p);
  assert.equal(config.ingest.max_record_bytes, 65536);
  assert.equal(config.correlation.allowed_lateness, 90_000);
  assert.equal(config.server.port, 9090);
  assert.match(hash, /^[0-9a-f]{64}$/);
});

test('a misspelled key is refused, naming the key, its line and what was expected', () => {
  const p = withFile('store:\n  driver: sqlite\n  sqlite:\n    pth: /tmp/x.db\n');
  assert.throws(() => loadConfig({ path: p, env: {} }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /unknown key 'store\.sqlite\.pth'/);
    assert.match(err.message, /weft\.yaml:4\)/);
    assert.match(err.message, /expected one of: path, synchronous/);
    return true;
  });
  assert.throws(() => loadConfig({ path: withFile('rulez: []\n'), env: {} }), /unknown key 'rulez'.*expected one of: data_dir, log, store/s);
});

test('bad values name the key and the expectation', () => {
  assert.throws(() => loadConfig({ path: withFile('server:\n  port: eighty\n'), env: {} }), /'server\.port' \(.*:2\): .*number/);
  assert.throws(() => loadConfig({ path: withFile('correlation:\n  allowed_lateness: soon\n'), env: {} }), /'correlation\.allowed_lateness'.*expected a duration/);
  assert.throws(() => loadConfig({ path: withFile('store:\n  driver: mysql\n'), env: {} }), /'store\.driver'.*sqlite.*postgres/);
  assert.throws(() => loadConfig({ path: withFile('ingest:\n  sources:\n    - type: okta\n'), env: {} }), /'ingest\.sources\.0\.id'/);
});

test('malformed files: bad YAML, not a mapping, missing file', () => {
  assert.throws(() => loadConfig({ path: withFile('server: [1, 2\n'), env: {} }), /not valid YAML/);
  assert.throws(() => loadConfig({ path: withFile('a: 1\na: 2\n'), env: {} }), /not valid YAML/);
  assert.throws(() => loadConfig({ path: withFile('- 1\n- 2\n'), env: {} }), /must be a YAML mapping/);
  assert.throws(() => loadConfig({ path: '/nonexistent/weft.yaml', env: {} }), /cannot read config file \/nonexistent\/weft\.yaml: ENOENT/);
});

test('environment overrides secrets and WEFT_CONFIG picks the file', () => {
  const p = withFile('server:\n  port: 7000\n');
  const secret = 'x'.repeat(40);
  const { config } = loadConfig({ env: { WEFT_CONFIG: p, WEFT_JWT_SECRET: secret, WEFT_POSTGRES_URL: 'postgres://u@h/db' } });
  assert.equal(config.server.port, 7000);
  assert.equal(config.server.jwt_secret, secret);
  assert.equal(config.store.postgres.url, 'postgres://u@h/db');
  assert.throws(() => loadConfig({ env: { WEFT_CONFIG: p, WEFT_JWT_SECRET: 'short' } }), /at least 32/);
});

test('the config hash ignores secrets', () => {
  const p = withFile('server:\n  port: 7000\n');
  const a = loadConfig({ path: p, env: { WEFT_JWT_SECRET: 'a'.repeat(40) } }).hash;
  const b = loadConfig({ path: p, env: { WEFT_JWT_SECRET: 'b'.repeat(40) } }).hash;
  assert.equal(a, b);
});

test('parseDuration', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('7d'), 604_800_000);
  assert.equal(parseDuration('5 minutes'), undefined);
  assert.equal(parseDuration(''), undefined);
});

test('a section of the design this version does not implement is refused, not ignored', () => {
  const p = withFile('store:\n  driver: sqlite\nbus:\n  driver: nats\n');
  assert.throws(() => loadConfig({ path: p, env: {} }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /unknown key 'bus' \(.*weft\.yaml:3\): a NATS JetStream event bus is not implemented in this version/);
    assert.match(err.message, /expected one of: data_dir, log, store/);
    return true;
  });
  assert.throws(() => loadConfig({ path: withFile('store:\n  driver: sqlite\n'), env: { WEFT_NATS_URL: 'nats://127.0.0.1:4222' } }),
    /WEFT_NATS_URL is set, but a NATS JetStream event bus is not implemented in this version/);
  // The hint is for the top-level section only: a nested key of that name is just unknown.
  assert.throws(() => loadConfig({ path: withFile('ingest:\n  bus: 1\n'), env: {} }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /unknown key 'ingest\.bus'/);
    assert.doesNotMatch(err.message, /NATS/);
    return true;
  });
});
