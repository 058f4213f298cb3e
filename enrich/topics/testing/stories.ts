import { readFileSync } from 'node:fs';
import type { EmbedTexts } from '../embed-merge.ts';
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

export interface StoryPost {
  story: string;
  lang: string;
  text: string;
}

export interface StorySet {
  brand: string;
  posts: StoryPost[];
}

/**
 * The sets of multilingual.json: `dev` (thresholds are chosen on it), `test` (held out, but looked
 * at during development), `fresh` (held out, written after the first setting was fixed, measured
 * before complete linkage) and `fresh2` (written after complete linkage was chosen).
 */
export function multilingualSet(name: 'dev' | 'test' | 'fresh' | 'fresh2'): StorySet {
  const file = JSON.parse(
    readFileSync(new URL('./multilingual.json', import.meta.url), 'utf8'),
  ) as Record<'dev' | 'test' | 'fresh' | 'fresh2', StorySet>;
  return file[name];
}

/** The tuning or the held-out half of stories.json. */
export function storiesSet(split: 'tune' | 'test'): StorySet {
  const set = JSON.parse(
    readFileSync(new URL('./stories.json', import.meta.url), 'utf8'),
  ) as StorySet;
  return {
    brand: set.brand,
    posts: set.posts.filter((p) => TUNING_STORIES.has(p.story) === (split === 'tune')),
  };
}

/**
 * Streams a set's posts (in a fixed interleaving, as they arrive mixed) through a clusterer; with
 * `embed`, runs the cross-language merge pass every `passEvery` posts and once at the end, as the
 * pipeline runs it beside the stream. Ids are resolved at the end (merges later count). Pairwise
 * precision/recall/F1 over all pairs and over pairs of two languages.
 */
export async function evaluateSet(
  set: StorySet,
  options: TopicOptions,
  embed: EmbedTexts | null = null,
  passEvery = 20,
) {
  const posts = set.posts
    .map((p, i) => ({ ...p, key: (i * 7919) % 104729 }))
    .sort((a, b) => a.key - b.key);
  const clusterer = createTopicClusterer(options);
  const ids: string[] = [];
  let merged = 0;
  let embedded = 0;
  for (let i = 0; i < posts.length; i++) {
    const p = posts[i]!;
    ids.push(
      clusterer.assign({
        id: `story:${i}`,
        text: p.text,
        lang: p.lang,
        brands: ['eval/brand'],
        created_at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
        exclude_terms: [set.brand],
      }).topics[0]?.id ?? 'none',
    );
    if (embed && ((i + 1) % passEvery === 0 || i === posts.length - 1)) {
      const r = await clusterer.mergeAcrossLanguages(embed);
      merged += r.merged;
      embedded += r.clusters;
    }
  }
  const clusters = ids.map((id) => clusterer.resolve(id));
  const labels = posts.map((p) => p.story);
  // Each topic's posts by story (what a wrong merge put together).
  const stories = new Map<string, Map<string, number>>();
  clusters.forEach((c, i) => {
    const m = stories.get(c) ?? new Map<string, number>();
    m.set(labels[i]!, (m.get(labels[i]!) ?? 0) + 1);
    stories.set(c, m);
  });
  return {
    all: pairwiseF1(clusters, labels),
    crossLanguage: pairwiseF1(clusters, labels, (i, j) => posts[i]!.lang !== posts[j]!.lang),
    topics: new Set(clusters).size,
    merged,
    embedded,
    composition: [...stories.values()]
      .filter((m) => m.size > 1)
      .map((m) => [...m].map(([story, n]) => `${n} ${story}`).join(' + ')),
    labels: clusterer
      .topics('eval/brand', 30)
      .map((t) => `${t.count} ${t.label} [${t.langs.join(' ')}]`),
  };
}

/** The synthetic corpus (corpus.ts) as story sets, one per brand. */
export function corpusSets(size = 1500, seed = 11): StorySet[] {
  const posts = labelledCorpus({ size, seed });
  const brands = [...new Set(posts.map((p) => p.brand))];
  return brands.map((brand) => ({
    brand,
    posts: posts
      .filter((p) => p.brand === brand)
      .map((p) => ({ story: p.topic, lang: p.lang, text: p.text })),
  }));
}
