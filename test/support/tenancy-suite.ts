import ExcelJS from 'exceljs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApi } from '../../api/app.ts';
import { startPipeline, type RunningPipeline } from '../../cli/embedded.ts';
import { apiExtraRoutes, ingestPorts, setupPortFor, type Runtime } from '../../cli/roles/index.ts';
import { InProcessBus } from '../../core/bus/in-process.ts';
import { dlqTopic, Topics } from '../../core/contracts/topics.ts';
import { silentLogger } from '../../core/logger.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import type { IngestPorts } from '../../ingest/ports.ts';
import type { Store } from '../../store/port.ts';
import { alertContext } from '../../store/queries/alerts-context.ts';
import { digestTopTopics } from '../../store/queries/alerts-digest.ts';
import { saveIncident } from '../../store/queries/alerts-store.ts';
import { createApiKey, listApiKeys } from '../../store/queries/api-keys.ts';
import type { TestServices } from './services.ts';
import { runtimeWithSettings } from './setup-runtime.ts';
import { waitFor } from './wait-for.ts';

/**
 * Tenancy is a wall, for reads AND writes, on every route of `/openapi.json`. Two workspaces on
 * the embedded pipeline (in-process bus → enrich → sink → a real ClickHouse engine), the API
 * built as production builds it. For each route in the document, workspace A's key tries to read
 * B's data and to write into it; B's own view of everything (through B's key and the store) must
 * be the same before and after. The route list comes from the OpenAPI document, and a route
 * without an isolation case fails the suite, so a new route cannot slip through uncovered.
 * Defined once and run per store adapter (tenancy.int.test.ts, tenancy-http.int.test.ts).
 */

type Case = () => Promise<void>;

const config = parseEarshotConfig(`
workspaces:
  - id: ws-a
    name: A
    brands:
      - { id: acme, name: ACME, query: acme, competitors: [acme-rival] }
      - { id: acme-rival, name: Rival, query: rival }
  - id: ws-b
    name: B
    brands:
      - { id: bolt, name: Bolt, query: bolt OR acme, competitors: [bolt-rival] }
      - { id: bolt-rival, name: Rival B, query: rival }
alerts:
  channels:
    - { id: a-hook, type: webhook, url: 'http://127.0.0.1:9/a', workspace: ws-a }
    - { id: b-hook, type: webhook, url: 'http://127.0.0.1:9/b', workspace: ws-b }
`);

/** In every text only B has: none of A's answers may ever contain it. */
const B_SECRET = 'bsecretmarker';

/** The routes a production API serves, read from its OpenAPI document. */
export async function documentedOperations(): Promise<string[]> {
  // Building the app registers every route; nothing touches the store until a request comes.
  const noop = () => Promise.resolve();
  const app = await buildApi({
    store: {} as Store,
    config: () => config,
    logger: silentLogger(),
    extraRoutes: apiExtraRoutes({ produce: noop, deadLetter: noop }),
  });
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  await app.close();
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

export async function defineTenancySuite(
  openStore: (services: TestServices) => Promise<Store>,
): Promise<void> {
  const operations = await documentedOperations();
  const services = inject('services');

  let store: Store;
  let app: FastifyInstance;
  let pipeline: RunningPipeline;
  let ports: IngestPorts;
  let bus: InProcessBus;
  let rt: Runtime;
  let keyA: string;
  let keyB: string;

  // A fixed window two hours back: every read of it gives the same answer until data changes.
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const T0 = new Date(hour - 2 * 3_600_000);
  const at = (minute: number) => new Date(T0.getTime() + minute * 60_000).toISOString();
  const RANGE = `from=${T0.toISOString()}&to=${new Date(hour).toISOString()}`;

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    key: string | null,
    payload?: unknown,
    contentType = 'application/json',
  ): Promise<LightMyRequestResponse> =>
    app.inject({
      method,
      url,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(payload !== undefined ? { 'content-type': contentType } : {}),
      },
      ...(payload !== undefined
        ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
        : {}),
    });
  const asA = (method: Parameters<typeof call>[0], url: string, payload?: unknown) =>
    call(method, url, keyA, payload);
  const ingest = (key: string, items: unknown[]) =>
    call(
      'POST',
      '/v1/ingest',
      key,
      items.map((i) => JSON.stringify(i)).join('\n'),
      'application/x-ndjson',
    );

  /** Everything B can see of its own, through its key and in the store. */
  const viewOfB = async () => {
    const reads = [
      '/v1/brands',
      `/v1/brands/bolt/health?${RANGE}&interval=1h`,
      `/v1/brands/bolt/topics?${RANGE}&min_volume=1`,
      `/v1/brands/bolt/mentions?${RANGE}&limit=200`,
      `/v1/brands/bolt/mentions?${RANGE}&limit=200&sort=engagement`,
      `/v1/brands/bolt/authors?${RANGE}`,
      `/v1/compare?brands=bolt,bolt-rival&${RANGE}&interval=1h`,
      `/v1/export/mentions.csv?brand=bolt&${RANGE}`,
      '/v1/alert-rules',
      '/v1/alerts',
      '/v1/sources',
      '/v1/report-schedules',
    ];
    const view: Record<string, unknown> = {};
    for (const url of reads) {
      const res = await call('GET', url, keyB);
      view[url] = { status: res.statusCode, body: res.body };
    }
    const count = async (sql: string) => Number((await store.query<{ n: number }>(sql))[0]?.n ?? 0);
    view.engagement_updates = await count(
      "SELECT count() AS n FROM engagement_updates WHERE workspace = 'ws-b'",
    );
    view.dead_letters = await count(
      "SELECT count() AS n FROM dead_letters WHERE workspace = 'ws-b'",
    );
    // What B's people did to mentions (migration 0017): A's actions never land there.
    for (const table of [
      'mention_overrides',
      'sentiment_corrections',
      'mutes',
      'metric_adjustments',
    ])
      view[table] = await count(`SELECT count() AS n FROM ${table} WHERE workspace = 'ws-b'`);
    view.mutes_of_b = (await call('GET', '/v1/mutes', keyB)).body;
    view.keys = (await listApiKeys(store))
      .filter((k) => k.workspace === 'ws-b')
      .map((k) => [k.key_id, k.revoked]);
    return view;
  };

  /** No answer given to A's key carries anything only B has. */
  const expectNothingOfB = (res: LightMyRequestResponse) => {
    expect(res.body).not.toContain(B_SECRET);
    expect(res.body).not.toContain('@ws-b:');
  };

  /** Until everything produced so far is enriched and stored. */
  const settle = async () => {
    expect(await pipeline.drain(60_000)).toBe(true);
    await waitFor(() => bus.lag(dlqTopic(Topics.raw), 'earshot-dlq-sink') === 0, {
      what: 'the dead-letter sink',
    });
  };

  beforeAll(async () => {
    store = await openStore(services);
    bus = new InProcessBus();
    // With brands and sources stored from the API merged in, as `earshot start` runs.
    rt = await runtimeWithSettings({ store, bus, file: config, logger: silentLogger() });
    await bus.ensureTopics([Topics.raw, Topics.enriched, dlqTopic(Topics.raw)]);
    pipeline = await startPipeline(rt);
    ports = ingestPorts(rt, new AbortController().signal);
    app = await buildApi({
      store,
      config: rt.config,
      logger: silentLogger(),
      extraRoutes: apiExtraRoutes(ports),
      setup: setupPortFor(rt)!,
    });
    keyA = (await createApiKey(store, 'ws-a', 'a')).key;
    keyB = (await createApiKey(store, 'ws-b', 'b')).key;

    // B's data: what public sources stored for it (one post matches both workspaces), what B
    // sent through its own webhook, its rules and an incident.
    await ports.produce([
      {
        id: 'hackernews:100',
        source: 'hackernews',
        url: null,
        author: { id: 'hn-b', handle: 'hn-b', display_name: null, followers: 10 },
        text: `bolt is a great product ${B_SECRET}`,
        title: null,
        lang: 'en',
        created_at: at(10),
        fetched_at: null,
        engagement: { likes: 3, reposts: 0, replies: 1, views: null },
        parent_id: null,
        synthetic: false,
      },
      {
        id: 'hackernews:101',
        source: 'hackernews',
        url: null,
        author: { id: 'hn-both', handle: 'hn-both', display_name: null, followers: 10 },
        text: 'acme and bolt side by side',
        title: null,
        lang: 'en',
        created_at: at(20),
        fetched_at: null,
        engagement: { likes: 5, reposts: 0, replies: 0, views: null },
        parent_id: null,
        synthetic: false,
      },
    ]);
    const own = await ingest(keyB, [
      {
        id: 'crm:1',
        source: 'crm',
        text: `bolt support ticket ${B_SECRET}`,
        created_at: at(30),
        engagement: { likes: 2 },
      },
    ]);
    expect(own.statusCode).toBe(202);
    for (const id of ['b-only', 'b-shared']) {
      const rule = await call('POST', '/v1/alert-rules', keyB, {
        id,
        brand: 'bolt',
        type: 'volume_spike',
        channels: ['b-hook'],
      });
      expect(rule.statusCode).toBe(201);
    }
    expect(
      (await asA('POST', '/v1/alert-rules', { id: 'a-rule', brand: 'acme', type: 'volume_spike' }))
        .statusCode,
    ).toBe(201);
    await saveIncident(store, {
      workspace: 'ws-b',
      id: 'inc-b-1',
      rule_id: 'b-only',
      brand: 'bolt',
      type: 'volume_spike',
      state: 'open',
      opened_at: at(40),
      updated_at: at(40),
      resolved_at: null,
      last_firing_at: at(40),
      detection: { z: 5, note: B_SECRET },
      peak: null,
      context: null,
      updates: 0,
      acked_at: null,
      acked_by: null,
    });
    // B's own source, its options naming what B watches.
    const source = await call('PUT', '/v1/sources/hackernews', keyB, {
      options: { queries: [B_SECRET] },
    });
    expect(source.statusCode).toBe(201);
    // B's scheduled report, made through the API.
    const schedule = await call('PUT', '/v1/report-schedules/b-weekly', keyB, {
      every: 'weekly',
      brands: ['bolt'],
      channels: ['b-hook'],
    });
    expect(schedule.statusCode).toBe(200);
    await settle();
    // B's own actions: a bookmark on the post both workspaces match, a muted domain.
    expect(
      (
        await call('POST', '/v1/mentions/actions', keyB, {
          id: 'hackernews:101',
          bookmarked: true,
          tags: [B_SECRET],
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await call('PUT', '/v1/mutes', keyB, { kind: 'domain', value: `${B_SECRET}.example` }))
        .statusCode,
    ).toBe(200);
    // The seed is visible to B (so "unchanged" below is about real data).
    const feed = await call('GET', `/v1/brands/bolt/mentions?${RANGE}`, keyB);
    expect(
      feed
        .json<{ mentions: Array<{ id: string }> }>()
        .mentions.map((m) => m.id)
        .sort(),
    ).toEqual(['crm:@ws-b:1', 'hackernews:100', 'hackernews:101']);
  });

  afterAll(async () => {
    await app?.close();
    await pipeline?.stop();
    rt?.close();
    await bus?.close();
    await store?.close();
  });

  /** A's attempts per route; each must leave B's view as it was. */
  const cases: Record<string, Case> = {
    // System routes: no key, no workspace data.
    'GET /healthz': async () => expectNothingOfB(await call('GET', '/healthz', null)),
    'GET /readyz': async () => expectNothingOfB(await call('GET', '/readyz', null)),
    'GET /metrics': async () => expectNothingOfB(await call('GET', '/metrics', null)),
    'GET /openapi.json': async () => expectNothingOfB(await call('GET', '/openapi.json', null)),
    'GET /docs': async () => expectNothingOfB(await call('GET', '/docs', null)),

    'GET /v1/brands': async () => {
      const res = await asA('GET', '/v1/brands');
      expect(res.json<{ brands: Array<{ id: string }> }>().brands.map((b) => b.id)).toEqual([
        'acme',
        'acme-rival',
      ]);
      expectNothingOfB(res);
    },
    'GET /v1/brands/{brand}/health': () => brandRead('health'),
    'GET /v1/brands/{brand}/topics': () => brandRead('topics'),
    'GET /v1/brands/{brand}/mentions': () => brandRead('mentions'),
    'GET /v1/brands/{brand}/authors': () => brandRead('authors'),
    'GET /v1/compare': async () => {
      for (const brands of ['bolt', 'acme,bolt', 'bolt-rival']) {
        const res = await asA('GET', `/v1/compare?brands=${brands}&${RANGE}`);
        expect(res.statusCode, brands).toBe(404);
        expectNothingOfB(res);
      }
      expectNothingOfB(await asA('GET', `/v1/compare?brands=acme,acme-rival&${RANGE}`));
    },
    'GET /v1/export/mentions.csv': () => exportRead('mentions.csv', 'brand=bolt', 'brand=acme'),
    'GET /v1/export/mentions.xlsx': () => exportRead('mentions.xlsx', 'brand=bolt', 'brand=acme'),
    'GET /v1/export/series.csv': () => exportRead('series.csv', 'brand=bolt', 'brand=acme'),
    'GET /v1/export/series.xlsx': () => exportRead('series.xlsx', 'brand=bolt', 'brand=acme'),
    'GET /v1/export/compare.csv': () =>
      exportRead('compare.csv', 'brands=acme,bolt', 'brands=acme,acme-rival'),
    'GET /v1/reports/brands/{brand}': async () => {
      for (const brand of ['bolt', 'bolt-rival']) {
        const res = await asA('GET', `/v1/reports/brands/${brand}?${RANGE}&format=html`);
        expect(res.statusCode, brand).toBe(404);
        expectNothingOfB(res);
      }
      const own = await asA('GET', `/v1/reports/brands/acme?${RANGE}&format=html`);
      expect(own.statusCode).toBe(200);
      expectNothingOfB(own);
    },
    'GET /v1/reports/compare': async () => {
      for (const brands of ['bolt', 'acme,bolt-rival']) {
        const res = await asA('GET', `/v1/reports/compare?brands=${brands}&${RANGE}&format=html`);
        expect(res.statusCode, brands).toBe(404);
        expectNothingOfB(res);
      }
      const own = await asA(
        'GET',
        `/v1/reports/compare?brands=acme,acme-rival&${RANGE}&format=html`,
      );
      expect(own.statusCode).toBe(200);
      expectNothingOfB(own);
    },
    'GET /v1/report-schedules': async () => {
      const res = await asA('GET', '/v1/report-schedules');
      expect(res.statusCode).toBe(200);
      expect(res.json<{ schedules: unknown[] }>().schedules).toEqual([]);
      expectNothingOfB(res);
      expect(res.body).not.toContain('b-weekly');
    },
    'PUT /v1/report-schedules/{id}': async () => {
      // B's brand, B's channel, B's schedule id: none of them reachable.
      const brand = await asA('PUT', '/v1/report-schedules/x', {
        every: 'weekly',
        brands: ['bolt'],
        channels: ['a-hook'],
      });
      expect(brand.statusCode).toBe(400);
      const channel = await asA('PUT', '/v1/report-schedules/x', {
        every: 'weekly',
        brands: ['acme'],
        channels: ['b-hook'],
      });
      expect(channel.statusCode).toBe(400);
      expect(channel.json<{ error: { details: unknown[] } }>().error.details).toEqual([
        { parameter: 'channels.0', message: 'unknown channel "b-hook"' },
      ]);
      const same = await asA('PUT', '/v1/report-schedules/b-weekly', {
        every: 'monthly',
        brands: ['acme'],
        channels: ['a-hook'],
      });
      // A's own schedule of the same id lives in A's workspace; B's stays as it was (the view).
      expect(same.statusCode).toBe(200);
      expectNothingOfB(same);
      expect((await asA('DELETE', '/v1/report-schedules/b-weekly')).statusCode).toBe(204);
    },
    'DELETE /v1/report-schedules/{id}': async () => {
      const res = await asA('DELETE', '/v1/report-schedules/b-weekly');
      expect(res.statusCode).toBe(404);
      expectNothingOfB(res);
    },
    'GET /v1/export/compare.xlsx': () =>
      exportRead('compare.xlsx', 'brands=bolt-rival', 'brands=acme,acme-rival'),

    'POST /v1/ingest': async () => {
      const before = await asA('GET', `/v1/brands/acme/mentions?${RANGE}&limit=200`);
      const res = await ingest(keyA, [
        // Text that B's watch query matches (acme, bolt), claiming B's workspace.
        {
          id: 'feed:1',
          source: 'feed',
          text: 'acme and bolt from A’s own feed',
          created_at: at(50),
          workspace: 'ws-b',
        },
        // The ids of B's mentions: a public one, a public one A sees too, B's own webhook one
        // (as B sent it and as it is stored), with a million likes.
        ...['hackernews:100', 'hackernews:101', 'crm:1', 'crm:@ws-b:1'].map((id) => ({
          id,
          source: id.split(':')[0],
          text: 'acme and bolt',
          created_at: at(10),
          engagement: { likes: 1_000_000, reposts: 1_000_000, replies: 1_000_000 },
        })),
        // Invalid items: dead letters of A, never of B.
        { id: 'feed:2', source: 'feed', text: 'no date' },
      ]);
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ accepted: 5, dead_lettered: 1 });
      expectNothingOfB(res);
      await settle();
      // The attack did land, in A's own workspace (so B's unchanged view is not an accident).
      const after = await asA('GET', `/v1/brands/acme/mentions?${RANGE}&limit=200`);
      const ids = (r: LightMyRequestResponse) =>
        r.json<{ mentions: Array<{ id: string }> }>().mentions.map((m) => m.id);
      expect(
        ids(after)
          .filter((id) => !ids(before).includes(id))
          .sort(),
      ).toEqual([
        'crm:@ws-a:1',
        'crm:@ws-a:@ws-b:1',
        'feed:@ws-a:1',
        'hackernews:@ws-a:100',
        'hackernews:@ws-a:101',
      ]);
      const [dead] = await store.query<{ n: number }>(
        "SELECT count() AS n FROM dead_letters WHERE workspace = 'ws-a'",
      );
      expect(Number(dead!.n)).toBeGreaterThanOrEqual(1);
    },

    'POST /v1/mentions/actions': async () => {
      // B's own mentions (public and from its webhook, as stored and as sent) are not A's.
      for (const id of ['hackernews:100', 'crm:@ws-b:1', 'crm:1']) {
        const res = await asA('POST', '/v1/mentions/actions', {
          id,
          sentiment: 'neg',
          hidden: true,
          tags: ['x'],
        });
        expect(res.statusCode, id).toBe(404);
        expectNothingOfB(res);
      }
      // The post both match: A corrects, tags, hides and bookmarks it in A only.
      const shared = await asA('POST', '/v1/mentions/actions', {
        id: 'hackernews:101',
        sentiment: 'neg',
        tags: ['a-tag'],
        hidden: true,
        bookmarked: false,
      });
      expect(shared.statusCode).toBe(200);
      expect(shared.json()).toMatchObject({
        actions: { tags: ['a-tag'], hidden: true, bookmarked: false },
      });
      expectNothingOfB(shared);
      const feed = await asA('GET', `/v1/brands/acme/mentions?${RANGE}&limit=200`);
      expect(feed.body).not.toContain('"hackernews:101"');
      // Undone (A's later cases read A's own feed).
      expect(
        (await asA('POST', '/v1/mentions/actions', { id: 'hackernews:101', hidden: false }))
          .statusCode,
      ).toBe(200);
    },
    'GET /v1/mutes': async () => {
      const res = await asA('GET', '/v1/mutes');
      expect(res.json()).toEqual({ mutes: [] });
      expectNothingOfB(res);
    },
    'PUT /v1/mutes': async () => {
      // The author of the post both match: muted for A, and for A only.
      const res = await asA('PUT', '/v1/mutes', { kind: 'author', value: 'hackernews/hn-both' });
      expect(res.json()).toMatchObject({ muted: true, mentions: 1 });
      // B's muted domain, lifted by A: A's own (empty) mute, nothing of B's.
      const lift = await asA('PUT', '/v1/mutes', {
        kind: 'domain',
        value: `${B_SECRET}.example`,
        muted: false,
      });
      expect(lift.json()).toMatchObject({ mentions: 0 });
      expect(
        (
          await asA('PUT', '/v1/mutes', {
            kind: 'author',
            value: 'hackernews/hn-both',
            muted: false,
          })
        ).statusCode,
      ).toBe(200);
    },

    'GET /v1/alert-rules': async () => {
      const res = await asA('GET', '/v1/alert-rules');
      const rules = res.json<{ rules: Array<{ id: string; brand: string; origin: string }> }>()
        .rules;
      // A's own rule, and the default rules of A's brands only (every brand gets them).
      expect(rules.filter((r) => r.origin !== 'default').map((r) => r.id)).toEqual(['a-rule']);
      expect(new Set(rules.map((r) => r.brand))).toEqual(new Set(['acme', 'acme-rival']));
      expectNothingOfB(res);
    },
    'POST /v1/alert-rules': async () => {
      const rule = { brand: 'acme', type: 'volume_spike' };
      // B's channel and an unknown one: the same 400, naming only what was sent.
      const foreign = await asA('POST', '/v1/alert-rules', {
        ...rule,
        id: 'x1',
        channels: ['b-hook'],
      });
      const unknown = await asA('POST', '/v1/alert-rules', {
        ...rule,
        id: 'x1',
        channels: ['zz-hook'],
      });
      expect(foreign.statusCode).toBe(400);
      expect(foreign.body.replaceAll('b-hook', 'ID')).toBe(
        unknown.body.replaceAll('zz-hook', 'ID'),
      );
      // B's workspace, B's brand.
      expect(
        (await asA('POST', '/v1/alert-rules', { ...rule, id: 'x2', workspace: 'ws-b' })).statusCode,
      ).toBe(404);
      const brand = await asA('POST', '/v1/alert-rules', { ...rule, id: 'x3', brand: 'bolt' });
      expect(brand.statusCode).toBe(400);
      // The id of B's rule is A's own rule, in A's workspace.
      expect((await asA('POST', '/v1/alert-rules', { ...rule, id: 'b-shared' })).statusCode).toBe(
        201,
      );
      expect((await asA('DELETE', '/v1/alert-rules/b-shared')).statusCode).toBe(204);
    },
    'PATCH /v1/alert-rules/{id}': async () => {
      const res = await asA('PATCH', '/v1/alert-rules/b-only', { enabled: false });
      expect(res.statusCode).toBe(404);
      expectNothingOfB(res);
      // A's own rule cannot be pointed at B's channel either.
      const own = await asA('PATCH', '/v1/alert-rules/a-rule', { channels: ['b-hook'] });
      expect(own.statusCode).toBe(400);
      expect(own.body).toContain('unknown channel');
    },
    'DELETE /v1/alert-rules/{id}': async () => {
      expect((await asA('DELETE', '/v1/alert-rules/b-only')).statusCode).toBe(404);
    },
    'POST /v1/alert-rules/{id}/backtest': async () => {
      const res = await asA('POST', '/v1/alert-rules/b-only/backtest', {});
      expect(res.statusCode).toBe(404);
      expectNothingOfB(res);
    },
    'GET /v1/alerts': async () => {
      for (const q of ['', '?brand=bolt', '?state=open']) {
        const res = await asA('GET', `/v1/alerts${q}`);
        expect(res.json<{ alerts: unknown[] }>().alerts).toEqual([]);
        expectNothingOfB(res);
      }
    },
    'POST /v1/alerts/{id}/ack': async () => {
      const res = await asA('POST', '/v1/alerts/inc-b-1/ack', { by: 'mallory' });
      expect(res.statusCode).toBe(404);
    },

    // Setup: brands and sources stored per workspace.
    'POST /v1/brands': async () => {
      // B's brand id is free in A's workspace: A's own brand, which B never sees.
      const res = await asA('POST', '/v1/brands', { id: 'bolt', name: 'Bolt of A', query: 'bolt' });
      expect(res.statusCode).toBe(201);
      expect((await asA('GET', '/v1/brands')).body).toContain('Bolt of A');
      // A workspace in the body is not a field: refused, not obeyed.
      const other = await asA('POST', '/v1/brands', {
        name: 'X',
        query: 'x',
        workspace: 'ws-b',
      });
      expect(other.statusCode).toBe(400);
      // Naming B's brand as a competitor: unknown in A's workspace.
      const rival = await asA('POST', '/v1/brands', {
        name: 'Y',
        query: 'y',
        competitors: ['bolt-rival'],
      });
      expect(rival.statusCode).toBe(400);
      expect((await asA('DELETE', '/v1/brands/bolt')).statusCode).toBe(204);
    },
    'PATCH /v1/brands/{brand}': async () => {
      for (const brand of ['bolt', 'bolt-rival']) {
        const res = await asA('PATCH', `/v1/brands/${brand}`, { query: 'acme' });
        expect(res.statusCode, brand).toBe(404);
        expectNothingOfB(res);
      }
    },
    'DELETE /v1/brands/{brand}': async () => {
      for (const brand of ['bolt', 'bolt-rival'])
        expect((await asA('DELETE', `/v1/brands/${brand}`)).statusCode, brand).toBe(404);
    },
    'POST /v1/brands/preview': async () => {
      // Against B's brand: unknown.
      const foreign = await asA('POST', '/v1/brands/preview', { query: 'bolt', brand: 'bolt' });
      expect(foreign.statusCode).toBe(404);
      // Text only B's own (webhook) mention has: A's preview reads public mentions, as A's live
      // matching does, and A's own, never B's.
      const res = await asA('POST', '/v1/brands/preview', {
        query: '"support ticket" OR crm OR bolt',
        days: 2,
        samples: 50,
      });
      expect(res.statusCode).toBe(200);
      // (A's own ingest above stored `crm:@ws-a:@ws-b:1`: A's, whatever its id says.)
      expect(res.body).not.toContain('"crm:@ws-b:1"');
      expect(res.body).not.toContain('bolt support ticket');
      expect(res.body).toContain('hackernews:@ws-a:100');
    },
    'POST /v1/brands/{brand}/rematch': async () => {
      expect((await asA('POST', '/v1/brands/bolt/rematch', { days: 2 })).statusCode).toBe(404);
      // A's own brand, re-matched: B's rows of the same mentions stay as they are.
      const own = await asA('POST', '/v1/brands/acme/rematch', { days: 2 });
      expect(own.statusCode).toBe(200);
      expect(own.body).not.toContain('@ws-b:');
    },
    'GET /v1/sources': async () => {
      const res = await asA('GET', '/v1/sources');
      expect(res.statusCode).toBe(200);
      expectNothingOfB(res);
      const hn = res
        .json<{ sources: Array<{ source: string; origin: string | null }> }>()
        .sources.find((s) => s.source === 'hackernews');
      expect(hn?.origin).toBeNull();
    },
    'PUT /v1/sources/{source}': async () => {
      // B stored it first: A learns that it is not free, nothing of who holds it or how.
      const res = await asA('PUT', '/v1/sources/hackernews', { options: { queries: ['acme'] } });
      expect(res.statusCode).toBe(409);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('source_unavailable');
      expectNothingOfB(res);
      expect(res.body).not.toMatch(/ws-b|workspace "|another workspace|queries/);
      // Bad options are a 400 whoever holds the source.
      const bad = await asA('PUT', '/v1/sources/hackernews', { options: { querys: ['acme'] } });
      expect(bad.statusCode).toBe(400);
      expectNothingOfB(bad);
      // The other side: A stores a free source first; B's attempt learns nothing of A's options,
      // and changes nothing of them.
      const A_SECRET = 'asecretfeedmarker';
      const mine = await asA('PUT', '/v1/sources/rss', {
        options: { feeds: [`http://127.0.0.1:9/${A_SECRET}.xml`] },
      });
      expect(mine.statusCode).toBe(201);
      const theirs = await call('PUT', '/v1/sources/rss', keyB, {
        options: { feeds: ['http://127.0.0.1:9/b.xml'] },
      });
      expect(theirs.statusCode).toBe(409);
      expect(theirs.json<{ error: { code: string } }>().error.code).toBe('source_unavailable');
      // The same words as A got for B's source: the answer tells nothing of its holder.
      expect(theirs.json<{ error: { message: string } }>().error.message).toBe(
        res.json<{ error: { message: string } }>().error.message.replace('hackernews', 'rss'),
      );
      expect(theirs.body).not.toMatch(/asecretfeedmarker|ws-a|another workspace/);
      const seenByB = await call('GET', '/v1/sources', keyB);
      expect(seenByB.body).not.toContain(A_SECRET);
      expect(
        seenByB
          .json<{ sources: Array<{ source: string; origin: string | null; options: unknown }> }>()
          .sources.find((x) => x.source === 'rss'),
      ).toMatchObject({ origin: null, options: null, state: null, last_error: null });
      expect((await call('DELETE', '/v1/sources/rss', keyB)).statusCode).toBe(404);
      const kept = (await asA('GET', '/v1/sources')).json<{
        sources: Array<{ source: string; options: unknown }>;
      }>();
      expect(kept.sources.find((x) => x.source === 'rss')?.options).toEqual({
        feeds: [`http://127.0.0.1:9/${A_SECRET}.xml`],
      });
      expect((await asA('DELETE', '/v1/sources/rss')).statusCode).toBe(204);
    },
    'DELETE /v1/sources/{source}': async () => {
      expect((await asA('DELETE', '/v1/sources/hackernews')).statusCode).toBe(404);
    },
  };

  /** A download of B's brands is a 404; A's own holds nothing of B (XLSX read cell by cell). */
  async function exportRead(file: string, theirs: string, ours: string): Promise<void> {
    const res = await asA('GET', `/v1/export/${file}?${theirs}&${RANGE}`);
    expect(res.statusCode, theirs).toBe(404);
    expectNothingOfB(res);
    const own = await asA('GET', `/v1/export/${file}?${ours}&${RANGE}`);
    expect(own.statusCode).toBe(200);
    expect(Number(own.headers['x-total-count'])).toBeGreaterThan(0);
    if (!file.endsWith('.xlsx')) return expectNothingOfB(own);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(own.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    book.eachSheet((sheet) =>
      sheet.eachRow((row) => cells.push((row.values as unknown[]).map(String).join('\t'))),
    );
    expect(cells.length).toBe(Number(own.headers['x-total-count']) + 1);
    expect(cells.join('\n')).not.toContain(B_SECRET);
    expect(cells.join('\n')).not.toContain('@ws-b:');
  }

  async function brandRead(what: string): Promise<void> {
    for (const brand of ['bolt', 'bolt-rival']) {
      const res = await asA('GET', `/v1/brands/${brand}/${what}?${RANGE}`);
      expect(res.statusCode, `${brand}/${what}`).toBe(404);
      expectNothingOfB(res);
    }
    // A's own brand shows the post both workspaces matched, never what only B has.
    const own = await asA('GET', `/v1/brands/acme/${what}?${RANGE}`);
    expect(own.statusCode).toBe(200);
    expectNothingOfB(own);
  }

  describe('tenancy: workspace A against workspace B, every route of /openapi.json', () => {
    it('has an isolation case for every documented route, and none for a route that is gone', () => {
      expect(operations.filter((op) => !(op in cases))).toEqual([]);
      expect(Object.keys(cases).filter((op) => !operations.includes(op))).toEqual([]);
    });

    it.each(operations)('%s: A reads nothing of B and changes nothing of B', async (op) => {
      const attack = cases[op];
      if (!attack) throw new Error(`no isolation case for ${op}: add one to tenancy-suite.ts`);
      const before = await viewOfB();
      await attack();
      await settle();
      expect(await viewOfB()).toEqual(before);
    });

    it('invalid webhook items are dead letters of the sending workspace: reason, payload, bounded', async () => {
      const rows = () =>
        store.query<{ reason: string; payload: string; stage: string }>(
          "SELECT reason, payload, stage FROM dead_letters WHERE workspace = 'ws-a' AND payload LIKE '%bounded-check%' ORDER BY reason",
        );
      const bad = Array.from({ length: 150 }, (_, i) => ({
        id: `feed:bounded-check-${i}`,
        source: 'feed',
        text: 'no created_at, bounded-check',
      }));
      const res = await ingest(keyA, [
        ...bad,
        { id: 'feed:ok-1', source: 'feed', text: 'acme fine', created_at: at(55) },
      ]);
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ accepted: 1, dead_lettered: 100 });
      expect(res.json<{ rejected: unknown[] }>().rejected).toHaveLength(150);
      await settle();
      const stored = await waitFor(async () => {
        const r = await rows();
        return r.length === 100 ? r : null;
      });
      expect(stored[0]).toMatchObject({ stage: 'ingest:webhook' });
      expect(stored[0]!.reason).toMatch(/^item \d+: .*created_at/);
      expect(JSON.parse(stored[0]!.payload)).toMatchObject({ source: 'feed' });
      // Even a reply with nothing valid stores what was rejected.
      const none = await call(
        'POST',
        '/v1/ingest',
        keyA,
        '{not json bounded-check',
        'application/json',
      );
      expect(none.statusCode).toBe(400);
      await settle();
      await waitFor(async () => (await rows()).length === 101);
    });

    it('A’s alert context and weekly digest name only A’s topics', async () => {
      const window = { from: T0, to: new Date(hour) };
      const context = await alertContext(store, { workspace: 'ws-a', brand: 'acme', ...window });
      expect(context.top_topics.length).toBeGreaterThan(0);
      expect(JSON.stringify(context)).not.toContain(B_SECRET);
      const digest = await digestTopTopics(store, 'ws-a', window.from, window.to);
      expect(digest.length).toBeGreaterThan(0);
      expect(JSON.stringify(digest)).not.toContain(B_SECRET);
    });
  });
}
