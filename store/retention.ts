import type { Store } from './port.ts';

/**
 * Retention by TTL, set from configuration at start: raw mentions and the sub-hour detail after
 * `days`; the rollups (small, and what long-range charts, comparisons and alert baselines read)
 * after `rollupDays`. 0 keeps data forever. ClickHouse drops expired rows in background merges;
 * a partition by month makes that cheap.
 */
export const RETENTION_TABLES: ReadonlyArray<{
  table: string;
  column: string;
  keep: 'raw' | 'rollup';
}> = [
  { table: 'mentions', column: 'created_at', keep: 'raw' },
  { table: 'brand_mentions', column: 'created_at', keep: 'raw' },
  { table: 'engagement_updates', column: 'created_at', keep: 'raw' },
  { table: 'brand_quarter_hourly', column: 'quarter_hour', keep: 'raw' },
  { table: 'brand_hourly', column: 'hour', keep: 'rollup' },
  { table: 'brand_topics_hourly', column: 'hour', keep: 'rollup' },
  { table: 'brand_totals_hourly', column: 'hour', keep: 'rollup' },
  { table: 'brand_topic_totals_hourly', column: 'hour', keep: 'rollup' },
  { table: 'brand_authors_daily', column: 'day', keep: 'rollup' },
  { table: 'brand_minutely', column: 'minute', keep: 'rollup' },
];

export async function applyRetention(
  store: Store,
  days: number,
  rollupDays: number,
): Promise<void> {
  // Integers validated by the settings schema: DDL cannot take bound parameters.
  const ttl = (column: string, n: number) =>
    n > 0 ? `MODIFY TTL toDateTime(${column}) + toIntervalDay(${Math.floor(n)})` : 'REMOVE TTL';
  for (const { table, column, keep } of RETENTION_TABLES) {
    const n = keep === 'raw' ? days : rollupDays;
    try {
      await store.command(`ALTER TABLE ${table} ${ttl(column, n)}`);
    } catch (error) {
      // REMOVE TTL on a table without one is an error in ClickHouse: nothing to remove.
      if (!(n === 0 && /TTL|BAD_ARGUMENTS|36/.test(String(error)))) throw error;
    }
  }
}
