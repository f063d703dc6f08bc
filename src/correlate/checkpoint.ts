/**
 * The snapshot format: `WEFTCORR`, a format version (u16), then two length-prefixed (u32) UTF-8 JSON
 * parts: the engine's state (with Maps and infinities tagged) and the buffered events (plain JSON, so
 * that no event content is ever mistaken for a tag).
 */
import { CheckpointError } from './errors.js';
import type { SourceClockState } from './source-clocks.js';

export const CHECKPOINT_VERSION = 1;
const MAGIC = 'WEFTCORR';
const MAP_TAG = '\u0000map';
const NUM_TAG = '\u0000num';

export interface CheckpointBody {
  /** Digest of the rule definitions the state belongs to. */
  rules: string;
  /**
   * Each correlation's own digest and title, in engine order (state keys start with that order's
   * index), so state can be carried over to a rule set that kept some of them. Absent in snapshots
   * written before it existed: those restore only into the identical rule set.
   */
  defs?: Array<[string, string]>;
  position: number | null;
  maxSeen: number;
  /** Each source's clock and the watermark (absent before sources had clocks: see SourceClocks.restore). */
  clocks?: SourceClockState;
  flushed: boolean;
  seq: number;
  counters: { processed: number; late: number; invalid: number; evictions: number; alerts: number; fanoutTruncated: number };
  missingGroupBy: number[];
  missingValue: number[];
  states: Array<[string, unknown]>;
  timers: Array<[number, string]>;
}

function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Map) return { [MAP_TAG]: [...v] };
  if (typeof v === 'number' && !Number.isFinite(v)) return { [NUM_TAG]: String(v) };
  return v;
}

function reviver(_k: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (MAP_TAG in o) return new Map(o[MAP_TAG] as Array<[unknown, unknown]>);
    if (NUM_TAG in o) return Number(o[NUM_TAG]);
  }
  return v;
}

export function encodeCheckpoint(body: CheckpointBody, buffered: unknown[]): Uint8Array {
  const enc = new TextEncoder();
  return frameParts(MAGIC, CHECKPOINT_VERSION, [enc.encode(JSON.stringify(body, replacer)), enc.encode(JSON.stringify(buffered))]);
}

/** Decode and check a snapshot's framing and shape; whether its rules fit is the engine's decision. */
export function decodeCheckpoint(bytes: Uint8Array): { body: CheckpointBody; buffered: unknown[] } {
  if (!(bytes instanceof Uint8Array)) throw new CheckpointError('snapshot is not a byte array');
  const [state, events] = unframeParts(bytes, MAGIC, CHECKPOINT_VERSION, { what: 'snapshot', foreign: 'a Weft correlation snapshot', parts: ['state', 'event'] }) as [Uint8Array, Uint8Array];
  const dec = new TextDecoder('utf-8', { fatal: true });
  let body: unknown;
  let buffered: unknown;
  try {
    body = JSON.parse(dec.decode(state), reviver);
    buffered = JSON.parse(dec.decode(events));
  } catch (e) {
    throw new CheckpointError(`snapshot payload is damaged: ${(e as Error).message}`);
  }
  if (!isBody(body)) throw new CheckpointError('snapshot state part does not have the expected fields');
  if (!Array.isArray(buffered)) throw new CheckpointError('snapshot event part is not a list');
  return { body, buffered };
}

/**
 * `magic`, a format version (u16), then each part length-prefixed (u32): the framing of the engine's
 * snapshot, and of what one ingest run carries to the next (hunt/correlation-carry.ts).
 */
export function frameParts(magic: string, version: number, parts: readonly Uint8Array[]): Uint8Array {
  const head = new TextEncoder().encode(magic);
  let size = head.length + 2;
  for (const p of parts) size += 4 + p.length;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set(head, 0);
  dv.setUint16(head.length, version);
  let o = head.length + 2;
  for (const p of parts) {
    dv.setUint32(o, p.length);
    out.set(p, o + 4);
    o += 4 + p.length;
  }
  return out;
}

/**
 * The parts frameParts wrote, as views into `bytes`. Throws CheckpointError naming what is wrong:
 * another magic (`foreign`: what the bytes are not), another version, a part cut short, bytes after
 * the last one. `what` names the whole in the messages, `parts` each part.
 */
export function unframeParts(bytes: Uint8Array, magic: string, version: number, o: { what: string; foreign: string; parts: readonly string[] }): Uint8Array[] {
  let at = magic.length + 2;
  if (bytes.length < at + 4 || new TextDecoder().decode(bytes.subarray(0, magic.length)) !== magic) {
    throw new CheckpointError(`not ${o.foreign} (bad magic)`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = dv.getUint16(magic.length);
  if (found !== version) throw new CheckpointError(`${o.what} format version ${found} is not supported (expected ${version})`);
  const out: Uint8Array[] = [];
  o.parts.forEach((name, i) => {
    if (at + 4 > bytes.length) throw new CheckpointError(`${o.what} is truncated (${name} part)`);
    const len = dv.getUint32(at);
    at += 4;
    if (i === o.parts.length - 1) {
      if (at + len !== bytes.length) throw new CheckpointError(`${o.what} is truncated or has trailing bytes (${name} part: ${len} bytes declared, ${bytes.length - at} present)`);
    } else if (at + len + 4 > bytes.length) {
      throw new CheckpointError(`${o.what} is truncated (${name} part)`);
    }
    out.push(bytes.subarray(at, at + len));
    at += len;
  });
  return out;
}

function isBody(v: unknown): v is CheckpointBody {
  if (v === null || typeof v !== 'object') return false;
  const b = v as Record<string, unknown>;
  return (
    typeof b['rules'] === 'string' &&
    (b['position'] === null || typeof b['position'] === 'number') &&
    typeof b['maxSeen'] === 'number' &&
    (b['clocks'] === undefined || isClockState(b['clocks'])) &&
    typeof b['flushed'] === 'boolean' &&
    typeof b['seq'] === 'number' &&
    b['counters'] !== null && typeof b['counters'] === 'object' &&
    Array.isArray(b['missingGroupBy']) &&
    Array.isArray(b['missingValue']) &&
    Array.isArray(b['states']) &&
    (b['states'] as unknown[]).every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && e[1] !== null && typeof e[1] === 'object') &&
    (b['defs'] === undefined || (Array.isArray(b['defs']) && (b['defs'] as unknown[]).every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string'))) &&
    Array.isArray(b['timers']) &&
    (b['timers'] as unknown[]).every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'number' && typeof e[1] === 'string')
  );
}

function isClockState(v: unknown): v is SourceClockState {
  if (v === null || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return typeof c['maxArrived'] === 'number' && typeof c['floor'] === 'number' && Array.isArray(c['clocks']) &&
    (c['clocks'] as unknown[]).every((e) => Array.isArray(e) && e.length === 3 && typeof e[0] === 'string' && typeof e[1] === 'number' && typeof e[2] === 'number');
}
