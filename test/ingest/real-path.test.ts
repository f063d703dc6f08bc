/**
 * Every real sample under test/fixtures/<source>/ through Weft's real ingest path (`readOutcomes`:
 * framing, format detection, decoders, mapper detection, validation; what `weft ingest` runs), with
 * no declared format or source type: each record must reach the expected source type, exact counts
 * per file, and none may be quarantined. The records that are bad on purpose are in their own test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { readOutcomes, type ReadOptions } from '../../src/ingest/file-source.js';
import type { RecordOutcome } from '../../src/ingest/record-pipeline.js';
import { fixturePath } from '../support/fixtures.js';

const AT = new Date('2026-06-01T00:00:00Z');

/** Fixture directory -> file -> source type -> records. Every data file of each directory is listed. */
const EXPECTED: Record<string, Record<string, Record<string, number>>> = {
  linux: { 'auditd.log': { linux: 9 }, 'auth.log': { linux: 10 }, 'usermod-group.log': { linux: 2 } },
  okta: { 'system.log': { okta: 5 } },
  cloudtrail: { 'records.json': { cloudtrail: 6 } },
  zeek: { 'conn.log': { zeek: 5 }, 'dns.log': { zeek: 4 }, 'files.log': { zeek: 2 }, 'http.log': { zeek: 4 }, 'ssl.log': { zeek: 2 } },
  suricata: { 'eve.log': { suricata: 10 } },
  panw: { 'threat.log': { panw: 2 }, 'traffic.log': { panw: 2 } },
  fortigate: { 'log.log': { fortigate: 3 } },
  checkpoint: { 'firewall.log': { checkpoint: 8 } },
  cisco_asa: { 'asa.log': { cisco_asa: 4 } },
  squid: { 'access.log': { squid: 6 } },
  windows: {
    'winlogbeat-powershell-4104.json': { winlogbeat: 1 },
    'winlogbeat-security-4624.json': { winlogbeat: 2 },
    'winlogbeat-security-4688.json': { winlogbeat: 1 },
    'winlogbeat-security-5145.json': { winlogbeat: 1 },
    'winlogbeat-sysmon.json': { winlogbeat: 2 },
    'winlogbeat-sysmon-processed.json': { winlogbeat: 2 },
  },
  generic: { 'cef.log': { generic: 3 }, 'leef.log': { generic: 1 } },
  'elastic-integrations': {
    'cef-test-cef.log': { generic: 4 },
    'cisco_asa-cisco-asa.log': { cisco_asa: 6 },
    'cisco_asa-test-hostnames.log': { cisco_asa: 2 },
    'cisco_asa-test-sample.log': { cisco_asa: 10 },
    'fortinet_fortigate-test-fortinet-7-4.log': { fortigate: 9 },
    'windows-powershell_operational-event.ndjson': { winlogbeat: 1 },
  },
  'elastic-beats': { 'cef-checkpoint.log': { generic: 3 }, 'cef-fp-ngfw-smc.log': { generic: 5 }, 'decode_cef-samples.log': { generic: 7 } },
  'ibm-leef': { 'leef-guide.log': { generic: 3 } },
  // RFC and library test lines no specific mapper claims reach the generic syslog mapper.
  rfc: { 'rfc3164-examples.log': { linux: 1, syslog: 3 }, 'rfc5424-examples.log': { linux: 1, syslog: 3 } },
  glossy: { 'messages.log': { syslog: 5, linux: 1, cisco_asa: 1 } },
  tenzir: { 'leef-docs.leef': { generic: 2 }, 'syslog.log': { linux: 2, syslog: 11 } },
  'opentelemetry-proto': { 'logs.json': { otlp: 1 } },
};

/** Sources whose every record carries its own time: the event time must never be the receive time. */
const TIMED = new Set(['linux', 'okta', 'cloudtrail', 'zeek', 'suricata', 'panw', 'fortigate', 'checkpoint', 'cisco_asa', 'squid', 'winlogbeat']);

/** Data files of a fixture directory: not the notes, not Elastic's expected outputs. */
function dataFiles(dir: string): string[] {
  return readdirSync(fixturePath(dir)).filter((n) => !n.endsWith('.md') && !n.endsWith('.expected.json')).sort();
}

/**
 * The windows fixtures keep Elastic's test-file shape `{events: [...], expected: [...]}`: the records
 * are the `events`, which Winlogbeat ships one JSON document each. They go in as NDJSON on stdin.
 */
function input(dir: string, file: string): { files: string[]; opts: Pick<ReadOptions, 'stdin'> } {
  const path = fixturePath(dir, file);
  if (dir === 'windows') {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (!Array.isArray(doc)) {
      const events = (doc as { events: unknown[] }).events;
      return { files: ['-'], opts: { stdin: Readable.from([Buffer.from(events.map((e) => JSON.stringify(e)).join('\n'))]) } };
    }
  }
  return { files: [path], opts: {} };
}

async function outcomesOf(files: string[], opts: ReadOptions): Promise<RecordOutcome[]> {
  const out: RecordOutcome[] = [];
  for await (const b of readOutcomes(files, { receivedAt: () => AT, ...opts })) out.push(...b.outcomes);
  return out;
}

function tally(outcomes: RecordOutcome[]): { bySource: Record<string, number>; quarantined: string[] } {
  const bySource: Record<string, number> = {};
  const quarantined: string[] = [];
  for (const o of outcomes) {
    if (o.kind === 'event') {
      const type = o.event.weft.source_type ?? '(none)';
      bySource[type] = (bySource[type] ?? 0) + 1;
    }
    else quarantined.push(`${o.quarantine.reason}: ${o.quarantine.message} (${o.quarantine.raw.slice(0, 80)})`);
  }
  return { bySource, quarantined };
}

for (const [dir, files] of Object.entries(EXPECTED)) {
  test(`real path: every record of test/fixtures/${dir}/ reaches its mapper, none quarantined`, async () => {
    assert.deepEqual(dataFiles(dir), Object.keys(files).sort(), `test/fixtures/${dir}: every data file must be listed here`);
    for (const [file, want] of Object.entries(files)) {
      const { files: inputs, opts } = input(dir, file);
      const outcomes = await outcomesOf(inputs, opts);
      const { bySource, quarantined } = tally(outcomes);
      assert.deepEqual(quarantined, [], `${dir}/${file}: quarantined`);
      assert.deepEqual(bySource, want, `${dir}/${file}: source types`);
      for (const o of outcomes) {
        if (o.kind !== 'event') continue;
        const e = o.event;
        assert.ok(Number.isFinite(Date.parse(e['@timestamp'])), `${dir}/${file}: @timestamp ${e['@timestamp']}`);
        if (TIMED.has(e.weft.source_type ?? '(none)')) {
          assert.notEqual(e['@timestamp'], AT.toISOString(), `${dir}/${file}: the event time is the receive time (${e.event?.original?.slice(0, 80)})`);
        }
        assert.equal(typeof e.event?.original, 'string');
      }
    }
  });
}

test('real path: records that are bad on purpose are quarantined with a specific reason; the good ones around them still arrive', async () => {
  const good = [
    readFileSync(fixturePath('checkpoint', 'firewall.log'), 'utf8').split('\n')[0] as string,
    readFileSync(fixturePath('squid', 'access.log'), 'utf8').split('\n')[0] as string,
    readFileSync(fixturePath('linux', 'auditd.log'), 'utf8').split('\n')[0] as string,
    readFileSync(fixturePath('fortigate', 'log.log'), 'utf8').split('\n')[0] as string,
  ];
  const squid = good[1] as string;
  const bad: [string, string][] = [
    ['{"truncated": ', 'decode.json.syntax'],
    ['\u0001\u0002 not text', 'decode.record.unrecognized'],
    ['just some words no mapper knows', 'normalize.unknown_source'],
    // A Check Point header whose timestamp is broken: lenient SD does not rescue a bad header.
    [(good[0] as string).replace('2020-03-29T13:19:20Z', '2020-03-29 13:19:20'), 'decode.syslog-rfc5424.bad_timestamp'],
    // auditd with a time far outside any date, and a squid line with an impossible time.
    ['type=USER_AUTH msg=audit(99999999999999:1): pid=1 res=success', 'normalize.linux.bad_timestamp'],
    ['CEF:0|Elastic|Vaporware', 'decode.cef.bad_header'],
    [`x${'y'.repeat(2000)}`, 'decode.record.oversized'],
  ];
  const text = [...good, ...bad.map(([r]) => r)].join('\n');
  const outcomes = await outcomesOf(['-'], { stdin: Readable.from([Buffer.from(text)]), maxRecordBytes: 1000 });
  const { bySource } = tally(outcomes);
  assert.deepEqual(bySource, { checkpoint: 1, squid: 1, linux: 1, fortigate: 1 });
  const reasons = outcomes.flatMap((o) => (o.kind === 'quarantine' ? [o.quarantine.reason] : []));
  assert.deepEqual(reasons, bad.map(([, reason]) => reason));
  for (const o of outcomes) if (o.kind === 'quarantine') assert.ok(o.quarantine.message.length > 0);
  // Declared RFC 5424, Check Point's non-SD brackets fail cleanly instead of being guessed at.
  const strict = await outcomesOf(['-'], { stdin: Readable.from([Buffer.from(good[0] as string)]), format: 'syslog-rfc5424' });
  assert.equal(strict.length, 1);
  assert.equal(strict[0]?.kind === 'quarantine' ? strict[0].quarantine.reason : 'event', 'decode.syslog-rfc5424.bad_structured_data');
  // Declared source type that does not fit: squid declared as linux.
  const wrong = await outcomesOf(['-'], { stdin: Readable.from([Buffer.from(squid)]), sourceType: 'linux' });
  assert.equal(wrong[0]?.kind === 'quarantine' ? wrong[0].quarantine.reason : 'event', 'normalize.linux.not_this_source');
});

test('real path: the same real lines in the other framings SOURCES.md promises reach the same mapper', async () => {
  const first = (dir: string, file: string): string => readFileSync(fixturePath(dir, file), 'utf8').split('\n')[0] as string;
  const panw = first('panw', 'traffic.log');
  const cases: [string, string][] = [
    // PAN-OS CSV without its syslog header (a file written by a collector): a text record.
    [panw.slice(panw.indexOf('1,2012/10/30')), 'panw'],
    // Squid's native line relayed by syslog with a program tag.
    [`<14>Sep  8 04:15:12 proxy squid[5]: ${first('squid', 'access.log')}`, 'squid'],
    // auditd relayed by audispd with the node= prefix.
    [`<14>Dec  7 02:16:32 web01 audispd: node=web01 ${first('linux', 'auditd.log')}`, 'linux'],
    // FortiGate pairs behind a relay's RFC 3164 header with a tag.
    [`<188>Apr 23 12:17:48 relay fortigate: ${first('fortigate', 'log.log').replace(/^<\d+>/, '')}`, 'fortigate'],
    // Check Point's block behind an RFC 3164 header.
    [`<134>Mar 29 13:19:20 gw-da58d3 CheckPoint[1930]: ${first('checkpoint', 'firewall.log').slice(first('checkpoint', 'firewall.log').indexOf('[flags:'))}`, 'checkpoint'],
  ];
  for (const [line, want] of cases) {
    const out = await outcomesOf(['-'], { stdin: Readable.from([Buffer.from(line)]) });
    assert.equal(out.length, 1);
    const o = out[0];
    assert.ok(o !== undefined && o.kind === 'event', `${line.slice(0, 60)}: ${o?.kind === 'quarantine' ? o.quarantine.reason : ''}`);
    assert.equal(o.event.weft.source_type, want, line.slice(0, 60));
    assert.notEqual(o.event['@timestamp'], AT.toISOString(), line.slice(0, 60));
  }
});
