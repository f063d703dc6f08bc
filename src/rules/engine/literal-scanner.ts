/**
 * Which of many needles (tens of thousands of rule literals) a text contains, in one pass.
 *
 * A q-gram filter with verification (multi-pattern Rabin-Karp). A needle of 1 to 3 code units is
 * keyed by itself (1 and 2 units in a second pass, only over texts that can hold them), a longer one by one of its 4-grams: the one fewest needles share, so `.exe` or
 * `\win` key only needles that have nothing rarer. The scan keeps the last four code units in one
 * integer and tests one bitmap per gram length in use at every position: about 64 bits per gram
 * (so few false hits), at most 128 KiB (so they stay in cache), and the loads do not depend on each
 * other, unlike an automaton's state-to-state loads over a multi-megabyte table. Where a bit is
 * set, the needles behind it are verified code unit by code unit at the position they would start.
 * (The rule index gives it no ASCII needle under 3 units: those are in nearly every event.)
 *
 * Exact: a needle is reported if and only if the text contains it. Grams use the low 8 bits of each
 * code unit and are hashed to a bitmap index, so a bit can be set for a gram the text does not have;
 * verification settles it.
 */

const NON_ASCII = /[\u0080-\uffff]/;
/**
 * ASCII units a short needle is keyed by when it has one: they are rare in log values, so the
 * short pass runs over few texts. A short needle of only other units triggers it for every text.
 */
const RARE_ASCII = '<>^`|';

/**
 * A literal the scanner finds without a pass over every text although it is short: it has a
 * non-ASCII unit, or is made only of RARE_ASCII units (the short pass runs only over texts with one).
 */
export function isRareShort(literal: string): boolean {
  return NON_ASCII.test(literal) || (literal.length > 0 && [...literal].every((c) => RARE_ASCII.includes(c)));
}

const MIN_BITS = 10;
const MAX_BITS = 20;
const HASH = 0x9e3779b1;

/** The grams of one length: a bitmap over hashed keys, and the needles behind each set bit. */
class GramTable {
  /** 32 - index bits: the bitmap index of a key is `Math.imul(key, HASH) >>> shift`. */
  readonly shift: number;
  readonly bits: Int32Array;
  /** Open addressing, bitmap index -> bucket: `slotKey` holds the index (-1: empty), `slotBucket` the bucket. */
  readonly slotKey: Int32Array;
  readonly slotBucket: Int32Array;
  readonly slotMask: number;
  /** Bucket b's needles are entryId/entryBack[bucketStart[b] .. bucketStart[b + 1]). */
  readonly bucketStart: Int32Array;
  readonly entryId: Int32Array;
  /** How far before the gram's last code unit the needle starts. */
  readonly entryBack: Int32Array;
  /**
   * Each entry's needle, copied into `chars` in bucket order: verifying a bucket reads one short
   * contiguous run instead of tens of thousands of separately allocated strings (a cache miss each).
   */
  readonly entryOff: Int32Array;
  readonly entryLen: Int32Array;
  readonly chars: Uint16Array;
  /** Per bucket, the stamp of the scan in which all its needles were found. */
  readonly done: Int32Array;

  constructor(entries: ReadonlyArray<readonly [key: number, id: number, back: number]>, needles: ReadonlyArray<string | undefined>) {
    const grams = new Set(entries.map((e) => e[0])).size;
    let b = MIN_BITS;
    while (b < MAX_BITS && 2 ** b < grams * 64) b++;
    this.shift = 32 - b;
    this.bits = new Int32Array(2 ** (b - 5));
    const lists = new Map<number, Array<readonly [number, number]>>();
    for (const [key, id, back] of entries) {
      const x = Math.imul(key, HASH) >>> this.shift;
      this.bits[x >>> 5] = (this.bits[x >>> 5] as number) | (1 << (x & 31));
      let l = lists.get(x);
      if (l === undefined) lists.set(x, (l = []));
      l.push([id, back]);
    }
    let cap = 16;
    while (cap < lists.size * 2) cap *= 2;
    this.slotMask = cap - 1;
    this.slotKey = new Int32Array(cap).fill(-1);
    this.slotBucket = new Int32Array(cap);
    this.bucketStart = new Int32Array(lists.size + 1);
    this.entryId = new Int32Array(entries.length);
    this.entryBack = new Int32Array(entries.length);
    this.done = new Int32Array(lists.size);
    this.entryOff = new Int32Array(entries.length);
    this.entryLen = new Int32Array(entries.length);
    let total = 0;
    for (const [, id] of entries) total += (needles[id] as string).length;
    this.chars = new Uint16Array(total);
    let bucket = 0;
    let e = 0;
    let off = 0;
    for (const [x, l] of lists) {
      let j = x & this.slotMask;
      while (this.slotKey[j] !== -1) j = (j + 1) & this.slotMask;
      this.slotKey[j] = x;
      this.slotBucket[j] = bucket;
      this.bucketStart[bucket] = e;
      for (const [id, back] of l) {
        this.entryId[e] = id;
        this.entryBack[e] = back;
        const n = needles[id] as string;
        this.entryOff[e] = off;
        this.entryLen[e] = n.length;
        for (let j = 0; j < n.length; j++) this.chars[off++] = n.charCodeAt(j);
        e++;
      }
      bucket++;
    }
    this.bucketStart[bucket] = e;
  }

  get buckets(): number {
    return this.done.length;
  }

  /** The bucket of a set bitmap index, or -1 (no gram of this table hashes there). */
  bucketOf(x: number): number {
    const keys = this.slotKey;
    let j = x & this.slotMask;
    for (;;) {
      const k = keys[j] as number;
      if (k === x) return this.slotBucket[j] as number;
      if (k === -1) return -1;
      j = (j + 1) & this.slotMask;
    }
  }
}

/** Key of the `len` (3 or 4) code units of `s` ending at `end` (exclusive): low bytes, big-endian. */
function gramKey(s: string, end: number, len: number): number {
  let h = 0;
  for (let i = end - len; i < end; i++) h = (h << 8) | (s.charCodeAt(i) & 0xff);
  return h;
}

/** See LiteralScanner.shortTrigger. */
function shortTriggerOf(short: readonly string[]): RegExp | null | undefined {
  if (short.length === 0) return undefined;
  let nonAscii = false;
  const rare = new Set<string>();
  for (const n of short) {
    if (NON_ASCII.test(n)) {
      nonAscii = true;
      continue;
    }
    const unit = [...n].find((c) => RARE_ASCII.includes(c));
    if (unit === undefined) return null;
    rare.add(unit);
  }
  const units = [...rare].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
  return new RegExp(`[${units}${nonAscii ? '\\u0080-\\uffff' : ''}]`);
}

/** Does `text` hold entry `k` of `t` at `start`? */
function holdsAt(text: string, t: GramTable, k: number, start: number): boolean {
  const len = t.entryLen[k] as number;
  if (start < 0 || start + len > text.length) return false;
  const chars = t.chars;
  const off = t.entryOff[k] as number;
  for (let j = 0; j < len; j++) if (text.charCodeAt(start + j) !== chars[off + j]) return false;
  return true;
}

/** The same for an ASCII text read as lowercase. */
function holdsAtFolded(text: string, t: GramTable, k: number, start: number): boolean {
  const len = t.entryLen[k] as number;
  if (start < 0 || start + len > text.length) return false;
  const chars = t.chars;
  const off = t.entryOff[k] as number;
  for (let j = 0; j < len; j++) {
    const c = text.charCodeAt(start + j);
    if ((c - 65 >>> 0 < 26 ? c | 32 : c) !== chars[off + j]) return false;
  }
  return true;
}

const ASCII_LETTER = /[a-z]/i;

export class LiteralScanner {
  /** Number of needle ids the scanner was built with (ids are 0..size-1). */
  readonly size: number;
  /** Distinct bitmap bits set (for `describe`). */
  readonly gramCount: number;
  /** Distinct needle ids found by the last scan, in `found[0..foundCount)`. */
  readonly found: Int32Array;
  foundCount = 0;
  /** Needles that are the empty string: present in every text. */
  private readonly alwaysIds: Int32Array;
  private readonly t1: GramTable;
  private readonly t2: GramTable;
  private readonly t3: GramTable;
  private readonly t4: GramTable;
  private lastStamp = 0;
  /**
   * The units a text must have to hold a needle of one or two units (each such needle has one of
   * them): non-ASCII, or rare ASCII ones. Null when some short needle has neither (every text needs
   * the short pass); undefined when there are no short needles.
   */
  private readonly shortTrigger: RegExp | null | undefined;
  /** No needle of one or two units has an ASCII letter: scanFolded can run the short pass as it is. */
  private readonly foldable: boolean;

  /** `needles[i]` gets id `i`; an undefined entry is not searched (its id is never reported). */
  constructor(needles: ReadonlyArray<string | undefined>) {
    this.size = needles.length;
    this.found = new Int32Array(needles.length);
    const always: number[] = [];
    // How many needles have each 4-gram: a needle is keyed by its rarest (rightmost on ties).
    const count = new Map<number, number>();
    for (const n of needles) {
      if (n === undefined || n.length < 4) continue;
      for (let end = 4; end <= n.length; end++) {
        const k = gramKey(n, end, 4);
        count.set(k, (count.get(k) ?? 0) + 1);
      }
    }
    const e1: Array<[number, number, number]> = [];
    const e2: Array<[number, number, number]> = [];
    const e3: Array<[number, number, number]> = [];
    const e4: Array<[number, number, number]> = [];
    needles.forEach((n, id) => {
      if (n === undefined) return;
      if (n.length === 0) always.push(id);
      else if (n.length === 1) e1.push([n.charCodeAt(0), id, 0]);
      else if (n.length === 2) e2.push([(n.charCodeAt(0) << 16) | n.charCodeAt(1), id, 1]);
      else if (n.length === 3) e3.push([gramKey(n, 3, 3), id, 2]);
      else {
        let bestEnd = 4;
        let best = Infinity;
        for (let end = 4; end <= n.length; end++) {
          const c = count.get(gramKey(n, end, 4)) as number;
          if (c <= best) {
            best = c;
            bestEnd = end;
          }
        }
        e4.push([gramKey(n, bestEnd, 4), id, bestEnd - 1]);
      }
    });
    this.alwaysIds = Int32Array.from(always);
    this.t1 = new GramTable(e1, needles);
    this.t2 = new GramTable(e2, needles);
    this.t3 = new GramTable(e3, needles);
    this.t4 = new GramTable(e4, needles);
    this.gramCount = this.t1.buckets + this.t2.buckets + this.t3.buckets + this.t4.buckets;
    const short = [...e1, ...e2].map(([, id]) => needles[id] as string);
    this.shortTrigger = shortTriggerOf(short);
    this.foldable = !short.some((n) => ASCII_LETTER.test(n));
  }

  /**
   * Set `marks[id] = stamp` for every needle found in `text`, and list the distinct ids found in
   * `found[0..foundCount)`. `marks` must not already hold `stamp`; stamps must increase from one
   * scan to the next (a smaller one resets the scanner's own per-scan state).
   * Returns the number of distinct needles found.
   */
  scan(text: string, marks: Int32Array, stamp: number): number {
    return this.gramPass(text, marks, stamp, this.begin(text, marks, stamp), false);
  }

  /**
   * scan() of `text.toLowerCase()` without lowercasing, for an ASCII text (the needles must be
   * lowercase): letters are folded as they are read. Returns -1, having found nothing for sure, on a
   * non-ASCII unit (toLowerCase is more than folding there) or when a short needle has a letter;
   * the caller then scans the lowercased text with a new stamp.
   */
  scanFolded(text: string, marks: Int32Array, stamp: number): number {
    if (!this.foldable) return -1;
    // Short needles have no letters (foldable): begin's pass over the text as it is finds the same.
    return this.gramPass(text, marks, stamp, this.begin(text, marks, stamp), true);
  }

  /** The 3- and 4-gram pass; `folded`: read ASCII letters as lowercase, give up (-1) on non-ASCII. */
  private gramPass(text: string, marks: Int32Array, stamp: number, nFound: number, folded: boolean): number {
    const t3 = this.t3;
    const t4 = this.t4;
    const bits3 = t3.bits;
    const bits4 = t4.bits;
    const s3 = t3.shift;
    const s4 = t4.shift;
    let h = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      let c = text.charCodeAt(i);
      if (folded) {
        if (c > 0x7f) return -1;
        if (c - 65 >>> 0 < 26) c |= 32;
      }
      h = (h << 8) | (c & 0xff);
      const x = Math.imul(h, HASH) >>> s4;
      if (((bits4[x >>> 5] as number) & (1 << (x & 31))) !== 0) nFound = this.report(t4, t4.bucketOf(x), text, i, marks, stamp, nFound, folded);
      const y = Math.imul(h & 0xffffff, HASH) >>> s3;
      if (((bits3[y >>> 5] as number) & (1 << (y & 31))) !== 0) nFound = this.report(t3, t3.bucketOf(y), text, i, marks, stamp, nFound, folded);
    }
    this.foundCount = nFound;
    return nFound;
  }

  /** What every scan does first: the per-scan state for `stamp`, the empty needles, the short pass. Returns the count found. */
  private begin(text: string, marks: Int32Array, stamp: number): number {
    if (stamp <= this.lastStamp) {
      for (const t of [this.t1, this.t2, this.t3, this.t4]) t.done.fill(0);
    }
    this.lastStamp = stamp;
    const found = this.found;
    let nFound = 0;
    for (let k = 0; k < this.alwaysIds.length; k++) {
      const id = this.alwaysIds[k] as number;
      if (marks[id] !== stamp) {
        marks[id] = stamp;
        found[nFound++] = id;
      }
    }
    if (this.needsShortPass(text)) nFound = this.scanShort(text, marks, stamp, nFound);
    return nFound;
  }

  /** Does the text contain any needle? Stops at the first one (no per-scan state is touched). */
  containsAny(text: string): boolean {
    if (this.alwaysIds.length > 0) return true;
    if (this.needsShortPass(text) && this.scanShort(text, null, 0, 0) > 0) return true;
    const t3 = this.t3;
    const t4 = this.t4;
    const bits3 = t3.bits;
    const bits4 = t4.bits;
    const s3 = t3.shift;
    const s4 = t4.shift;
    let h = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      h = (h << 8) | (text.charCodeAt(i) & 0xff);
      const x = Math.imul(h, HASH) >>> s4;
      if (((bits4[x >>> 5] as number) & (1 << (x & 31))) !== 0 && this.anyAt(t4, t4.bucketOf(x), text, i)) return true;
      const y = Math.imul(h & 0xffffff, HASH) >>> s3;
      if (((bits3[y >>> 5] as number) & (1 << (y & 31))) !== 0 && this.anyAt(t3, t3.bucketOf(y), text, i)) return true;
    }
    return false;
  }

  private needsShortPass(text: string): boolean {
    const trigger = this.shortTrigger;
    if (trigger === undefined) return false;
    return trigger === null || trigger.test(text);
  }

  /**
   * Needles of one and two code units, keyed by whole code units (a separate pass: the rule index
   * gives it only non-ASCII ones, such as emoji, and only texts with a non-ASCII unit need it).
   * With `marks` null, stops at the first and returns 1.
   */
  private scanShort(text: string, marks: Int32Array | null, stamp: number, nFound: number): number {
    const t1 = this.t1;
    const t2 = this.t2;
    let h = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      h = (h << 16) | c;
      const x = Math.imul(c, HASH) >>> t1.shift;
      if (((t1.bits[x >>> 5] as number) & (1 << (x & 31))) !== 0) {
        if (marks === null) {
          if (this.anyAt(t1, t1.bucketOf(x), text, i)) return 1;
        } else {
          nFound = this.report(t1, t1.bucketOf(x), text, i, marks, stamp, nFound, false);
        }
      }
      const y = Math.imul(h, HASH) >>> t2.shift;
      if (((t2.bits[y >>> 5] as number) & (1 << (y & 31))) !== 0) {
        if (marks === null) {
          if (this.anyAt(t2, t2.bucketOf(y), text, i)) return 1;
        } else {
          nFound = this.report(t2, t2.bucketOf(y), text, i, marks, stamp, nFound, false);
        }
      }
    }
    return nFound;
  }

  private anyAt(t: GramTable, b: number, text: string, i: number): boolean {
    if (b < 0) return false;
    for (let k = t.bucketStart[b] as number, end = t.bucketStart[b + 1] as number; k < end; k++) {
      if (holdsAt(text, t, k, i - (t.entryBack[k] as number))) return true;
    }
    return false;
  }

  /** The needles of bucket `b` (-1: a hash collision), for a gram whose last code unit is at `i`. */
  private report(t: GramTable, b: number, text: string, i: number, marks: Int32Array, stamp: number, nFound: number, folded: boolean): number {
    if (b < 0 || t.done[b] === stamp) return nFound;
    const found = this.found;
    let pending = false;
    for (let k = t.bucketStart[b] as number, end = t.bucketStart[b + 1] as number; k < end; k++) {
      const id = t.entryId[k] as number;
      if (marks[id] === stamp) continue;
      const start = i - (t.entryBack[k] as number);
      if (folded ? holdsAtFolded(text, t, k, start) : holdsAt(text, t, k, start)) {
        marks[id] = stamp;
        found[nFound++] = id;
      } else {
        pending = true;
      }
    }
    if (!pending) t.done[b] = stamp;
    return nFound;
  }
}
