/**
 * Topics: keyphrase/hashtag extraction and streaming per-brand topic clustering with trending.
 * Pure code with a JSON snapshot for restarts; the enrich stage owns one clusterer.
 * Files: `features.ts` (a post as a vector), `model.ts` (a cluster and its bounded updates),
 * `cluster.ts` (placing posts, merging), `postings.ts` (the index that spares comparing a post with
 * every cluster), `labels.ts`, `trends.ts`, `snapshot.ts`, `vectors.ts`
 * (multilingual word vectors, so one story in several languages can be one topic).
 */
export { createTopicClusterer, DEFAULT_VECTOR_WEIGHT } from './cluster.ts';
export type { TopicVectors } from './vectors.ts';
export type {
  TopicAssignment,
  TopicClusterer,
  TopicInput,
  TopicOptions,
  TopicRef,
  TopicSummary,
  TrendingOptions,
  TrendingTopic,
} from './types.ts';
export { extract, stopwords } from './keyphrases.ts';
