import type { EventDoc } from '../common/doc.js';
import { fromEpochSeconds } from '../common/time.js';
import { int, ip, type Rec } from '../common/values.js';
import { lookupTable } from '../../event/own-props.js';

/**
 * One auditd record (`[node=N ]type=T msg=audit(SECONDS:SERIAL): k=v ... msg='k=v ...'`) to ECS, with
 * the field choices of Elastic's auditd integration for the user-space records Weft correlates on
 * (logins, authentication, account management, commands).
 */

export const AUDIT_LINE = /^(?:node=(\S+) )?type=([A-Z0-9_[\]]+) msg=audit\((\d+(?:\.\d+)?):(\d+)\):\s*(.*)$/s;
const TOKEN = /([\w-]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
const HEX = /^(?:[0-9A-F]{2})+$/;

interface Kind { action: string; category: string[]; type: string[] }

const KINDS: Readonly<Record<string, Kind>> = lookupTable({
  USER_CMD: { action: 'ran-command', category: ['process'], type: ['start'] },
  USER_AUTH: { action: 'authenticated', category: ['authentication'], type: ['info'] },
  USER_ACCT: { action: 'was-authorized', category: ['authentication'], type: ['info'] },
  USER_LOGIN: { action: 'logged-in', category: ['authentication'], type: ['start'] },
  USER_LOGOUT: { action: 'logged-out', category: ['authentication'], type: ['end'] },
  USER_START: { action: 'started-session', category: ['session'], type: ['start'] },
  USER_END: { action: 'ended-session', category: ['session'], type: ['end'] },
  CRED_ACQ: { action: 'acquired-credentials', category: ['authentication'], type: ['info'] },
  CRED_DISP: { action: 'disposed-credentials', category: ['authentication'], type: ['info'] },
  USER_CHAUTHTOK: { action: 'changed-password', category: ['iam'], type: ['user', 'change'] },
  ADD_USER: { action: 'added-user-account', category: ['iam'], type: ['user', 'creation'] },
  DEL_USER: { action: 'deleted-user-account', category: ['iam'], type: ['user', 'deletion'] },
  USER_MGMT: { action: 'modified-user-account', category: ['iam'], type: ['user', 'change'] },
  ADD_GROUP: { action: 'added-group-account-to', category: ['iam'], type: ['group', 'creation'] },
  DEL_GROUP: { action: 'deleted-group-account-from', category: ['iam'], type: ['group', 'deletion'] },
  GRP_MGMT: { action: 'modified-group-account', category: ['iam'], type: ['group', 'change'] },
  SERVICE_START: { action: 'started-service', category: ['process'], type: ['start'] },
  SERVICE_STOP: { action: 'stopped-service', category: ['process'], type: ['stop'] },
  SYSTEM_BOOT: { action: 'booted-system', category: ['host'], type: ['info'] },
  SYSTEM_SHUTDOWN: { action: 'shutdown-system', category: ['host'], type: ['info'] },
});

const ACCT_TYPES = new Set(['USER_AUTH', 'USER_ACCT', 'CRED_ACQ', 'CRED_DISP', 'USER_START', 'USER_END', 'USER_CHAUTHTOK', 'USER_ERR']);
const LOGIN_TYPES = new Set(['USER_LOGIN', 'USER_LOGOUT']);
const ACCOUNT_MGMT = new Set(['ADD_USER', 'DEL_USER', 'USER_MGMT']);
const GROUP_MGMT = new Set(['ADD_GROUP', 'DEL_GROUP']);
// Values auditd hex-encodes when they contain spaces or non-printables.
const ENCODED = new Set(['cmd', 'exe', 'comm', 'acct', 'proctitle', 'cwd', 'name', 'data']);

function unquote(v: string): { value: string; quoted: boolean } {
  if (v.length >= 2 && ((v[0] === '"' && v.endsWith('"')) || (v[0] === "'" && v.endsWith("'")))) {
    return { value: v.slice(1, -1), quoted: true };
  }
  return { value: v, quoted: false };
}

function decodeHex(v: string): string {
  return Buffer.from(v, 'hex').toString('utf8');
}

/** Key/values of a record body; the nested msg='...' of user-space records is merged in. */
export function auditKv(body: string): Rec {
  const out: Rec = {};
  for (const m of body.matchAll(TOKEN)) {
    const key = m[1] as string;
    const { value, quoted } = unquote(m[2] as string);
    if (key === 'msg' && quoted && m[2]?.startsWith("'")) {
      Object.assign(out, auditKv(value));
      continue;
    }
    out[key] = !quoted && ENCODED.has(key) && HEX.test(value) ? decodeHex(value) : value;
  }
  return out;
}

function present(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v !== '?' && v !== '(none)' && v !== '(null)' ? v : undefined;
}

export function mapAuditLine(doc: EventDoc, line: string): 'ok' | 'not-audit' | 'bad-time' {
  const m = AUDIT_LINE.exec(line);
  if (m === null) return 'not-audit';
  const ts = fromEpochSeconds(Number(m[3]));
  if (ts === undefined) return 'bad-time';
  const type = m[2] as string;
  const kv = auditKv(m[5] as string);
  doc.put(['@timestamp'], ts);
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'dataset'], 'auditd.log');
  doc.put(['auditd', 'log', 'sequence'], int(m[4]));
  if (m[1] !== undefined) doc.put(['host', 'name'], m[1]);

  if (type === 'EXECVE') {
    doc.put(['event', 'action'], 'execve');
    doc.put(['event', 'category'], ['process']);
    doc.put(['event', 'type'], ['start']);
    const argc = int(kv.argc, 0, 100000) ?? 0;
    const args: string[] = [];
    for (let i = 0; i < argc; i++) {
      const a = kv[`a${i}`];
      if (typeof a !== 'string') break;
      args.push(HEX.test(a) && a.length > 2 ? decodeHex(a) : a);
    }
    if (args.length > 0) {
      doc.put(['process', 'args'], args);
      doc.put(['process', 'args_count'], args.length);
      doc.put(['process', 'executable'], args[0]);
      doc.put(['process', 'command_line'], args.join(' '));
    }
    return 'ok';
  }

  const kind = KINDS[type];
  doc.put(['auditd', 'log', 'record_type'], type);
  doc.put(['event', 'action'], kind?.action ?? type.toLowerCase());
  if (kind !== undefined) {
    doc.put(['event', 'category'], kind.category);
    doc.put(['event', 'type'], kind.type);
  }
  const res = present(kv.res);
  if (res !== undefined) doc.put(['event', 'outcome'], res === 'success' || res === '1' ? 'success' : 'failure');

  doc.put(['auditd', 'log', 'ses'], present(kv.ses));
  doc.put(['auditd', 'log', 'op'], present(kv.op));
  doc.put(['auditd', 'log', 'subj'], present(kv.subj));
  doc.put(['process', 'pid'], int(kv.pid, 0));
  doc.put(['process', 'executable'], present(kv.exe));
  doc.put(['process', 'name'], present(kv.comm));
  const auid = present(kv.auid);
  const uid = present(kv.uid);
  const id = present(kv.id);
  const acct = present(kv.acct);
  doc.put(['user', 'audit', 'id'], auid);
  doc.put(['user', 'terminal'], present(kv.terminal));

  if (ACCT_TYPES.has(type) && acct !== undefined) {
    doc.put(['auditd', 'log', 'uid'], uid);
    doc.put(['user', 'id'], auid);
    doc.put(['user', 'name'], acct);
    doc.put(['user', 'effective', 'name'], acct);
    doc.relate('user', acct);
  } else if (LOGIN_TYPES.has(type)) {
    doc.put(['auditd', 'log', 'uid'], uid);
    doc.put(['auditd', 'log', 'id'], id);
    doc.put(['user', 'id'], auid);
    doc.put(['user', 'effective', 'id'], id);
    if (acct !== undefined) {
      doc.put(['user', 'name'], acct);
      doc.relate('user', acct);
    }
  } else if (ACCOUNT_MGMT.has(type) || GROUP_MGMT.has(type)) {
    doc.put(['auditd', 'log', 'uid'], uid);
    doc.put(['auditd', 'log', 'id'], id);
    doc.put(['user', 'id'], auid);
    doc.put(['user', 'effective', 'id'], uid);
    if (ACCOUNT_MGMT.has(type)) {
      doc.put(['user', 'target', 'id'], id);
      doc.put(['user', 'target', 'name'], acct);
      doc.relate('user', acct);
    } else {
      doc.put(['group', 'id'], id);
      doc.put(['group', 'name'], acct);
    }
  } else {
    doc.put(['user', 'id'], uid);
  }

  const host = present(kv.hostname);
  doc.put(['auditd', 'log', 'hostname'], host);
  const addr = present(kv.addr);
  if (addr !== undefined && ip(addr) !== undefined) {
    doc.put(['source', 'address'], addr);
    doc.put(['source', 'ip'], addr);
    doc.relate('ip', addr);
  }

  if (type === 'USER_CMD') {
    const cmd = present(kv.cmd);
    if (cmd !== undefined) {
      const args = cmd.split(/\s+/).filter((a) => a.length > 0);
      doc.put(['process', 'args'], args);
      doc.put(['process', 'args_count'], args.length);
      doc.put(['process', 'command_line'], cmd);
    }
    doc.put(['process', 'working_directory'], present(kv.cwd));
  }
  return 'ok';
}
