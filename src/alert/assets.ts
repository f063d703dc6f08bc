/**
 * The asset inventory: hosts, addresses, networks and users with a criticality (1 lab .. 5 tier-0)
 * and a network zone. Imported from CSV or YAML (`weft assets import FILE`); alert scoring looks
 * entities up in it.
 */
import { readFileSync } from 'node:fs';
import { splitCsv } from '../normalize/common/csv.js';
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { canonicalHostName, canonicalUserName } from '../enrich/entity-resolver.js';
import { cidrContains, parseCidr, type Cidr } from '../rules/sigma/ip.js';
import type { AssetRecord, AssetTypeRecord } from '../store/types.js';

export class AssetInventoryError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'AssetInventoryError';
  }
}

export interface InventoryFile {
  assets: AssetRecord[];
  types: AssetTypeRecord[];
}

const KINDS = new Set<AssetRecord['kind']>(['host', 'ip', 'cidr', 'user']);
const MAX_ASSETS = 1_000_000;

type Rec = Record<string, unknown>;

function normalizeValue(kind: AssetRecord['kind'], value: string): string {
  if (kind === 'host') return canonicalHostName(value);
  if (kind === 'user') return canonicalUserName(value);
  return value.trim().toLowerCase();
}

function assetId(kind: string, value: string): string {
  return createHash('sha256').update(`${kind}\u0000${value}`).digest('hex').slice(0, 32);
}

/** One row (CSV line or YAML item) to an asset; throws naming the bad field. */
function toAsset(row: Rec, types: Map<string, AssetTypeRecord>, file: string, line: number | undefined): AssetRecord {
  const bad = (m: string): never => { throw new AssetInventoryError(file, line, m); };
  const kind = String(row.kind ?? '').trim() as AssetRecord['kind'];
  if (!KINDS.has(kind)) bad(`kind must be one of host, ip, cidr, user; got '${String(row.kind ?? '')}'`);
  const raw = String(row.value ?? '').trim();
  if (raw === '') bad('value is empty');
  if (kind === 'ip' && isIP(raw) === 0) bad(`'${raw}' is not an IP address`);
  if (kind === 'cidr') {
    try {
      parseCidr(raw);
    } catch (err) {
      bad(`'${raw}' is not a CIDR network: ${(err as Error).message}`);
    }
  }
  const typeName = row.asset_type === undefined || row.asset_type === '' ? undefined : String(row.asset_type).trim();
  const type = typeName !== undefined ? types.get(typeName) : undefined;
  if (typeName !== undefined && type === undefined) bad(`unknown asset_type '${typeName}' (declare it under asset_types)`);
  let criticality = type?.defaultCriticality;
  if (row.criticality !== undefined && row.criticality !== '') {
    const n = Number(row.criticality);
    if (!Number.isInteger(n) || n < 1 || n > 5) bad(`criticality must be an integer 1..5, got '${String(row.criticality)}'`);
    criticality = n;
  }
  if (criticality === undefined) bad('criticality is missing (give it, or an asset_type with a default)');
  const tags = Array.isArray(row.tags) ? row.tags.map(String) : typeof row.tags === 'string' && row.tags !== '' ? row.tags.split(';').map((t) => t.trim()).filter(Boolean) : [];
  const value = normalizeValue(kind, raw);
  const zone = row.zone === undefined || row.zone === '' ? undefined : String(row.zone).trim().toLowerCase();
  const owner = row.owner === undefined || row.owner === '' ? undefined : String(row.owner);
  return {
    id: assetId(kind, value), kind, value, criticality: criticality as number, tags,
    ...(typeName !== undefined ? { assetType: typeName } : {}),
    ...(zone !== undefined ? { zone } : {}),
    ...(owner !== undefined ? { owner } : {}),
  };
}

/** One CSV line (RFC 4180 quotes), each field trimmed. */
function csvFields(line: string): string[] {
  return splitCsv(line).map((f) => f.trim());
}

/**
 * CSV: a header naming columns among kind, value, criticality, zone, asset_type, owner, tags
 * (tags `;`-separated). YAML: `{asset_types: [{name, default_criticality, description}], assets: [...]}`.
 */
export function parseInventory(text: string, file: string): InventoryFile {
  const types = new Map<string, AssetTypeRecord>();
  const assets: AssetRecord[] = [];
  if (/\.csv$/i.test(file)) {
    const lines = text.split(/\r?\n/);
    const header = csvFields(lines[0] ?? '').map((h) => h.toLowerCase());
    for (const need of ['kind', 'value']) if (!header.includes(need)) throw new AssetInventoryError(file, 1, `the header has no '${need}' column`);
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i] as string;
      if (l.trim() === '' || l.startsWith('#')) continue;
      const cells = csvFields(l);
      if (cells.length !== header.length) throw new AssetInventoryError(file, i + 1, `expected ${header.length} fields, found ${cells.length}`);
      assets.push(toAsset(Object.fromEntries(header.map((h, k) => [h, cells[k]])), types, file, i + 1));
      if (assets.length > MAX_ASSETS) throw new AssetInventoryError(file, i + 1, `more than ${MAX_ASSETS} assets`);
    }
    return { assets, types: [] };
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new AssetInventoryError(file, undefined, `not YAML: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new AssetInventoryError(file, undefined, 'expected a mapping with assets (and optional asset_types)');
  const d = doc as Rec;
  for (const k of Object.keys(d)) if (k !== 'assets' && k !== 'asset_types') throw new AssetInventoryError(file, undefined, `unknown key '${k}' (expected assets, asset_types)`);
  for (const [i, t] of (Array.isArray(d.asset_types) ? d.asset_types : []).entries()) {
    const r = (t ?? {}) as Rec;
    const n = Number(r.default_criticality);
    if (typeof r.name !== 'string' || r.name === '') throw new AssetInventoryError(file, undefined, `asset_types[${i}].name is missing`);
    if (!Number.isInteger(n) || n < 1 || n > 5) throw new AssetInventoryError(file, undefined, `asset_types[${i}].default_criticality must be an integer 1..5`);
    types.set(r.name, { name: r.name, defaultCriticality: n, ...(typeof r.description === 'string' ? { description: r.description } : {}) });
  }
  if (!Array.isArray(d.assets)) throw new AssetInventoryError(file, undefined, 'assets must be a list');
  for (const [i, a] of d.assets.entries()) {
    if (a === null || typeof a !== 'object') throw new AssetInventoryError(file, undefined, `assets[${i}] is not a mapping`);
    try {
      assets.push(toAsset(a as Rec, types, file, undefined));
    } catch (err) {
      if (err instanceof AssetInventoryError) throw new AssetInventoryError(file, undefined, `assets[${i}]: ${err.message.slice(file.length + 2)}`);
      throw err;
    }
  }
  return { assets, types: [...types.values()] };
}

export function loadInventory(file: string): InventoryFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AssetInventoryError(file, undefined, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseInventory(text, file);
}

/** Lookup of entities in the inventory: host and user by canonical name, ip exactly, then by network. */
export class AssetInventory {
  private readonly hosts = new Map<string, AssetRecord>();
  private readonly users = new Map<string, AssetRecord>();
  private readonly ips = new Map<string, AssetRecord>();
  private readonly nets: Array<{ cidr: Cidr; asset: AssetRecord }> = [];

  constructor(assets: readonly AssetRecord[] = []) {
    for (const a of assets) {
      if (a.kind === 'host') this.hosts.set(a.value, a);
      else if (a.kind === 'user') this.users.set(a.value, a);
      else if (a.kind === 'ip') this.ips.set(a.value, a);
      else {
        try {
          this.nets.push({ cidr: parseCidr(a.value), asset: a });
        } catch {
          // A bad network from an older import cannot match anything; import validates new ones.
        }
      }
    }
    // Most specific network first.
    this.nets.sort((x, y) => y.cidr.prefix - x.cidr.prefix);
  }

  get size(): number {
    return this.hosts.size + this.users.size + this.ips.size + this.nets.length;
  }

  host(name: string): AssetRecord | undefined {
    return this.hosts.get(canonicalHostName(name));
  }

  user(name: string): AssetRecord | undefined {
    return this.users.get(canonicalUserName(name));
  }

  ip(address: string): AssetRecord | undefined {
    const a = address.trim().toLowerCase();
    const exact = this.ips.get(a);
    if (exact) return exact;
    for (const n of this.nets) if (cidrContains(n.cidr, a)) return n.asset;
    return undefined;
  }
}
