import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEnrichedMention } from '../test/support/builders.ts';
import { ChdbStore } from './chdb.ts';
import { toMentionRow } from './mention-row.ts';
import { migrate, readMigrations } from './migrate.ts';

// chdb is the real ClickHouse engine, in-process: these tests need no server.
let store: ChdbStore;
beforeAll(async () => {
  store = await ChdbStore.open(mkdtempSync(join(tmpdir(), 'earshot-migrate-')), 'm1');
});
afterAll(() => store.close());

describe('migrations', () => {
  it('reads numbered files in order and splits statements', () => {
    const migrations = readMigrations();
    expect(migrations.map((m) => m.version)).toEqual(
      [...migrations.map((m) => m.version)].sort((a, b) => a - b),
    );
    expect(migrations[0]!.name).toBe('0001_mentions');
    expect(migrations[0]!.statements.length).toBe(3);
  });

  it('applies every migration once and records it', async () => {
    const first = await migrate(store);
    expect(first).toEqual(readMigrations().map((m) => m.name));
    expect(await migrate(store)).toEqual([]);
    const recorded = await store.query<{ version: number }>(
      'SELECT version FROM schema_migrations FINAL ORDER BY version',
    );
    expect(recorded.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
  });

  it('applies only new files on a later run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-mig-dir-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, '0001_a.sql'),
      'CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x;',
    );
    const other = await ChdbStore.open(store.path, 'm2');
    expect(await migrate(other, undefined, dir)).toEqual(['0001_a']);
    writeFileSync(
      join(dir, '0002_b.sql'),
      'CREATE TABLE IF NOT EXISTS b (x UInt8) ENGINE = MergeTree ORDER BY x;\n-- comment\n',
    );
    expect(await migrate(other, undefined, dir)).toEqual(['0002_b']);
  });

  it('fans a mention out to one brand_mentions row per brand, and drops a repeated batch', async () => {
    const m = anEnrichedMention({
      id: 'test:fanout',
      brands: [
        { workspace: 'demo', brand: 'aurora', query_id: 'aurora:1', terms: ['Aurora'] },
        { workspace: 'demo', brand: 'nimbus', query_id: 'nimbus:1', terms: ['Nimbus'] },
      ],
    });
    await store.insert('mentions', [toMentionRow(m)], { dedupToken: 'batch-1' });
    await store.insert('mentions', [toMentionRow(m)], { dedupToken: 'batch-1' });
    const [counts] = await store.query<{ mentions: number; brand_rows: number }>(
      "SELECT (SELECT count() FROM mentions WHERE id = 'test:fanout') AS mentions, (SELECT count() FROM brand_mentions WHERE mention_id = 'test:fanout') AS brand_rows",
    );
    expect(counts).toEqual({ mentions: 1, brand_rows: 2 });
  });

  it('carries the owned flag per brand into brand_mentions; rows written without it are not owned', async () => {
    const m = anEnrichedMention({
      id: 'test:owned',
      brands: [
        { workspace: 'demo', brand: 'aurora', query_id: 'aurora:owned', terms: [], owned: true },
        { workspace: 'demo', brand: 'nimbus', query_id: 'nimbus:1', terms: ['Nimbus'] },
      ],
    });
    await store.insert('mentions', [toMentionRow(m)], { dedupToken: 'owned-1' });
    // An older writer that knows nothing of brand_owned.
    const { brand_owned: _omitted, ...legacy } = toMentionRow({ ...m, id: 'test:legacy' });
    await store.insert('mentions', [legacy], { dedupToken: 'owned-2' });
    const rows = await store.query<{ mention_id: string; brand: string; owned: boolean | number }>(
      "SELECT mention_id, brand, owned FROM brand_mentions WHERE mention_id IN ('test:owned', 'test:legacy') ORDER BY mention_id, brand",
    );
    expect(rows.map((r) => [r.mention_id, r.brand, Boolean(r.owned)])).toEqual([
      ['test:legacy', 'aurora', false],
      ['test:legacy', 'nimbus', false],
      ['test:owned', 'aurora', true],
      ['test:owned', 'nimbus', false],
    ]);
  });
});
