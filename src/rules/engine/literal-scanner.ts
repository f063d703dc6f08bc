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

  /**
   * `entries` holds three numbers per needle: its gram key, its id, and how far before the gram's last
   * code unit it starts. Typed arrays and a counting sort, not maps of tuples: a full rule set has
   * tens of thousands of needles, and every rule set rebuild (a rule enabled in `weft serve`) builds this.
   */
  constructor(entries: readonly number[], needles: ReadonlyArray<string | undefined>) {
    const count = entries.length / 3;
    let b = MIN_BITS;
    const grams = distinctKeys(entries);
    while (b < MAX_BITS && 2 ** b < grams * 64) b++;
    this.shift = 32 - b;
    this.bits = new Int32Array(2 ** (b - 5));
    // Bitmap index of each entry, and how many entries each index has (a bucket per used index).
    const xs = new Int32Array(count);
    const perIndex = new Int32Array(2 ** b);
    let buckets = 0;
    for (let i = 0; i < count; i++) {
      const x = Math.imul(entries[i * 3] as number, HASH) >>> this.shift;
      xs[i] = x;
      this.bits[x >>> 5] = (this.bits[x >>> 5] as number) | (1 << (x & 31));
      const had = perIndex[x] as number;
      perIndex[x] = had + 1;
      if (had === 0) buckets++;
    }
    let cap = 16;
    while (cap < buckets * 2) cap *= 2;
    this.slotMask = cap - 1;
    this.slotKey = new Int32Array(cap).fill(-1);
    this.slotBucket = new Int32Array(cap);
    this.bucketStart = new Int32Array(buckets + 1);
    this.entryId = new Int32Array(count);
    this.entryBack = new Int32Array(count);
    this.done = new Int32Array(buckets);
    this.entryOff = new Int32Array(count);
    this.entryLen = new Int32Array(count);
    // Buckets in bitmap-index order; perIndex becomes each index's next free entry.
    const bucketOfIndex = new Int32Array(perIndex.length);
    let bucket = 0;
    let e = 0;
    for (let x = 0; x < perIndex.length; x++) {
      const n = perIndex[x] as number;
      if (n === 0) continue;
      let j = x & this.slotMask;
      while (this.slotKey[j] !== -1) j = (j + 1) & this.slotMask;
      this.slotKey[j] = x;
      this.slotBucket[j] = bucket;
      bucketOfIndex[x] = bucket;
      this.bucketStart[bucket] = e;
      perIndex[x] = e;
      e += n;
      bucket++;
    }
    this.bucketStart[bucket] = e;
    // Entries keep their order within a bucket (a stable counting sort).
    let total = 0;
    for (let i = 0; i < count; i++) {
      const x = xs[i] as number;
      const k = perIndex[x] as number;
      perIndex[x] = k + 1;
      const id = entries[i * 3 + 1] as number;
      this.entryId[k] = id;
      this.entryBack[k] = entries[i * 3 + 2] as number;
      this.entryLen[k] = (needles[id] as string).length;
    }
    for (let k = 0; k < count; k++) {
      this.entryOff[k] = total;
      total += this.entryLen[k] as number;
    }
    this.chars = new Uint16Array(total);
    for (let k = 0; k < count; k++) {
      const n = needles[this.entryId[k] as number] as string;
      let off = this.entryOff[k] as number;
      for (let j = 0; j < n.length; j++) this.chars[off++] = n.charCodeAt(j);
    }
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

/**
 * How often each 32-bit gram key occurs: open addressing over typed arrays. A Map would box every key
 * past 2^30 (most 4-grams of letters) as a heap number.
 */
class GramCounts {
  private keys: Int32Array;
  /** 0: an empty slot (a key present has a count of at least 1). */
  private counts: Int32Array;
  private shift: number;
  size = 0;

  constructor(expected: number) {
    let b = 4;
    while (2 ** b < expected * 2 && b < 30) b++;
    this.keys = new Int32Array(2 ** b);
    this.counts = new Int32Array(2 ** b);
    this.shift = 32 - b;
  }

  add(key: number): void {
    const mask = this.keys.length - 1;
    let j = Math.imul(key, HASH) >>> this.shift;
    while (this.counts[j] !== 0 && this.keys[j] !== key) j = (j + 1) & mask;
    if (this.counts[j] === 0) {
      this.keys[j] = key;
      if (++this.size * 2 > this.keys.length) {
        this.counts[j] = 1;
        this.grow();
        return;
      }
    }
    this.counts[j] = (this.counts[j] as number) + 1;
  }

  /** The count of `key` (0 if never added). */
  get(key: number): number {
    const mask = this.keys.length - 1;
    let j = Math.imul(key, HASH) >>> this.shift;
    for (;;) {
      const c = this.counts[j] as number;
      if (c === 0 || this.keys[j] === key) return c;
      j = (j + 1) & mask;
    }
  }

  private grow(): void {
    const { keys, counts } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.counts = new Int32Array(keys.length * 2);
    this.shift--;
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const c = counts[i] as number;
      if (c === 0) continue;
      let j = Math.imul(keys[i] as number, HASH) >>> this.shift;
      while (this.counts[j] !== 0) j = (j + 1) & mask;
      this.keys[j] = keys[i] as number;
      this.counts[j] = c;
    }
  }
}

/** How many distinct keys `entries` (key, id, back triples) holds. */
function distinctKeys(entries: readonly number[]): number {
  const seen = new GramCounts(entries.length / 3);
  for (let i = 0; i < entries.length; i += 3) seen.add(entries[i] as number);
  return seen.size;
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
    let grams4 = 0;
    for (const n of needles) if (n !== undefined && n.length >= 4) grams4 += n.length - 3;
    const count = new GramCounts(grams4);
    for (const n of needles) {
      if (n === undefined || n.length < 4) continue;
      // The key of the 4 units ending at `end`, rolled along as the scan does.
      let h = gramKey(n, 3, 3);
      for (let end = 4; end <= n.length; end++) {
        h = (h << 8) | (n.charCodeAt(end - 1) & 0xff);
        count.add(h);
      }
    }
    // Per gram length: key, id, back (see GramTable).
    const e1: number[] = [];
    const e2: number[] = [];
    const e3: number[] = [];
    const e4: number[] = [];
    const short: string[] = [];
    needles.forEach((n, id) => {
      if (n === undefined) return;
      if (n.length === 0) always.push(id);
      else if (n.length === 1) e1.push(n.charCodeAt(0), id, 0);
      else if (n.length === 2) e2.push((n.charCodeAt(0) << 16) | n.charCodeAt(1), id, 1);
      else if (n.length === 3) e3.push(gramKey(n, 3, 3), id, 2);
      else {
        let bestEnd = 4;
        let bestKey = 0;
        let best = Infinity;
        let h = gramKey(n, 3, 3);
        for (let end = 4; end <= n.length; end++) {
          h = (h << 8) | (n.charCodeAt(end - 1) & 0xff);
          const c = count.get(h);
          if (c <= best) {
            best = c;
            bestEnd = end;
            bestKey = h;
          }
        }
        e4.push(bestKey, id, bestEnd - 1);
      }
      if (n.length === 1 || n.length === 2) short.push(n);
    });
    this.alwaysIds = Int32Array.from(always);
    this.t1 = new GramTable(e1, needles);
    this.t2 = new GramTable(e2, needles);
    this.t3 = new GramTable(e3, needles);
    this.t4 = new GramTable(e4, needles);
    this.gramCount = this.t1.buckets + this.t2.buckets + this.t3.buckets + this.t4.buckets;
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
