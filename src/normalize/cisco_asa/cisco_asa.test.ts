import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ciscoAsaMapper } from './index.js';
import { at, assertFastOnLongInput, assertNeverThrows, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { decodeOk, receivedIn } from '../../../test/support/real-decode.js';

// 106023 from elastic/integrations packages/cisco_asa/.../test-asa.log; the AAA and login lines are the
// examples of Cisco's syslog message guide as quoted in public parsers (see test/fixtures/cisco_asa/README.md).
const line = (l: string) => decodeOk(l, { receivedAt: receivedIn(2018) });

test('cisco_asa: 106023 ACL deny', () => {
  const e = mapOk(ciscoAsaMapper, line('Oct 10 2018 12:34:56 localhost CiscoASA[999]: %ASA-4-106023: Deny tcp src outside:100.66.19.254/80 dst inside:172.31.98.44/8277 by access-group "inbound" [0x0, 0x0]'));
  assert.deepEqual(at(e, 'event.type'), ['connection', 'denied']);
  assert.equal(at(e, 'event.outcome'), 'failure');
  assert.equal(at(e, 'source.ip'), '100.66.19.254');
  assert.equal(at(e, 'destination.port'), 8277);
  assert.equal(at(e, 'rule.name'), 'inbound');
  assert.equal(at(e, 'log.level'), 'warnings');
});

test('cisco_asa: authentication messages', () => {
  const ok = mapOk(ciscoAsaMapper, line('Jan  8 09:12:56 asa.example.com %ASA-6-113004: AAA user authentication Successful : server = 192.168.0.1 : user = testuser'));
  assert.equal(at(ok, 'event.outcome'), 'success');
  assert.equal(at(ok, 'user.name'), 'testuser');
  assert.deepEqual(at(ok, 'event.category'), ['authentication']);
  assert.equal(at(ok, 'event.code'), '113004');
  const rej = mapOk(ciscoAsaMapper, line('Jan  8 09:12:56 asa.example.com %ASA-6-113005: AAA user authentication Rejected : reason = Invalid password : server = 192.168.0.1 : user = testuser'));
  assert.equal(at(rej, 'event.outcome'), 'failure');
  assert.equal(at(rej, 'event.reason'), 'Invalid password');
  const login = mapOk(ciscoAsaMapper, line('Jan  8 09:12:56 fw %ASA-6-605005: Login permitted from 192.168.0.1/11 to outside:192.168.0.2/ssh for user "username"'));
  assert.equal(at(login, 'user.name'), 'username');
  assert.equal(at(login, 'source.ip'), '192.168.0.1');
  assert.equal(at(login, 'network.protocol'), 'ssh');
  const denied = mapOk(ciscoAsaMapper, line('Jan  8 09:12:56 fw %ASA-6-605004: Login denied from 10.10.10.10/60358 to inside:172.18.254.34/ssh for user "admin"'));
  assert.equal(at(denied, 'event.outcome'), 'failure');
  const u = mapOk(ciscoAsaMapper, line('Jan  8 09:12:56 fw %ASA-6-611101: User authentication succeeded: IP address: 10.65.81.163, Uname: admin'));
  assert.equal(at(u, 'user.name'), 'admin');
  assert.equal(at(u, 'source.ip'), '10.65.81.163');
});

test('cisco_asa: bad input is a specific failure', () => {
  expectFail(ciscoAsaMapper, { format: 'syslog-rfc3164', fields: { message: 'hello' } }, 'normalize.cisco_asa.not_asa');
  expectFail(ciscoAsaMapper, { format: 'syslog-rfc3164', fields: { message: '%ASA-6-302013: x', timestamp: 'Oct 10' } }, 'normalize.cisco_asa.bad_timestamp');
  const unknown = mapOk(ciscoAsaMapper, { format: 'syslog-rfc3164', fields: { message: '%ASA-5-111008: User \'admin\' executed the \'login\' command.' } });
  assert.equal(at(unknown, 'message'), "User 'admin' executed the 'login' command.");
  assertNeverThrows(ciscoAsaMapper, line('Oct 10 2018 12:34:56 localhost CiscoASA[999]: %ASA-6-302014: Teardown TCP connection 11749 for outside:100.66.211.242/80 to inside:172.31.98.44/1758 duration 0:01:07 bytes 38110 TCP Reset-I'));
  assertFastOnLongInput(ciscoAsaMapper, { format: 'syslog-rfc3164', fields: { message: `%ASA-6-302014: Teardown TCP connection 1 for ${'a:'.repeat(100_000)}` } });
});
