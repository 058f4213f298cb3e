import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApi } from '../../api/app.ts';
import { startPipeline, type RunningPipeline } from '../../cli/embedded.ts';
import {
  apiExtraRoutes,
  ingestPorts,
  setupPortFor,
  startSourceConnectors,
  type Runtime,
} from '../../cli/roles/index.ts';
import { InProcessBus } from '../../core/bus/in-process.ts';
import { dlqTopic, Topics } from '../../core/contracts/topics.ts';
import { createLogger, silentLogger } from '../../core/logger.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import type { IngestPorts } from '../../ingest/ports.ts';
import type { Store } from '../../store/port.ts';
import { createApiKey } from '../../store/queries/api-keys.ts';
import { aMention } from '../support/builders.ts';
import { runtimeWithSettings } from '../support/setup-runtime.ts';
import { freshStore } from '../support/store.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Self-serve setup on the embedded pipeline (in-process bus → enrich → sink → a real ClickHouse
 * engine), the API built as `earshot start` builds it: brands and sources made from the API,
 * merged with the file (whose items stay read-only), applied without a restart, re-matched over
 * stored history without counting twice, previewed; keys with scopes.
 */

const file = parseEarshotConfig(`
workspaces:
  - id: acme
    name: ACME
    brands:
      - { id: acme, name: ACME, query: acme }
sources:
  rss: { feeds: ['http://127.0.0.1:9/feed.xml'] }
`);

const services = inject('services');
let store: Store;
let bus: InProcessBus;
let rt: Runtime;
let pipeline: RunningPipeline;
let app: FastifyInstance;
let ports: IngestPorts;
let admin: string;
let reader: string;

const DAY = 86_400_000;
const ago = (days: number, minutes = 0) =>
  new Date(Date.now() - days * DAY - minutes * 60_000).toISOString();

function call(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  key: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${key}`,
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
}

interface ErrorJson {
  error: {
    code: string;
    message: string;
    details: Array<{ parameter: string; message: string; position?: number; expected?: string }>;
  };
}
interface BrandJson {
  id: string;
  origin: string;
  competitors: string[];
}
interface Shown {
  id: string;
  text: string;
  spans: Array<[number, number]>;
}
interface PreviewJson {
  by_day: unknown[];
  total: number;
  current_total: number | null;
  estimated: boolean;
  samples: Shown[];
  gained: Shown[];
  lost: Shown[];
}
interface SourceJson {
  source: string;
  origin: string | null;
  options: unknown;
}
const errorOf = (res: LightMyRequestResponse) => res.json<ErrorJson>().error;
const brandsOf = (res: LightMyRequestResponse) => res.json<{ brands: BrandJson[] }>().brands;
const sourceOf = (res: LightMyRequestResponse, name: string) =>
  res.json<{ sources: SourceJson[] }>().sources.find((s) => s.source === name);

/** Distinct mentions of a brand, and the volume its hourly rollup sums, over all time. */
async function counted(brand: string): Promise<{ mentions: number; rollup: number }> {
  const [m] = await store.query<{ n: number }>(
    "SELECT uniqExact(mention_id) AS n FROM brand_mentions FINAL WHERE workspace = 'acme' AND brand = {brand:String}",
    { brand },
  );
  const [r] = await store.query<{ n: number }>(
    "SELECT sum(volume) AS n FROM brand_hourly WHERE workspace = 'acme' AND brand = {brand:String}",
    { brand },
  );
  return { mentions: Number(m?.n ?? 0), rollup: Number(r?.n ?? 0) };
}

beforeAll(async () => {
  store = await freshStore(services);
  bus = new InProcessBus();
  rt = await runtimeWithSettings({ store, bus, file, logger: silentLogger() });
  await bus.ensureTopics([Topics.raw, Topics.enriched, dlqTopic(Topics.raw)]);
  pipeline = await startPipeline(rt);
  ports = ingestPorts(rt, new AbortController().signal);
  app = await buildApi({
    store,
    config: rt.config,
    logger: process.env.DEBUG_SETUP
      ? createLogger({ name: 't', level: 'error', pretty: false })
      : silentLogger(),
    extraRoutes: apiExtraRoutes(ports),
    setup: setupPortFor(rt)!,
  });
  admin = (await createApiKey(store, 'acme', 'admin')).key;
  reader = (await createApiKey(store, 'acme', 'reader', 'read')).key;
  // History from before any brand of ours: 12 posts naming "zorblax" over five days, 3 that
  // name "zorblax" with "refund", and noise.
  await ports.produce([
    ...Array.from({ length: 12 }, (_, i) =>
      aMention({
        id: `hist:z${i}`,
        source: 'hist',
        text: `The Zorblax blender number ${i} is great`,
        created_at: ago(i % 5, 30),
      }),
    ),
    ...Array.from({ length: 3 }, (_, i) =>
      aMention({
        id: `hist:r${i}`,
        source: 'hist',
        text: `zorblax refund please, order ${i}`,
        created_at: ago(1, 10 + i),
      }),
    ),
    aMention({ id: 'hist:n1', source: 'hist', text: 'nothing to see', created_at: ago(1) }),
    aMention({ id: 'hist:old', source: 'hist', text: 'zorblax long ago', created_at: ago(40) }),
  ]);
  expect(await pipeline.drain(60_000)).toBe(true);
});

afterAll(async () => {
  await app?.close();
  await pipeline?.stop();
  rt?.close();
  await bus?.close();
  await store?.close();
});

describe('brands from the API, merged with the file', () => {
  it('lists the file’s brands as read-only and refuses to change them', async () => {
    const list = await call('GET', '/v1/brands', admin);
    expect(brandsOf(list)).toEqual([
      {
        id: 'acme',
        name: 'ACME',
        query: 'acme',
        competitors: [],
        color: null,
        owned: null,
        origin: 'config',
      },
    ]);
    const patch = await call('PATCH', '/v1/brands/acme', admin, { query: 'acme OR globex' });
    expect(patch.statusCode).toBe(409);
    expect(errorOf(patch).code).toBe('defined_in_config');
    expect((await call('DELETE', '/v1/brands/acme', admin)).statusCode).toBe(409);
    const taken = await call('POST', '/v1/brands', admin, { name: 'ACME', query: 'x' });
    expect(taken.statusCode).toBe(409);
    expect(errorOf(taken).message).toContain('earshot.config.yaml');
  });

  it('points a query error at its character, and names bad competitors', async () => {
    const res = await call('POST', '/v1/brands', admin, {
      name: 'Bad',
      query: 'zorblax AND (blender',
    });
    expect(res.statusCode).toBe(400);
    const [detail] = errorOf(res).details;
    expect(detail).toMatchObject({ parameter: 'query', position: 20 });
    expect(detail?.expected).toMatch(/\)/);
    const rivals = await call('POST', '/v1/brands', admin, {
      name: 'Bad',
      query: 'x',
      competitors: ['acme', 'nope'],
    });
    expect(rivals.statusCode).toBe(400);
    expect(errorOf(rivals).details).toEqual([
      {
        parameter: 'competitors.1',
        message: expect.stringContaining('unknown brand "nope"') as string,
      },
    ]);
    const unknown = await call('POST', '/v1/brands', admin, { name: 'X', query: 'x', colour: 1 });
    expect(unknown.statusCode).toBe(400);
  });

  it('creates a brand that applies at once: the next mention matches it', async () => {
    const res = await call('POST', '/v1/brands', admin, {
      name: 'Zorblax',
      query: 'zorblax',
      competitors: ['acme'],
      color: '#ff8800',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json<BrandJson>()).toMatchObject({
      id: 'zorblax',
      origin: 'api',
      competitors: ['acme'],
    });
    const list = await call('GET', '/v1/brands', admin);
    expect(brandsOf(list).map((b) => [b.id, b.origin])).toEqual([
      ['acme', 'config'],
      ['zorblax', 'api'],
    ]);
    // Stored history is not matched by itself (that is what a re-match is for)…
    expect(await counted('zorblax')).toEqual({ mentions: 0, rollup: 0 });
    // …but a mention arriving now is.
    await ports.produce([
      aMention({ id: 'live:1', source: 'live', text: 'zorblax live now', created_at: ago(0) }),
    ]);
    expect(await pipeline.drain(60_000)).toBe(true);
    const feed = await call('GET', '/v1/brands/zorblax/mentions?from=now-1h', admin);
    expect(feed.json<{ mentions: Shown[] }>().mentions.map((m) => m.id)).toEqual(['live:1']);
  });

  it('re-matches stored history, replacing what was counted, never adding twice', async () => {
    const res = await call('POST', '/v1/brands/zorblax/rematch', admin, { days: 7 });
    expect(res.statusCode).toBe(200);
    expect(res.json<object>()).toMatchObject({ brand: 'zorblax', days: 7, mentions: 16 });
    expect(await counted('zorblax')).toEqual({ mentions: 16, rollup: 16 });
    // With what matched, as the enrich stage records it.
    const [row] = await store.query<{ terms: string[] }>(
      "SELECT matched_terms AS terms FROM brand_mentions FINAL WHERE brand = 'zorblax' AND mention_id = 'hist:z1'",
    );
    expect(row?.terms).toEqual(['Zorblax']);
    // Again: the same numbers, not twice them.
    await call('POST', '/v1/brands/zorblax/rematch', admin, { days: 7 });
    expect(await counted('zorblax')).toEqual({ mentions: 16, rollup: 16 });
    // A narrower query, re-matched: the rows it no longer matches leave the rollups too.
    expect(
      (await call('PATCH', '/v1/brands/zorblax', admin, { query: 'zorblax NOT refund' }))
        .statusCode,
    ).toBe(200);
    await call('POST', '/v1/brands/zorblax/rematch', admin, { days: 7 });
    expect(await counted('zorblax')).toEqual({ mentions: 13, rollup: 13 });
    // Older than the window: untouched (the 40-day-old post was never counted).
    const health = await call('GET', '/v1/brands/zorblax/health?from=now-7d&interval=1d', admin);
    expect(health.json<{ totals: { volume: number } }>().totals.volume).toBe(13);
  });

  it('previews a draft: counts by day, samples with spans, gained and lost against the brand', async () => {
    const res = await call('POST', '/v1/brands/preview', admin, {
      query: 'zorblax AND refund',
      brand: 'zorblax',
      days: 7,
      samples: 5,
    });
    expect(res.statusCode).toBe(200);
    const p = res.json<PreviewJson>();
    expect(p.by_day).toHaveLength(7);
    expect(p.total).toBe(3);
    expect(p.current_total).toBe(13);
    expect(p.estimated).toBe(false);
    expect(p.samples).toHaveLength(3);
    const sample = p.samples[0]!;
    expect(sample.spans.map(([s, e]) => sample.text.slice(s, e).toLowerCase())).toEqual([
      'zorblax',
      'refund',
    ]);
    expect(p.gained.map((m) => m.id).sort()).toEqual(['hist:r0', 'hist:r1', 'hist:r2']);
    expect(p.lost).toHaveLength(5);
    const bad = await call('POST', '/v1/brands/preview', admin, { query: 'zorblax NEAR/x y' });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).details[0]).toMatchObject({ parameter: 'query', position: 13 });
  });

  it('deletes a stored brand with its matches', async () => {
    expect((await call('DELETE', '/v1/brands/zorblax', admin)).statusCode).toBe(204);
    expect(await counted('zorblax')).toEqual({ mentions: 0, rollup: 0 });
    const list = await call('GET', '/v1/brands', admin);
    expect(brandsOf(list).map((b) => b.id)).toEqual(['acme']);
    expect((await call('GET', '/v1/brands/zorblax/health', admin)).statusCode).toBe(404);
  });
});

describe('sources from the API', () => {
  it('lists every source with its state; the file’s are read-only', async () => {
    const res = await call('GET', '/v1/sources', admin);
    const rss = sourceOf(res, 'rss');
    expect(rss).toMatchObject({ origin: 'config', configured: true, state: null });
    const hn = sourceOf(res, 'hackernews');
    expect(hn).toMatchObject({ origin: null, configured: false, options: null });
    expect((await call('PUT', '/v1/sources/rss', admin, { options: {} })).statusCode).toBe(409);
    expect((await call('DELETE', '/v1/sources/rss', admin)).statusCode).toBe(409);
  });

  it('stores a source’s options, with positioned errors, credentials by env var name', async () => {
    const bad = await call('PUT', '/v1/sources/youtube', admin, {
      options: { video_ids: ['x'], api_kye_env: 'YT_KEY' },
    });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).details).toContainEqual({
      parameter: 'options.api_kye_env',
      message: expect.stringContaining('did you mean "api_key_env"') as string,
    });
    const ok = await call('PUT', '/v1/sources/hackernews', admin, {
      options: { queries: ['zorblax'] },
    });
    expect(ok.statusCode).toBe(201);
    await waitFor(() => 'hackernews' in rt.config().sources);
    const list = await call('GET', '/v1/sources', admin);
    const hn = sourceOf(list, 'hackernews');
    expect(hn).toMatchObject({ origin: 'api', options: { queries: ['zorblax'] } });
    expect((await call('DELETE', '/v1/sources/hackernews', admin)).statusCode).toBe(204);
    expect('hackernews' in rt.config().sources).toBe(false);
    expect((await call('PUT', '/v1/sources/nosuch', admin, { options: {} })).statusCode).toBe(404);
  });
});

describe('sources saved from the API reach the connectors without a restart', () => {
  it('starts a stored source’s connector, and stops it when the source is removed', async () => {
    const stop = new AbortController();
    const connectors = startSourceConnectors(rt, stop.signal);
    try {
      const running = () => connectors.status().map((s) => s.source);
      // The file's RSS feed runs from the start (its host refuses: it backs off, still there).
      expect(running()).toEqual(['rss']);
      const put = await call('PUT', '/v1/sources/hackernews', admin, {
        options: { queries: ['zorblax'], base_url: 'http://127.0.0.1:9' },
      });
      expect(put.statusCode).toBe(201);
      await waitFor(() => running().includes('hackernews'), {
        what: 'the hackernews connector to start',
        timeoutMs: 15_000,
      });
      expect((await call('DELETE', '/v1/sources/hackernews', admin)).statusCode).toBe(204);
      await waitFor(() => !running().includes('hackernews'), {
        what: 'the hackernews connector to stop',
        timeoutMs: 15_000,
      });
      expect(running()).toEqual(['rss']);
    } finally {
      stop.abort();
      await connectors.stop();
    }
  });
});

describe('keys with scopes', () => {
  it('a read key reads, and gets 403 on every route that writes (from /openapi.json)', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const writes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m) => m !== 'get')
        .map((m) => [m.toUpperCase(), path.replace(/\{[a-z_]+\}/g, 'acme')] as const),
    );
    // Setup, alert rules and acknowledgements, and the ingest webhook: all of them.
    expect(writes.map(([m, p]) => `${m} ${p}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/brands',
        'PATCH /v1/brands/acme',
        'DELETE /v1/brands/acme',
        'POST /v1/brands/preview',
        'POST /v1/brands/acme/rematch',
        'PUT /v1/sources/acme',
        'DELETE /v1/sources/acme',
        'POST /v1/alert-rules',
        'PATCH /v1/alert-rules/acme',
        'DELETE /v1/alert-rules/acme',
        'POST /v1/alert-rules/acme/backtest',
        'POST /v1/alerts/acme/ack',
        'POST /v1/ingest',
      ]),
    );
    for (const [method, url] of writes) {
      const res = await call(method as 'POST', url, reader, {});
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(errorOf(res).code).toBe('forbidden');
    }
    for (const url of ['/v1/brands', '/v1/sources', '/v1/alert-rules', '/v1/alerts'])
      expect((await call('GET', url, reader)).statusCode, url).toBe(200);
  });

  it('keys made before scopes keep working as admin', async () => {
    // A row as 0004 wrote it, without a scope, over a read key's row (before the API ever read
    // it): the column's default decides.
    const { key, record } = await createApiKey(store, 'acme', 'old', 'read');
    const { scope: _scope, ...old } = record;
    await store.insert('api_keys', [
      { ...old, key_id: old.key_id, updated_at: new Date(Date.now() + 1000).toISOString() },
    ]);
    const res = await call('POST', '/v1/brands/preview', key, { query: 'acme' });
    expect(res.statusCode).toBe(200);
  });
});
