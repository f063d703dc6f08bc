import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert } from '../alert/types.js';
import type { EventFacts } from '../alert/facts.js';
import { groupIncidents, incidentId } from './group.js';

const H = 3_600_000;
const T0 = Date.parse('2026-03-10T00:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

function alert(id: string, at: number, keys: string[], tactics: Array<[string, string]> = [], over: Partial<Alert> = {}): Alert {
  return {
    id, kind: 'match', rule: { id: `rule-${id}`, version: 'v', title: `Rule ${id}`, level: 'high', tags: [] }, dedup_key: `rule-${id}|`, group: {},
    entities: { user: keys.filter((k) => k.startsWith('user:')).map((k) => k.slice(5)), host: keys.filter((k) => k.startsWith('host:')).map((k) => k.slice(5)), ip: [], keys },
    events: [`ev-${id}`], sources: ['windows'], source_ids: ['x'], count: 1, first_time: iso(at), last_time: iso(at), '@timestamp': iso(at),
    score: 60, severity: 'medium',
    threat: { framework: 'MITRE ATT&CK', ...(tactics.length ? { tactic: { id: tactics.map((t) => t[0]), name: tactics.map((t) => t[1]), reference: [] } } : {}) },
    explanation: { contributions: [] }, status: 'open', ...over,
  };
}

describe('incident grouping', () => {
  it('alerts sharing a user, host or ip within the window join one incident, transitively; others stay apart', () => {
    const alerts = [
      alert('a', T0, ['user:alice', 'host:ws1'], [['TA0001', 'Initial Access']]),
      alert('b', T0 + 2 * H, ['host:ws1', 'ip:10.0.0.5'], [['TA0006', 'Credential Access'], ['TA0001', 'Initial Access']], { score: 85, severity: 'high' }),
      alert('c', T0 + 3 * H, ['ip:10.0.0.5', 'host:fs01'], [['TA0008', 'Lateral Movement']]),
      alert('d', T0 + 3 * H, ['user:bob', 'host:ws2']),
      // Shares alice with a, but 30 hours later: outside the 24 h window.
      alert('e', T0 + 30 * H, ['user:alice', 'host:ws9']),
      alert('s', T0 + H, ['user:bob', 'host:ws1'], [], { status: 'suppressed' }),
    ];
    const facts = new Map<string, EventFacts>([['ev-b', { id: 'ev-b', ts: T0 + 2 * H - 5000, timestamp: iso(T0 + 2 * H - 5000), sourceType: 'sysmon', sourceId: 's', keys: [], summary: 'process-accessed' }]]);
    const incidents = groupIncidents(alerts, facts, { windowMs: 24 * H });
    assert.deepEqual(incidents.map((i) => i.alerts), [['a', 'b', 'c'], ['d'], ['e']]);
    const [abc] = incidents;
    assert.equal(abc!.id, incidentId('a'));
    assert.deepEqual(abc!.kill_chain.map((k) => [k.tactic, k.first_seen]), [
      ['Initial Access', iso(T0)], ['Credential Access', iso(T0 + 2 * H)], ['Lateral Movement', iso(T0 + 3 * H)],
    ]);
    // Highest alert 85 + 3 points for each tactic beyond the first.
    assert.equal(abc!.score, 91);
    assert.equal(abc!.severity, 'critical');
    assert.equal(abc!.title, 'Rule b and 2 more (user alice, host ws1, host fs01)');
    assert.deepEqual(abc!.entities, { user: ['alice'], host: ['fs01', 'ws1'], ip: [] });
    // The timeline interleaves alerts and their events by time; b's event came 5 s before the alert.
    assert.deepEqual(abc!.timeline.map((t) => [t.type, t.event_id ?? t.alert_id, t['@timestamp']]), [
      ['alert', 'a', iso(T0)], ['event', 'ev-a', iso(T0)],
      ['event', 'ev-b', iso(T0 + 2 * H - 5000)], ['alert', 'b', iso(T0 + 2 * H)],
      ['alert', 'c', iso(T0 + 3 * H)], ['event', 'ev-c', iso(T0 + 3 * H)],
    ]);
    assert.equal(abc!.timeline[2]!.source_type, 'sysmon');
    assert.deepEqual(groupIncidents([], facts, { windowMs: H }), []);
  });

  it('an entity that many rules fire on (a domain controller) does not link everything', () => {
    const alerts = Array.from({ length: 14 }, (_, i) => alert(`x${i}`, T0 + i * 60_000, [`user:u${i}`, 'host:dc01']));
    assert.equal(groupIncidents(alerts, new Map(), { windowMs: 24 * H, maxEntityRules: 12 }).length, 14);
    assert.equal(groupIncidents(alerts, new Map(), { windowMs: 24 * H, maxEntityRules: 20 }).length, 1);
  });

  it('the order alerts arrive in does not change the incidents', () => {
    const alerts = [alert('p', T0, ['user:x']), alert('q', T0 + H, ['user:x', 'host:h']), alert('r', T0 + 2 * H, ['host:h'])];
    const a = groupIncidents(alerts, new Map(), { windowMs: 24 * H });
    const b = groupIncidents([...alerts].reverse(), new Map(), { windowMs: 24 * H });
    assert.deepEqual(b, a);
  });
});
