import type { Mapper } from './types.js';
import { linuxMapper } from './linux/index.js';

/** Every non-Windows source mapper, highest detection priority first; `generic` is the fallback. */
export const mappers: readonly Mapper[] = [linuxMapper].sort((a, b) => b.priority - a.priority);
