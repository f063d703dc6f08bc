import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventId } from '../event/event-id.js';
import { repoRoot } from '../../test/support/shared-data.js';
import { RecordPipeline, type RecordOutcome } from './record-pipeline.js';
import { expandInputs, readOutcomes } from './file-source.js';
import { UnknownSourceTypeError } from '../normalize/registry.js';

const fixture = (...p: string[]): string => join(repoRoot, 'test', 'fixtures', ...p);
const AT = new Date('2026-03-01T12:00:00.000Z');
const firstLine = (file: string): string => readFileSync(fixture(file), 'utf8').split('\n')[0] as string;

function one(outcomes: RecordOutcome[]): RecordOutcome {
  assert.equal(outcomes.length, 1);
  return outcomes[0] as RecordOutcome;
}

test('a real Okta record becomes a stamped ECS event with a stable id', () => {
  const line = firstLine('okta/system.log');
  const p = new RecordPipeline({ sourceId: 'okta-prod' });
  const o = one(p.process(line, AT));
  assert.equal(o.kind, 'event');
  if (o.kind !== 'event') return;
  const e = o.event;
  assert.equal(e.weft.id, eventId('okta-prod', line));
  assert.deepEqual({ ...e.weft }, { id: eventId('okta-prod', line), source_id: 'okta-prod', source_type: 'okta', ingest_time: AT.toISOString() });
  assert.equal(e.event?.original, line);
  assert.equal(e.ecs?.version, '9.4.0');
  assert.equal((e.source as { ip?: string }).ip, '175.16.199.1');
  // Same record, same source: same id. Another source: another id.
  assert.equal((one(p.process(line, new Date())) as { event: { weft: { id: string } } }).event.weft.id, e.weft.id);
  assert.notEqual((one(new RecordPipeline({ sourceId: 'other' }).process(line, AT)) as { event: { weft: { id: string } } }).event.weft.id, e.weft.id);
});

test('a CloudTrail file splits into one event per record', () => {
  const text = readFileSync(fixture('cloudtrail/records.json'), 'utf8');
  const n = (JSON.parse(text) as { Records: unknown[] }).Records.length;
  const out = new RecordPipeline({ sourceId: 'ct' }).process(text, AT);
  assert.equal(out.length, n);
  assert.ok(out.every((o) => o.kind === 'event' && o.event.weft.source_type === 'cloudtrail'));
  const ids = new Set(out.map((o) => (o.kind === 'event' ? o.event.weft.id : '')));
  assert.equal(ids.size, n);
});

test('normalizeOnly gives what process gives, minus the weft stamp; quarantines are the same', () => {
  const lines = [
    firstLine('okta/system.log'),
    readFileSync(fixture('cloudtrail/records.json'), 'utf8'),
    '{"truncated": ',
    JSON.stringify({ ...(JSON.parse(firstLine('okta/system.log')) as Record<string, unknown>), published: 'last tuesday' }),
  ];
  const p = new RecordPipeline({ sourceId: 's' });
  let events = 0;
  for (const line of lines) {
    const full = p.process(line, AT);
    const only = p.normalizeOnly(line, AT);
    assert.equal(only.length, full.length);
    for (let i = 0; i < full.length; i++) {
      const f = full[i] as RecordOutcome;
      const o = only[i] as (typeof only)[number];
      assert.equal(o.kind, f.kind);
      if (f.kind === 'quarantine' || o.kind === 'quarantine') {
        assert.deepEqual(o, f);
        continue;
      }
      events++;
      assert.equal('weft' in o.event, false);
      const { weft, ...rest } = f.event;
      assert.equal(weft.source_id, 's');
      assert.deepEqual(o.event, rest);
    }
  }
  assert.ok(events > 2);
});

test('bad input is quarantined with a specific reason, never thrown', () => {
  const p = new RecordPipeline({ sourceId: 's' });
  const cases: [string, string][] = [
    ['\u0000\u0001 binary garbage', 'decode.record.unrecognized'],
    ['{"truncated": ', 'decode.json.syntax'],
    ['CEF:0|Elastic|Vaporware', 'decode.cef.bad_header'],
  ];
  const okta = JSON.parse(firstLine('okta/system.log')) as Record<string, unknown>;
  cases.push([JSON.stringify({ ...okta, published: 'last tuesday' }), 'normalize.okta.bad_timestamp']);
  for (const [text, reason] of cases) {
    const o = one(p.process(text, AT));
    assert.equal(o.kind, 'quarantine', text.slice(0, 60));
    if (o.kind === 'quarantine') {
      assert.equal(o.quarantine.reason, reason, `${text.slice(0, 60)} -> ${o.quarantine.reason}: ${o.quarantine.message}`);
      assert.equal(o.quarantine.raw, text);
      assert.equal(o.quarantine.sourceId, 's');
      assert.ok(o.quarantine.message.length > 0);
    }
  }
});

test('declared format or source type that does not fit is a quarantine, not a guess', () => {
  const okta = firstLine('okta/system.log');
  const asCef = one(new RecordPipeline({ sourceId: 's', format: 'cef' }).process(okta, AT));
  assert.equal(asCef.kind === 'quarantine' && asCef.quarantine.reason, 'decode.cef.format_mismatch');
  const asLinux = one(new RecordPipeline({ sourceId: 's', sourceType: 'linux' }).process(okta, AT));
  assert.equal(asLinux.kind === 'quarantine' && asLinux.quarantine.reason, 'normalize.linux.not_this_source');
  assert.throws(() => new RecordPipeline({ sourceId: 's', sourceType: 'nope' }), UnknownSourceTypeError);
});

test('oversized records are quarantined unparsed', () => {
  const big = `{"a": "${'x'.repeat(2000)}"}`;
  const o = one(new RecordPipeline({ sourceId: 's', maxRecordBytes: 1024 }).process(big, AT));
  assert.equal(o.kind === 'quarantine' && o.quarantine.reason, 'decode.record.oversized');
});

test('every fixture: records in = events + quarantined, and file order is kept', async () => {
  const files = (await expandInputs([fixture()])).filter((f) => !f.endsWith('.json') || f.endsWith('records.json'));
  let records = 0;
  let outcomes = 0;
  let lineRecords = 0;
  let lineOutcomes = 0;
  for await (const b of readOutcomes(files, { receivedAt: () => AT })) {
    records += b.records;
    outcomes += b.outcomes.length;
    if (b.file.endsWith('.log')) {
      lineRecords += b.records;
      lineOutcomes += b.outcomes.length;
    }
    for (const o of b.outcomes) {
      if (o.kind === 'event') assert.equal(o.event.log?.file?.path, b.file);
    }
  }
  assert.ok(lineRecords > 100, `only ${lineRecords} line records`);
  // A line is exactly one record: one event or one quarantine record, never none, never two.
  assert.equal(lineOutcomes, lineRecords);
  // Arrays and CloudTrail files hold several events in one record.
  assert.ok(outcomes >= records);
});
