/**
 * Conformance of Weft's mappers with Elastic's integration pipelines, on Elastic's own test samples
 * (test/fixtures/<source>/, origin and license in each README), read through the real ingest path
 * (framing, format detection, decoders, mapper detection: `readOutcomes`, as `weft ingest` does). For every record we compare our event
 * with Elastic's expected document on the leaf fields both name, per source and overall, and require
 * 100% on @timestamp, event.category, source.ip, user.name and host.name wherever Elastic has them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDocs, excluder, flatten, valuesEqual } from '../support/ecs-compare.js';
import { SPECS, loadRecords } from '../support/fixture-catalog.js';

/** Fields whose expected values are choices of Elastic's ingest, not of normalization. */
const INGEST_SPECIFIC = [
  'event.ingested', // time of indexing
  'ecs.version', // the pipeline's ECS release
  'tags', // Filebeat/agent tags such as preserve_original_event, forwarded
  'agent.*', 'input.type', 'log.offset', 'log.file.*', // collector metadata
  'event.original', // set by Weft's orchestrator, not by mappers
  'event.timezone', // injected by the test configuration
  '*.geo.*', '*.as.*', // GeoIP/ASN enrichment (Weft's enrich stage)
  'user_agent.name', 'user_agent.version', 'user_agent.os.*', 'user_agent.device.*', // UA parsing (enrichment)
  'related.entity', 'actor.*', 'target.*', 'service.target.*', 'user.entity.*', // entity fields of newer pipelines (Weft's entity resolution)
];

const CRITICAL = ['@timestamp', 'event.category', 'source.ip', 'user.name', 'host.name'];

interface Tally { shared: number; equal: number; expected: number; records: number }
const overall: Tally = { shared: 0, equal: 0, expected: 0, records: 0 };
const perSource = new Map<string, Tally>();

for (const spec of SPECS) {
  const excluded = excluder([...INGEST_SPECIFIC, ...(spec.exclude ?? [])]);
  test(`conformance: ${spec.source} through the real ingest path against Elastic's expected output`, async () => {
    const tally: Tally = { shared: 0, equal: 0, expected: 0, records: 0 };
    const problems: string[] = [];
    for (const rec of await loadRecords(spec)) {
      const where = `${rec.fixture.file}#${rec.index + 1}`;
      if (rec.outcome.kind !== 'event') {
        problems.push(`${where}: quarantined ${rec.outcome.quarantine.reason}: ${rec.outcome.quarantine.message}`);
        continue;
      }
      const event = rec.outcome.event;
      assert.equal(event.weft.source_type, spec.source, `${where}: claimed by ${event.weft.source_type}, not ${spec.source}`);
      const exp = rec.expected;
      const c = compareDocs(event, exp, excluded);
      tally.shared += c.shared;
      tally.equal += c.equal;
      tally.expected += c.expected;
      tally.records++;
      for (const m of c.mismatches) problems.push(`${where}: ${m.field}: got ${JSON.stringify(m.actual)}, Elastic ${JSON.stringify(m.expected)}`);
      const ours = flatten(event);
      const theirs = flatten(exp);
      for (const field of CRITICAL) {
        if (!theirs.has(field)) continue;
        assert.ok(ours.has(field) && valuesEqual(ours.get(field), theirs.get(field)),
          `${where}: critical field ${field}: got ${JSON.stringify(ours.get(field))}, Elastic ${JSON.stringify(theirs.get(field))}`);
      }
      if (process.env.WEFT_CONFORMANCE_VERBOSE) for (const m of c.missing) problems.push(`${where}: missing ${m}`);
    }
    perSource.set(spec.source, tally);
    overall.shared += tally.shared;
    overall.equal += tally.equal;
    overall.expected += tally.expected;
    overall.records += tally.records;
    const agreement = tally.shared === 0 ? 0 : tally.equal / tally.shared;
    console.log(`[conformance] ${spec.source}: ${tally.records} records, agreement ${(agreement * 100).toFixed(1)}% (${tally.equal}/${tally.shared} shared fields), coverage ${((tally.shared / Math.max(1, tally.expected)) * 100).toFixed(1)}% of Elastic's fields`);
    if (problems.length > 0) console.log(problems.map((p) => `  - ${p}`).join('\n'));
    assert.ok(tally.records > 0);
    const failed = problems.filter((p) => /: quarantined /.test(p));
    assert.deepEqual(failed, [], `records did not normalize:\n${failed.join('\n')}`);
  });
}

test('conformance: overall agreement >= 95%', () => {
  const agreement = overall.equal / Math.max(1, overall.shared);
  console.log(`[conformance] overall: ${overall.records} records, agreement ${(agreement * 100).toFixed(1)}% (${overall.equal}/${overall.shared}), coverage ${((overall.shared / Math.max(1, overall.expected)) * 100).toFixed(1)}%`);
  assert.ok(overall.records > 0, 'no records compared');
  assert.ok(agreement >= 0.95, `overall agreement ${(agreement * 100).toFixed(1)}% is below 95%`);
});

