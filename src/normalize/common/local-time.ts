import { fromLocal } from './time.js';

const SLASH = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const DASH = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

/** The last stamp converted: a PAN-OS record carries the same second in several of its times. */
let lastStamp: string | undefined;
let lastZone: string | undefined;
let lastIso: string | undefined;

/** `2018/11/30 16:09:07` or `2020-04-23 12:17:48` (zone-less vendor stamps) in `zone` to UTC ISO. */
export function fromLocalStamp(s: string, zone: string): string | undefined {
  if (s === lastStamp && zone === lastZone) return lastIso;
  const m = SLASH.exec(s) ?? DASH.exec(s);
  let iso: string | undefined;
  if (m !== null) {
    const ms = m[7] !== undefined ? Number(m[7].padEnd(3, '0')) : 0;
    iso = fromLocal(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms, zone);
  }
  lastStamp = s;
  lastZone = zone;
  lastIso = iso;
  return iso;
}
