/**
 * Value modifiers (sigma-appendix-modifiers.md), applied in the order written, as pySigma does.
 * The result is resolver-independent: a detection item's values as typed match specifications.
 * `expand` placeholders stay as placeholder parts until compile time, when their values are known.
 */
import { parseCidr, type Cidr } from './ip.js';
import type { RegexFlags } from './regex.js';
import { compileRegex } from './regex.js';
import {
  hasPlaceholders,
  hasWildcards,
  normalizeParts,
  parseSigmaString,
  plainText,
  surroundWithAny,
  type StringPart,
} from './wildcard.js';

export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';

/** One value of a detection item after modifiers. */
export type SigmaValue =
  | { t: 'str'; parts: StringPart[]; cased: boolean }
  | { t: 'num'; n: number; text: string }
  | { t: 'bool'; b: boolean }
  | { t: 'null' }
  | { t: 're'; source: string; flags: RegexFlags }
  | { t: 'cidr'; cidr: Cidr }
  | { t: 'cmp'; op: CompareOp; n: number }
  | { t: 'exists'; exists: boolean }
  | { t: 'time'; part: TimePart; n: number }
  | { t: 'fieldref'; field: string; start: boolean; end: boolean };

/** A YAML scalar as written: its typed value and, for numbers, the source text (`0x17` stays `0x17`). */
export interface RawScalar {
  value: string | number | boolean | null;
  text: string;
}

/** A detection item: `field|mods: values`. `values[i]` is one written value, expanded to alternatives. */
export interface DetectionItem {
  /** null for keyword items (plain lists, or `'|all':` keys). */
  field: string | null;
  modifiers: string[];
  values: SigmaValue[][];
  /** How written values combine: OR, or AND with `|all`. Alternatives of one value always OR. */
  link: 'and' | 'or';
  /** `neq`: the item matches when the field does not match any value (also when it is missing). */
  negated: boolean;
  line: number;
}

export class ModifierError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModifierError';
  }
}

export const KNOWN_MODIFIERS: ReadonlySet<string> = new Set([
  'all', 'contains', 'startswith', 'endswith', 'exists', 'cased', 'neq', 'windash',
  're', 'i', 'ignorecase', 'm', 'multiline', 's', 'dotall',
  'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide',
  'lt', 'lte', 'gt', 'gte', 'minute', 'hour', 'day', 'week', 'month', 'year',
  'cidr', 'expand', 'fieldref',
]);

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const WORD = /[\p{L}\p{N}_]/u;

function describe(v: SigmaValue): string {
  switch (v.t) {
    case 'str': return 'string';
    case 'num': return 'number';
    case 'bool': return 'boolean';
    case 'null': return 'null';
    case 're': return 'regular expression';
    case 'cidr': return 'CIDR network';
    case 'cmp': return 'numeric comparison';
    case 'exists': return 'exists check';
    case 'time': return 'timestamp part';
    case 'fieldref': return 'field reference';
  }
}

function initial(s: RawScalar): SigmaValue {
  if (s.value === null) return { t: 'null' };
  if (typeof s.value === 'boolean') return { t: 'bool', b: s.value };
  if (typeof s.value === 'number') return { t: 'num', n: s.value, text: s.text };
  return { t: 'str', parts: parseSigmaString(s.value), cased: false };
}

/**
 * String modifiers on a number use its written form (`EventID|startswith: 46`): pySigma would
 * reject the type, but the intent is unambiguous and SigmaHQ-style rules rely on text semantics.
 */
function asString(v: SigmaValue, mod: string): Extract<SigmaValue, { t: 'str' }> {
  if (v.t === 'str') return v;
  if (v.t === 'num') return { t: 'str', parts: parseSigmaString(v.text), cased: false };
  throw new ModifierError(`modifier '${mod}' needs a string value, got a ${describe(v)}`);
}

function mapLiterals(v: Extract<SigmaValue, { t: 'str' }>, f: (s: string) => string): SigmaValue {
  return { ...v, parts: normalizeParts(v.parts.map((p) => (p.t === 'lit' ? { t: 'lit', s: f(p.s) } : p))) };
}

/** Encode each character as UTF-16 and read the bytes back as UTF-8, as pySigma does (ASCII only in practice). */
function utf16AsText(s: string, be: boolean, mod: string): string {
  const buf = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (be) buf.writeUInt16BE(c, i * 2);
    else buf.writeUInt16LE(c, i * 2);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new ModifierError(`modifier '${mod}' only applies to ASCII strings, '${s}' is not one`);
  }
}

function plainBytes(v: Extract<SigmaValue, { t: 'str' }>, mod: string, applied: string[]): Buffer {
  if (hasWildcards(v.parts) || hasPlaceholders(v.parts)) {
    throw new ModifierError(`modifier '${mod}' cannot encode a value with wildcards or placeholders`);
  }
  let data = Buffer.from(plainText(v.parts), 'utf8');
  // After `utf16` the BOM is U+FEFF (UTF-8: EF BB BF); base64 must see the UTF-16LE BOM FF FE.
  if (applied.includes('utf16') && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
    data = Buffer.concat([Buffer.from([0xff, 0xfe]), data.subarray(3)]);
  }
  return data;
}

function lit(s: string, cased: boolean): SigmaValue {
  return { t: 'str', parts: s.length > 0 ? [{ t: 'lit', s }] : [], cased };
}

/** base64offset: the three encodings of the value shifted by 0, 1, 2 bytes, cut to their stable middle. */
export function base64Offsets(data: Buffer): string[] {
  const start = [0, 2, 3];
  const endCut = [0, 3, 2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, 0x20), data]).toString('base64');
    const cut = endCut[(data.length + i) % 3] as number;
    out.push(enc.slice(start[i] as number, cut === 0 ? enc.length : enc.length - cut));
  }
  return out;
}

/** Most alternatives one written value may expand to (windash is 5^n in the number of flags). */
export const MAX_EXPANSION = 4096;

/** windash: every `-` or `/` that starts a word after a non-word character, in all five dash forms. */
export function windashVariants(parts: StringPart[]): StringPart[][] {
  let variants: StringPart[][] = [[]];
  for (const p of parts) {
    if (p.t !== 'lit') {
      variants = variants.map((v) => [...v, p]);
      continue;
    }
    const s = p.s;
    const pieces: Array<string | null> = [];
    let acc = '';
    for (let i = 0; i < s.length; i++) {
      const c = s[i] as string;
      const before = i === 0 || !WORD.test(s[i - 1] as string);
      const after = i + 1 < s.length && WORD.test(s[i + 1] as string);
      if ((c === '-' || c === '/') && before && after) {
        pieces.push(acc, null);
        acc = '';
      } else {
        acc += c;
      }
    }
    pieces.push(acc);
    const flags = pieces.filter((x) => x === null).length;
    if (variants.length * DASHES.length ** flags > MAX_EXPANSION) {
      throw new ModifierError(`windash would expand the value to more than ${MAX_EXPANSION} variants (${flags} dashes)`);
    }
    let texts = [''];
    for (const piece of pieces) {
      if (piece === null) texts = texts.flatMap((t) => DASHES.map((d) => t + d));
      else texts = texts.map((t) => t + piece);
    }
    variants = variants.flatMap((v) => texts.map((t) => [...v, { t: 'lit', s: t } as StringPart]));
  }
  return variants.map(normalizeParts);
}

/** `%name%` placeholders in literal parts; `\%` is a plain percent sign. */
function insertPlaceholders(parts: StringPart[]): StringPart[] {
  const out: StringPart[] = [];
  for (const p of parts) {
    if (p.t !== 'lit') {
      out.push(p);
      continue;
    }
    const s = p.s;
    let acc = '';
    for (let i = 0; i < s.length; i++) {
      const c = s[i] as string;
      if (c === '\\' && s[i + 1] === '%') {
        acc += '%';
        i++;
        continue;
      }
      if (c === '%') {
        const m = /^%([A-Za-z0-9_.-]+)%/.exec(s.slice(i));
        if (m !== null) {
          if (acc) out.push({ t: 'lit', s: acc });
          acc = '';
          out.push({ t: 'ph', name: m[1] as string });
          i += m[0].length - 1;
          continue;
        }
      }
      acc += c;
    }
    if (acc) out.push({ t: 'lit', s: acc });
  }
  return normalizeParts(out);
}

function applyOne(mod: string, v: SigmaValue, applied: string[], field: string | null): SigmaValue[] {
  switch (mod) {
    case 'contains':
    case 'startswith':
    case 'endswith': {
      if (v.t === 're') return [v]; // regexes already search anywhere in the value
      if (v.t === 'fieldref') {
        return [{ ...v, start: v.start || mod !== 'endswith', end: v.end || mod !== 'startswith' }];
      }
      const s = asString(v, mod);
      return [{ ...s, parts: surroundWithAny(s.parts, mod !== 'startswith', mod !== 'endswith') }];
    }
    case 'cased':
      return [{ ...asString(v, mod), cased: true }];
    case 'windash': {
      const s = asString(v, mod);
      return windashVariants(s.parts).map((parts) => ({ ...s, parts }));
    }
    case 'base64':
      return [lit(plainBytes(asString(v, mod), mod, applied).toString('base64'), asString(v, mod).cased)];
    case 'base64offset': {
      const s = asString(v, mod);
      return base64Offsets(plainBytes(s, mod, applied)).map((e) => lit(e, s.cased));
    }
    case 'wide':
    case 'utf16le':
      return [mapLiterals(asString(v, mod), (x) => utf16AsText(x, false, mod))];
    case 'utf16be':
      return [mapLiterals(asString(v, mod), (x) => utf16AsText(x, true, mod))];
    case 'utf16': {
      const s = mapLiterals(asString(v, mod), (x) => utf16AsText(x, false, mod)) as Extract<SigmaValue, { t: 'str' }>;
      return [{ ...s, parts: normalizeParts([{ t: 'lit', s: '\ufeff' }, ...s.parts]) }];
    }
    case 're': {
      if (applied.length > 0) throw new ModifierError(`modifier 're' must come first (after '${applied.join('|')}')`);
      throw new ModifierError('internal: re handled by caller');
    }
    case 'i':
    case 'ignorecase':
    case 'm':
    case 'multiline':
    case 's':
    case 'dotall': {
      if (v.t !== 're') throw new ModifierError(`regex flag modifier '${mod}' needs 're' before it`);
      const key = mod[0] === 'i' ? 'i' : mod[0] === 'm' ? 'm' : 's';
      return [{ ...v, flags: { ...v.flags, [key]: true } }];
    }
    case 'cidr': {
      if (applied.length > 0) throw new ModifierError(`modifier 'cidr' only applies to unmodified values (after '${applied.join('|')}')`);
      const s = asString(v, mod);
      if (hasWildcards(s.parts) || hasPlaceholders(s.parts)) throw new ModifierError(`cidr value '${plainText(s.parts)}' contains wildcards`);
      try {
        return [{ t: 'cidr', cidr: parseCidr(plainText(s.parts)) }];
      } catch (e) {
        throw new ModifierError((e as Error).message);
      }
    }
    case 'exists': {
      if (field === null) throw new ModifierError("modifier 'exists' must be applied to a field");
      if (applied.length > 0) throw new ModifierError(`modifier 'exists' only applies to unmodified values (after '${applied.join('|')}')`);
      if (v.t !== 'bool') throw new ModifierError(`modifier 'exists' needs true or false, got a ${describe(v)}`);
      return [{ t: 'exists', exists: v.b }];
    }
    case 'fieldref': {
      if (field === null) throw new ModifierError("modifier 'fieldref' must be applied to a field");
      const s = asString(v, mod);
      if (hasWildcards(s.parts) || hasPlaceholders(s.parts)) throw new ModifierError('field references must not contain wildcards');
      return [{ t: 'fieldref', field: plainText(s.parts), start: false, end: false }];
    }
    case 'expand': {
      const s = asString(v, mod);
      return [{ ...s, parts: insertPlaceholders(s.parts) }];
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return [{ t: 'cmp', op: mod, n: numberOf(v, mod) }];
    case 'minute':
    case 'hour':
    case 'day':
    case 'week':
    case 'month':
    case 'year':
      return [{ t: 'time', part: mod, n: numberOf(v, mod) }];
    default:
      throw new ModifierError(`unknown modifier '${mod}'`);
  }
}

function numberOf(v: SigmaValue, mod: string): number {
  if (v.t === 'num') return v.n;
  if (v.t === 'str' && !hasWildcards(v.parts)) {
    const text = plainText(v.parts).trim();
    if (text !== '' && Number.isFinite(Number(text))) return Number(text);
  }
  throw new ModifierError(`modifier '${mod}' needs a number, got a ${describe(v)}`);
}

/** Parse `Field|mod1|mod2` into its field (null for keywords) and modifiers. */
export function splitFieldKey(key: string): { field: string | null; modifiers: string[] } {
  const [field, ...modifiers] = key.split('|');
  return { field: field === '' || field === undefined ? null : field, modifiers };
}

/** Build a detection item, applying modifiers in order. Throws ModifierError naming the problem. */
export function buildItem(key: string, raws: RawScalar[], line: number): DetectionItem {
  const { field, modifiers } = splitFieldKey(key);
  if (raws.length === 0) throw new ModifierError(`'${key}' has an empty value list`);
  if (raws.length > 1 && raws.some((r) => r.value === null)) {
    throw new ModifierError(`'${key}': null cannot be part of a list of values (use a separate selection)`);
  }
  for (const m of modifiers) {
    if (m === '') throw new ModifierError(`'${key}' has an empty modifier`);
    if (!KNOWN_MODIFIERS.has(m)) throw new ModifierError(`unknown modifier '${m}' in '${key}'`);
  }
  const item: DetectionItem = { field, modifiers, values: [], link: 'or', negated: false, line };
  for (const raw of raws) {
    let alts: SigmaValue[] = [initial(raw)];
    const applied: string[] = [];
    for (const m of modifiers) {
      if (m === 'all') {
        item.link = 'and';
        continue;
      }
      if (m === 'neq') {
        item.negated = true;
        continue;
      }
      if (m === 're') {
        if (applied.length > 0) throw new ModifierError(`modifier 're' only applies to unmodified values (after '${applied.join('|')}') in '${key}'`);
        alts = alts.map((v) => {
          if (v.t !== 'str' && v.t !== 'num') throw new ModifierError(`modifier 're' needs a string value, got a ${describe(v)} in '${key}'`);
          const source = typeof raw.value === 'string' ? raw.value : raw.text;
          return { t: 're', source, flags: { i: false, m: false, s: false } };
        });
      } else {
        try {
          alts = alts.flatMap((v) => applyOne(m, v, applied, field));
        } catch (e) {
          if (e instanceof ModifierError) throw new ModifierError(`${e.message} in '${key}'`);
          throw e;
        }
      }
      applied.push(m);
    }
    for (const v of alts) {
      if (v.t === 're') {
        try {
          compileRegex(v.source, v.flags);
        } catch (e) {
          throw new ModifierError(`${(e as Error).message} in '${key}'`);
        }
      }
      if (v.t === 'null' && modifiers.some((m) => m !== 'neq' && m !== 'all')) {
        throw new ModifierError(`null value cannot take modifiers in '${key}'`);
      }
    }
    item.values.push(alts);
  }
  if (field === null && item.values.some((alts) => alts.some((v) => v.t !== 'str' && v.t !== 're' && v.t !== 'num'))) {
    throw new ModifierError(`keyword search '${key}' only takes strings, numbers or regular expressions`);
  }
  return item;
}
