/**
 * Conformance of Weft's mappers with Elastic's integration pipelines, on Elastic's own test samples
 * (test/fixtures/<source>/, origin and license in each README). For every record we compare our event
 * with Elastic's expected document on the leaf fields both name, per source and overall, and require
 * 100% on @timestamp, event.category, source.ip, user.name and host.name wherever Elastic has them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mapper, MapperContext } from '../../src/normalize/types.js';
import { mappers } from '../../src/normalize/sources.js';
import { compareDocs, excluder, flatten, valuesEqual } from '../support/ecs-compare.js';
import { SPECS, loadRecords, type FixtureSpec } from '../support/fixture-catalog.js';

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

function ctxFor(f: FixtureSpec): MapperContext {
  return { sourceId: `fixture:${f.file}`, receivedAt: new Date('2024-01-01T00:00:00Z'), timezone: f.timezone ?? 'UTC' };
}

const CRITICAL = ['@timestamp', 'event.category', 'source.ip', 'user.name', 'host.name'];

interface Tally { shared: number; equal: number; expected: number; records: number }
const overall: Tally = { shared: 0, equal: 0, expected: 0, records: 0 };
const perSource = new Map<string, Tally>();

for (const spec of SPECS) {
  const mapper = mappers.find((m) => m.sourceType === spec.source) as Mapper;
  const excluded = excluder([...INGEST_SPECIFIC, ...(spec.exclude ?? [])]);
  test(`conformance: ${spec.source} against Elastic's expected output`, () => {
    assert.ok(mapper, `no mapper with sourceType ${spec.source}`);
    const tally: Tally = { shared: 0, equal: 0, expected: 0, records: 0 };
    const problems: string[] = [];
    for (const rec of loadRecords(spec)) {
      {
        const f = rec.fixture;
        const i = rec.index;
        const decoded = rec.decoded;
        assert.ok(mapper.detect(decoded), `${f.file}#${i + 1}: ${spec.source} mapper does not detect its own record`);
        const r = mapper.map(decoded, ctxFor(f));
        if (!r.ok) {
          problems.push(`${f.file}#${i + 1}: ${r.reason}: ${r.message}`);
          continue;
        }
        const exp = rec.expected;
        const c = compareDocs(r.event, exp, excluded);
        tally.shared += c.shared;
        tally.equal += c.equal;
        tally.expected += c.expected;
        tally.records++;
        for (const m of c.mismatches) problems.push(`${f.file}#${i + 1}: ${m.field}: got ${JSON.stringify(m.actual)}, Elastic ${JSON.stringify(m.expected)}`);
        const ours = flatten(r.event);
        const theirs = flatten(exp);
        for (const field of CRITICAL) {
          if (!theirs.has(field)) continue;
          assert.ok(ours.has(field) && valuesEqual(ours.get(field), theirs.get(field)),
            `${f.file}#${i + 1}: critical field ${field}: got ${JSON.stringify(ours.get(field))}, Elastic ${JSON.stringify(theirs.get(field))}`);
        }
        if (process.env.WEFT_CONFORMANCE_VERBOSE) for (const m of c.missing) problems.push(`${f.file}#${i + 1}: missing ${m}`);
      }
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
    assert.ok(!problems.some((p) => /: normalize\./.test(p)), `records failed to map:\n${problems.filter((p) => /: normalize\./.test(p)).join('\n')}`);
  });
}

test('conformance: overall agreement >= 95%', () => {
  const agreement = overall.equal / Math.max(1, overall.shared);
  console.log(`[conformance] overall: ${overall.records} records, agreement ${(agreement * 100).toFixed(1)}% (${overall.equal}/${overall.shared}), coverage ${((overall.shared / Math.max(1, overall.expected)) * 100).toFixed(1)}%`);
  assert.ok(overall.records > 0, 'no records compared');
  assert.ok(agreement >= 0.95, `overall agreement ${(agreement * 100).toFixed(1)}% is below 95%`);
});

