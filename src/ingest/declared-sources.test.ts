import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../config/load.js';
import { UnknownSourceTypeError } from '../normalize/registry.js';
import { DeclaredSourceError, declaredSources } from './declared-sources.js';
import { PipelineCache } from './pipeline-cache.js';

/** `Feb 23 00:13:35 localhost sshd[7483]: Accepted password for vagrant ...` (test/fixtures/linux/auth.log). */
const LINE = readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'linux', 'auth.log'), 'utf8').split('\n')[1] as string;
const RECEIVED = new Date('2026-03-01T12:00:00Z');

function read(cache: PipelineCache, sourceId: string, extra: { sourceType?: string } = {}): { ts: unknown; type: unknown } {
  const [o] = cache.get({ sourceId, ...extra }).process(LINE, RECEIVED);
  assert.equal(o?.kind, 'event');
  const ev = (o as { event: { '@timestamp': string; weft: { source_type: string } } }).event;
  return { ts: ev['@timestamp'], type: ev.weft.source_type };
}

test('a declared source is read with its zone and type; other sources with the defaults; the caller\'s declaration wins', () => {
  const cache = new PipelineCache({ timezone: 'UTC', sources: [{ id: 'fw-berlin', type: 'linux', timezone: 'Europe/Berlin' }, { id: 'nyc', timezone: '-05:00' }] });
  assert.deepEqual(read(cache, 'fw-berlin'), { ts: '2026-02-22T23:13:35.000Z', type: 'linux' });
  assert.deepEqual(read(cache, 'nyc'), { ts: '2026-02-23T05:13:35.000Z', type: 'linux' });
  assert.deepEqual(read(cache, 'elsewhere'), { ts: '2026-02-23T00:13:35.000Z', type: 'linux' });
  assert.deepEqual(read(cache, 'fw-berlin', { sourceType: 'syslog' }), { ts: '2026-02-22T23:13:35.000Z', type: 'syslog' });
});

test('a declaration Weft cannot use is refused before anything is read', () => {
  assert.throws(() => declaredSources([{ id: 'a' }, { id: 'a' }]), (e: Error) => e instanceof DeclaredSourceError && /'a' is declared twice/.test(e.message));
  assert.throws(() => declaredSources([{ id: 'm', type: 'mainframe' }]), UnknownSourceTypeError);
  assert.throws(() => new PipelineCache({ sources: [{ id: 'z', timezone: 'Mars/Olympus' }] }), /source 'z' has an unknown time zone 'Mars\/Olympus'/);
  assert.equal(declaredSources(undefined).size, 0);
});

test('the configuration names the bad key of a declared source', () => {
  const bad = (sources: unknown[]): string => {
    try {
      parseConfig({ ingest: { sources } });
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };
  assert.match(bad([{ id: 'a', timezone: 'Mars/Olympus' }]), /'ingest\.sources\.0\.timezone': unknown time zone/);
  assert.match(bad([{ id: 'a', format: 'xml' }]), /'ingest\.sources\.0\.format'/);
  assert.match(bad([{ id: 'a', type: 'mainframe' }]), /'ingest\.sources\.0\.type': unknown source type; one of .*\bfortigate\b/);
  assert.match(bad([{ id: 'a' }, { id: 'a' }]), /'ingest\.sources\.1\.id': source id 'a' is declared twice/);
  assert.equal(bad([{ id: 'a', type: 'linux', format: 'syslog', timezone: 'Europe/Berlin', clock_skew: '2s' }]), 'accepted');
});
