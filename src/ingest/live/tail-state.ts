/**
 * Where file tailing keeps its positions: per followed path, the files it is reading (the live one and
 * any rotated one still draining), each as file identity (dev:ino), committed offset and a fingerprint
 * of the file's first bytes (so a reused inode or a file rewritten in place is told apart).
 * Two backends: a JSON file in the data dir (written atomically) and the store's checkpoints table.
 */
import { open, readFile, rename } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../../store/types.js';

export interface FilePosition {
  /** `dev:ino` of the file. */
  fileId: string;
  /** Byte offset after the last committed record. */
  offset: number;
  /** Bytes the fingerprint covers (the first min(size, 1024) bytes when last seen). */
  fpLen: number;
  /** SHA-256 (hex) of the first fpLen bytes. */
  fp: string;
}

export interface PathState {
  sourceId: string;
  /** Oldest first; the last one is the file the path named when saved. */
  files: FilePosition[];
}

export interface TailState {
  version: 1;
  paths: Record<string, PathState>;
}

export interface TailStateStore {
  /** What `save` last wrote; an empty state when nothing was ever saved. */
  load(): Promise<TailState>;
  save(state: TailState): Promise<void>;
  /** Where the state lives, for messages. */
  readonly where: string;
}

/** The saved state is not readable: the tail will not guess positions (it could skip or repeat data). */
export class TailStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TailStateError';
  }
}

export function emptyTailState(): TailState {
  return { version: 1, paths: {} };
}

const isRec = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Check a parsed state document field by field. */
export function parseTailState(raw: unknown, where: string): TailState {
  const bad = (what: string): never => {
    throw new TailStateError(`tail state in ${where} is not valid (${what}); fix or remove it to start over`);
  };
  if (!isRec(raw) || raw.version !== 1 || !isRec(raw.paths)) return bad('expected {"version": 1, "paths": {...}}');
  const out = emptyTailState();
  for (const [path, v] of Object.entries(raw.paths)) {
    if (!isRec(v) || typeof v.sourceId !== 'string' || !Array.isArray(v.files)) return bad(`paths[${JSON.stringify(path)}]`);
    const files: FilePosition[] = [];
    for (const f of v.files) {
      if (!isRec(f) || typeof f.fileId !== 'string' || !/^\d+:\d+$/.test(f.fileId)
        || !Number.isSafeInteger(f.offset) || (f.offset as number) < 0
        || !Number.isSafeInteger(f.fpLen) || (f.fpLen as number) < 0 || (f.fpLen as number) > 1024
        || typeof f.fp !== 'string' || !/^[0-9a-f]{64}$/.test(f.fp)) {
        return bad(`paths[${JSON.stringify(path)}].files`);
      }
      files.push({ fileId: f.fileId, offset: f.offset as number, fpLen: f.fpLen as number, fp: f.fp });
    }
    out.paths[path] = { sourceId: v.sourceId, files };
  }
  return out;
}

/** A JSON file, replaced atomically (write, fsync, rename) so a crash leaves the old or the new state. */
export class FileTailStateStore implements TailStateStore {
  constructor(private readonly file: string) {}

  get where(): string {
    return this.file;
  }

  async load(): Promise<TailState> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyTailState();
      throw err;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new TailStateError(`tail state in ${this.file} is not JSON; fix or remove it to start over`);
    }
    return parseTailState(raw, this.file);
  }

  async save(state: TailState): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(`${JSON.stringify(state)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
  }
}

/** The store's checkpoints table (`tail` by default): positions live and die with the events they describe. */
export class CheckpointTailStateStore implements TailStateStore {
  constructor(private readonly store: Store, private readonly name = 'tail') {}

  get where(): string {
    return `the store checkpoint '${this.name}'`;
  }

  async load(): Promise<TailState> {
    const cp = await this.store.loadCheckpoint(this.name);
    if (cp === undefined) return emptyTailState();
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(cp.state).toString('utf8'));
    } catch {
      throw new TailStateError(`tail state in ${this.where} is not JSON`);
    }
    return parseTailState(raw, this.where);
  }

  async save(state: TailState): Promise<void> {
    await this.store.saveCheckpoint({ name: this.name, position: 0, state: Buffer.from(JSON.stringify(state), 'utf8') });
  }
}

/**
 * The one in-memory copy of the state that every tail of a process updates; saves are serialized and
 * coalesced (a save requested while one runs is folded into the next).
 */
export class TailStateKeeper {
  private state: TailState = emptyTailState();
  private saving: Promise<void> | undefined;
  private again = false;

  constructor(readonly backend: TailStateStore) {}

  async load(): Promise<void> {
    this.state = await this.backend.load();
  }

  get(path: string): PathState | undefined {
    return this.state.paths[path];
  }

  set(path: string, s: PathState): void {
    this.state.paths[path] = s;
  }

  /** Resolves once a save that includes every change made before the call is durable. */
  async save(): Promise<void> {
    if (this.saving) {
      this.again = true;
      while (this.saving) await this.saving;
      if (!this.again) return;
    }
    this.again = false;
    const snapshot: TailState = { version: 1, paths: { ...this.state.paths } };
    this.saving = this.backend.save(snapshot).finally(() => { this.saving = undefined; });
    await this.saving;
  }
}
