import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertRecord, AlertStatus } from '../store/types.js';
import { thresholdAdvice, tuneRules } from './tune.js';

function rec(id: string, value: number | undefined, status: AlertStatus, type = 'event_count'): AlertRecord {
  return {
    id, ruleId: 'burst', kind: 'correlation', dedupKey: id, firstTs: 0, lastTs: 0, score: 50, severity: 'medium', status, count: 1,
    doc: { explanation: { contributions: [], ...(value !== undefined ? { correlation: { type, value } } : {}) } }, createdAt: '', updatedAt: '',
  };
}

describe('rules tune', () => {
  it('suggests the event_count threshold that drops every false positive and keeps the rest', () => {
    const a = thresholdAdvice([rec('1', 5, 'false_positive'), rec('2', 6, 'false_positive'), rec('3', 9, 'resolved'), rec('4', 12, 'open'), rec('5', 3, 'suppressed')]);
    assert.deepEqual(a, { falsePositiveValues: [5, 6], otherValues: [9, 12], suggestedGte: 7, note: 'gte: 7 removes 2 false positive(s) and keeps 2 other alert(s)' });
  });

  it('says so when no threshold separates them, or there is nothing to tune', () => {
    assert.equal(thresholdAdvice([rec('1', 8, 'false_positive'), rec('2', 6, 'resolved')])?.suggestedGte, undefined);
    assert.match(thresholdAdvice([rec('1', 8, 'false_positive'), rec('2', 6, 'resolved')])?.note ?? '', /no threshold separates them/);
    assert.match(thresholdAdvice([rec('1', 8, 'open')])?.note ?? '', /no false positives marked/);
    assert.equal(thresholdAdvice([rec('1', 8, 'false_positive', 'value_count')]), undefined);
    assert.equal(thresholdAdvice([]), undefined);
  });

  it('ranks the noisiest rules first with their precision', () => {
    const t = tuneRules([
      { ruleId: 'quiet', alerts: 3, matches: 3, byStatus: { resolved: 3 } },
      { ruleId: 'noisy', alerts: 40, matches: 90, byStatus: { false_positive: 30, resolved: 10 } },
      { ruleId: 'unreviewed', alerts: 50, matches: 50, byStatus: { open: 50 } },
    ], new Map([['noisy', 'Noisy rule']]), () => []);
    assert.deepEqual(t.map((r) => [r.ruleId, r.title, r.falsePositives, r.precision]), [['noisy', 'Noisy rule', 30, 0.25], ['unreviewed', 'unreviewed', 0, undefined], ['quiet', 'quiet', 0, 1]]);
  });
});
