import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { z } from 'zod';
import { buildApi } from '../../api/app.ts';
import { AuthorsResponse, BrandsResponse, TopicsResponse } from '../../api/contracts/brands.ts';
import { CompareResponse } from '../../api/contracts/compare.ts';
import { EXPORT_COLUMNS, ExportRow } from '../../api/contracts/export.ts';
import { HealthResponse } from '../../api/contracts/health.ts';
import { MentionsResponse } from '../../api/contracts/mentions.ts';
import type { EnrichedMention } from '../../core/contracts/mention.ts';
import { silentLogger } from '../../core/logger.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import type { Store } from '../../store/port.ts';
import { createApiKey } from '../../store/queries/api-keys.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { freshStore, storeThroughSink } from '../support/store.ts';

/**
 * The response contracts (api/contracts/) against real answers: every route that declares one
 * is called on a real store (the embedded engine, or the configured server) with data that
 * reaches the schemas' corners (nulls, empty brands, explanations, topics, owned mentions,
 * grown engagement), and each body must parse back unchanged: a field a route adds or drops, or a
 * type it changes, fails here. The OpenAPI document must carry the same schemas.
 */
const services = inject('services');
const config = parseEarshotConfig(`
workspaces:
  - id: ws
    name: WS
    brands:
      - { id: acme, name: ACME, query: acme, competitors: [globex] }
      - { id: globex, name: Globex, query: globex }
      - { id: quiet, name: Quiet, query: quiet }
`);
const RANGE = 'from=2026-11-20T10:00:00Z&to=2026-11-20T12:00:00Z';

let store: Store;
let app: FastifyInstance;
let key: string;

function mention(n: number, overrides: Partial<EnrichedMention>): EnrichedMention {
  return anEnrichedMention({
    id: `contract:${n}`,
    text: `acme, "quoted", and a comma ${n}\nsecond line`,
    created_at: `2026-11-20T1${n % 2}:${10 + n}:00.000Z`,
    brands: [{ workspace: 'ws', brand: 'acme', query_id: 'acme:q', terms: ['acme'] }],
    ...overrides,
  });
}

beforeAll(async () => {
  store = await freshStore(services);
  const label = ['pos', 'neu', 'neg', 'unscored'] as const;
  await storeThroughSink(store, [
    ...label.map((l, i) =>
      mention(i, {
        sentiment: {
          label: l,
          score: l === 'neg' ? -0.7 : l === 'pos' ? 0.6 : 0,
          confidence: 0.8,
          explanation:
            l === 'unscored'
              ? []
              : [{ text: 'acme', start: 0, end: 4, weight: 0.5, kind: 'lexicon' }],
          model: { name: 'test', version: '1' },
        },
        author:
          i === 0
            ? { id: null, handle: null, display_name: null, followers: null }
            : { id: `a${i}`, handle: `user${i}`, display_name: `User ${i}`, followers: 10 * i },
        topics: i % 2 ? [{ id: 't-camera', label: 'camera' }] : [],
        url: i === 1 ? 'https://example.com/1' : null,
        title: i === 2 ? 'A title' : null,
      }),
    ),
    mention(4, {
      brands: [
        { workspace: 'ws', brand: 'acme', query_id: 'acme:owned', terms: [], owned: true },
        { workspace: 'ws', brand: 'globex', query_id: 'globex:q', terms: ['globex'] },
      ],
    }),
  ]);
  // The same mention seen again with more likes: an engagement update, as a refresh sends.
  await storeThroughSink(
    store,
    [mention(1, { engagement: { likes: 9, reposts: 3, replies: 1, views: null } })],
    100,
  );
  key = (await createApiKey(store, 'ws', 'contracts')).key;
  app = await buildApi({
    store,
    config: () => config,
    logger: silentLogger(),
    now: () => new Date('2026-11-20T12:00:00Z'),
  });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

async function answer(url: string): Promise<unknown> {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json();
}

/** Parses, and the parse gives back the body unchanged: no field missing, none unknown. */
function expectContract(schema: z.ZodType, body: unknown, what: string): void {
  const parsed = schema.safeParse(body);
  expect(parsed.error, `${what}: ${JSON.stringify(parsed.error?.issues)}`).toBeUndefined();
  expect(parsed.data, what).toEqual(body);
}

/** RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === '\r' && text[i + 1] === '\n')
      continue; // CRLF ends a record as LF does
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

describe('response contracts on real answers', () => {
  it('health, at the rollup grain and the raw one, with and without filters', async () => {
    for (const query of [
      `${RANGE}&interval=1h`,
      `${RANGE}&interval=30m`,
      `${RANGE}&source=nowhere`,
      'from=now-7d&interval=6h',
    ]) {
      const body = await answer(`/v1/brands/acme/health?${query}`);
      expectContract(HealthResponse, body, query);
    }
    const quiet = await answer(`/v1/brands/quiet/health?${RANGE}`);
    expectContract(HealthResponse, quiet, 'a brand without mentions');
    expect(HealthResponse.parse(quiet).totals.net_sentiment).toBeNull();
  });

  it('compare, with a brand that has nothing (null shares and intervals)', async () => {
    const body = await answer(`/v1/compare?brands=acme,globex,quiet&${RANGE}&interval=1h`);
    expectContract(CompareResponse, body, 'compare');
    const parsed = CompareResponse.parse(body);
    expect(parsed.brands.find((b) => b.brand === 'quiet')?.positive_share).toEqual({
      value: null,
      ci95: null,
    });
  });

  it('mentions, every page, newest and most engaged first, owned and not', async () => {
    let pages = 0;
    for (const extra of ['', '&sort=engagement', '&owned=true', '&sentiment=neg']) {
      let cursor: string | null = null;
      do {
        const body = await answer(
          `/v1/brands/acme/mentions?${RANGE}&limit=2${extra}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expectContract(MentionsResponse, body, `mentions${extra}`);
        cursor = MentionsResponse.parse(body).next_cursor;
        pages++;
      } while (cursor);
    }
    expect(pages).toBeGreaterThanOrEqual(6);
    const all = MentionsResponse.parse(await answer(`/v1/brands/acme/mentions?${RANGE}`));
    expect(all.mentions.find((m) => m.id === 'contract:1')?.engagement.likes).toBe(9);
    expect(all.mentions.some((m) => m.owned)).toBe(true);
  });

  it('export: the header is the contract’s columns, and every row reads with it', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/export/mentions.csv?brand=acme&${RANGE}`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('\uFEFF'), 'a UTF-8 byte-order mark for Excel').toBe(true);
    const [header, ...rows] = csvRecords(res.body.slice(1));
    expect(header).toEqual(EXPORT_COLUMNS);
    expect(rows).toHaveLength(5);
    for (const cells of rows) {
      expect(cells, cells.join(',')).toHaveLength(EXPORT_COLUMNS.length);
      const row = ExportRow.parse(Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, cells[i]])));
      expect(row.text).toContain('second line');
    }
  });

  it('brands, topics and authors', async () => {
    expectContract(BrandsResponse, await answer('/v1/brands'), 'brands');
    expectContract(
      TopicsResponse,
      await answer(`/v1/brands/acme/topics?${RANGE}&min_volume=1`),
      'topics',
    );
    expectContract(AuthorsResponse, await answer(`/v1/brands/acme/authors?${RANGE}`), 'authors');
  });

  it('the OpenAPI document describes each 200 answer with its contract, not prose', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, { content: object }> }>>;
    }>();
    const schemaOf = (path: string, type = 'application/json') =>
      (
        doc.paths[path]?.get?.responses['200']?.content as Record<
          string,
          { schema?: { properties?: object; items?: { properties?: object } } }
        >
      )[type]?.schema;
    const keys = (o: object | undefined) => Object.keys(o ?? {});
    expect(keys(schemaOf('/v1/brands/{brand}/health')?.properties)).toEqual(
      keys(HealthResponse.shape),
    );
    expect(keys(schemaOf('/v1/compare')?.properties)).toEqual(keys(CompareResponse.shape));
    expect(keys(schemaOf('/v1/brands/{brand}/mentions')?.properties)).toEqual(
      keys(MentionsResponse.shape),
    );
    expect(keys(schemaOf('/v1/export/mentions.csv', 'text/csv')?.items?.properties)).toEqual(
      EXPORT_COLUMNS,
    );
  });
});
