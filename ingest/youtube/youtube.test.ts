import { afterEach, describe, expect, it } from 'vitest';
import {
  readJsonFixture,
  startHttpReplay,
  type HttpReplayServer,
} from '../../test/support/replay-servers.ts';
import type { ConnectorDeps } from '../connector.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { YouTubeConfigSchema } from './config.ts';
import { createYouTubeConnector, quotaDay } from './connector.ts';
import { flattenThread, normalizeYouTubeComment } from './normalize.ts';

const page1 = readJsonFixture<{ items: unknown[] }>('youtube/threads-page-1.json');
const page2 = readJsonFixture<{ items: unknown[] }>('youtube/threads-page-2.json');
const quotaBody = readJsonFixture('youtube/quota-exceeded.json');
const disabledBody = readJsonFixture('youtube/comments-disabled.json');
const NOW = new Date('2026-11-20T10:00:00Z');
const fast: ConnectorDeps = {
  http: { timeoutMs: 300, maxRetries: 1, backoff: { baseMs: 1, maxMs: 2 } },
  loopBackoff: { baseMs: 1, maxMs: 2 },
  sleep: () => Promise.resolve(),
};

describe('YouTube normalization', () => {
  it('maps a thread: top-level comment then its replies', () => {
    const [top, reply] = flattenThread(page1.items[0]).map((c) => normalizeYouTubeComment(c, NOW));
    expect(top).toEqual({
      id: 'youtube:UgzThreadNewest',
      source: 'youtube',
      url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzThreadNewest',
      author: {
        id: 'UCreviewer00000000000001',
        handle: '@techreviewer',
        display_name: 'techreviewer',
        followers: null,
      },
      text: "Acme's new dashboard is *so* much better",
      title: null,
      lang: null,
      created_at: '2026-11-20T09:30:00.000Z',
      fetched_at: '2026-11-20T10:00:00.000Z',
      engagement: { likes: 42, reposts: 0, replies: 7, views: null },
      parent_id: null,
      // The video's channel: comments under a brand's own channel are owned.
      parent_author: { id: 'UCacmeOfficial000000001', handle: null },
    });
    expect(reply).toMatchObject({
      id: 'youtube:UgzThreadNewest.AbCdReply1',
      url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzThreadNewest.AbCdReply1',
      text: 'Agreed & the API docs too', // no textOriginal: the HTML textDisplay, as text
      parent_id: 'youtube:UgzThreadNewest',
      engagement: { likes: 3, replies: 0 },
      parent_author: { id: 'UCacmeOfficial000000001' },
    });
  });

  it('converts offsets to UTC and rejects a thread without a top-level comment', () => {
    expect(normalizeYouTubeComment(flattenThread(page2.items[0])[0]!, NOW).created_at).toBe(
      '2026-11-19T21:00:00.000Z',
    );
    expect(() => flattenThread(page1.items[1])).toThrow(
      /invalid youtube comment thread.*topLevelComment/,
    );
  });

  it('quota days are Pacific calendar days', () => {
    expect(quotaDay(new Date('2026-11-20T07:59:00Z'))).toBe('2026-11-19');
    expect(quotaDay(new Date('2026-11-20T08:00:00Z'))).toBe('2026-11-20');
  });
});

describe('YouTube connector against a local API replay', () => {
  let server: HttpReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('pages with pageToken, counts quota, resumes without re-producing', async () => {
    server = await startHttpReplay((req) =>
      req.url.searchParams.get('pageToken') ? { body: page2 } : { body: page1 },
    );
    const config = YouTubeConfigSchema.parse({
      base_url: server.baseUrl,
      video_ids: ['dQw4w9WgXcQ'],
    });
    const rec = recordingPorts({ now: () => NOW });
    await createYouTubeConnector(config, 'test-key', fast).run(rec.ports, { once: true });
    expect(rec.produced.map((m) => m.id)).toEqual([
      'youtube:UgzThreadNewest',
      'youtube:UgzThreadNewest.AbCdReply1',
      'youtube:UgzThreadOlder',
    ]);
    expect(rec.dead).toHaveLength(1);
    const q = server.requests[0]!.url.searchParams;
    expect(Object.fromEntries(q)).toMatchObject({
      part: 'snippet,replies',
      videoId: 'dQw4w9WgXcQ',
      order: 'time',
      key: 'test-key',
      maxResults: '100',
    });
    expect(server.requests[1]?.url.searchParams.get('pageToken')).toBe('QURTSl9pM2xfcGFnZTI=');
    expect(await rec.cursors.get('youtube', 'quota:2026-11-20')).toBe('2');

    // restart: page 1 again; its first thread is already known → stop, nothing produced
    const rec2 = recordingPorts({ now: () => NOW, cursors: rec.cursors });
    await createYouTubeConnector(config, 'test-key', fast).run(rec2.ports, { once: true });
    expect(rec2.produced).toEqual([]);
    expect(server.requests).toHaveLength(3);
    expect(await rec.cursors.get('youtube', 'quota:2026-11-20')).toBe('3');
  });

  it('stops calling at the daily budget and on quotaExceeded; skips videos with comments off', async () => {
    server = await startHttpReplay((req) => {
      const video = req.url.searchParams.get('videoId');
      if (video === 'commentsOff') return { status: 403, body: disabledBody };
      if (video === 'quotaVideo') return { status: 403, body: quotaBody };
      return { body: { items: [] } };
    });
    const config = YouTubeConfigSchema.parse({
      base_url: server.baseUrl,
      video_ids: ['commentsOff', 'okVideo01', 'quotaVideo', 'neverAsked'],
    });
    const rec = recordingPorts({ now: () => NOW });
    const states: string[] = [];
    await createYouTubeConnector(config, 'k', fast).run(rec.ports, {
      once: true,
      onState: (s) => states.push(s),
    });
    expect(server.requests.map((r) => r.url.searchParams.get('videoId'))).toEqual([
      'commentsOff',
      'okVideo01',
      'quotaVideo',
    ]);
    expect(states).toContain('quota_exhausted');
    expect(await rec.cursors.get('youtube', 'quota:2026-11-20')).toBe(
      String(config.daily_quota_units),
    );

    // same day, new process: no call at all
    await createYouTubeConnector(config, 'k', fast).run(
      recordingPorts({ now: () => NOW, cursors: rec.cursors }).ports,
      { once: true },
    );
    expect(server.requests).toHaveLength(3);
    // next Pacific day: calls again
    const tomorrow = new Date('2026-11-21T09:00:00Z');
    await createYouTubeConnector(config, 'k', fast).run(
      recordingPorts({ now: () => tomorrow, cursors: rec.cursors }).ports,
      { once: true },
    );
    expect(server.requests.length).toBeGreaterThan(3);
  });

  it('honours a small configured budget', async () => {
    server = await startHttpReplay(() => ({ body: { items: [] } }));
    const config = YouTubeConfigSchema.parse({
      base_url: server.baseUrl,
      video_ids: ['aaaaaaa1', 'aaaaaaa2', 'aaaaaaa3'],
      daily_quota_units: 2,
    });
    await createYouTubeConnector(config, 'k', fast).run(recordingPorts({ now: () => NOW }).ports, {
      once: true,
    });
    expect(server.requests).toHaveLength(2);
  });

  it('requires at least one target', () => {
    expect(YouTubeConfigSchema.safeParse({}).success).toBe(false);
  });
});
