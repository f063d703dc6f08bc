import type { PoolClient } from 'pg';

/**
 * Monthly partitions of the `events` table, named `events_YYYY_MM`, bounds in UTC. Partitions are
 * created inside the append transaction that first needs them, so a rolled-back batch leaves no
 * empty partition behind. Appends hold the events advisory lock, so two stores never race on the
 * same CREATE; a savepoint still absorbs a partition created by anything else in the meantime.
 * CREATE TABLE ... PARTITION OF locks the parent exclusively until the batch commits, so readers wait
 * on the first batch of a new month; PostgresStore.ensurePartitions() creates months ahead of time.
 */

/** Years the store can partition: four-digit years keep names and bounds unambiguous. */
export const MIN_PARTITION_YEAR = 1;
export const MAX_PARTITION_YEAR = 9999;

export interface MonthPartition {
  name: string;
  /** Inclusive lower bound, `YYYY-MM-01 00:00:00+00`. */
  from: string;
  /** Exclusive upper bound: the first instant of the next month. */
  to: string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The partition key of a time: year * 12 + month (0-based). */
export function monthKey(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

export function yearOf(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

export function monthPartition(key: number): MonthPartition {
  const year = Math.floor(key / 12);
  const month = key % 12;
  const nextYear = month === 11 ? year + 1 : year;
  const nextMonth = month === 11 ? 0 : month + 1;
  return {
    name: `events_${pad(year, 4)}_${pad(month + 1, 2)}`,
    from: `${pad(year, 4)}-${pad(month + 1, 2)}-01 00:00:00+00`,
    to: `${pad(nextYear, 4)}-${pad(nextMonth + 1, 2)}-01 00:00:00+00`,
  };
}

// Names and bounds are built from integers only, so they are safe to place in DDL (which takes no
// parameters); the pattern check guards that invariant.
const SAFE_NAME = /^events_\d{4}_\d{2}$/;
const SAFE_BOUND = /^\d{4}-\d{2}-01 00:00:00\+00$/;

/**
 * Create the partitions for these month keys that do not exist yet. Must run inside a transaction
 * (savepoints) that holds the events advisory lock. Returns the names it created.
 */
export async function ensureMonthPartitions(client: PoolClient, keys: Iterable<number>): Promise<string[]> {
  const parts = [...new Set(keys)].sort((a, b) => a - b).map(monthPartition);
  if (parts.length === 0) return [];
  const missing = await client.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL',
    [parts.map((p) => p.name)],
  );
  const created: string[] = [];
  for (const { name } of missing.rows) {
    const p = parts.find((x) => x.name === name);
    if (!p || !SAFE_NAME.test(p.name) || !SAFE_BOUND.test(p.from) || !SAFE_BOUND.test(p.to)) {
      throw new Error(`refusing to create partition with unexpected name or bounds: ${name}`);
    }
    await client.query('SAVEPOINT weft_partition');
    try {
      await client.query(`CREATE TABLE "${p.name}" PARTITION OF events FOR VALUES FROM ('${p.from}') TO ('${p.to}')`);
      await client.query('RELEASE SAVEPOINT weft_partition');
      created.push(p.name);
    } catch (err) {
      // 42P07 duplicate_table, 23505 on pg_type: someone else created it first. Anything else is real.
      const code = (err as { code?: unknown }).code;
      await client.query('ROLLBACK TO SAVEPOINT weft_partition');
      if (code !== '42P07' && code !== '23505') throw err;
    }
  }
  return created;
}
