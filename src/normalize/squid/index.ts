import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { EventDoc, fail } from '../common/doc.js';
import { domainParts } from '../common/domain.js';
import { fromEpochSeconds } from '../common/time.js';
import { int, ip, str } from '../common/values.js';

/** Squid access.log in the native format (`logformat squid`), as Elastic's squid integration maps it. */

const SOURCE = 'squid';
const NATIVE = /^(\d{9,10}\.\d{3})\s+(-?\d+)\s+(\S+)\s+([A-Z_]+)\/(\d{3})\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+([A-Z_]+)\/(\S+)\s+(\S+)/;
const ABSOLUTE = /^([a-z][a-z0-9+.-]*):\/\/([^/:?#]+)(?::(\d+))?([^?#]*)(?:\?([^#]*))?/i;

function line(d: Decoded): string | undefined {
  const m = d.fields.message;
  return typeof m === 'string' ? m.trim() : undefined;
}

function detect(d: Decoded): boolean {
  const l = line(d);
  return l !== undefined && NATIVE.test(l);
}

function map(d: Decoded, _ctx: MapperContext): MapResult {
  const l = line(d);
  if (l === undefined) return fail(SOURCE, 'missing_message', 'record has no string "message"');
  const m = NATIVE.exec(l);
  if (m === null) return fail(SOURCE, 'bad_line', 'line is not in Squid native access.log format');
  const ts = fromEpochSeconds(Number(m[1]));
  if (ts === undefined) return fail(SOURCE, 'bad_timestamp', `time ${JSON.stringify(m[1])} is out of range`);
  const client = m[3] as string;
  const status = Number(m[5]);
  const url = m[8] as string;
  const user = str(m[9]);
  const peer = m[11] as string;

  const doc = new EventDoc();
  doc.put(['@timestamp'], ts);
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'module'], 'squid');
  doc.put(['event', 'dataset'], 'squid.log');
  doc.put(['event', 'category'], ['web']);
  doc.put(['event', 'type'], ['access']);
  const elapsed = int(m[2], 0);
  if (elapsed !== undefined) doc.put(['event', 'duration'], elapsed * 1e6);
  doc.put(['event', 'outcome'], status === 0 || status >= 400 ? 'failure' : 'success');
  doc.put(['observer', 'product'], 'Squid');
  doc.put(['observer', 'vendor'], 'Squid');
  doc.put(['observer', 'type'], 'proxy');
  doc.put(['source', 'address'], client);
  doc.put(['source', 'ip'], ip(client));
  doc.relate('ip', ip(client));
  doc.put(['source', 'user', 'name'], user);
  doc.put(['user', 'name'], user);
  doc.relate('user', user);
  doc.put(['http', 'request', 'method'], m[7]);
  if (status !== 0) doc.put(['http', 'response', 'status_code'], status);
  doc.put(['squid', 'result_code'], m[4]);
  doc.put(['squid', 'status_code'], status);
  doc.put(['squid', 'peer_status'], m[10]);
  doc.put(['squid', 'content_type'], str(m[12]));
  doc.put(['destination', 'bytes'], int(m[6], 0));

  doc.put(['url', 'original'], url);
  const abs = ABSOLUTE.exec(url);
  let host: string | undefined;
  if (abs !== null) {
    host = (abs[2] as string).toLowerCase();
    doc.put(['url', 'scheme'], (abs[1] as string).toLowerCase());
    doc.put(['url', 'domain'], host);
    if (abs[3] !== undefined) doc.put(['url', 'port'], int(abs[3], 0, 65535));
    const path = abs[4] !== undefined && abs[4].length > 0 ? abs[4] : '/';
    doc.put(['url', 'path'], path);
    if (abs[5] !== undefined && abs[5].length > 0) doc.put(['url', 'query'], abs[5]);
    const ext = /\.([A-Za-z0-9]+)$/.exec(path);
    if (ext !== null) doc.put(['url', 'extension'], (ext[1] as string).toLowerCase());
    const parts = domainParts(host);
    doc.put(['url', 'registered_domain'], parts.registered_domain);
    doc.put(['url', 'subdomain'], parts.subdomain);
    doc.put(['url', 'top_level_domain'], parts.top_level_domain);
    doc.relate('hosts', host);
  }
  const peerIp = ip(peer);
  if (peerIp !== undefined) {
    doc.put(['destination', 'address'], peerIp);
    doc.put(['destination', 'ip'], peerIp);
    doc.relate('ip', peerIp);
  } else if (host !== undefined) {
    doc.put(['destination', 'address'], host);
    doc.put(['destination', 'domain'], host);
  }
  return doc.finish();
}

export const squidMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Squid access.log, native format',
  priority: 65,
  detect,
  map,
};
