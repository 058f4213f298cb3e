import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MentionSchema, type Mention } from '../../core/contracts/mention.ts';
import {
  startHttpReplay,
  type HttpReplayServer,
  type ReplayReply,
} from '../../test/support/replay-servers.ts';
import { HttpClient } from '../http/client.ts';
import { PROFILES_PER_REQUEST, ProfileDirectory } from './profiles.ts';

/** A recorded-format getProfiles answer: profileViewDetailed objects, unknown DIDs left out. */
function profileView(did: string, n: number) {
  return {
    did,
    handle: n === 2 ? 'handle.invalid' : `user${n}.bsky.social`,
    ...(n === 3 ? {} : { displayName: `User ${n}` }),
    avatar: `https://cdn.bsky.app/img/avatar/plain/${did}/bafk${n}@jpeg`,
    associated: { lists: 0, feedgens: 0, starterPacks: 0, labeler: false },
    indexedAt: '2026-10-01T08:00:00.000Z',
    createdAt: '2024-02-01T12:00:00.000Z',
    labels: [],
    followersCount: 100 * n,
    followsCount: 12,
    postsCount: 340,
  };
}

/** An AppView that knows did:plc:u0 … did:plc:u99 except did:plc:u13 (deleted account). */
function appview(req: { url: URL }): ReplayReply {
  if (req.url.pathname !== '/xrpc/app.bsky.actor.getProfiles') return { status: 404 };
  const actors = req.url.searchParams.getAll('actors');
  if (actors.length > PROFILES_PER_REQUEST) {
    return { status: 400, body: { error: 'InvalidRequest', message: 'actors too long' } };
  }
  return {
    body: {
      profiles: actors
        .filter((did) => did !== 'did:plc:u13')
        .map((did) => profileView(did, Number(did.slice('did:plc:u'.length)))),
    },
  };
}

function post(did: string, n = 0): Mention {
  return MentionSchema.parse({
    id: `bluesky:at://${did}/app.bsky.feed.post/${n}`,
    source: 'bluesky',
    author: { id: did },
    text: 'Acme',
    created_at: '2026-11-20T10:00:00.000Z',
  });
}

function setup(server: HttpReplayServer, overrides: { maxEntries?: number } = {}) {
  let now = Date.parse('2026-11-20T10:00:00Z');
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const directory = new ProfileDirectory({
    client: new HttpClient({
      source: 'bluesky',
      maxRetries: 1,
      timeoutMs: 2_000,
      backoff: { baseMs: 1, maxMs: 2 },
    }),
    appviewUrl: server.baseUrl,
    maxEntries: overrides.maxEntries ?? 1_000,
    ttlMs: 3_600_000,
    pauseMs: 60_000,
    now: () => now,
    logger,
  });
  return { directory, logs, advance: (ms: number) => (now += ms) };
}

describe('ProfileDirectory against a local AppView', () => {
  let server: HttpReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('fills handle, name and followers, 25 authors per request, each author asked once', async () => {
    server = await startHttpReplay(appview);
    const { directory } = setup(server);
    const dids = Array.from({ length: 30 }, (_, i) => `did:plc:u${i}`);
    // Two posts by u5: asked for once.
    const out = await directory.complete([...dids.map((d) => post(d)), post('did:plc:u5', 1)]);

    expect(server.requests.map((r) => r.url.searchParams.getAll('actors').length)).toEqual([25, 5]);
    expect(out[1]!.author).toEqual({
      id: 'did:plc:u1',
      handle: 'user1.bsky.social',
      display_name: 'User 1',
      followers: 100,
    });
    expect(out[30]!.author.handle).toBe('user5.bsky.social');
    // handle.invalid is the AppView's placeholder, not a handle; a missing name stays null.
    expect(out[2]!.author).toMatchObject({ handle: null, display_name: 'User 2', followers: 200 });
    expect(out[3]!.author).toMatchObject({ handle: 'user3.bsky.social', display_name: null });
    // A deleted account is left out of the answer: the DID stays, nothing else.
    expect(out[13]!.author).toEqual({
      id: 'did:plc:u13',
      handle: null,
      display_name: null,
      followers: null,
    });
    // The input is not modified.
    expect(post('did:plc:u1').author.handle).toBeNull();
    // 31 posts: all but the deleted account's resolved.
    expect(directory.stats).toMatchObject({
      resolved: 30,
      requests: 2,
      looked_up: 29,
      not_found: 1,
      failures: 0,
    });
  });

  it('serves remembered authors without asking again, until the profile is too old', async () => {
    server = await startHttpReplay(appview);
    const { directory, advance } = setup(server);
    await directory.complete([post('did:plc:u1'), post('did:plc:u13')]);
    const again = await directory.complete([post('did:plc:u1', 2), post('did:plc:u13', 2)]);
    expect(server.requests).toHaveLength(1);
    expect(again[0]!.author.followers).toBe(100);

    advance(3_600_001);
    await directory.complete([post('did:plc:u1', 3)]);
    expect(server.requests).toHaveLength(2);
  });

  it('forgets the least recently used author first', async () => {
    server = await startHttpReplay(appview);
    const { directory } = setup(server, { maxEntries: 2 });
    await directory.complete([post('did:plc:u1'), post('did:plc:u2')]);
    await directory.complete([post('did:plc:u1', 1)]); // u1 is now the most recent
    await directory.complete([post('did:plc:u3')]); // evicts u2
    expect(directory.size).toBe(2);
    await directory.complete([post('did:plc:u1', 2)]);
    expect(server.requests).toHaveLength(2);
    await directory.complete([post('did:plc:u2', 2)]);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]!.url.searchParams.getAll('actors')).toEqual(['did:plc:u2']);
  });

  it('applies a handle change from an identity event to a remembered author', async () => {
    server = await startHttpReplay(appview);
    const { directory } = setup(server);
    await directory.complete([post('did:plc:u4')]);
    directory.noteHandle('did:plc:u4', 'brand-new.example.com');
    directory.noteHandle('did:plc:u77', 'never-seen.example.com'); // not remembered: ignored
    const [out] = await directory.complete([post('did:plc:u4', 1)]);
    expect(out!.author).toMatchObject({ handle: 'brand-new.example.com', followers: 400 });
    expect(directory.size).toBe(1);
  });

  it('a failing AppView: posts go out with the DID, one warning, then a pause', async () => {
    let down = true;
    server = await startHttpReplay((req) =>
      down ? { status: 503, body: 'upstream unavailable' } : appview(req),
    );
    const { directory, logs, advance } = setup(server);
    const out = await directory.complete([post('did:plc:u1')]);
    expect(out[0]!.author).toMatchObject({ id: 'did:plc:u1', handle: null });
    expect(server.requests).toHaveLength(2); // the request and its one retry
    const warning = logs.find((l) => l.event === 'profile_lookup_failed');
    expect(warning).toMatchObject({ authors: 1, pause_ms: 60_000 });
    expect(String(warning?.error)).toMatch(/unavailable after 2 attempts \(HTTP 503\)/);

    // Paused: the next batch does not ask at all.
    down = false;
    await directory.complete([post('did:plc:u1', 1)]);
    expect(server.requests).toHaveLength(2);
    advance(60_000);
    const later = await directory.complete([post('did:plc:u1', 2)]);
    expect(later[0]!.author.handle).toBe('user1.bsky.social');
  });

  it('an unreadable answer is a failed lookup, not a crash', async () => {
    server = await startHttpReplay(() => ({ body: { profiles: 'not a list' } }));
    const { directory, logs } = setup(server);
    const out = await directory.complete([post('did:plc:u1')]);
    expect(out[0]!.author.handle).toBeNull();
    expect(String(logs.find((l) => l.event === 'profile_lookup_failed')?.error)).toMatch(
      /unexpected profiles page/,
    );
  });

  it('on shutdown (aborted signal) the batch goes out unresolved, without a request', async () => {
    server = await startHttpReplay(appview);
    const { directory } = setup(server);
    const controller = new AbortController();
    controller.abort();
    const out = await directory.complete([post('did:plc:u1')], controller.signal);
    expect(out[0]!.author).toMatchObject({ id: 'did:plc:u1', handle: null });
    expect(server.requests).toHaveLength(0);
  });
});
