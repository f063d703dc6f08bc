/**
 * "Does the text contain any of these needles?" for long needle lists (hash lists, tool names): one
 * pass of the rule index's q-gram scanner (see ../engine/literal-scanner.ts), which tests a small
 * bitmap per text position and verifies only where a needle's gram occurs, instead of one `includes`
 * per needle.
 */
import { LiteralScanner } from '../engine/literal-scanner.js';

export function compileContainsAny(needles: string[]): (text: string) => boolean {
  const unique = [...new Set(needles)];
  if (unique.some((n) => n.length === 0)) return () => true; // the empty needle is in every text
  const scanner = new LiteralScanner(unique);
  return (text) => scanner.containsAny(text);
}
