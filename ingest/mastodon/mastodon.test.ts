import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCursorStore } from '../../core/cursor-store.ts';
import {
  readFixture,
  readJsonFixture,
  startHttpReplay,
  startWebSocketReplay,
  waitFor,
  type HttpReplayServer,
  type WebSocketReplay,
} from '../../test/support/replay-servers.ts';
import type { ConnectorDeps } from '../connector.ts';
import { parseLinkHeader } from '../http/link.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { MastodonConfigSchema } from './config.ts';
import { createMastodonConnector } from './connector.ts';
import { compareStatusIds, normalizeMastodonStatus } from './normalize.ts';
import { streamingUrl, streamKey, subscribeMessages } from './stream.ts';

const newest = readJsonFixture<unknown[]>('mastodon/public-page-newest.json');
const older = readJsonFixture<unknown[]>('mastodon/public-page-older.json');
const FETCHED = new Date('2026-11-20T10:00:00Z');
const opts = { instanceHost: 'mastodon.social', fetchedAt: FETCHED, respectNoindex: true };
const fast: ConnectorDeps = {
  http: { timeoutMs: 300, maxRetries: 1, backoff: { baseMs: 1, maxMs: 2 } },
  loopBackoff: { baseMs: 1, maxMs: 2 },
  sleep: () => Promise.resolve(),
};

describe('normalizeMastodonStatus', () => {
  it('maps a local status: uri id, HTML → text, global handle, followers, engagement', () => {
    expect(normalizeMastodonStatus(newest[0], opts)).toEqual({
      id: 'mastodon:https://mastodon.social/users/alice/statuses/113500000000000103',
      source: 'mastodon',
      url: 'https://mastodon.social/@alice/113500000000000103',
      author: {
        id: 'https://mastodon.social/users/alice',
        handle: 'alice@mastodon.social',
        display_name: 'Alice 🌻',
        followers: 1204,
      },
      text: 'Switched to #AcmeCloud today, thanks @bob! Setup took 5 minutes & it just works.\n\nSecond paragraph.',
      title: null,
      lang: 'en',
      created_at: '2026-11-20T09:59:30.123Z',
      fetched_at: '2026-11-20T10:00:00.000Z',
      engagement: { likes: 17, reposts: 5, replies: 2, views: null },
      parent_id: null,
    });
  });

  it('takes the boosted status for a boost (remote author, offset time → UTC)', () => {
    expect(normalizeMastodonStatus(newest[1], opts)).toMatchObject({
      id: 'mastodon:https://chaos.social/users/dave/statuses/113499990000000000',
      url: 'https://chaos.social/@dave/113499990000000000',
      author: { handle: 'dave@chaos.social', display_name: null, followers: 880 },
      text: 'Acme Cloud ist heute wieder down. Drei Stunden!',
      lang: 'de',
      created_at: '2026-11-20T07:00:00.000Z',
      engagement: { likes: 90, reposts: 40, replies: 4 },
    });
  });

  it('names the account a reply answers (parent_author), from the status mentions', () => {
    const base = newest[0] as Record<string, unknown> & { account: Record<string, unknown> };
    const reply = {
      ...base,
      content:
        '<p><span class="h-card"><a href="https://mastodon.social/@AcmeCloud">@<span>AcmeCloud</span></a></span> it is down again</p>',
      in_reply_to_id: '113400000000000001',
      in_reply_to_account_id: '42',
      mentions: [
        {
          id: '42',
          username: 'AcmeCloud',
          acct: 'AcmeCloud',
          url: 'https://mastodon.social/@AcmeCloud',
        },
        {
          id: '77',
          username: 'carol',
          acct: 'carol@chaos.social',
          url: 'https://chaos.social/@carol',
        },
      ],
    };
    expect(normalizeMastodonStatus(reply, opts)).toMatchObject({
      text: '@AcmeCloud it is down again',
      parent_author: {
        id: 'https://mastodon.social/@AcmeCloud',
        handle: 'AcmeCloud@mastodon.social',
      },
    });
    // A reply to oneself (a thread) names its own author; no reply, no parent author.
    const self = { ...reply, in_reply_to_account_id: (base.account as { id: string }).id };
    expect(normalizeMastodonStatus(self, opts)?.parent_author).toEqual({
      id: null,
      handle: 'alice@mastodon.social',
    });
    expect(normalizeMastodonStatus(base, opts)).not.toHaveProperty('parent_author');
  });

  it('keeps the content warning in front and handles language: null', () => {
    expect(normalizeMastodonStatus(newest[2], opts)).toMatchObject({
      text: 'rant about Acme billing\n\nCharged twice <again>. Not happy.',
      lang: null,
    });
  });

  it('skips noindex authors, rejects a status without account', () => {
    expect(normalizeMastodonStatus(older[0], opts)).toBeNull();
    expect(normalizeMastodonStatus(older[0], { ...opts, respectNoindex: false })?.text).toBe(
      "J'adore Acme Cloud.",
    );
    expect(() => normalizeMastodonStatus(newest[3], opts)).toThrow(
      /invalid mastodon status.*account/,
    );
  });

  it('compares snowflake ids numerically', () => {
    expect(compareStatusIds('99', '100')).toBeLessThan(0);
    expect(compareStatusIds('113500000000000103', '113500000000000102')).toBeGreaterThan(0);
  });

  it('parses Link headers', () => {
    expect(
      parseLinkHeader(
        '<https://m.example/api/v1/timelines/public?max_id=1>; rel="next", <https://m.example/api/v1/timelines/public?min_id=9>; rel="prev"',
      ),
    ).toEqual({
      next: 'https://m.example/api/v1/timelines/public?max_id=1',
      prev: 'https://m.example/api/v1/timelines/public?min_id=9',
    });
  });
});

/** A tiny Mastodon timeline: statuses sorted newest first, min_id/max_id/limit + Link like the real one. */
function timelineServer(all: unknown[], extra: (req: { url: URL }) => object | null = () => null) {
  const ids = (s: unknown) => (s as { id: string }).id;
  return startHttpReplay((req) => {
    const override = extra(req);
    if (override) return override;
    const limit = Number(req.url.searchParams.get('limit') ?? 20);
    const minId = req.url.searchParams.get('min_id');
    const maxId = req.url.searchParams.get('max_id');
    const sorted = [...all].sort((a, b) => compareStatusIds(ids(b), ids(a)));
    // min_id: the `limit` statuses immediately after min_id (still returned newest first);
    // max_id: the `limit` statuses just older than max_id.
    const page = minId
      ? sorted.filter((s) => compareStatusIds(ids(s), minId) > 0).slice(-limit)
      : maxId
        ? sorted.filter((s) => compareStatusIds(ids(s), maxId) < 0).slice(0, limit)
        : sorted.slice(0, limit);
    const headers: Record<string, string> = {};
    if (page.length > 0) {
      const base = `http://${req.url.host}${req.url.pathname}`;
      headers.link = `<${base}?limit=${limit}&max_id=${ids(page[page.length - 1])}>; rel="next", <${base}?limit=${limit}&min_id=${ids(page[0])}>; rel="prev"`;
    }
    return { body: page, headers };
  });
}

describe('Mastodon REST connector', () => {
  let server: HttpReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('first run walks back to the look-back with max_id; after a restart it pages forward with min_id and Link', async () => {
    const statuses = [...older];
    server = await timelineServer(statuses);
    const config = MastodonConfigSchema.parse({ base_url: server.baseUrl, page_limit: 2 });
    const cursors = new MemoryCursorStore();
    const rec = recordingPorts({ now: () => FETCHED, cursors });
    await createMastodonConnector(config, null, fast).run(rec.ports, { once: true });
    expect(rec.produced.map((m) => m.author.handle)).toEqual(['gina@mastodon.social']); // frank is noindex
    expect(await cursors.get('mastodon', 'timeline:public')).toBe('113500000000000099');

    statuses.push(...newest); // four newer statuses arrive while we are down
    const rec2 = recordingPorts({ now: () => FETCHED, cursors });
    await createMastodonConnector(config, null, fast).run(rec2.ports, { once: true });
    // first run: the newest page, then the (empty) older one Link rel="next" points at
    expect(server.requests.slice(0, 2).map((r) => r.url.searchParams.get('max_id'))).toEqual([
      null,
      '113500000000000098',
    ]);
    const urls = server.requests.slice(2).map((r) => r.url.searchParams.get('min_id'));
    expect(urls).toEqual(['113500000000000099', '113500000000000101', '113500000000000103']);
    expect(rec2.produced.map((m) => m.created_at)).toEqual([
      '2026-11-20T09:57:00.000Z',
      '2026-11-20T07:00:00.000Z',
      '2026-11-20T09:59:30.123Z',
    ]);
    expect(rec2.dead).toHaveLength(1);
    expect(rec2.dead[0]?.reason).toMatch(/account/);
    expect(await cursors.get('mastodon', 'timeline:public')).toBe('113500000000000103');
  });

  it('polls hashtag timelines with the token and reports 401 as a config problem', async () => {
    server = await timelineServer(older, (req) =>
      req.url.pathname.includes('/tag/')
        ? null
        : { status: 401, body: { error: 'This method requires an authenticated user' } },
    );
    const config = MastodonConfigSchema.parse({
      base_url: server.baseUrl,
      timelines: [{ type: 'hashtag', tag: '#AcmeCloud', local: true }, { type: 'public' }],
      streaming: false,
    });
    const rec = recordingPorts({ now: () => FETCHED });
    await expect(
      createMastodonConnector(config, 'secret-token', fast).run(rec.ports, { once: true }),
    ).rejects.toThrow(/needs authentication \(HTTP 401\)/);
    expect(server.requests[0]?.url.pathname).toBe('/api/v1/timelines/tag/AcmeCloud');
    expect(server.requests[0]?.url.searchParams.get('local')).toBe('true');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer secret-token');
    expect(await rec.cursors.get('mastodon', 'timeline:hashtag:acmecloud:local')).toBe(
      '113500000000000099',
    );
  });

  it('backs off on 429 with Retry-After', async () => {
    const sleeps: number[] = [];
    server = await timelineServer(older, (req) =>
      server && server.requests.length === 1
        ? { status: 429, headers: { 'retry-after': '2' } }
        : (void req, null),
    );
    const config = MastodonConfigSchema.parse({ base_url: server.baseUrl });
    const rec = recordingPorts({ now: () => FETCHED });
    await createMastodonConnector(config, null, {
      ...fast,
      sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    }).run(rec.ports, {
      once: true,
    });
    expect(sleeps).toContain(2_000);
    expect(rec.produced).toHaveLength(1);
  });
});

describe('Mastodon streaming connector', () => {
  let server: HttpReplayServer | undefined;
  let ws: WebSocketReplay | undefined;
  afterEach(async () => {
    await server?.close();
    await ws?.close();
    server = ws = undefined;
  });

  it('maps subscriptions and stream names to cursor keys', () => {
    expect(
      subscribeMessages([
        { type: 'hashtag', tag: 'Acme', local: false },
        { type: 'public', local: true, remote: false },
      ]),
    ).toEqual([
      '{"type":"subscribe","stream":"hashtag","tag":"Acme"}',
      '{"type":"subscribe","stream":"public:local"}',
    ]);
    expect(streamKey(['hashtag', 'Acme'])).toBe('hashtag:acme');
    expect(streamKey(['public:local'])).toBe('public:local');
    expect(streamKey(['user'])).toBeNull();
    expect(streamingUrl('https://streaming.mastodon.social')).toBe(
      'wss://streaming.mastodon.social/api/v1/streaming',
    );
    expect(streamingUrl('http://127.0.0.1:9')).toBe('ws://127.0.0.1:9/api/v1/streaming');
  });

  it('subscribes with the bearer token, backfills over REST, streams updates, reconnects', async () => {
    const frames = readFixture('mastodon/stream-frames.jsonl').trim().split('\n');
    let wsUrl = '';
    server = await timelineServer(older, (req) =>
      req.url.pathname === '/api/v2/instance'
        ? { body: { domain: 'mastodon.test', configuration: { urls: { streaming: wsUrl } } } }
        : null,
    );
    ws = await startWebSocketReplay('/api/v1/streaming', (socket, index) => {
      socket.on('message', () => {
        // after the subscribe message: first connection sends everything then drops
        if (index === 0) {
          for (const f of frames) socket.send(f);
          setTimeout(() => socket.terminate(), 50);
        }
      });
    });
    wsUrl = ws.url; // announced by GET /api/v2/instance, as big instances do
    const config = MastodonConfigSchema.parse({
      base_url: server.baseUrl,
      timelines: [{ type: 'hashtag', tag: 'AcmeCloud' }],
    });
    const rec = recordingPorts({ now: () => FETCHED });
    const states: string[] = [];
    const running = createMastodonConnector(config, 'user-token', fast).run(rec.ports, {
      onState: (s) => states.push(s),
    });
    const resumed = () => server!.requests.find((r) => r.url.searchParams.get('min_id'));
    await waitFor(() => (ws?.connections.length ?? 0) >= 2 && resumed() !== undefined);
    rec.controller.abort();
    await running;

    const first = ws.connections[0]!;
    expect(first.headers.authorization).toBe('Bearer user-token');
    expect(first.received).toEqual(['{"type":"subscribe","stream":"hashtag","tag":"AcmeCloud"}']);
    // backfill (1 REST status: gina; frank is noindex) then the two live updates
    expect(rec.produced.map((m) => m.author.handle)).toEqual([
      'gina@mastodon.social',
      'hana@mastodon.social',
      'ivan@mastodon.social',
    ]);
    expect(rec.dead.map((d) => d.reason)).toEqual(['update payload is not JSON']);
    // the stream moved the REST cursor, so the backfill after the reconnect starts after ivan
    expect(server.requests[0]?.url.pathname).toBe('/api/v2/instance'); // discovered once
    expect(server.requests.filter((r) => r.url.pathname === '/api/v2/instance')).toHaveLength(1);
    expect(resumed()?.url.searchParams.get('min_id')).toBe('113500000000000201');
    expect(states).toContain('backoff');
    expect(states.at(-1)).toBe('stopped');
  });

  it('waits as long as Retry-After says when the streaming server refuses with 429', async () => {
    server = await timelineServer(older);
    ws = await startWebSocketReplay('/api/v1/streaming', () => undefined, {
      refuse: { 0: { status: 429, headers: { 'Retry-After': '7' } } },
    });
    const config = MastodonConfigSchema.parse({
      base_url: server.baseUrl,
      streaming_url: ws.url.replace(/^ws/, 'http'),
      timelines: [{ type: 'hashtag', tag: 'AcmeCloud' }],
    });
    const rec = recordingPorts({ now: () => FETCHED });
    const waits: number[] = [];
    const states: Array<string | undefined> = [];
    const running = createMastodonConnector(config, 'user-token', {
      ...fast,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    }).run(rec.ports, { onState: (s, detail) => states.push(detail) });
    await waitFor(() => (ws?.connections.length ?? 0) >= 1);
    rec.controller.abort();
    await running;
    expect(waits[0]).toBe(7_000);

    // A refused token is not retried: the source stops with the status.
    await ws.close();
    ws = await startWebSocketReplay('/api/v1/streaming', () => undefined, {
      refuse: { 0: { status: 401 } },
    });
    const refused = MastodonConfigSchema.parse({
      base_url: server.baseUrl,
      streaming_url: ws.url.replace(/^ws/, 'http'),
      timelines: [{ type: 'hashtag', tag: 'AcmeCloud' }],
    });
    const failed: string[] = [];
    await expect(
      createMastodonConnector(refused, 'revoked-token', fast).run(recordingPorts().ports, {
        onState: (s) => failed.push(s),
      }),
    ).rejects.toThrow('HTTP 401 at connect');
    expect(failed.at(-1)).toBe('failed');
    expect(states).toContain('Error: HTTP 429 at connect (Retry-After 7 s); reconnecting in 7.0 s');
  });
});
