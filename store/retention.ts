import type { Store } from './port.ts';

/**
 * Retention by TTL, set from configuration at start: raw mentions after `days`, the hourly
 * rollups (small, and what long-range charts read) after `rollupDays`. 0 keeps data forever.
 * ClickHouse drops expired rows in background merges; a partition by month makes that cheap.
 */
export async function applyRetention(
  store: Store,
  days: number,
  rollupDays: number,
): Promise<void> {
  // Integers validated by the settings schema: DDL cannot take bound parameters.
  const ttl = (column: string, n: number) =>
    n > 0 ? `MODIFY TTL toDateTime(${column}) + toIntervalDay(${Math.floor(n)})` : 'REMOVE TTL';
  for (const [table, column, n] of [
    ['mentions', 'created_at', days],
    ['brand_mentions', 'created_at', days],
    ['brand_hourly', 'hour', rollupDays],
  ] as const) {
    try {
      await store.command(`ALTER TABLE ${table} ${ttl(column, n)}`);
    } catch (error) {
      // REMOVE TTL on a table without one is an error in ClickHouse: nothing to remove.
      if (!(n === 0 && /TTL|BAD_ARGUMENTS|36/.test(String(error)))) throw error;
    }
  }
}
