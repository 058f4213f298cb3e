import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { buildApi } from '../../../api/app.ts';
import { alertRoutes } from '../../../api/routes/alerts.ts';
import { ingestRoutes } from '../../../api/routes/ingest.ts';
import { setupRoutes } from '../../../api/routes/setup.ts';
import { sourceRoutes } from '../../../api/routes/sources.ts';
import { uiRoutes } from '../../../api/routes/ui.ts';
import { createSettingsSync, type SettingsSync } from '../../../cli/settings-sync.ts';
import { createSetupPort } from '../../../cli/setup/port.ts';
import {
  MentionSchema,
  type EnrichedMention,
  type Mention,
} from '../../../core/contracts/mention.ts';
import { silentLogger } from '../../../core/logger.ts';
import { parseEarshotConfig } from '../../../core/workspace-config.ts';
import type { Store } from '../../../store/port.ts';
import {
  listIncidents,
  listStoredRules,
  saveIncident,
  type StoredIncident,
} from '../../../store/queries/alerts-store.ts';
import { createApiKey } from '../../../store/queries/api-keys.ts';
import { encodeCursor } from '../../../store/queries/mentions.ts';
import { anEnrichedMention } from '../../support/builders.ts';
import { freshHttpStore, freshStore, storeThroughSink } from '../../support/store.ts';
import type { TestServices } from '../../support/services.ts';

/**
 * Hostile input on every parameter of every route, on a real ClickHouse engine. The routes and
 * their parameters come from the app's own /openapi.json, so a new route or parameter is fuzzed
 * without touching this file (a new *required* parameter needs a valid value in VALID below,
 * and the test says so). Each response must be a 2xx, or a 4xx with the API's error shape
 * `{ error: { code, message, details } }`: never a 5xx, never a cut stream. Workspace A fuzzes;
 * workspace B's data must read the same before and after.
 */

const NOW = new Date('2026-11-20T12:00:00Z');
const BODY_LIMIT = 64 * 1024;
const RANGE = { from: '2026-11-20T08:00:00Z', to: '2026-11-20T12:00:00Z' };

const config = parseEarshotConfig(`
workspaces:
  - id: ws-a
    name: A
    brands:
      - { id: alpha, name: Alpha, query: alpha, competitors: [beta] }
      - { id: beta, name: Beta, query: beta }
  - id: ws-b
    name: B
    brands:
      - { id: bravo, name: Bravo, query: bravo, competitors: [charlie] }
      - { id: charlie, name: Charlie, query: charlie }
alerts:
  channels:
    - { id: a-hook, type: webhook, workspace: ws-a, url: 'http://127.0.0.1:9/a' }
    - { id: b-hook, type: webhook, workspace: ws-b, url: 'http://127.0.0.1:9/b' }
  rules:
    - { id: b-config-rule, workspace: ws-b, brand: bravo, type: negative_spike }
`);

/** A valid value of each workspace for the parameters a request cannot go without. */
const VALID: Record<string, (ws: 'a' | 'b', path: string) => string> = {
  // A brand stored from the API where the route changes one (the file's are read-only: 409).
  brand: (ws, path) =>
    path === '/v1/brands/{brand}' ? `stored-${ws}` : ws === 'a' ? 'alpha' : 'bravo',
  source: () => 'hackernews',
  brands: (ws) => (ws === 'a' ? 'alpha,beta' : 'bravo,charlie'),
  from: () => RANGE.from,
  to: () => RANGE.to,
  format: () => 'html',
  id: (ws, path) =>
    path.startsWith('/v1/alerts/')
      ? `inc-${ws}`
      : path.startsWith('/v1/alert-rules/')
        ? `${ws}-rule`
        : path.startsWith('/v1/report-schedules/')
          ? `${ws}-weekly`
          : missing('id', path),
};

/** A valid body of each route that takes one (A's resources). */
const VALID_BODY: Record<string, unknown> = {
  'POST /v1/alert-rules': { id: 'fuzz-rule', brand: 'alpha', type: 'negative_spike' },
  'PATCH /v1/alert-rules/{id}': { sensitivity: 'low' },
  'POST /v1/alert-rules/{id}/backtest': { from: '2026-11-20T11:00:00Z', to: RANGE.to },
  'POST /v1/alerts/{id}/ack': { by: 'fuzz' },
  'POST /v1/mentions/actions': { id: 'fx:a8-0', tags: ['fuzz'], bookmarked: true },
  'PUT /v1/mutes': { kind: 'domain', value: 'fuzz.example', muted: true },
  'PUT /v1/report-schedules/{id}': { every: 'weekly', brands: ['alpha'], channels: ['a-hook'] },
  'POST /v1/brands': { name: 'Fuzz brand', query: 'fuzz OR alpha', competitors: ['alpha'] },
  'PATCH /v1/brands/{brand}': { query: 'alpha AND fuzz', color: '#123456' },
  'POST /v1/brands/preview': { query: 'alpha NOT beta', brand: 'alpha', days: 7, samples: 5 },
  'POST /v1/brands/{brand}/rematch': { days: 2 },
  'PUT /v1/sources/{source}': { options: { queries: ['alpha'] } },
  'POST /v1/ingest': {
    id: 'fuzz:1',
    source: 'fuzz',
    text: 'alpha is fine',
    created_at: '2026-11-20T10:00:00Z',
  },
};

/** Routes whose body schema is open (`z.unknown()`): the contract of one item in it. */
const BODY_ITEM_SCHEMA: Record<string, z.ZodType> = { 'POST /v1/ingest': MentionSchema };

/** A built web UI of two files, as `npm run build:ui` leaves it. */
function uiRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'earshot-fuzz-ui-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>earshot</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1);');
  return root;
}

function missing(name: string, path: string): never {
  throw new Error(`fuzz: no valid value for parameter "${name}" of ${path}: add one to VALID`);
}

const deep = (depth: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** Hostile values of a query or path parameter (URL-encoded when sent). */
const HOSTILE_STRINGS: string[] = [
  '',
  ' ',
  '0',
  '-1',
  '-0',
  '1.5',
  '0x10',
  '1e308',
  '99999999999999999999999',
  '-99999999999999999999',
  'NaN',
  'Infinity',
  'null',
  'true',
  // Dates and times at and past the edges of every clock involved.
  '0000-01-01T00:00:00Z',
  '0000-01-01',
  '0001-01-01T00:00:00Z',
  '1899-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '1999-12-31T23:59:59Z',
  '2106-02-07T06:28:16Z',
  '2299-12-31T23:59:59Z',
  '9999-12-31T23:59:59Z',
  '9999-12-31',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '2026-02-30T00:00:00Z',
  '2026-11-20T10:00:00+99:00',
  'now',
  'now-9999w',
  'now-9999d',
  '-9999w',
  'now+1d',
  '0m',
  '1m',
  '9999m',
  '9999w',
  '10000w',
  // Injection.
  "' OR 1=1 --",
  "alpha' OR '1'='1",
  '{brand:String}',
  '{from:DateTime64(3)}',
  "'); DROP TABLE mentions; --",
  'alpha;SELECT 1',
  '`id`',
  '\\',
  '"',
  '%',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${7*7}',
  '__proto__',
  'constructor',
  // Unicode and control characters.
  'ü',
  'İ',
  '\u202e',
  '😀'.repeat(50),
  'a\u0000b',
  '\u0000',
  '\r\n',
  // Lengths and lists.
  'x'.repeat(10_000),
  'a'.repeat(65),
  ',,,',
  Array.from({ length: 25 }, (_, i) => `b${i}`).join(','),
  // Other workspace's resources.
  'bravo',
  'bravo,charlie',
  'alpha,bravo',
  'b-rule',
  'b-config-rule',
  'inc-b',
  'ws-b',
];

/** Already URL-encoded: malformed escapes, a lone surrogate, overlong UTF-8. */
const HOSTILE_RAW = ['%', '%zz', '%00', '%ED%A0%80', '%C0%AF', '%FF%FE', '%2e%2e%2f'];

/** Hostile cursors: garbled, and well-formed ones carrying values no page of ours has. */
const crafted = (c: Record<string, unknown>) =>
  Buffer.from(JSON.stringify(c)).toString('base64url');
const HOSTILE_CURSORS = [
  'garbage',
  '====',
  crafted({}),
  crafted({ t: '0000-01-01T00:00:00.000Z', id: 'x' }),
  crafted({ t: '9999-12-31T23:59:59.999Z', id: 'x' }),
  crafted({ t: '+275760-09-13T00:00:00.000Z', id: 'x' }),
  crafted({ t: '1900-01-01', id: 'x' }),
  crafted({ t: '2026-11-20T10:00:00Z', id: "' OR 1=1 --" }),
  crafted({ t: '2026-11-20T10:00:00Z', id: 'x', e: -1 }),
  crafted({ t: '2026-11-20T10:00:00Z', id: 'x', e: 1e300 }),
  crafted({ t: '2026-11-20T10:00:00Z', id: 'x', e: Number.MAX_SAFE_INTEGER }),
  crafted({ t: '2026-11-20T10:00:00Z', id: 'x'.repeat(400) }),
  crafted({ t: 12, id: 3 }),
  crafted({ t: '2026-11-20T10:00:00Z', id: { $ne: 1 } }),
  Buffer.from('{"t":"2026-11-20T10:00:00Z","id":"x"').toString('base64url'),
  encodeCursor({ t: '2026-11-20T10:00:00.000Z', id: 'fx:1', e: 3 }),
];

/** Hostile values of a JSON body field. */
const HOSTILE_JSON: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  '',
  'NaN',
  [],
  ['a'],
  [[[]]],
  {},
  { $gt: '' },
  deep(500),
  ...HOSTILE_STRINGS.filter((s) => s.length < 1000),
  'x'.repeat(60_000),
  ['b-hook'],
  Array.from({ length: 1000 }, (_, i) => `c${i}`),
];

interface Operation {
  method: string;
  path: string;
  key: string;
  pathParams: string[];
  query: Array<{ name: string; required: boolean }>;
  /** Top-level JSON body fields, when the route takes a body. */
  bodyFields: string[] | null;
}

interface Failure {
  op: string;
  case: string;
  status: number;
  body: string;
}

// Both store adapters: the embedded engine, and `@clickhouse/client` over HTTP (whose errors
// take another path to the API).
describe.each([
  ['chdb', freshStore],
  ['clickhouse over HTTP', freshHttpStore],
] as const)(
  'injection fuzz over every route and parameter (%s)',
  (_adapter, openStore: (s: TestServices) => Promise<Store>) => {
    const services = inject('services');
    let store: Store;
    let app: FastifyInstance;
    let keyA: string;
    let keyB: string;
    let operations: Operation[] = [];
    let before: unknown;
    let sync: SettingsSync;
    const ingested: Mention[] = [];

    const fixture = (id: string, workspace: string, brand: string, at: string): EnrichedMention =>
      anEnrichedMention({
        id: `fx:${id}`,
        text: `${brand} mention ${id}`,
        created_at: at,
        engagement: { likes: 2, reposts: 1, replies: 0, views: null },
        brands: [{ workspace, brand, query_id: `${brand}:q`, terms: [brand] }],
        topics: [{ id: 't-camera', label: 'camera' }],
      });

    const incident = (ws: 'a' | 'b'): StoredIncident => ({
      workspace: `ws-${ws}`,
      id: `inc-${ws}`,
      rule_id: `${ws}-rule`,
      brand: ws === 'a' ? 'alpha' : 'bravo',
      type: 'negative_spike',
      state: 'open',
      opened_at: '2026-11-20T10:00:00.000Z',
      updated_at: '2026-11-20T10:00:00.000Z',
      resolved_at: null,
      last_firing_at: '2026-11-20T10:00:00.000Z',
      detection: { z: 5 },
      peak: { volume: 10 },
      context: null,
      updates: 0,
      acked_at: null,
      acked_by: null,
    });

    beforeAll(async () => {
      store = await openStore(services);
      const at = (h: number, i: number) => new Date(Date.UTC(2026, 10, 20, h, i * 7)).toISOString();
      await storeThroughSink(store, [
        ...[8, 9, 10, 11].flatMap((h) =>
          [0, 1, 2].map((i) => fixture(`a${h}-${i}`, 'ws-a', i % 2 ? 'beta' : 'alpha', at(h, i))),
        ),
        ...[8, 9, 10, 11].flatMap((h) =>
          [0, 1, 2].map((i) =>
            fixture(`b${h}-${i}`, 'ws-b', i % 2 ? 'charlie' : 'bravo', at(h, i)),
          ),
        ),
      ]);
      keyA = (await createApiKey(store, 'ws-a', 'fuzz')).key;
      keyB = (await createApiKey(store, 'ws-b', 'fuzz')).key;
      await saveIncident(store, incident('a'));
      await saveIncident(store, incident('b'));
      // Setup (brands, preview, sources, re-match) as `earshot start` offers it: the file merged
      // with what the API stored.
      sync = await createSettingsSync(store, config, silentLogger(), 60_000);
      app = await buildApi({
        store,
        config: () => sync.merged().config,
        setup: createSetupPort({ store, sync, env: {} }),
        logger: silentLogger(),
        now: () => NOW,
        rateLimitPerSecond: 1_000_000,
        bodyLimitBytes: BODY_LIMIT,
        extraRoutes: [
          ingestRoutes({
            produce: (mentions) => Promise.resolve(void ingested.push(...mentions)),
            deadLetter: () => Promise.resolve(),
          }),
          alertRoutes,
          setupRoutes,
          sourceRoutes,
        ],
        rootPlugins: [uiRoutes({ root: uiRoot() })],
      });
      await storedBrands();
      for (const [ws, key] of [
        ['a', keyA],
        ['b', keyB],
      ] as const) {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/alert-rules',
          headers: { authorization: `Bearer ${key}` },
          payload: { id: `${ws}-rule`, brand: VALID.brand!(ws, ''), type: 'negative_spike' },
        });
        expect(res.statusCode, res.body).toBe(201);
      }
      operations = operationsOf((await app.inject({ url: '/openapi.json' })).json());
      before = await workspaceB();
    });

    /** Each workspace's stored brand, made again if A's fuzz deleted its own. */
    async function storedBrands() {
      for (const [ws, key] of [
        ['a', keyA],
        ['b', keyB],
      ] as const) {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/brands',
          headers: { authorization: `Bearer ${key}` },
          payload: { id: `stored-${ws}`, name: `Stored ${ws}`, query: `stored${ws}` },
        });
        expect([201, 409], res.body).toContain(res.statusCode);
      }
    }

    afterAll(async () => {
      sync?.close();
      await app?.close();
      await store?.close();
    });

    /** Every operation of the OpenAPI document, with its parameters. */
    function operationsOf(doc: {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters: Array<{ name: string; in: string; required: boolean }>;
            requestBody?: { content: Record<string, { schema: { properties?: object } }> };
          }
        >
      >;
    }): Operation[] {
      return Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => {
          const key = `${method.toUpperCase()} ${path}`;
          const bodySchema = op.requestBody?.content['application/json']?.schema;
          return {
            method: method.toUpperCase(),
            path,
            key,
            pathParams: op.parameters.filter((p) => p.in === 'path').map((p) => p.name),
            query: op.parameters
              .filter((p) => p.in === 'query')
              .map((p) => ({ name: p.name, required: p.required })),
            bodyFields: bodySchema ? Object.keys(bodySchema.properties ?? {}) : null,
          };
        }),
      );
    }

    /** The URL of an operation for a workspace, with one path or query value replaced. */
    function urlOf(
      op: Operation,
      ws: 'a' | 'b',
      override: { name: string; encoded: string | null; repeat?: string } | null,
    ): string {
      const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
        override?.name === name && override.encoded !== null
          ? override.encoded
          : encodeURIComponent((VALID[name] ?? ((n: string) => missing(n, op.path)))(ws, op.path)),
      );
      const parts: string[] = [];
      for (const q of op.query) {
        if (override?.name === q.name) {
          if (override.encoded !== null) parts.push(`${q.name}=${override.encoded}`);
          if (override.repeat !== undefined) parts.push(`${q.name}=${override.repeat}`);
        } else if (q.required || (q.name === 'format' && op.path.startsWith('/v1/reports/'))) {
          // Reports as HTML: the same queries and input checks as the PDF, without starting
          // Chromium for each of thousands of requests (reports.int.test.ts prints real PDFs).
          const valid = VALID[q.name] ?? ((n: string) => missing(n, op.path));
          parts.push(`${q.name}=${encodeURIComponent(valid(ws, op.path))}`);
        }
      }
      return parts.length > 0 ? `${path}?${parts.join('&')}` : path;
    }

    /** Never a 5xx; a 4xx is the API's JSON error shape. */
    function check(
      failures: Failure[],
      op: Operation,
      label: string,
      res: LightMyRequestResponse,
      parameter?: string,
    ) {
      const fail = (why: string) =>
        failures.push({
          op: op.key,
          case: `${label}: ${why}`,
          status: res.statusCode,
          body: res.body.slice(0, 300),
        });
      if (res.statusCode >= 500) return fail('server error');
      if (res.statusCode < 400) return;
      let body: unknown;
      try {
        body = res.json();
      } catch {
        return fail('error body is not JSON');
      }
      const shape = z.object({
        error: z.object({
          code: z.string().min(1),
          message: z.string().min(1),
          details: z.unknown(),
        }),
      });
      if (!shape.safeParse(body).success || !('details' in (body as { error: object }).error))
        return fail('error body is not { error: { code, message, details } }');
      // A refused parameter is named, so the client knows what to fix.
      const error = (body as { error: { code: string } }).error;
      if (
        parameter &&
        error.code === 'invalid_parameter' &&
        !JSON.stringify(error).includes(parameter)
      )
        fail(`the error does not name "${parameter}"`);
    }

    /** A's request; a response cut mid-stream (headers sent, then a failure) is a 599. */
    const send = async (
      method: string,
      url: string,
      extra: { payload?: string | Buffer; headers?: Record<string, string> } = {},
    ): Promise<LightMyRequestResponse> => {
      try {
        return await app.inject({
          method: method as 'GET',
          url,
          headers: { authorization: `Bearer ${keyA}`, ...extra.headers },
          ...(extra.payload !== undefined ? { payload: extra.payload } : {}),
        });
      } catch (error) {
        const cut = { statusCode: 599, body: `request failed: ${(error as Error).message}` };
        return cut as LightMyRequestResponse;
      }
    };

    /** What B's key reads on every GET route, and B's rows in the store. */
    async function workspaceB() {
      const reads: Record<string, { status: number; body: string }> = {};
      for (const op of operations.filter((o) => o.method === 'GET' && o.path.startsWith('/v1/'))) {
        let url = urlOf(op, 'b', null);
        for (const name of ['from', 'to'] as const)
          if (op.query.some((q) => q.name === name))
            url += `${url.includes('?') ? '&' : '?'}${name}=${RANGE[name]}`;
        const res = await app.inject({ url, headers: { authorization: `Bearer ${keyB}` } });
        // An XLSX file stamps its creation time (zip entries, docProps/core.xml): its rows are
        // compared through the CSV twin of the same route, its row count here.
        const body = url.includes('.xlsx')
          ? `rows: ${String(res.headers['x-total-count'])}`
          : res.body;
        reads[url] = { status: res.statusCode, body };
      }
      const rows = await store.query(
        `SELECT
         (SELECT count() FROM brand_mentions WHERE workspace = 'ws-b') AS brand_mentions,
         (SELECT count() FROM mentions WHERE id LIKE 'fx:b%') AS mentions`,
      );
      return {
        reads,
        rows,
        rules: await listStoredRules(store, 'ws-b'),
        incidents: await listIncidents(store, { workspace: 'ws-b' }),
      };
    }

    const bodyOf = (op: Operation): Record<string, unknown> =>
      structuredClone((VALID_BODY[op.key] ?? {}) as Record<string, unknown>);

    it('covers every route of /openapi.json, the /v1 ones with their parameters', () => {
      const keys = operations.map((o) => o.key);
      expect(keys).toEqual(
        expect.arrayContaining([
          'GET /v1/brands/{brand}/health',
          'GET /v1/brands/{brand}/mentions',
          'GET /v1/compare',
          'GET /v1/export/mentions.csv',
          'POST /v1/ingest',
          'POST /v1/alert-rules',
          'POST /v1/brands',
          'PATCH /v1/brands/{brand}',
          'DELETE /v1/brands/{brand}',
          'POST /v1/brands/preview',
          'POST /v1/brands/{brand}/rematch',
          'GET /v1/sources',
          'PUT /v1/sources/{source}',
          'DELETE /v1/sources/{source}',
        ]),
      );
      const health = operations.find((o) => o.key === 'GET /v1/brands/{brand}/health')!;
      expect(health.query.map((q) => q.name)).toEqual(
        expect.arrayContaining(['from', 'to', 'interval']),
      );
      for (const op of operations.filter((o) => o.bodyFields !== null))
        expect(VALID_BODY[op.key], `a valid body of ${op.key}`).toBeDefined();
    });

    it('query and path parameters: hostile values get a 2xx or a JSON 4xx, never a 5xx', async () => {
      const failures: Failure[] = [];
      let requests = 0;
      // Values the API accepts reach the store: the fuzz is not all refused at the door.
      let accepted = 0;
      for (const op of operations) {
        const names = [...op.pathParams, ...op.query.map((q) => q.name)];
        for (const name of names) {
          const isQuery = !op.pathParams.includes(name);
          const cases: Array<{ label: string; encoded: string | null; repeat?: string }> = [
            ...HOSTILE_STRINGS.map((v) => ({
              label: JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v),
              encoded: encodeURIComponent(v),
            })),
            ...HOSTILE_RAW.map((v) => ({ label: `raw ${v}`, encoded: v })),
            ...(name === 'cursor'
              ? HOSTILE_CURSORS.map((v, i) => ({ label: `cursor #${i}`, encoded: v }))
              : []),
            ...(isQuery
              ? [
                  { label: 'array', encoded: 'a', repeat: 'b' },
                  { label: 'array of valid', encoded: 'now-1h', repeat: 'now-2h' },
                  { label: 'bracket array', encoded: null, repeat: undefined },
                ]
              : []),
          ];
          for (const c of cases) {
            let url = urlOf(op, 'a', { name, ...c });
            if (c.label === 'bracket array') url += `${url.includes('?') ? '&' : '?'}${name}[]=x`;
            const res = await send(op.method, url, {
              ...(op.bodyFields !== null
                ? {
                    payload: JSON.stringify(bodyOf(op)),
                    headers: { 'content-type': 'application/json' },
                  }
                : {}),
            });
            requests++;
            if (res.statusCode < 300) accepted++;
            check(failures, op, `${name}=${c.label}`, res, name);
          }
        }
      }
      for (const op of operations) {
        const url = urlOf(op, 'a', null);
        const sep = url.includes('?') ? '&' : '?';
        for (const extra of [
          'zz=1',
          '__proto__[admin]=1',
          'constructor=x',
          `${'k'.repeat(5_000)}=v`,
        ])
          check(
            failures,
            op,
            `unknown ${extra.slice(0, 20)}`,
            await send(op.method, `${url}${sep}${extra}`),
          );
        for (const method of ['PUT', 'OPTIONS', 'TRACE'])
          check(failures, op, `method ${method}`, await send(method, url));
        for (const authorization of [
          '',
          'Bearer',
          'Bearer ',
          'Basic Zm9vOmJhcg==',
          `Bearer ${'k'.repeat(10_000)}`,
          "Bearer ' OR 1=1 --",
          'Bearer es_\u0000',
          `Bearer ${keyA}x`,
          `Bearer ${keyA.slice(0, -1)}`,
          `bearer ${keyB} extra`,
        ]) {
          const res = await app.inject({
            method: op.method as 'GET',
            url,
            headers: { authorization },
            ...(op.bodyFields !== null ? { payload: bodyOf(op) } : {}),
          });
          check(failures, op, `authorization ${authorization.slice(0, 20)}`, res);
          if (op.path.startsWith('/v1/') && res.statusCode !== 401)
            failures.push({
              op: op.key,
              case: `authorization ${authorization.slice(0, 30)}: not a 401`,
              status: res.statusCode,
              body: res.body.slice(0, 200),
            });
        }
      }
      expect(requests).toBeGreaterThan(500);
      expect(accepted).toBeGreaterThan(200);
      expect(failures).toEqual([]);
    });

    it('body fields: hostile JSON values get a 2xx or a JSON 4xx, never a 5xx', async () => {
      await storedBrands();
      const failures: Failure[] = [];
      let accepted = 0;
      const acceptedBy = new Map<string, number>();
      for (const op of operations.filter((o) => o.bodyFields !== null)) {
        const itemSchema = BODY_ITEM_SCHEMA[op.key];
        const fields = itemSchema
          ? Object.keys(
              (z.toJSONSchema(itemSchema, { io: 'input' }) as { properties: object }).properties,
            )
          : op.bodyFields!;
        const url = urlOf(op, 'a', null);
        for (const field of fields) {
          for (const value of HOSTILE_JSON) {
            const body = { ...bodyOf(op), [field]: value };
            const res = await send(op.method, url, {
              payload: JSON.stringify(itemSchema ? [body] : body),
              headers: { 'content-type': 'application/json' },
            });
            if (res.statusCode < 300) {
              accepted++;
              acceptedBy.set(op.key, (acceptedBy.get(op.key) ?? 0) + 1);
            }
            check(failures, op, `${field}=${JSON.stringify(value)?.slice(0, 40)}`, res, field);
          }
        }
      }
      expect(accepted).toBeGreaterThan(50);
      // The setup routes' work is reached, not only their validation: brands made and changed
      // with hostile names, colours and queries, previews of hostile drafts.
      for (const key of ['POST /v1/brands', 'PATCH /v1/brands/{brand}', 'POST /v1/brands/preview'])
        expect(acceptedBy.get(key) ?? 0, key).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    });

    it('whole bodies: malformed, nested, oversized, of the wrong type: a JSON 4xx, never a 5xx', async () => {
      const failures: Failure[] = [];
      const valid = (op: Operation) => JSON.stringify(bodyOf(op));
      const bodies: Array<{
        label: string;
        type: string | null;
        payload: (op: Operation) => string | Buffer;
      }> = [
        { label: 'empty', type: 'application/json', payload: () => '' },
        { label: 'null', type: 'application/json', payload: () => 'null' },
        { label: 'array', type: 'application/json', payload: () => '[]' },
        { label: 'string', type: 'application/json', payload: () => '"x"' },
        { label: 'number', type: 'application/json', payload: () => '1e999' },
        { label: 'truncated', type: 'application/json', payload: (op) => valid(op).slice(0, -2) },
        { label: 'trailing garbage', type: 'application/json', payload: (op) => `${valid(op)}}` },
        { label: 'deep arrays', type: 'application/json', payload: () => '['.repeat(50_000) },
        {
          label: 'deep nested valid JSON',
          type: 'application/json',
          payload: () => `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
        },
        {
          label: 'deep object',
          type: 'application/json',
          payload: () => JSON.stringify(deep(2_000)),
        },
        {
          label: '__proto__',
          type: 'application/json',
          payload: () => '{"__proto__":{"admin":true},"id":"x"}',
        },
        {
          label: 'constructor.prototype',
          type: 'application/json',
          payload: () => '{"constructor":{"prototype":{"admin":true}}}',
        },
        { label: 'NUL bytes', type: 'application/json', payload: () => '{"id":"\u0000"}\u0000' },
        {
          label: 'invalid UTF-8',
          type: 'application/json',
          payload: () => Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
        },
        {
          label: 'oversized',
          type: 'application/json',
          payload: () => `"${'x'.repeat(BODY_LIMIT)}"`,
        },
        {
          label: 'oversized valid',
          type: 'application/json',
          payload: (op) => JSON.stringify({ ...bodyOf(op), pad: 'x'.repeat(BODY_LIMIT) }),
        },
        { label: 'no content type', type: null, payload: (op) => valid(op) },
        { label: 'text/plain', type: 'text/plain', payload: (op) => valid(op) },
        { label: 'xml', type: 'application/xml', payload: () => '<a>1</a>' },
        { label: 'form', type: 'application/x-www-form-urlencoded', payload: () => 'id=x&brand=y' },
        {
          label: 'multipart',
          type: 'multipart/form-data; boundary=x',
          payload: () => '--x\r\nContent-Disposition: form-data; name="id"\r\n\r\nx\r\n--x--',
        },
        { label: 'ndjson', type: 'application/x-ndjson', payload: (op) => `${valid(op)}\n{bad\n` },
        {
          label: 'charset utf-16',
          type: 'application/json; charset=utf-16',
          payload: (op) => valid(op),
        },
        { label: 'garbage type', type: '@@@/;;;', payload: (op) => valid(op) },
      ];
      for (const op of operations.filter((o) => o.bodyFields !== null)) {
        const url = urlOf(op, 'a', null);
        for (const b of bodies) {
          const res = await send(op.method, url, {
            payload: b.payload(op),
            headers: b.type === null ? {} : { 'content-type': b.type },
          });
          check(failures, op, `body ${b.label}`, res);
          // API_BODY_LIMIT_BYTES holds on every route, the ingest webhook's parser included.
          if (b.label.startsWith('oversized') && res.statusCode !== 413)
            failures.push({
              op: op.key,
              case: `body ${b.label}: not a 413`,
              status: res.statusCode,
              body: res.body.slice(0, 200),
            });
        }
      }
      expect(failures).toEqual([]);
    });

    it('dates of year 0 and 9999 are a 400 naming the parameter and the accepted range', async () => {
      const failures: string[] = [];
      const expect400 = (label: string, name: string, res: LightMyRequestResponse) => {
        const text = res.body;
        if (res.statusCode !== 400 || !text.includes(`${name}:`) || !text.includes('2000-01-01'))
          failures.push(`${label}: ${res.statusCode} ${text.slice(0, 200)}`);
      };
      for (const op of operations) {
        const inQuery = op.query.some((q) => q.name === 'from');
        const inBody = op.bodyFields?.includes('from') ?? false;
        if (!inQuery && !inBody) continue;
        const url = urlOf(op, 'a', null);
        const cases: Array<[string, Record<string, string>]> = [
          ...['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '0001-01-01', 'now-9999w'].flatMap(
            (v): Array<[string, Record<string, string>]> => [
              ['from', { from: v }],
              ['to', { to: v, from: '0000-01-01' === v ? v : RANGE.from }],
            ],
          ),
          ['from', { from: '0000-01-01T00:00:00Z', to: '0000-01-02T00:00:00Z' }],
          ['from', { from: '9999-12-30T00:00:00Z', to: '9999-12-31T00:00:00Z' }],
          ['from', { from: 'now-9999w', to: 'now-9998w' }],
        ];
        for (const [name, values] of cases) {
          const label = `${op.key} ${JSON.stringify(values)}`;
          const res = inQuery
            ? await send(
                op.method,
                `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(values).toString()}`,
              )
            : await send(op.method, url, {
                payload: JSON.stringify(values),
                headers: { 'content-type': 'application/json' },
              });
          expect400(label, name === 'to' && values.from === values.to ? 'from' : name, res);
        }
      }
      expect(failures).toEqual([]);
    });

    it('ranges at the edges of the accepted window, with any interval: a 2xx or a JSON 4xx', async () => {
      const failures: Failure[] = [];
      const combos: Array<Record<string, string>> = [
        { from: '2000-01-01T00:00:00Z', to: '2099-12-31T23:59:59Z' },
        { from: '2000-01-01T00:00:00Z', to: '2099-12-31T23:59:59Z', interval: '9999w' },
        { from: '2000-01-01T00:00:00Z', to: '2000-01-01T01:00:00Z', interval: '9999w' },
        { from: '2099-12-31T00:00:00Z', to: '2099-12-31T23:00:00Z', interval: '9999w' },
        { from: '2099-12-31T00:00:00Z', interval: '5m' },
        { from: '2000-01-01T00:00:00Z', to: '2000-01-08T00:00:00Z' },
        { to: '2000-01-01T00:00:01Z' },
        { from: '2099-12-31T23:00:00Z', to: '2099-12-31T23:59:59Z' },
      ];
      for (const op of operations) {
        const inQuery = op.query.some((q) => q.name === 'from');
        const inBody = op.bodyFields?.includes('from') ?? false;
        if (!inQuery && !inBody) continue;
        const url = urlOf(op, 'a', null);
        for (const combo of combos) {
          const known = Object.entries(combo).filter(([k]) =>
            inQuery ? op.query.some((q) => q.name === k) : op.bodyFields!.includes(k),
          );
          const res = inQuery
            ? await send(
                op.method,
                `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(known).toString()}`,
              )
            : await send(op.method, url, {
                payload: JSON.stringify(Object.fromEntries(known)),
                headers: { 'content-type': 'application/json' },
              });
          check(failures, op, JSON.stringify(combo), res);
        }
      }
      expect(failures).toEqual([]);
    });

    it('the web UI’s static files: hostile paths get a JSON 4xx and never leave its folder', async () => {
      const failures: Failure[] = [];
      const op: Operation = {
        method: 'GET',
        path: '/',
        key: 'GET / (web UI)',
        pathParams: [],
        query: [],
        bodyFields: null,
      };
      expect((await send('GET', '/assets/app.js')).statusCode).toBe(200);
      for (const path of [
        '/../package.json',
        '/assets/../../package.json',
        '/%2e%2e/%2e%2e/package.json',
        '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
        '/..%5c..%5cpackage.json',
        '/assets/..%2f..%2f..%2f..%2fetc%2fpasswd',
        '/%00',
        '/assets/app.js%00.html',
        '/assets/%ED%A0%80',
        '/%',
        '/assets/%zz',
        `/assets/${'x'.repeat(5_000)}`,
        '//etc/passwd',
        '/index.html?x=%00',
        '/assets/?__proto__[x]=1',
      ]) {
        const res = await send('GET', path);
        check(failures, op, path.slice(0, 60), res);
        if (res.statusCode < 300 && /"name":\s*"earshot"|root:x:0/.test(res.body))
          failures.push({
            op: op.key,
            case: `${path}: served a file outside the UI`,
            status: res.statusCode,
            body: res.body.slice(0, 100),
          });
      }
      expect(failures).toEqual([]);
    });

    it('workspace B reads the same after A’s fuzz: no cross-workspace effect', async () => {
      const after = await workspaceB();
      expect(Object.keys((after as { reads: object }).reads).length).toBeGreaterThan(5);
      expect(after).toEqual(before);
      expect(ingested.length).toBeGreaterThan(0);
    });
  },
);
