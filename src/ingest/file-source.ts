/**
 * Files, directories, globs and stdin as record sources for `weft ingest` and `weft hunt`.
 * Each file is framed and run through a RecordPipeline; outcomes come out in input order, in batches
 * (one per chunk read) so callers pay one await per chunk, not per record.
 */
import { createReadStream, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { glob } from 'tinyglobby';
import type { DeclaredFormat } from '../decode/types.js';
import type { EntityResolver } from '../enrich/entity-resolver.js';
import { frameRecordBatches, type FramedRecord, type FramingMode } from './framing.js';
import { mapperFor } from '../normalize/registry.js';
import { PipelineCache, type PipelineKey } from './pipeline-cache.js';
import type { RecordOutcome } from './record-pipeline.js';
import type { DeclaredSource } from './declared-sources.js';

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const GLOB_CHARS = /[*?[\]{}]/;
/** Files a directory walk skips: ours (rule files, notes) and editors' leftovers. */
const SKIP_FILES = /(^\.|~$|\.(ya?ml|md|swp|gz|zip)$)/i;

/** Expand the inputs to a sorted, de-duplicated list of files; `-` stays `-` (stdin). */
export async function expandInputs(inputs: string[], cwd = process.cwd()): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === '-') { out.push('-'); continue; }
    if (GLOB_CHARS.test(input)) {
      const matches = await glob(input, { cwd, absolute: true, onlyFiles: true, dot: false });
      if (matches.length === 0) throw new InputError(`no file matches ${input}`);
      out.push(...matches.sort());
      continue;
    }
    const p = resolve(cwd, input);
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new InputError(`no such file or directory: ${input}`);
    }
    if (st.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return [...new Set(out)];
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walk(p)));
    else if (e.isFile() && !SKIP_FILES.test(e.name)) files.push(p);
  }
  return files;
}

/** Bytes per read of an input file: the pieces framing and decoding work on. */
export const FILE_READ_CHUNK = 256 * 1024;

export interface ReadOptions {
  format?: DeclaredFormat;
  sourceType?: string;
  /** Source id for every input; default: the file's path as given (absolute), `stdin` for `-`. */
  sourceId?: string;
  /** Source id per file, when ids should not depend on where the files sit (e.g. relative to a root). */
  sourceIdFor?: (file: string) => string;
  resolver?: EntityResolver;
  timezone?: string;
  /** `ingest.sources`: type, format and zone by source id, where these options set none. */
  sources?: readonly DeclaredSource[];
  maxRecordBytes?: number;
  framing?: FramingMode;
  /** Receive time stamped on events; defaults to now. Tests pass a fixed one for determinism. */
  receivedAt?: () => Date;
  stdin?: Readable;
}

export interface OutcomeBatch {
  file: string;
  outcomes: RecordOutcome[];
  /** Bytes of the file consumed so far (for progress). */
  bytesRead: number;
  /** Records framed in this batch (an array or OTLP request yields several outcomes for one record). */
  records: number;
}

/** One framed batch of one input file, before decoding: what a RecordPipeline for `sourceId` takes. */
export interface FramedBatch {
  file: string;
  sourceId: string;
  /** The file's path for `log.file.path`; absent for stdin. */
  filePath?: string;
  records: FramedRecord[];
  /** Bytes of the file consumed so far (for progress). */
  bytesRead: number;
  /** Receive time stamped on this batch's events (ms since epoch). */
  receivedAt: number;
}

/** The source id of an input, as readOutcomes gives it. */
function sourceIdOf(file: string, opts: ReadOptions): string {
  return opts.sourceId ?? opts.sourceIdFor?.(file) ?? (file === '-' ? 'stdin' : file);
}

/**
 * Read and frame every input, file by file, in input order (one batch per chunk read). `parseJson`:
 * the batches are decoded in this thread, so JSON framing may parse records (FramingOptions.parseJson).
 */
export async function* readFramed(files: string[], opts: ReadOptions = {}, parseJson = false): AsyncGenerator<FramedBatch> {
  // A declared source type no mapper has is a bad argument even when there is nothing to read.
  if (opts.sourceType !== undefined) mapperFor(opts.sourceType);
  const now = opts.receivedAt ?? (() => new Date());
  for (const file of files) {
    const isStdin = file === '-';
    const sourceId = sourceIdOf(file, opts);
    const stream = isStdin ? (opts.stdin ?? process.stdin) : createReadStream(file, { highWaterMark: FILE_READ_CHUNK });
    const framing = opts.framing ?? framingFor(opts.format);
    let bytesRead = 0;
    for await (const records of frameRecordBatches(stream, { mode: framing, parseJson, ...(opts.maxRecordBytes !== undefined ? { maxRecordBytes: opts.maxRecordBytes } : {}) })) {
      const last = records[records.length - 1];
      if (last !== undefined) bytesRead = last.offset + last.byteLength;
      yield { file, sourceId, ...(isStdin ? {} : { filePath: file }), records, bytesRead, receivedAt: now().getTime() };
    }
  }
}

/** Read every input and yield its outcomes, file by file, in input order. */
export async function* readOutcomes(files: string[], opts: ReadOptions = {}): AsyncGenerator<OutcomeBatch> {
  const pipelines = pipelineCacheFor(opts);
  for await (const b of readFramed(files, opts, true)) {
    const pipeline = pipelines.get(pipelineKey(b, opts));
    const at = new Date(b.receivedAt);
    const outcomes: RecordOutcome[] = [];
    for (const rec of b.records) for (const o of pipeline.process(rec, at)) outcomes.push(o);
    yield { file: b.file, outcomes, bytesRead: b.bytesRead, records: b.records.length };
  }
}

/** The pipelines for reading with these options: one per input (a few kept, for hunt workers). */
export function pipelineCacheFor(opts: Pick<ReadOptions, 'resolver' | 'timezone' | 'maxRecordBytes' | 'sources'>): PipelineCache {
  return new PipelineCache({
    max: 16,
    ...(opts.sources !== undefined ? { sources: opts.sources } : {}),
    ...(opts.resolver !== undefined ? { resolver: opts.resolver } : {}),
    ...(opts.timezone !== undefined ? { timezone: opts.timezone } : {}),
    ...(opts.maxRecordBytes !== undefined ? { maxRecordBytes: opts.maxRecordBytes } : {}),
  });
}

/** Which pipeline a framed batch goes through. */
export function pipelineKey(b: FramedBatch, opts: Pick<ReadOptions, 'sourceType' | 'format'>): PipelineKey {
  return {
    sourceId: b.sourceId,
    ...(opts.sourceType !== undefined ? { sourceType: opts.sourceType } : {}),
    ...(opts.format !== undefined ? { format: opts.format } : {}),
    ...(b.filePath !== undefined ? { filePath: b.filePath } : {}),
  };
}

function framingFor(format: DeclaredFormat | undefined): FramingMode {
  switch (format) {
    case undefined:
    case 'auto':
      return 'auto';
    case 'json':
    case 'ndjson':
    case 'evtx-json':
    case 'winlogbeat-json':
    case 'otlp-json':
      return 'json-stream';
    default:
      return 'lines';
  }
}
