/**
 * The two Windows mappers: evtx_dump JSON (`{"Event": {"System": .., "EventData": ..}}`) and
 * Winlogbeat / Elastic Agent JSON (`winlog.*` already split out). Both reduce the record to a
 * WinRecord and share one ECS mapping, so the same event normalizes the same either way.
 */
import type { Decoded } from '../../decode/types.js';
import type { EcsFields } from '../../event/model.js';
import type { MapResult, Mapper, MapperContext } from '../types.js';
import { windowsToEcs } from './ecs.js';
import { recordFromEvtx, recordFromWinlogbeat } from './record.js';
import { isRecord, putOwn, type Rec } from './values.js';

function original(fields: Record<string, unknown>): string | undefined {
  try {
    return JSON.stringify(fields);
  } catch {
    // Cycles or BigInt cannot come from a JSON decoder, but a programmatic caller could pass them.
    return undefined;
  }
}

/**
 * The shipper's document with Weft's mapping laid over it: what Weft derives wins, and whatever
 * the shipper already set (agent.*, or ECS fields Elastic Agent derived before dropping the
 * EventData they came from) stays.
 */
function overlay(base: Rec, top: Rec): Rec {
  const out: Rec = {};
  for (const [k, v] of Object.entries(base)) putOwn(out, k, v);
  for (const [k, v] of Object.entries(top)) {
    const under = out[k];
    putOwn(out, k, isRecord(under) && isRecord(v) ? overlay(under, v) : v);
  }
  return out;
}

/**
 * Decoded JSON cannot make the mapping throw, but a programmatic caller can hand over objects JSON
 * never produces (cycles, getters that throw, nesting deep enough to exhaust the stack).
 */
function guarded(run: () => MapResult): MapResult {
  try {
    return run();
  } catch (e) {
    return unmappable(e);
  }
}

function unmappable(e: unknown): MapResult {
  return { ok: false, reason: 'normalize.windows.unmappable', message: `record could not be mapped: ${(e as Error).message}` };
}

export const evtxJsonMapper: Mapper = {
  sourceType: 'windows',
  description: 'Windows event log records as evtx_dump JSON (Security, System, Sysmon, PowerShell, any channel)',
  priority: 80,
  detect(decoded: Decoded): boolean {
    if (decoded.format === 'evtx-json') return true;
    const ev = decoded.fields['Event'];
    return isRecord(ev) && isRecord(ev['System']);
  },
  map(decoded: Decoded, ctx: MapperContext): MapResult {
    try {
      return mapEvtx(decoded, ctx);
    } catch (e) {
      return unmappable(e);
    }
  },
};

function mapEvtx(decoded: Decoded, ctx: MapperContext | undefined): MapResult {
  const rec = recordFromEvtx(decoded.fields);
  if (!rec.ok) return rec;
  const raw = ctx?.original ?? original(decoded.fields);
  if (raw === undefined) return { ok: false, reason: 'normalize.windows.unserializable', message: 'record cannot be serialized as JSON for event.original' };
  return { ok: true, event: windowsToEcs(rec.record, raw) };
}

export const winlogbeatJsonMapper: Mapper = {
  sourceType: 'winlogbeat',
  description: 'Windows events shipped by Winlogbeat or Elastic Agent (winlog.* fields)',
  priority: 80,
  detect(decoded: Decoded): boolean {
    if (decoded.format === 'winlogbeat-json') return true;
    const w = decoded.fields['winlog'];
    return isRecord(w) && w['channel'] !== undefined && w['event_id'] !== undefined;
  },
  map(decoded: Decoded, _ctx: MapperContext): MapResult {
    return guarded(() => mapWinlogbeat(decoded));
  },
};

function mapWinlogbeat(decoded: Decoded): MapResult {
  const rec = recordFromWinlogbeat(decoded.fields);
  if (!rec.ok) return rec;
  const ev = decoded.fields['event'];
  const shipped = isRecord(ev) && typeof ev['original'] === 'string' ? ev['original'] : undefined;
  const raw = shipped ?? original(decoded.fields);
  if (raw === undefined) return { ok: false, reason: 'normalize.windows.unserializable', message: 'record cannot be serialized as JSON for event.original' };
  const host = decoded.fields['host'];
  const hostName = isRecord(host) && typeof host['name'] === 'string' && host['name'] !== '' ? host['name'] : undefined;
  const mapped = windowsToEcs(rec.record, raw, hostName === undefined ? {} : { hostName }) as Rec;
  return { ok: true, event: overlay(decoded.fields, mapped) as EcsFields };
}
