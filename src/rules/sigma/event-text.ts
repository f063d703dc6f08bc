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
  /** The same, lowercased (computed on first use: only keyword globs need it). */
  readonly lower: string[];
  /** `raw` joined with NUL and lowercased, for a single `includes` per plain needle. */
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

class View implements EventText {
  private lowered: string[] | undefined;
  constructor(
    readonly raw: string[],
    readonly joinedLower: string,
    readonly truncated: boolean,
  ) {}

  get lower(): string[] {
    // Per value: lowercasing the joined text and splitting it would be the same for every
    // character but the Greek final sigma, which depends on what follows it.
    this.lowered ??= this.raw.map((s) => s.toLowerCase());
    return this.lowered;
  }
}

/** Strings already listed: ECS repeats values (event_data.Image and process.executable), and every
 *  search here is "does any string match", so a repeat adds nothing but length. */
const seen = new Set<string>();
let truncated = false;

function add(out: string[], s: string): void {
  if (seen.has(s)) return;
  seen.add(s);
  out.push(s);
}

function walk(node: unknown, out: string[], depth: number): void {
  if (typeof node === 'string') {
    add(out, node);
    return;
  }
  if (typeof node === 'number' || typeof node === 'boolean' || typeof node === 'bigint') {
    add(out, String(node));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if (depth >= MAX_DEPTH) {
    truncated = true;
    return;
  }
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) walk(node[i], out, depth + 1);
    return;
  }
  for (const key in node as Record<string, unknown>) walk((node as Record<string, unknown>)[key], out, depth + 1);
}

/** The top level: `weft`, `weft.*` and `event.original` (nested or dotted) are left out. */
function walkTop(event: object, out: string[]): void {
  if (Array.isArray(event)) {
    walk(event, out, 0);
    return;
  }
  for (const key in event as Record<string, unknown>) {
    const v = (event as Record<string, unknown>)[key];
    if (key === 'weft' || key === 'event.original' || key.startsWith('weft.')) continue;
    if (key === 'event' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const k in v as Record<string, unknown>) if (k !== 'original') walk((v as Record<string, unknown>)[k], out, 2);
      continue;
    }
    walk(v, out, 1);
  }
}

function build(event: unknown): EventText {
  const out: string[] = [];
  truncated = false;
  try {
    if (event !== null && typeof event === 'object') walkTop(event, out);
    else walk(event, out, 0);
  } finally {
    seen.clear();
  }
  // One native call over the joined text instead of one per value: NUL is not a letter, so the
  // Greek final-sigma rule sees the same word ends either way.
  return new View(out, out.join('\u0000').toLowerCase(), truncated);
}

export function eventText(event: unknown): EventText {
  if (event === null || typeof event !== 'object') return build(event);
  if (event === lastEvent && lastText !== undefined) return lastText;
  const t = build(event);
  lastEvent = event;
  lastText = t;
  return t;
}

/**
 * Whether some value of the event being evaluated contains a lowercased literal, as the rule index
 * already found out (rule-set.ts sets this while its candidates' predicates run, on an event whose
 * every value it scanned): the index's values are this view's values, lowercased one by one, so
 * its answer is the keyword search's answer. undefined when the index did not look for that literal
 * (or no index is evaluating): the keyword search then builds the view.
 *
 * A keyword rule (`keywords: [drop, truncate, dump]`, often with no logsource condition) otherwise
 * joins and lowercases every value of every event it is a candidate for: about 10 us each.
 */
export const literalPresence: { has: ((literal: string) => boolean | undefined) | undefined } = { has: undefined };

/** Does some value contain `needle` (lowercased, no NUL)? From the index when it knows, else from the view. */
export function keywordPresent(event: unknown, needle: string): boolean {
  const known = literalPresence.has?.(needle);
  return known ?? eventText(event).joinedLower.includes(needle);
}

/** Does some value contain one of `needles`? From the index when it knows all of them, else undefined. */
export function anyKeywordKnown(needles: readonly string[]): boolean | undefined {
  const has = literalPresence.has;
  if (has === undefined) return undefined;
  let unknown = false;
  for (const n of needles) {
    const r = has(n);
    if (r === true) return true;
    if (r === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}
