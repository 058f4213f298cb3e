import { afterEach, describe, expect, it } from 'vitest';
import {
  readJsonFixture,
  startHttpReplay,
  type HttpReplayServer,
} from '../../test/support/replay-servers.ts';
import type { ConnectorDeps } from '../connector.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { RedditConfigSchema } from './config.ts';
import { createRedditConnector } from './connector.ts';
import { normalizeRedditThing } from './normalize.ts';

type Listing = { data: { children: unknown[] } };
const search1 = readJsonFixture<Listing>('reddit/search-page-1.json');
const search2 = readJsonFixture<Listing>('reddit/search-page-2.json');
const comments = readJsonFixture<Listing>('reddit/comments.json');
const token = readJsonFixture('reddit/token.json');
const tooMany = readJsonFixture('reddit/too-many-requests.json');
const NOW = new Date('2026-11-20T10:20:00Z');
const opts = { fetchedAt: NOW, includeNsfw: false };
const UA = 'linux:earshot-test:0.1 (by /u/earshot_bot)';
const fast: ConnectorDeps = {
  http: { timeoutMs: 300, maxRetries: 2, backoff: { baseMs: 1, maxMs: 2 } },
  loopBackoff: { baseMs: 1, maxMs: 2 },
  sleep: () => Promise.resolve(),
};

describe('Reddit normalization', () => {
  it('maps a post: fullname id, permalink URL, title + selftext, score, comments', () => {
    expect(normalizeRedditThing(search1.data.children[0], opts)).toEqual({
      id: 'reddit:t3_1gq0005',
      source: 'reddit',
      url: 'https://www.reddit.com/r/sysadmin/comments/1gq0005/acme_cloud_vs_the_big_three_fo/',
      author: { id: 't2_k8s_wr', handle: 'k8s_wrangler', display_name: null, followers: null },
      text: "Acme Cloud vs the big three for a small team?\n\nWe're 5 devs & mostly run Postgres. Anyone tried Acme?",
      title: 'Acme Cloud vs the big three for a small team?',
      lang: null,
      created_at: '2026-11-20T10:00:00.000Z',
      fetched_at: '2026-11-20T10:20:00.000Z',
      engagement: { likes: 23, reposts: 0, replies: 14, views: null },
      parent_id: null,
    });
  });

  it('skips NSFW unless enabled; keeps a removed post title without author', () => {
    expect(normalizeRedditThing(search1.data.children[1], opts)).toBeNull();
    expect(
      normalizeRedditThing(search1.data.children[1], { ...opts, includeNsfw: true })?.text,
    ).toBe('[NSFW] Acme meme thread');
    expect(normalizeRedditThing(search1.data.children[2], opts)).toMatchObject({
      text: 'Acme support deleted my ticket',
      author: { id: null, handle: null },
    });
  });

  it('maps comments with parent and fractional epoch; skips deleted bodies', () => {
    expect(normalizeRedditThing(comments.data.children[0], opts)).toMatchObject({
      id: 'reddit:t1_lx0002',
      text: "Acme's free tier is **generous**, 10/10",
      parent_id: 'reddit:t3_1gq0005',
      created_at: '2026-11-20T10:03:20.500Z',
      title: null,
    });
    expect(normalizeRedditThing(comments.data.children[1], opts)).toBeNull();
  });

  it('rejects a post without a title', () => {
    expect(() => normalizeRedditThing(search2.data.children[1], opts)).toThrow(
      'reddit post without a title',
    );
  });
});

describe('Reddit connector against a local OAuth + API replay', () => {
  let server: HttpReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('gets an app-only token, pages with after, rides out a 429, resumes without repeats', async () => {
    let searches = 0;
    server = await startHttpReplay((req) => {
      if (req.url.pathname === '/api/v1/access_token') return { body: token };
      if (req.url.pathname === '/search') {
        searches++;
        if (searches === 2)
          return {
            status: 429,
            headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' },
            body: tooMany,
          };
        return { body: req.url.searchParams.get('after') === 't3_1gq0003' ? search2 : search1 };
      }
      return { status: 404 };
    });
    const config = RedditConfigSchema.parse({
      user_agent: UA,
      queries: ['acme cloud'],
      api_base_url: server.baseUrl,
      auth_base_url: server.baseUrl,
    });
    const creds = { clientId: 'cid', clientSecret: 'secret' };
    const rec = recordingPorts({ now: () => NOW });
    // First run reads one page only; seed a cursor instead to exercise paging.
    await rec.cursors.set(
      'reddit',
      'search:acme cloud',
      JSON.stringify({ newest_ms: 1795167000000, ids: [] }),
    );
    await createRedditConnector(config, creds, fast).run(rec.ports, { once: true });

    const tokenReq = server.requests[0]!;
    expect(tokenReq.method).toBe('POST');
    expect(tokenReq.headers.authorization).toBe(
      `Basic ${Buffer.from('cid:secret').toString('base64')}`,
    );
    expect(tokenReq.body).toBe('grant_type=client_credentials');
    expect(tokenReq.headers['user-agent']).toBe(UA);
    const api = server.requests.filter((r) => r.url.pathname === '/search');
    expect(api[0]?.headers.authorization).toMatch(/^Bearer eyJ/);
    expect(Object.fromEntries(api[0]!.url.searchParams)).toMatchObject({
      q: 'acme cloud',
      sort: 'new',
      limit: '100',
      raw_json: '1',
    });
    expect(api.map((r) => r.url.searchParams.get('after'))).toEqual([
      null,
      't3_1gq0003',
      't3_1gq0003',
    ]);
    expect(rec.produced.map((m) => m.id)).toEqual([
      'reddit:t3_1gq0005',
      'reddit:t3_1gq0003',
      'reddit:t3_1gq0002',
    ]);
    expect(rec.dead.map((d) => d.reason)).toEqual(['reddit post without a title']);

    // Restart: the newest item is known → one request, nothing produced.
    const rec2 = recordingPorts({ now: () => NOW, cursors: rec.cursors });
    await createRedditConnector(config, creds, fast).run(rec2.ports, { once: true });
    expect(rec2.produced).toEqual([]);
    expect(server.requests.filter((r) => r.url.pathname === '/search')).toHaveLength(4);
  });

  it('reads subreddit new + comments, refreshes the token once on 401, fails clearly on bad credentials', async () => {
    let tokens = 0;
    server = await startHttpReplay((req) => {
      if (req.url.pathname === '/api/v1/access_token') {
        tokens++;
        return { body: { ...(token as object), access_token: `tok${tokens}` } };
      }
      if (req.headers.authorization === 'Bearer tok1') return { status: 401 };
      if (req.url.pathname === '/r/sysadmin/new')
        return {
          body: { kind: 'Listing', data: { after: null, children: [search1.data.children[0]] } },
        };
      if (req.url.pathname === '/r/sysadmin/comments') return { body: comments };
      return { status: 404 };
    });
    const config = RedditConfigSchema.parse({
      user_agent: UA,
      subreddits: ['sysadmin'],
      api_base_url: server.baseUrl,
      auth_base_url: server.baseUrl,
    });
    const rec = recordingPorts({ now: () => NOW });
    await createRedditConnector(config, { clientId: 'a', clientSecret: 'b' }, fast).run(rec.ports, {
      once: true,
    });
    expect(tokens).toBe(2);
    expect(rec.produced.map((m) => m.id)).toEqual(['reddit:t3_1gq0005', 'reddit:t1_lx0002']);

    await server.close();
    server = await startHttpReplay(() => ({ status: 401, body: { error: 'invalid_grant' } }));
    const bad = RedditConfigSchema.parse({
      user_agent: UA,
      subreddits: ['sysadmin'],
      api_base_url: server.baseUrl,
      auth_base_url: server.baseUrl,
    });
    await expect(
      createRedditConnector(bad, { clientId: 'a', clientSecret: 'b' }, fast).run(
        recordingPorts().ports,
        { once: true },
      ),
    ).rejects.toThrow(/token request returned HTTP 401/);
  });

  it('validates the user agent format', () => {
    expect(RedditConfigSchema.safeParse({ user_agent: 'curl/8', queries: ['x'] }).success).toBe(
      false,
    );
  });
});
