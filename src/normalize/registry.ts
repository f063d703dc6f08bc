import type { Mapper } from './types.js';
import { windowsMappers } from './windows/index.js';
import { mappers as sourceMappers } from './sources.js';

/** Every mapper Weft ships, highest detection priority first; `generic` is the last resort. */
export const ALL_MAPPERS: readonly Mapper[] = [...windowsMappers, ...sourceMappers].sort((a, b) => b.priority - a.priority);

export class UnknownSourceTypeError extends Error {
  constructor(readonly sourceType: string) {
    super(`unknown source type '${sourceType}'; known: ${ALL_MAPPERS.map((m) => m.sourceType).join(', ')}`);
    this.name = 'UnknownSourceTypeError';
  }
}

export function mapperFor(sourceType: string): Mapper {
  const m = ALL_MAPPERS.find((x) => x.sourceType === sourceType);
  if (!m) throw new UnknownSourceTypeError(sourceType);
  return m;
}

/** The mapper for a decoded record, chosen from its content. */
export function detectMapper(decoded: Parameters<Mapper['detect']>[0]): Mapper | undefined {
  for (const m of ALL_MAPPERS) if (m.detect(decoded)) return m;
  return undefined;
}
