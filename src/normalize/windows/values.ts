/**
 * Small value helpers shared by the Windows mappers. Windows renders most EventData values as
 * strings, with "-" (or an empty string) standing for "no value"; these helpers turn them into
 * typed ECS values or `undefined`.
 */
import { isIP } from 'node:net';
import { plainUtcIso } from '../../event/iso-time.js';

export type Rec = Record<string, unknown>;

export function isRecord(v: unknown): v is Rec {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A meaningful string: not empty, not Windows' "-" placeholder. */
export function present(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const n = v.length;
  if (n === 0) return undefined;
  // Printable ASCII at both ends (nearly every value) means trim() would change nothing: no call.
  const a = v.charCodeAt(0);
  const b = v.charCodeAt(n - 1);
  if (a > 0x20 && a < 0x7f && b > 0x20 && b < 0x7f) return n === 1 && a === 0x2d ? undefined : v;
  const t = v.trim();
  return t === '' || t === '-' ? undefined : v;
}

/** Decimal ("4556") or hex ("0x11cc") process/thread ids, as Security and Sysmon log them. */
export function parseId(v: string | undefined): number | undefined {
  const s = present(v)?.trim();
  if (s === undefined) return undefined;
  const hex = s.startsWith('0x') || s.startsWith('0X');
  const n = hex ? Number.parseInt(s.slice(2), 16) : Number(s);
  if (!Number.isSafeInteger(n) || n < 0) return undefined;
  if (hex && !HEX_DIGITS.test(s.slice(2))) return undefined;
  return n;
}

export function parsePort(v: string | undefined): number | undefined {
  const n = parseId(v);
  return n !== undefined && n <= 65535 ? n : undefined;
}

/** An IP address, with the IPv4-mapped IPv6 prefix Windows uses ("::ffff:10.0.0.1") removed. */
export function parseIp(v: string | undefined): string | undefined {
  let s = present(v)?.trim();
  if (s === undefined) return undefined;
  if (s.toLowerCase().startsWith('::ffff:') && isIP(s.slice(7)) === 4) s = s.slice(7);
  return isIP(s) === 0 ? undefined : s;
}

/**
 * Index of the last `\` or `/`, or -1. One walk back from the end, which stops at the file name,
 * instead of two lastIndexOf calls (a Windows path has no `/`, so that one read the whole path).
 */
function lastSeparator(path: string): number {
  let i = path.length - 1;
  for (; i >= 0; i--) {
    const c = path.charCodeAt(i);
    if (c === 0x5c || c === 0x2f) break;
  }
  return i;
}

/** Last path component of a Windows (or POSIX) path. */
export function baseName(path: string): string {
  const i = lastSeparator(path);
  return i < 0 ? path : path.slice(i + 1);
}

export function dirName(path: string): string | undefined {
  const i = lastSeparator(path);
  return i <= 0 ? undefined : path.slice(0, i);
}

export function extension(path: string): string | undefined {
  const name = baseName(path);
  const i = name.lastIndexOf('.');
  return i <= 0 || i === name.length - 1 ? undefined : name.slice(i + 1).toLowerCase();
}

const ZONE_SUFFIX = /[+-]\d\d:?\d\d$/;
const ISO_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;
const HEX_DIGITS = /^[0-9a-fA-F]+$/;

/**
 * Arguments of a Windows command line the way CommandLineToArgvW reads them: whitespace separates
 * arguments outside double quotes, quotes group and are dropped, `\"` is a literal quote and
 * backslashes elsewhere are literal (paths).
 */
export function splitArgs(commandLine: string): string[] {
  const args: string[] = [];
  let cur = '';
  let inArg = false;
  let quoted = false;
  // Plain characters are copied in runs (one slice per run) rather than one concatenation each.
  let run = 0;
  const n = commandLine.length;
  for (let i = 0; i < n; i++) {
    const c = commandLine.charCodeAt(i);
    if (c === 0x5c && commandLine.charCodeAt(i + 1) === 0x22) {
      cur += `${commandLine.slice(run, i)}"`;
      inArg = true;
      i++;
      run = i + 1;
    } else if (c === 0x22) {
      cur += commandLine.slice(run, i);
      if (quoted && commandLine.charCodeAt(i + 1) === 0x22) {
        cur += '"';
        i++;
      } else {
        quoted = !quoted;
      }
      inArg = true;
      run = i + 1;
    } else if (!quoted && (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) {
      cur += commandLine.slice(run, i);
      if (inArg) args.push(cur);
      cur = '';
      inArg = false;
      run = i + 1;
    } else {
      inArg = true;
    }
  }
  cur += commandLine.slice(run, n);
  if (inArg) args.push(cur);
  return args;
}

/**
 * An ISO 8601 instant in UTC with millisecond precision, or undefined. Accepts the 7-digit
 * fractions of Windows SystemTime and Sysmon's "YYYY-MM-DD HH:MM:SS.fff" UtcTime (always UTC).
 */
export function toIsoUtc(v: string | undefined): string | undefined {
  const s = present(v)?.trim();
  if (s === undefined) return undefined;
  // SystemTime and UtcTime are nearly always plain UTC: read them without Date.
  const plain = plainUtcIso(s);
  if (plain !== undefined) return plain;
  let t = s;
  if (t.length >= 19 && t[10] === ' ') t = `${t.slice(0, 10)}T${t.slice(11)}`;
  const hasZone = t.endsWith('Z') || t.endsWith('z') || ZONE_SUFFIX.test(t.slice(19));
  if (!hasZone) t = `${t}Z`;
  // Date parsing accepts at most millisecond fractions consistently: cut longer ones.
  const dot = t.indexOf('.', 19);
  if (dot === 19) {
    let end = dot + 1;
    while (end < t.length && t.charCodeAt(end) >= 48 && t.charCodeAt(end) <= 57) end++;
    if (end - dot - 1 > 3) t = t.slice(0, dot + 4) + t.slice(end);
  }
  if (!ISO_PREFIX.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export interface ParsedHashes {
  md5?: string;
  sha1?: string;
  sha256?: string;
  sha512?: string;
  imphash?: string;
}

/** Sysmon's `Hashes` ("SHA1=..,MD5=..,SHA256=..,IMPHASH=..") as lowercase hex values. */
export function parseHashes(v: string | undefined): ParsedHashes | undefined {
  const s = present(v);
  if (s === undefined) return undefined;
  const out: ParsedHashes = {};
  let any = false;
  // Walks the comma-separated parts by index rather than split(): no array and no part strings.
  const n = s.length;
  for (let start = 0; start <= n;) {
    let end = s.indexOf(',', start);
    if (end < 0) end = n;
    const eq = s.indexOf('=', start);
    if (eq > start && eq < end) {
      const algo = hashAlgo(s.slice(start, eq));
      const value = s.slice(eq + 1, end).trim().toLowerCase();
      if (value !== '' && algo !== undefined) {
        out[algo] = value;
        any = true;
      }
    }
    start = end + 1;
  }
  return any ? out : undefined;
}

/** The algorithm a `Hashes` key names (trimmed, any case), or undefined; Sysmon's spelling first. */
function hashAlgo(key: string): keyof ParsedHashes | undefined {
  switch (key) {
    case 'SHA1': return 'sha1';
    case 'MD5': return 'md5';
    case 'SHA256': return 'sha256';
    case 'IMPHASH': return 'imphash';
    case 'SHA512': return 'sha512';
  }
  const algo = key.trim().toLowerCase();
  return algo === 'md5' || algo === 'sha1' || algo === 'sha256' || algo === 'sha512' || algo === 'imphash' ? algo : undefined;
}

export { putOwn } from '../common/values.js';

/** Append to a de-duplicated list kept in insertion order. */
export function addUnique(list: string[], v: string | undefined): void {
  if (v !== undefined && v !== '' && !list.includes(v)) list.push(v);
}

/**
 * Results of a pure string function, kept for values seen again. Windows logs repeat the same
 * command lines and Sysmon `Hashes` values over and over (every run of a binary), and parsing them
 * costs far more than one lookup. Bounded in entries and in key length; cleared when full.
 *
 * Looked up by a fingerprint (the length and a sample of the characters), then confirmed by
 * comparing the whole string. The strings come fresh from JSON.parse on every event, so a Map keyed
 * by the string hashes every character of it each time: 0.25 us for a 150-character command line,
 * against 0.11 for the fingerprint and the compare.
 */
export class StringMemo<T> {
  private readonly map = new Map<number, MemoEntry<T>>();
  private size = 0;
  constructor(private readonly compute: (s: string) => T, private readonly maxEntries = 4096, private readonly maxKeyLength = 2048) {}

  get(s: string): T {
    if (s.length > this.maxKeyLength) return this.compute(s);
    const fp = fingerprint(s);
    let head = this.map.get(fp);
    for (let e = head; e !== undefined; e = e.next) if (e.key === s) return e.value;
    const value = this.compute(s);
    if (this.size >= this.maxEntries) {
      this.map.clear();
      this.size = 0;
      head = undefined;
    }
    this.map.set(fp, { key: s, value, next: head });
    this.size++;
    return value;
  }
}

interface MemoEntry<T> {
  key: string;
  value: T;
  /** Another string with the same fingerprint. */
  next: MemoEntry<T> | undefined;
}

/**
 * A small-integer fingerprint: every character of a short string; of a longer one, about 16 spread
 * over it and the last 8 (command lines of one binary often differ only at the end). Equal strings
 * have equal fingerprints; unequal ones may too, and are told apart by the compare.
 */
function fingerprint(s: string): number {
  const n = s.length;
  let h = n;
  if (n <= 24) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  } else {
    const step = n >>> 4;
    for (let i = 0; i < n; i += step) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    for (let i = n - 8; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  // Kept within V8's small integers, so the Map key is never a heap number.
  return h & 0x3fffffff;
}

const argsMemo = new StringMemo(splitArgs);
const hashesMemo = new StringMemo((s: string) => parseHashes(s) ?? NO_HASHES);
const NO_HASHES: ParsedHashes = Object.freeze({});

/** splitArgs, remembered per command line; each call gets its own array (it goes into the event). */
export function argsOf(commandLine: string): string[] {
  return argsMemo.get(commandLine).slice();
}

/** parseHashes, remembered per value. The result is shared: read it, never change it. */
export function hashesOf(v: string | undefined): Readonly<ParsedHashes> | undefined {
  if (v === undefined) return undefined;
  const h = hashesMemo.get(v);
  return h === NO_HASHES ? undefined : h;
}
