import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLE_STORY_CHAINS, scoreIncidents } from './evaluate.js';
import { STORIES } from './stories.js';
import type { GroundTruth } from './types.js';

/** A ground truth with three stories of one record per step: a1, a2 (chain a) and b1. */
function truth(): GroundTruth {
  const story = (id: string, records: string[]): GroundTruth['stories'][number] => ({
    id, title: id, techniques: [],
    steps: records.map((r) => ({ id: r, title: r, techniques: [], start: '', end: '', records: [{ file: 'f', line: 1, eventId: r }] })),
  });
  return {
    generator: 'test', seed: '1', start: '', end: '', eventIdRule: '', files: [],
    stories: [story('a1', ['ra1']), story('a2', ['ra2']), story('b1', ['rb1', 'rb2'])],
    benign: { count: 2, eventIds: ['n1', 'n2'] },
  };
}

describe('scoreIncidents', () => {
  it('counts stories per incident, benign alerts, mixing across chains and purity', () => {
    const s = scoreIncidents(truth(), [
      // Chain a's two stories and a benign alert: one chain, 2 of 3 alerts pure.
      { id: 'i1', alerts: [{ id: 'x1', eventIds: ['ra1'] }, { id: 'x2', eventIds: ['ra2', 'n1'] }, { id: 'x3', eventIds: ['n2'] }] },
      // Story b1, plus an alert of chain a: mixed.
      { id: 'i2', alerts: [{ id: 'y1', eventIds: ['rb1'] }, { id: 'y2', eventIds: ['rb2'] }, { id: 'y3', eventIds: ['ra1'] }] },
      // Benign only: not an attack incident.
      { id: 'i3', alerts: [{ id: 'z1', eventIds: ['n1'] }] },
    ], [['a1', 'a2']]);
    assert.deepEqual(s.attackIncidents, [
      { id: 'i1', stories: ['a1', 'a2'], alerts: 3, benignAlerts: 1, mixed: false },
      { id: 'i2', stories: ['a1', 'b1'], alerts: 3, benignAlerts: 0, mixed: true },
    ]);
    assert.deepEqual(s.storyIncidents.map((x) => [x.id, x.incidents]), [['a1', ['i1', 'i2']], ['a2', ['i1']], ['b1', ['i2']]]);
    assert.equal(s.mixed, 1);
    assert.equal(s.attackIncidentAlerts, 6);
    assert.equal(s.benignInAttackIncidents, 1);
    // i1: x1, x2 pure (x2 holds a benign record beside its attack record); i2: main chain b, y1 and y2 pure.
    assert.equal(s.purity, 4 / 6);
    assert.equal(s.ok, false);
  });

  it('without chains every story stands alone; one story per incident and nothing else is ok with purity 1', () => {
    const incs = [
      { id: 'i1', alerts: [{ id: 'x1', eventIds: ['ra1'] }, { id: 'x2', eventIds: ['ra2'] }] },
      { id: 'i2', alerts: [{ id: 'y1', eventIds: ['rb1', 'rb2'] }] },
    ];
    const alone = scoreIncidents(truth(), incs);
    assert.equal(alone.mixed, 1);
    assert.equal(alone.ok, false);
    const chained = scoreIncidents(truth(), incs, [['a1', 'a2']]);
    assert.deepEqual([chained.mixed, chained.purity, chained.ok], [0, 1, true]);
    // Too many incidents fails the bound even when each is pure.
    const many = Array.from({ length: 7 }, (_, i) => ({ id: `e${i}`, alerts: [{ id: `n${i}`, eventIds: ['n1'] }] }));
    assert.equal(scoreIncidents(truth(), [...incs, ...many], [['a1', 'a2']]).ok, false);
    // Nothing reported: no story placed, purity 0.
    const none = scoreIncidents(truth(), []);
    assert.deepEqual([none.purity, none.ok, none.attackIncidents], [0, false, []]);
  });

  it('the example chains name every story of the example day exactly once', () => {
    const named = EXAMPLE_STORY_CHAINS.flat();
    assert.deepEqual([...named].sort(), STORIES.map((s) => s.id).sort());
  });
});
