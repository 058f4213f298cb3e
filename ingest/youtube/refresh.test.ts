import { afterEach, describe, expect, it } from 'vitest';
import { isRetriable } from '../../core/errors.ts';
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
import { YouTubeConfigSchema } from './config.ts';
import { createYouTubeConnector, quotaDay } from './connector.ts';
import { flattenThread, normalizeYouTubeComment } from './normalize.ts';

type Comment = { id: string; snippet: Record<string, unknown> };
type Thread = {
  id: string;
  snippet: { totalReplyCount: number; topLevelComment: Comment } & Record<string, unknown>;
  replies?: { comments: Comment[] };
};
const page1 = readJsonFixture<{ items: Thread[] }>('youtube/threads-page-1.json');
const quotaBody = readJsonFixture('youtube/quota-exceeded.json');
const FETCHED = new Date('2026-11-20T10:00:00Z');
const LATER = new Date('2026-11-20T16:00:00Z');
const fast: ConnectorDeps = {
  http: { timeoutMs: 300, maxRetries: 1, backoff: { baseMs: 1, maxMs: 2 } },
  sleep: () => Promise.resolve(),
};

const thread = page1.items[0]!; // UgzThreadNewest: 42 likes, 7 replies
const reply = thread.replies!.comments[0]!; // UgzThreadNewest.AbCdReply1: 3 likes

/** A thread as `commentThreads.list?id=…&part=snippet` answers: no replies part. */
function threadNow(t: Thread, id: string, likes: number, replies: number): Thread {
  const top = t.snippet.topLevelComment;
  return {
    id,
    snippet: {
      ...t.snippet,
      totalReplyCount: replies,
      topLevelComment: { ...top, id, snippet: { ...top.snippet, likeCount: likes } },
    },
  };
}

/** A comment resource as `comments.list?id=…&part=snippet` answers. */
function commentNow(c: Comment, id: string, likes: number): Comment {
  return { ...c, id, snippet: { ...c.snippet, likeCount: likes } };
}

function dataApi(threads: Map<string, Thread>, comments: Map<string, Comment>) {
  return (req: RecordedRequest): ReplayReply => {
    if (req.url.searchParams.get('key') !== 'k') return { status: 400 };
    const ids = (req.url.searchParams.get('id') ?? '').split(',');
    if (ids.length > 50) return { status: 400, body: { error: { code: 400, errors: [] } } };
    const pool: Map<string, unknown> =
      req.url.pathname === '/youtube/v3/commentThreads' ? threads : comments;
    return {
      body: {
        kind: 'youtube#commentListResponse',
        items: ids.flatMap((id) => (pool.has(id) ? [pool.get(id)] : [])),
      },
    };
  };
}

describe('YouTube refresh against a local Data API replay', () => {
  let server: HttpReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const configFor = (s: HttpReplayServer, units = 8_000) =>
    YouTubeConfigSchema.parse({
      video_ids: ['dQw4w9WgXcQ'],
      base_url: s.baseUrl,
      daily_quota_units: units,
    });

  it('threads for top-level comments, comments.list for replies, same mentions as the poll', async () => {
    server = await startHttpReplay(
      dataApi(
        new Map([[thread.id, threadNow(thread, thread.id, 99, 12)]]),
        new Map([[reply.id, commentNow(reply, reply.id, 10)]]),
      ),
    );
    const connector = createYouTubeConnector(configFor(server), 'k', fast);
    expect(connector.refreshBatchSize).toBe(50);
    const rec = recordingPorts({ now: () => LATER });
    const out = await connector.refresh!(
      [
        `youtube:${thread.id}`,
        `youtube:${reply.id}`,
        'youtube:UgzDeletedSince', // deleted: not in the answer
        'youtube:UgzThreadNewest.GoneReply', // deleted reply
        'bluesky:at://did:plc:x/app.bsky.feed.post/1',
      ],
      rec.ports,
    );
    expect(server.requests.map((r) => [r.url.pathname, r.url.searchParams.get('id')])).toEqual([
      ['/youtube/v3/commentThreads', 'UgzThreadNewest,UgzDeletedSince'],
      ['/youtube/v3/comments', 'UgzThreadNewest.AbCdReply1,UgzThreadNewest.GoneReply'],
    ]);
    expect(server.requests.map((r) => r.url.searchParams.get('part'))).toEqual([
      'snippet',
      'snippet',
    ]);
    const [top, rep] = flattenThread(thread).map((c) => normalizeYouTubeComment(c, FETCHED));
    expect(out).toEqual([
      {
        ...top,
        synthetic: false,
        fetched_at: LATER.toISOString(),
        engagement: { likes: 99, reposts: 0, replies: 12, views: null },
      },
      {
        ...rep,
        synthetic: false,
        fetched_at: LATER.toISOString(),
        engagement: { likes: 10, reposts: 0, replies: 0, views: null },
      },
    ]);
    // Two calls, two units in today's ledger.
    expect(await rec.cursors.get('youtube', `quota:${quotaDay(LATER)}`)).toBe('2');
  });

  it('50 ids per call, each call counted', async () => {
    const threads = new Map<string, Thread>();
    const ids: string[] = [];
    for (let n = 0; n < 120; n++) {
      const id = `UgzT${n}`;
      ids.push(`youtube:${id}`);
      threads.set(id, threadNow(thread, id, n, 0));
    }
    server = await startHttpReplay(dataApi(threads, new Map()));
    const rec = recordingPorts({ now: () => LATER });
    const out = await createYouTubeConnector(configFor(server), 'k', fast).refresh!(ids, rec.ports);
    expect(server.requests.map((r) => r.url.searchParams.get('id')!.split(',').length)).toEqual([
      50, 50, 20,
    ]);
    expect(out.map((m) => m.id)).toEqual(ids);
    expect(out[119]!.engagement.likes).toBe(119);
    expect(await rec.cursors.get('youtube', `quota:${quotaDay(LATER)}`)).toBe('3');
  });

  it('spent quota: no call, a retriable error; Google saying so marks the day spent', async () => {
    server = await startHttpReplay(() => ({ status: 403, body: quotaBody }));
    const rec = recordingPorts({ now: () => LATER });
    const day = `quota:${quotaDay(LATER)}`;
    await rec.cursors.set('youtube', day, '100');
    const connector = createYouTubeConnector(configFor(server, 100), 'k', fast);
    const spent = connector.refresh!([`youtube:${thread.id}`], rec.ports);
    await expect(spent).rejects.toThrow(/daily quota exhausted/);
    await spent.catch((error: unknown) => expect(isRetriable(error)).toBe(true));
    expect(server.requests).toHaveLength(0);

    await rec.cursors.set('youtube', day, '0');
    const refused = connector.refresh!([`youtube:${thread.id}`], rec.ports);
    await expect(refused).rejects.toThrow(/daily quota exhausted/);
    await refused.catch((error: unknown) => expect(isRetriable(error)).toBe(true));
    expect(server.requests).toHaveLength(1);
    expect(await rec.cursors.get('youtube', day)).toBe('100');
  });

  it('a failing API throws a retriable error and returns nothing of the batch', async () => {
    let calls = 0;
    server = await startHttpReplay((req) =>
      ++calls === 1 ? dataApi(new Map([[thread.id, thread]]), new Map())(req) : { status: 500 },
    );
    const failing = createYouTubeConnector(configFor(server), 'k', fast).refresh!(
      [`youtube:${thread.id}`, `youtube:${reply.id}`],
      recordingPorts({ now: () => LATER }).ports,
    );
    await expect(failing).rejects.toThrow(/unavailable after 2 attempts \(HTTP 500\)/);
    await failing.catch((error: unknown) => expect(isRetriable(error)).toBe(true));
  });
});

defineRefreshContract('youtube', {
  now: LATER,
  batchSize: 50,
  async knowing(count) {
    const threads = new Map<string, Thread>();
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const id = `UgzT${n}`;
      ids.push(`youtube:${id}`);
      threads.set(id, threadNow(thread, id, n, 0));
    }
    return subject(await startHttpReplay(dataApi(threads, new Map())), ids);
  },
  async answeringMore() {
    const stray = threadNow(thread, 'UgzStray', 1, 0);
    const server = await startHttpReplay(() => ({ body: { items: [thread, stray] } }));
    return subject(server, [`youtube:${thread.id}`]);
  },
  async failing() {
    return subject(await startHttpReplay(() => ({ status: 500 })), [`youtube:${thread.id}`]);
  },
});

function subject(server: HttpReplayServer, ids: string[]): RefreshSubject {
  return {
    connector: createYouTubeConnector(
      YouTubeConfigSchema.parse({ video_ids: ['dQw4w9WgXcQ'], base_url: server.baseUrl }),
      'k',
      fast,
    ),
    ids,
    lookups: () => server.requests.map((r) => r.url.searchParams.get('id')!.split(',').length),
    close: () => server.close(),
  };
}
