import { afterEach, describe, expect, it } from 'vitest';
import { isRetriable } from '../../core/errors.ts';
import {
  readJsonFixture,
  startHttpReplay,
  type HttpReplayServer,
} from '../../test/support/replay-servers.ts';
import type { ConnectorDeps } from '../connector.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { defineRefreshContract, type RefreshSubject } from '../testing/refresh-contract.ts';
import { RedditConfigSchema } from './config.ts';
import { createRedditConnector } from './connector.ts';
import { normalizeRedditThing } from './normalize.ts';

type Thing = { kind: string; data: Record<string, unknown> };
type Listing = { kind: 'Listing'; data: { after: string | null; children: Thing[] } };
const search1 = readJsonFixture<Listing>('reddit/search-page-1.json');
const comments = readJsonFixture<Listing>('reddit/comments.json');
const token = readJsonFixture('reddit/token.json');
const FETCHED = new Date('2026-11-20T10:20:00Z');
const LATER = new Date('2026-11-20T16:20:00Z');
const UA = 'linux:earshot-test:0.1 (by /u/earshot_bot)';
const creds = { clientId: 'cid', clientSecret: 'secret' };
const fast: ConnectorDeps = {
  http: { timeoutMs: 300, maxRetries: 2, backoff: { baseMs: 1, maxMs: 2 } },
  sleep: () => Promise.resolve(),
};

/** The same thing six hours later: a higher score and more comments. */
function grown(thing: Thing, score: number, numComments?: number): Thing {
  return {
    ...thing,
    data: {
      ...thing.data,
      score,
      ...(numComments === undefined ? {} : { num_comments: numComments }),
    },
  };
}

const post = search1.data.children[0]!; // t3_1gq0005, score 23, 14 comments
const nsfw = search1.data.children[1]!; // t3_1gq0004
const comment = comments.data.children[0]!; // t1_lx0002, score 7
const deleted = comments.data.children[1]!; // t1_lx0001, [deleted]

/** `/api/info` over a set of things: the known ones, in Reddit's (fullname) order. */
function infoServer(things: Map<string, Thing>) {
  return startHttpReplay((req) => {
    if (req.url.pathname === '/api/v1/access_token') return { body: token };
    if (req.url.pathname !== '/api/info') return { status: 404 };
    const names = (req.url.searchParams.get('id') ?? '').split(',');
    if (names.length > 100) return { status: 400, body: { message: 'Bad Request' } };
    const children = names.flatMap((n) => (things.has(n) ? [things.get(n)!] : []));
    return { body: { kind: 'Listing', data: { after: null, dist: children.length, children } } };
  });
}

describe('Reddit refresh against a local OAuth + API replay', () => {
  let server: HttpReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const configFor = (s: HttpReplayServer) =>
    RedditConfigSchema.parse({
      user_agent: UA,
      queries: ['acme'],
      api_base_url: s.baseUrl,
      auth_base_url: s.baseUrl,
    });

  it('reads current score and comments through the normal normalizer, same ids', async () => {
    server = await infoServer(
      new Map([
        ['t3_1gq0005', grown(post, 311, 97)],
        ['t1_lx0002', grown(comment, 45)],
        ['t1_lx0001', grown(deleted, 3)],
        ['t3_1gq0004', grown(nsfw, 80)],
      ]),
    );
    const connector = createRedditConnector(configFor(server), creds, fast);
    expect(connector.refreshBatchSize).toBe(100);
    const rec = recordingPorts({ now: () => LATER });
    const out = await connector.refresh!(
      [
        'reddit:t3_1gq0005',
        'reddit:t1_lx0002',
        'reddit:t1_lx0001', // its body is [deleted] now: left out
        'reddit:t3_1gq0004', // NSFW, not wanted by this config: left out
        'reddit:t3_gone99', // unknown to Reddit: left out
        'hackernews:123', // not ours: not asked
      ],
      rec.ports,
    );
    const api = server.requests.filter((r) => r.url.pathname === '/api/info');
    expect(api).toHaveLength(1);
    expect(api[0]!.url.searchParams.get('id')).toBe(
      't3_1gq0005,t1_lx0002,t1_lx0001,t3_1gq0004,t3_gone99',
    );
    expect(api[0]!.url.searchParams.get('raw_json')).toBe('1');
    expect(api[0]!.headers.authorization).toMatch(/^Bearer /);
    expect(api[0]!.headers['user-agent']).toBe(UA);
    const first = normalizeRedditThing(post, { fetchedAt: FETCHED, includeNsfw: false })!;
    expect(out).toEqual([
      {
        ...first,
        synthetic: false,
        fetched_at: LATER.toISOString(),
        engagement: { likes: 311, reposts: 0, replies: 97, views: null },
      },
      expect.objectContaining({
        id: 'reddit:t1_lx0002',
        parent_id: 'reddit:t3_1gq0005',
        engagement: { likes: 45, reposts: 0, replies: 0, views: null },
      }),
    ]);
    expect(rec.dead).toEqual([]);
  });

  it('bad credentials throw a non-retriable error', async () => {
    server = await startHttpReplay(() => ({ status: 401, body: { error: 'invalid_grant' } }));
    const rejected = createRedditConnector(configFor(server), creds, fast).refresh!(
      ['reddit:t3_1gq0005'],
      recordingPorts({ now: () => LATER }).ports,
    );
    await expect(rejected).rejects.toThrow(/token request returned HTTP 401/);
    await rejected.catch((error: unknown) => expect(isRetriable(error)).toBe(false));
  });

  it('shares the token with the poll loop (one token for both)', async () => {
    server = await startHttpReplay((req) => {
      if (req.url.pathname === '/api/v1/access_token') return { body: token };
      if (req.url.pathname === '/search') return { body: search1 };
      // …and a thing nobody asked for, which is not a refresh.
      return {
        body: { kind: 'Listing', data: { after: null, children: [grown(post, 50), comment] } },
      };
    });
    const connector = createRedditConnector(configFor(server), creds, fast);
    const rec = recordingPorts({ now: () => FETCHED });
    await connector.run(rec.ports, { once: true });
    const out = await connector.refresh!(['reddit:t3_1gq0005'], rec.ports);
    expect(out.map((m) => m.engagement.likes)).toEqual([50]);
    expect(server.requests.filter((r) => r.url.pathname === '/api/v1/access_token')).toHaveLength(
      1,
    );
  });
});

defineRefreshContract('reddit', {
  now: LATER,
  batchSize: 100,
  async knowing(count) {
    const things = new Map<string, Thing>();
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const name = `t3_x${n}`;
      ids.push(`reddit:${name}`);
      things.set(name, { kind: 't3', data: { ...post.data, id: `x${n}`, name, score: n } });
    }
    return subject(await infoServer(things), ids);
  },
  async answeringMore() {
    const server = await startHttpReplay((req) =>
      req.url.pathname === '/api/v1/access_token'
        ? { body: token }
        : { body: { kind: 'Listing', data: { after: null, children: [post, comment] } } },
    );
    return subject(server, [`reddit:${String(post.data.name)}`]);
  },
  async failing() {
    const server = await startHttpReplay((req) =>
      req.url.pathname === '/api/v1/access_token' ? { body: token } : { status: 503 },
    );
    return subject(server, ['reddit:t3_1gq0005']);
  },
});

function subject(server: HttpReplayServer, ids: string[]): RefreshSubject {
  return {
    connector: createRedditConnector(
      RedditConfigSchema.parse({
        user_agent: UA,
        queries: ['acme'],
        api_base_url: server.baseUrl,
        auth_base_url: server.baseUrl,
      }),
      creds,
      fast,
    ),
    ids,
    lookups: () =>
      server.requests
        .filter((r) => r.url.pathname === '/api/info')
        .map((r) => r.url.searchParams.get('id')!.split(',').length),
    close: () => server.close(),
  };
}
