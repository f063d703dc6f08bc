/**
 * The rule literals an event holds, value by value, with the answer kept per distinct value.
 *
 * Field values repeat across events far more than events do (image paths, channels, providers,
 * descriptions, user and host names), so each distinct string value is lowercased and scanned once
 * and the ids of the literals it contains are kept; an event costs one map lookup per value, plus a
 * scan of the values not seen recently (ids, times, new command lines). The cache is two bounded
 * generations (a full young one becomes the old one, the old one is dropped; a hit in the old one
 * moves back to the young one), so values that keep recurring stay while one-off values pass
 * through. Very short and very long values are scanned every time.
 *
 * Per value is exact for the prefilter: every use of a literal is within one value (a field's
 * value, or one string of the event for keywords), so a literal that only appears across two values
 * in a joined text could never make a rule match. The values are those of the keyword view
 * (event-text.ts): strings, numbers and booleans as their text, without `event.original` and
 * `weft.*`.
 */
import type { LiteralScanner } from './literal-scanner.js';

/** Values per generation: a value seen again while in either generation is not scanned again. */
const GENERATION = 8192;
/** Values this short are scanned directly (as cheap as a lookup); longer than MAX_KEY_LENGTH, every
 *  time (script blocks and the like rarely repeat). */
const MIN_KEY_LENGTH = 7;
const MAX_KEY_LENGTH = 1024;
const MAX_DEPTH = 32;
const NONE = new Int32Array(0);

export class EventLiterals {
  private young = new Map<string, Int32Array>();
  private old = new Map<string, Int32Array>();
  private youngNumbers = new Map<number, Int32Array>();
  private oldNumbers = new Map<number, Int32Array>();
  /** Marks of the scanner for one value (its own stamps, independent of events). */
  private readonly scratch: Int32Array;
  private scratchStamp = 0;
  /** Literals of the current event, `found[0..count)`, each once. */
  readonly found: Int32Array;
  count = 0;
  private marks: Int32Array;
  private epoch = 0;
  private truncated = false;

  constructor(private readonly scanner: LiteralScanner) {
    this.scratch = new Int32Array(scanner.size);
    this.found = new Int32Array(scanner.size);
    this.marks = this.scratch;
  }

  /** Distinct values cached (for tests and `describe`). */
  get cachedValues(): number {
    return this.young.size + this.old.size + this.youngNumbers.size + this.oldNumbers.size;
  }

  /**
   * Set `marks[id] = epoch` for every literal some value of the event contains and list them in
   * `found[0..count)`. Returns false when the event nests deeper than the walk goes (some values
   * were not read: the caller must not conclude that a literal is absent).
   */
  collect(event: object, marks: Int32Array, epoch: number): boolean {
    this.marks = marks;
    this.epoch = epoch;
    this.count = 0;
    this.truncated = false;
    if (Array.isArray(event)) {
      this.walk(event, 0);
    } else {
      for (const key in event as Record<string, unknown>) {
        const v = (event as Record<string, unknown>)[key];
        if (key === 'weft' || key === 'event.original' || key.startsWith('weft.')) continue;
        if (key === 'event' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
          for (const k in v as Record<string, unknown>) if (k !== 'original') this.walk((v as Record<string, unknown>)[k], 2);
          continue;
        }
        this.walk(v, 1);
      }
    }
    return !this.truncated;
  }

  private walk(node: unknown, depth: number): void {
    if (typeof node === 'string') {
      if (node.length < MIN_KEY_LENGTH || node.length > MAX_KEY_LENGTH) this.scanInto(node);
      else this.add(this.ofString(node));
      return;
    }
    if (typeof node === 'number') {
      this.add(this.ofNumber(node));
      return;
    }
    if (typeof node === 'boolean' || typeof node === 'bigint') {
      this.add(this.ofString(String(node)));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (depth >= MAX_DEPTH) {
      this.truncated = true;
      return;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) this.walk(node[i], depth + 1);
      return;
    }
    for (const key in node as Record<string, unknown>) this.walk((node as Record<string, unknown>)[key], depth + 1);
  }

  private add(ids: Int32Array): void {
    const marks = this.marks;
    const epoch = this.epoch;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k] as number;
      if (marks[id] !== epoch) {
        marks[id] = epoch;
        this.found[this.count++] = id;
      }
    }
  }

  private ofString(s: string): Int32Array {
    let ids = this.young.get(s);
    if (ids !== undefined) return ids;
    ids = this.old.get(s) ?? this.scan(s);
    if (this.young.size >= GENERATION) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(s, ids);
    return ids;
  }

  private ofNumber(n: number): Int32Array {
    let ids = this.youngNumbers.get(n);
    if (ids !== undefined) return ids;
    ids = this.oldNumbers.get(n) ?? this.scan(String(n));
    if (this.youngNumbers.size >= GENERATION) {
      this.oldNumbers = this.youngNumbers;
      this.youngNumbers = new Map();
    }
    this.youngNumbers.set(n, ids);
    return ids;
  }

  /** The literals of one value (a copy, to keep). */
  private scan(s: string): Int32Array {
    const n = this.scanValue(s);
    return n === 0 ? NONE : this.scanner.found.slice(0, n);
  }

  /** The literals of one value, straight into the event's. */
  private scanInto(s: string): void {
    const n = this.scanValue(s);
    const found = this.scanner.found;
    const marks = this.marks;
    const epoch = this.epoch;
    for (let k = 0; k < n; k++) {
      const id = found[k] as number;
      if (marks[id] !== epoch) {
        marks[id] = epoch;
        this.found[this.count++] = id;
      }
    }
  }

  private scanValue(s: string): number {
    if (this.scratchStamp >= 0x7ffffff0) {
      this.scratchStamp = 0;
      this.scratch.fill(0);
    }
    return this.scanner.scan(s.toLowerCase(), this.scratch, ++this.scratchStamp);
  }
}
