/**
 * The string values of an event, for keyword searches (a detection list without field names).
 *
 * Skipped: `event.original` and `weft.*`. The original record repeats the parsed values in its wire
 * format's escaping (JSON doubles backslashes, XML uses entities), so a keyword like `C:\Windows\`
 * would match or not depending on the source format; the normalized values are format-independent.
 * `weft.*` is Weft's own bookkeeping (ids, source paths), not evidence. Skipping both also keeps the
 * walk short. Numbers and booleans count as their text, as they would in a raw log line. A value
 * repeated (ECS copies EventData into process.*, related.*) is listed once.
 *
 * The view is computed once per event object (the last one is kept), so any number of keyword rules
 * share one walk. Events must not be mutated after evaluation starts.
 */
export interface EventText {
  /** Every string value, as written. */
  raw: string[];
  /** The same, lowercased. */
  lower: string[];
  /** `lower` joined with NUL, for a single `includes` per plain needle. */
  joinedLower: string;
  /**
   * True when the walk stopped at MAX_DEPTH somewhere: some values are missing from the view, so a
   * prefilter must not conclude from it that a literal is absent.
   */
  truncated: boolean;
}

/**
 * The view of the event being evaluated. Rules run one event at a time, so one entry shares the walk
 * among all keyword rules and the prefilter; a WeakMap per event cost more in garbage collection
 * (every event an ephemeron) than it saved.
 */
let lastEvent: object | undefined;
let lastText: EventText | undefined;
const MAX_DEPTH = 32;

interface Walk {
  out: string[];
  /** Strings already in `out`: ECS repeats values (event_data.Image and process.executable), and
   *  every search here is "does any string match", so a repeat adds nothing but length. */
  seen: Set<string>;
  truncated: boolean;
}

function add(w: Walk, s: string): void {
  if (w.seen.has(s)) return;
  w.seen.add(s);
  w.out.push(s);
}

function walk(node: unknown, w: Walk, depth: number, top: boolean, underEvent: boolean): void {
  if (depth > MAX_DEPTH) {
    if (node !== null && node !== undefined) w.truncated = true;
    return;
  }
  if (typeof node === 'string') {
    add(w, node);
    return;
  }
  if (typeof node === 'number' || typeof node === 'boolean' || typeof node === 'bigint') {
    add(w, String(node));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const el of node) walk(el, w, depth + 1, false, false);
    return;
  }
  for (const key in node as Record<string, unknown>) {
    if (top && (key === 'weft' || key === 'event.original' || key.startsWith('weft.'))) continue;
    if (underEvent && key === 'original') continue;
    walk((node as Record<string, unknown>)[key], w, depth + 1, false, top && key === 'event');
  }
}

function build(event: unknown): EventText {
  const w: Walk = { out: [], seen: new Set(), truncated: false };
  walk(event, w, 0, true, false);
  const raw = w.out;
  const lower = raw.map((s) => s.toLowerCase());
  return { raw, lower, joinedLower: lower.join('\u0000'), truncated: w.truncated };
}

export function eventText(event: unknown): EventText {
  if (event === null || typeof event !== 'object') return build(event);
  if (event === lastEvent && lastText !== undefined) return lastText;
  const t = build(event);
  lastEvent = event;
  lastText = t;
  return t;
}
