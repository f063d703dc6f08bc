/**
 * Aho-Corasick over UTF-16 code units: one pass over a text reports every needle it contains, at a
 * cost that depends on the text length, not on the needle count. Built once per rule set.
 *
 * The trie lives in typed arrays (children in compressed rows sorted by code unit, a direct table for
 * the root, whose fan-out is large), so a scan allocates nothing and reads no Map.
 */

const NONE = -1;

export class LiteralScanner {
  /** Number of needle ids the scanner was built with (ids are 0..size-1). */
  readonly size: number;
  /** Needles that are the empty string: present in every text. */
  private readonly alwaysIds: Int32Array;
  private readonly rootNext: Int32Array;
  private readonly childStart: Int32Array;
  private readonly childEnd: Int32Array;
  private readonly childChars: Uint16Array;
  private readonly childNodes: Int32Array;
  private readonly fail: Int32Array;
  /** The nearest node on the fail chain (itself included) that ends a needle, or NONE. */
  private readonly outLink: Int32Array;
  private readonly outStart: Int32Array;
  private readonly outEnd: Int32Array;
  private readonly outIds: Int32Array;
  readonly nodeCount: number;
  /** Distinct needle ids found by the last scan, in `found[0..foundCount)`. */
  readonly found: Int32Array;
  foundCount = 0;

  /** `needles[i]` gets id `i`; an undefined entry is not searched (its id is never reported). */
  constructor(needles: ReadonlyArray<string | undefined>) {
    this.size = needles.length;
    this.found = new Int32Array(needles.length);
    const children: Array<Map<number, number>> = [new Map()];
    const ends: number[][] = [[]];
    const always: number[] = [];
    needles.forEach((needle, id) => {
      if (needle === undefined) return;
      if (needle.length === 0) {
        always.push(id);
        return;
      }
      let node = 0;
      for (let i = 0; i < needle.length; i++) {
        const c = needle.charCodeAt(i);
        const kids = children[node] as Map<number, number>;
        let next = kids.get(c);
        if (next === undefined) {
          next = children.length;
          kids.set(c, next);
          children.push(new Map());
          ends.push([]);
        }
        node = next;
      }
      (ends[node] as number[]).push(id);
    });
    const n = children.length;
    this.nodeCount = n;
    this.alwaysIds = Int32Array.from(always);
    this.rootNext = new Int32Array(65536);
    this.childStart = new Int32Array(n);
    this.childEnd = new Int32Array(n);
    let edges = 0;
    for (const m of children) edges += m.size;
    this.childChars = new Uint16Array(edges);
    this.childNodes = new Int32Array(edges);
    let e = 0;
    children.forEach((m, node) => {
      this.childStart[node] = e;
      for (const [c, child] of [...m].sort((a, b) => a[0] - b[0])) {
        this.childChars[e] = c;
        this.childNodes[e] = child;
        e++;
      }
      this.childEnd[node] = e;
    });
    for (const [c, child] of children[0] as Map<number, number>) this.rootNext[c] = child;

    // Fail links, breadth first: the longest proper suffix of a node's string that is also a trie node.
    this.fail = new Int32Array(n);
    this.outLink = new Int32Array(n).fill(NONE);
    const queue: number[] = [];
    for (const child of (children[0] as Map<number, number>).values()) {
      this.fail[child] = 0;
      queue.push(child);
    }
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q] as number;
      const f = this.fail[node] as number;
      this.outLink[node] = (ends[node] as number[]).length > 0 ? node : node === 0 ? NONE : (this.outLink[f] as number);
      for (const [c, child] of children[node] as Map<number, number>) {
        let s = f;
        let target = 0;
        for (;;) {
          const t = s === 0 ? this.rootNext[c] as number : this.step(s, c);
          if (t > 0 && t !== child) {
            target = t;
            break;
          }
          if (s === 0) break;
          s = this.fail[s] as number;
        }
        this.fail[child] = target;
        queue.push(child);
      }
    }
    this.outStart = new Int32Array(n);
    this.outEnd = new Int32Array(n);
    let outs = 0;
    for (const l of ends) outs += l.length;
    this.outIds = new Int32Array(outs);
    let o = 0;
    ends.forEach((l, node) => {
      this.outStart[node] = o;
      for (const id of l) this.outIds[o++] = id;
      this.outEnd[node] = o;
    });
  }

  /** The child of a non-root node on code unit `c`, or NONE. */
  private step(node: number, c: number): number {
    let lo = this.childStart[node] as number;
    let hi = (this.childEnd[node] as number) - 1;
    const chars = this.childChars;
    if (hi - lo < 8) {
      for (; lo <= hi; lo++) if (chars[lo] === c) return this.childNodes[lo] as number;
      return NONE;
    }
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = chars[mid] as number;
      if (m === c) return this.childNodes[mid] as number;
      if (m < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return NONE;
  }

  /**
   * Set `marks[id] = stamp` for every needle found in `text`, and list the distinct ids found in
   * `found[0..foundCount)`. `marks` must not already hold `stamp` (use a fresh stamp per scan).
   * Returns the number of distinct needles found.
   */
  scan(text: string, marks: Int32Array, stamp: number): number {
    const found = this.found;
    let nFound = 0;
    for (let k = 0; k < this.alwaysIds.length; k++) {
      const id = this.alwaysIds[k] as number;
      if (marks[id] !== stamp) {
        marks[id] = stamp;
        found[nFound++] = id;
      }
    }
    const rootNext = this.rootNext;
    const fail = this.fail;
    const outLink = this.outLink;
    let s = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      for (;;) {
        if (s === 0) {
          s = rootNext[c] as number;
          break;
        }
        const t = this.step(s, c);
        if (t !== NONE) {
          s = t;
          break;
        }
        s = fail[s] as number;
      }
      let o = outLink[s] as number;
      while (o > 0) {
        const end = this.outEnd[o] as number;
        for (let k = this.outStart[o] as number; k < end; k++) {
          const id = this.outIds[k] as number;
          if (marks[id] !== stamp) {
            marks[id] = stamp;
            found[nFound++] = id;
          }
        }
        o = outLink[fail[o] as number] as number;
      }
    }
    this.foundCount = nFound;
    return nFound;
  }
}
