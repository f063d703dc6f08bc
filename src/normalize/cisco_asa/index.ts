import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { EventDoc, fail } from '../common/doc.js';
import { fromIsoWithZone } from '../common/time.js';
import { ianaFromTransport, int, ip, port, str } from '../common/values.js';

/** Cisco ASA / FTD syslog (`%ASA-<level>-<id>: text`), connection, ACL and authentication messages. */

const SOURCE = 'cisco_asa';
const TAG = /^%(ASA|FTD|FWSM)-(?:[\w-]+-)?(\d)-(\d{6}):?\s*(.*)$/s;
const LEVELS = ['emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging'];
const ENDPOINT = '([^\\s:]+):([0-9a-fA-F:.]+)\\/(\\d+)';

const RX_305011 = new RegExp(`^Built (?:dynamic|static) (TCP|UDP|ICMP) translation from ${ENDPOINT} to ${ENDPOINT}`);
const RX_302013 = new RegExp(`^Built (inbound|outbound) (TCP|UDP) connection (\\d+) for ${ENDPOINT} \\(([0-9a-fA-F:.]+)\\/(\\d+)\\)(?:\\([^)]*\\))? to ${ENDPOINT} \\(([0-9a-fA-F:.]+)\\/(\\d+)\\)`);
const RX_302014 = new RegExp(`^Teardown (TCP|UDP) connection (\\d+) for ${ENDPOINT}(?:\\([^)]*\\))? to ${ENDPOINT}(?:\\([^)]*\\))? duration (\\d+):(\\d{2}):(\\d{2}) bytes (\\d+)(?: (.+))?$`);
const RX_106023 = /^Deny (tcp|udp|icmp|protocol \d+) src ([^\s:]+):([0-9a-fA-F:.]+)(?:\/(\d+))?(?:\([^)]*\))? dst ([^\s:]+):([0-9a-fA-F:.]+)(?:\/(\d+))?(?:\([^)]*\))?(?: \(type \d+, code \d+\))? by access-group "([^"]+)"/;
const RX_113004 = /^AAA user authentication Successful : server =\s+(\S+) : user = (\S+)/;
const RX_113005 = /^AAA user authentication Rejected : reason = (.+?) : server =\s+(\S+) : user = (\S+?)(?: : user IP = (\S+))?$/;
const RX_605 = /^Login (permitted|denied) from ([0-9a-fA-F:.]+)\/(\d+) to ([^\s:]+):([0-9a-fA-F:.]+)\/(\S+) for user "?([^"]+?)"?$/;
const RX_611 = /^User authentication (succeeded|failed): (?:IP address: ([0-9a-fA-F:.]+), )?Uname: (\S+)$/;

/** The `%ASA-...` text, whether the decoder left it in the message or took its tag as the program name. */
function asaText(d: Decoded): string | undefined {
  const msg = str(d.fields.message);
  if (msg !== undefined && msg.startsWith('%')) return TAG.test(msg) ? msg : undefined;
  // The syslog decoder lifts `%ASA-6-305011:` into `cisco` and leaves the text after it in message.
  const cisco = d.fields.cisco;
  if (cisco !== null && typeof cisco === 'object' && !Array.isArray(cisco)) {
    const c = cisco as Record<string, unknown>;
    const tag = `%${String(c.facility)}-${String(c.severity)}-${String(c.mnemonic)}: ${msg ?? ''}`;
    if (TAG.test(tag)) return tag;
  }
  const app = str(d.fields.app_name);
  if (app !== undefined && app.startsWith('%') && TAG.test(`${app}: ${msg ?? ''}`)) return `${app}: ${msg ?? ''}`;
  return undefined;
}

function detect(d: Decoded): boolean {
  return (d.format === 'syslog-rfc3164' || d.format === 'syslog-rfc5424') && asaText(d) !== undefined;
}

function endpoints(doc: EventDoc, src: [string, string | undefined, string | undefined], dst: [string, string | undefined, string | undefined]): void {
  const sip = ip(src[1]);
  const dip = ip(dst[1]);
  doc.put(['source', 'address'], src[1]);
  doc.put(['source', 'ip'], sip);
  doc.put(['source', 'port'], port(src[2]));
  doc.put(['destination', 'address'], dst[1]);
  doc.put(['destination', 'ip'], dip);
  doc.put(['destination', 'port'], port(dst[2]));
  doc.put(['cisco', 'asa', 'source_interface'], src[0]);
  doc.put(['cisco', 'asa', 'destination_interface'], dst[0]);
  doc.put(['observer', 'ingress', 'interface', 'name'], src[0]);
  doc.put(['observer', 'egress', 'interface', 'name'], dst[0]);
  doc.relate('ip', sip);
  doc.relate('ip', dip);
}

function transport(doc: EventDoc, proto: string): void {
  const t = proto.toLowerCase();
  doc.put(['network', 'transport'], t);
  doc.put(['network', 'iana_number'], ianaFromTransport(t));
}

function auth(doc: EventDoc, ok: boolean, user: string | undefined): void {
  doc.put(['event', 'category'], ['authentication']);
  doc.put(['event', 'type'], ['info']);
  doc.put(['event', 'outcome'], ok ? 'success' : 'failure');
  doc.put(['user', 'name'], user);
  doc.relate('user', user);
}

function map(d: Decoded, ctx: MapperContext): MapResult {
  const text = asaText(d);
  if (text === undefined) return fail(SOURCE, 'not_asa', 'message does not start with %ASA-<level>-<id>');
  const m = TAG.exec(text);
  if (m === null) return fail(SOURCE, 'not_asa', 'message does not start with %ASA-<level>-<id>');
  const header = str(d.fields.timestamp);
  const ts = header !== undefined ? fromIsoWithZone(header) : ctx.receivedAt.toISOString();
  if (ts === undefined) return fail(SOURCE, 'bad_timestamp', `syslog timestamp is not ISO 8601 with a zone: ${JSON.stringify(header?.slice(0, 64))}`);
  const level = Number(m[2]);
  const id = m[3] as string;
  const body = (m[4] as string).trim();

  const doc = new EventDoc();
  doc.put(['@timestamp'], ts);
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'module'], 'cisco_asa');
  doc.put(['event', 'dataset'], 'cisco_asa.log');
  doc.put(['event', 'code'], id);
  doc.put(['event', 'severity'], level);
  doc.put(['log', 'level'], LEVELS[level]);
  doc.put(['observer', 'product'], m[1] === 'FTD' ? 'ftd' : 'asa');
  doc.put(['observer', 'vendor'], 'Cisco');
  doc.put(['observer', 'type'], 'firewall');
  const host = str(d.fields.hostname);
  if (host !== undefined) {
    doc.put(['host', 'hostname'], host);
    doc.put(['observer', 'hostname'], host);
    doc.relate('hosts', host);
  }
  const app = str(d.fields.app_name);
  if (app !== undefined && !app.startsWith('%')) {
    doc.put(['process', 'name'], app);
    doc.put(['process', 'pid'], int(d.fields.procid, 0));
  }

  let r: RegExpExecArray | null;
  if ((r = RX_305011.exec(body)) !== null) {
    doc.put(['event', 'action'], 'firewall-rule');
    doc.put(['event', 'category'], ['network']);
    doc.put(['event', 'type'], ['info']);
    transport(doc, r[1] as string);
    endpoints(doc, [r[2] as string, r[3], r[4]], [r[5] as string, r[6], r[7]]);
  } else if ((r = RX_302013.exec(body)) !== null) {
    doc.put(['event', 'action'], 'firewall-rule');
    doc.put(['event', 'category'], ['network']);
    doc.put(['event', 'type'], ['info']);
    doc.put(['network', 'direction'], r[1]);
    transport(doc, r[2] as string);
    doc.put(['cisco', 'asa', 'connection_id'], r[3]);
    endpoints(doc, [r[4] as string, r[5], r[6]], [r[9] as string, r[10], r[11]]);
    doc.put(['cisco', 'asa', 'mapped_source_ip'], r[7]);
    doc.put(['cisco', 'asa', 'mapped_source_port'], port(r[8]));
    doc.put(['cisco', 'asa', 'mapped_destination_ip'], r[12]);
    doc.put(['cisco', 'asa', 'mapped_destination_port'], port(r[13]));
  } else if ((r = RX_302014.exec(body)) !== null) {
    doc.put(['event', 'action'], 'flow-expiration');
    doc.put(['event', 'category'], ['network']);
    doc.put(['event', 'type'], ['connection', 'end']);
    transport(doc, r[1] as string);
    doc.put(['cisco', 'asa', 'connection_id'], r[2]);
    endpoints(doc, [r[3] as string, r[4], r[5]], [r[6] as string, r[7], r[8]]);
    const secs = Number(r[9]) * 3600 + Number(r[10]) * 60 + Number(r[11]);
    doc.put(['event', 'duration'], secs * 1e9);
    doc.put(['event', 'end'], ts);
    doc.put(['event', 'start'], new Date(Date.parse(ts) - secs * 1000).toISOString());
    doc.put(['network', 'bytes'], int(r[12], 0));
    doc.put(['event', 'reason'], str(r[13]));
  } else if ((r = RX_106023.exec(body)) !== null) {
    doc.put(['event', 'action'], 'firewall-rule');
    doc.put(['event', 'category'], ['network']);
    doc.put(['event', 'type'], ['connection', 'denied']);
    doc.put(['event', 'outcome'], 'failure');
    const proto = r[1] as string;
    if (!proto.startsWith('protocol')) transport(doc, proto);
    endpoints(doc, [r[2] as string, r[3], r[4]], [r[5] as string, r[6], r[7]]);
    doc.put(['rule', 'name'], r[8]);
    doc.put(['cisco', 'asa', 'rule_name'], r[8]);
  } else if ((r = RX_113004.exec(body)) !== null) {
    doc.put(['event', 'action'], 'aaa-authentication');
    auth(doc, true, r[2]);
    doc.put(['destination', 'address'], r[1]);
    doc.put(['destination', 'ip'], ip(r[1]));
  } else if ((r = RX_113005.exec(body)) !== null) {
    doc.put(['event', 'action'], 'aaa-authentication');
    auth(doc, false, r[3] === '*****' ? undefined : r[3]);
    doc.put(['event', 'reason'], r[1]);
    doc.put(['destination', 'address'], r[2]);
    doc.put(['destination', 'ip'], ip(r[2]));
    doc.put(['source', 'ip'], ip(r[4]));
    doc.relate('ip', ip(r[4]));
  } else if ((r = RX_605.exec(body)) !== null) {
    doc.put(['event', 'action'], 'login');
    auth(doc, r[1] === 'permitted', r[7]);
    doc.put(['source', 'ip'], ip(r[2]));
    doc.put(['source', 'port'], port(r[3]));
    doc.put(['destination', 'ip'], ip(r[5]));
    doc.put(['network', 'protocol'], str(r[6])?.toLowerCase());
    doc.put(['observer', 'ingress', 'interface', 'name'], r[4]);
    doc.relate('ip', ip(r[2]));
  } else if ((r = RX_611.exec(body)) !== null) {
    doc.put(['event', 'action'], 'user-authentication');
    auth(doc, r[1] === 'succeeded', r[3]);
    doc.put(['source', 'ip'], ip(r[2]));
    doc.relate('ip', ip(r[2]));
  } else {
    doc.put(['message'], body);
  }
  return doc.finish();
}

export const ciscoAsaMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Cisco ASA/FTD syslog: connection build/teardown, ACL denies, AAA and login messages',
  priority: 75,
  detect,
  map,
};
