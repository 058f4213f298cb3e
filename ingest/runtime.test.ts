import { afterEach, describe, expect, it } from 'vitest';
import {
  readFixture,
  readJsonFixture,
  startHttpReplay,
  startJetstreamReplay,
  waitFor,
  type HttpReplayServer,
  type JetstreamReplay,
} from '../test/support/replay-servers.ts';
import { compileOwned } from '../enrich/owned/index.ts';
import { listConnectors, startConnectors } from './runtime.ts';
import { recordingPorts } from './testing/recording-ports.ts';

describe('listConnectors', () => {
  it('lists every source with what it still needs', () => {
    const list = listConnectors(
      {
        hackernews: { queries: ['acme'] },
        youtube: { video_ids: ['dQw4w9WgXcQ'] },
        reddit: { user_agent: 'linux:x:1 (by /u/me)', queries: ['acme'] },
        rss: { feeds: ['not a url'] },
        mastodon: { enabled: false },
      },
      { REDDIT_CLIENT_ID: 'id' },
    );
    const by = Object.fromEntries(list.map((l) => [l.source, l]));
    expect(list.map((l) => l.source)).toEqual([
      'bluesky',
      'mastodon',
      'hackernews',
      'reddit',
      'rss',
      'youtube',
    ]);
    expect(by.hackernews).toMatchObject({
      configured: true,
      needs: [],
      refresh_after_ms: [900_000, 3_600_000, 21_600_000, 86_400_000],
    });
    expect(by.youtube?.refresh_after_ms).toEqual([]); // not runnable here
    expect(by.bluesky).toMatchObject({
      configured: false,
      needs: ['a "sources.bluesky" section in the config'],
    });
    expect(by.youtube?.needs).toEqual(['env YOUTUBE_API_KEY (YouTube Data API key)']);
    expect(by.reddit?.needs).toEqual(['env REDDIT_CLIENT_SECRET (OAuth client secret)']);
    expect(by.rss?.needs[0]).toMatch(/^sources\.rss\.feeds\.0: /);
    expect(by.mastodon?.needs).toEqual(['sources.mastodon.enabled is false']);
    expect(by.hackernews?.description).toMatch(/Algolia/);
  });
});

describe('listConnectors: engagement refresh settings', () => {
  it('names a wrong refresh setting like any other', () => {
    const [hn] = listConnectors(
      { hackernews: { queries: ['acme'], refresh: { after: ['15m', 'soon'] } } },
      {},
    ).filter((l) => l.source === 'hackernews');
    expect(hn).toMatchObject({ configured: false });
    expect(hn!.needs).toEqual([
      'sources.hackernews.refresh.after.1: use a duration like 15m, 1h, 1d or 1w',
    ]);
  });
});

describe('startConnectors', () => {
  let http: HttpReplayServer | undefined;
  let jet: JetstreamReplay | undefined;
  afterEach(async () => {
    await http?.close();
    await jet?.close();
    http = jet = undefined;
  });

  it('runs configured sources concurrently; a failing one does not stop the others', async () => {
    const hnPage = readJsonFixture<object>('hackernews/search-page-0.json');
    http = await startHttpReplay((req) => {
      if (req.url.pathname === '/api/v1/search_by_date') return { body: { ...hnPage, nbPages: 1 } };
      return { status: 404 };
    });
    jet = await startJetstreamReplay(
      readFixture('bluesky/jetstream-frames.jsonl').trim().split('\n'),
    );
    const rec = recordingPorts();
    const running = startConnectors(
      {
        hackernews: { queries: ['acme'], base_url: http.baseUrl },
        rss: { feeds: [`${http.baseUrl}/missing.xml`] },
        bluesky: { base_url: jet.url, batch_max_wait_ms: 20, resolve_profiles: false },
        youtube: { video_ids: ['dQw4w9WgXcQ'] }, // no API key in env: not started
        files: { path: './x' }, // someone else's source: ignored
      },
      rec.ports,
      {},
      {
        filter: (m) => /acme/i.test(m.text),
        deps: {
          sleep: () => new Promise((r) => setTimeout(r, 5)),
          loopBackoff: { baseMs: 1, maxMs: 2 },
        },
      },
    );
    await waitFor(() => {
      const s = Object.fromEntries(running.status().map((x) => [x.source, x.state]));
      return (
        s.rss === 'failed' &&
        rec.produced.some((m) => m.source === 'bluesky') &&
        rec.produced.some((m) => m.source === 'hackernews')
      );
    });
    const statuses = running.status();
    expect(statuses.map((s) => s.source).sort()).toEqual(['bluesky', 'hackernews', 'rss']);
    expect(statuses.find((s) => s.source === 'rss')?.lastError).toMatch(/HTTP 404/);
    // the filter applies to every source
    expect(rec.produced.every((m) => /acme/i.test(m.text))).toBe(true);
    await running.stop();
    expect(
      running
        .status()
        .filter((s) => s.source !== 'rss')
        .map((s) => s.state),
    ).toEqual(['stopped', 'stopped']);
  });
  it('re-reads the engagement of what a source produced, on its schedule', async () => {
    const hnPage = readJsonFixture<{ hits: Array<Record<string, unknown>> }>(
      'hackernews/search-page-0.json',
    );
    http = await startHttpReplay((req) => {
      if (req.url.pathname === '/api/v1/search_by_date') return { body: { ...hnPage, nbPages: 1 } };
      if (req.url.pathname === '/api/v1/search') {
        // The story gained points and comments since it was first fetched.
        const hits = hnPage.hits
          .filter((h) => req.url.searchParams.get('tags')?.includes(`story_${String(h.objectID)}`))
          .filter((h) => h.parent_id === null || h.parent_id === undefined)
          .map((h) => ({ ...h, points: 250, num_comments: 40 }));
        return { body: { ...hnPage, hits, nbHits: hits.length, nbPages: 1 } };
      }
      return { status: 404 };
    });
    // Ten minutes after the story was posted; once it is produced, every refresher tick moves
    // the clock 5 minutes.
    let now = Date.parse('2026-11-20T10:11:40Z');
    const rec = recordingPorts({ now: () => new Date(now) });
    const running = startConnectors(
      { hackernews: { queries: ['acme'], base_url: http.baseUrl, refresh: { after: ['15m'] } } },
      rec.ports,
      {},
      {
        // The poll loop waits its real interval (one poll here); the refresher's clock runs.
        refresh: {
          tickMs: 1,
          sleep: async () => {
            if (rec.produced.length > 0) now += 5 * 60_000;
            await new Promise((r) => setTimeout(r, 5));
          },
        },
      },
    );
    await waitFor(() => rec.produced.some((m) => m.engagement.likes === 250));
    await running.stop();
    const story = rec.produced.filter((m) => m.id === 'hackernews:45990001');
    expect(story[0]!.engagement).toMatchObject({ likes: 12 });
    expect(story.at(-1)!.engagement).toMatchObject({ likes: 250, replies: 40 });
    // The comment has nothing to re-read: never asked for.
    expect(http.requests.filter((r) => r.url.pathname === '/api/v1/search')).toHaveLength(1);
  });

  it("reads an owned YouTube channel's comments, also those that do not name the brand", async () => {
    const page = readJsonFixture<{ items: unknown[] }>('youtube/threads-page-1.json');
    http = await startHttpReplay((req) =>
      req.url.pathname === '/youtube/v3/commentThreads'
        ? { body: { ...page, nextPageToken: undefined } }
        : { status: 404 },
    );
    const owned = compileOwned([
      {
        id: 'acme-ws',
        name: 'ACME',
        brands: [
          {
            id: 'acme',
            name: 'Acme',
            query: 'acme',
            competitors: [],
            owned: { youtube: ['UCacmeOfficial000000001'], mastodon: [], bluesky: [] },
          },
        ],
      },
    ]);
    // The recorded comments are of 2026-11-20: read them as of that day (the first run's look-back).
    const rec = recordingPorts({ now: () => new Date('2026-11-20T12:00:00Z') });
    const running = startConnectors(
      // No channel or video listed: the owned channel alone is what the source reads.
      { youtube: { api_key_env: 'YT_KEY', base_url: http.baseUrl } },
      rec.ports,
      { YT_KEY: 'k' },
      {
        // What the ingest role passes: a query that never matches, or an owned account.
        filter: (m) => owned.owners(m).length > 0,
        ownedAccounts: (source) => owned.accounts(source),
        deps: { loopBackoff: { baseMs: 1, maxMs: 2 } },
      },
    );
    await waitFor(() => rec.produced.length >= 2);
    await running.stop();
    expect(http.requests[0]!.url.searchParams.get('allThreadsRelatedToChannelId')).toBe(
      'UCacmeOfficial000000001',
    );
    expect(rec.produced.map((m) => m.text)).toContain('Agreed & the API docs too');
  });
});
