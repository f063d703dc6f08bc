import type { Decoded } from '../../decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../types.js';
import { EventDoc, fail } from '../common/doc.js';
import { fromLocalStamp } from '../common/local-time.js';
import { fromEpochAuto, fromIsoWithZone, isoMillis } from '../common/time.js';
import { int, ip, isRecord, port, str, type Rec } from '../common/values.js';
import { copyOwn, lookupTable } from '../../event/own-props.js';

/**
 * The fallback for JSON, CEF, LEEF and key=value records no specific mapper claims. It keeps every
 * field (CEF/LEEF under a namespace named for the vendor; small flat JSON/kv under `labels`; anything
 * else under a namespace named for the source) and maps only the fields whose meaning is unambiguous.
 */

const SOURCE = 'generic';
const FORMATS = new Set(['json', 'cef', 'leef', 'kv']);
/** Flat records up to this many keys go to `labels`; bigger or nested ones get their own namespace. */
const MAX_LABELS = 32;

/** Candidate keys, compared case-insensitively, for each ECS field (first present wins). */
const CANDIDATES: readonly (readonly [string, readonly string[]])[] = [
  ['source.ip', ['src', 'src_ip', 'srcip', 'source_ip', 'sourceip', 'sourceaddress', 'client_ip', 'clientip', 'ip_src', 'srcaddr']],
  ['source.port', ['spt', 'src_port', 'srcport', 'source_port', 'sourceport', 'srcPort']],
  ['destination.ip', ['dst', 'dst_ip', 'dstip', 'dest_ip', 'destination_ip', 'destinationaddress', 'ip_dst', 'dstaddr']],
  ['destination.port', ['dpt', 'dst_port', 'dstport', 'dest_port', 'destination_port', 'destinationport', 'dstPort']],
  ['user.name', ['suser', 'usrname', 'user', 'username', 'user_name', 'account', 'accountname']],
  ['host.name', ['shost', 'dvchost', 'host', 'hostname', 'host_name', 'computer', 'computername', 'devname']],
  ['event.action', ['act', 'action', 'eventname', 'event_name']],
  ['event.outcome', ['outcome', 'result']],
];
const TIME_KEYS = ['@timestamp', 'timestamp', 'rt', 'devtime', 'eventtime', 'event_time', 'time', 'ts', 'date', 'datetime', 'start'];
/** CANDIDATES with each target split into its path and the keys lowercased, once. */
const CANDIDATE_PATHS: readonly (readonly [string, readonly string[], readonly string[]])[] = CANDIDATES.map(([target, keys]) => [target, target.split('.'), keys.map((k) => k.toLowerCase())]);
/** Every key mapCommon reads, lowercased: the only ones worth indexing. */
const WANTED_KEYS: ReadonlySet<string> = new Set([...CANDIDATE_PATHS.flatMap(([, , keys]) => keys), ...TIME_KEYS]);
const OUTCOMES: Readonly<Record<string, string>> = lookupTable({
  success: 'success', succeeded: 'success', ok: 'success', allow: 'success', allowed: 'success', accept: 'success', permitted: 'success',
  failure: 'failure', failed: 'failure', fail: 'failure', deny: 'failure', denied: 'failure', blocked: 'failure', reject: 'failure', rejected: 'failure',
});

/** CEF/LEEF severity words (ArcSight's), on the 0-10 scale of the numeric form. */
const SEVERITY_WORDS: Readonly<Record<string, number>> = lookupTable({ low: 2, medium: 5, high: 8, 'very-high': 10, unknown: 0 });

export function slug(s: string): string {
  const out = s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return out.length > 0 ? out.slice(0, 64) : 'unknown';
}

/** slug of vendor names and source ids, which repeat on every record of a source. Bounded. */
const slugs = new Map<string, string>();
function slugOf(s: string): string {
  let v = slugs.get(s);
  if (v === undefined) {
    v = slug(s);
    if (slugs.size >= 1024) slugs.clear();
    slugs.set(s, v);
  }
  return v;
}

/**
 * The values of the keys mapCommon reads, by lowercased key; of keys that differ only in case, the
 * first. Other keys are not indexed: a CEF extension has dozens, and mapCommon asks for a few.
 */
function wantedIndex(o: Rec): Map<string, unknown> {
  const m = new Map<string, unknown>();
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const lk = k.toLowerCase();
    if (WANTED_KEYS.has(lk) && !m.has(lk)) m.set(lk, o[k]);
  }
  return m;
}

function timeOf(v: unknown, zone: string): string | undefined {
  if (typeof v === 'number') return v > 1e11 ? isoMillis(v) : isoMillis(v * 1000);
  const s = str(v);
  if (s === undefined) return undefined;
  if (/^\d{9,19}$/.test(s)) return fromEpochAuto(s);
  return fromIsoWithZone(s) ?? fromLocalStamp(s.replace(/\//g, '-'), zone) ?? cefDate(s, zone);
}

const MONTHS = 'janfebmaraprmayjunjulaugsepoctnovdec';
/** CEF's `MMM dd yyyy HH:mm:ss` receipt time. */
function cefDate(s: string, zone: string): string | undefined {
  const m = /^([A-Za-z]{3}) (\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (m === null) return undefined;
  const mon = MONTHS.indexOf((m[1] as string).toLowerCase());
  if (mon < 0 || mon % 3 !== 0) return undefined;
  return fromLocalStamp(`${m[3]}-${String(mon / 3 + 1).padStart(2, '0')}-${(m[2] as string).padStart(2, '0')} ${m[4]}:${m[5]}:${m[6]}`, zone);
}

/** `fallbackTs`: the syslog header's time, used when the payload carries none of its own. */
function mapCommon(doc: EventDoc, fields: Rec, ctx: MapperContext, fallbackTs?: string): void {
  const idx = wantedIndex(fields);
  for (const [target, path, keys] of CANDIDATE_PATHS) {
    for (const k of keys) {
      const v = idx.get(k);
      if (v === undefined || v === null) continue;
      let value: unknown;
      if (target.endsWith('.ip')) value = ip(v);
      else if (target.endsWith('.port')) value = port(v);
      else if (target === 'event.outcome') {
        const s = str(v)?.toLowerCase();
        value = s !== undefined ? OUTCOMES[s] : undefined;
      } else value = str(v);
      if (value === undefined) continue;
      doc.put(path, value);
      if (target.endsWith('.ip')) doc.relate('ip', value as string);
      if (target === 'user.name') doc.relate('user', value as string);
      if (target === 'host.name') doc.relate('hosts', value as string);
      break;
    }
  }
  let ts: string | undefined;
  for (const k of TIME_KEYS) {
    const v = idx.get(k);
    if (v === undefined) continue;
    ts = timeOf(v, ctx.timezone);
    if (ts !== undefined) break;
  }
  ts ??= fallbackTs;
  doc.put(['@timestamp'], ts ?? ctx.receivedAt.toISOString());
  if (ts === undefined) doc.put(['event', 'created'], ctx.receivedAt.toISOString());
}

/**
 * The syslog header the decoders put beside a CEF, LEEF or key=value payload (`syslog`): kept under
 * `log.syslog`, and its time returned as the fallback event time.
 */
function syslogEnvelope(doc: EventDoc, f: Rec): string | undefined {
  const h = f.syslog;
  if (!isRecord(h)) return undefined;
  doc.put(['log', 'syslog', 'priority'], int(h.priority, 0, 191));
  doc.put(['log', 'syslog', 'facility', 'code'], int(h.facility, 0, 23));
  doc.put(['log', 'syslog', 'severity', 'code'], int(h.severity, 0, 7));
  doc.put(['log', 'syslog', 'hostname'], str(h.hostname));
  doc.put(['log', 'syslog', 'appname'], str(h.app_name));
  doc.put(['log', 'syslog', 'procid'], str(h.procid));
  doc.put(['log', 'syslog', 'msgid'], str(h.msgid));
  const ts = str(h.timestamp);
  return ts !== undefined ? fromIsoWithZone(ts) : undefined;
}

/**
 * The CEF header in one flat shape for the vendor namespace. Weft's CEF decoder writes `{version,
 * device: {vendor, product, version, event_class_id}, name, severity, extensions}` (Elastic's
 * decode_cef layout).
 */
function cefHeader(c: Rec): Rec | undefined {
  const dev = c.device;
  if (!isRecord(dev)) return undefined;
  return {
    version: c.version, device_vendor: dev.vendor, device_product: dev.product, device_version: dev.version,
    signature_id: dev.event_class_id, name: c.name, severity: c.severity,
  };
}

/**
 * `{ [name]: header, ...fields }`, built key by key: the decoders build `fields` one key at a time, so
 * V8 keeps it as a dictionary, and spreading one copies it through the slow path (about twice the time
 * of copyOwn on a Check Point CEF record). Same keys, same order, `__proto__` kept as an own key.
 */
function headed(name: string, header: Rec, fields: Rec): Rec {
  return copyOwn({ [name]: header }, fields);
}

function detect(d: Decoded): boolean {
  return FORMATS.has(d.format);
}

function map(d: Decoded, ctx: MapperContext): MapResult {
  if (!FORMATS.has(d.format)) return fail(SOURCE, 'unsupported_format', `generic mapper takes json, cef, leef or kv records, not ${d.format}`);
  const f = d.fields;
  const doc = new EventDoc();
  doc.put(['event', 'kind'], 'event');
  doc.put(['event', 'module'], 'generic');

  if (d.format === 'cef') {
    const raw = f.cef;
    if (!isRecord(raw)) return fail(SOURCE, 'missing_cef_header', 'CEF record has no "cef" header object');
    const h = cefHeader(raw);
    const vendor = str(h?.device_vendor);
    const product = str(h?.device_product);
    if (h === undefined || vendor === undefined || product === undefined) return fail(SOURCE, 'missing_cef_header', 'CEF header lacks device.vendor or device.product');
    const ext = isRecord(raw.extensions) ? raw.extensions : {};
    const ns = slugOf(vendor);
    doc.put(['observer', 'vendor'], vendor);
    doc.put(['observer', 'product'], product);
    doc.put(['observer', 'version'], str(h.device_version));
    doc.put(['event', 'code'], str(h.signature_id));
    doc.put(['message'], str(ext.msg) ?? str(h.name));
    doc.put(['event', 'reason'], str(h.name));
    const sev = str(h.severity);
    const num = int(sev, 0, 10);
    doc.put(['event', 'severity'], num ?? (sev !== undefined ? SEVERITY_WORDS[sev.toLowerCase()] : undefined));
    doc.put(['network', 'transport'], str(ext.proto)?.toLowerCase());
    doc.put(['destination', 'user', 'name'], str(ext.duser));
    doc.relate('user', str(ext.duser));
    doc.put(['url', 'original'], str(ext.request));
    doc.put(['http', 'request', 'method'], str(ext.requestMethod));
    doc.put(['file', 'hash', 'md5'], /^[0-9a-f]{32}$/i.test(str(ext.fileHash) ?? '') ? str(ext.fileHash) : undefined);
    doc.relate('hash', str(ext.fileHash));
    mapCommon(doc, ext, ctx, syslogEnvelope(doc, f));
    doc.merge([ns], headed('cef', h, ext));
    return doc.finish();
  }

  if (d.format === 'leef') {
    const h = f.leef;
    if (!isRecord(h)) return fail(SOURCE, 'missing_leef_header', 'LEEF record has no "leef" header object');
    const vendor = str(h.vendor);
    const product = str(h.product);
    if (vendor === undefined || product === undefined) return fail(SOURCE, 'missing_leef_header', 'LEEF header lacks vendor or product');
    // Weft's LEEF decoder nests the attributes in the header object.
    const attrs = isRecord(h.attributes) ? h.attributes : {};
    doc.put(['observer', 'vendor'], vendor);
    doc.put(['observer', 'product'], product);
    doc.put(['observer', 'version'], str(h.product_version));
    doc.put(['event', 'code'], str(h.event_id));
    doc.put(['event', 'severity'], int(attrs.sev, 0, 10));
    doc.put(['network', 'transport'], str(attrs.proto)?.toLowerCase());
    mapCommon(doc, attrs, ctx, syslogEnvelope(doc, f));
    const { attributes: _nested, ...header } = h;
    doc.merge([slugOf(vendor)], headed('leef', header, attrs));
    return doc.finish();
  }

  // JSON and kv: keep everything, then map what is unambiguous. The kv decoder nests the pairs under `kv`.
  let fields = f;
  let fallbackTs: string | undefined;
  if (d.format === 'kv') {
    if (!isRecord(f.kv)) return fail(SOURCE, 'missing_pairs', 'key=value record has no "kv" object');
    fields = f.kv;
    fallbackTs = syslogEnvelope(doc, f);
  }
  const keys = Object.keys(fields);
  if (keys.length === 0) return fail(SOURCE, 'empty_record', 'record has no fields');
  mapCommon(doc, fields, ctx, fallbackTs);
  const flat = keys.every((k) => fields[k] === null || typeof fields[k] !== 'object');
  if (flat && keys.length <= MAX_LABELS) {
    const labels: Rec = {};
    for (const k of keys) {
      const s = str(fields[k]);
      if (s !== undefined) labels[k.replace(/\./g, '_')] = s;
    }
    doc.merge(['labels'], labels);
  } else {
    doc.merge([slugOf(ctx.sourceId)], { ...fields });
  }
  return doc.finish();
}

export const genericMapper: Mapper = {
  sourceType: SOURCE,
  description: 'Fallback for JSON, CEF, LEEF and key=value records: keeps every field, maps the obvious ones',
  priority: 0,
  detect,
  map,
};
