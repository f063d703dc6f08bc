import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromIsoWithZone } from './time.js';

test('fromIsoWithZone: plain UTC fast path and the general path agree on edge values', () => {
  assert.equal(fromIsoWithZone('2026-03-10T08:15:02Z'), '2026-03-10T08:15:02.000Z');
  assert.equal(fromIsoWithZone('2026-03-10T08:15:02.5z'), '2026-03-10T08:15:02.500Z');
  assert.equal(fromIsoWithZone('2026-03-10 08:15:02.123Z'), '2026-03-10T08:15:02.123Z');
  assert.equal(fromIsoWithZone('2026-03-10T08:15:02.123456Z'), '2026-03-10T08:15:02.123Z');
  assert.equal(fromIsoWithZone('2026-03-10T09:15:02+01:00'), '2026-03-10T08:15:02.000Z');
  assert.equal(fromIsoWithZone('2026-03-10T08:15Z'), '2026-03-10T08:15:00.000Z');
  // Date.UTC rolls impossible days and hour 24 over; that behavior is kept.
  assert.equal(fromIsoWithZone('2026-02-30T00:00:00Z'), '2026-03-02T00:00:00.000Z');
  assert.equal(fromIsoWithZone('2026-01-01T24:00:00Z'), '2026-01-02T00:00:00.000Z');
  // Before 1970, no zone, or garbage: undefined.
  assert.equal(fromIsoWithZone('1969-12-31T23:59:59Z'), undefined);
  assert.equal(fromIsoWithZone('1899-01-01T00:00:00Z'), undefined);
  assert.equal(fromIsoWithZone('2026-03-10T08:15:02'), undefined);
  assert.equal(fromIsoWithZone('2026-03-10T08:15:02.Z'), undefined);
  assert.equal(fromIsoWithZone('yesterday'), undefined);
  assert.equal(fromIsoWithZone(''), undefined);
});
