import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert } from '../alert/types.js';
import type { EventFacts } from '../alert/facts.js';
import { fanOutTargets } from './fanout.js';
import { rng } from '../../test/support/rng.js';
import { groupAlerts, groupIncidents, incidentId, isWeakAlert, touchedComponents } from './group.js';

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

const fact = (id: string, at: number, keys: string[]): EventFacts => ({ id, ts: at, timestamp: iso(at), sourceType: 'okta', sourceId: 's', keys, summary: '' });
/** Incidents as lists of alert ids, sorted, for comparison. */
const ids = (incs: Array<{ alerts: string[] }>): string[][] => incs.map((i) => [...i.alerts].sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));

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

  it('a fan-out links through its actor, not its targets: a spray target\'s unrelated alert does not bridge', () => {
    // One address sprays 12 accounts (one alert per account, as a per-user rule gives), u3 among them.
    const spray = Array.from({ length: 12 }, (_, i) => alert(`s${i}`, T0 + i * 60_000, [`user:u${i}`, 'ip:spray'], [['TA0006', 'Credential Access']], { rule: { id: 'okta-script', version: 'v', title: 'Scripted sign-in', level: 'medium', tags: [] } }));
    // An hour later u3 shows up on a server that is part of another attack.
    const other = [
      alert('w1', T0 + 50 * 60_000, ['user:eve', 'host:fs01'], [['TA0008', 'Lateral Movement']]),
      alert('w2', T0 + 60 * 60_000, ['user:u3', 'host:fs01']),
    ];
    const all = [...spray, ...other];
    assert.deepEqual(ids(groupIncidents(all, new Map(), { windowMs: 24 * H })), [spray.map((a) => a.id).sort(), ['w1', 'w2']]);
    assert.deepEqual(fanOutTargets(spray, new Map(), 10)[3], new Set(['user:u3']));
    // Under a higher fan-out bound the spray is twelve ordinary alerts on one address, and u3 glues everything.
    assert.equal(groupIncidents(all, new Map(), { windowMs: 24 * H, maxFanOut: 20 }).length, 1);
    // A correlation alert naming every sprayed account is a fan-out by itself, with or without event facts.
    const corr = alert('c', T0, [...Array.from({ length: 12 }, (_, i) => `user:u${i}`), 'ip:spray'], [], { rule: { id: 'spray-corr', version: 'v', title: 'Spray', level: 'high', tags: [] }, events: Array.from({ length: 12 }, (_, i) => `e${i}`) });
    const facts = new Map(Array.from({ length: 12 }, (_, i) => [`e${i}`, fact(`e${i}`, T0 + i, [`user:u${i}`, 'ip:spray'])] as const));
    for (const f of [new Map<string, EventFacts>(), facts]) {
      assert.deepEqual([...(fanOutTargets([corr], f, 10)[0] ?? [])].sort(), Array.from({ length: 12 }, (_, i) => `user:u${i}`).sort());
      assert.deepEqual(ids(groupIncidents([corr, ...other], f, { windowMs: 24 * H })), [['c'], ['w1', 'w2']]);
    }
  });

  it('a fan-out target that then has its own alert (the account takeover) joins the fan-out incident', () => {
    const spray = Array.from({ length: 12 }, (_, i) => alert(`s${i}`, T0 + i * 60_000, [`user:u${i}`, 'ip:spray'], [], { rule: { id: 'okta-script', version: 'v', title: 'Scripted sign-in', level: 'medium', tags: [] } }));
    // The sign-in comes from another address: only the target account links it, weakly but alone.
    const takeover = alert('t', T0 + 40 * 60_000, ['user:u7', 'ip:residential-proxy'], [['TA0003', 'Persistence']]);
    assert.deepEqual(ids(groupIncidents([...spray, takeover], new Map(), { windowMs: 24 * H })), [[...spray.map((a) => a.id), 't'].sort()]);
    // The same alert a day later is not the spray's any more, and a weak link never reaches past the link gap.
    const late = alert('t', T0 + 6 * H, ['user:u7', 'ip:residential-proxy']);
    assert.equal(groupIncidents([...spray, late], new Map(), { windowMs: 24 * H }).length, 2);
    // A target link does not bridge: an alert with a real link elsewhere joins only that.
    const elsewhere = alert('x', T0 + 30 * 60_000, ['host:ws7', 'user:zed']);
    const both = alert('y', T0 + 45 * 60_000, ['user:u7', 'host:ws7']);
    assert.deepEqual(ids(groupIncidents([...spray, elsewhere, both], new Map(), { windowMs: 24 * H })), [spray.map((a) => a.id).sort(), ['x', 'y']]);
  });

  it('a scan from one address over many in one alert: the event facts tell the scanner from the scanned', () => {
    const scan = alert('scan', T0, ['ip:10.0.0.66', ...Array.from({ length: 15 }, (_, i) => `ip:10.1.0.${i}`)], [], { events: Array.from({ length: 15 }, (_, i) => `p${i}`) });
    const facts = new Map(Array.from({ length: 15 }, (_, i) => [`p${i}`, fact(`p${i}`, T0 + i, ['ip:10.0.0.66', `ip:10.1.0.${i}`])] as const));
    assert.deepEqual([...(fanOutTargets([scan], facts, 10)[0] ?? [])].sort(), Array.from({ length: 15 }, (_, i) => `ip:10.1.0.${i}`).sort());
    const later = [alert('hit', T0 + H, ['ip:10.1.0.4', 'host:db1']), alert('src', T0 + 2 * H, ['ip:10.0.0.66', 'host:ws66'])];
    // The scanner's own later alert joins the scan; a scanned address's unrelated alert joins it only
    // as a weak link (it has no other), which is what an analyst wants: the scanned host was then hit.
    assert.deepEqual(ids(groupIncidents([scan, ...later], facts, { windowMs: 24 * H })), [['hit', 'scan', 'src']]);
    const unrelated = alert('db', T0 + 30 * 60_000, ['host:db1', 'user:dba']);
    assert.deepEqual(ids(groupIncidents([scan, unrelated, ...later], facts, { windowMs: 24 * H })), [['db', 'hit'], ['scan', 'src']]);
  });

  it('a low alert joins an incident that holds its entity but never bridges two incidents', () => {
    const a1 = alert('a1', T0, ['user:alice', 'host:ws1'], [['TA0002', 'Execution']]);
    const b1 = alert('b1', T0 + 10 * 60_000, ['user:bob', 'host:ws2'], [['TA0002', 'Execution']]);
    const low = alert('low', T0 + 20 * 60_000, ['host:ws1', 'host:ws2', 'user:carol'], [], { score: 20, severity: 'low' });
    assert.equal(isWeakAlert(low), true);
    assert.equal(isWeakAlert(alert('info', T0, [], [], { rule: { id: 'r', version: 'v', title: 'r', level: 'informational', tags: [] } })), true);
    assert.equal(isWeakAlert(a1), false);
    // Joins one of them (both share one entity; the more recent wins), and they stay apart.
    assert.deepEqual(ids(groupIncidents([a1, b1, low], new Map(), { windowMs: 24 * H })), [['a1'], ['b1', 'low']]);
    // The same alert at medium severity is a real link and merges them.
    assert.equal(groupIncidents([a1, b1, { ...low, score: 45, severity: 'medium' }], new Map(), { windowMs: 24 * H }).length, 1);
    // Links through a low alert's entities are weak: carol's later alert may join its incident, but an
    // alert with a real link elsewhere does not pull the low alert's incident in.
    const c1 = alert('c1', T0 + 30 * 60_000, ['user:carol', 'host:ws3']);
    assert.deepEqual(ids(groupIncidents([a1, b1, low, c1], new Map(), { windowMs: 24 * H })), [['a1'], ['b1', 'c1', 'low']]);
    const c2 = alert('c2', T0 + 30 * 60_000, ['user:carol', 'host:ws1']);
    assert.deepEqual(ids(groupIncidents([a1, b1, low, c2], new Map(), { windowMs: 24 * H })), [['a1', 'c2'], ['b1', 'low']]);
    // Two low alerts on the same account are one incident; alone, a low alert is its own.
    const low2 = alert('low2', T0 + 40 * 60_000, ['user:carol'], [], { score: 20, severity: 'low' });
    assert.deepEqual(ids(groupIncidents([low, low2], new Map(), { windowMs: 24 * H })), [['low', 'low2']]);
    assert.deepEqual(ids(groupIncidents([low], new Map(), { windowMs: 24 * H })), [['low']]);
  });

  it('time proximity: one shared entity links within the link gap, two within the window', () => {
    const first = alert('f', T0, ['user:alice', 'ip:198.51.100.7']);
    const g = (at: number, keys: string[]): string[][] => ids(groupIncidents([first, alert('n', at, keys)], new Map(), { windowMs: 24 * H }));
    assert.deepEqual(g(T0 + 3 * H, ['user:alice', 'host:ws1']), [['f', 'n']]);
    assert.deepEqual(g(T0 + 5 * H, ['user:alice', 'host:ws1']), [['f'], ['n']]);
    // The same account from the same address: one thread even hours later.
    assert.deepEqual(g(T0 + 9 * H, ['user:alice', 'ip:198.51.100.7']), [['f', 'n']]);
    assert.deepEqual(g(T0 + 25 * H, ['user:alice', 'ip:198.51.100.7']), [['f'], ['n']]);
    // The gap is measured from the last event of the earlier alert, not its start.
    const long = alert('f', T0, ['user:alice'], [], { last_time: iso(T0 + 6 * H) });
    assert.equal(groupIncidents([long, alert('n', T0 + 9 * H, ['user:alice'])], new Map(), { windowMs: 24 * H }).length, 1);
    assert.equal(groupIncidents([first, alert('n', T0 + 5 * H, ['user:alice'])], new Map(), { windowMs: 24 * H, linkGapMs: 6 * H }).length, 1);
  });

  it('a benign alert on a shared host hours before an attack is not the attack incident\'s first alert', () => {
    const backup = alert('backup', T0 + H, ['ip:10.20.0.5'], [['TA0010', 'Exfiltration']]);
    const attack = [
      alert('rdp', T0 + 11 * H, ['user:adm', 'host:jump', 'ip:10.20.0.5'], [['TA0008', 'Lateral Movement']]),
      alert('zip', T0 + 13 * H, ['user:adm', 'host:fs01'], [['TA0009', 'Collection']]),
      alert('exfil', T0 + 13.5 * H, ['ip:10.20.0.5', 'ip:203.0.113.200'], [['TA0010', 'Exfiltration']]),
    ];
    const incs = groupIncidents([backup, ...attack], new Map(), { windowMs: 24 * H });
    assert.deepEqual(ids(incs), [['backup'], ['exfil', 'rdp', 'zip']]);
    const inc = incs.find((i) => i.alerts.includes('rdp'));
    assert.equal(inc?.first_time, iso(T0 + 11 * H));
    assert.deepEqual(inc?.kill_chain.map((k) => k.tactic), ['Lateral Movement', 'Collection', 'Exfiltration']);
  });

  it('hostile input: unparseable times, no entities, hundreds of entities, duplicates', () => {
    const bad = alert('bad', T0, ['user:alice'], [], { first_time: 'not a time', last_time: '' });
    const none = alert('none', T0, []);
    const many = alert('many', T0 + 60_000, Array.from({ length: 600 }, (_, i) => `ip:10.9.${i >> 8}.${i & 255}`).concat('user:alice'));
    const dup = alert('dup', T0 + 120_000, ['user:alice', 'user:alice']);
    const incs = groupIncidents([bad, none, many, dup, dup], new Map(), { windowMs: 24 * H });
    // The alert with no usable time links nothing; the alert with 600 addresses fans out by itself
    // (its addresses are targets; alice, beside all of them, is its actor and still links);
    // duplicates land together.
    assert.deepEqual(ids(incs), [['bad'], ['dup', 'dup', 'many'], ['none']]);
    assert.equal(incs.reduce((n, i) => n + i.alerts.length, 0), 5);
  });

  it('grouping only the components a set of alerts reaches gives those alerts exactly the groups the whole set gives them', () => {
    // Random days: entities from small pools so components chain, rules shared so fan-outs form,
    // events whose facts carry keys beyond the alert's own, weak and suppressed alerts.
    const r = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    let partial = 0;
    let unlinkable = 0;
    for (let day = 0; day < 80; day++) {
      // Days alternate between many alerts with event facts (fan-out through fact keys) and few
      // (fan-out through the alerts' own keys).
      const factShare = day % 2 === 0 ? 0.5 : 0.2;
      const pool = { user: Math.ceil(r() * 80), host: Math.ceil(r() * 40), ip: Math.ceil(r() * 60) };
      const facts = new Map<string, EventFacts>();
      const alerts = Array.from({ length: 20 + Math.floor(r() * 120) }, (_, i) => {
        const at = T0 + Math.floor(r() * 30 * H);
        const keys = [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
          const kind = pick(['user', 'host', 'ip'] as const);
          return `${kind}:${kind[0]}${Math.floor(r() * pool[kind])}`;
        }))];
        const a = alert(`a${i}`, at, keys, [], {
          rule: { id: `rule-${Math.floor(r() * 4)}`, version: 'v', title: 'R', level: r() < 0.15 ? 'low' : 'high', tags: [] },
          ...(r() < 0.05 ? { status: 'suppressed' as const } : {}),
          events: [`ev-${day}-${i}`],
        });
        if (r() < factShare) facts.set(`ev-${day}-${i}`, fact(`ev-${day}-${i}`, at, [...keys, ...Array.from({ length: 1 + Math.floor(r() * 4) }, () => `ip:i${Math.floor(r() * pool.ip)}`)]));
        return a;
      });
      const touched = new Set(alerts.filter(() => r() < 0.05));
      const opts = { windowMs: 24 * H, maxFanOut: 2, maxEntityRules: 3 };
      const part = touchedComponents(alerts, touched, facts, opts);
      for (const a of touched) assert.ok(part.alerts.includes(a));
      if (part.alerts.length < alerts.length) partial++;
      if (part.unlinkable.size > 0) unlinkable++;
      const inPart = new Set(part.alerts);
      const key = (gs: Alert[][]): string[] => gs.map((g) => g.map((a) => a.id).join(',')).sort();
      // A group holds alerts of one component only, so the whole set's groups inside the part are the part's groups.
      assert.deepEqual(
        key(groupAlerts(part.alerts, facts, opts, undefined, part.unlinkable)),
        key(groupAlerts(alerts, facts, opts).filter((g) => inPart.has(g[0] as Alert))), `day ${day}`,
      );
    }
    // The days are varied enough that the restriction actually left alerts out, and that keys too
    // common to link occur (else this proves nothing about them).
    assert.ok(partial > 20, `only ${partial} of 80 days had alerts outside the touched components`);
    assert.ok(unlinkable > 20, `only ${unlinkable} of 80 days had keys that link nothing`);
  });
});
