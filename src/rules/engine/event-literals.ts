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
 *
 * Only values at a path some rule reads (`referenced`) can hold a field's literal. The others, two
 * thirds of a Windows event's values (record ids, GUIDs, times, `related.*`, `process.args`), can
 * only matter to keyword searches, so they are scanned for the keyword rules' literals alone, with
 * no cache: a few hundred literals instead of tens of thousands, and no map lookup (hashing every
 * fresh value) for values that rarely repeat. `found` is then exact for every literal at the paths
 * rules read, and for the keyword literals everywhere.
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
/** Every character the text of a finite number (`String(n)`, lowercased) can have. */
const FINITE_NUMBER_TEXT = /^[0-9.+\-e]*$/;

/** A trie of the dotted paths rules read; `leaf`: a path ends here. */
export interface PathNode {
  leaf: boolean;
  next: Map<string, PathNode> | undefined;
}

export function pathTrie(paths: Iterable<string>): PathNode {
  const root: PathNode = { leaf: false, next: undefined };
  for (const p of paths) {
    let n = root;
    for (const seg of p.split('.')) {
      n.next ??= new Map();
      let c = n.next.get(seg);
      if (c === undefined) n.next.set(seg, (c = { leaf: false, next: undefined }));
      n = c;
    }
    n.leaf = true;
  }
  return root;
}

/**
 * The node under `node` for an object key. A key may hold dots (`{"winlog.event_data.Image": ...}`,
 * as flattened events arrive): field accessors read those as the path they spell, and so does this.
 * Arrays do not appear in paths (accessors read through them), so the walk keeps the node for them.
 */
function childOf(node: PathNode | undefined, key: string): PathNode | undefined {
  const next = node?.next;
  if (next === undefined) return undefined;
  const c = next.get(key);
  if (c !== undefined || !key.includes('.')) return c;
  let n: PathNode | undefined = node;
  for (const seg of key.split('.')) {
    n = n?.next?.get(seg);
    if (n === undefined) return undefined;
  }
  return n;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

export class EventLiterals {
  private young = new Map<string, Int32Array>();
  private old = new Map<string, Int32Array>();
  private youngNumbers = new Map<number, Int32Array>();
  private oldNumbers = new Map<number, Int32Array>();
  /** Marks of the scanners for one value (their own stamps, independent of events). */
  private readonly scratch: Int32Array;
  private scratchStamp = 0;
  /** Literals of the current event, `found[0..count)`, each once. */
  readonly found: Int32Array;
  count = 0;
  private marks: Int32Array;
  private epoch = 0;
  private truncated = false;
  /** Can a keyword literal be in a finite number's text? If not, those off the referenced paths are skipped. */
  private readonly numbersForKeywords: boolean;
  /** The shortest keyword literal: a shorter ASCII value off the referenced paths holds none. */
  private readonly shortestKeyword: number;

  /**
   * `scanner`: every literal; `keywordScanner`: the same ids, only the literals of keyword searches
   * (the others undefined), or undefined when there are none; `referenced`: the paths rules read.
   */
  constructor(
    private readonly scanner: LiteralScanner,
    private readonly keywordScanner: LiteralScanner | undefined,
    private readonly referenced: PathNode,
    keywordLiterals: readonly string[],
  ) {
    this.scratch = new Int32Array(scanner.size);
    this.found = new Int32Array(scanner.size);
    this.marks = this.scratch;
    this.numbersForKeywords = keywordLiterals.some((l) => FINITE_NUMBER_TEXT.test(l));
    this.shortestKeyword = keywordLiterals.reduce((m, l) => Math.min(m, l.length), Infinity);
  }

  /** Distinct values cached (for tests and `describe`). */
  get cachedValues(): number {
    return this.young.size + this.old.size + this.youngNumbers.size + this.oldNumbers.size;
  }

  /**
   * Set `marks[id] = epoch` for every literal found in the event and list them in
   * `found[0..count)`: every literal in the values at the referenced paths, and the keyword
   * literals in every value. Returns false when the event nests deeper than the walk goes (some
   * values were not read: the caller must not conclude that a literal is absent).
   */
  collect(event: object, marks: Int32Array, epoch: number): boolean {
    this.marks = marks;
    this.epoch = epoch;
    this.count = 0;
    this.truncated = false;
    const root = this.referenced;
    if (Array.isArray(event)) {
      this.walk(event, 0, root);
    } else {
      for (const key in event as Record<string, unknown>) {
        const v = (event as Record<string, unknown>)[key];
        if (key === 'weft' || key === 'event.original' || key.startsWith('weft.')) continue;
        if (key === 'event' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
          const at = childOf(root, key);
          for (const k in v as Record<string, unknown>) if (k !== 'original') this.walk((v as Record<string, unknown>)[k], 2, childOf(at, k));
          continue;
        }
        this.walk(v, 1, childOf(root, key));
      }
    }
    return !this.truncated;
  }

  /** `at`: the path node of this value, undefined once off every referenced path. */
  private walk(node: unknown, depth: number, at: PathNode | undefined): void {
    if (typeof node === 'string') {
      if (at === undefined || !at.leaf) this.keywordsOf(node);
      else if (node.length < MIN_KEY_LENGTH || node.length > MAX_KEY_LENGTH) this.scanInto(this.scanner, node);
      else this.add(this.ofString(node));
      return;
    }
    if (typeof node === 'number') {
      if (at !== undefined && at.leaf) this.add(this.ofNumber(node));
      else if (this.numbersForKeywords || !Number.isFinite(node)) this.keywordsOf(String(node));
      return;
    }
    if (typeof node === 'boolean' || typeof node === 'bigint') {
      if (at !== undefined && at.leaf) this.add(this.ofString(String(node)));
      else this.keywordsOf(String(node));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (depth >= MAX_DEPTH) {
      this.truncated = true;
      return;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) this.walk(node[i], depth + 1, at);
      return;
    }
    for (const key in node as Record<string, unknown>) this.walk((node as Record<string, unknown>)[key], depth + 1, childOf(at, key));
  }

  private keywordsOf(s: string): void {
    if (this.keywordScanner === undefined) return;
    // Lowercasing keeps an ASCII text's length (only a few non-ASCII letters lengthen: İ).
    if (s.length < this.shortestKeyword && isAscii(s)) return;
    this.scanInto(this.keywordScanner, s);
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
    const n = this.scanValue(this.scanner, s);
    return n === 0 ? NONE : this.scanner.found.slice(0, n);
  }

  /** The literals of one value, straight into the event's. */
  private scanInto(scanner: LiteralScanner, s: string): void {
    const n = this.scanValue(scanner, s);
    const found = scanner.found;
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

  private scanValue(scanner: LiteralScanner, s: string): number {
    if (this.scratchStamp >= 0x7ffffff0) {
      this.scratchStamp = 0;
      this.scratch.fill(0);
    }
    const n = scanner.scanFolded(s, this.scratch, ++this.scratchStamp);
    return n >= 0 ? n : scanner.scan(s.toLowerCase(), this.scratch, ++this.scratchStamp);
  }
}
