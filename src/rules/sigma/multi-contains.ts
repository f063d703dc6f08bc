/**
 * "Does the text contain any of these needles?" for long needle lists (hash lists, tool names).
 * Each needle is keyed by a hash of its last W characters; the text is scanned once, hashing the W
 * characters ending at each position, and only needles with that key are verified. Building is one
 * Map insert per needle (thousands of hashes compile in a millisecond, where an Aho-Corasick trie
 * took hundreds), and matching does one Map lookup per text position instead of one `includes` per
 * needle. Needles shorter than MIN_WINDOW are checked with `includes` (few, and short).
 */
const MAX_WINDOW = 8;
const MIN_WINDOW = 4;

function hashAt(s: string, from: number, w: number): number {
  let h = 0;
  for (let i = from; i < from + w; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

export function compileContainsAny(needles: string[]): (text: string) => boolean {
  const unique = [...new Set(needles)];
  if (unique.some((n) => n.length === 0)) return () => true; // the empty needle is in every text
  const short = unique.filter((n) => n.length < MIN_WINDOW);
  const long = unique.filter((n) => n.length >= MIN_WINDOW);
  const w = Math.min(MAX_WINDOW, ...long.map((n) => n.length));
  const table = new Map<number, string[]>();
  for (const n of long) {
    const h = hashAt(n, n.length - w, w);
    const list = table.get(h);
    if (list === undefined) table.set(h, [n]);
    else list.push(n);
  }
  return (text) => {
    for (const n of short) if (text.includes(n)) return true;
    if (long.length === 0) return false;
    for (let end = w; end <= text.length; end++) {
      const candidates = table.get(hashAt(text, end - w, w));
      if (candidates === undefined) continue;
      for (const n of candidates) {
        const start = end - n.length;
        if (start >= 0 && text.startsWith(n, start)) return true;
      }
    }
    return false;
  };
}
