/** Timestamp renderings, each as the named source writes it. All times are UTC. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');
const p3 = (n: number): string => String(n).padStart(3, '0');

/** `2026-03-10T09:14:03.123Z` (Okta `published`). */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2026-03-10T09:14:03Z` (CloudTrail `eventTime`). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

/** `2026-03-10T09:14:03.123456Z` (evtx `SystemTime`); `micro` is 0..999 below the millisecond. */
export function isoMicros(ms: number, micro: number): string {
  return new Date(ms).toISOString().slice(0, 23) + p3(micro) + 'Z';
}

/** `2026-03-10 09:14:03.123` (Sysmon `UtcTime`). */
export function sysmonTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}

/** `Mar 10 09:14:03` / `Mar  1 09:14:03` (RFC 3164 header). */
export function bsdTime(ms: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${MONTHS[d.getUTCMonth()]} ${day} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** `1741598043.123456` (Zeek `ts`). */
export function zeekTs(ms: number, micro: number): number {
  return Number(`${Math.floor(ms / 1000)}.${p3(ms % 1000)}${p3(micro)}`);
}

/** `Mar 10, 2026 12:43:51 PM` (CloudTrail `expiration` and `createDate` in responseElements). */
export function awsResponseTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}
