/** The ECS document a Windows mapper is building, with `related.*` collected on the side. */
import { setField } from '../../event/field-path.js';
import { addUnique, baseName, dirName, extension, parseHashes, present, splitArgs, type Rec } from './values.js';

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
    this.set(`${prefix}.executable`, p);
    this.set(`${prefix}.name`, baseName(p));
  }

  commandLine(prefix: string, cmd: string | undefined): void {
    const c = present(cmd);
    if (c === undefined) return;
    this.set(`${prefix}.command_line`, c);
    const args = splitArgs(c);
    if (args.length > 0) {
      this.set(`${prefix}.args`, args);
      this.set(`${prefix}.args_count`, args.length);
    }
  }

  /** `file.path`, `.name`, `.directory`, `.extension` under `prefix` (default `file`). */
  filePath(path: string | undefined, prefix = 'file'): void {
    const p = present(path);
    if (p === undefined) return;
    this.set(`${prefix}.path`, p);
    this.set(`${prefix}.name`, baseName(p));
    this.set(`${prefix}.directory`, dirName(p));
    this.set(`${prefix}.extension`, extension(p));
  }

  /** Sysmon `Hashes` into `<prefix>.hash.*` and `<prefix>.pe.imphash`, and into related.hash. */
  hashes(prefix: string, value: string | undefined): void {
    const h = parseHashes(value);
    if (h === undefined) return;
    for (const algo of ['md5', 'sha1', 'sha256', 'sha512'] as const) {
      const v = h[algo];
      if (v === undefined) continue;
      this.set(`${prefix}.hash.${algo}`, v);
      addUnique(this.relatedHash, v);
    }
    if (h.imphash !== undefined) {
      this.set(`${prefix}.pe.imphash`, h.imphash);
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
