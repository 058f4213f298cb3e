import { readFileSync } from 'node:fs';
import { createTopicClusterer, type TopicOptions } from '../index.ts';
import { pairwiseF1 } from '../quality.ts';
import { labelledCorpus } from './corpus.ts';

/**
 * The topic grouping evaluation (`npm run eval:topics`, scripts/eval-topics.ts): pairwise F1 on
 * the hand-written multilingual stories of stories.json (a tuning half and a held-out half, by
 * story) and on the synthetic corpus of corpus.ts.
 */

interface Story {
  story: string;
  lang: string;
  text: string;
}

/** The stories used to choose the word-vector weight; the others are the held-out test. */
export const TUNING_STORIES = new Set(['battery', 'camera', 'price', 'support']);

export function evaluateStories(options: TopicOptions, split: 'tune' | 'test' | 'all' = 'all') {
  const set = JSON.parse(readFileSync(new URL('./stories.json', import.meta.url), 'utf8')) as {
    brand: string;
    posts: Story[];
  };
  // A fixed interleaving (stories arrive mixed, as in a stream).
  const posts = set.posts
    .filter((p) => split === 'all' || TUNING_STORIES.has(p.story) === (split === 'tune'))
    .map((p, i) => ({ ...p, key: (i * 7919) % 104729 }))
    .sort((a, b) => a.key - b.key);
  const clusterer = createTopicClusterer(options);
  const ids = posts.map(
    (p, i) =>
      clusterer.assign({
        id: `story:${i}`,
        text: p.text,
        lang: p.lang,
        brands: ['eval/nimbus'],
        created_at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
        exclude_terms: [set.brand],
      }).topics[0]?.id ?? 'none',
  );
  const clusters = ids.map((id) => clusterer.resolve(id));
  const labels = posts.map((p) => p.story);
  return {
    all: pairwiseF1(clusters, labels),
    crossLanguage: pairwiseF1(clusters, labels, (i, j) => posts[i]!.lang !== posts[j]!.lang),
    topics: new Set(clusters).size,
    labels: clusterer.topics('eval/nimbus', 20).map((t) => `${t.count} ${t.label}`),
  };
}

/** Pairwise F1 on the synthetic labelled corpus the unit tests use (brand/topic, 1,500 posts). */
export function evaluateCorpus(options: TopicOptions) {
  const posts = labelledCorpus({ size: 1500, seed: 11 });
  const clusterer = createTopicClusterer(options);
  const ids = posts.map(
    (p) =>
      clusterer.assign({
        id: p.id,
        text: p.text,
        lang: p.lang,
        brands: [p.brand],
        created_at: p.created_at,
      }).topics[0]?.id ?? 'none',
  );
  // Resolved at the end, as the stored topics are read: merges later in the stream count.
  return pairwiseF1(
    ids.map((id) => clusterer.resolve(id)),
    posts.map((p) => `${p.brand}/${p.topic}`),
  );
}
