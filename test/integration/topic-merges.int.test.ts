import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshStateful, saveStateful } from '../../enrich/pipeline/state.ts';
import { createTopicClusterer } from '../../enrich/topics/cluster.ts';
import type { EmbedTexts } from '../../enrich/topics/embed-merge.ts';
import type { TopicClusterer } from '../../enrich/topics/types.ts';
import type { Store } from '../../store/port.ts';
import { alertContext } from '../../store/queries/alerts-context.ts';
import { digestTopTopics } from '../../store/queries/alerts-digest.ts';
import { mentionFeed } from '../../store/queries/mentions.ts';
import { brandTopics } from '../../store/queries/topics.ts';
import { StoreStateStore } from '../../store/state-store.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { freshStore, storeThroughSink } from '../support/store.ts';

/**
 * Two topics the clusterer merged after some of their mentions were stored: the history
 * stored under the old id counts as the topic it merged into, in the topic lists (rollup and
 * raw paths), in the feed's topic filter and on each mention.
 */
const services = inject('services');
const WS = 'merges-ws';
const HOUR = Date.parse('2026-11-20T10:00:00Z');
let store: Store;
let battery = '';
let price = '';
/** The label each topic's mentions were stored with (the clusterer's, per id). */
const labelOf = new Map<string, string>();

/**
 * A real merge: a clusterer sees one story in English and in German (two topics), and an
 * unrelated one; its cross-language pass then finds the two battery topics alike (an embedding
 * by story) and merges them, as the enrich stage does beside the stream.
 */
async function mergedClusterer(): Promise<{
  clusterer: TopicClusterer;
  ids: string[];
  labels: string[];
}> {
  const clusterer = createTopicClusterer({ embedMerge: { threshold: 0.6 } });
  // Enough stories that the pass can centre its embeddings (it needs eight).
  const stories = [
    'battery',
    'akku',
    'price',
    'shipping',
    'screen',
    'support',
    'camera',
    'warranty',
  ];
  const posts: Array<[string, string]> = [
    ['en', 'Acme battery drains overnight, dead by morning'],
    ['de', 'Acme Akku ist über Nacht leer, morgens tot'],
    ['en', 'Acme price went up again, too expensive now'],
    ['en', 'Acme shipping took three weeks, parcel lost'],
    ['en', 'Acme screen flickers at low brightness'],
    ['en', 'Acme support never answered my ticket'],
    ['en', 'Acme camera blurry in low light photos'],
    ['en', 'Acme warranty claim refused without reason'],
  ];
  const topics = posts.map(
    ([lang, text], i) =>
      clusterer.assign({
        id: `p${i}`,
        text,
        lang,
        brands: [`${WS}/acme`],
        created_at: new Date(HOUR + i * 60_000).toISOString(),
        exclude_terms: ['Acme'],
      }).topics[0]!,
  );
  const ids = topics.map((t) => t.id);
  expect(new Set(ids).size).toBe(posts.length);
  // The stage stores each mention with its topic's label: two labels for the one story.
  const labels = topics.map((t) => t.label);
  expect(labels[0]).not.toBe(labels[1]);
  // One direction per story; the English and German battery posts tell the same one.
  const embed: EmbedTexts = (texts) =>
    Promise.resolve(
      texts.map((t) => {
        const v = new Array<number>(stories.length).fill(0);
        const story = stories.findIndex((s) => t.toLowerCase().includes(s));
        v[Math.max(0, story === 1 ? 0 : story)] = 1;
        return v;
      }),
    );
  // One post a topic here: let the pass embed clusters of one post.
  const merged = await clusterer.mergeAcrossLanguages(embed, { minCount: 1 });
  expect(merged.merged).toBe(1);
  return { clusterer, ids, labels };
}

const mention = (i: number, topic: string, minute: number, sentiment: 'pos' | 'neg' = 'pos') =>
  anEnrichedMention({
    id: `merge:${i}`,
    created_at: new Date(HOUR + minute * 60_000).toISOString(),
    brands: [{ workspace: WS, brand: 'acme', query_id: 'acme:q', terms: ['acme'] }],
    topics: [{ id: topic, label: labelOf.get(topic) ?? topic }],
    sentiment: { ...anEnrichedMention().sentiment, label: sentiment },
  });

beforeAll(async () => {
  store = await freshStore(services);
  const { clusterer, ids, labels } = await mergedClusterer();
  ids.forEach((id, i) => labelOf.set(id, labels[i]!));
  const [english, german] = ids as [string, string];
  battery = clusterer.resolve(english);
  const absorbed = battery === english ? german : english;
  price = ids[2]!;
  // Stored as the stage gave them before the merge: three under the absorbed id (with its
  // label), the newest of the story among them.
  await storeThroughSink(store, [
    mention(1, absorbed, 5, 'neg'),
    mention(2, absorbed, 10),
    mention(3, absorbed, 50),
    mention(4, battery, 20, 'neg'),
    mention(5, battery, 25),
    mention(6, price, 30, 'neg'),
    mention(7, price, 35),
    mention(8, price, 40),
    mention(9, price, 45),
    // Another brand's two topics (never merged) that happen to share a label.
    ...[1, 2, 3].map((i) =>
      anEnrichedMention({
        id: `globex:${i}`,
        created_at: new Date(HOUR + i * 60_000).toISOString(),
        brands: [{ workspace: WS, brand: 'globex', query_id: 'globex:q', terms: ['globex'] }],
        topics: [{ id: i === 1 ? 'tp-globex-1' : 'tp-globex-2', label: 'late delivery' }],
      }),
    ),
  ]);
  await saveStateful(new StoreStateStore(store), 'enrich', {
    ...freshStateful(),
    topics: clusterer,
  });
});
afterAll(async () => {
  await store?.close();
});

describe('topics merged after their mentions were stored', () => {
  it.each([
    ['hour-aligned (rollup)', HOUR, HOUR + 3_600_000],
    ['off the hour (raw rows)', HOUR + 60_000, HOUR + 3_540_000],
  ])('count as one topic in the lists: %s', async (_, from, to) => {
    const topics = await brandTopics(
      store,
      { workspace: WS, brand: 'acme', from: new Date(from), to: new Date(to) },
      { limit: 10, minVolume: 1, now: new Date(HOUR + 7_200_000) },
    );
    expect(topics.top.map((t) => [t.id, t.label, t.volume])).toEqual([
      [battery, labelOf.get(battery), 5],
      [price, labelOf.get(price), 4],
    ]);
    expect(topics.top[0]!.langs).toEqual(['en']);
  });

  it("are one topic in the feed's filter and on each mention", async () => {
    const feed = await mentionFeed(
      store,
      {
        workspace: WS,
        brand: 'acme',
        from: new Date(HOUR),
        to: new Date(HOUR + 3_600_000),
        topic: battery,
      },
      { limit: 20, cursor: null },
    );
    expect(feed.mentions.map((m) => m.id).sort()).toEqual([
      'merge:1',
      'merge:2',
      'merge:3',
      'merge:4',
      'merge:5',
    ]);
    // Under the surviving topic's label too, the one the lists show, also on the mentions
    // stored under the absorbed id with its own label.
    for (const m of feed.mentions)
      expect(m.topics).toEqual([{ id: battery, label: labelOf.get(battery) }]);
  });

  it("are one topic, under the surviving topic's label, in an alert's context", async () => {
    const window = { from: new Date(HOUR), to: new Date(HOUR + 3_600_000) };
    const context = await alertContext(store, { workspace: WS, brand: 'acme', ...window });
    expect(context.top_topics).toEqual([
      { label: labelOf.get(battery), volume: 5, negative: 2 },
      { label: labelOf.get(price), volume: 4, negative: 1 },
    ]);
    // Topics that only share a label read as one line, as before.
    const other = await alertContext(store, { workspace: WS, brand: 'globex', ...window });
    expect(other.top_topics).toEqual([{ label: 'late delivery', volume: 3, negative: 0 }]);
  });

  it('are one topic in the weekly digest', async () => {
    const topics = await digestTopTopics(store, WS, new Date(HOUR), new Date(HOUR + 3_600_000));
    expect(topics).toEqual([
      { brand: 'acme', label: labelOf.get(battery), volume: 5 },
      { brand: 'acme', label: labelOf.get(price), volume: 4 },
      { brand: 'globex', label: 'late delivery', volume: 3 },
    ]);
  });
});
