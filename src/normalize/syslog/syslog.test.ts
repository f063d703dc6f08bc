import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syslogMapper } from './index.js';
import { detectMapper } from '../registry.js';
import { assertFastOnLongInput, assertNeverThrows, at, CTX, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { fixtureLines } from '../../../test/support/fixtures.js';
import { decodeOk } from '../../../test/support/real-decode.js';

const rfc5424 = fixtureLines('rfc', 'rfc5424-examples.log');
const rfc3164 = fixtureLines('rfc', 'rfc3164-examples.log');
const tenzir = fixtureLines('tenzir', 'syslog.log');
const glossy = fixtureLines('glossy', 'messages.log');

test('syslog: RFC 5424 header, app, pid and message to ECS (RFC 5424 example 2)', () => {
  const d = decodeOk(rfc5424[1] as string);
  assert.equal(detectMapper(d), syslogMapper);
  const e = mapOk(syslogMapper, d);
  assert.equal(at(e, '@timestamp'), '2003-08-24T12:14:15.000Z');
  assert.equal(at(e, 'host.hostname'), '192.0.2.1');
  assert.equal(at(e, 'host.name'), '192.0.2.1');
  assert.equal(at(e, 'process.name'), 'myproc');
  assert.equal(at(e, 'process.pid'), 8710);
  assert.equal(at(e, 'message'), "%% It's time to make the do-nuts.");
  assert.deepEqual(at(e, 'event'), { kind: 'event', module: 'syslog', dataset: 'syslog.log' });
  assert.deepEqual(at(e, 'log.syslog'), {
    priority: 165, facility: { code: 20, name: 'local4' }, severity: { code: 5, name: 'notice' }, version: '1',
    hostname: '192.0.2.1', appname: 'myproc', procid: '8710',
  });
  assert.deepEqual(at(e, 'related.hosts'), ['192.0.2.1']);
});

test('syslog: structured data and msgid kept under log.syslog; an SD-only record has no message', () => {
  const e = mapOk(syslogMapper, decodeOk(rfc5424[3] as string));
  assert.equal(at(e, 'log.syslog.msgid'), 'ID47');
  assert.deepEqual(at(e, 'log.syslog.structured_data'), {
    'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
    'examplePriority@32473': { class: 'high' },
  });
  assert.equal(at(e, 'message'), undefined);
  assert.equal(at(e, 'process.pid'), undefined);
  // Tenzir's escaped SD values arrive unescaped.
  const t = mapOk(syslogMapper, decodeOk(tenzir[3] as string));
  assert.equal(at(t, 'log.syslog.structured_data.exampleSDID@32473.eventSource'), 'Applic"ation');
  assert.equal(at(t, 'message'), 'BOMAn application event log entry...');
});

test('syslog: RFC 3164 without a tag; a nil timestamp falls back to the receive time, marked by event.created', () => {
  const bfg = mapOk(syslogMapper, decodeOk(rfc3164[1] as string));
  assert.equal(at(bfg, '@timestamp'), '2024-02-05T17:32:18.000Z');
  assert.equal(at(bfg, 'host.hostname'), '10.0.0.99');
  assert.equal(at(bfg, 'process.name'), undefined);
  assert.equal(at(bfg, 'message'), 'Use the BFG!');
  assert.equal(at(bfg, 'event.created'), undefined);
  const nil = mapOk(syslogMapper, decodeOk(tenzir[2] as string));
  assert.equal(at(nil, '@timestamp'), CTX.receivedAt.toISOString());
  assert.equal(at(nil, 'event.created'), CTX.receivedAt.toISOString());
  assert.equal(at(nil, 'log.syslog.version'), '8');
  // A Cisco IOS line with no header time and no host: still an event, keyed on its program.
  const ios = mapOk(syslogMapper, decodeOk(glossy[3] as string));
  assert.equal(at(ios, 'process.name'), 'DHCPD');
  assert.equal(at(ios, 'host'), undefined);
  assert.equal(at(ios, 'message'), 'assigned IP address 10.10.1.94 to client 0100.01c4.21d3.b3');
  // rsyslog's space after the header is not part of the message; a non-numeric procid is no pid.
  assert.equal(at(mapOk(syslogMapper, decodeOk(tenzir[9] as string)), 'message'), 'PARENT process running...');
  const asd = mapOk(syslogMapper, decodeOk(tenzir[0] as string));
  assert.equal(at(asd, 'process.pid'), undefined);
  assert.equal(at(asd, 'log.syslog.procid'), 'asd');
});

test('syslog: specific mappers still win; non-syslog records are not claimed', () => {
  assert.equal(detectMapper(decodeOk(rfc5424[0] as string))?.sourceType, 'linux');
  assert.equal(detectMapper(decodeOk(glossy[4] as string))?.sourceType, 'cisco_asa');
  assert.equal(syslogMapper.detect(decodeOk('{"a":1}')), false);
  assert.equal(syslogMapper.detect(decodeOk('just words')), false);
});

test('syslog: bad input is a specific failure, never an exception', () => {
  expectFail(syslogMapper, { format: 'json', fields: { message: 'x' } }, 'normalize.syslog.unsupported_format');
  expectFail(syslogMapper, { format: 'syslog-rfc5424', fields: {} }, 'normalize.syslog.empty_record');
  expectFail(syslogMapper, { format: 'syslog-rfc5424', fields: { syslog: { priority: 13 }, message: '' } }, 'normalize.syslog.empty_record');
  expectFail(syslogMapper, { format: 'syslog-rfc3164', fields: { message: 5 } }, 'normalize.syslog.bad_message');
  expectFail(syslogMapper, { format: 'syslog-rfc3164', fields: { timestamp: 'yesterday', message: 'x' } }, 'normalize.syslog.bad_timestamp');
  expectFail(syslogMapper, { format: 'syslog-rfc3164', fields: { timestamp: 17, message: 'x' } }, 'normalize.syslog.bad_timestamp');
  // Out-of-range header numbers are dropped, not passed on.
  const e = mapOk(syslogMapper, { format: 'syslog-rfc5424', fields: { syslog: { priority: 999, facility: 40, severity: -1 }, message: 'x' } });
  assert.equal(at(e, 'log.syslog'), undefined);
  assertNeverThrows(syslogMapper, decodeOk(rfc5424[3] as string));
  assertNeverThrows(syslogMapper, decodeOk(glossy[3] as string));
  assertFastOnLongInput(syslogMapper, decodeOk(`<13>1 2003-08-24T05:14:15Z h app 1 - - ${'x'.repeat(60_000)}`, { format: 'syslog-rfc5424' }));
});
