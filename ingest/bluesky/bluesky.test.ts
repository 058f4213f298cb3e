import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCursorStore } from '../../core/cursor-store.ts';
import {
  readFixture,
  startHttpReplay,
  startJetstreamReplay,
  waitFor,
  type JetstreamReplay,
} from '../../test/support/replay-servers.ts';
import { compileOwned } from '../../enrich/owned/index.ts';
import type { ConnectorDeps } from '../connector.ts';
import { recordingPorts } from '../testing/recording-ports.ts';
import { BlueskyConfigSchema } from './config.ts';
import { createBlueskyConnector, subscribeUrl } from './connector.ts';
import { normalizeJetstreamEvent, parseJetstreamFrame } from './normalize.ts';

const frames = readFixture('bluesky/jetstream-frames.jsonl').trim().split('\n');
const BASE_US = 1795169700000000;
const FETCHED = new Date('2026-11-20T10:15:05Z');
const opts = { fetchedAt: FETCHED, maxSkewMs: 300_000 };
const normalize = (frame: string) => normalizeJetstreamEvent(parseJetstreamFrame(frame), opts);
const fast: ConnectorDeps = { loopBackoff: { baseMs: 1, maxMs: 5 }, random: () => 1 };

describe('Jetstream normalization', () => {
  it('maps a post create: AT-URI id, bsky.app URL, DID author, langs, createdAt', () => {
    expect(normalize(frames[0]!)).toEqual({
      id: 'bluesky:at://did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd221',
      source: 'bluesky',
      url: 'https://bsky.app/profile/did:plc:q235v55g5unth4zjjdpacfdr/post/3mmoojp4cd221',
      author: {
        id: 'did:plc:q235v55g5unth4zjjdpacfdr',
        handle: null,
        display_name: null,
        followers: null,
      },
      text: 'Acme Cloud just saved my weekend 🎉',
      title: null,
      lang: 'en',
      created_at: '2026-11-20T10:14:59.757Z',
      fetched_at: '2026-11-20T10:15:05.000Z',
      engagement: { likes: 0, reposts: 0, replies: 0, views: null },
      parent_id: null,
    });
  });

  it('maps a reply (parent id) with a regional first lang', () => {
    expect(normalize(frames[2]!)).toMatchObject({
      lang: 'pt-BR',
      parent_id: 'bluesky:at://did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd221',
    });
  });

  it('takes a link card title, no langs → null, update → same id', () => {
    expect(normalize(frames[4]!)).toMatchObject({
      title: 'Postmortem: Nov 19 outage',
      author: { id: 'did:web:acme.example' },
    });
    expect(normalize(frames[5]!)?.lang).toBeNull();
    const update = normalize(frames[11]!);
    expect(update?.id).toBe(normalize(frames[5]!)?.id);
    expect(update?.text).toBe('this 👇 (edited)');
  });

  it('skips identity, account, likes, deletes and other collections', () => {
    for (const i of [1, 3, 6, 7, 8]) expect(normalize(frames[i]!)).toBeNull();
  });

  it('uses the server time when the client clock is far ahead', () => {
    expect(normalize(frames[10]!)?.created_at).toBe(
      new Date((BASE_US + 12_000) / 1000).toISOString(),
    );
  });

  it('rejects garbled frames and records without text', () => {
    expect(() => parseJetstreamFrame(frames[9]!)).toThrow('jetstream frame is not JSON');
    expect(() => normalize(frames[12]!)).toThrow(/invalid post record.*text/);
  });
});

describe('subscribeUrl (resume rule)', () => {
  const config = BlueskyConfigSchema.parse({
    base_url: 'wss://js.example',
    wanted_dids: ['did:plc:a'],
  });
  it('live tail without a position', () => {
    expect(subscribeUrl(config, null)).toBe(
      'wss://js.example/subscribe?wantedCollections=app.bsky.feed.post&wantedDids=did%3Aplc%3Aa',
    );
  });
  it('seq on the same host, time_us minus the rewind elsewhere', () => {
    const pos = { time_us: 1_795_169_700_000_000, seq: 5002, host: 'js.example' };
    expect(new URL(subscribeUrl(config, pos)).searchParams.get('cursor')).toBe('5002');
    expect(
      new URL(subscribeUrl(config, { ...pos, host: 'other.example' })).searchParams.get('cursor'),
    ).toBe(String(1_795_169_700_000_000 - 5_000_000));
    expect(new URL(subscribeUrl(config, { ...pos, seq: null })).searchParams.get('cursor')).toBe(
      String(1_795_169_700_000_000 - 5_000_000),
    );
  });
});

describe('Bluesky connector against a local Jetstream replay', () => {
  let server: JetstreamReplay | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const oversized = JSON.stringify({
    did: 'did:plc:big',
    time_us: BASE_US + 14_500,
    kind: 'commit',
    cursor: 5011,
    commit: {
      operation: 'create',
      collection: 'app.bsky.feed.post',
      rkey: 'big1',
      record: { text: 'y'.repeat(120_000), createdAt: '2026-11-20T10:15:01.000Z' },
    },
  });

  it('produces posts, dead-letters bad frames, saves the cursor, reconnects from it', async () => {
    server = await startJetstreamReplay([...frames, oversized], { dropAfter: [6] });
    const config = BlueskyConfigSchema.parse({
      base_url: server.url,
      batch_size: 2,
      batch_max_wait_ms: 20,
      rewind_s: 0,
      resolve_profiles: false,
    });
    const rec = recordingPorts({ now: () => FETCHED });
    const running = createBlueskyConnector(config, fast).run(rec.ports);
    await waitFor(() => rec.dead.length >= 3);
    rec.controller.abort();
    await running;

    expect(server.connections).toHaveLength(2);
    expect(server.connections[0]?.searchParams.getAll('wantedCollections')).toEqual([
      'app.bsky.feed.post',
    ]);
    expect(server.connections[0]?.searchParams.get('cursor')).toBeNull();
    // The first socket died after 6 frames (the like and the blog entry were filtered by the
    // server); the last event it delivered, the delete, had seq 5003 → resume there (inclusive).
    expect(server.connections[1]?.searchParams.get('cursor')).toBe('5003');
    const rkeys = rec.produced.map((m) => m.id.split('/').pop());
    expect(rkeys).toEqual([
      '3mmoojp4cd221',
      '3mmoojp4cd223',
      '3mmoojp4cd225',
      '3mmoojp4cd226',
      '3mmoojp4cd232',
      '3mmoojp4cd226',
    ]);
    expect(rec.dead.map((d) => d.reason)).toEqual([
      'jetstream frame is not JSON',
      expect.stringMatching(/invalid post record/),
      expect.stringMatching(/mention contract.*text/),
    ]);
    const saved = JSON.parse((await rec.cursors.get('bluesky', 'jetstream')) ?? '{}') as {
      seq: number;
      time_us: number;
    };
    expect(saved).toMatchObject({ seq: 5011, time_us: BASE_US + 14_500 });
  });

  it('reconnects after a 429 at connect no sooner than Retry-After, and stops on a 404', async () => {
    server = await startJetstreamReplay(frames.slice(0, 3), {
      refuse: { 0: { status: 429, headers: { 'Retry-After': '2' } } },
    });
    const config = BlueskyConfigSchema.parse({ base_url: server.url, resolve_profiles: false });
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    const rec = recordingPorts({ now: () => FETCHED, stopAfter: 2 });
    await createBlueskyConnector(config, { ...fast, sleep }).run(rec.ports);
    // The jittered backoff alone would be at most 5 ms here.
    expect(waits).toEqual([2_000]);
    expect(server.attempts).toHaveLength(2);
    expect(rec.produced).toHaveLength(2);

    await server.close();
    server = await startJetstreamReplay([], { refuse: { 0: { status: 404 } } });
    const gone = BlueskyConfigSchema.parse({ base_url: server.url, resolve_profiles: false });
    const states: string[] = [];
    await expect(
      createBlueskyConnector(gone, { ...fast, sleep }).run(recordingPorts().ports, {
        onState: (s) => states.push(s),
      }),
    ).rejects.toThrow('HTTP 404 at connect');
    expect(server.attempts).toHaveLength(1);
    expect(states.at(-1)).toBe('failed');
  });

  it("keeps an owned account's posts and the replies to it, named by handle, past the filter", async () => {
    const bob = 'did:plc:q235v55g5unth4zjjdpacfdr';
    const appview = await startHttpReplay((req) => ({
      body: {
        profiles: req.url.searchParams
          .getAll('actors')
          .filter((a) => a === 'bob.example.com')
          .map(() => ({ did: bob, handle: 'bob.example.com' })),
      },
    }));
    server = await startJetstreamReplay(frames, { closeWhenDone: true });
    try {
      const owned = compileOwned([
        {
          id: 'ws',
          name: 'WS',
          brands: [
            {
              id: 'bob-brand',
              name: 'Bob',
              query: 'nothing-matches-this',
              competitors: [],
              owned: { youtube: [], mastodon: [], bluesky: ['@bob.example.com'] },
            },
          ],
        },
      ]);
      const config = BlueskyConfigSchema.parse({
        base_url: server.url,
        appview_url: appview.baseUrl,
        resolve_profiles: false,
      });
      const rec = recordingPorts({ now: () => FETCHED });
      await createBlueskyConnector(config, {
        ...fast,
        // What the ingest role passes: the watch queries (matching nothing here) or owned.
        filter: (m) => owned.owners(m).length > 0,
        ownedAccounts: (source) => owned.accounts(source),
      }).run(rec.ports, { once: true });
      const kept = rec.produced.map((m) => m.id.split('/').pop());
      // Bob's own post (by DID), and Carol's reply to it, which names nobody.
      expect(kept).toEqual(['3mmoojp4cd221', '3mmoojp4cd223']);
      expect(rec.produced[0]!.author).toMatchObject({ id: bob, handle: 'bob.example.com' });
      expect(rec.produced[1]!.parent_author).toEqual({ id: bob, handle: 'bob.example.com' });
      expect(appview.requests[0]!.url.searchParams.getAll('actors')).toEqual(['bob.example.com']);
    } finally {
      await appview.close();
    }
  });

  it('applies the watch-query filter before producing, still advancing the cursor', async () => {
    server = await startJetstreamReplay(frames, { closeWhenDone: true });
    const config = BlueskyConfigSchema.parse({
      base_url: server.url,
      batch_size: 100,
      resolve_profiles: false,
    });
    const rec = recordingPorts({ now: () => FETCHED });
    await createBlueskyConnector(config, { ...fast, filter: (m) => /acme/i.test(m.text) }).run(
      rec.ports,
      { once: true },
    );
    expect(rec.produced.map((m) => m.text)).toEqual([
      'Acme Cloud just saved my weekend 🎉',
      'Concordo, a Acme é ótima',
      'Read our postmortem acme.example/blog/pm',
      'clock skew: client says 2099, Acme',
    ]);
    expect(JSON.parse((await rec.cursors.get('bluesky', 'jetstream')) ?? '{}')).toMatchObject({
      seq: 5010,
    });
  });

  it('does not advance the cursor when the produce is not acked, and replays on reconnect', async () => {
    server = await startJetstreamReplay(frames.slice(0, 3), { closeWhenDone: true });
    const cursors = new MemoryCursorStore();
    await cursors.set(
      'bluesky',
      'jetstream',
      JSON.stringify({ time_us: BASE_US, seq: null, host: 'elsewhere:1' }),
    );
    const config = BlueskyConfigSchema.parse({
      base_url: server.url,
      rewind_s: 1,
      resolve_profiles: false,
    });
    const rec = recordingPorts({ now: () => FETCHED, cursors, stopAfter: 2 });
    rec.failProduce.remaining = 1;
    await createBlueskyConnector(config, fast).run(rec.ports);
    expect(server.connections.map((c) => c.searchParams.get('cursor'))).toEqual([
      String(BASE_US - 1_000_000),
      String(BASE_US - 1_000_000),
    ]);
    expect(rec.produced).toHaveLength(2);
  });

  it('fills authors from the AppView and follows identity events', async () => {
    const bob = 'did:plc:q235v55g5unth4zjjdpacfdr';
    const carol = 'did:plc:7ahx3lbvu2ghfxsnbmkwb6kv';
    let carolHandle = 'carol.bsky.social';
    const appview = await startHttpReplay((req) => ({
      body: {
        profiles: req.url.searchParams
          .getAll('actors')
          .filter((did) => did === bob || did === carol)
          .map((did) =>
            did === bob
              ? { did, handle: 'bob.example.com', displayName: 'Bob', followersCount: 2_048 }
              : { did, handle: carolHandle, followersCount: 17 },
          ),
      },
    }));
    // Carol renames herself after her first post; the AppView knows the new name too late.
    const renamed = JSON.stringify({
      did: carol,
      time_us: BASE_US + 15_000,
      kind: 'identity',
      identity: { did: carol, handle: 'carol.example.org', seq: 1409753100 },
    });
    const again = frames[2]!
      .replace('3mmoojp4cd223', '3mmoojp4cd299')
      .replace('1795169700003000', String(BASE_US + 16_000));
    server = await startJetstreamReplay([...frames, renamed, again], { closeWhenDone: true });
    try {
      const config = BlueskyConfigSchema.parse({
        base_url: server.url,
        appview_url: appview.baseUrl,
        // One event per batch, so the rename lands between Carol's two posts.
        batch_size: 1,
      });
      const rec = recordingPorts({ now: () => FETCHED });
      await createBlueskyConnector(config, fast).run(rec.ports, { once: true });
      carolHandle = 'stale.bsky.social';

      const authors = new Map(rec.produced.map((m) => [m.id.split('/').pop(), m.author]));
      expect(authors.get('3mmoojp4cd221')).toEqual({
        id: bob,
        handle: 'bob.example.com',
        display_name: 'Bob',
        followers: 2_048,
      });
      // did:web:acme.example is unknown to this AppView: its DID stays, nothing else.
      expect(authors.get('3mmoojp4cd225')).toMatchObject({
        id: 'did:web:acme.example',
        handle: null,
      });
      expect(authors.get('3mmoojp4cd299')).toMatchObject({
        handle: 'carol.example.org',
        followers: 17,
      });
      // Each author asked for once, however the posts were batched.
      const asked = appview.requests.flatMap((r) => r.url.searchParams.getAll('actors'));
      expect(asked.sort()).toEqual([...new Set(asked)].sort());
      expect(asked).toContain(carol);
      expect(appview.requests[0]!.url.pathname).toBe('/xrpc/app.bsky.actor.getProfiles');
    } finally {
      await appview.close();
    }
  });
});
