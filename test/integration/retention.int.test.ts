import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Store } from '../../store/port.ts';
import { readMigrations } from '../../store/migrate.ts';
import { RETENTION_TABLES, applyRetention } from '../../store/retention.ts';
import { freshStore } from '../support/store.ts';

/** TTLs from STORE_RETENTION_DAYS / STORE_ROLLUP_RETENTION_DAYS on every table that grows. */
const services = inject('services');
let store: Store;

beforeAll(async () => {
  store = await freshStore(services);
});
afterAll(async () => {
  await store?.close();
});

async function ttlOf(table: string): Promise<string | null> {
  const rows = await store.query<{ q: string }>(
    'SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
    { table },
  );
  expect(rows, table).toHaveLength(1);
  return /TTL (.+?)(?: SETTINGS|$)/.exec(rows[0]!.q)?.[1] ?? null;
}

describe('retention', () => {
  it('a process that only migrates and inserts keeps imported minutes of any age', async () => {
    // Before migration 0012 brand_minutely kept 0010's 60-day TTL until a start replaced it:
    // `earshot import` (migrate, insert) lost the history it imported at the next merge.
    expect(await ttlOf('brand_minutely')).toBeNull();
    const old = new Date(Date.now() - 400 * 86_400_000);
    old.setUTCSeconds(0, 0);
    await store.insert('brand_minutely', [
      {
        workspace: 'w',
        brand: 'b',
        minute: old.toISOString().slice(0, 19).replace('T', ' '),
        source: 's',
        lang: 'en',
        volume: 3,
        positive: 1,
        neutral: 1,
        negative: 1,
      },
    ]);
    await store.command('OPTIMIZE TABLE brand_minutely FINAL');
    const rows = await store.query<{ n: number }>('SELECT sum(volume) AS n FROM brand_minutely');
    expect(Number(rows[0]!.n)).toBe(3);
  });

  it('covers every MergeTree table the pipeline fills, raw detail and rollups apart', async () => {
    const growing = await store.query<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' AND name LIKE 'brand\\\\_%' OR (database = currentDatabase() AND name IN ('mentions', 'engagement_updates')) ORDER BY name",
    );
    expect(RETENTION_TABLES.map((t) => t.table).sort()).toEqual(growing.map((r) => r.name));

    await applyRetention(store, 30, 400);
    for (const { table, column, keep } of RETENTION_TABLES) {
      expect(await ttlOf(table), table).toBe(
        `toDateTime(${column}) + toIntervalDay(${keep === 'raw' ? 30 : 400})`,
      );
    }
  });

  it('migration 0012 leaves no TTL whatever the retention applied before it', async () => {
    const [m] = readMigrations().filter((x) => x.version === 12);
    for (const before of [400, 0]) {
      await applyRetention(store, 30, before);
      for (const statement of m!.statements) await store.command(statement);
      expect(await ttlOf('brand_minutely'), `after retention ${before}`).toBeNull();
    }
  });

  it('0 removes the TTL again, and applying twice is fine', async () => {
    await applyRetention(store, 0, 0);
    await applyRetention(store, 0, 0);
    for (const { table } of RETENTION_TABLES) expect(await ttlOf(table), table).toBeNull();
  });
});
