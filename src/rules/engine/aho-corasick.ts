/**
 * Aho-Corasick over UTF-16 code units: one pass over a text reports every needle it contains, at a
 * cost that depends on the text length, not on the needle count. Built once per rule set.
 *
 * The trie lives in typed arrays: a direct table for the root (its fan-out is large), and for every
 * other node one small record with its edges as sorted (code unit, child) pairs, so a visited node
 * costs one cache line and a scan allocates nothing.
 */

const NONE = -1;
/** Fields of a node record, see `nodes`. */
const NODE_FIELDS = 8;
const EDGE_START = 0;
const EDGE_END = 1;
const FAIL = 2;
const OUT_LINK = 3;
const OUT_START = 4;
const OUT_END = 5;

export class LiteralScanner {
  /** Number of needle ids the scanner was built with (ids are 0..size-1). */
  readonly size: number;
  readonly nodeCount: number;
  /** Distinct needle ids found by the last scan, in `found[0..foundCount)`. */
  readonly found: Int32Array;
  foundCount = 0;
  /** Needles that are the empty string: present in every text. */
  private readonly alwaysIds: Int32Array;
  private readonly rootNext: Int32Array;
  /**
   * Per node, NODE_FIELDS consecutive ints: first edge, end of edges (as indexes of pairs), fail
   * link, out link (the nearest node on the fail chain, itself included, that ends a needle, or
   * NONE), first and end index of the needles ending here in `outIds`. Padded to 8 ints (32 bytes).
   */
  private readonly nodes: Int32Array;
  /** Edges as (code unit, child) pairs; each node's are sorted by code unit. */
  private readonly edges: Int32Array;
  private readonly outIds: Int32Array;

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
    this.nodes = new Int32Array(n * NODE_FIELDS);
    let edgeCount = 0;
    let outCount = 0;
    for (const m of children) edgeCount += m.size;
    for (const l of ends) outCount += l.length;
    this.edges = new Int32Array(edgeCount * 2);
    this.outIds = new Int32Array(outCount);
    let e = 0;
    let o = 0;
    for (let node = 0; node < n; node++) {
      const base = node * NODE_FIELDS;
      this.nodes[base + EDGE_START] = e;
      for (const [c, child] of [...(children[node] as Map<number, number>)].sort((a, b) => a[0] - b[0])) {
        this.edges[e * 2] = c;
        this.edges[e * 2 + 1] = child;
        e++;
      }
      this.nodes[base + EDGE_END] = e;
      this.nodes[base + OUT_START] = o;
      for (const id of ends[node] as number[]) this.outIds[o++] = id;
      this.nodes[base + OUT_END] = o;
      this.nodes[base + OUT_LINK] = NONE;
    }
    for (const [c, child] of children[0] as Map<number, number>) this.rootNext[c] = child;

    // Fail links, breadth first: the longest proper suffix of a node's string that is a trie node.
    const queue: number[] = [];
    for (const child of (children[0] as Map<number, number>).values()) queue.push(child);
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q] as number;
      const base = node * NODE_FIELDS;
      const f = this.nodes[base + FAIL] as number;
      this.nodes[base + OUT_LINK] = (ends[node] as number[]).length > 0 ? node : (this.nodes[f * NODE_FIELDS + OUT_LINK] as number);
      for (const [c, child] of children[node] as Map<number, number>) {
        let s = f;
        let target = 0;
        for (;;) {
          const t = s === 0 ? (this.rootNext[c] as number) : this.step(s, c);
          if (t > 0) {
            target = t;
            break;
          }
          if (s === 0) break;
          s = this.nodes[s * NODE_FIELDS + FAIL] as number;
        }
        this.nodes[child * NODE_FIELDS + FAIL] = target;
        queue.push(child);
      }
    }
  }

  /** The child of a non-root node on code unit `c`, or NONE. */
  private step(node: number, c: number): number {
    const base = node * NODE_FIELDS;
    let lo = this.nodes[base + EDGE_START] as number;
    let hi = (this.nodes[base + EDGE_END] as number) - 1;
    const edges = this.edges;
    if (hi - lo < 8) {
      for (; lo <= hi; lo++) if (edges[lo * 2] === c) return edges[lo * 2 + 1] as number;
      return NONE;
    }
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = edges[mid * 2] as number;
      if (m === c) return edges[mid * 2 + 1] as number;
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
    const nodes = this.nodes;
    const outIds = this.outIds;
    const rootNext = this.rootNext;
    let nFound = 0;
    for (let k = 0; k < this.alwaysIds.length; k++) {
      const id = this.alwaysIds[k] as number;
      if (marks[id] !== stamp) {
        marks[id] = stamp;
        found[nFound++] = id;
      }
    }
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
        s = nodes[s * NODE_FIELDS + FAIL] as number;
      }
      let o = nodes[s * NODE_FIELDS + OUT_LINK] as number;
      while (o > 0) {
        const base = o * NODE_FIELDS;
        const end = nodes[base + OUT_END] as number;
        for (let k = nodes[base + OUT_START] as number; k < end; k++) {
          const id = outIds[k] as number;
          if (marks[id] !== stamp) {
            marks[id] = stamp;
            found[nFound++] = id;
          }
        }
        o = nodes[(nodes[base + FAIL] as number) * NODE_FIELDS + OUT_LINK] as number;
      }
    }
    this.foundCount = nFound;
    return nFound;
  }
}
