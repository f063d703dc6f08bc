import type { EventDoc } from '../common/doc.js';
import { ip, port, str } from '../common/values.js';

/**
 * Parsers for /var/log/auth.log and /var/log/secure message bodies (sshd, sudo, su, pam_unix,
 * useradd, groupadd, usermod). Field names follow Elastic's system.auth pipeline so existing rules
 * and dashboards keep working. Each returns true when it recognised the message.
 */

const SSH_AUTH = /^(Accepted|Failed) (\S+) for (invalid user )?(\S+) from (\S+) port (\d+) (\S+)(?:: (.+))?$/;
const SSH_INVALID = /^Invalid user (\S*) from (\S+)(?: port (\d+))?/;
const SSH_NO_IDENT = /^Did not receive identification string from (\S+)/;
const SSH_DISCONNECTED = /^Disconnected from (?:(?:invalid|authenticating) )?user (\S+) (\S+) port (\d+)/;
const SSH_CLOSED = /^Connection closed by (?:(?:invalid|authenticating) user (\S+) )?(\S+) port (\d+)/;
const SSH_RECEIVED_DISCONNECT = /^Received disconnect from (\S+?)(?: port (\d+))?: (.*)$/;
const PAM_SESSION = /^pam_unix\(([^:]+):session\): session (opened|closed) for user (\S+?)(?:\(uid=\d+\))?(?: by (\S*?)(?:\(uid=(\d+)\))?)?$/;
const PAM_AUTH_FAILURE = /^pam_unix\(([^:]+):auth\): authentication failure; (.*)$/;
const SUDO = /^\s*(\S+) : (?:(.+?) ; )?TTY=(\S+) ; PWD=(.+?) ; USER=(\S+) ; (?:GROUP=\S+ ; )?COMMAND=(.*)$/;
const SU_RESULT = /^(Successful|FAILED) su for (\S+) by (\S+)/;
const SU_DEBIAN = /^(FAILED SU )?\(to (\S+)\) (\S+) on (\S+)/;
const GROUPADD = /^new group: name=([^,]+), GID=(\d+)/;
const USERADD = /^new user: name=([^,]+), UID=(\d+), GID=(\d+), home=([^,]+), shell=([^,]+)/;
const USERMOD_GROUP = /^add '([^']+)' to (?:shadow )?group '([^']+)'/;
const KV_WORD = /(\w+)=(\S*)/g;

function authFields(doc: EventDoc, outcome: 'success' | 'failure', category: string[]): void {
  doc.put(['event', 'category'], category);
  doc.put(['event', 'outcome'], outcome);
  doc.put(['event', 'type'], [outcome === 'success' ? 'authentication_success' : 'authentication_failure', 'info']);
}

/** The remote end of an sshd message: the account when it names one, then the source address and port. */
function sshPeer(doc: EventDoc, user: string | undefined, addr: string | undefined, portText: string | undefined): void {
  if (user !== undefined) {
    doc.put(['user', 'name'], user);
    doc.relate('user', user);
  }
  const a = ip(addr);
  doc.put(['source', 'ip'], a);
  doc.put(['source', 'port'], port(portText));
  doc.relate('ip', a);
}

export function parseSshd(doc: EventDoc, msg: string): boolean {
  let m = SSH_AUTH.exec(msg);
  if (m !== null) {
    const ok = m[1] === 'Accepted';
    const user = m[4] as string;
    const addr = m[5] as string;
    doc.put(['event', 'action'], 'ssh_login');
    authFields(doc, ok ? 'success' : 'failure', ok ? ['authentication', 'session'] : ['authentication']);
    doc.put(['system', 'auth', 'ssh', 'event'], m[1]);
    doc.put(['system', 'auth', 'ssh', 'method'], m[2]);
    doc.put(['system', 'auth', 'ssh', 'signature'], m[8]);
    doc.put(['user', 'name'], user);
    doc.relate('user', user);
    doc.put(['source', 'ip'], ip(addr));
    if (ip(addr) === undefined) doc.put(['source', 'address'], addr);
    doc.put(['source', 'port'], port(m[6]));
    doc.relate('ip', ip(addr));
    return true;
  }
  m = SSH_INVALID.exec(msg);
  if (m !== null) {
    doc.put(['event', 'action'], 'ssh_login');
    authFields(doc, 'failure', ['authentication']);
    doc.put(['system', 'auth', 'ssh', 'event'], 'Invalid');
    sshPeer(doc, str(m[1]), m[2], m[3]);
    return true;
  }
  m = SSH_NO_IDENT.exec(msg);
  if (m !== null) {
    doc.put(['system', 'auth', 'ssh', 'dropped_ip'], m[1]);
    sshPeer(doc, undefined, m[1], undefined);
    return true;
  }
  m = SSH_DISCONNECTED.exec(msg) ?? SSH_CLOSED.exec(msg);
  if (m !== null) {
    doc.put(['event', 'action'], 'ssh_disconnect');
    doc.put(['event', 'category'], ['session']);
    doc.put(['event', 'type'], ['end']);
    sshPeer(doc, str(m[1]), m[2], m[3]);
    return true;
  }
  m = SSH_RECEIVED_DISCONNECT.exec(msg);
  if (m !== null) {
    doc.put(['event', 'action'], 'ssh_disconnect');
    doc.put(['event', 'category'], ['session']);
    doc.put(['event', 'type'], ['end']);
    sshPeer(doc, undefined, m[1], m[2]);
    return true;
  }
  return parsePam(doc, msg);
}

export function parsePam(doc: EventDoc, msg: string): boolean {
  let m = PAM_SESSION.exec(msg);
  if (m !== null) {
    const opened = m[2] === 'opened';
    const target = m[3] as string;
    const by = str(m[4]);
    doc.put(['event', 'action'], opened ? 'session_opened' : 'session_closed');
    doc.put(['event', 'category'], ['session']);
    doc.put(['event', 'type'], [opened ? 'start' : 'end']);
    doc.put(['event', 'outcome'], 'success');
    if (by !== undefined) {
      doc.put(['user', 'name'], by);
      doc.put(['user', 'effective', 'name'], target);
      doc.relate('user', by);
    } else {
      doc.put(['user', 'name'], target);
    }
    doc.relate('user', target);
    return true;
  }
  m = PAM_AUTH_FAILURE.exec(msg);
  if (m !== null) {
    const kv: Record<string, string> = {};
    for (const w of (m[2] as string).matchAll(KV_WORD)) kv[w[1] as string] = w[2] as string;
    const actor = str(kv.ruser) ?? str(kv.logname);
    const target = str(kv.user);
    doc.put(['event', 'action'], 'authentication_failure');
    authFields(doc, 'failure', ['authentication']);
    doc.put(['user', 'name'], actor ?? target);
    if (actor !== undefined && target !== undefined) doc.put(['user', 'effective', 'name'], target);
    doc.relate('user', actor);
    doc.relate('user', target);
    const rhost = str(kv.rhost);
    doc.put(['source', 'ip'], ip(rhost));
    if (rhost !== undefined && ip(rhost) === undefined) doc.put(['source', 'domain'], rhost);
    doc.relate('ip', ip(rhost));
    return true;
  }
  return false;
}

export function parseSudo(doc: EventDoc, msg: string): boolean {
  const m = SUDO.exec(msg);
  if (m === null) return parsePam(doc, msg);
  const user = m[1] as string;
  const error = str(m[2]);
  const runAs = m[5] as string;
  doc.put(['user', 'name'], user);
  doc.put(['user', 'effective', 'name'], runAs);
  doc.relate('user', user);
  doc.relate('user', runAs);
  doc.put(['system', 'auth', 'sudo', 'error'], error);
  doc.put(['system', 'auth', 'sudo', 'tty'], m[3]);
  doc.put(['system', 'auth', 'sudo', 'pwd'], m[4]);
  doc.put(['system', 'auth', 'sudo', 'user'], runAs);
  doc.put(['system', 'auth', 'sudo', 'command'], m[6]);
  if (error === undefined) {
    doc.put(['event', 'action'], 'sudo_command');
    doc.put(['event', 'category'], ['process']);
    doc.put(['event', 'type'], ['start']);
    doc.put(['event', 'outcome'], 'success');
    doc.put(['process', 'command_line'], m[6]);
  } else {
    doc.put(['event', 'action'], 'sudo_denied');
    doc.put(['event', 'category'], ['authentication']);
    doc.put(['event', 'type'], ['info']);
    doc.put(['event', 'outcome'], 'failure');
    doc.put(['event', 'reason'], error);
  }
  return true;
}

export function parseSu(doc: EventDoc, msg: string): boolean {
  let m = SU_RESULT.exec(msg);
  if (m !== null) {
    const ok = m[1] === 'Successful';
    doc.put(['event', 'action'], 'su');
    doc.put(['event', 'category'], ['authentication']);
    doc.put(['event', 'type'], [ok ? 'start' : 'info']);
    doc.put(['event', 'outcome'], ok ? 'success' : 'failure');
    doc.put(['user', 'name'], m[3]);
    doc.put(['user', 'effective', 'name'], m[2]);
    doc.relate('user', m[3]);
    doc.relate('user', m[2]);
    return true;
  }
  m = SU_DEBIAN.exec(msg);
  if (m !== null) {
    const ok = m[1] === undefined;
    doc.put(['event', 'action'], 'su');
    doc.put(['event', 'category'], ['authentication']);
    doc.put(['event', 'type'], [ok ? 'start' : 'info']);
    doc.put(['event', 'outcome'], ok ? 'success' : 'failure');
    doc.put(['user', 'name'], m[3]);
    doc.put(['user', 'effective', 'name'], m[2]);
    doc.put(['process', 'tty', 'name'], m[4]);
    doc.relate('user', m[3]);
    doc.relate('user', m[2]);
    return true;
  }
  return parsePam(doc, msg);
}

export function parseAccountTools(doc: EventDoc, program: string, msg: string): boolean {
  if (program === 'groupadd') {
    const m = GROUPADD.exec(msg);
    if (m === null) return false;
    doc.put(['event', 'category'], ['iam']);
    doc.put(['event', 'type'], ['group', 'creation']);
    doc.put(['event', 'outcome'], 'success');
    doc.put(['group', 'name'], m[1]);
    doc.put(['group', 'id'], m[2]);
    return true;
  }
  if (program === 'useradd') {
    const m = USERADD.exec(msg);
    if (m === null) return false;
    doc.put(['event', 'category'], ['iam']);
    doc.put(['event', 'type'], ['user', 'creation']);
    doc.put(['event', 'outcome'], 'success');
    doc.put(['user', 'name'], m[1]);
    doc.put(['user', 'id'], m[2]);
    doc.put(['group', 'id'], m[3]);
    doc.put(['system', 'auth', 'useradd', 'home'], m[4]);
    doc.put(['system', 'auth', 'useradd', 'shell'], m[5]);
    doc.relate('user', m[1]);
    return true;
  }
  if (program === 'usermod') {
    const m = USERMOD_GROUP.exec(msg);
    if (m === null) return false;
    doc.put(['event', 'action'], 'group-member-added');
    doc.put(['event', 'category'], ['iam']);
    doc.put(['event', 'type'], ['user', 'change']);
    doc.put(['event', 'outcome'], 'success');
    doc.put(['group', 'name'], m[2]);
    doc.put(['user', 'name'], m[1]);
    doc.put(['user', 'target', 'name'], m[1]);
    doc.put(['message'], msg);
    doc.relate('user', m[1]);
    return true;
  }
  return false;
}
