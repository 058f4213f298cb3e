import { afterEach, describe, expect, it } from 'vitest';
import { isRetriable } from '../../core/errors.ts';
import {
  readFixture,
  startHttpReplay,
  startJetstreamReplay,
  type HttpReplayServer,
  type JetstreamReplay,
  type RecordedRequest,
  type ReplayReply,
} from '../../test/support/replay-servers.ts';
import type { ConnectorDeps } from '../connector.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { defineRefreshContract, type RefreshSubject } from '../testing/refresh-contract.ts';
import { BlueskyConfigSchema } from './config.ts';
import { createBlueskyConnector } from './connector.ts';
import {
  normalizeJetstreamEvent,
  normalizePostView,
  parseJetstreamFrame,
  type JetstreamEvent,
} from './normalize.ts';

const frames = readFixture('bluesky/jetstream-frames.jsonl').trim().split('\n');
const FETCHED = new Date('2026-11-20T10:15:05Z');
const LATER = new Date('2026-11-20T11:15:05Z');
const SKEW = 300_000;
const fast: ConnectorDeps = {
  http: { backoff: { baseMs: 1, maxMs: 2 } },
  loopBackoff: { baseMs: 1, maxMs: 5 },
  random: () => 1,
};

/**
 * A post view as `app.bsky.feed.getPosts` answers it for a Jetstream post create: the same
 * record, the basic author profile and the AppView's counts (indexed 1 s after the firehose).
 */
function viewOf(frame: string, counts: Record<string, number>, handle = 'someone.bsky.social') {
  const event = parseJetstreamFrame(frame) as JetstreamEvent & {
    commit: { rkey: string; record: unknown; cid?: string };
  };
  return {
    uri: `at://${event.did}/app.bsky.feed.post/${event.commit.rkey}`,
    cid: 'bafyreiexample',
    author: { did: event.did, handle, displayName: 'Some One', avatar: 'https://cdn.example/a' },
    record: event.commit.record,
    indexedAt: new Date(event.time_us / 1000 + 1000).toISOString(),
    labels: [],
    ...counts,
  };
}

const idOf = (frame: string) =>
  normalizeJetstreamEvent(parseJetstreamFrame(frame), { fetchedAt: FETCHED, maxSkewMs: SKEW })!.id;

describe('post view normalization', () => {
  it('gives the Jetstream mention back with the current counts and the author profile', () => {
    for (const i of [0, 2, 4]) {
      const fromStream = normalizeJetstreamEvent(parseJetstreamFrame(frames[i]!), {
        fetchedAt: FETCHED,
        maxSkewMs: SKEW,
      })!;
      const view = viewOf(frames[i]!, {
        likeCount: 12,
        repostCount: 3,
        replyCount: 4,
        quoteCount: 2,
      });
      const refreshed = normalizePostView(view, {
        fetchedAt: LATER,
        maxSkewMs: SKEW,
        followersOf: (did) => (did === fromStream.author?.id ? 2_048 : null),
      });
      expect(refreshed).toEqual({
        ...fromStream,
        author: {
          id: fromStream.author?.id,
          handle: 'someone.bsky.social',
          display_name: 'Some One',
          followers: 2_048,
        },
        fetched_at: LATER.toISOString(),
        // A quote counts as a repost.
        engagement: { likes: 12, reposts: 5, replies: 4, views: null },
      });
    }
  });

  it('missing counts are 0, handle.invalid is no handle, an unknown author has no followers', () => {
    expect(
      normalizePostView(viewOf(frames[0]!, {}, 'handle.invalid'), {
        fetchedAt: LATER,
        maxSkewMs: SKEW,
        followersOf: () => null,
      }),
    ).toMatchObject({
      author: { handle: null, followers: null },
      engagement: { likes: 0, reposts: 0, replies: 0, views: null },
    });
  });

  it('leaves out a post whose client clock the stream replaced (created_at cannot match)', () => {
    expect(
      normalizePostView(viewOf(frames[10]!, { likeCount: 1 }), {
        fetchedAt: LATER,
        maxSkewMs: SKEW,
        followersOf: () => null,
      }),
    ).toBeNull();
  });

  it('rejects a view without a post record', () => {
    expect(() =>
      normalizePostView(
        { ...viewOf(frames[0]!, {}), record: { createdAt: '2026-11-20T10:00:00Z' } },
        { fetchedAt: LATER, maxSkewMs: SKEW, followersOf: () => null },
      ),
    ).toThrow(/invalid post record.*text/);
  });
});

/** getPosts over a set of known posts; asking for more than 25 is a 400, as on the AppView. */
function getPosts(known: Map<string, unknown>) {
  return (req: RecordedRequest): ReplayReply => {
    if (req.url.pathname !== '/xrpc/app.bsky.feed.getPosts') return { status: 404 };
    const uris = req.url.searchParams.getAll('uris');
    if (uris.length > 25) return { status: 400, body: { error: 'InvalidRequest' } };
    return { body: { posts: uris.flatMap((u) => (known.has(u) ? [known.get(u)] : [])) } };
  };
}

describe('Bluesky refresh against a local AppView', () => {
  let appview: HttpReplayServer | undefined;
  let jetstream: JetstreamReplay | undefined;
  afterEach(async () => {
    await appview?.close();
    await jetstream?.close();
    appview = undefined;
    jetstream = undefined;
  });

  it('25 posts per request, deleted posts and foreign ids left out, bad views dead-lettered', async () => {
    const base = viewOf(frames[0]!, { likeCount: 7, repostCount: 1, replyCount: 2 });
    const known = new Map<string, unknown>();
    const ids: string[] = [];
    for (let n = 0; n < 30; n++) {
      const uri = `${base.uri}${n}`;
      ids.push(`bluesky:${uri}`);
      // Post 13 was deleted (absent from the answer); post 20 comes back unreadable.
      if (n === 13) continue;
      known.set(uri, n === 20 ? { ...base, uri, record: { text: 'no date' } } : { ...base, uri });
    }
    appview = await startHttpReplay(getPosts(known));
    const config = BlueskyConfigSchema.parse({ appview_url: appview.baseUrl });
    const connector = createBlueskyConnector(config, fast);
    expect(connector.refreshBatchSize).toBe(25);
    const rec = recordingPorts({ now: () => LATER });
    const out = await connector.refresh!(
      [...ids, 'mastodon:https://x.example/1', 'bluesky:not-an-at-uri'],
      rec.ports,
    );
    expect(appview.requests.map((r) => r.url.searchParams.getAll('uris').length)).toEqual([25, 5]);
    expect(out).toHaveLength(28);
    expect(out.map((m) => m.id)).not.toContain(ids[13]);
    expect(out.map((m) => m.id)).not.toContain(ids[20]);
    expect(out[0]).toMatchObject({
      id: ids[0],
      text: 'Acme Cloud just saved my weekend 🎉',
      fetched_at: LATER.toISOString(),
      engagement: { likes: 7, reposts: 1, replies: 2, views: null },
    });
    expect(rec.dead).toHaveLength(1);
    expect(rec.dead[0]!.reason).toMatch(/invalid post record/);
    expect(rec.produced).toEqual([]);
  });

  it('only the posts asked for, with the followers the stream already looked up', async () => {
    const bob = 'did:plc:q235v55g5unth4zjjdpacfdr';
    const wanted = viewOf(frames[0]!, { likeCount: 40 }, 'bob.example.com');
    const other = viewOf(frames[2]!, { likeCount: 1 });
    appview = await startHttpReplay((req) => {
      if (req.url.pathname === '/xrpc/app.bsky.actor.getProfiles') {
        return {
          body: { profiles: [{ did: bob, handle: 'bob.example.com', followersCount: 2_048 }] },
        };
      }
      // A misbehaving AppView answering a post nobody asked for.
      return { body: { posts: [wanted, other] } };
    });
    jetstream = await startJetstreamReplay(frames.slice(0, 1), { closeWhenDone: true });
    const config = BlueskyConfigSchema.parse({
      base_url: jetstream.url,
      appview_url: appview.baseUrl,
    });
    const connector = createBlueskyConnector(config, fast);
    const rec = recordingPorts({ now: () => FETCHED });
    await connector.run(rec.ports, { once: true });
    expect(rec.produced.map((m) => m.id)).toEqual([idOf(frames[0]!)]);

    const later = recordingPorts({ now: () => LATER });
    const out = await connector.refresh!([idOf(frames[0]!)], later.ports);
    expect(out).toHaveLength(1);
    expect(out[0]).toEqual({
      ...rec.produced[0],
      fetched_at: LATER.toISOString(),
      author: { ...rec.produced[0]!.author, display_name: 'Some One' },
      engagement: { likes: 40, reposts: 0, replies: 0, views: null },
    });
    expect(rec.produced[0]!.author.followers).toBe(2_048);
    // The refresh asked for its post only, and did not look the author up again.
    const paths = appview.requests.map((r) => r.url.pathname);
    expect(paths).toEqual(['/xrpc/app.bsky.actor.getProfiles', '/xrpc/app.bsky.feed.getPosts']);
  });

  it('an unreadable answer throws (retriable); nothing of a half-done batch comes back', async () => {
    let calls = 0;
    const base = viewOf(frames[0]!, { likeCount: 7 });
    appview = await startHttpReplay((req) => {
      calls++;
      if (calls > 1) return { body: '<html>maintenance</html>' };
      const uris = req.url.searchParams.getAll('uris');
      return { body: { posts: uris.map((uri) => ({ ...base, uri })) } };
    });
    const config = BlueskyConfigSchema.parse({ appview_url: appview.baseUrl });
    const ids = Array.from({ length: 30 }, (_, n) => `bluesky:${base.uri}${n}`);
    const refreshing = createBlueskyConnector(config, fast).refresh!(
      ids,
      recordingPorts({ now: () => LATER }).ports,
    );
    await expect(refreshing).rejects.toThrow(/posts page is not JSON/);
    await refreshing.catch((error: unknown) => expect(isRetriable(error)).toBe(true));
  });
});

defineRefreshContract('bluesky', {
  now: LATER,
  batchSize: 25,
  async knowing(count) {
    const base = viewOf(frames[0]!, {});
    const known = new Map<string, unknown>();
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const uri = `${base.uri}${n}`;
      ids.push(`bluesky:${uri}`);
      known.set(uri, { ...base, uri, likeCount: n });
    }
    return subject(await startHttpReplay(getPosts(known)), ids);
  },
  async answeringMore() {
    const wanted = viewOf(frames[0]!, { likeCount: 40 });
    const other = viewOf(frames[2]!, { likeCount: 1 });
    const server = await startHttpReplay((req) =>
      req.url.pathname === '/xrpc/app.bsky.feed.getPosts'
        ? { body: { posts: [wanted, other] } }
        : { body: { profiles: [] } },
    );
    return subject(server, [idOf(frames[0]!)]);
  },
  async failing() {
    const server = await startHttpReplay(() => ({ status: 503, body: 'upstream unavailable' }));
    return subject(server, [idOf(frames[0]!)]);
  },
});

function subject(server: HttpReplayServer, ids: string[]): RefreshSubject {
  return {
    connector: createBlueskyConnector(
      BlueskyConfigSchema.parse({ appview_url: server.baseUrl }),
      fast,
    ),
    ids,
    lookups: () =>
      server.requests
        .filter((r) => r.url.pathname === '/xrpc/app.bsky.feed.getPosts')
        .map((r) => r.url.searchParams.getAll('uris').length),
    close: () => server.close(),
  };
}
