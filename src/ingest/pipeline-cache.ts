/**
 * One RecordPipeline per distinct way of reading (source id, declared type and format, file),
 * shared by the server's IngestWriter and the plain store sink. Bounded: many distinct sources
 * recycle the oldest pipeline, which is cheap to rebuild.
 */
import type { DeclaredFormat } from '../decode/types.js';
import type { EntityResolver } from '../enrich/entity-resolver.js';
import { declaredSources, type DeclaredSource } from './declared-sources.js';
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
  /** `ingest.sources`: type, format and zone by source id, where the sender declares none. */
  sources?: readonly DeclaredSource[];
}

export class PipelineCache {
  private readonly pipelines = new Map<string, RecordPipeline>();
  private readonly declared: ReadonlyMap<string, DeclaredSource>;

  /** Throws for a declared source Weft cannot use (see declaredSources). */
  constructor(private readonly opts: PipelineCacheOptions = {}) {
    this.declared = declaredSources(opts.sources);
  }

  /** Throws UnknownSourceTypeError for a declared source type no mapper has. */
  get(k: PipelineKey): RecordPipeline {
    const key = `${k.sourceId}\0${k.sourceType ?? ''}\0${k.format ?? 'auto'}\0${k.filePath ?? ''}`;
    let p = this.pipelines.get(key);
    if (p === undefined) {
      if (this.pipelines.size >= (this.opts.max ?? 256)) this.pipelines.delete(this.pipelines.keys().next().value as string);
      const d = this.declared.get(k.sourceId);
      const sourceType = k.sourceType ?? d?.type;
      const format = k.format ?? d?.format;
      const timezone = d?.timezone ?? this.opts.timezone;
      p = new RecordPipeline({
        sourceId: k.sourceId,
        ...(sourceType !== undefined ? { sourceType } : {}),
        ...(format !== undefined ? { format } : {}),
        ...(k.filePath !== undefined ? { filePath: k.filePath } : {}),
        ...(timezone !== undefined ? { timezone } : {}),
        ...(this.opts.maxRecordBytes !== undefined ? { maxRecordBytes: this.opts.maxRecordBytes } : {}),
        ...(this.opts.resolver !== undefined ? { resolver: this.opts.resolver } : {}),
      });
      this.pipelines.set(key, p);
    }
    return p;
  }
}
