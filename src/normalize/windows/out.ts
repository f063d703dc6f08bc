/** The ECS document a Windows mapper is building, with `related.*` collected on the side. */
import { addUnique, argsOf, baseName, dirName, extension, hashesOf, present, type Rec } from './values.js';

/**
 * `parent[key]` as an object, attached now (so at this point in key order) if it is not one yet:
 * what setting a dotted path through `key` does, without splitting a path string.
 */
export function section(parent: Rec, key: string): Rec {
  const cur = parent[key];
  if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) return cur as Rec;
  const created: Rec = {};
  parent[key] = created;
  return created;
}

/**
 * `parent[key]` if it is an object already, else undefined: for a writer that fills a section of
 * its own and attaches it only once it has a field, yet must write into one that is already there.
 */
export function sectionIfAny(parent: Rec, key: string): Rec | undefined {
  const cur = parent[key];
  return cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? cur as Rec : undefined;
}

/** Where the helpers below write: the section keys from the root (`['process', 'parent']`). */
export type SectionPath = readonly string[];
export const PROCESS: SectionPath = ['process'];
export const PARENT: SectionPath = ['process', 'parent'];
export const FILE: SectionPath = ['file'];

function sectionAt(doc: Rec, path: SectionPath): Rec {
  let cur = doc;
  for (let i = 0; i < path.length; i++) cur = section(cur, path[i] as string);
  return cur;
}

/*
 * `doc.a.b... = v` with sections attached on first use and undefined setting nothing: what setting
 * the dotted path "a.b..." does, with the keys given one by one (no path to split per field).
 */
export function put1(doc: Rec, a: string, v: unknown): void {
  if (v !== undefined) doc[a] = v;
}
export function put2(doc: Rec, a: string, b: string, v: unknown): void {
  if (v !== undefined) section(doc, a)[b] = v;
}
export function put3(doc: Rec, a: string, b: string, c: string, v: unknown): void {
  if (v !== undefined) section(section(doc, a), b)[c] = v;
}
export function put4(doc: Rec, a: string, b: string, c: string, e: string, v: unknown): void {
  if (v !== undefined) section(section(section(doc, a), b), c)[e] = v;
}

const HASH_ALGOS = ['md5', 'sha1', 'sha256', 'sha512'] as const;

export class EcsOut {
  /** `doc`: the event so far, when the caller built its fixed part as literals (see ecs.ts header). */
  constructor(readonly doc: Rec = {}) {}

  // Created on first use: most events fill one or two of them.
  private relatedUser: string[] | undefined;
  private relatedIp: string[] | undefined;
  private relatedHosts: string[] | undefined;
  private relatedHash: string[] | undefined;

  /** `<at>.executable`, `.name` from a path; a "-" placeholder sets nothing. */
  executable(at: SectionPath, path: string | undefined): void {
    const p = present(path);
    if (p === undefined) return;
    const s = sectionAt(this.doc, at);
    s.executable = p;
    s.name = baseName(p);
  }

  commandLine(at: SectionPath, cmd: string | undefined): void {
    const c = present(cmd);
    if (c === undefined) return;
    commandLineInto(sectionAt(this.doc, at), c);
  }

  /** `file.path`, `.name`, `.directory`, `.extension` under `at` (default `file`). */
  filePath(path: string | undefined, at: SectionPath = FILE): void {
    const p = present(path);
    if (p === undefined) return;
    const s = sectionAt(this.doc, at);
    s.path = p;
    s.name = baseName(p);
    const dir = dirName(p);
    if (dir !== undefined) s.directory = dir;
    const ext = extension(p);
    if (ext !== undefined) s.extension = ext;
  }

  /** Sysmon `Hashes` into `<at>.hash.*` and `<at>.pe.imphash`, and into related.hash. */
  hashes(at: SectionPath, value: string | undefined): void {
    const h = hashesOf(value);
    if (h === undefined) return;
    let hash: Rec | undefined;
    for (const algo of HASH_ALGOS) {
      const v = h[algo];
      if (v === undefined) continue;
      (hash ??= section(sectionAt(this.doc, at), 'hash'))[algo] = v;
      this.hash(v);
    }
    if (h.imphash !== undefined) {
      section(sectionAt(this.doc, at), 'pe').imphash = h.imphash;
      this.hash(h.imphash);
    }
  }

  user(name: string | undefined): void {
    const v = present(name);
    if (v !== undefined && v !== '') addUnique(this.relatedUser ??= [], v);
  }

  ip(ip: string | undefined): void {
    if (ip !== undefined && ip !== '') addUnique(this.relatedIp ??= [], ip);
  }

  host(name: string | undefined): void {
    if (name !== undefined && name !== '') addUnique(this.relatedHosts ??= [], name);
  }

  hash(value: string | undefined): void {
    if (value !== undefined && value !== '') addUnique(this.relatedHash ??= [], value);
  }

  finish(): Rec {
    if (this.relatedUser !== undefined || this.relatedIp !== undefined || this.relatedHosts !== undefined || this.relatedHash !== undefined) {
      const related = section(this.doc, 'related');
      if (this.relatedUser !== undefined) related.user = this.relatedUser;
      if (this.relatedIp !== undefined) related.ip = this.relatedIp;
      if (this.relatedHosts !== undefined) related.hosts = this.relatedHosts;
      if (this.relatedHash !== undefined) related.hash = this.relatedHash;
    }
    return this.doc;
  }
}

/** `.command_line`, `.args`, `.args_count` of a present command line. */
export function commandLineInto(target: Rec, cmd: string): void {
  target.command_line = cmd;
  const args = argsOf(cmd);
  if (args.length > 0) {
    target.args = args;
    target.args_count = args.length;
  }
}
