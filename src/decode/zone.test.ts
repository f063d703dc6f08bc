import { test } from 'node:test';
import assert from 'node:assert/strict';
import { civilUtcMs, isKnownZone, parseFixedOffset, validDate, wallClockToUtc } from './zone.js';

test('civilUtcMs agrees with Date.UTC over four centuries, leap days included', () => {
  for (let y = 1900; y <= 2300; y += 7) {
    for (const [m, d] of [[1, 1], [2, 28], [2, 29], [3, 1], [6, 30], [12, 31]] as const) {
      if (!validDate(y, m, d)) continue;
      assert.equal(civilUtcMs(y, m, d, 13, 45, 7, 891), Date.UTC(y, m - 1, d, 13, 45, 7, 891), `${y}-${m}-${d}`);
    }
  }
});

test('fixed offsets, IANA zones and unknown zones', () => {
  assert.equal(parseFixedOffset('+02:00'), 120);
  assert.equal(parseFixedOffset('-0830'), -510);
  assert.equal(parseFixedOffset('UTC'), 0);
  assert.equal(parseFixedOffset('+25:00'), undefined);
  assert.equal(isKnownZone('Asia/Kolkata'), true);
  assert.equal(isKnownZone('Nowhere/Special'), false);
  const wall = { year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0, millisecond: 0 };
  // 01:30 on the November fall-back day happens twice in New York; the earlier instant (EDT) wins.
  assert.equal(new Date(wallClockToUtc(wall, 'America/New_York')!).toISOString(), '2026-11-01T05:30:00.000Z');
  assert.equal(new Date(wallClockToUtc({ ...wall, month: 6 }, 'Asia/Kolkata')!).toISOString(), '2026-05-31T20:00:00.000Z');
  assert.equal(wallClockToUtc(wall, 'Nowhere/Special'), undefined);
  assert.equal(validDate(999, 1, 1), false);
  assert.equal(validDate(2024, 2, 29), true);
  assert.equal(validDate(2100, 2, 29), false);
});
