import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EnrichedMention } from '../../core/contracts/mention.ts';
import type { Store } from '../../store/port.ts';
import { alertContext } from '../../store/queries/alerts-context.ts';
import {
  decodeCursor,
  mentionFeed,
  topAuthors,
  type FeedCursor,
} from '../../store/queries/mentions.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { freshStore, storeThroughSink } from '../support/store.ts';

/**
 * Late engagement as users see it: a complaint posted with no likes that later became the most
 * liked one ranks first among an alert's complaints, its author first among top authors, and
 * the mention feed shows its likes now; counts that went down and redeliveries change nothing.
 */
const services = inject('services');
let store: Store;

const WINDOW = {
  workspace: 'demo',
  brand: 'aurora',
  from: new Date('2026-11-20T10:00:00Z'),
  to: new Date('2026-11-20T11:00:00Z'),
};
const complaint = (n: number, likes: number, fetchedMinute = 0): EnrichedMention =>
  anEnrichedMention({
    id: `reddit:t1_${n}`,
    source: 'reddit',
    author: { id: `author-${n}`, handle: `author${n}`, display_name: null, followers: 10 },
    created_at: `2026-11-20T10:0${n}:00.000Z`,
    fetched_at: new Date(Date.parse('2026-11-20T10:10:00Z') + fetchedMinute * 60_000).toISOString(),
    engagement: { likes, reposts: 0, replies: 0, views: null },
    sentiment: {
      label: 'neg',
      score: -0.7,
      confidence: 0.9,
      explanation: [],
      model: { name: 'test', version: '1' },
    },
    brands: [{ workspace: 'demo', brand: 'aurora', query_id: 'aurora:q', terms: ['aurora'] }],
  });

beforeAll(async () => {
  store = await freshStore(services);
  await storeThroughSink(store, [complaint(1, 5), complaint(2, 0), complaint(3, 2)], 0);
  // Refreshes: #2 took off; #1 lost likes (ignored); the batch is redelivered, then re-batched.
  const refresh = [complaint(2, 40, 30), complaint(1, 3, 30)];
  await storeThroughSink(store, refresh, 10);
  await storeThroughSink(store, refresh, 10);
  await storeThroughSink(store, refresh.slice(0, 1), 11);
  // A later refresh of #2 that read a lower count (a cached page): the highest count stays.
  await storeThroughSink(store, [complaint(2, 38, 50)], 20);
});
afterAll(async () => {
  await store?.close();
});

describe('late engagement', () => {
  it("ranks an alert window's complaints by their engagement now", async () => {
    const ctx = await alertContext(store, WINDOW);
    expect(ctx.top_negative_mentions.map((m) => [m.id, m.engagement])).toEqual([
      ['reddit:t1_2', 40],
      ['reddit:t1_1', 5],
      ['reddit:t1_3', 2],
    ]);
  });

  it('ranks top authors by their engagement now', async () => {
    const authors = await topAuthors(store, WINDOW, 10);
    expect(authors.map((a) => [a.author_id, a.engagement, a.mentions])).toEqual([
      ['author-2', 40, 1],
      ['author-1', 5, 1],
      ['author-3', 2, 1],
    ]);
  });

  it('shows each mention in the feed once, with its engagement now', async () => {
    const feed = await mentionFeed(store, WINDOW, { limit: 10, cursor: null });
    expect(feed.mentions.map((m) => [m.id, m.engagement.likes])).toEqual([
      ['reddit:t1_3', 2],
      ['reddit:t1_2', 40],
      ['reddit:t1_1', 5],
    ]);
  });

  it('orders the feed by engagement now, page by page', async () => {
    const ids: Array<[string, number]> = [];
    let cursor: FeedCursor | null = null;
    do {
      const page = await mentionFeed(store, WINDOW, { limit: 1, cursor, sort: 'engagement' });
      ids.push(...page.mentions.map((m): [string, number] => [m.id, m.engagement.likes]));
      cursor = page.next_cursor === null ? null : decodeCursor(page.next_cursor);
    } while (cursor !== null);
    expect(ids).toEqual([
      ['reddit:t1_2', 40],
      ['reddit:t1_1', 5],
      ['reddit:t1_3', 2],
    ]);
  });

  it('records each growth once', async () => {
    const rows = await store.query<{ mention_id: string; likes: number; likes_total: number }>(
      'SELECT mention_id, likes, likes_total FROM engagement_updates ORDER BY mention_id, observed_at',
    );
    expect(rows.map((r) => [r.mention_id, Number(r.likes), Number(r.likes_total)])).toEqual([
      ['reddit:t1_2', 40, 40],
    ]);
    const [hour] = await store.query<{ volume: number; likes: number }>(
      `SELECT sum(volume) AS volume, sum(likes) AS likes FROM brand_hourly
       WHERE workspace = 'demo' AND brand = 'aurora'`,
    );
    expect([Number(hour!.volume), Number(hour!.likes)]).toEqual([3, 47]);
  });
});
