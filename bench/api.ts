import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { buildApi } from '../api/app.ts';
import { silentLogger } from '../core/logger.ts';
import { parseEarshotConfig } from '../core/workspace-config.ts';
import { ChdbStore } from '../store/chdb.ts';
import { ClickHouseServerStore, MAX_OPEN_CONNECTIONS } from '../store/clickhouse-server.ts';
import type { Store } from '../store/port.ts';
import { startChdbHttpFront } from '../test/support/clickhouse-http.ts';
import { migrate } from '../store/migrate.ts';
import { brandHealth } from '../store/queries/brand-health.ts';
import { compareBrands } from '../store/queries/compare.ts';
import { mentionFeed, topAuthors } from '../store/queries/mentions.ts';
import { brandTopics } from '../store/queries/topics.ts';
import type { BenchResult } from './types.ts';

/**
 * The analytics store at scale: BENCH_API_MENTIONS synthetic mentions (default 10 M; a quarter
 * of them with late engagement updates) over 30 days and 3 brands, generated inside the engine
 * (INSERT … SELECT FROM numbers) so the load goes through the real materialized views; then
 * p50/p95 of the health, compare, feed, authors and topics queries, and requests/s of the
 * health endpoint under load (autocannon, on this machine): on the embedded engine, then on
 * the `clickhouse` adapter (`@clickhouse/client` and its connection pool) over the loopback
 * ClickHouse HTTP front serving the same data directory.
 */
const N = Number(process.env.BENCH_API_MENTIONS ?? 10_000_000);
const DAYS = 30;
const BRANDS = ['aurora', 'nimbus', 'zephyr'];
const END = Date.parse('2026-11-20T00:00:00Z');
const KEY = 'bench-api-key-000';

export default async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-bench-api-'));
  const store = await ChdbStore.open(dir, 'bench');
  try {
    await migrate(store);
    const loadStarted = performance.now();
    await loadBenchMentions(store, N);
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const results: BenchResult[] = [
      {
        area: 'api',
        name: `load ${N.toLocaleString('en-US')} mentions (INSERT…SELECT through the views)`,
        value: N / loadSeconds,
        unit: 'rows/s',
      },
    ];
    results.push(...(await measureQueries(store)));

    results.push(...(await measureHttp(store, 'chdb')));
    results.push(...(await measureHttpServer(dir, 'bench')));
    return results;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Load `n` synthetic mentions (30 days, 3 brands, 4 sources, 7 languages, 200 k authors, 40
 * topics) through the real materialized views, in chunks of 1 M, and merge the rollups as a
 * quiet store would have. Exported so a data set can be built once and queried many times.
 */
export async function loadBenchMentions(
  store: ChdbStore,
  n: number,
  options: { merge?: boolean } = {},
): Promise<void> {
  const chunk = 1_000_000;
  for (let offset = 0; offset < n; offset += chunk) {
    await store.command(`
        INSERT INTO mentions (id, source, author_id, author_handle, author_followers, text, lang, lang_confidence,
          created_at, enriched_at, likes, reposts, replies, synthetic, sentiment_label, sentiment_score,
          sentiment_confidence, sentiment_model, sentiment_explanation, brand_workspaces, brand_ids, brand_query_ids,
          brand_terms, topic_ids, topic_labels, spam_score, version)
        SELECT
          concat('bench:', toString(number)), ['bluesky', 'mastodon', 'hackernews', 'rss'][number % 4 + 1],
          concat('a', toString(cityHash64(number) % 200000)), concat('user', toString(cityHash64(number) % 200000)),
          cityHash64(number, 1) % 50000, concat('synthetic benchmark mention ', toString(number)),
          ['en', 'de', 'es', 'fr', 'el', 'sl', 'fa'][cityHash64(number, 2) % 7 + 1], 0.9,
          toDateTime64(${END / 1000} - (cityHash64(number, 3) % ${DAYS * 86_400}), 3, 'UTC'), now64(3),
          cityHash64(number, 4) % 50, cityHash64(number, 5) % 10, cityHash64(number, 6) % 5, true,
          ['pos', 'neu', 'neg', 'pos', 'neu', 'unscored'][cityHash64(number, 7) % 6 + 1], 0.3, 0.8, 'bench@1', '[]',
          ['bench'], [['aurora', 'nimbus', 'zephyr'][number % 3 + 1]], ['q'], [[]],
          [concat('t', toString(cityHash64(number, 8) % 40))], [concat('topic ', toString(cityHash64(number, 8) % 40))],
          0, 1
        FROM numbers(${offset}, ${Math.min(chunk, n - offset)})`);
    // A quarter of them re-read later with more likes, reposts and replies (late engagement).
    await store.command(`
        INSERT INTO engagement_updates (workspace, brand, mention_id, created_at, source, lang, likes,
          reposts, replies, likes_total, reposts_total, replies_total, views_total, observed_at)
        SELECT
          'bench', ['aurora', 'nimbus', 'zephyr'][number % 3 + 1], concat('bench:', toString(number)),
          toDateTime64(${END / 1000} - (cityHash64(number, 3) % ${DAYS * 86_400}), 3, 'UTC'),
          ['bluesky', 'mastodon', 'hackernews', 'rss'][number % 4 + 1],
          ['en', 'de', 'es', 'fr', 'el', 'sl', 'fa'][cityHash64(number, 2) % 7 + 1],
          20, 2, 1, cityHash64(number, 4) % 50 + 20, cityHash64(number, 5) % 10 + 2,
          cityHash64(number, 6) % 5 + 1, NULL, now64(3)
        FROM numbers(${offset}, ${Math.min(chunk, n - offset)})
        WHERE cityHash64(number, 9) % 4 = 0`);
    process.stderr.write(
      `\rloading ${Math.min(offset + chunk, n).toLocaleString('en-US')} / ${n.toLocaleString('en-US')} mentions`,
    );
  }
  process.stderr.write('\n');
  // Ten 1 M-row inserts leave ten parts per partition; a store that has been running has its
  // rollups merged in the background. Merge the tables the queries read, as that store would.
  if (options.merge === false) return;
  for (const table of [
    'brand_hourly',
    'brand_quarter_hourly',
    'brand_totals_hourly',
    'brand_authors_daily',
    'brand_topics_hourly',
    'brand_topic_totals_hourly',
  ])
    await store.command(`OPTIMIZE TABLE ${table} FINAL`);
}

/** p50/p95 of each analytics query function, in process: 3 warm-up runs, then 40 timed ones. */
export async function measureQueries(store: ChdbStore): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const day = 86_400_000;
  const ranges = (i: number) => {
    const to = new Date(END - (i % 7) * day);
    return {
      last24h: { from: new Date(to.getTime() - day), to },
      last7d: { from: new Date(to.getTime() - 7 * day), to },
    };
  };
  const measure = async (name: string, fn: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 3; i++) await fn(i); // warm-up
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      await fn(i);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    results.push({
      area: 'api',
      name: `${name} p50`,
      value: times[Math.floor(times.length * 0.5)]!,
      unit: 'ms',
    });
    results.push({
      area: 'api',
      name: `${name} p95`,
      value: times[Math.floor(times.length * 0.95)]!,
      unit: 'ms',
    });
  };
  await measure('health 24h/1h (hourly rollup)', (i) =>
    brandHealth(store, {
      workspace: 'bench',
      brand: BRANDS[i % 3]!,
      ...ranges(i).last24h,
      intervalSeconds: 3600,
    }),
  );
  await measure('health 7d/6h (hourly rollup)', (i) =>
    brandHealth(store, {
      workspace: 'bench',
      brand: BRANDS[i % 3]!,
      ...ranges(i).last7d,
      intervalSeconds: 6 * 3600,
    }),
  );
  await measure('health 24h/15m (15-min rollup)', (i) =>
    brandHealth(store, {
      workspace: 'bench',
      brand: BRANDS[i % 3]!,
      ...ranges(i).last24h,
      intervalSeconds: 900,
    }),
  );
  await measure('compare 3 brands 7d/6h', (i) =>
    compareBrands(store, {
      workspace: 'bench',
      brands: BRANDS.map((id) => ({ id, name: id })),
      ...ranges(i).last7d,
      intervalSeconds: 6 * 3600,
    }),
  );
  await measure('health 24h/1h, asked mid-hour (the previous period cut, prorated)', (i) =>
    brandHealth(store, {
      workspace: 'bench',
      brand: BRANDS[i % 3]!,
      ...ranges(i).last24h,
      intervalSeconds: 3600,
      now: new Date(ranges(i).last24h.to.getTime() - 20 * 60_000),
    }),
  );
  const feedFilters = (i: number) => ({
    workspace: 'bench',
    brand: BRANDS[i % 3]!,
    ...ranges(i).last24h,
  });
  await measure('mentions 24h, newest first (50)', (i) =>
    mentionFeed(store, feedFilters(i), { limit: 50, cursor: null }),
  );
  await measure('mentions 24h, most engaged first (50)', (i) =>
    mentionFeed(store, feedFilters(i), { limit: 50, cursor: null, sort: 'engagement' }),
  );
  await measure('top authors 24h (20)', (i) => topAuthors(store, feedFilters(i), 20));
  await measure('topics 24h', (i) =>
    brandTopics(
      store,
      { workspace: 'bench', brand: BRANDS[i % 3]!, ...ranges(i).last24h },
      { limit: 10, minVolume: 5 },
    ),
  );

  return results;
}

/**
 * Requests/s of the health endpoint under load (autocannon in this process, so it shares the
 * cores), without and with the result cache.
 */
export async function measureHttp(store: Store, adapter: string): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const config = parseEarshotConfig(
    `workspaces:\n  - id: bench\n    name: Bench\n    brands:\n${BRANDS.map((b) => `      - { id: ${b}, name: ${b}, query: ${b} }`).join('\n')}\n`,
  );
  for (const cacheTtlMs of [0, 5_000]) {
    const app = await buildApi({
      store,
      config: () => config,
      logger: silentLogger(),
      demoKey: { key: KEY, workspace: 'bench' },
      rateLimitPerSecond: 1_000_000,
      cacheTtlMs,
      now: () => new Date(END),
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    // Rotate brands and ranges so the uncached run really queries every time.
    const paths = BRANDS.flatMap((b) =>
      ['now-24h', 'now-2d', 'now-3d'].map(
        (from) => `/v1/brands/${b}/health?from=${from}&interval=1h`,
      ),
    );
    let i = 0;
    const load = await autocannon({
      url: address,
      headers: { authorization: `Bearer ${KEY}` },
      connections: 16,
      duration: 10,
      requests: [
        { method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) },
      ],
    });
    await app.close();
    results.push({
      area: 'api',
      name: `GET /v1/brands/{b}/health 1h buckets, ${adapter}, ${cacheTtlMs ? `${cacheTtlMs / 1000} s result cache` : 'no cache'}`,
      value: load.requests.average,
      unit: 'req/s',
      notes: `16 connections, 10 s, 9 distinct URLs, p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, ${load.non2xx} non-2xx; autocannon shares the 2 cores`,
    });
  }
  return results;
}

/**
 * The API's query path on a server: the `clickhouse` adapter with its pool of
 * MAX_OPEN_CONNECTIONS connections, against the loopback ClickHouse HTTP front
 * (test/support/clickhouse-http.ts) serving the data directory just measured. The front hands
 * statements to the same embedded engine one at a time, so this measures the adapter's path
 * (HTTP, JSON, the pool) at the engine's pace, not a server's parallelism; the most requests
 * the front saw open at once shows what the pool put on the wire.
 */
export async function measureHttpServer(dataDir: string, database: string): Promise<BenchResult[]> {
  const front = await startChdbHttpFront({ dataDir });
  const store = await ClickHouseServerStore.open({
    url: front.url,
    username: front.user,
    password: front.password,
    database,
  });
  try {
    const results = await measureHttp(
      store,
      `clickhouse adapter (pool of ${MAX_OPEN_CONNECTIONS}) via the loopback front`,
    );
    const uncached = results[0]!;
    uncached.notes = `${uncached.notes}; up to ${front.maxInFlight} queries open at the front at once`;
    return results;
  } finally {
    await store.close();
    await front.close();
  }
}
