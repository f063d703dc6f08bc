import type { DeclaredFormat } from '../decode/types.js';
import { DECLARED_FORMATS } from '../decode/declared-formats.js';
import { UsageError } from './context.js';

export { DECLARED_FORMATS };

export function parseFormat(v: string | undefined): DeclaredFormat | undefined {
  if (v === undefined) return undefined;
  if (!(DECLARED_FORMATS as readonly string[]).includes(v)) throw new UsageError(`unknown format '${v}'; expected one of: ${DECLARED_FORMATS.join(', ')}`);
  return v as DeclaredFormat;
}
