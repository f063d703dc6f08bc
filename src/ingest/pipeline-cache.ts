/**
 * One RecordPipeline per distinct way of reading (source id, declared type and format, file),
 * shared by the server's IngestWriter and the plain store sink. Bounded: many distinct sources
 * recycle the oldest pipeline, which is cheap to rebuild.
 */
import type { DeclaredFormat } from '../decode/types.js';
import type { EntityResolver } from '../enrich/entity-resolver.js';
import { RecordPipeline } from './record-pipeline.js';

export interface PipelineKey {
  sourceId: string;
  sourceType?: string;
  format?: DeclaredFormat;
  /** Stamped as `log.file.path` (tailed files). */
  filePath?: string;
}

export interface PipelineCacheOptions {
  timezone?: string;
  maxRecordBytes?: number;
  resolver?: EntityResolver;
  /** Pipelines kept at most (default 256). */
  max?: number;
}

export class PipelineCache {
  private readonly pipelines = new Map<string, RecordPipeline>();

  constructor(private readonly opts: PipelineCacheOptions = {}) {}

  /** Throws UnknownSourceTypeError for a declared source type no mapper has. */
  get(k: PipelineKey): RecordPipeline {
    const key = `${k.sourceId}\0${k.sourceType ?? ''}\0${k.format ?? 'auto'}\0${k.filePath ?? ''}`;
    let p = this.pipelines.get(key);
    if (p === undefined) {
      if (this.pipelines.size >= (this.opts.max ?? 256)) this.pipelines.delete(this.pipelines.keys().next().value as string);
      p = new RecordPipeline({
        sourceId: k.sourceId,
        ...(k.sourceType !== undefined ? { sourceType: k.sourceType } : {}),
        ...(k.format !== undefined ? { format: k.format } : {}),
        ...(k.filePath !== undefined ? { filePath: k.filePath } : {}),
        ...(this.opts.timezone !== undefined ? { timezone: this.opts.timezone } : {}),
        ...(this.opts.maxRecordBytes !== undefined ? { maxRecordBytes: this.opts.maxRecordBytes } : {}),
        ...(this.opts.resolver !== undefined ? { resolver: this.opts.resolver } : {}),
      });
      this.pipelines.set(key, p);
    }
    return p;
  }
}
