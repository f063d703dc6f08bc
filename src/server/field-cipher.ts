/**
 * Sensitive fields at rest (`server.sensitive_fields`, e.g. `user.email`, `url.query`): each value is
 * replaced, before the event is stored, by `weft-enc:v1:<key id>:<base64url(iv | tag | ciphertext)>`,
 * AES-256-GCM over the value's JSON with the event id and field path as associated data (a
 * ciphertext moved to another event or field does not decrypt). When an event carries any sensitive
 * field, its `event.original` is encrypted the same way, since the raw record holds the same values.
 *
 * Keys: `WEFT_FIELD_KEY` (base64 of 32 bytes), or a key file (`server.field_key_file` or
 * `WEFT_FIELD_KEY_FILE`) with one base64 key per line, the first being current and the others kept
 * only to decrypt. Rotation: put a new key first, then `weft fields rekey` re-encrypts every stored
 * value under it; the old lines can then go. A key's id is the start of its SHA-256, so ids never
 * need managing.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { WeftEvent } from '../event/model.js';

const PREFIX = 'weft-enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class FieldKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldKeyError';
  }
}

export interface FieldKey {
  id: string;
  key: Buffer;
}

export function fieldKey(base64: string, where: string): FieldKey {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new FieldKeyError(`${where}: a field key must be 32 bytes in base64 (44 characters), got ${key.length} bytes`);
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 12), key };
}

/** The configured keys, current first; empty when none is configured. */
export function loadFieldKeys(opts: { env?: NodeJS.ProcessEnv; keyFile?: string }): FieldKey[] {
  const env = opts.env ?? process.env;
  const file = opts.keyFile ?? env.WEFT_FIELD_KEY_FILE;
  const keys: FieldKey[] = [];
  if (env.WEFT_FIELD_KEY) keys.push(fieldKey(env.WEFT_FIELD_KEY, 'WEFT_FIELD_KEY'));
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new FieldKeyError(`cannot read the field key file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    text.split('\n').forEach((line, i) => {
      const l = line.trim();
      if (l === '' || l.startsWith('#')) return;
      keys.push(fieldKey(l, `${file}:${i + 1}`));
    });
  }
  return keys;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The object holding the last segment of a path, and that segment; creates nothing. */
function holder(e: Rec, path: readonly string[]): [Rec, string] | undefined {
  let cur: unknown = e;
  for (let i = 0; i < path.length - 1; i++) {
    if (!isRec(cur)) return undefined;
    cur = cur[path[i] as string];
  }
  return isRec(cur) ? [cur, path[path.length - 1] as string] : undefined;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

export class FieldCipher {
  /** Paths split once, at construction. `event.original` is handled separately. */
  private readonly paths: string[][];
  private readonly byId: Map<string, Buffer>;

  constructor(readonly fields: readonly string[], private readonly keys: readonly FieldKey[]) {
    if (fields.length > 0 && keys.length === 0) {
      throw new FieldKeyError('server.sensitive_fields is set but no field key is configured: set WEFT_FIELD_KEY or server.field_key_file');
    }
    this.paths = fields.filter((f) => f !== 'event.original').map((f) => f.split('.'));
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get enabled(): boolean {
    return this.paths.length > 0 || this.fields.includes('event.original');
  }

  get currentKeyId(): string | undefined {
    return this.keys[0]?.id;
  }

  static isCiphertext(v: unknown): v is string {
    return typeof v === 'string' && v.startsWith(PREFIX);
  }

  private seal(value: unknown, aad: string): string {
    const k = this.keys[0] as FieldKey;
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', k.key, iv);
    c.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([c.update(JSON.stringify(value) ?? 'null', 'utf8'), c.final()]);
    return `${PREFIX}${k.id}:${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64url')}`;
  }

  /** The key id a ciphertext was made with. */
  static keyIdOf(v: string): string {
    return v.slice(PREFIX.length, v.indexOf(':', PREFIX.length));
  }

  private open(v: string, aad: string): unknown {
    const kid = FieldCipher.keyIdOf(v);
    const key = this.byId.get(kid);
    if (!key) throw new FieldKeyError(`no configured key has id ${kid}; was a key removed before \`weft fields rekey\` ran?`);
    const buf = Buffer.from(v.slice(PREFIX.length + kid.length + 1), 'base64url');
    if (buf.length < IV_BYTES + TAG_BYTES) throw new FieldKeyError('ciphertext is truncated');
    const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return JSON.parse(Buffer.concat([d.update(buf.subarray(IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8'));
    } catch (err) {
      throw new FieldKeyError(`a sensitive field does not decrypt (tampered, moved, or wrong key): ${(err as Error).message}`);
    }
  }

  private aad(e: WeftEvent, path: string): string {
    return `${e.weft.id}\0${path}`;
  }

  /** Encrypt the configured fields in place. Returns how many values were encrypted. */
  encryptEvent(e: WeftEvent): number {
    let n = 0;
    const rec = e as unknown as Rec;
    for (const p of this.paths) {
      const h = holder(rec, p);
      if (!h) continue;
      const [obj, key] = h;
      const v = obj[key];
      if (v === undefined || FieldCipher.isCiphertext(v)) continue;
      obj[key] = this.seal(v, this.aad(e, p.join('.')));
      n++;
    }
    const ev = rec.event;
    if ((n > 0 || this.fields.includes('event.original')) && isRec(ev) && typeof ev.original === 'string' && !FieldCipher.isCiphertext(ev.original)) {
      ev.original = this.seal(ev.original, this.aad(e, 'event.original'));
      n++;
    }
    return n;
  }

  private allPaths(): string[][] {
    return [...this.paths, ['event', 'original']];
  }

  /** A copy with every encrypted value replaced by its plaintext. */
  decryptEvent(e: WeftEvent): WeftEvent {
    const out = clone(e);
    const rec = out as unknown as Rec;
    for (const p of this.allPaths()) {
      const h = holder(rec, p);
      if (!h) continue;
      const [obj, key] = h;
      const v = obj[key];
      if (FieldCipher.isCiphertext(v)) obj[key] = this.open(v, this.aad(out, p.join('.')));
    }
    return out;
  }

  /** A copy without the encrypted values; `weft.redacted` lists the withheld fields. */
  redactEvent(e: WeftEvent): WeftEvent {
    const out = clone(e);
    const rec = out as unknown as Rec;
    const withheld: string[] = [];
    for (const p of this.allPaths()) {
      const h = holder(rec, p);
      if (!h) continue;
      const [obj, key] = h;
      if (FieldCipher.isCiphertext(obj[key])) {
        delete obj[key];
        withheld.push(p.join('.'));
      }
    }
    if (withheld.length > 0) (out.weft as unknown as Rec).redacted = withheld;
    return out;
  }

  /** Re-encrypt values made with an older key under the current one, in place. Returns how many. */
  rekeyEvent(e: WeftEvent): number {
    const current = this.currentKeyId;
    let n = 0;
    const rec = e as unknown as Rec;
    for (const p of this.allPaths()) {
      const h = holder(rec, p);
      if (!h) continue;
      const [obj, key] = h;
      const v = obj[key];
      if (!FieldCipher.isCiphertext(v) || FieldCipher.keyIdOf(v) === current) continue;
      const path = p.join('.');
      obj[key] = this.seal(this.open(v, this.aad(e, path)), this.aad(e, path));
      n++;
    }
    return n;
  }
}
