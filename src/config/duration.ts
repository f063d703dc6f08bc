import { lookupTable } from '../event/own-props.js';

const UNITS: Readonly<Record<string, number>> = lookupTable({ ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 });

/** `500ms`, `30s`, `5m`, `1h30m`, `7d` to milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * (UNITS[m[2] as string] as number);
  return Math.round(total);
}

export function formatDuration(ms: number): string {
  for (const [u, f] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % f === 0 && ms >= f) return `${ms / f}${u}`;
  }
  return `${ms}ms`;
}
