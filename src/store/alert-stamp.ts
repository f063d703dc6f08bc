/**
 * What Store.alertStamps compares: the columns a write of an alert row sets (every writer sets
 * updated_at to its own current time, to the millisecond) and the document's size in bytes, read
 * without reading the document itself. Two writes of one alert in the same millisecond that change
 * its document but not its size or any of these columns would look alike; no writer does that.
 */

/** The stamp's columns, as both stores select them (each adds the document's byte length as doc_bytes). */
export const ALERT_STAMP_COLUMNS = 'updated_at, count, status, first_ts, last_ts, incident_id, assignee, score, severity, rule_version';

const FIELDS = [...ALERT_STAMP_COLUMNS.split(', '), 'doc_bytes'];

export function alertStamp(row: Readonly<Record<string, unknown>>): string {
  let s = '';
  // A unit separator cannot occur in an id, a status or a timestamp, so no two rows join alike.
  for (const f of FIELDS) s += `${String(row[f] ?? '')}\u001f`;
  return s;
}
