import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { topAuthors } from '../../store/queries/mentions.ts';
import type { Store } from '../../store/port.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { freshStore, storeThroughSink } from '../support/store.ts';

/**
 * An author's name as the source says it now: a Bluesky account renamed itself between two
 * posts, and a third post went out while the profile lookup was paused (handle unknown).
 */
const services = inject('services');
let store: Store;

const did = 'did:plc:renamed';
const post = (n: number, minute: number, handle: string | null, name: string | null) =>
  anEnrichedMention({
    id: `bluesky:at://${did}/app.bsky.feed.post/${n}`,
    source: 'bluesky',
    author: { id: did, handle, display_name: name, followers: 40 + n },
    created_at: `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`,
    engagement: { likes: n, reposts: 0, replies: 0, views: null },
  });

beforeAll(async () => {
  store = await freshStore(services);
  // Stored out of time order: the latest name must win, not the last stored.
  await storeThroughSink(store, [
    post(2, 20, 'carol.example.org', 'Carol K.'),
    post(1, 10, 'carol.bsky.social', 'Carol'),
    post(3, 30, null, null),
    anEnrichedMention({
      id: 'bluesky:at://did:plc:unknown/app.bsky.feed.post/1',
      source: 'bluesky',
      author: { id: 'did:plc:unknown', handle: null, display_name: null, followers: null },
      created_at: '2026-11-20T11:00:00.000Z',
      engagement: { likes: 0, reposts: 0, replies: 0, views: null },
    }),
  ]);
});
afterAll(async () => {
  await store?.close();
});

describe('top authors', () => {
  it('show the latest known handle and name, and every post counted', async () => {
    const [author, unknown, ...rest] = await topAuthors(
      store,
      {
        workspace: 'demo',
        brand: 'aurora',
        from: new Date('2026-11-20T00:00:00Z'),
        to: new Date('2026-11-21T00:00:00Z'),
      },
      10,
    );
    expect(rest).toEqual([]);
    expect(author).toMatchObject({
      author_id: did,
      handle: 'carol.example.org',
      display_name: 'Carol K.',
      followers: 43,
      mentions: 3,
      engagement: 6,
    });
    // Never looked up: no handle, not an empty one.
    expect(unknown).toMatchObject({
      author_id: 'did:plc:unknown',
      handle: null,
      display_name: null,
      followers: null,
      mentions: 1,
    });
  });
});
