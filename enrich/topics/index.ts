/**
 * Topics: keyphrase/hashtag extraction and streaming per-brand topic clustering with trending.
 * Pure code with a JSON snapshot for restarts; the enrich stage owns one clusterer.
 */
export { createTopicClusterer } from './cluster.ts';
export type {
  TopicAssignment,
  TopicClusterer,
  TopicInput,
  TopicOptions,
  TopicRef,
  TopicSummary,
  TrendingOptions,
  TrendingTopic,
} from './cluster.ts';
export { extract, stopwords } from './keyphrases.ts';
