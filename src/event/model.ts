import type { Ecs, EcsEcs } from '@elastic/ecs';

/** ECS version Weft writes into `ecs.version`. */
export const ECS_VERSION = '9.4.0';

/** Canonical entity ids (SHA-256 of the canonical form) that enrichment attaches to an event. */
export interface WeftEntityIds {
  user?: string[];
  host?: string[];
  ip?: string[];
  process?: string[];
}

/** Weft's own fields, kept under `weft.*` so they never collide with ECS. */
export interface WeftMeta {
  /** Stable id: the same raw record from the same source always gets the same id. */
  id: string;
  /** The configured source that produced the record (a file path, a listener name, ...). */
  source_id: string;
  /** The mapper that normalized it (`windows`, `sysmon`, `okta`, `cloudtrail`, ...). */
  source_type?: string;
  /** When Weft received the record (ISO 8601, UTC). Never used by the engine: it reads event time only. */
  ingest_time: string;
  entity?: WeftEntityIds;
}

/**
 * A normalized event: an ECS document plus `weft.*`. Vendor namespaces that ECS does not define
 * (`winlog`, `okta`, `aws`, `zeek`, `suricata`, ...) are allowed, as in Elastic's own integrations.
 */
export type WeftEvent = EcsBody & { weft: WeftMeta } & { [namespace: string]: unknown };

/** The ECS part; `ecs.version` is stamped by the ingest path, so mappers need not set it. */
type EcsBody = Omit<Ecs, 'ecs'> & { ecs?: EcsEcs };

/**
 * What a mapper produces before Weft stamps `weft.*` on it. (Built from EcsBody, not by omitting from
 * WeftEvent: Omit over a type with an index signature would drop every typed ECS key.)
 */
export type EcsFields = EcsBody & { weft?: Partial<WeftMeta> } & { [namespace: string]: unknown };
