import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCanonicalUtcIso, isoFromMillis, plainUtcIso } from './iso-time.js';

/** Deterministic pseudo-random integers (xorshift), so a failure can be reproduced. */
function rng(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

test('isoFromMillis equals toISOString: every 13th day 1970-9999 at both ends, random instants, fractions', () => {
  for (let day = 0; day < 2_932_897; day += 13) {
    for (const ms of [day * 86_400_000, day * 86_400_000 + 86_399_999]) assert.equal(isoFromMillis(ms), new Date(ms).toISOString());
  }
  const r = rng(7);
  for (let i = 0; i < 100_000; i++) {
    const ms = r(2_932_897) * 86_400_000 + r(86_400_000) + r(1000) / 1000;
    assert.equal(isoFromMillis(ms), new Date(ms).toISOString());
  }
  // Leap days, century rules, the last representable four-digit-year instant.
  for (const s of ['2000-02-29T12:00:00.000Z', '2100-03-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z']) {
    assert.equal(isoFromMillis(Date.parse(s)), s);
  }
});

test('isoFromMillis outside 1970-9999 takes the Date path: same string, same RangeError', () => {
  for (const ms of [-1, -62_135_596_800_000, 253_402_300_800_000, 8.64e15]) assert.equal(isoFromMillis(ms), new Date(ms).toISOString());
  assert.throws(() => isoFromMillis(Number.NaN), RangeError);
  assert.throws(() => isoFromMillis(Number.POSITIVE_INFINITY), RangeError);
});

test('plainUtcIso: the toISOString form of plain UTC times', () => {
  assert.equal(plainUtcIso('2026-03-10T08:15:02.1234567Z'), '2026-03-10T08:15:02.123Z');
  assert.equal(plainUtcIso('2026-03-10 08:15:02.5'), '2026-03-10T08:15:02.500Z');
  assert.equal(plainUtcIso('2026-03-10 08:15:02.98765'), '2026-03-10T08:15:02.987Z');
  assert.equal(plainUtcIso('2026-03-10T08:15:02.987'), '2026-03-10T08:15:02.987Z');
  assert.equal(plainUtcIso('2026-03-10T08:15:02.12z'), '2026-03-10T08:15:02.120Z');
  assert.equal(plainUtcIso('2026-03-10T08:15:02'), '2026-03-10T08:15:02.000Z');
  assert.equal(plainUtcIso('2024-02-29T00:00:00Z'), '2024-02-29T00:00:00.000Z');
  const canonical = '2026-03-10T08:15:02.123Z';
  assert.equal(plainUtcIso(canonical), canonical);
});

test('plainUtcIso leaves to Date whatever it would roll over or read differently', () => {
  for (const s of [
    '2026-02-29T00:00:00Z', // not a leap year: Date rolls over to March 1
    '1900-02-29T00:00:00Z', // century rule
    '2026-04-31T00:00:00Z',
    '2026-01-01T24:00:00Z', // Date reads 24:00 as next midnight
    '2026-01-01T23:59:60Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-01-01T00:00:00.Z', // dot without digits
    '2026-01-01T00:00:00+01:00',
    '2026-01-01T00:00:00ZZ',
    '2026-01-01T00:00:00Z ',
    '2026-01-01X00:00:00Z',
    '2026-1-01T00:00:00Z',
    '20x6-01-01T00:00:00Z',
    '2026-01-01T00:00',
    '',
  ]) {
    assert.equal(plainUtcIso(s), undefined, s);
  }
});

test('isCanonicalUtcIso: the last string formatted, or one already in toISOString form; nothing else', () => {
  const formatted = isoFromMillis(Date.UTC(2026, 2, 10, 8, 15, 2, 123));
  assert.equal(isCanonicalUtcIso(formatted), true);
  // An equal string that is not the same object is compared by content.
  assert.equal(isCanonicalUtcIso(`2026-03-10T08:15:02.12${'3'}Z`), true);
  assert.equal(isCanonicalUtcIso('2026-03-10T08:15:02.124Z'), true);
  // The last string formatted does not vouch for anything else.
  for (const s of ['2026-03-10T08:15:02Z', '2026-03-10 08:15:02.123Z', '2026-02-29T00:00:00.000Z', '2026-03-10T08:15:02.123+00:00', '', 'x']) {
    assert.equal(isCanonicalUtcIso(s), false, s);
  }
  // An expanded year is canonical toISOString output, recognized when it was the last one formatted.
  const far = isoFromMillis(253_402_300_800_000);
  assert.equal(far, '+010000-01-01T00:00:00.000Z');
  assert.equal(isCanonicalUtcIso(far), true);
  isoFromMillis(0);
  assert.equal(isCanonicalUtcIso(far), false);
});
