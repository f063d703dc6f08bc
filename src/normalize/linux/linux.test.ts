import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linuxMapper } from './index.js';
import { at, assertFastOnLongInput, assertNeverThrows, expectFail, mapOk } from '../../../test/support/mapper-harness.js';
import { decodeOk, receivedIn } from '../../../test/support/real-decode.js';

// Real lines from elastic/integrations packages/system/data_stream/auth/_dev/test/pipeline/test-auth-ubuntu1204.log (ELv2).
const line = (l: string) => decodeOk(l, { receivedAt: receivedIn(2017) });
// auditd's own log lines: the decoder keeps them whole as `text` records.
const rawLine = (l: string) => decodeOk(l);

test('linux: su success and session opened', () => {
  const e = mapOk(linuxMapper, line('Feb 24 00:12:14 precise32 su[4496]: Successful su for tsg by root'));
  assert.deepEqual(e.event, { kind: 'event', module: 'system', dataset: 'system.auth', action: 'su', category: ['authentication'], type: ['start'], outcome: 'success' });
  assert.deepEqual(at(e, 'user'), { name: 'root', effective: { name: 'tsg' } });
  assert.equal(at(e, '@timestamp'), '2017-02-24T00:12:14.000Z');
  assert.deepEqual(at(e, 'related'), { user: ['root', 'tsg'], hosts: ['precise32'] });
  const s = mapOk(linuxMapper, line('Feb 24 00:12:14 precise32 su[4496]: pam_unix(su:session): session opened for user tsg by vagrant(uid=0)'));
  assert.deepEqual(at(s, 'event.category'), ['session']);
  assert.deepEqual(at(s, 'event.type'), ['start']);
  assert.deepEqual(at(s, 'user'), { name: 'vagrant', effective: { name: 'tsg' } });
});

test('linux: sshd received disconnect and sudo incorrect password attempts', () => {
  const d = mapOk(linuxMapper, line('Feb 22 10:26:52 precise32 sshd[1332]: Received disconnect from 10.0.2.2: 11: disconnected by user'));
  assert.equal(at(d, 'event.action'), 'ssh_disconnect');
  assert.deepEqual(at(d, 'event.type'), ['end']);
  assert.equal(at(d, 'source.ip'), '10.0.2.2');
  assert.equal(at(d, 'process.pid'), 1332);
  const s = mapOk(linuxMapper, line('Feb 24 00:12:42 precise32 sudo:      tsg : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls'));
  assert.equal(at(s, 'event.outcome'), 'failure');
  assert.equal(at(s, 'event.action'), 'sudo_denied');
  assert.deepEqual(at(s, 'system'), { auth: { sudo: { error: '3 incorrect password attempts', tty: 'pts/1', pwd: '/home/vagrant', user: 'root', command: '/bin/ls' } } });
  const f = mapOk(linuxMapper, line('Feb 24 00:12:20 precise32 sudo: pam_unix(sudo:auth): authentication failure; logname=vagrant uid=1001 euid=0 tty=/dev/pts/1 ruser=tsg rhost=  user=tsg'));
  assert.equal(at(f, 'event.outcome'), 'failure');
  assert.equal(at(f, 'user.name'), 'tsg');
});

test('linux: unrecognised auth text is kept, not categorised', () => {
  const e = mapOk(linuxMapper, line('Feb  9 21:19:40 precise32 sshd[8317]: subsystem request for sftp by user vagrant'));
  assert.equal(at(e, 'message'), 'subsystem request for sftp by user vagrant');
  assert.equal(at(e, 'event.category'), undefined);
});

test('linux: bad input is a specific failure', () => {
  expectFail(linuxMapper, { format: 'json', fields: { a: 1 } }, 'normalize.linux.unsupported_format');
  expectFail(linuxMapper, { format: 'syslog-rfc3164', fields: { app_name: 'sshd' } }, 'normalize.linux.missing_message');
  expectFail(linuxMapper, { format: 'syslog-rfc3164', fields: { message: 'x' } }, 'normalize.linux.missing_program');
  expectFail(linuxMapper, { format: 'syslog-rfc3164', fields: { message: 'x', app_name: 'sshd', timestamp: 'Feb 30' } }, 'normalize.linux.bad_timestamp');
  expectFail(linuxMapper, rawLine('type=USER_AUTH msg=audit(99999999999999:1): x=y'), 'normalize.linux.bad_timestamp');
  expectFail(linuxMapper, { format: 'syslog-rfc3164', fields: { message: 'type=USER_AUTH msg=audit(1:2)', app_name: 'auditd' } }, 'normalize.linux.bad_audit_record');
});

test('linux: hostile values never throw and long lines stay fast', () => {
  assertNeverThrows(linuxMapper, line('Feb 21 21:54:44 localhost sshd[3402]: Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2'));
  assertNeverThrows(linuxMapper, rawLine('type=USER_LOGIN msg=audit(1481077043.193:421): pid=1298 uid=0 auid=1000 ses=1 msg=\'op=login id=1000 exe="/usr/sbin/sshd" terminal=/dev/pts/0 res=success\''));
  assertFastOnLongInput(linuxMapper, line(`Feb 21 21:54:44 localhost sshd[3402]: Accepted publickey for ${'a'.repeat(200_000)} from 10.0.2.2 port`));
  assertFastOnLongInput(linuxMapper, rawLine(`type=EXECVE msg=audit(1581371984.206:579393): argc=1 ${'a0=x '.repeat(50_000)}`));
});
