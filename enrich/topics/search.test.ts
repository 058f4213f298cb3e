import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../core/random.ts';
import {
  createExhaustiveTopicClusterer,
  createIndexedTopicClusterer,
  createTopicClusterer,
} from './cluster.ts';
import type { EmbedTexts } from './embed-merge.ts';
import { hashFeature } from './features.ts';
import { labelledCorpus, asTopicInput } from './testing/corpus.ts';
import { topicStream } from './testing/stream.ts';
import type { TopicClusterer, TopicInput, TopicOptions } from './types.ts';

/**
 * The indexed search (postings.ts; cluster.ts `nearest` and `merge`) against the exhaustive one
 * it replaced, on random streams: every assignment (topic ids, labels, keywords) and the whole
 * state after must be the same. Small cluster caps and frequent merge passes make evictions and
 * merges common, so a cluster the index misses or keeps after it left changes an assignment.
 */

function randomCase(seed: number): {
  options: TopicOptions;
  posts: TopicInput[];
  indexed: (snapshot?: unknown) => TopicClusterer;
} {
  const r = mulberry32(seed);
  const brands = 1 + Math.floor(r() * 4);
  const next = topicStream({
    brands,
    topicsPerBrand: 10 + Math.floor(r() * 80),
    seed,
    vocabulary: 500 + Math.floor(r() * 5000),
  });
  const posts = Array.from({ length: 1500 }, (_, i) => {
    const p = next(i);
    // Some posts are about two brands (one cluster in each).
    if (brands > 1 && r() < 0.15) p.brands = [...p.brands, `ws/Brand${(i + 1) % brands}`];
    return p;
  });
  const options: TopicOptions = {
    unbrandedKey: null,
    threshold: 0.1 + r() * 0.3,
    mergeThreshold: 0.15 + r() * 0.5,
    mergeEvery: 20 + Math.floor(r() * 200),
    maxClustersPerBrand: 10 + Math.floor(r() * 150),
  };
  // From the first cluster, or from a count a brand reaches mid-stream (the index is built then).
  const from = [0, 15, 40][Math.floor(r() * 3)]!;
  return {
    options,
    posts,
    indexed: (snapshot) => createIndexedTopicClusterer(from, options, snapshot),
  };
}

function expectSame(indexed: TopicClusterer, exhaustive: TopicClusterer, posts: TopicInput[]) {
  for (const p of posts) expect(indexed.assign(p), p.id).toEqual(exhaustive.assign(p));
  expect(indexed.snapshot()).toEqual(exhaustive.snapshot());
}

describe('indexed topic search equals the exhaustive one', () => {
  it.each(Array.from({ length: 24 }, (_, i) => i + 1))('random stream, seed %i', (seed) => {
    const { options, posts, indexed } = randomCase(seed);
    expectSame(indexed(), createExhaustiveTopicClusterer(options), posts);
  });

  it('after a restore from a snapshot (the index is rebuilt from the centroids)', () => {
    const { options, posts, indexed } = randomCase(99);
    const before = createExhaustiveTopicClusterer(options);
    for (const p of posts.slice(0, 700)) before.assign(p);
    const snapshot = JSON.parse(JSON.stringify(before.snapshot())) as unknown;
    expectSame(
      indexed(snapshot),
      createExhaustiveTopicClusterer(options, snapshot),
      posts.slice(700),
    );
  });

  it('around cross-language merge passes (clusters they merge leave the index)', async () => {
    const { options, posts, indexed: make } = randomCase(7);
    // Bag of hashed words: posts that share words get close embeddings.
    const embed: EmbedTexts = (texts) =>
      Promise.resolve(
        texts.map((t) => {
          const v = new Float64Array(16);
          for (const w of t.toLowerCase().split(/\W+/)) if (w) v[hashFeature(w) % 16]! += 1;
          return v;
        }),
      );
    const merge = { crossLanguageOnly: false, minCount: 1, threshold: 0.3 };
    const indexed = make();
    const exhaustive = createExhaustiveTopicClusterer(options);
    let merged = 0;
    for (let at = 0; at < posts.length; at += 250) {
      expectSame(indexed, exhaustive, posts.slice(at, at + 250));
      const [x, y] = await Promise.all([
        indexed.mergeAcrossLanguages(embed, merge),
        exhaustive.mergeAcrossLanguages(embed, merge),
      ]);
      expect(x).toEqual(y);
      merged += x.merged;
    }
    expect(merged).toBeGreaterThan(0);
  });

  it('as the pipeline builds it, on a brand that grows past the size it is indexed from', () => {
    const next = topicStream({ brands: 1, topicsPerBrand: 400, seed: 5 });
    const posts = Array.from({ length: 2500 }, (_, i) => next(i));
    const options = { unbrandedKey: null, maxClustersPerBrand: 300 };
    const indexed = createTopicClusterer(options);
    expectSame(indexed, createExhaustiveTopicClusterer(options), posts);
    expect(indexed.topics('ws/Brand0', 1000).length).toBeGreaterThan(200);
  });

  it('on the labelled multilingual corpus with the default options', () => {
    const posts = labelledCorpus({ size: 3000, seed: 7 }).map(asTopicInput);
    expectSame(createTopicClusterer(), createExhaustiveTopicClusterer(), posts);
  });
});
