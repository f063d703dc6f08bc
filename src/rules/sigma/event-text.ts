/**
 * The string values of an event, for keyword searches (a detection list without field names).
 *
 * Skipped: `event.original` and `weft.*`. The original record repeats the parsed values in its wire
 * format's escaping (JSON doubles backslashes, XML uses entities), so a keyword like `C:\Windows\`
 * would match or not depending on the source format; the normalized values are format-independent.
 * `weft.*` is Weft's own bookkeeping (ids, source paths), not evidence. Skipping both also keeps the
 * walk short. Numbers and booleans count as their text, as they would in a raw log line.
 *
 * The view is computed once per event object and cached (WeakMap), so any number of keyword rules
 * share one walk. Events must not be mutated after evaluation starts.
 */
export interface EventText {
  /** Every string value, as written. */
  raw: string[];
  /** The same, lowercased. */
  lower: string[];
  /** `lower` joined with NUL, for a single `includes` per plain needle. */
  joinedLower: string;
}

const cache = new WeakMap<object, EventText>();
const MAX_DEPTH = 32;

function walk(node: unknown, out: string[], depth: number, top: boolean, underEvent: boolean): void {
  if (depth > MAX_DEPTH) return;
  if (typeof node === 'string') {
    out.push(node);
    return;
  }
  if (typeof node === 'number' || typeof node === 'boolean' || typeof node === 'bigint') {
    out.push(String(node));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const el of node) walk(el, out, depth + 1, false, false);
    return;
  }
  for (const key in node as Record<string, unknown>) {
    if (top && (key === 'weft' || key === 'event.original' || key.startsWith('weft.'))) continue;
    if (underEvent && key === 'original') continue;
    walk((node as Record<string, unknown>)[key], out, depth + 1, false, top && key === 'event');
  }
}

export function eventText(event: unknown): EventText {
  if (event === null || typeof event !== 'object') {
    const raw: string[] = [];
    walk(event, raw, 0, true, false);
    const lower = raw.map((s) => s.toLowerCase());
    return { raw, lower, joinedLower: lower.join('\u0000') };
  }
  let t = cache.get(event);
  if (t === undefined) {
    const raw: string[] = [];
    walk(event, raw, 0, true, false);
    const lower = raw.map((s) => s.toLowerCase());
    t = { raw, lower, joinedLower: lower.join('\u0000') };
    cache.set(event, t);
  }
  return t;
}
