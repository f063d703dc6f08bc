import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointError } from '../correlate/index.js';
import type { CorrelationAlert } from '../correlate/index.js';
import { alertDigest, decodeCarry, encodeCarry } from './correlation-carry.js';

const session: CorrelationAlert = {
  kind: 'correlation', rule: { id: 'cross-source-session', title: 'Cross-source session', tags: [] }, correlation: { type: 'session' },
  group: { 'entity.user': 'u-ana' }, events: ['e1', 'e2', 'e3'], sources: ['okta', 'windows'],
  first_time: '2026-03-10T09:00:00.000Z', last_time: '2026-03-10T09:04:00.000Z', '@timestamp': '2026-03-10T09:04:00.000Z', value: 3,
};

describe('ingest correlation carry', () => {
  it('round-trips the engine bytes, the reported digests and the recent events', () => {
    const engine = new Uint8Array([1, 2, 3, 250]);
    const bytes = encodeCarry({ engine, reported: [alertDigest(session)], recent: [['e3', 1773133440000]] });
    const back = decodeCarry(bytes);
    assert.deepEqual([...back.engine], [1, 2, 3, 250]);
    assert.deepEqual(back.reported, [alertDigest(session)]);
    assert.deepEqual(back.recent, [['e3', 1773133440000]]);
    // A view into a larger buffer (as a driver may return it) reads the same.
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 5);
    assert.deepEqual(decodeCarry(padded.subarray(5, 5 + bytes.length)), back);
  });

  it('the same alert gives the same digest; any difference, even past a capped event list, another', () => {
    assert.equal(alertDigest({ ...session, group: { ...session.group } }), alertDigest(session));
    const variants: CorrelationAlert[] = [
      { ...session, events: ['e1', 'e2', 'e4'] },
      { ...session, '@timestamp': '2026-03-10T09:05:00.000Z' },
      { ...session, last_time: '2026-03-10T09:09:00.000Z' },
      { ...session, value: 4 },
      { ...session, omitted_events: 1 },
      { ...session, rule: { ...session.rule, id: 'other' } },
      { ...session, correlation: { type: 'event_count' } },
    ];
    const digests = new Set([alertDigest(session), ...variants.map(alertDigest)]);
    assert.equal(digests.size, variants.length + 1);
    assert.match(alertDigest(session), /^[0-9a-f]{32}$/);
  });

  it('refuses a damaged carry with a CheckpointError that says what is wrong', () => {
    const good = encodeCarry({ engine: new Uint8Array([9]), reported: [], recent: [] });
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(0), /bad magic/],
      [new Uint8Array(good.subarray(0, 12)), /bad magic/],
      [good.subarray(0, 17), /truncated/],
      [Uint8Array.from(good, (b, i) => (i === 9 ? 2 : b)), /format version 2 is not supported/],
      [Uint8Array.from(good, (b, i) => (i === 14 ? 0xff : b)), /reported-alerts part is damaged/],
    ];
    for (const [bytes, message] of cases) assert.throws(() => decodeCarry(bytes), (e: unknown) => e instanceof CheckpointError && message.test(e.message));
  });
});
