import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AlertEngine, type AlertCandidate } from './engine.js';
import type { Alert } from './types.js';
import { AssetInventory, parseInventory } from './assets.js';
import type { EventFacts } from './facts.js';
import { documentFields, parseSuppressions } from './suppression.js';
import { severityOf } from './severity.js';
import type { SigmaLevel } from '../rules/types.js';
import type { BaselineRecord, UserRiskRecord } from '../store/types.js';

const T0 = Date.parse('2026-03-10T10:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

function facts(id: string, ts: number, over: Partial<EventFacts> = {}): EventFacts {
  const f: EventFacts = { id, ts, timestamp: new Date(ts).toISOString(), sourceType: 'windows', sourceId: 'dc.log', keys: [], summary: 'process-created', ...over };
  f.keys = [...(f.user ? [`user:${f.user}`] : []), ...(f.host ? [`host:${f.host}`] : []), ...(f.sourceIp ? [`ip:${f.sourceIp}`] : [])];
  return f;
}

let seq = 0;
function match(f: EventFacts, level: SigmaLevel = 'high', rule = 'r-lsass', doc: Record<string, unknown> = {}): AlertCandidate {
  const group: Record<string, string> = {};
  if (f.user) group['user.name'] = f.user;
  if (f.host) group['host.name'] = f.host;
  return {
    kind: 'match', rule: { id: rule, version: 'v1', title: `Rule ${rule}`, level, tags: ['attack.credential-access', 'attack.t1003.001'] },
    group, eventIds: [f.id], events: [f], ts: f.ts, timestamp: f.timestamp, firstTs: f.ts, lastTs: f.ts, selections: ['selection'],
    fields: documentFields(doc), seq: seq++,
  };
}

function engine(over: Partial<ConstructorParameters<typeof AlertEngine>[0]> = {}): AlertEngine {
  return new AlertEngine({ suppressionWindowMs: HOUR, confirmationWindowMs: 24 * HOUR, riskHalfLifeMs: 3 * 24 * HOUR, configHash: 'test', ...over });
}

const INVENTORY = `kind,value,criticality,zone,asset_type,owner,tags
host,DC01.corp.example,5,core,,ad-team,tier0;dc
host,test-vm-7,1,test,,,
cidr,10.10.0.0/24,4,core,,,
`;

describe('alert scoring', () => {
  it('severity bands: low < 30 <= medium <= 70 < high < 90 <= critical', () => {
    assert.deepEqual([0, 29, 30, 70, 71, 89, 90, 100].map(severityOf), ['low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });

  it('the same rule on a tier-0 domain controller scores higher than on a test host, and says why', () => {
    const assets = new AssetInventory(parseInventory(INVENTORY, 'assets.csv').assets);
    const e = engine({ assets, zoneWeights: { core: 5, test: -8 } });
    e.run([match(facts('e1', T0, { user: 'alice', host: 'dc01' })), match(facts('e2', T0 + MIN, { user: 'bob', host: 'test-vm-7' }))]);
    const [dc, test] = e.results();
    assert.deepEqual(dc!.explanation.contributions, [
      { factor: 'rule_level', points: 60, reason: 'rule level high' },
      { factor: 'asset_criticality', points: 12, reason: 'host dc01 has criticality 5 of 5' },
      { factor: 'network_zone', points: 5, reason: 'host dc01 is in zone core' },
      { factor: 'rarity', points: 5, reason: 'first time this user used host dc01' },
    ]);
    assert.equal(dc!.score, 82);
    assert.equal(dc!.severity, 'high');
    assert.deepEqual(test!.explanation.contributions.map((c) => [c.factor, c.points]), [['rule_level', 60], ['asset_criticality', -12], ['network_zone', -8], ['rarity', 5]]);
    assert.equal(test!.score, 45);
    assert.equal(test!.severity, 'medium');
    assert.ok(dc!.score > test!.score);
  });

  it('rarity: only what the entity never did before the alert counts', () => {
    const seen: BaselineRecord[] = [
      { kind: 'user_process', entity: 'alice', value: 'rundll32.exe', firstTs: T0 - 24 * HOUR, lastTs: T0, count: 40 },
      { kind: 'user_host', entity: 'alice', value: 'ws-1', firstTs: T0, lastTs: T0, count: 1 },
    ];
    const e = engine({ baseline: (k) => seen.find((s) => s.kind === k.kind && s.entity === k.entity && s.value === k.value) });
    e.run([match(facts('e1', T0, { user: 'alice', host: 'ws-1', process: 'rundll32.exe', country: 'DE' }))]);
    assert.deepEqual(e.results()[0]!.explanation.contributions.filter((c) => c.factor === 'rarity').map((c) => c.reason), [
      'first logon of this user from DE', 'first time this user used host ws-1',
    ]);
  });

  it('user risk accumulates from the user\'s alerts and decays with event time', () => {
    const e = engine({ riskHalfLifeMs: 24 * HOUR });
    const cands = [0, 1, 2].map((i) => match(facts(`a${i}`, T0 + i * MIN, { user: 'alice', host: `h${i}` }), 'critical', `r${i}`));
    cands.push(match(facts('late', T0 + 72 * HOUR, { user: 'alice', host: 'h9' }), 'critical', 'r9'));
    e.run(cands);
    const risk = e.results().map((a) => a.explanation.contributions.find((c) => c.factor === 'user_risk')?.points ?? 0);
    // 85, then 85+~90 (=> 8 points), then three days later the sum has halved three times.
    assert.deepEqual(risk, [0, 4, 8, 1]);
    const rec = e.userRiskRecords();
    assert.equal(rec.length, 1);
    assert.equal(rec[0]!.asOfTs, T0 + 72 * HOUR);
  });

  it('user risk is the sum of the user\'s alert scores decayed to the latest alert, whichever order they come in', () => {
    for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
      const e = engine({ riskHalfLifeMs: 24 * HOUR });
      for (const i of order) e.run([match(facts(`e${i}`, T0 + i * 12 * HOUR, { user: 'alice', host: `ws-${i}` }))]);
      // An alert's own score may differ with the order (it counts the risk the user had when it was
      // made); what it adds to the user's risk is that score, decayed to the latest alert's time.
      const scores = new Map(e.results().map((a) => [Date.parse(a.first_time), a.score]));
      const expected = [...scores].reduce((sum, [ts, score]) => sum + score * 0.5 ** ((T0 + 24 * HOUR - ts) / (24 * HOUR)), 0);
      const [r] = e.userRiskRecords();
      assert.equal(r!.asOfTs, T0 + 24 * HOUR, `order ${order}`);
      assert.ok(Math.abs(r!.risk - expected) < 1e-9, `order ${order}: ${r!.risk} vs ${expected}`);
    }
  });

  it('multi-source confirmation: another source type alerting on the same entity adds points', () => {
    const e = engine();
    e.run([
      match(facts('o1', T0, { user: 'alice', sourceType: 'okta' }), 'medium', 'okta-rule'),
      match(facts('w1', T0 + 10 * MIN, { user: 'alice', host: 'ws-1', sourceType: 'windows' }), 'medium', 'win-rule'),
      match(facts('w2', T0 + 30 * HOUR, { user: 'alice', host: 'ws-1', sourceType: 'windows' }), 'medium', 'win-rule-2'),
    ]);
    const ms = e.results().map((a) => a.explanation.contributions.find((c) => c.factor === 'multi_source'));
    assert.equal(ms[0], undefined);
    assert.deepEqual(ms[1], { factor: 'multi_source', points: 5, reason: 'seen by 2 source types: okta, windows' });
    // Outside the 24 h confirmation window the Okta alert no longer confirms.
    assert.equal(ms[2], undefined);
  });

  it('scores do not depend on batches: stored alerts confirm and add risk; an alert never counts a later one', () => {
    const okta = (ts: number): AlertCandidate => match(facts(`o${ts}`, ts, { user: 'alice', sourceType: 'okta' }), 'high', 'okta-rule');
    const win = (ts: number): AlertCandidate => match(facts(`w${ts}`, ts, { user: 'alice', host: 'ws-1', sourceType: 'windows' }), 'high', 'win-rule');
    const factors = (e: AlertEngine): Array<[string, string[]]> => e.results().map((a) => [a.rule.id, a.explanation.contributions.map((c) => `${c.factor} ${c.points}`)]);
    // One run in event time: the reference.
    const one = engine();
    one.run([okta(T0), win(T0 + 10 * MIN), okta(T0 + 5 * HOUR)]);
    assert.deepEqual(factors(one), [
      ['okta-rule', ['rule_level 60']],
      ['win-rule', ['rule_level 60', 'user_risk 2', 'rarity 5', 'multi_source 5']],
      ['okta-rule', ['rule_level 60', 'user_risk 6', 'multi_source 5']],
    ]);
    // In batches (live alerting): each later batch is seeded with the stored alerts and user risk.
    const batches = (order: number[][]): Array<[string, string[]]> => {
      const all = [okta(T0), win(T0 + 10 * MIN), okta(T0 + 5 * HOUR)];
      let stored: Alert[] = [];
      let risk: UserRiskRecord[] = [];
      const out = new Map<string, [string, string[]]>();
      for (const batch of order) {
        const e = engine();
        e.seed(structuredClone(stored));
        e.seedUserRisk(risk);
        e.run(batch.map((i) => ({ ...all[i]!, seq: seq++ })));
        for (const a of e.results()) out.set(a.id, [a.rule.id, a.explanation.contributions.map((c) => `${c.factor} ${c.points}`)]);
        stored = [...stored.filter((a) => !e.results().some((b) => b.id === a.id)), ...structuredClone(e.results())];
        risk = e.userRiskRecords();
      }
      return [...out.values()];
    };
    // In event time, one detection per batch: the same scores as one run.
    assert.deepEqual(batches([[0], [1], [2]]), factors(one));
    // Out of order, an alert counts the earlier alerts that had arrived when it was made, never a later one.
    assert.deepEqual(batches([[2], [1], [0]]), [
      ['okta-rule', ['rule_level 60']],
      ['win-rule', ['rule_level 60', 'rarity 5']],
      ['okta-rule', ['rule_level 60']],
    ]);
    assert.deepEqual(batches([[1, 2], [0]]), [
      ['win-rule', ['rule_level 60', 'rarity 5']],
      ['okta-rule', ['rule_level 60', 'user_risk 3', 'multi_source 5']],
      ['okta-rule', ['rule_level 60']],
    ]);
  });
});

describe('deduplication', () => {
  it('the same rule and group key within the window updates one alert; outside it, or another key, makes a new one', () => {
    const e = engine();
    e.run([
      match(facts('e3', T0 + 50 * MIN, { user: 'alice', host: 'ws-1' })),
      match(facts('e1', T0, { user: 'alice', host: 'ws-1' })),
      match(facts('e2', T0 + 30 * MIN, { user: 'alice', host: 'ws-1' })),
      match(facts('e4', T0 + 30 * MIN, { user: 'bob', host: 'ws-1' })),
      match(facts('e5', T0 + 50 * MIN + HOUR + 1, { user: 'alice', host: 'ws-1' })),
    ]);
    const alerts = e.results();
    assert.deepEqual(alerts.map((a) => [a.events, a.count, a.first_time, a.last_time]), [
      [['e1', 'e2', 'e3'], 3, '2026-03-10T10:00:00.000Z', '2026-03-10T10:50:00.000Z'],
      [['e4'], 1, '2026-03-10T10:30:00.000Z', '2026-03-10T10:30:00.000Z'],
      [['e5'], 1, '2026-03-10T11:50:00.001Z', '2026-03-10T11:50:00.001Z'],
    ]);
    assert.deepEqual(e.decisions.map((d) => d.action), [
      'alert.created', 'alert.scored', 'alert.deduplicated', 'alert.created', 'alert.scored', 'alert.deduplicated', 'alert.created', 'alert.scored',
    ]);
    // Ids are a function of the detections: the same input in another order gives the same alerts.
    const again = engine();
    again.run([...[4, 3, 2, 1, 0].map((i) => match(facts(['e1', 'e2', 'e3', 'e4', 'e5'][i]!, [T0, T0 + 30 * MIN, T0 + 50 * MIN, T0 + 30 * MIN, T0 + 50 * MIN + HOUR + 1][i]!, { user: i === 3 ? 'bob' : 'alice', host: 'ws-1' })))]);
    assert.deepEqual(again.results().map((a) => a.id), alerts.map((a) => a.id));
  });

  it('without recorded decisions (a hunt) the alerts are the same and the decisions are still counted', () => {
    const input = (): AlertCandidate[] => [
      match(facts('e1', T0, { user: 'alice', host: 'ws-1' })),
      match(facts('e2', T0 + 30 * MIN, { user: 'alice', host: 'ws-1' })),
      match(facts('e4', T0 + 30 * MIN, { user: 'bob', host: 'ws-1' })),
    ];
    const audited = engine();
    audited.run(input());
    const quiet = engine({ recordDecisions: false });
    quiet.run(input());
    assert.deepEqual(quiet.results(), audited.results());
    assert.deepEqual(quiet.decisions, []);
    assert.deepEqual(quiet.decisionCounts, { 'alert.created': 2, 'alert.deduplicated': 1, 'alert.suppressed': 0, 'alert.scored': 2, 'alert.grouped': 0 });
    assert.deepEqual(audited.decisionCounts, quiet.decisionCounts);
    assert.equal(audited.decisions.length, 5);
  });

  it('alerts of one rule share one frozen ATT&CK block; the same rule id with other tags gets its own', () => {
    const e = engine();
    const retagged = match(facts('e3', T0 + 2 * MIN, { user: 'carol', host: 'ws-3' }));
    retagged.rule = { ...retagged.rule, tags: ['attack.execution'] };
    e.run([match(facts('e1', T0, { user: 'alice', host: 'ws-1' })), match(facts('e2', T0 + MIN, { user: 'bob', host: 'ws-2' })), retagged]);
    const [a, b, c] = e.results();
    assert.equal(a!.threat, b!.threat);
    assert.ok(Object.isFrozen(a!.threat) && Object.isFrozen(a!.threat.tactic!.id));
    assert.deepEqual(a!.threat.tactic?.id, ['TA0006']);
    assert.deepEqual(a!.threat.technique?.subtechnique?.id, ['T1003.001']);
    assert.deepEqual(c!.threat.tactic?.id, ['TA0002']);
    assert.equal(c!.threat.technique, undefined);
  });

  it('a detection already in a seeded alert is not counted twice (re-ingest)', () => {
    const first = engine();
    first.run([match(facts('e1', T0, { user: 'alice' }))]);
    const seeded = structuredClone(first.results());
    const second = engine();
    second.seed(seeded);
    second.run([match(facts('e1', T0, { user: 'alice' })), match(facts('e2', T0 + MIN, { user: 'alice' }))]);
    assert.equal(second.repeated, 1);
    assert.deepEqual(second.results().map((a) => [a.id, a.count, a.events]), [[seeded[0]!.id, 2, ['e1', 'e2']]]);
  });

  it('live path: detections at or below a seeded alert\'s log position are not counted again, past its 100 kept event ids too', () => {
    const at = (c: AlertCandidate, position: number): AlertCandidate => ({ ...c, position });
    const first = engine();
    // 150 detections, more than the 100 event ids an alert keeps; log positions 1..150.
    first.run(Array.from({ length: 150 }, (_, i) => at(match(facts(`e${i}`, T0 + i * 1000, { user: 'alice' })), i + 1)));
    const stored = structuredClone(first.results());
    assert.deepEqual(stored.map((a) => [a.count, a.events.length, a.log_position]), [[150, 100, 150]]);
    // A consumer resumed from position 120: it re-reads 121..150 and then reads 151..152.
    const resumed = engine();
    resumed.seed(stored);
    resumed.run(Array.from({ length: 32 }, (_, k) => at(match(facts(`e${120 + k}`, T0 + (120 + k) * 1000, { user: 'alice' })), 121 + k)));
    assert.equal(resumed.repeated, 30);
    assert.deepEqual(resumed.results().map((a) => [a.id, a.count, a.log_position]), [[stored[0]!.id, 152, 152]]);
    // Within one run, event-time order need not be log order: a later position first does not hide an earlier one.
    const fresh = engine();
    fresh.run([at(match(facts('x1', T0, { user: 'bob' })), 20), at(match(facts('x2', T0 + 1000, { user: 'bob' })), 15)]);
    assert.deepEqual(fresh.results().map((a) => [a.count, a.log_position]), [[2, 20]]);
  });

  it('a detection that arrives late joins the alert whose window holds it, not a newer one', () => {
    const alice = { user: 'alice', host: 'ws-1' };
    const first = engine();
    // Today's alert: 10:00-10:50.
    first.run([match(facts('t1', T0, alice)), match(facts('t2', T0 + 50 * MIN, alice))]);
    const stored = structuredClone(first.results());
    // Then last week's file is ingested: its detections are days older than the window of today's alert.
    const later = engine();
    later.seed(stored);
    const week = T0 - 7 * 24 * HOUR;
    later.run([
      match(facts('w1', week, alice)), match(facts('w2', week + 20 * MIN, alice)),
      // Within the window before today's first detection: today's alert, which now starts earlier.
      match(facts('y1', T0 - 40 * MIN, alice)),
      // Two hours before it: neither window.
      match(facts('y2', T0 - 2 * HOUR, alice)),
    ]);
    assert.deepEqual(later.results().map((a) => [a.id === stored[0]!.id, a.events, a.count, a.first_time, a.last_time]), [
      [false, ['w1', 'w2'], 2, '2026-03-03T10:00:00.000Z', '2026-03-03T10:20:00.000Z'],
      [false, ['y2'], 1, '2026-03-10T08:00:00.000Z', '2026-03-10T08:00:00.000Z'],
      [true, ['y1', 't1', 't2'], 3, '2026-03-10T09:20:00.000Z', '2026-03-10T10:50:00.000Z'],
    ]);
    // The week-old alert stays open for its own window, and today's for its own, whatever comes first.
    later.run([match(facts('w3', week + 70 * MIN, alice)), match(facts('t3', T0 + 100 * MIN, alice))]);
    assert.deepEqual(later.results().map((a) => [a.events, a.count]), [
      [['w1', 'w2', 'w3'], 3], [['y2'], 1], [['y1', 't1', 't2', 't3'], 4],
    ]);
    // Re-ingesting last week's file adds nothing: each detection is found in the alert that holds it.
    const again = engine();
    again.seed(structuredClone(later.results()));
    again.run(['w1', 'w2', 'w3'].map((id, i) => match(facts(id, week + [0, 20, 70][i]! * MIN, alice))));
    assert.equal(again.repeated, 3);
    assert.deepEqual(again.results(), []);
  });

  it('an alert\'s events stay in event-time order when an older detection arrives late; past 100, the newest are left out', () => {
    const e = engine();
    e.run(Array.from({ length: 100 }, (_, i) => match(facts(`e${i + 1}`, T0 + i * 1000, { user: 'alice' }))));
    e.run([match(facts('e0', T0 - MIN, { user: 'alice' }))]);
    const [a] = e.results();
    assert.deepEqual([a!.count, a!.events.length, a!.events[0], a!.events[99], a!.omitted_events, a!.first_time], [101, 100, 'e0', 'e99', 1, '2026-03-10T09:59:00.000Z']);
  });

  it('a false-positive alert is not reopened by deduplication: a new alert starts', () => {
    const first = engine();
    first.run([match(facts('e1', T0, { user: 'alice' }))]);
    const seeded = structuredClone(first.results());
    seeded[0]!.status = 'false_positive';
    const second = engine();
    second.seed(seeded);
    second.run([match(facts('e2', T0 + MIN, { user: 'alice' }))]);
    assert.notEqual(second.results()[0]!.id, seeded[0]!.id);
    assert.equal(second.results()[0]!.status, 'open');
    // Nor by a late detection before it: that one opens an alert of its own, which later ones join.
    const third = engine();
    third.seed(seeded);
    third.run([match(facts('e0', T0 - MIN, { user: 'alice' })), match(facts('e3', T0 + 2 * MIN, { user: 'alice' }))]);
    assert.deepEqual(third.results().map((a) => [a.id === seeded[0]!.id, a.status, a.events]), [[false, 'open', ['e0', 'e3']]]);
  });
});

describe('suppressions and allowlists', () => {
  const FILE = `
suppressions:
  - id: backup-window
    reason: the backup agent reads lsass memory
    author: alice
    rule: r-lsass
    match: { user.name: svc-backup, host.name: "fs*" }
    from: 2026-03-10T00:00:00Z
    duration: 12h
allowlist:
  - id: scanner
    reason: the vulnerability scanner
    author: bob
    match: { source.ip: [10.0.5.5, 10.0.5.6] }
`;

  it('silence matching detections in their time range; suppressed ones are counted and kept, not lost', () => {
    const sup = parseSuppressions(FILE, 'sup.yml');
    const e = engine({ suppressions: sup });
    const doc = (user: string, host: string, ip?: string): Record<string, unknown> => ({ user: { name: user }, host: { name: host }, ...(ip ? { source: { ip } } : {}) });
    e.run([
      match(facts('s1', T0, { user: 'svc-backup', host: 'fs01' }), 'high', 'r-lsass', doc('svc-backup', 'FS01')),
      match(facts('s2', T0 + MIN, { user: 'svc-backup', host: 'fs01' }), 'high', 'r-lsass', doc('svc-backup', 'FS01')),
      // Same user and host but another rule: the suppression names r-lsass only.
      match(facts('s3', T0 + 2 * MIN, { user: 'svc-backup', host: 'fs01' }), 'high', 'r-other', doc('svc-backup', 'FS01')),
      // After the 12 h window the suppression no longer applies.
      match(facts('s4', T0 + 13 * HOUR, { user: 'svc-backup', host: 'fs01' }), 'high', 'r-lsass', doc('svc-backup', 'FS01')),
      // The allowlist has no end and applies to any rule.
      match(facts('s5', T0 + 20 * HOUR, { user: 'carol', sourceIp: '10.0.5.6' }), 'high', 'r-any', doc('carol', 'ws-3', '10.0.5.6')),
    ]);
    const alerts = e.results();
    assert.deepEqual(alerts.map((a) => [a.events, a.status, a.suppressed_by?.id ?? null, a.count]), [
      [['s1', 's2'], 'suppressed', 'backup-window', 2],
      [['s3'], 'open', null, 1],
      [['s4'], 'open', null, 1],
      [['s5'], 'suppressed', 'scanner', 1],
    ]);
    assert.deepEqual(Object.fromEntries(e.suppressedByEntry), { 'backup-window': 2, scanner: 1 });
    assert.deepEqual(e.decisions.filter((d) => d.action === 'alert.suppressed').map((d) => [d.eventIds, d.details.suppression]), [
      [['s1'], 'backup-window'], [['s2'], 'backup-window'], [['s5'], 'scanner'],
    ]);
    // A suppressed alert adds nothing to the user's risk.
    const risk = e.userRiskRecords().find((r) => r.user === 'svc-backup')?.risk ?? NaN;
    const expected = alerts[1]!.score * 0.5 ** ((13 * HOUR - 2 * MIN) / (3 * 24 * HOUR)) + alerts[2]!.score;
    assert.ok(Math.abs(risk - expected) < 1e-9, `${risk} vs ${expected}`);
  });

  it('bad suppression files are rejected with the entry and the reason', () => {
    const bad = (text: string, re: RegExp): void => assert.throws(() => parseSuppressions(text, 's.yml'), re);
    bad('suppressions:\n  - {id: a, reason: r, author: x, match: {user.name: u}, from: 2026-01-01T00:00:00Z}\n', /suppressions\[0\]: a suppression needs a duration/);
    bad('suppressions:\n  - {id: a, reason: r, author: x, match: {user.name: u}, from: 2026-01-01T00:00:00Z, duration: soon}\n', /duration must be a positive duration/);
    bad('allowlist:\n  - {id: a, author: x, match: {user.name: u}}\n', /allowlist\[0\]: reason is required/);
    bad('allowlist:\n  - {id: a, reason: r, author: x, match: {}}\n', /match must be a mapping of at least one field/);
    bad('allowlist:\n  - {id: a, reason: r, author: x, match: {user.name: "a*b"}}\n', /'\*' is allowed only at the start or end/);
    bad('allowlist:\n  - {id: a, reason: r, author: x, match: {user.name: u}, duration: 1h}\n', /unknown key 'duration'/);
    bad('allowlist:\n  - {id: a, reason: r, author: x, match: {u: v}}\n  - {id: a, reason: r, author: x, match: {u: v}}\n', /duplicate id 'a'/);
    bad('allowlists: []\n', /unknown key 'allowlists'/);
    bad('suppressions: [\n', /not YAML/);
    assert.equal(parseSuppressions('', 's.yml').size, 0);
  });
});

describe('asset inventory', () => {
  it('CSV and YAML load to the same lookups; networks match by most specific prefix', () => {
    const csv = new AssetInventory(parseInventory(INVENTORY, 'a.csv').assets);
    assert.equal(csv.host('DC01')?.criticality, 5);
    assert.deepEqual(csv.host('dc01.corp.example')?.tags, ['tier0', 'dc']);
    assert.equal(csv.ip('10.10.0.77')?.zone, 'core');
    assert.equal(csv.ip('10.10.1.1'), undefined);
    const yaml = parseInventory(`asset_types:\n  - {name: domain_controller, default_criticality: 5}\nassets:\n  - {kind: host, value: DC02, asset_type: domain_controller, zone: core}\n  - {kind: cidr, value: 10.0.0.0/8, criticality: 2}\n  - {kind: cidr, value: 10.10.0.0/16, criticality: 4}\n  - {kind: user, value: 'CORP\\\\Administrator', criticality: 5}\n`, 'a.yaml');
    const inv = new AssetInventory(yaml.assets);
    assert.equal(inv.host('dc02')?.criticality, 5);
    assert.equal(inv.ip('10.10.3.3')?.criticality, 4);
    assert.equal(inv.ip('10.99.3.3')?.criticality, 2);
    assert.equal(inv.user('administrator')?.criticality, 5);
    assert.deepEqual(yaml.types, [{ name: 'domain_controller', defaultCriticality: 5 }]);
  });

  it('rejects malformed inventories naming the line or item', () => {
    const bad = (text: string, file: string, re: RegExp): void => assert.throws(() => parseInventory(text, file), re);
    bad('kind,value,criticality\nhost,dc01,9\n', 'a.csv', /a\.csv:2: criticality must be an integer 1\.\.5/);
    bad('kind,value,criticality\nip,not-an-ip,3\n', 'a.csv', /a\.csv:2: 'not-an-ip' is not an IP address/);
    bad('kind,value,criticality\nnet,10.0.0.0/8,3\n', 'a.csv', /kind must be one of host, ip, cidr, user/);
    bad('kind,value\nhost,dc01\n', 'a.csv', /criticality is missing/);
    bad('kind,value,criticality\nhost,"dc01,3\n', 'a.csv', /expected 3 fields, found 2/);
    bad('value,criticality\ndc01,3\n', 'a.csv', /header has no 'kind' column/);
    bad('assets:\n  - {kind: cidr, value: 10.0.0.0/99, criticality: 3}\n', 'a.yaml', /assets\[0\]: '10\.0\.0\.0\/99' is not a CIDR network/);
    bad('assets:\n  - {kind: host, value: x, asset_type: nope}\n', 'a.yaml', /unknown asset_type 'nope'/);
    bad('hosts: []\n', 'a.yaml', /unknown key 'hosts'/);
  });
});
