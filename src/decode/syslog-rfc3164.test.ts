import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRfc3164 } from './syslog-rfc3164.js';
import type { DecodeResult } from './types.js';
import { fixtureLines } from '../../test/support/fixtures.js';

const jan2026 = { receivedAt: new Date('2026-01-05T00:00:00Z') };

function fields(r: DecodeResult): Record<string, unknown> {
  if (!r.ok) assert.fail(`expected success, got ${r.error.code}: ${r.error.message}`);
  assert.equal(r.value.format, 'syslog-rfc3164');
  return r.value.fields;
}

function errorCode(r: DecodeResult): string {
  if (r.ok) assert.fail(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error.code;
}

test('RFC 3164 section 5.4 examples', () => {
  const [su, bfg, cst, relayed] = fixtureLines('rfc', 'rfc3164-examples.log');
  assert.deepEqual(fields(decodeRfc3164(su!, jan2026)), {
    syslog: { facility: 4, severity: 2, priority: 34 },
    timestamp: '2025-10-11T22:14:15.000Z',
    hostname: 'mymachine',
    app_name: 'su',
    message: "'su root' failed for lonvick on /dev/pts/8",
  });
  assert.deepEqual(fields(decodeRfc3164(bfg!, jan2026)), {
    syslog: { facility: 1, severity: 5, priority: 13 },
    timestamp: '2025-02-05T17:32:18.000Z',
    hostname: '10.0.0.99',
    message: 'Use the BFG!',
  });
  // The RFC notes that a relay reads "CST" as the hostname of this malformed example.
  assert.deepEqual(fields(decodeRfc3164(cst!, jan2026)), {
    syslog: { facility: 20, severity: 5, priority: 165 },
    timestamp: '2025-08-24T05:34:00.000Z',
    hostname: 'CST',
    message: "1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jump=OK, Jumps=12, Dough=OK",
  });
  assert.deepEqual(fields(decodeRfc3164(relayed!, jan2026)), {
    syslog: { facility: 0, severity: 0, priority: 0 },
    timestamp: '2025-10-22T10:52:12.000Z',
    hostname: 'scapegoat',
    message: "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!",
  });
});

test('year inference: December read in January is last year, never more than a day ahead', () => {
  const line = '<34>Dec 31 23:59:59 mymachine su: x';
  assert.equal(fields(decodeRfc3164(line, { receivedAt: new Date('2026-01-01T00:00:10Z') })).timestamp, '2025-12-31T23:59:59.000Z');
  // A clock a little ahead of ours: Jan 1 00:30 read on Dec 31 23:50 belongs to the next year.
  assert.equal(fields(decodeRfc3164('<34>Jan  1 00:30:00 h a: x', { receivedAt: new Date('2025-12-31T23:50:00Z') })).timestamp, '2026-01-01T00:30:00.000Z');
  // Two days ahead is not plausible: it must be last year's date.
  assert.equal(fields(decodeRfc3164('<34>Mar  7 10:00:00 h a: x', { receivedAt: new Date('2026-03-05T10:00:00Z') })).timestamp, '2025-03-07T10:00:00.000Z');
  // Feb 29 lands on the most recent leap year.
  assert.equal(fields(decodeRfc3164('<34>Feb 29 12:00:00 h a: x', { receivedAt: new Date('2026-06-01T00:00:00Z') })).timestamp, '2024-02-29T12:00:00.000Z');
});

test('configured zone: IANA names with DST, and fixed offsets', () => {
  const opts = { receivedAt: new Date('2026-08-01T00:00:00Z') };
  assert.equal(fields(decodeRfc3164('<34>Jul 15 12:00:00 h a: x', { ...opts, timezone: 'Europe/Berlin' })).timestamp, '2026-07-15T10:00:00.000Z');
  assert.equal(fields(decodeRfc3164('<34>Jan 15 12:00:00 h a: x', { ...opts, timezone: 'Europe/Berlin' })).timestamp, '2026-01-15T11:00:00.000Z');
  assert.equal(fields(decodeRfc3164('<34>Jan 15 12:00:00 h a: x', { ...opts, timezone: 'America/New_York' })).timestamp, '2026-01-15T17:00:00.000Z');
  assert.equal(fields(decodeRfc3164('<34>Jan 15 12:00:00 h a: x', { ...opts, timezone: '+05:30' })).timestamp, '2026-01-15T06:30:00.000Z');
  assert.equal(fields(decodeRfc3164('<34>Jan 15 12:00:00 h a: x', { ...opts, timezone: '-0800' })).timestamp, '2026-01-15T20:00:00.000Z');
  // The hour that does not exist (spring forward) resolves instead of failing.
  assert.equal(fields(decodeRfc3164('<34>Mar 29 02:30:00 h a: x', { ...opts, timezone: 'Europe/Berlin' })).timestamp, '2026-03-29T00:30:00.000Z');
  const bad = decodeRfc3164('<34>Jan 15 12:00:00 h a: x', { ...opts, timezone: 'Mars/Olympus_Mons' });
  assert.equal(errorCode(bad), 'decode.syslog-rfc3164.bad_timezone');
});

test('Cisco ASA (elastic/integrations cisco_asa samples)', () => {
  const lines = fixtureLines('elastic-integrations', 'cisco_asa-test-sample.log');
  assert.deepEqual(fields(decodeRfc3164(lines[0]!, jan2026)), {
    timestamp: '2013-04-15T09:36:50.000Z',
    cisco: { facility: 'ASA', severity: 4, mnemonic: '106023' },
    message: 'Deny tcp src dmz:10.1.2.30/63016 dst outside:192.168.0.8/53 by access-group "acl_dmz" [0xe3aab522, 0x0]',
  });
  // `09:34:34 EDT:`: a zone abbreviation abutting its colon.
  assert.deepEqual(fields(decodeRfc3164(lines[1]!, jan2026)), {
    timestamp: '2014-04-15T13:34:34.000Z',
    cisco: { facility: 'ASA-session', severity: 5, mnemonic: '106100' },
    message: 'access-list acl_in permitted tcp inside/10.1.2.16(2241) -> outside/192.168.0.89(2000) hit-cnt 1 first hit [0x71a87d94, 0x0]',
  });
  // `INT-FW01 : %ASA-...`
  assert.deepEqual(fields(decodeRfc3164(lines[2]!, jan2026)), {
    timestamp: '2013-04-24T16:00:28.000Z',
    hostname: 'INT-FW01',
    cisco: { facility: 'ASA', severity: 6, mnemonic: '106100' },
    message: 'access-list inside denied udp inside/172.29.2.101(1039) -> outside/192.168.2.10(53) hit-cnt 1 first hit [0xd820e56a, 0x0]',
  });
  // `23:30:09 : %ASA-6-302016 Teardown`: empty hostname, mnemonic without its colon.
  assert.deepEqual(fields(decodeRfc3164(lines[6]!, jan2026)), {
    timestamp: '2012-08-15T23:30:09.000Z',
    cisco: { facility: 'ASA', severity: 6, mnemonic: '302016' },
    message: 'Teardown UDP connection 40 for outside:10.44.4.4/500 to inside:10.44.2.2/500 duration 0:02:02 bytes 1416',
  });
  // Non-ASCII user names survive.
  assert.equal(fields(decodeRfc3164(lines[9]!, jan2026)).message,
    'Teardown TCP connection 261246338 for outside:67.43.156.15/63790(LOCAL\\Speciäl Ö01) to inside:192.168.0.1/53 duration 0:35:58 bytes 27451 TCP FINs from outside (Speciäl Ö01)');
  const [withTag] = fixtureLines('elastic-integrations', 'cisco_asa-cisco-asa.log');
  assert.deepEqual(fields(decodeRfc3164(withTag!, jan2026)), {
    timestamp: '2018-10-10T12:34:56.000Z',
    hostname: 'localhost',
    app_name: 'CiscoASA',
    procid: '999',
    cisco: { facility: 'ASA', severity: 6, mnemonic: '305011' },
    message: 'Built dynamic TCP translation from inside:172.31.98.44/1772 to outside:192.168.98.44/8256',
  });
  const [hostColon] = fixtureLines('elastic-integrations', 'cisco_asa-test-hostnames.log');
  assert.equal(fields(decodeRfc3164(hostColon!, jan2026)).hostname, 'localhost');
});

test('Cisco IOS sequence numbers and uptime, ASA with PRI (glossy test messages)', () => {
  const lines = fixtureLines('glossy', 'messages.log');
  assert.deepEqual(fields(decodeRfc3164(lines[3]!, jan2026)), {
    syslog: { facility: 23, severity: 7, priority: 191 },
    cisco: { sequence: 94103, uptime: '51w2d' },
    app_name: 'DHCPD',
    message: 'assigned IP address 10.10.1.94 to client 0100.01c4.21d3.b3',
  });
  assert.deepEqual(fields(decodeRfc3164(lines[4]!, jan2026)), {
    syslog: { facility: 4, severity: 0, priority: 32 },
    timestamp: '2011-03-05T22:21:02.000Z',
    cisco: { facility: 'ASA', severity: 6, mnemonic: '302013' },
    message: 'Built inbound TCP connection 401 for outside:123.123.123.123/4413 (123.123.123.123/4413) to net:BOX/25 (BOX/25)',
  });
  assert.deepEqual(fields(decodeRfc3164(lines[5]!, jan2026)), {
    syslog: { facility: 1, severity: 5, priority: 13 },
    timestamp: '2025-03-15T11:22:40.000Z',
    hostname: 'myhost.com',
    message: '0    11,03/15/12,11:22:38,§ó·s,10.10.10.171,,40C6A91373B6,',
  });
});

test('Fortinet key=value body after a bare PRI takes its time from date=/time=/tz=', () => {
  const [line] = fixtureLines('elastic-integrations', 'fortinet_fortigate-test-fortinet-7-4.log').filter((l) => l.includes('tz="-0800"'));
  const r = fields(decodeRfc3164(`<189>${line!}`, jan2026));
  assert.equal(r.timestamp, '2021-01-26T23:51:37.000Z');
  assert.deepEqual(r.syslog, { facility: 23, severity: 5, priority: 189 });
  assert.equal(r.message, line);
  // Without tz= the configured zone applies.
  const [first] = fixtureLines('elastic-integrations', 'fortinet_fortigate-test-fortinet-7-4.log');
  assert.equal(fields(decodeRfc3164(`<189>${first!}`, { ...jan2026, timezone: 'Europe/Paris' })).timestamp, '2019-05-10T09:37:47.000Z');
});

test('RFC 3339 stamp in the BSD position (rsyslog high precision)', () => {
  const line = '2019-06-14T10:40:20.912134 localhost sudo: pam_unix(sudo-i:session): session opened for user root by userauth3(uid=0)';
  assert.deepEqual(fields(decodeRfc3164(line, { timezone: 'UTC' })), {
    timestamp: '2019-06-14T10:40:20.912Z',
    hostname: 'localhost',
    app_name: 'sudo',
    message: 'pam_unix(sudo-i:session): session opened for user root by userauth3(uid=0)',
  });
});

test('bad input: each gets a specific error code', () => {
  const cases: [string | Uint8Array, string][] = [
    ['', 'decode.syslog-rfc3164.no_header'],
    ['just some text', 'decode.syslog-rfc3164.no_header'],
    ['<999>Oct 11 22:14:15 host su: x', 'decode.syslog-rfc3164.bad_pri'],
    ['<34Oct 11 22:14:15 host su: x', 'decode.syslog-rfc3164.bad_pri'],
    ['<>Oct 11 22:14:15 host su: x', 'decode.syslog-rfc3164.bad_pri'],
    ['<34>Oct 11 25:14:15 host su: x', 'decode.syslog-rfc3164.bad_timestamp'],
    ['<34>Oct 32 22:14:15 host su: x', 'decode.syslog-rfc3164.bad_timestamp'],
    ['<34>Apr 31 2013 22:14:15 host su: x', 'decode.syslog-rfc3164.bad_timestamp'],
    ['<34>Oct 11 22:1', 'decode.syslog-rfc3164.bad_timestamp'],
    ['<34>Oct 1', 'decode.syslog-rfc3164.bad_timestamp'],
    ['2019-02-30T10:00:00 host x', 'decode.syslog-rfc3164.bad_timestamp'],
  ];
  for (const [input, code] of cases) assert.equal(errorCode(decodeRfc3164(input, jan2026)), code, String(input));
});

test('truncated and hostile input decode without throwing', () => {
  // Only a PRI: a header with nothing after it.
  assert.deepEqual(fields(decodeRfc3164('<34>', jan2026)), { syslog: { facility: 4, severity: 2, priority: 34 } });
  // Invalid UTF-8 becomes U+FFFD in the message.
  const bytes = Buffer.concat([Buffer.from('<34>Oct 11 22:14:15 host su: caf'), Buffer.from([0xc3, 0x28, 0xff])]);
  assert.equal(fields(decodeRfc3164(bytes, jan2026)).message, 'caf\ufffd(\ufffd');
  // A 2 MB message is kept whole (size limits belong to decodeRecord).
  const huge = `<34>Oct 11 22:14:15 host su: ${'x'.repeat(2_000_000)}`;
  assert.equal((fields(decodeRfc3164(huge, jan2026)).message as string).length, 2_000_000);
});
