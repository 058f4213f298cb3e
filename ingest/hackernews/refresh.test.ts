import { afterEach, describe, expect, it } from 'vitest';
import { MentionSchema } from '../../core/contracts/mention.ts';
import {
  readJsonFixture,
  startHttpReplay,
  type HttpReplayServer,
  type RecordedRequest,
  type ReplayReply,
} from '../../test/support/replay-servers.ts';
import type { ConnectorDeps } from '../connector.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { defineRefreshContract, type RefreshSubject } from '../testing/refresh-contract.ts';
import { HackerNewsConfigSchema } from './config.ts';
import { createHackerNewsConnector } from './connector.ts';
import { normalizeHackerNewsHit } from './normalize.ts';

type Hit = { objectID: string; _tags: string[]; points?: number | null; num_comments?: number };
type Page = { hits: Hit[] };
const page0 = readJsonFixture<Page>('hackernews/search-page-0.json');
const page1 = readJsonFixture<Page>('hackernews/search-page-1.json');
const FETCHED = new Date('2026-11-20T10:20:00Z');
const LATER = new Date('2026-11-20T11:20:00Z');
const fast: ConnectorDeps = {
  http: { timeoutMs: 300, maxRetries: 2, backoff: { baseMs: 1, maxMs: 2 } },
  sleep: () => Promise.resolve(),
};

const ask = page0.hits[1]!; // story 45990001, 12 points, 7 comments
const comment = page0.hits[0]!; // comment 45990042 in story 45990001
const postmortem = page1.hits[0]!; // story 45989000, 214 points, 96 comments

/**
 * Algolia's tag filter as the lookup uses it: `story,(story_a,story_b,…)` = items tagged
 * `story` AND one of the `story_<id>` tags. Anything else is a 400, as for a bad filter.
 */
function algolia(pool: Hit[]) {
  return (req: RecordedRequest): ReplayReply => {
    if (req.url.pathname !== '/api/v1/search') return { status: 404 };
    const m = /^story,\((story_\d+(?:,story_\d+)*)\)$/.exec(req.url.searchParams.get('tags') ?? '');
    if (!m) return { status: 400, body: { message: 'invalid tags', status: 400 } };
    const wanted = new Set(m[1]!.split(','));
    const hits = pool.filter(
      (h) => h._tags.includes('story') && h._tags.some((t) => wanted.has(t)),
    );
    const perPage = Number(req.url.searchParams.get('hitsPerPage') ?? 20);
    return {
      body: {
        hits: hits.slice(0, perPage),
        nbHits: hits.length,
        page: 0,
        nbPages: Math.ceil(hits.length / perPage),
        hitsPerPage: perPage,
      },
    };
  };
}

describe('Hacker News refresh against a local Algolia replay', () => {
  let server: HttpReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const configFor = (s: HttpReplayServer) =>
    HackerNewsConfigSchema.parse({ queries: ['acme'], base_url: s.baseUrl });

  it('reads stories’ current points and comments in one lookup; comments and gone items left out', async () => {
    server = await startHttpReplay(
      algolia([
        { ...ask, points: 40, num_comments: 22 },
        { ...comment },
        { ...postmortem, points: 512, num_comments: 301 },
      ]),
    );
    const connector = createHackerNewsConnector(configFor(server), fast);
    expect(connector.refreshBatchSize).toBe(100);
    const rec = recordingPorts({ now: () => LATER });
    const out = await connector.refresh!(
      [
        'hackernews:45990001',
        'hackernews:45990042', // a comment: no points on Algolia, nothing to refresh
        'hackernews:45989000',
        'hackernews:45000000', // deleted / unknown
        'reddit:t3_x', // not ours
      ],
      rec.ports,
    );
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.url.searchParams.get('tags')).toBe(
      'story,(story_45990001,story_45990042,story_45989000,story_45000000)',
    );
    const before = normalizeHackerNewsHit(ask, FETCHED)!;
    expect(out).toEqual([
      {
        ...before,
        synthetic: false,
        fetched_at: LATER.toISOString(),
        engagement: { likes: 40, reposts: 0, replies: 22, views: null },
      },
      expect.objectContaining({
        id: 'hackernews:45989000',
        engagement: { likes: 512, reposts: 0, replies: 301, views: null },
      }),
    ]);
    expect(rec.dead).toEqual([]);
  });
});

defineRefreshContract('hackernews', {
  now: LATER,
  batchSize: 100,
  async knowing(count) {
    const pool: Hit[] = [];
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const id = String(46_000_000 + n);
      ids.push(`hackernews:${id}`);
      pool.push({ ...postmortem, objectID: id, _tags: ['story', `story_${id}`], points: n });
    }
    return subject(await startHttpReplay(algolia(pool)), ids);
  },
  async answeringMore() {
    const server = await startHttpReplay(() => ({
      body: { hits: [ask, postmortem], page: 0, nbPages: 1, nbHits: 2 },
    }));
    return subject(server, [`hackernews:${postmortem.objectID}`]);
  },
  async failing() {
    return subject(await startHttpReplay(() => ({ status: 502 })), ['hackernews:45990001']);
  },
});

function subject(server: HttpReplayServer, ids: string[]): RefreshSubject {
  return {
    connector: createHackerNewsConnector(
      HackerNewsConfigSchema.parse({ queries: ['acme'], base_url: server.baseUrl }),
      fast,
    ),
    ids,
    lookups: () =>
      server.requests.map((r) => r.url.searchParams.get('tags')!.split('story_').length - 1),
    close: () => server.close(),
  };
}

describe('Hacker News refreshable', () => {
  it('schedules stories only: comments have no points to grow', () => {
    const connector = createHackerNewsConnector(
      HackerNewsConfigSchema.parse({ queries: ['acme'] }),
    );
    expect(connector.refreshable!(normalizeOrThrow(ask))).toBe(true);
    expect(connector.refreshable!(normalizeOrThrow(comment))).toBe(false);
  });
});

function normalizeOrThrow(hit: (typeof page0.hits)[number]) {
  const m = normalizeHackerNewsHit(hit, FETCHED);
  if (m === null) throw new Error('fixture hit did not normalize');
  return MentionSchema.parse(m);
}
