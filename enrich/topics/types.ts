import type { EmbedMergeOptions, EmbedMergeResult, EmbedTexts } from './embed-merge.ts';
import type { TopicVectors } from './vectors.ts';

/** The topic clusterer's public shapes: what the enrich pipeline and the benches see. */

export interface TopicInput {
  id: string;
  text: string;
  lang: string;
  /** "workspace/brand" keys; an empty list clusters the post under `unbrandedKey`. */
  brands: string[];
  created_at: string;
  /** Words that must not become keywords (e.g. the brand's matched terms). */
  exclude_terms?: string[];
}

export interface TopicRef {
  id: string;
  label: string;
  /** The "workspace/brand" key whose cluster it is (what may see it). */
  brand: string;
}

export interface TopicAssignment {
  topics: TopicRef[];
  keywords: string[];
  hashtags: string[];
}

export interface TopicSummary {
  id: string;
  brand: string;
  label: string;
  /** The language most of its posts are in. */
  lang: string;
  /** Every language of its posts, most posts first (a merged story spans several). */
  langs: string[];
  count: number;
  first_seen: string;
  last_seen: string;
}

export interface TrendingTopic {
  id: string;
  label: string;
  /** Mentions in the current period (ending at `now`). */
  current: number;
  /** Mentions in the period before. */
  previous: number;
  /** (current − previous) / max(previous, 1). */
  growth: number;
}

export interface TrendingOptions {
  now: string | Date;
  periodHours?: number;
  /** Topics with fewer mentions in the current period are not trending, whatever the growth. */
  minVolume?: number;
  limit?: number;
}

export interface TopicClusterer {
  assign(input: TopicInput): TopicAssignment;
  /** JSON-serializable state; pass it back to `createTopicClusterer` after a restart. */
  snapshot(): unknown;
  /** The brand's topics, biggest first. */
  topics(brand: string, limit?: number): TopicSummary[];
  /** Topics growing fastest against the previous period, with a minimum volume. */
  trending(brand: string, options: TrendingOptions): TrendingTopic[];
  /** The current id of a topic (ids of merged topics resolve to the surviving topic). */
  resolve(id: string): string;
  /** Every merged topic's id with the id it resolves to now (bounded, oldest merges go first). */
  aliases(): Array<[string, string]>;
  /**
   * The cross-language merge pass (embed-merge.ts): embeds a few texts of each cluster that
   * changed since the last pass and merges clusters whose embeddings are close. Asynchronous,
   * beside `assign` (clusters gone meanwhile are skipped); its cost is per cluster.
   */
  mergeAcrossLanguages(
    embed: EmbedTexts,
    options?: Partial<EmbedMergeOptions>,
  ): Promise<EmbedMergeResult>;
}

export interface TopicOptions {
  /** Cosine similarity to a centroid needed to join a cluster. */
  threshold?: number;
  /** Centroid cosine at which two clusters are merged. */
  mergeThreshold?: number;
  /** Posts of a brand between merge passes. */
  mergeEvery?: number;
  maxClustersPerBrand?: number;
  maxBrands?: number;
  maxKeywords?: number;
  /** Key for posts without brand; null: such posts get keywords and hashtags but no topic. */
  unbrandedKey?: string | null;
  /**
   * Multilingual word vectors (vectors.ts): a post's mean word vector joins its features, so
   * one story told in several languages can form one topic. Absent: words alone.
   */
  vectors?: TopicVectors | null;
  /** Weight of the word-vector part against the (unit) word part of a post's vector. */
  vectorWeight?: number;
  /** Defaults of `mergeAcrossLanguages` (embed-merge.ts). */
  embedMerge?: Partial<EmbedMergeOptions>;
}
