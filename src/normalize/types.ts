import type { Decoded, RawRecord } from '../decode/types.js';
import type { EcsFields } from '../event/model.js';

export interface MapperContext {
  sourceId: string;
  receivedAt: Date;
  /** Zone for timestamps without one. */
  timezone: string;
  /**
   * The record's text as received, when the caller has it (one record, one event): mappers use it
   * for `event.original` instead of serializing the decoded fields again.
   */
  original?: string;
}

export type MapResult =
  | { ok: true; event: EcsFields }
  /** `reason` is `normalize.<source_type>.<what>`; `message` says what was wrong in words. */
  | { ok: false; reason: string; message: string };

/**
 * One mapper per source type: a decoded raw object in, an ECS event out.
 * `detect` must be cheap and specific: it picks the mapper when the source declares no type.
 * Mappers are pure and never throw.
 */
export interface Mapper {
  readonly sourceType: string;
  readonly description: string;
  /** Higher runs first during auto-detection; the generic fallback is lowest. */
  readonly priority: number;
  detect(decoded: Decoded): boolean;
  map(decoded: Decoded, ctx: MapperContext): MapResult;
}

export type { RawRecord };
