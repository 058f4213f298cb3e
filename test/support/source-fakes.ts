import { createHash } from 'node:crypto';
import { startHttpReplay, type HttpReplayServer, type ReplayReply } from './replay-servers.ts';

/**
 * Loopback servers that speak each polling source's real API (its paging and resume
 * parameters, its envelopes) over a list of items the test controls, with faults that can be
 * switched on: 429 with Retry-After, 500s, dropped connections, slow answers, truncated
 * bodies (a complete HTTP response whose body stops half-way), and malformed items. They
 * exist to check what a connector reads against what is there: the first-run look-back, and
 * that nothing is lost or doubled through faults and restarts.
 */

/** One item of a fake source; `n` is unique per world and grows with `atMs`. */
export interface FakeItem {
  n: number;
  atMs: number;
  /** A malformed item: the connector must dead-letter it, never produce it. */
  bad?: boolean;
}

export type Fault = 'ok' | '429' | '500' | 'drop' | 'slow' | 'truncate';

export interface FakeOptions {
  /** The items the source has now (the test may change them between polls). */
  items: () => FakeItem[];
  /** Items per page the server answers with (below the client's `limit`, to force paging). */
  pageSize?: number;
  /** The fault for the i-th data request (token requests never fail); default none. */
  fault?: (i: number) => Fault;
  /** How long a `slow` answer is held (past the client's timeout). */
  slowMs?: number;
}

export interface FakeSource {
  server: HttpReplayServer;
  baseUrl: string;
  /** Data requests answered so far, and the faults served. */
  stats: { requests: number; faults: Record<Fault, number> };
  close(): Promise<void>;
}

export const TEXT = (source: string, n: number) => `Acme Cloud soak ${source} item ${n}`;

async function startFake(
  options: FakeOptions,
  answer: (req: { url: URL; headers: Record<string, string | string[] | undefined> }) => {
    reply: ReplayReply;
    data: boolean;
  },
): Promise<FakeSource> {
  const stats = {
    requests: 0,
    faults: { ok: 0, '429': 0, '500': 0, drop: 0, slow: 0, truncate: 0 } as Record<Fault, number>,
  };
  const server = await startHttpReplay((req) => {
    const { reply, data } = answer({ url: req.url, headers: req.headers });
    if (!data) return reply;
    const index = stats.requests++;
    const fault = options.fault?.(index) ?? 'ok';
    stats.faults[fault]++;
    switch (fault) {
      case '429':
        return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } };
      case '500':
        return { status: 500, body: { error: 'internal' } };
      case 'drop':
        return { destroy: true };
      case 'slow':
        return { ...reply, delayMs: options.slowMs ?? 20_000 };
      case 'truncate': {
        // A complete HTTP answer whose body stops half-way (a cut proxy or cache), with the
        // whole answer's validators: a connector must not keep them.
        if (reply.body === undefined) return reply; // a 304 has no body to cut
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        return { ...reply, body: text.slice(0, Math.floor(text.length / 2)) };
      }
      default:
        return reply;
    }
  });
  return { server, baseUrl: server.baseUrl, stats, close: () => server.close() };
}

const newestFirst = (items: FakeItem[]) => [...items].sort((a, b) => b.atMs - a.atMs || b.n - a.n);

// ---------------------------------------------------------------------------------------------
// Reddit: OAuth token + listings (`after` = fullname of the last item of the previous page).

export const redditName = (n: number) => `t3_soak${n.toString(36)}`;

function redditThing(item: FakeItem) {
  const id = redditName(item.n).slice(3);
  return {
    kind: 't3',
    data: {
      id,
      name: redditName(item.n),
      author: `user${item.n}`,
      author_fullname: `t2_u${item.n}`,
      created_utc: item.atMs / 1000,
      permalink: `/r/acme/comments/${id}/soak/`,
      subreddit: 'acme',
      score: 1,
      ...(item.bad ? {} : { title: TEXT('reddit', item.n) }),
      selftext: '',
      num_comments: 0,
      over_18: false,
    },
  };
}

export function startFakeReddit(options: FakeOptions): Promise<FakeSource> {
  const size = options.pageSize ?? 100;
  return startFake(options, (req) => {
    if (req.url.pathname === '/api/v1/access_token') {
      return {
        data: false,
        reply: { body: { access_token: 'fake-token', token_type: 'bearer', expires_in: 86_400 } },
      };
    }
    const all = newestFirst(options.items());
    const after = req.url.searchParams.get('after');
    const from = after === null ? 0 : all.findIndex((i) => redditName(i.n) === after) + 1;
    const page = all.slice(from, from + size);
    const more = from + size < all.length;
    return {
      data: true,
      reply: {
        body: {
          kind: 'Listing',
          data: {
            after: more && page.length > 0 ? redditName(page[page.length - 1]!.n) : null,
            children: page.map(redditThing),
          },
        },
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Mastodon: timelines by id (min_id: the page just after it; max_id: older than it), Link.

export const mastodonId = (n: number) => `1135000000${String(n).padStart(8, '0')}`;

function mastodonStatus(item: FakeItem, host: string) {
  const id = mastodonId(item.n);
  return {
    id,
    created_at: new Date(item.atMs).toISOString(),
    visibility: 'public',
    language: 'en',
    uri: `https://${host}/users/soak/statuses/${id}`,
    url: `https://${host}/@soak/${id}`,
    content: `<p>${TEXT('mastodon', item.n)}</p>`,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    ...(item.bad
      ? {}
      : {
          account: {
            id: '1',
            username: 'soak',
            acct: 'soak',
            url: `https://${host}/@soak`,
            followers_count: 1,
          },
        }),
  };
}

export function startFakeMastodon(options: FakeOptions): Promise<FakeSource> {
  return startFake(options, (req) => {
    const limit = Math.min(Number(req.url.searchParams.get('limit') ?? 20), options.pageSize ?? 40);
    const minId = req.url.searchParams.get('min_id');
    const maxId = req.url.searchParams.get('max_id');
    const all = newestFirst(options.items());
    const id = (i: FakeItem) => BigInt(mastodonId(i.n));
    let page: FakeItem[];
    if (minId !== null) page = all.filter((i) => id(i) > BigInt(minId)).slice(-limit);
    else if (maxId !== null) page = all.filter((i) => id(i) < BigInt(maxId)).slice(0, limit);
    else page = all.slice(0, limit);
    const headers: Record<string, string> = {};
    if (page.length > 0) {
      const base = `http://${req.url.host}${req.url.pathname}`;
      const oldest = mastodonId(page[page.length - 1]!.n);
      const newest = mastodonId(page[0]!.n);
      headers.link = `<${base}?limit=${limit}&max_id=${oldest}>; rel="next", <${base}?limit=${limit}&min_id=${newest}>; rel="prev"`;
    }
    return {
      data: true,
      reply: { headers, body: page.map((i) => mastodonStatus(i, 'soak.example')) },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Hacker News (Algolia search_by_date): numericFilters=created_at_i>X, page / nbPages.

function hnHit(item: FakeItem) {
  return {
    objectID: String(46_000_000 + item.n),
    ...(item.bad ? {} : { created_at_i: Math.floor(item.atMs / 1000) }),
    created_at: new Date(item.atMs).toISOString(),
    author: `hn${item.n}`,
    comment_text: `<p>${TEXT('hackernews', item.n)}</p>`,
    story_id: 46_000_000,
    parent_id: 46_000_000,
    _tags: ['comment', `story_46000000`],
  };
}

export function startFakeHackerNews(options: FakeOptions): Promise<FakeSource> {
  return startFake(options, (req) => {
    const filter = /created_at_i>(\d+)/.exec(req.url.searchParams.get('numericFilters') ?? '');
    const since = filter ? Number(filter[1]) : 0;
    const size = Math.min(
      Number(req.url.searchParams.get('hitsPerPage') ?? 20),
      options.pageSize ?? 1_000,
    );
    const pageNo = Number(req.url.searchParams.get('page') ?? 0);
    const all = newestFirst(options.items()).filter((i) => Math.floor(i.atMs / 1000) > since);
    return {
      data: true,
      reply: {
        body: {
          hits: all.slice(pageNo * size, (pageNo + 1) * size).map(hnHit),
          page: pageNo,
          nbPages: Math.ceil(all.length / size),
          nbHits: all.length,
          hitsPerPage: size,
        },
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// YouTube commentThreads.list (order=time): pageToken / nextPageToken.

export const youtubeId = (n: number) => `UgzSoak${n}`;

function youtubeThread(item: FakeItem) {
  const comment = {
    id: youtubeId(item.n),
    snippet: {
      videoId: 'soakVideo01',
      textOriginal: TEXT('youtube', item.n),
      textDisplay: TEXT('youtube', item.n),
      authorDisplayName: `@yt${item.n}`,
      authorChannelId: { value: `UCsoak${String(item.n).padStart(18, '0')}` },
      likeCount: 0,
      publishedAt: new Date(item.atMs).toISOString(),
    },
  };
  return {
    kind: 'youtube#commentThread',
    id: youtubeId(item.n),
    snippet: {
      videoId: 'soakVideo01',
      totalReplyCount: 0,
      ...(item.bad ? {} : { topLevelComment: comment }),
    },
  };
}

export function startFakeYouTube(options: FakeOptions): Promise<FakeSource> {
  const size = options.pageSize ?? 100;
  return startFake(options, (req) => {
    const all = newestFirst(options.items());
    // The token names the last thread of the previous page (threads arriving meanwhile do not
    // shift the next page, as with a cursor rather than an offset).
    const token = req.url.searchParams.get('pageToken');
    const last = token === null ? null : Buffer.from(token, 'base64url').toString('utf8');
    const from = last === null ? 0 : all.findIndex((i) => youtubeId(i.n) === last) + 1;
    const page = all.slice(from, from + size);
    const more = from + size < all.length && page.length > 0;
    return {
      data: true,
      reply: {
        body: {
          kind: 'youtube#commentThreadListResponse',
          items: page.map(youtubeThread),
          ...(more
            ? {
                nextPageToken: Buffer.from(youtubeId(page[page.length - 1]!.n)).toString(
                  'base64url',
                ),
              }
            : {}),
        },
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// RSS 2.0 with conditional GET: the newest `pageSize` items, ETag + Last-Modified, 304.

function rssItem(item: FakeItem): string {
  const date = item.bad ? 'sometime soon' : new Date(item.atMs).toUTCString();
  return `<item><title>${TEXT('rss', item.n)}</title><link>https://news.soak.example/${item.n}</link><guid isPermaLink="false">${item.n}</guid><pubDate>${date}</pubDate></item>`;
}

export function startFakeRss(options: FakeOptions): Promise<FakeSource> {
  const size = options.pageSize ?? 50;
  return startFake(options, (req) => {
    const page = newestFirst(options.items()).slice(0, size);
    const body = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Soak news</title><link>https://news.soak.example/</link>${page.map(rssItem).join('')}</channel></rss>`;
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    const newest = page[0]?.atMs ?? 0;
    const headers = { etag, 'last-modified': new Date(newest).toUTCString() };
    if (req.headers['if-none-match'] === etag)
      return { data: true, reply: { status: 304, headers } };
    return {
      data: true,
      reply: { headers: { ...headers, 'content-type': 'application/rss+xml' }, body },
    };
  });
}

/** The mention ids a connector must produce from these items (the bad ones are dead letters). */
export function expectedIds(source: string, items: FakeItem[], feedScope = ''): string[] {
  return items
    .filter((i) => !i.bad)
    .map((i) => {
      switch (source) {
        case 'reddit':
          return `reddit:${redditName(i.n)}`;
        case 'mastodon':
          return `mastodon:https://soak.example/users/soak/statuses/${mastodonId(i.n)}`;
        case 'hackernews':
          return `hackernews:${46_000_000 + i.n}`;
        case 'youtube':
          return `youtube:${youtubeId(i.n)}`;
        default:
          return `rss:${feedScope}#${i.n}`;
      }
    })
    .sort();
}
