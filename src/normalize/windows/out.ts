/** The ECS document a Windows mapper is building, with `related.*` collected on the side. */
import { setField } from '../../event/field-path.js';
import { addUnique, baseName, dirName, extension, parseHashes, present, splitArgs, type Rec } from './values.js';

/**
 * The dotted paths the helpers below write under a prefix (`process`, `process.parent`, `file`, ...),
 * built once per prefix: the same string objects every event, so the path-split cache finds them
 * by their stored hash instead of hashing a freshly concatenated string each time.
 */
interface PrefixPaths {
  executable: string; name: string; command_line: string; args: string; args_count: string;
  path: string; directory: string; extension: string;
  hash_md5: string; hash_sha1: string; hash_sha256: string; hash_sha512: string; pe_imphash: string;
}
const HASH_PATH = { md5: 'hash_md5', sha1: 'hash_sha1', sha256: 'hash_sha256', sha512: 'hash_sha512' } as const;
const prefixPaths = new Map<string, PrefixPaths>();

function pathsUnder(prefix: string): PrefixPaths {
  let p = prefixPaths.get(prefix);
  if (p === undefined) {
    p = {
      executable: `${prefix}.executable`, name: `${prefix}.name`, command_line: `${prefix}.command_line`, args: `${prefix}.args`,
      args_count: `${prefix}.args_count`, path: `${prefix}.path`, directory: `${prefix}.directory`, extension: `${prefix}.extension`,
      hash_md5: `${prefix}.hash.md5`, hash_sha1: `${prefix}.hash.sha1`, hash_sha256: `${prefix}.hash.sha256`, hash_sha512: `${prefix}.hash.sha512`,
      pe_imphash: `${prefix}.pe.imphash`,
    };
    // Prefixes are literals in the mappers; the bound only guards against a future caller passing data.
    if (prefixPaths.size >= 64) prefixPaths.clear();
    prefixPaths.set(prefix, p);
  }
  return p;
}

export class EcsOut {
  /** `doc`: the event so far, when the caller built its fixed part as literals (see ecs.ts header). */
  constructor(readonly doc: Rec = {}) {}

  readonly relatedUser: string[] = [];
  readonly relatedIp: string[] = [];
  readonly relatedHosts: string[] = [];
  readonly relatedHash: string[] = [];

  /** Set a dotted path; `undefined` leaves the field out. */
  set(path: string, value: unknown): void {
    if (value === undefined) return;
    setField(this.doc, path, value);
  }

  /** `<prefix>.executable`, `.name` from a path; a "-" placeholder sets nothing. */
  executable(prefix: string, path: string | undefined): void {
    const p = present(path);
    if (p === undefined) return;
    const at = pathsUnder(prefix);
    this.set(at.executable, p);
    this.set(at.name, baseName(p));
  }

  commandLine(prefix: string, cmd: string | undefined): void {
    const c = present(cmd);
    if (c === undefined) return;
    const at = pathsUnder(prefix);
    this.set(at.command_line, c);
    const args = splitArgs(c);
    if (args.length > 0) {
      this.set(at.args, args);
      this.set(at.args_count, args.length);
    }
  }

  /** `file.path`, `.name`, `.directory`, `.extension` under `prefix` (default `file`). */
  filePath(path: string | undefined, prefix = 'file'): void {
    const p = present(path);
    if (p === undefined) return;
    const at = pathsUnder(prefix);
    this.set(at.path, p);
    this.set(at.name, baseName(p));
    this.set(at.directory, dirName(p));
    this.set(at.extension, extension(p));
  }

  /** Sysmon `Hashes` into `<prefix>.hash.*` and `<prefix>.pe.imphash`, and into related.hash. */
  hashes(prefix: string, value: string | undefined): void {
    const h = parseHashes(value);
    if (h === undefined) return;
    for (const algo of ['md5', 'sha1', 'sha256', 'sha512'] as const) {
      const v = h[algo];
      if (v === undefined) continue;
      this.set(pathsUnder(prefix)[HASH_PATH[algo]], v);
      addUnique(this.relatedHash, v);
    }
    if (h.imphash !== undefined) {
      this.set(pathsUnder(prefix).pe_imphash, h.imphash);
      addUnique(this.relatedHash, h.imphash);
    }
  }

  user(name: string | undefined): void {
    addUnique(this.relatedUser, present(name));
  }

  ip(ip: string | undefined): void {
    addUnique(this.relatedIp, ip);
  }

  finish(): Rec {
    if (this.relatedUser.length > 0) this.set('related.user', this.relatedUser);
    if (this.relatedIp.length > 0) this.set('related.ip', this.relatedIp);
    if (this.relatedHosts.length > 0) this.set('related.hosts', this.relatedHosts);
    if (this.relatedHash.length > 0) this.set('related.hash', this.relatedHash);
    return this.doc;
  }
}
