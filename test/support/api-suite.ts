import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApi } from '../../api/app.ts';
import { AuthorsResponse, BrandsResponse, TopicsResponse } from '../../api/contracts/brands.ts';
import { ingestRoutes } from '../../api/routes/ingest.ts';
import type { EnrichedMention, Mention } from '../../core/contracts/mention.ts';
import { silentLogger } from '../../core/logger.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import type { Store } from '../../store/port.ts';
import { createApiKey, revokeApiKey } from '../../store/queries/api-keys.ts';
import { wilson } from '../../store/queries/metrics.ts';
import { anEnrichedMention } from './builders.ts';
import { storeThroughSink } from './store.ts';
import type { TestServices } from './services.ts';

/**
 * Every endpoint against a real ClickHouse engine, on fixed fixture data whose expected
 * numbers are computed by hand below. Plus workspace isolation, auth, and injection attempts.
 * Defined once and run per store adapter (`api.int.test.ts`: the embedded engine or the
 * configured server; `api-http.int.test.ts`: the `clickhouse` adapter over HTTP), so both
 * adapters must give the same hand-computed numbers.
 */
export function defineApiSuite(openStore: (services: TestServices) => Promise<Store>): void {
  const services = inject('services');
  const config = parseEarshotConfig(`
workspaces:
  - id: acme-ws
    name: ACME
    brands:
      - { id: acme, name: ACME, query: acme, competitors: [globex] }
      - { id: globex, name: Globex, query: globex, competitors: [acme] }
  - id: other-ws
    name: Other
    brands:
      - { id: initech, name: Initech, query: initech }
`);

  let store: Store;
  let app: FastifyInstance;
  let acmeKey: string;
  let otherKey: string;
  const ingested: Mention[] = [];
  // What the ingest route's untilStored answers (the embedded bus: stored in time or not).
  let storedInTime = true;

  type Label = 'pos' | 'neu' | 'neg' | 'unscored';
  let n = 0;
  function fixture(
    brand: string,
    workspace: string,
    at: string,
    label: Label,
    extra: Partial<EnrichedMention> = {},
  ): EnrichedMention {
    n += 1;
    const score = { pos: 0.6, neu: 0, neg: -0.7, unscored: 0 }[label];
    return anEnrichedMention({
      id: `fx:${n}`,
      text: `${brand} mention number ${n}`,
      created_at: at,
      author: { id: `author-${n % 3}`, handle: `user${n % 3}`, display_name: null, followers: 100 },
      engagement: { likes: 2, reposts: 1, replies: 0, views: null },
      sentiment: {
        label,
        score,
        confidence: 0.8,
        explanation: [{ text: brand, start: 0, end: brand.length, weight: score, kind: 'lexicon' }],
        model: { name: 'test', version: '1' },
      },
      brands: [{ workspace, brand, query_id: `${brand}:q`, terms: [brand] }],
      topics:
        label === 'neg'
          ? [{ id: 't-outage', label: 'outage' }]
          : [{ id: 't-camera', label: 'camera' }],
      ...extra,
    });
  }

  // Hand-computed expectations for ACME, 2026-11-20 10:00–12:00 UTC:
  //   10:xx  pos pos pos neu neg        11:xx  pos neg neg unscored
  //   → volume 9, pos 4, neu 1, neg 3, unscored 1; scored 8
  //   net = (4 − 3)/8 = 0.125; polar = (4 − 3)/7 = 0.1429; negative share = 3/8 = 0.375
  //   engagement = 9 × (2 + 1 + 0) = 27; reach = 9 × 100 = 900
  // Previous period 08:00–10:00: 2 pos → volume change +350 %.
  // Globex in the same window: 10:xx neu neu, 11:xx pos neg → volume 4
  //   share of voice ACME = 9/13 = 0.6923, Globex = 4/13 = 0.3077.
  const OWNED_AT = '2026-11-19T03:00:00.000Z';
  const H10 = '2026-11-20T10:15:00.000Z';
  const H11 = '2026-11-20T11:45:00.000Z';
  const FIXTURES: EnrichedMention[] = [
    ...(['pos', 'pos', 'pos', 'neu', 'neg'] as Label[]).map((l) =>
      fixture('acme', 'acme-ws', H10, l),
    ),
    ...(['pos', 'neg', 'neg', 'unscored'] as Label[]).map((l) =>
      fixture('acme', 'acme-ws', H11, l),
    ),
    fixture('acme', 'acme-ws', '2026-11-20T08:30:00.000Z', 'pos'),
    fixture('acme', 'acme-ws', '2026-11-20T09:30:00.000Z', 'pos'),
    fixture('globex', 'acme-ws', H10, 'neu'),
    fixture('globex', 'acme-ws', H10, 'neu'),
    fixture('globex', 'acme-ws', H11, 'pos'),
    fixture('globex', 'acme-ws', H11, 'neg'),
    fixture('initech', 'other-ws', H10, 'neg'),
    // A day earlier, out of every other test's range: replies under ACME's own account, one of
    // which also names the brand (owned + matched), one only owned.
    fixture('acme', 'acme-ws', OWNED_AT, 'neg', {
      brands: [
        { workspace: 'acme-ws', brand: 'acme', query_id: 'acme:owned', terms: [], owned: true },
      ],
    }),
    fixture('acme', 'acme-ws', OWNED_AT, 'pos', {
      brands: [
        { workspace: 'acme-ws', brand: 'acme', query_id: 'acme:q', terms: ['acme'], owned: true },
      ],
    }),
    fixture('acme', 'acme-ws', OWNED_AT, 'neu'),
  ];
  const RANGE = 'from=2026-11-20T10:00:00Z&to=2026-11-20T12:00:00Z';

  beforeAll(async () => {
    store = await openStore(services);
    // Through the real sink stage, as the pipeline stores them.
    await storeThroughSink(store, FIXTURES);
    acmeKey = (await createApiKey(store, 'acme-ws', 'test')).key;
    otherKey = (await createApiKey(store, 'other-ws', 'test')).key;
    app = await buildApi({
      store,
      config: () => config,
      logger: silentLogger(),
      now: () => new Date('2026-11-20T12:00:00Z'),
      extraRoutes: [
        ingestRoutes({
          produce: (mentions) => Promise.resolve(void ingested.push(...mentions)),
          deadLetter: () => Promise.resolve(),
          untilStored: () => Promise.resolve(storedInTime),
        }),
      ],
    });
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const get = (url: string, key: string | null = acmeKey) =>
    app.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} });

  describe('API on a real ClickHouse engine', () => {
    it('GET /v1/brands lists the brands of the key’s workspace only', async () => {
      const res = await get('/v1/brands');
      expect(res.statusCode).toBe(200);
      expect(BrandsResponse.safeParse(res.json()).error).toBeUndefined();
      expect(res.json<{ brands: Array<{ id: string }> }>().brands.map((b) => b.id)).toEqual([
        'acme',
        'globex',
      ]);
      expect(
        (await get('/v1/brands', otherKey))
          .json<{ brands: Array<{ id: string }> }>()
          .brands.map((b) => b.id),
      ).toEqual(['initech']);
    });

    it.each(['1h', '30m'])(
      'health totals match the hand-computed figures (interval %s: rollup and raw paths)',
      async (interval) => {
        const res = await get(`/v1/brands/acme/health?${RANGE}&interval=${interval}`);
        expect(res.statusCode).toBe(200);
        const body = res.json<{
          totals: Record<string, number>;
          previous: Record<string, number>;
          change: Record<string, number>;
          series: Array<{ volume: number }>;
        }>();
        expect(body.totals).toMatchObject({
          volume: 9,
          positive: 4,
          neutral: 1,
          negative: 3,
          unscored: 1,
          net_sentiment: 0.125,
          net_sentiment_polar: 0.1429,
          negative_share: 0.375,
          engagement: 27,
          reach_estimate: 900,
          unique_authors: 3,
        });
        expect(body.previous.volume).toBe(2);
        expect(body.change.volume_pct).toBe(350);
        expect(body.series.map((s) => s.volume)).toEqual(interval === '1h' ? [5, 4] : [5, 0, 0, 4]);
      },
    );

    it('health filters by source and language', async () => {
      const none = await get(`/v1/brands/acme/health?${RANGE}&source=bluesky`);
      expect(none.json<{ totals: { volume: number } }>().totals.volume).toBe(0);
      const en = await get(`/v1/brands/acme/health?${RANGE}&lang=en`);
      expect(en.json<{ totals: { volume: number } }>().totals.volume).toBe(9);
    });

    it('compare gives share of voice with Wilson intervals', async () => {
      const res = await get(`/v1/compare?brands=acme,globex&${RANGE}&interval=1h`);
      expect(res.statusCode).toBe(200);
      const body = res.json<{
        brands: Array<{
          brand: string;
          volume: number;
          share_of_voice: { value: number; ci95: number[] };
          negative_share: { value: number };
        }>;
        series: Array<{ volumes: Record<string, number> }>;
      }>();
      const [acme, globex] = body.brands;
      expect(acme).toMatchObject({
        brand: 'acme',
        volume: 9,
        share_of_voice: { value: 0.6923, ci95: wilson(9, 13) },
      });
      expect(globex).toMatchObject({
        brand: 'globex',
        volume: 4,
        share_of_voice: { value: 0.3077 },
        negative_share: { value: 0.25 },
      });
      expect(body.series.map((s) => s.volumes)).toEqual([
        { acme: 5, globex: 2 },
        { acme: 4, globex: 2 },
      ]);
    });

    it('topics: top by volume, with negative share', async () => {
      const res = await get(`/v1/brands/acme/topics?${RANGE}&min_volume=1`);
      expect(TopicsResponse.safeParse(res.json()).error).toBeUndefined();
      const body = res.json<{
        top: Array<{ id: string; volume: number; negative_share: number }>;
        trending: Array<{ id: string; previous_volume: number; growth: number }>;
      }>();
      expect(body.top).toEqual([
        { id: 't-camera', label: 'camera', volume: 6, negative_share: 0, langs: ['en'] },
        { id: 't-outage', label: 'outage', volume: 3, negative_share: 1, langs: ['en'] },
      ]);
      // camera: 6 now vs 2 before → +200 %; outage: 3 vs none (counted as 1) → +200 %; ties by volume.
      expect(body.trending.map((t) => [t.id, t.previous_volume, t.growth])).toEqual([
        ['t-camera', 2, 200],
        ['t-outage', 0, 200],
      ]);
    });

    it('mentions: newest first, filters, explanation, and cursor pagination without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(
          `/v1/brands/acme/mentions?${RANGE}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.statusCode).toBe(200);
        const page = res.json<{
          mentions: Array<{
            id: string;
            sentiment: { explanation: unknown[] };
            matched_terms: string[];
          }>;
          next_cursor: string | null;
        }>();
        for (const m of page.mentions) {
          expect(m.sentiment.explanation.length).toBeGreaterThan(0);
          expect(m.matched_terms).toEqual(['acme']);
        }
        seen.push(...page.mentions.map((m) => m.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toHaveLength(9);
      expect(new Set(seen).size).toBe(9);

      const negatives = await get(`/v1/brands/acme/mentions?${RANGE}&sentiment=neg`);
      expect(negatives.json<{ mentions: unknown[] }>().mentions).toHaveLength(3);
      const search = await get(
        `/v1/brands/acme/mentions?${RANGE}&q=${encodeURIComponent('NUMBER 3')}`,
      );
      expect(search.json<{ mentions: Array<{ id: string }> }>().mentions.map((m) => m.id)).toEqual([
        'fx:3',
      ]);
      const topic = await get(`/v1/brands/acme/mentions?${RANGE}&topic=t-outage`);
      expect(topic.json<{ mentions: unknown[] }>().mentions).toHaveLength(3);
    });

    it('mentions: owned=true|false splits those by or under the brand’s own accounts', async () => {
      const window = 'from=2026-11-19T02:00:00Z&to=2026-11-19T04:00:00Z';
      type Page = { mentions: Array<{ id: string; owned: boolean }> };
      const all = (await get(`/v1/brands/acme/mentions?${window}`)).json<Page>().mentions;
      expect(all).toHaveLength(3);
      const owned = await get(`/v1/brands/acme/mentions?${window}&owned=true`);
      expect(owned.statusCode).toBe(200);
      const ownedIds = owned.json<Page>().mentions.map((m) => m.id);
      expect(ownedIds).toHaveLength(2);
      expect(owned.json<Page>().mentions.every((m) => m.owned)).toBe(true);
      const others = (await get(`/v1/brands/acme/mentions?${window}&owned=false`)).json<Page>();
      expect(others.mentions).toHaveLength(1);
      expect(others.mentions[0]!.owned).toBe(false);
      expect(ownedIds).not.toContain(others.mentions[0]!.id);
      const ranked = await get(`/v1/brands/acme/mentions?${window}&owned=true&sort=engagement`);
      expect(
        ranked
          .json<Page>()
          .mentions.map((m) => m.id)
          .sort(),
      ).toEqual([...ownedIds].sort());
      const bad = await get(`/v1/brands/acme/mentions?${window}&owned=yes`);
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toMatch(/owned/);
    });

    it('mentions: most engaged first, page by page, and a cursor keeps its order', async () => {
      const engagement: number[] = [];
      const seen: string[] = [];
      let cursor: string | null = null;
      let first: string | null = null;
      do {
        const res = await get(
          `/v1/brands/acme/mentions?${RANGE}&sort=engagement&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.statusCode).toBe(200);
        const page = res.json<{
          mentions: Array<{ id: string; engagement: Record<string, number> }>;
          next_cursor: string | null;
        }>();
        for (const m of page.mentions) {
          seen.push(m.id);
          engagement.push(m.engagement.likes! + m.engagement.reposts! + m.engagement.replies!);
        }
        cursor = page.next_cursor;
        first ??= cursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(9);
      expect(engagement).toEqual([...engagement].sort((a, b) => b - a));
      // These fixtures are equally engaged: ties go newest first (engagement-updates.int.test.ts
      // orders unequal ones).
      const newest = await get(`/v1/brands/acme/mentions?${RANGE}&limit=9`);
      expect(seen).toEqual(
        newest.json<{ mentions: Array<{ id: string }> }>().mentions.map((m) => m.id),
      );
      // A cursor of one order is refused in the other, with the reason.
      const mixed = await get(`/v1/brands/acme/mentions?${RANGE}&cursor=${first}`);
      expect(mixed.statusCode).toBe(400);
      expect(mixed.body).toMatch(/sort=newest/);
    });

    it('authors: ordered by engagement', async () => {
      const res = await get(`/v1/brands/acme/authors?${RANGE}`);
      expect(AuthorsResponse.safeParse(res.json()).error).toBeUndefined();
      const authors = res.json<{
        authors: Array<{ author_id: string; mentions: number; engagement: number }>;
      }>().authors;
      expect(authors.reduce((s, a) => s + a.mentions, 0)).toBe(9);
      expect(authors.reduce((s, a) => s + a.engagement, 0)).toBe(27);
      expect(authors.map((a) => a.engagement)).toEqual(
        [...authors.map((a) => a.engagement)].sort((a, b) => b - a),
      );
    });

    it('export streams every mention as CSV', async () => {
      const res = await get(`/v1/export/mentions.csv?brand=acme&${RANGE}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/csv/);
      // A byte-order mark first (Excel reads UTF-8 by it), then CRLF lines (RFC 4180).
      expect(res.body.startsWith('\uFEFF')).toBe(true);
      const lines = res.body.slice(1).trim().split('\r\n');
      expect(lines[0]).toBe(
        'id,created_at,source,lang,author,author_name,followers,reach_estimate,url,sentiment,sentiment_score,sentiment_confidence,sentiment_model,likes,reposts,replies,engagement,owned,topics,title,text',
      );
      expect(lines).toHaveLength(10);
      expect(res.headers['x-total-count']).toBe('9');
    });

    it('webhook ingest accepts valid items and reports invalid ones by index', async () => {
      const body = [
        JSON.stringify({
          id: 'webhook:1',
          source: 'webhook',
          text: 'acme rocks',
          created_at: '2026-11-20T11:00:00Z',
        }),
        JSON.stringify({ id: 'webhook:2', source: 'webhook', text: 'no date' }),
        JSON.stringify({
          id: 'webhook:3',
          source: 'webhook',
          text: 'acme again',
          created_at: '2026-11-20T11:01:00Z',
        }),
      ].join('\n');
      const res = await app.inject({
        method: 'POST',
        url: '/v1/ingest',
        headers: { authorization: `Bearer ${acmeKey}`, 'content-type': 'application/x-ndjson' },
        payload: body,
      });
      expect(res.statusCode).toBe(202);
      expect(res.json<{ accepted: number; rejected: Array<{ index: number }> }>()).toMatchObject({
        accepted: 2,
        rejected: [{ index: 1 }],
      });
      // Stored in the key's workspace: namespaced ids, owned by it (never by the body's say).
      expect(ingested.map((m) => [m.id, m.workspace])).toEqual([
        ['webhook:@acme-ws:1', 'acme-ws'],
        ['webhook:@acme-ws:3', 'acme-ws'],
      ]);
      const unauthenticated = await app.inject({
        method: 'POST',
        url: '/v1/ingest',
        payload: body,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(unauthenticated.statusCode).toBe(401);
    });

    it('webhook ingest answers 503, not 202, when the embedded pipeline does not store in time', async () => {
      storedInTime = false;
      try {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/ingest',
          headers: { authorization: `Bearer ${acmeKey}` },
          payload: {
            id: 'webhook:slow',
            source: 'webhook',
            text: 'acme slow',
            created_at: '2026-11-20T11:02:00Z',
          },
        });
        expect(res.statusCode).toBe(503);
        const error = res.json<{ error: { code: string; message: string } }>().error;
        expect(error.code).toBe('not_stored');
        expect(error.message).toMatch(/^1 mention accepted but not stored in time/);
        expect(error.message).toMatch(/post them again/);
        // Only invalid items: their dead letters are what is not stored, not "0 mentions".
        const invalid = await app.inject({
          method: 'POST',
          url: '/v1/ingest',
          headers: { authorization: `Bearer ${acmeKey}`, 'content-type': 'application/x-ndjson' },
          payload: '{"id":"webhook:bad"}\nnot json\n',
        });
        expect(invalid.statusCode).toBe(503);
        expect(invalid.json<{ error: { message: string } }>().error.message).toMatch(
          /^2 invalid items dead-lettered but not stored in time/,
        );
      } finally {
        storedInTime = true;
      }
    });
  });

  describe('isolation and auth', () => {
    it.each([
      '/v1/brands/acme/health',
      '/v1/brands/acme/topics',
      '/v1/brands/acme/mentions',
      '/v1/brands/acme/authors',
      '/v1/compare?brands=acme',
      '/v1/export/mentions.csv?brand=acme',
    ])('a key of another workspace gets 404 for %s', async (url) => {
      const res = await get(url, otherKey);
      expect(res.statusCode).toBe(404);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('not_found');
    });

    it('no key, a malformed key, a wrong secret and a revoked key are 401', async () => {
      expect((await get('/v1/brands', null)).statusCode).toBe(401);
      expect((await get('/v1/brands', 'not-a-key')).statusCode).toBe(401);
      const wrongSecret = acmeKey.replace(/_[^_]+$/, `_${'x'.repeat(43)}`);
      expect((await get('/v1/brands', wrongSecret)).statusCode).toBe(401);
      const { key, record } = await createApiKey(store, 'acme-ws', 'to revoke');
      expect((await get('/v1/brands', key)).statusCode).toBe(200);
      await revokeApiKey(store, record.key_id);
      await new Promise((r) => setTimeout(r, 5_100)); // the key cache refreshes every 5 s
      expect((await get('/v1/brands', key)).statusCode).toBe(401);
    });

    it('rate limits per key with 429 and Retry-After', async () => {
      const limited = await buildApi({
        store,
        config: () => config,
        logger: silentLogger(),
        rateLimitPerSecond: 1,
      });
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 5; i++) {
        const res = await limited.inject({
          method: 'GET',
          url: '/v1/brands',
          headers: { authorization: `Bearer ${acmeKey}` },
        });
        statuses.push(res.statusCode);
        const header = res.headers['retry-after'];
        if (typeof header === 'string') retryAfter ??= header;
      }
      await limited.close();
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    });
  });

  describe('bad input and injection attempts', () => {
    it.each([
      ['/v1/brands/acme/health?from=yesterday', 'from'],
      ['/v1/brands/acme/health?interval=1x', 'interval'],
      ['/v1/brands/acme/health?interval=1m&from=2020-01-01T00:00:00Z', 'interval'],
      ['/v1/brands/acme/health?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z', 'from'],
      ["/v1/brands/acme/health?source=x'%20OR%20'1'='1", 'source'],
      ['/v1/brands/acme/health?lang=de;DROP%20TABLE%20mentions', 'lang'],
      ['/v1/brands/acme/health?unknown=1', 'query'],
      ['/v1/brands/acme/mentions?sentiment=bad', 'sentiment'],
      ['/v1/brands/acme/mentions?limit=100000', 'limit'],
      ['/v1/brands/acme/mentions?cursor=abc', 'cursor'],
      ['/v1/brands/acme/mentions?sort=likes', 'sort'],
      ['/v1/compare?brands=', 'brands'],
      ["/v1/compare?brands=acme,globex'%20--", 'brands'],
      ["/v1/brands/acme'%20OR%201=1%20--/health", 'brand'],
    ])('%s → 400 naming %s', async (url, parameter) => {
      const res = await get(url);
      expect(res.statusCode).toBe(400);
      const body = res.json<{ error: { code: string; details: Array<{ parameter: string }> } }>();
      expect(body.error.code).toBe('invalid_parameter');
      expect(body.error.details.map((d) => d.parameter).join(' ')).toContain(parameter);
    });

    it('SQL in free-text parameters is data, never code', async () => {
      for (const q of ["') OR 1=1 --", "'; DROP TABLE mentions; --", '\\', '{q:String}']) {
        const res = await get(`/v1/brands/acme/mentions?${RANGE}&q=${encodeURIComponent(q)}`);
        expect(res.statusCode).toBe(200);
        expect(res.json<{ mentions: unknown[] }>().mentions).toEqual([]);
      }
      const topic = await get(
        `/v1/brands/acme/mentions?${RANGE}&topic=${encodeURIComponent("x') OR 1=1 --")}`,
      );
      expect(topic.json<{ mentions: unknown[] }>().mentions).toEqual([]);
      const [row] = await store.query<{ n: number }>('SELECT count() AS n FROM mentions');
      expect(row!.n).toBe(FIXTURES.length);
    });
  });

  describe('operations', () => {
    it('serves OpenAPI describing every route, a docs page, health and metrics', async () => {
      const doc = (await get('/openapi.json', null)).json<{ paths: Record<string, unknown> }>();
      for (const path of [
        '/v1/brands',
        '/v1/brands/{brand}/health',
        '/v1/compare',
        '/v1/brands/{brand}/topics',
        '/v1/brands/{brand}/mentions',
        '/v1/brands/{brand}/authors',
        '/v1/export/mentions.csv',
        '/v1/ingest',
        '/healthz',
        '/readyz',
        '/metrics',
      ]) {
        expect(Object.keys(doc.paths)).toContain(path);
      }
      const feed = doc.paths['/v1/brands/{brand}/mentions'] as {
        get: { parameters: Array<{ name: string; in: string; schema: { enum?: string[] } }> };
      };
      expect(feed.get.parameters.find((p) => p.name === 'owned')).toMatchObject({
        in: 'query',
        schema: { enum: ['true', 'false'] },
      });
      const docs = await get('/docs', null);
      expect(docs.headers['content-type']).toMatch(/text\/html/);
      expect(docs.body).toContain('/v1/brands/{brand}/health');
      expect((await get('/healthz', null)).json()).toEqual({ status: 'ok' });
      expect((await get('/readyz', null)).json()).toEqual({ status: 'ready' });
      const metrics = await get('/metrics', null);
      expect(metrics.body).toContain('earshot_http_request_duration_seconds');
    });

    it('unknown routes are a JSON 404', async () => {
      const res = await get('/v1/nope');
      expect(res.statusCode).toBe(404);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('not_found');
    });
  });
}
