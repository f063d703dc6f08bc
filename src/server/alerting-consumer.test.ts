import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../config/load.js';
import { RecordPipeline } from '../ingest/record-pipeline.js';
import { silentLogger } from '../log/logger.js';
import { bundledPipelineFiles } from '../rules/pipeline/index.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { AlertRecord, IncidentRecord } from '../store/types.js';
import { pino } from 'pino';
import { AlertingConsumer } from './alerting-consumer.js';
import { ServerMetrics } from './metrics.js';
import { RuleCatalog } from './rule-catalog.js';
import { oktaEventRule, oktaThreeFromOneAddress } from '../../test/support/okta-rules.js';

const START = '7d1f3a52-6c0e-4f4b-8d83-0000000000a1';
const END = '7d1f3a52-6c0e-4f4b-8d83-0000000000a2';
const COUNT = '7d1f3a52-6c0e-4f4b-8d83-0000000000c1';
const SEQ = '7d1f3a52-6c0e-4f4b-8d83-0000000000c2';

const rule = (id: string, eventType: string): string => oktaEventRule(id, eventType);

const EVENT_COUNT = oktaThreeFromOneAddress(COUNT, START, 'Three Okta sessions from one address');

// Weft's own correlation type: the Sigma loader alone refuses it.
const SEQUENCE = `title: Okta session started and ended from one address
id: ${SEQ}
correlation:
  type: sequence
  rules:
    - ${START}
    - ${END}
  group-by:
    - source.ip
  maxspan: 10m
level: medium
`;

let n = 0;
/** An Okta System Log record (the fields the Okta mapper reads), one second after the previous one. */
function okta(eventType: string, ip: string): string {
  n++;
  return JSON.stringify({
    uuid: `ac-${n}`, published: new Date(Date.UTC(2026, 2, 10, 8, 0, n)).toISOString(), eventType,
    actor: { id: '00u1', type: 'User', alternateId: 'ana@corp.example' }, client: { ipAddress: ip }, outcome: { result: 'SUCCESS' },
  });
}

/** The bundled rule that flags sign-ins from a scripting HTTP client. */
const SCRIPTED = readFileSync(join(import.meta.dirname, '..', '..', 'rules', 'okta', 'okta_sign_in_scripted_client.yml'), 'utf8');
const SCRIPT_AGENT = 'python-requests/2.31.0';
const BROWSER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)';

/** An Okta sign-in at `at` (ms) by `user`@corp.example from `ip`; a script's unless `agent` says otherwise. */
function signInAt(uuid: string, at: number, user: string, ip: string, agent = SCRIPT_AGENT, geo?: Record<string, string>): string {
  return JSON.stringify({
    uuid, published: new Date(at).toISOString(), eventType: 'user.session.start',
    actor: { id: `00u-${user}`, type: 'User', alternateId: `${user}@corp.example` },
    client: { ipAddress: ip, userAgent: { rawUserAgent: agent }, ...(geo !== undefined ? { geographicalContext: geo } : {}) },
    outcome: { result: 'SUCCESS' },
  });
}

/** A store, a rule catalog and an alerting consumer, with helpers to upload rules and feed records. */
async function harness(sourceId: string): Promise<{
  store: SqliteStore;
  catalog: RuleCatalog;
  consumer: AlertingConsumer;
  put: (text: string) => Promise<string[]>;
  feed: (records: string[]) => Promise<void>;
  alerts: (ruleId: string) => Promise<number>;
}> {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  const catalog = new RuleCatalog({ store, pipelinePaths: bundledPipelineFiles(), logger: silentLogger });
  const put = async (text: string): Promise<string[]> => {
    const parsed = catalog.parse(text);
    assert.deepEqual(parsed.rejections, []);
    await store.putRules(parsed.documents.map((d) => d.record));
    await catalog.reload();
    return parsed.documents.map((d) => d.record.kind);
  };
  const consumer = new AlertingConsumer({ store, config: parseConfig({ correlation: { allowed_lateness: '0s' } }), catalog, logger: silentLogger });
  const pipeline = new RecordPipeline({ sourceId });
  let seq = 0;
  let started = false;
  const feed = async (records: string[]): Promise<void> => {
    if (!started) {
      consumer.restore(undefined);
      started = true;
    }
    const events = records.flatMap((r) => pipeline.process(r, new Date()).flatMap((o) => (o.kind === 'event' ? [o.event] : [])));
    assert.equal(events.length, records.length);
    await store.appendEvents(events);
    const batch = await store.readEventLog(seq, 1000);
    seq = batch.at(-1)?.seq ?? seq;
    await consumer.handle(batch);
  };
  const alerts = async (ruleId: string): Promise<number> => (await store.listAlerts({ ruleId })).total;
  return { store, catalog, consumer, put, feed, alerts };
}

test('live correlation follows the rule catalog: an upload, a disable and a Weft link rule take effect without a restart', async () => {
  const { store, catalog, put, feed, alerts } = await harness('okta-test');
  assert.deepEqual(await put(`${rule(START, 'user.session.start')}---\n${rule(END, 'user.session.end')}---\n${EVENT_COUNT}`), ['sigma', 'sigma', 'correlation']);

  // Correlation time moves with the events its rules match, and an event is counted once a later one
  // has arrived: each batch ends with a matching event from another address.
  await feed([...[1, 2, 3].map(() => okta('user.session.start', '198.51.100.1')), okta('user.session.start', '198.51.100.9')]);
  assert.equal(await alerts(COUNT), 1, 'the correlation uploaded with its rules fires');
  assert.equal(await alerts(START), 0, 'a rule a correlation uses does not alert by itself (generate defaults to false)');

  assert.equal(await store.setRuleEnabled(COUNT, false), true);
  await catalog.reload();
  await feed([...[1, 2, 3].map(() => okta('user.session.start', '198.51.100.2')), okta('user.session.start', '198.51.100.9')]);
  assert.equal(await alerts(COUNT), 1, 'a disabled correlation no longer fires');
  const starts = (await store.listAlerts({ ruleId: START })).items.map((a) => [a.dedupKey.split('|')[1], a.count]).sort();
  assert.deepEqual(starts, [['source.ip=198.51.100.2', 3], ['source.ip=198.51.100.9', 1]], 'the rule it used alerts by itself again, one alert per address');

  assert.deepEqual(await put(SEQUENCE), ['link']);
  await feed([okta('user.session.start', '198.51.100.3'), okta('user.session.end', '198.51.100.3'), okta('user.session.end', '198.51.100.9')]);
  assert.equal(await alerts(SEQ), 1, 'the uploaded link rule fires');
  await store.close();
});

test('an open correlation window survives the upload of another correlation; a changed correlation starts empty', async () => {
  const { store, put, feed, alerts } = await harness('okta-carry');
  await put(`${rule(START, 'user.session.start')}---\n${rule(END, 'user.session.end')}---\n${EVENT_COUNT}`);

  // Two of three sessions from .5, then a link rule is uploaded: the third still completes the window.
  await feed([okta('user.session.start', '198.51.100.5'), okta('user.session.start', '198.51.100.5')]);
  assert.deepEqual(await put(SEQUENCE), ['link']);
  await feed([okta('user.session.start', '198.51.100.5'), okta('user.session.start', '198.51.100.9')]);
  assert.equal(await alerts(COUNT), 1, 'the window opened before the upload fired after it');

  // Two of three from .6 (applied: a later event follows), then the correlation itself changes
  // (gte 3 -> gte 4): its window starts over.
  await feed([okta('user.session.start', '198.51.100.6'), okta('user.session.start', '198.51.100.6'), okta('user.session.start', '198.51.100.9')]);
  await put(EVENT_COUNT.replace('gte: 3', 'gte: 4'));
  await feed([...[1, 2, 3].map(() => okta('user.session.start', '198.51.100.6')), okta('user.session.start', '198.51.100.9')]);
  assert.equal(await alerts(COUNT), 1, 'three events after the change are not four: the old window was dropped');
  await feed([okta('user.session.start', '198.51.100.6'), okta('user.session.start', '198.51.100.9')]);
  assert.equal(await alerts(COUNT), 2, 'the fourth event after the change fires');
  await store.close();
});

test('a Weft link rule that does not load is refused with the correlation loader\'s reason', () => {
  const catalog = new RuleCatalog({ store: new SqliteStore({ path: ':memory:' }), pipelinePaths: bundledPipelineFiles(), logger: silentLogger });
  const parsed = catalog.parse(SEQUENCE.replace('  maxspan: 10m\n', ''));
  assert.equal(parsed.documents.length, 0);
  assert.equal(parsed.rejections.length, 1);
  assert.match(parsed.rejections[0]?.reason ?? '', /maxspan/);
  assert.doesNotMatch(parsed.rejections[0]?.reason ?? '', /is not one of/);
});

test('assets are read again only after they change, and the next batch is scored with the change', async () => {
  const { store, consumer, put, feed } = await harness('okta-assets');
  await put(rule(START, 'user.session.start'));
  await feed([okta('user.session.start', '198.51.100.1')]);
  await feed([okta('user.session.start', '198.51.100.1')]);
  assert.equal(consumer.reference.reads, 1, 'two batches, one read of the assets');
  await store.putAssets([{ id: 'ip5', kind: 'ip', value: '198.51.100.5', criticality: 5, zone: 'core', tags: [] }]);
  await feed([okta('user.session.start', '198.51.100.5')]);
  assert.equal(consumer.reference.reads, 2, 'read again after the change');
  await feed([okta('user.session.start', '198.51.100.5')]);
  assert.equal(consumer.reference.reads, 2);
  const byIp = new Map((await store.listAlerts({ ruleId: START })).items.map((a) => [a.dedupKey.split('|')[1], a]));
  const plain = byIp.get('source.ip=198.51.100.1');
  const critical = byIp.get('source.ip=198.51.100.5');
  assert.ok(plain !== undefined && critical !== undefined, [...byIp.keys()].join(', '));
  assert.equal(JSON.stringify(plain.doc).includes('asset_criticality'), false);
  assert.match(JSON.stringify(critical.doc), /"factor":"asset_criticality"/);
  assert.ok(critical.score > plain.score, `${critical.score} > ${plain.score}`);
  await store.close();
});

test('events that reach the log late give the same alerts whatever batches the consumer reads them in', async () => {
  // As after a crash, when a client retries a batch the server never acknowledged: the log holds
  // records 200-399 before 0-199. Every fifth record is a scripted sign-in the bundled rule flags.
  const signIn = (i: number): string => signInAt(`late-${i}`, Date.UTC(2026, 2, 10, 8) + i * 1000, `user${i % 10}`, '198.51.100.7', i % 5 === 0 ? SCRIPT_AGENT : BROWSER_AGENT);
  const range = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, k) => signIn(from + k));
  const shapes = async (batches: string[][]): Promise<string[]> => {
    const { store, put, feed } = await harness('okta-late');
    await put(SCRIPTED);
    for (const b of batches) await feed(b);
    const out = (await store.listAlerts({ limit: 100 })).items.map((a) => `${a.dedupKey} ${a.count} ${new Date(a.firstTs).toISOString()} ${new Date(a.lastTs).toISOString()}`).sort();
    await store.close();
    return out;
  };
  const log = [...range(200, 400), ...range(0, 200), ...range(400, 600)];
  const once = await shapes([log]);
  assert.deepEqual(once, [
    'f2d08ce7-aeb4-5a09-b2b9-6a4944b3d468|source.ip=198.51.100.7|user.name=user0@corp.example 60 2026-03-10T08:00:00.000Z 2026-03-10T08:09:50.000Z',
    'f2d08ce7-aeb4-5a09-b2b9-6a4944b3d468|source.ip=198.51.100.7|user.name=user5@corp.example 60 2026-03-10T08:00:05.000Z 2026-03-10T08:09:55.000Z',
  ]);
  assert.deepEqual(await shapes([range(200, 400), range(0, 200), range(400, 600)]), once, 'the late records in a batch of their own');
  assert.deepEqual(await shapes([log.slice(0, 150), log.slice(150, 250), log.slice(250)]), once, 'batches that cut across the late records');
});

test('a day of logs ingested after a later day gets alerts of its own, as in time order', async () => {
  // Dedup windows are event time: last week's sign-ins must not continue (and stretch back) the
  // alerts of today's, whichever file reaches the log first.
  const signIn = (day: number, i: number): string => signInAt(`day${day}-${i}`, Date.UTC(2026, 2, day, 8) + i * 1000, `user${i % 2}`, '198.51.100.7');
  const day = (d: number): string[] => Array.from({ length: 20 }, (_, i) => signIn(d, i));
  const shapes = async (batches: string[][]): Promise<string[]> => {
    const { store, put, feed } = await harness('okta-days');
    await put(SCRIPTED);
    for (const b of batches) await feed(b);
    const out = (await store.listAlerts({ limit: 100 })).items.map((a) => `${a.dedupKey.split('|').slice(1).join('|')} ${a.count} ${new Date(a.firstTs).toISOString()} ${new Date(a.lastTs).toISOString()}`).sort();
    await store.close();
    return out;
  };
  const inOrder = await shapes([day(3), day(10)]);
  assert.deepEqual(inOrder, [
    'source.ip=198.51.100.7|user.name=user0@corp.example 10 2026-03-03T08:00:00.000Z 2026-03-03T08:00:18.000Z',
    'source.ip=198.51.100.7|user.name=user0@corp.example 10 2026-03-10T08:00:00.000Z 2026-03-10T08:00:18.000Z',
    'source.ip=198.51.100.7|user.name=user1@corp.example 10 2026-03-03T08:00:01.000Z 2026-03-03T08:00:19.000Z',
    'source.ip=198.51.100.7|user.name=user1@corp.example 10 2026-03-10T08:00:01.000Z 2026-03-10T08:00:19.000Z',
  ]);
  assert.deepEqual(await shapes([day(10), day(3)]), inOrder, 'the earlier day second');
  assert.deepEqual(await shapes([[...day(10), ...day(3)]]), inOrder, 'both days in one batch, the later first');
});

test('live alerts and their audit entries name the stored version of their rule, so replay finds it', async () => {
  const { store, put, feed } = await harness('okta-versions');
  // A plain rule, and a correlation with a rule of its own that also alerts, uploaded as one file.
  await put(`${rule(START, 'user.session.start')}---\n${rule(END, 'user.session.end')}---\n${EVENT_COUNT.replace('level:', 'generate: true\nlevel:')}`);
  await feed([okta('user.session.end', '198.51.100.31'), ...[1, 2, 3].map(() => okta('user.session.start', '198.51.100.30')), okta('user.session.start', '198.51.100.39')]);
  const alerts = (await store.listAlerts({ limit: 100 })).items;
  assert.deepEqual([...new Set(alerts.map((a) => a.ruleId))].sort(), [START, END, COUNT].sort());
  for (const a of alerts) assert.equal(a.ruleVersion, (await store.getRule(a.ruleId))?.version, `alert of ${a.ruleId}`);
  const audit = await store.readAudit(0, 1000);
  for (const e of audit.filter((x) => x.action === 'alert.created')) {
    const d = e.details as { rule_id: string; rule_version: string };
    assert.equal(d.rule_version, (await store.getRule(d.rule_id))?.version, `audit entry of ${d.rule_id}`);
  }
  await store.close();
});

test('a correlation settled in a later batch than its first events counts them all, as in one batch', async () => {
  const shape = async (batches: number[]): Promise<unknown> => {
    const { store, put, feed } = await harness('okta-evidence');
    await put(`${rule(START, 'user.session.start')}---\n${EVENT_COUNT}`);
    const records = [...[1, 2, 3].map(() => okta('user.session.start', '198.51.100.50')), okta('user.session.start', '198.51.100.59')];
    let at = 0;
    for (const n of batches) {
      await feed(records.slice(at, at + n));
      at += n;
    }
    const [a] = (await store.listAlerts({ ruleId: COUNT })).items;
    await store.close();
    const d = a?.doc as { count: number; score: number; events: string[]; explanation: { contributions: unknown[] } } | undefined;
    return d === undefined ? undefined : { events: d.events.length, score: d.score, contributions: d.explanation.contributions };
  };
  const once = await shape([4]);
  assert.deepEqual((once as { events: number }).events, 3);
  assert.deepEqual(await shape([3, 1]), once);
  assert.deepEqual(await shape([1, 1, 1, 1]), once);

  // Across a restart: the consumer resumes from its checkpoint without the facts it kept, and reads
  // the correlation's earlier events back from the store.
  const { store, catalog, consumer, put, feed } = await harness('okta-evidence');
  await put(`${rule(START, 'user.session.start')}---\n${EVENT_COUNT}`);
  await feed([1, 2, 3].map(() => okta('user.session.start', '198.51.100.50')));
  const resumed = new AlertingConsumer({ store, config: parseConfig({ correlation: { allowed_lateness: '0s' } }), catalog, logger: silentLogger });
  resumed.restore(consumer.snapshot());
  const last = (await store.readEventLog(0, 100)).at(-1)!.seq;
  await store.appendEvents(new RecordPipeline({ sourceId: 'okta-evidence' }).process(okta('user.session.start', '198.51.100.59'), new Date()).flatMap((o) => (o.kind === 'event' ? [o.event] : [])));
  await resumed.handle(await store.readEventLog(last, 100));
  const [a] = (await store.listAlerts({ ruleId: COUNT })).items;
  const d = a?.doc as { score: number; events: string[]; explanation: { contributions: unknown[] } };
  assert.deepEqual({ events: d.events.length, score: d.score, contributions: d.explanation.contributions }, once);
  await store.close();
});

test('rarity counts what a user did in earlier batches: the baseline is stored after each batch', async () => {
  const signIn = (i: number, user: string, agent: string): string =>
    signInAt(`rare-${i}`, Date.UTC(2026, 2, 10, 8, 0, i), user, '198.51.100.60', agent, { country: 'Germany', city: 'Berlin' });
  const browser = BROWSER_AGENT;
  const script = SCRIPT_AGENT;
  // ana signs in from Germany with a browser; later a script signs in as ana, and as ben, from Germany.
  const records = [signIn(1, 'ana', browser), signIn(2, 'ana', script), signIn(3, 'ben', script)];
  const rarity = async (batches: string[][]): Promise<Record<string, string[]>> => {
    const { store, put, feed } = await harness('okta-rarity');
    await put(SCRIPTED);
    for (const b of batches) await feed(b);
    const out: Record<string, string[]> = {};
    for (const a of (await store.listAlerts({ limit: 10 })).items) {
      const d = a.doc as { entities: { user: string[] }; explanation: { contributions: Array<{ factor: string; reason: string }> } };
      out[d.entities.user.join()] = d.explanation.contributions.filter((c) => c.factor === 'rarity').map((c) => c.reason);
    }
    await store.close();
    return out;
  };
  const expected = { 'ana@corp.example': [], 'ben@corp.example': ['first logon of this user from Germany'] };
  assert.deepEqual(await rarity([records]), expected);
  assert.deepEqual(await rarity([[records[0]!], records.slice(1)]), expected, 'the browser sign-in in a batch of its own');
});

/**
 * An alerting consumer over an in-memory store holding the Okta session-start rule and the
 * three-sessions-from-one-address correlation, with its metrics and the warn lines it logged.
 */
async function sessionCountConsumer(correlation: Record<string, string>): Promise<{
  store: SqliteStore;
  consumer: AlertingConsumer;
  metrics: ServerMetrics;
  lines: Array<Record<string, unknown>>;
}> {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  const catalog = new RuleCatalog({ store, pipelinePaths: bundledPipelineFiles(), logger: silentLogger });
  await store.putRules(catalog.parse(`${rule(START, 'user.session.start')}---\n${EVENT_COUNT}`).documents.map((d) => d.record));
  await catalog.reload();
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  const metrics = new ServerMetrics();
  const consumer = new AlertingConsumer({ store, config: parseConfig({ correlation }), catalog, logger, metrics });
  consumer.restore(undefined);
  return { store, consumer, metrics, lines };
}

test('events too late for correlation are counted in metrics and logged, not dropped silently', async () => {
  const { store, consumer, metrics, lines } = await sessionCountConsumer({ allowed_lateness: '0s' });
  const pipeline = new RecordPipeline({ sourceId: 'okta-late-corr' });
  const at = (minute: number): string => JSON.stringify({
    uuid: `lc-${minute}`, published: new Date(Date.UTC(2026, 2, 10, 9, minute)).toISOString(), eventType: 'user.session.start',
    actor: { id: '00u1', type: 'User', alternateId: 'ana@corp.example' }, client: { ipAddress: '198.51.100.70' }, outcome: { result: 'SUCCESS' },
  });
  // 09:30, then two sign-ins of 09:00 and 09:05, half an hour behind with no lateness allowed.
  await store.appendEvents([at(30), at(0), at(5)].flatMap((r) => pipeline.process(r, new Date()).flatMap((o) => (o.kind === 'event' ? [o.event] : []))));
  await consumer.handle(await store.readEventLog(0, 100));
  assert.match(await metrics.registry.metrics(), /^weft_correlation_late_events_total 2$/m);
  assert.deepEqual(lines.map((l) => [l.late_events, l.watermark, l.allowed_lateness_ms]), [[2, '2026-03-10T09:30:00.000Z', 0]]);
  await store.close();
});

test('an event dated far after it was received is stored and detected, refused by correlation, counted and logged; correlation goes on', async () => {
  const { store, consumer, metrics, lines } = await sessionCountConsumer({ allowed_lateness: '0s' });
  const pipeline = new RecordPipeline({ sourceId: 'okta-bogus' });
  const T = Date.UTC(2026, 2, 10, 9, 0);
  const signIn = (id: string, at: number, ip: string): string => signInAt(id, at, 'ana', ip, BROWSER_AGENT);
  // A sign-in dated 2099, then three from one address and one more to move time past them.
  const records = [signIn('bogus', Date.UTC(2099, 0, 1), '203.0.113.1'), ...[1, 2, 3].map((k) => signIn(`real-${k}`, T + k * 1000, '198.51.100.80')), signIn('after', T + 10_000, '198.51.100.81')];
  await store.appendEvents(records.flatMap((r) => pipeline.process(r, new Date(T + 20_000)).flatMap((o) => (o.kind === 'event' ? [o.event] : []))));
  await consumer.handle(await store.readEventLog(0, 100));
  assert.equal((await store.listAlerts({ ruleId: COUNT })).items.filter((a) => a.dedupKey.includes('198.51.100.80')).length, 1, 'the real sign-ins correlate');
  assert.equal((await store.searchEvents({ sourceId: 'okta-bogus', limit: 10 })).total, 5, 'the bogus one is stored too');
  assert.match(await metrics.registry.metrics(), /^weft_correlation_invalid_events_total 1$/m);
  assert.match(await metrics.registry.metrics(), /^weft_correlation_late_events_total 0$/m);
  assert.equal(lines.length, 1);
  assert.match(String(lines[0]?.last_reason), /^@timestamp '2099-01-01T00:00:00\.000Z' is \d+ s after the event was received/);
  await store.close();
});

test('a source that delivers minutes behind the others still correlates; one watermark for all sources lost its events', async () => {
  // Two Okta orgs shipped by two pollers: okta-eu delivers ten minutes after the event, okta-us at once.
  // Three sign-ins from one address within ten minutes, two of them from the lagging one.
  const run = async (maxSourceLag: string): Promise<{ alerts: number; metrics: string; lags: ReadonlyMap<string, number> }> => {
    const { store, consumer, metrics } = await sessionCountConsumer({ allowed_lateness: '1m', max_source_lag: maxSourceLag });
    const T = Date.UTC(2026, 2, 10, 9, 0);
    const M = 60_000;
    const sources = { 'okta-us': new RecordPipeline({ sourceId: 'okta-us' }), 'okta-eu': new RecordPipeline({ sourceId: 'okta-eu' }) };
    const arrivals: Array<{ at: number; source: keyof typeof sources; record: string }> = [];
    const signIn = (source: keyof typeof sources, minute: number, ip: string, lag: number): void => {
      arrivals.push({ at: T + minute * M + lag, source, record: signInAt(`${source}-${minute}-${ip}`, T + minute * M, 'ana', ip, BROWSER_AGENT) });
    };
    // Both pollers deliver all along (okta-eu's earlier sign-ins are from elsewhere). okta-eu comes
    // first: a source seen for the first time cannot take back time the watermark has passed.
    for (let m = -5; m <= 20; m++) signIn('okta-us', m, '203.0.113.9', 0);
    for (let m = -20; m <= 10; m += 5) signIn('okta-eu', m, '203.0.113.50', 10 * M);
    signIn('okta-us', 1, '198.51.100.77', 0);
    signIn('okta-eu', 3, '198.51.100.77', 10 * M);
    signIn('okta-eu', 6, '198.51.100.77', 10 * M);
    arrivals.sort((a, b) => a.at - b.at);
    let seq = 0;
    // One batch per minute of arrival, received at that minute, as the service's event log gets them.
    for (let i = 0; i < arrivals.length;) {
      const minute = Math.floor((arrivals[i]?.at as number) / M);
      const events = [];
      for (; i < arrivals.length && Math.floor((arrivals[i]?.at as number) / M) === minute; i++) {
        const a = arrivals[i] as (typeof arrivals)[number];
        for (const o of sources[a.source].process(a.record, new Date(a.at))) if (o.kind === 'event') events.push(o.event);
      }
      await store.appendEvents(events);
      const batch = await store.readEventLog(seq, 1000);
      seq = batch.at(-1)?.seq ?? seq;
      await consumer.handle(batch);
    }
    const out = {
      alerts: (await store.listAlerts({ ruleId: COUNT })).items.filter((a) => a.dedupKey.includes('198.51.100.77')).length,
      metrics: await metrics.registry.metrics(), lags: consumer.sourceLags(),
    };
    await store.close();
    return out;
  };
  const perSource = await run('15m');
  assert.equal(perSource.alerts, 1, 'the three sign-ins from 198.51.100.77 correlate');
  assert.match(perSource.metrics, /^weft_correlation_late_events_total 0$/m);
  assert.match(perSource.metrics, /^weft_correlation_held_back_seconds 600$/m, 'okta-eu, ten minutes behind, holds correlation back by that much');
  assert.deepEqual(perSource.lags, new Map([['okta-eu', 600_000], ['okta-us', 0]]), 'what GET /api/v1/sources shows');
  const global = await run('0s');
  assert.equal(global.alerts, 0);
  assert.doesNotMatch(global.metrics, /^weft_correlation_late_events_total 0$/m, 'okta-eu\'s sign-ins came too late');
  assert.match(global.metrics, /^weft_correlation_held_back_seconds 0$/m);
  assert.equal(global.lags.size, 0, 'one watermark for all: no clock per source');
});

test('a batch rewrites only the incidents its alerts changed; the stored incidents are those of one batch', async () => {
  const signIn = (i: number, user: string, ip: string): string => signInAt(`inc-${i}`, Date.UTC(2026, 2, 10, 8, 0, i), user, ip);
  // Two unrelated sign-ins, then a third user from the first one's address: it joins that incident.
  const first = [signIn(1, 'ana', '198.51.100.1'), signIn(2, 'ben', '198.51.100.2')];
  const second = [signIn(3, 'cho', '198.51.100.1')];
  const incidents = async (store: SqliteStore): Promise<IncidentRecord[]> => (await store.listIncidents({ limit: 100 })).items.sort((a, b) => (a.id < b.id ? -1 : 1));
  const { store, put, feed } = await harness('okta-incidents');
  await put(SCRIPTED);
  await feed(first);
  const before = await incidents(store);
  assert.equal(before.length, 2);
  await new Promise((r) => setTimeout(r, 5));
  await feed(second);
  const after = await incidents(store);
  const ben = (xs: IncidentRecord[]): IncidentRecord | undefined => xs.find((i) => JSON.stringify(i.doc).includes('ben@corp.example'));
  const ana = (xs: IncidentRecord[]): IncidentRecord | undefined => xs.find((i) => JSON.stringify(i.doc).includes('ana@corp.example'));
  assert.deepEqual(ben(after), ben(before), 'the incident the batch did not touch is not written again');
  assert.notEqual(ana(after)?.updatedAt, ana(before)?.updatedAt);
  assert.deepEqual((ana(after)?.doc as { alerts: string[] }).alerts.length, 2);
  // The same records in one batch: the same incidents.
  const once = await harness('okta-incidents');
  await once.put(SCRIPTED);
  await once.feed([...first, ...second]);
  const view = (xs: IncidentRecord[]): unknown[] => xs.map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest);
  assert.deepEqual(view(after), view(await incidents(once.store)));
  // A later batch's alert for a user scored before counts that user's risk.
  await feed([signIn(4, 'ana', '198.51.100.4')]);
  const latest = (await store.listAlerts({ limit: 100 })).items.find((a) => a.dedupKey.includes('198.51.100.4'));
  assert.deepEqual((latest?.doc as { explanation: { contributions: Array<{ factor: string; reason: string }> } }).explanation.contributions.find((c) => c.factor === 'user_risk')?.reason,
    'user ana@corp.example has accumulated risk 40.0 from earlier alerts');
  await once.store.close();
  await store.close();
});

test('an alert that reaches the log late and comes first in an incident moves it to a new id; the emptied one is dropped unless worked on', async () => {
  const signIn = (i: number, user: string, ip: string): string => signInAt(`move-${i}`, Date.UTC(2026, 2, 10, 8, 0, i), user, ip);
  const incidents = async (store: SqliteStore): Promise<Array<[string, string[]]>> => {
    const alerts = (await store.listAlerts({ limit: 100 })).items;
    return (await store.listIncidents({ limit: 100 })).items.map((i): [string, string[]] => [i.id, alerts.filter((a) => a.incidentId === i.id).map((a) => a.id).sort()]).sort();
  };
  // One batch with both sign-ins: the reference.
  const once = await harness('okta-move');
  await once.put(SCRIPTED);
  await once.feed([signIn(5, 'cho', '198.51.100.1'), signIn(10, 'ana', '198.51.100.1')]);
  const expected = await incidents(once.store);
  assert.equal(expected.length, 1);
  assert.equal(expected[0]?.[1].length, 2);
  await once.store.close();
  for (const worked of [false, true]) {
    const { store, put, feed } = await harness('okta-move');
    await put(SCRIPTED);
    await feed([signIn(10, 'ana', '198.51.100.1')]);
    const [first] = await incidents(store);
    assert.equal(first?.[1].length, 1);
    if (worked) {
      const inc = await store.getIncident(first?.[0] as string);
      await store.upsertIncidents([{ ...(inc as IncidentRecord), assignee: 'bob' }]);
    }
    // Cho's sign-in, five seconds earlier from the same address, reaches the log after: the incident's
    // first alert is now hers, and so is its id.
    await feed([signIn(5, 'cho', '198.51.100.1')]);
    const after = await incidents(store);
    if (!worked) assert.deepEqual(after, expected);
    else assert.deepEqual(after, [...expected, [first?.[0] as string, []]].sort(), 'an incident someone has worked on stays, without alerts');
    await store.close();
  }
});

test('stored alerts are read again only when they changed, and an analyst\'s change is seen by the next batch', async () => {
  const { store, consumer, put, feed } = await harness('okta-recent');
  await put(rule(START, 'user.session.start'));
  await feed([okta('user.session.start', '198.51.100.20'), okta('user.session.start', '198.51.100.21')]);
  assert.equal(consumer.recent.fetched, 0, 'nothing stored before the first batch');
  await feed([okta('user.session.start', '198.51.100.20')]);
  assert.equal(consumer.recent.fetched, 2, 'both alerts of the first batch are read once');
  for (let k = 0; k < 3; k++) await feed([okta('user.session.start', '198.51.100.20')]);
  assert.equal(consumer.recent.fetched, 5, 'then only the alert each batch continued');
  const byIp = async (): Promise<Map<string, AlertRecord[]>> => {
    const m = new Map<string, AlertRecord[]>();
    for (const a of (await store.listAlerts({ ruleId: START })).items) {
      const k = a.dedupKey.split('|')[1] as string;
      m.set(k, [...(m.get(k) ?? []), a]);
    }
    return m;
  };
  const twenty = (await byIp()).get('source.ip=198.51.100.20') ?? [];
  assert.deepEqual(twenty.map((a) => a.count), [5]);
  // An analyst resolves it; the next event from that address starts a new alert instead of continuing it.
  await store.upsertAlerts([{ ...twenty[0]!, status: 'resolved', updatedAt: new Date(Date.now() + 1).toISOString() }]);
  await feed([okta('user.session.start', '198.51.100.20')]);
  assert.deepEqual(((await byIp()).get('source.ip=198.51.100.20') ?? []).map((a) => [a.status, a.count]).sort(), [['open', 1], ['resolved', 5]]);
  assert.deepEqual(((await byIp()).get('source.ip=198.51.100.21') ?? []).map((a) => a.count), [1]);
  await store.close();
});

test('an incident rebuilt by a later batch keeps its events\' timeline entries', async () => {
  const { store, put, feed } = await harness('okta-timeline');
  await put(rule(START, 'user.session.start'));
  await feed([okta('user.session.start', '198.51.100.30'), okta('user.session.start', '198.51.100.30')]);
  type Entry = { type: string; event_id?: string; title: string; '@timestamp': string; source_type?: string };
  const eventEntries = async (): Promise<Map<string, Entry>> => {
    const out = new Map<string, Entry>();
    for (const i of (await store.listIncidents({ limit: 10 })).items) {
      for (const e of (i.doc as { timeline: Entry[] }).timeline) if (e.type === 'event') out.set(e.event_id as string, e);
    }
    return out;
  };
  const before = await eventEntries();
  assert.equal(before.size, 2);
  for (const e of before.values()) assert.deepEqual([e.title.startsWith('user.session.start'), e.source_type], [true, 'okta'], JSON.stringify(e));
  // A later batch: the incident is regrouped and rebuilt without the first batch's events at hand.
  await feed([okta('user.session.start', '203.0.113.40')]);
  const after = await eventEntries();
  assert.equal(after.size, 3);
  for (const [id, e] of before) assert.deepEqual(after.get(id), e);
  await store.close();
});
