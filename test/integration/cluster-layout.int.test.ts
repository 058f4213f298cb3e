import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMentionRow } from '../../store/mention-row.ts';
import { alertContext } from '../../store/queries/alerts-context.ts';
import { digestTotals } from '../../store/queries/alerts-digest.ts';
import { applyRetention } from '../../store/retention.ts';
import { StoreStateStore } from '../../store/state-store.ts';
import type { Store } from '../../store/port.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { freshClusterStore, storeThroughSink } from '../support/store.ts';

/**
 * The migrations in their cluster form (CLICKHOUSE_CLUSTER), run by the `clickhouse` adapter on
 * the engine behind a loopback front that serves it as a cluster of one shard: what the engine
 * made of them, and the sink's exactly-once through the Distributed tables.
 */
const CLUSTER = 'earshot';
let store: Store;

beforeAll(async () => {
  store = await freshClusterStore(CLUSTER);
});
afterAll(() => store?.close());

describe('the cluster layout on the engine', () => {
  it('puts a Distributed table in front of every local table, and every view on the local tables', async () => {
    const tables = await store.query<{ name: string; engine: string; full: string }>(
      `SELECT name, engine, engine_full AS full FROM system.tables
       WHERE database = currentDatabase() ORDER BY name`,
    );
    const byName = new Map(tables.map((t) => [t.name, t]));
    const locals = tables.filter((t) => t.name.endsWith('_local'));
    expect(locals.length).toBeGreaterThanOrEqual(15);
    for (const local of locals) {
      expect(local.engine, local.name).toMatch(/MergeTree$/);
      const front = byName.get(local.name.replace(/_local$/, ''));
      expect(front?.engine, local.name).toBe('Distributed');
      expect(front?.full, local.name).toContain(`Distributed('${CLUSTER}'`);
      expect(front?.full, local.name).toContain(`'${local.name}', cityHash64(`);
    }
    const views = await store.query<{ name: string; create: string }>(
      `SELECT name, create_table_query AS create FROM system.tables
       WHERE database = currentDatabase() AND engine = 'MaterializedView'`,
    );
    expect(views.length).toBeGreaterThanOrEqual(10);
    // Each view reads a local table and writes a local one: each shard aggregates its own rows.
    for (const v of views) {
      expect(v.create, v.name).toMatch(/ TO \S+_local[` ]/);
      expect(v.create, v.name).toMatch(/FROM \S+_local AS /);
    }
  });

  it('stores a batch once through the Distributed tables, however often it is delivered, and the rollups count it once', async () => {
    const mentions = [1, 2, 3].map((i) =>
      anEnrichedMention({
        id: `cluster:${i}`,
        created_at: '2026-11-20T10:15:00.000Z',
        brands: [{ workspace: 'ws', brand: 'acme', query_id: 'q', terms: ['acme'] }],
      }),
    );
    await storeThroughSink(store, mentions, 0);
    await storeThroughSink(store, mentions, 0); // redelivered
    const [row] = await store.query<{ mentions: number; brand_rows: number; hourly: number }>(
      `SELECT (SELECT count() FROM mentions WHERE id LIKE 'cluster:%') AS mentions,
              (SELECT count() FROM brand_mentions FINAL WHERE mention_id LIKE 'cluster:%') AS brand_rows,
              (SELECT sum(volume) FROM brand_hourly WHERE workspace = 'ws') AS hourly`,
    );
    expect(row).toEqual({ mentions: 3, brand_rows: 3, hourly: 3 });
    // The same batch inserted again directly with its token (a crash between insert and
    // commit, the lookup raced): the token drops it on the local table, through Distributed.
    await store.insert(
      'mentions',
      mentions.map((m) => toMentionRow({ ...m, id: `${m.id}:again` })),
      { dedupToken: 't:0:100-102' },
    );
    await store.insert(
      'mentions',
      mentions.map((m) => toMentionRow({ ...m, id: `${m.id}:again` })),
      { dedupToken: 't:0:100-102' },
    );
    const [again] = await store.query<{ n: number; hourly: number }>(
      `SELECT (SELECT count() FROM mentions WHERE id LIKE '%:again') AS n,
              (SELECT sum(volume) FROM brand_hourly WHERE workspace = 'ws') AS hourly`,
    );
    expect(again).toEqual({ n: 3, hourly: 6 });
  });

  it('late engagement, retention, enrich state, alert queries and read-only SQL work on it too', async () => {
    const at = '2026-11-21T10:15:00.000Z';
    const mention = (i: number, likes: number) =>
      anEnrichedMention({
        id: `late:${i}`,
        created_at: at,
        engagement: { likes, reposts: 0, replies: 0, views: null },
        sentiment: {
          label: 'neg',
          score: -0.5,
          confidence: 0.9,
          explanation: [],
          model: { name: 't', version: '1' },
        },
        topics: [{ id: 't1', label: 'outage' }],
        brands: [{ workspace: 'ws2', brand: 'acme', query_id: 'q', terms: ['acme'] }],
      });
    await storeThroughSink(store, [mention(1, 1), mention(2, 1)], 200);
    await storeThroughSink(store, [mention(1, 5)], 210); // a refresh: 4 more likes
    const [likes] = await store.query<{ likes: number }>(
      "SELECT sum(likes) AS likes FROM brand_hourly WHERE workspace = 'ws2'",
    );
    expect(likes).toEqual({ likes: 6 });

    // TTLs on the local tables, set and removed.
    await applyRetention(store, 30, 90);
    await applyRetention(store, 0, 0);

    const state = new StoreStateStore(store);
    await state.save('cluster-test', { clusters: 2 });
    expect(await state.load('cluster-test')).toEqual({ clusters: 2 });

    const window = { from: new Date('2026-11-21T00:00:00Z'), to: new Date('2026-11-22T00:00:00Z') };
    const context = await alertContext(store, { workspace: 'ws2', brand: 'acme', ...window });
    expect(context.top_topics).toEqual([{ label: 'outage', volume: 2, negative: 2 }]);
    expect(await digestTotals(store, 'ws2', window.from, window.to)).toEqual([
      { brand: 'acme', volume: 2, positive: 0, neutral: 0, negative: 2 },
    ]);

    expect(
      await store.readOnlyQuery(
        "SELECT count() AS n FROM mentions WHERE id LIKE 'late:%'",
        'JSONEachRow',
      ),
    ).toBe('{"n":2}\n');
  });
});
