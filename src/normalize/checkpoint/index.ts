import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { EventDoc, fail } from '../common/doc.js';
import { fromEpochSeconds, fromIsoWithZone } from '../common/time.js';
import { int, ip, isRecord, port, str, type Rec } from '../common/values.js';
import { copyOwn, putOwn } from '../../event/own-props.js';

/**
 * Check Point firewall logs as the Log Exporter sends them over syslog: RFC 5424 header, then
 * `[key:"value"; key:"value"; ...]`. Field choices follow Elastic's checkpoint.firewall pipeline.
 */

const SOURCE = 'checkpoint';
const PAIR = /([\w.-]+):+"((?:[^"\\]|\\.)*)"/g;
const CONSUMED = new Set([
  'action', 'flags', 'ifdir', 'ifname', 'loguid', 'origin', 'sequencenum', 'version', 'product', 'originsicname', '__policy_id_tag',
  'src', 'dst', 's_port', 'service', 'service_id', 'proto', 'inzone', 'outzone', 'layer_name', 'layer_uuid', 'rule_uid', 'rule_name',
  'xlatesrc', 'xlatedst', 'xlatesport', 'xlatedport', 'time', 'update_service', 'src_user_name', 'dst_user_name', 'user',
]);
const ACCEPT = new Set(['Accept', 'Allow', 'Decrypt', 'Inform', 'Ask']);
const DENY = new Set(['Drop', 'Reject', 'Block', 'Prevent', 'Deny']);

/**
 * The `[key:"value"; ...]` block. It is not RFC 5424 structured data, so the syslog decoders leave it
 * in `message` (RFC 5424 from the SD position on; RFC 3164 after the tag).
 */
function body(f: Rec): string | undefined {
  const v = f.message;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t.startsWith('[') && t.includes(':"') ? t : undefined;
}

function detect(d: Decoded): boolean {
  if (d.format !== 'syslog-rfc5424' && d.format !== 'syslog-rfc3164') return false;
  const b = body(d.fields);
  return b !== undefined && (d.fields.app_name === 'CheckPoint' || (b.includes('loguid:') && b.includes('origin:')));
}

function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(PAIR)) {
    const k = m[1] as string;
    // Own keys only: `in` would find constructor, toString... on every object and drop those fields.
    if (!Object.hasOwn(out, k)) putOwn(out, k, (m[2] as string).replace(/\\(.)/g, '$1'));
  }
  return out;
}

function map(d: Decoded, ctx: MapperContext): MapResult {
  const b = body(d.fields);
  if (b === undefined) return fail(SOURCE, 'missing_fields', 'message has no [key:"value"; ...] block');
  const kv = parsePairs(b);
  if (Object.keys(kv).length === 0) return fail(SOURCE, 'missing_fields', 'the [key:"value"; ...] block holds no pairs');
  const header = str(d.fields.timestamp);
  const epoch = int(kv.time, 0);
  const ts = epoch !== undefined ? fromEpochSeconds(epoch) : header !== undefined ? fromIsoWithZone(header) : ctx.receivedAt.toISOString();
  if (ts === undefined) return fail(SOURCE, 'bad_timestamp', 'neither the syslog header nor "time" is a valid time');

  const doc = new EventDoc();
  doc.put(['@timestamp'], ts);
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'module'], 'checkpoint');
  doc.put(['event', 'dataset'], 'checkpoint.firewall');
  doc.put(['event', 'category'], ['network']);
  doc.put(['event', 'id'], kv.loguid);
  doc.put(['event', 'sequence'], int(kv.sequencenum, 0));
  const action = kv.action;
  if (action !== undefined) {
    doc.put(['event', 'action'], action);
    if (ACCEPT.has(action)) {
      doc.put(['event', 'type'], ['allowed', 'connection']);
      doc.put(['event', 'outcome'], 'success');
    } else if (DENY.has(action)) {
      doc.put(['event', 'type'], ['denied', 'connection']);
      doc.put(['event', 'outcome'], 'failure');
    }
  }
  doc.put(['observer', 'name'], kv.origin);
  doc.put(['observer', 'product'], kv.product);
  doc.put(['observer', 'vendor'], 'Checkpoint');
  doc.put(['observer', 'type'], 'firewall');
  const dir = kv.ifdir;
  doc.put(['network', 'direction'], dir);
  if (kv.ifname !== undefined) doc.put(['observer', dir === 'outbound' ? 'egress' : 'ingress', 'interface', 'name'], kv.ifname);
  doc.put(['observer', 'ingress', 'zone'], kv.inzone);
  doc.put(['observer', 'egress', 'zone'], kv.outzone);
  doc.put(['network', 'name'], kv.layer_name);
  doc.put(['network', 'application'], kv.service_id);
  doc.put(['network', 'iana_number'], kv.proto);
  doc.put(['rule', 'uuid'], kv.rule_uid);
  doc.put(['rule', 'name'], kv.rule_name);

  const src = ip(kv.src);
  const dst = ip(kv.dst);
  const sport = port(kv.s_port);
  const dport = port(kv.service);
  for (const side of ['source', 'client'] as const) {
    doc.put([side, 'ip'], src);
    doc.put([side, 'port'], sport);
  }
  for (const side of ['destination', 'server'] as const) {
    doc.put([side, 'ip'], dst);
    doc.put([side, 'port'], dport);
  }
  const nsip = ip(kv.xlatesrc);
  const nsport = port(kv.xlatesport);
  const ndip = ip(kv.xlatedst);
  const ndport = port(kv.xlatedport);
  for (const side of ['source', 'client'] as const) {
    if (nsip !== undefined && nsip !== '0.0.0.0') doc.put([side, 'nat', 'ip'], nsip);
    if (nsport !== undefined && nsport !== 0) doc.put([side, 'nat', 'port'], nsport);
  }
  for (const side of ['destination', 'server'] as const) {
    if (ndip !== undefined && ndip !== '0.0.0.0') doc.put([side, 'nat', 'ip'], ndip);
    if (ndport !== undefined && ndport !== 0) doc.put([side, 'nat', 'port'], ndport);
  }
  doc.relate('ip', src);
  doc.relate('ip', dst);
  const user = kv.src_user_name ?? kv.user;
  doc.put(['user', 'name'], user);
  doc.put(['source', 'user', 'name'], user);
  doc.relate('user', user);
  doc.put(['destination', 'user', 'name'], kv.dst_user_name);

  doc.merge(['checkpoint'], copyOwn({}, kv, vendorValue));
  if (isRecord(d.fields.syslog)) doc.put(['log', 'syslog', 'priority'], int(d.fields.syslog.priority, 0));
  return doc.finish();
}

/** checkpoint.*: every non-empty field no ECS field took. */
function vendorValue(v: unknown, k: string): unknown {
  return !CONSUMED.has(k) && (v as string).length > 0 ? v : undefined;
}

export const checkpointMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Check Point Log Exporter syslog ([key:"value"; ...] records)',
  priority: 75,
  detect,
  map,
};
