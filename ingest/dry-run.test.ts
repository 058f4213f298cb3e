import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import {
  readFixture,
  startHttpReplay,
  startJetstreamReplay,
  type HttpReplayServer,
  type JetstreamReplay,
} from '../test/support/replay-servers.ts';
import {
  startFakeHackerNews,
  startFakeMastodon,
  startFakeReddit,
  startFakeYouTube,
  type FakeOptions,
  type FakeSource,
} from '../test/support/source-fakes.ts';
import { DRY_RUN_EXIT, runDryRun } from './dry-run.ts';

describe('runDryRun (earshot ingest <source> --dry-run)', () => {
  let http: HttpReplayServer | undefined;
  let jet: JetstreamReplay | undefined;
  afterEach(async () => {
    await http?.close();
    await jet?.close();
    http = jet = undefined;
  });

  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      sinks: {
        out: (l: string) => out.push(l),
        err: (l: string) => err.push(l),
        logger: silentLogger(),
      },
    };
  };

  it('prints normalized mentions as JSONL, dead letters on stderr, honours --limit and --set', async () => {
    http = await startHttpReplay(() => ({ body: readFixture('rss/news.rss.xml') }));
    const { out, err, sinks } = io();
    const result = await runDryRun({
      source: 'rss',
      sources: {},
      env: {},
      set: [`feeds=["${http.baseUrl}/a.xml"]`],
      limit: 10,
      now: () => new Date('2026-11-20T10:00:00Z'),
      ...sinks,
    });
    expect(result).toMatchObject({ produced: 3, deadLettered: 1, stoppedBy: 'done' });
    expect(out.map((l) => (JSON.parse(l) as { source: string }).source)).toEqual([
      'rss',
      'rss',
      'rss',
    ]);
    expect(JSON.parse(err[0]!)).toMatchObject({
      dead_letter: { source: 'rss', reason: 'unreadable pubDate' },
    });

    const limited = io();
    await runDryRun({
      source: 'rss',
      sources: { rss: { feeds: ['https://unused.example/x'] } },
      env: {},
      baseUrl: `${http.baseUrl}/b.xml`,
      limit: 2,
      now: () => new Date('2026-11-20T10:00:00Z'),
      ...limited.sinks,
    });
    expect(limited.out).toHaveLength(2);
  });

  it('stops a stream at the limit', async () => {
    jet = await startJetstreamReplay(
      readFixture('bluesky/jetstream-frames.jsonl').trim().split('\n'),
    );
    const { out, sinks } = io();
    const result = await runDryRun({
      source: 'bluesky',
      sources: { bluesky: { enabled: false, batch_size: 1, resolve_profiles: false } },
      env: {},
      baseUrl: jet.url,
      limit: 2,
      ...sinks,
    });
    expect(result.produced).toBe(2);
    expect(out).toHaveLength(2);
  });

  it('keeps a stream going through a 429 and a dropped socket until --timeout, and says so', async () => {
    // Refuse the first upgrade with 429 + Retry-After, then drop the first connection after 4
    // frames: the run must wait as told, resume from its cursor and still deliver every post.
    jet = await startJetstreamReplay(
      readFixture('bluesky/jetstream-frames.jsonl').trim().split('\n'),
      { refuse: { 0: { status: 429, headers: { 'Retry-After': '1' } } }, dropAfter: [4] },
    );
    const { out, err, sinks } = io();
    const result = await runDryRun({
      source: 'bluesky',
      sources: { bluesky: { batch_size: 1, resolve_profiles: false } },
      env: {},
      baseUrl: jet.url,
      limit: 100,
      timeoutMs: 3_500,
      ...sinks,
    });
    const rkeys = new Set(out.map((l) => (JSON.parse(l) as { id: string }).id.split('/').pop()));
    expect([...rkeys].sort()).toEqual([
      '3mmoojp4cd221',
      '3mmoojp4cd223',
      '3mmoojp4cd225',
      '3mmoojp4cd226',
      '3mmoojp4cd232',
    ]);
    expect(result).toMatchObject({ reconnects: 2, stoppedBy: 'timeout' });
    expect(jet.attempts).toHaveLength(3);
    expect(jet.attempts[1]!.at - jet.attempts[0]!.at).toBeGreaterThanOrEqual(1_000);
    // The reconnect after the drop resumes at the cursor of the last delivered event.
    expect(jet.attempts[2]!.url.searchParams.get('cursor')).not.toBeNull();
    const notes = err.filter((l) => l.startsWith('bluesky: connection lost'));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/HTTP 429 at connect \(Retry-After 1 s\); reconnecting in 1\.0 s/);
  });

  it('stops a stream whose server refuses it for good (404): exit 2, no reconnect', async () => {
    jet = await startJetstreamReplay([], { refuse: { 0: { status: 404 } } });
    const { sinks } = io();
    const result = await runDryRun({
      source: 'bluesky',
      sources: { bluesky: { resolve_profiles: false } },
      env: {},
      baseUrl: jet.url,
      limit: 1,
      timeoutMs: 3_000,
      ...sinks,
    });
    expect(result.failure).toEqual({
      exitCode: DRY_RUN_EXIT.rejected,
      message: expect.stringMatching(/HTTP 404 at connect/) as unknown,
    });
    expect(jet.attempts).toHaveLength(1);
  });

  it('--base-url points every endpoint of a source there: Jetstream and the AppView', async () => {
    jet = await startJetstreamReplay(
      readFixture('bluesky/jetstream-frames.jsonl').trim().split('\n'),
      {
        http: (url) =>
          url.pathname === '/xrpc/app.bsky.actor.getProfiles'
            ? {
                profiles: url.searchParams
                  .getAll('actors')
                  .map((did) => ({ did, handle: `${did.split(':').pop()}.replay.test` })),
              }
            : undefined,
      },
    );
    const { out, sinks } = io();
    await runDryRun({
      source: 'bluesky',
      sources: { bluesky: { batch_size: 100 } },
      env: {},
      baseUrl: jet.url,
      limit: 1,
      ...sinks,
    });
    expect(jet.httpRequests.map((u) => u.pathname)).toContain('/xrpc/app.bsky.actor.getProfiles');
    const first = JSON.parse(out[0]!) as { author: { handle: string } };
    expect(first.author.handle).toBe('q235v55g5unth4zjjdpacfdr.replay.test');
  });

  it('explains what a source needs', async () => {
    const { sinks } = io();
    await expect(
      runDryRun({ source: 'youtube', sources: {}, env: {}, limit: 1, ...sinks }),
    ).rejects.toThrow(/list at least one of video_ids or channel_ids/);
    await expect(
      runDryRun({
        source: 'reddit',
        sources: {},
        env: {},
        set: ['user_agent=linux:a:1 (by /u/me)', 'queries=[acme]'],
        limit: 1,
        ...sinks,
      }),
    ).rejects.toThrow(/env REDDIT_CLIENT_ID/);
    await expect(
      runDryRun({ source: 'twitter', sources: {}, env: {}, limit: 1, ...sinks }),
    ).rejects.toThrow(/unknown source "twitter"/);
    // A base URL with a path (a gateway prefix) would be dropped by the connector: refused.
    await expect(
      runDryRun({
        source: 'hackernews',
        sources: { hackernews: { queries: ['acme'] } },
        env: {},
        baseUrl: 'http://127.0.0.1:9/hn-mirror',
        limit: 1,
        ...sinks,
      }),
    ).rejects.toThrow(
      /sources\.hackernews\.base_url: only scheme:\/\/host\[:port\].*"\/hn-mirror" would be ignored/,
    );
  });

  describe.each([
    { source: 'mastodon', start: startFakeMastodon, set: [] as string[], env: {} },
    {
      source: 'hackernews',
      start: startFakeHackerNews,
      set: ['queries=[acme]', 'hits_per_page=5'],
      env: {},
    },
    {
      source: 'reddit',
      start: startFakeReddit,
      set: ['user_agent=linux:a:1 (by /u/me)', 'queries=[acme]'],
      env: { REDDIT_CLIENT_ID: 'a', REDDIT_CLIENT_SECRET: 'b' },
    },
    {
      source: 'youtube',
      start: startFakeYouTube,
      set: ['video_ids=[soakVideo01]'],
      env: { YOUTUBE_API_KEY: 'k' },
    },
  ])('$source: a truncated page (issue 18)', ({ source, start, set, env }) => {
    let fake: FakeSource | undefined;
    afterEach(async () => {
      await fake?.close();
      fake = undefined;
    });
    const NOW = new Date('2026-11-20T10:00:00Z');
    const items = Array.from({ length: 12 }, (_, k) => ({
      n: 100 - k,
      atMs: NOW.getTime() - (k + 1) * 60_000,
    }));
    const run = async (fault: FakeOptions['fault']) => {
      fake = await start({ items: () => items, pageSize: 5, fault });
      const { out, err, sinks } = io();
      const result = await runDryRun({
        source,
        sources: {},
        env,
        set,
        baseUrl: fake.baseUrl,
        limit: 100,
        now: () => NOW,
        ...sinks,
      });
      return { result, out, err };
    };

    it('prints the mentions read before it, dead-letters the page and says why, exit 3', async () => {
      // The second page is cut half-way, every retry too (a complete HTTP answer each time).
      const { result, out, err } = await run((i) => (i === 0 ? 'ok' : 'truncate'));
      expect(out).toHaveLength(5);
      expect(result.produced).toBe(5);
      expect(result.failure).toEqual({
        exitCode: DRY_RUN_EXIT.failed,
        message: expect.stringMatching(/not JSON/) as unknown,
      });
      expect(
        err.map((l) => (JSON.parse(l) as { dead_letter: { reason: string } }).dead_letter.reason),
      ).toEqual([expect.stringMatching(/not JSON/)]);
    });

    it('a source that refuses is exit 2', async () => {
      http = await startHttpReplay(() => ({ status: 403, body: { error: 'forbidden' } }));
      const { sinks } = io();
      const refused = await runDryRun({
        source,
        sources: {},
        env,
        set,
        baseUrl: http.baseUrl,
        limit: 100,
        now: () => NOW,
        ...sinks,
      });
      expect(refused.failure?.exitCode).toBe(DRY_RUN_EXIT.rejected);
    });
  });
});
