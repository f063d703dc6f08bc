/**
 * Auto-detection on what the real framing and decoders produce: each real record is claimed by its
 * own mapper first, and no other specific mapper claims it (the format-only fallbacks may).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mappers } from '../../src/normalize/sources.js';
import { SPECS, decodedRecords } from '../support/fixture-catalog.js';

/** Format-only fallbacks: they claim whatever no specific mapper takes, so they may overlap with any. */
const FALLBACKS = new Set(['syslog', 'generic']);

test('mappers are ordered by priority with the syslog and generic fallbacks last', () => {
  for (let i = 1; i < mappers.length; i++) assert.ok((mappers[i - 1]?.priority ?? 0) >= (mappers[i]?.priority ?? 0));
  assert.deepEqual(mappers.slice(-2).map((m) => m.sourceType), ['syslog', 'generic']);
  assert.ok((mappers[mappers.length - 3]?.priority ?? 0) > (mappers[mappers.length - 2]?.priority ?? 0), 'syslog ranks below every specific mapper');
  assert.equal(new Set(mappers.map((m) => m.sourceType)).size, mappers.length, 'source types are unique');
});

for (const spec of SPECS) {
  test(`detect: ${spec.source} records, as the real decoders give them, go to the ${spec.source} mapper and to no other specific mapper`, async () => {
    const recs = await decodedRecords(spec);
    assert.ok(recs.length > 0);
    for (const rec of recs) {
      const where = `${rec.fixture.file}#${rec.index + 1} (${rec.decoded.format})`;
      const first = mappers.find((m) => m.detect(rec.decoded));
      assert.equal(first?.sourceType, spec.source, `${where} was claimed by ${first?.sourceType}`);
      const others = mappers.filter((m) => m.sourceType !== spec.source && !FALLBACKS.has(m.sourceType) && m.detect(rec.decoded));
      assert.deepEqual(others.map((m) => m.sourceType), [], `${where} is also claimed by others`);
    }
  });
}
