import { shortHash } from '../text/hash.ts';
import { damp, DIM, idf, mgAdd, postFeatures, wordFeature } from './features.ts';
import { extract } from './keyphrases.ts';
import { clusterLabel, postKeywords } from './labels.ts';
import {
  absorb,
  addVector,
  cosine,
  newCluster,
  recordPost,
  type BrandState,
  type Cluster,
} from './model.ts';
import { readSnapshot, writeSnapshot, type ClustererState } from './snapshot.ts';
import { trendingTopics } from './trends.ts';
import type {
  TopicAssignment,
  TopicClusterer,
  TopicInput,
  TopicOptions,
  TopicSummary,
  TrendingOptions,
  TrendingTopic,
  TopicRef,
} from './types.ts';

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

/**
 * Online topic clustering, per brand, multilingual.
 *
 * A post becomes a sparse feature vector (`features.ts`). Clustering is single pass: a post
 * joins the most similar cluster centroid above `threshold`, or starts a new cluster; every
 * `mergeEvery` posts, clusters whose centroids became similar are merged (the bigger keeps its
 * id; the other id becomes an alias). Everything is bounded: clusters per brand, features per
 * centroid, phrases per cluster (`model.ts`), brands, aliases; the whole state is a JSON
 * snapshot (`snapshot.ts`). Labels come from `labels.ts`, trends from `trends.ts`.
 */

const BRAND_FREQ_MAX = 300;
const ALIASES_MAX = 10_000;

class Clusterer implements TopicClusterer {
  private readonly s: ClustererState = {
    df: new Uint32Array(DIM),
    n: 0,
    seq: 0,
    aliases: new Map(),
    brands: new Map(),
  };
  private readonly o: Required<TopicOptions>;

  constructor(options: TopicOptions, snapshot: unknown) {
    this.o = {
      threshold: options.threshold ?? 0.2,
      mergeThreshold: options.mergeThreshold ?? 0.4,
      mergeEvery: options.mergeEvery ?? 300,
      maxClustersPerBrand: options.maxClustersPerBrand ?? 100,
      maxBrands: options.maxBrands ?? 10_000,
      maxKeywords: options.maxKeywords ?? 5,
      unbrandedKey: options.unbrandedKey === undefined ? '*' : options.unbrandedKey,
    };
    if (snapshot !== undefined && snapshot !== null) readSnapshot(snapshot, this.s);
  }

  assign(input: TopicInput): TopicAssignment {
    const s = this.s;
    s.seq++;
    const lang = (input.lang || 'und').split('-')[0]!.toLowerCase();
    const { candidates, hashtags } = extract(input.text, lang);
    const features = postFeatures(candidates, hashtags);
    s.n++;
    for (const f of features.keys()) s.df[f]!++;

    const keys =
      input.brands.length > 0
        ? input.brands
        : this.o.unbrandedKey === null
          ? []
          : [this.o.unbrandedKey];
    const at = Date.parse(input.created_at);
    const time = Number.isFinite(at) ? at : 0;
    const topics: TopicRef[] = [];
    const brandStates: BrandState[] = [];
    for (const key of keys) {
      const brand = this.brand(key);
      brandStates.push(brand);
      brand.n++;
      for (const f of features.keys()) mgAdd(brand.freq, f, BRAND_FREQ_MAX);
      const vector = this.vector(features, brand);
      if (vector === null) continue;
      const cluster = this.place(key, brand, vector, input.id, time);
      recordPost(cluster, lang, candidates, hashtags, time);
      topics.push({ id: cluster.id, label: this.label(cluster, brand), brand: key });
      if (++brand.sinceMerge >= this.o.mergeEvery) {
        brand.sinceMerge = 0;
        this.merge(brand);
      }
    }

    return {
      topics,
      keywords: postKeywords(
        candidates,
        input.exclude_terms ?? [],
        (w) => brandStates.every((b) => damp(b, wordFeature(w)) >= 0.5),
        (w) => idf(s.df, s.n, wordFeature(w)),
        this.o.maxKeywords,
      ),
      hashtags,
    };
  }

  private brand(key: string): BrandState {
    const brands = this.s.brands;
    let state = brands.get(key);
    if (state) {
      brands.delete(key); // re-insert: least recently used first
    } else {
      state = { n: 0, freq: new Map(), clusters: [], sinceMerge: 0 };
    }
    brands.set(key, state);
    while (brands.size > this.o.maxBrands) {
      const oldest = brands.keys().next();
      if (oldest.done) break;
      brands.delete(oldest.value);
    }
    return state;
  }

  private vector(features: Map<number, number>, brand: BrandState): Map<number, number> | null {
    const v = new Map<number, number>();
    let norm2 = 0;
    for (const [f, w] of features) {
      const x = w * idf(this.s.df, this.s.n, f) * damp(brand, f);
      if (x <= 0) continue;
      v.set(f, x);
      norm2 += x * x;
    }
    if (norm2 === 0) return null;
    const inv = 1 / Math.sqrt(norm2);
    for (const [f, x] of v) v.set(f, x * inv);
    return v;
  }

  private place(
    key: string,
    brand: BrandState,
    v: Map<number, number>,
    id: string,
    time: number,
  ): Cluster {
    let best: Cluster | null = null;
    let bestSim = 0;
    for (const c of brand.clusters) {
      if (c.norm2 === 0) continue;
      let dot = 0;
      for (const [f, x] of v) dot += x * (c.centroid.get(f) ?? 0);
      const sim = dot / Math.sqrt(c.norm2);
      if (sim > bestSim) {
        best = c;
        bestSim = sim;
      }
    }
    if (!best || bestSim < this.o.threshold) {
      best = newCluster(`tp-${shortHash(`${key}\n${id}`)}`, time, this.s.seq);
      brand.clusters.push(best);
      if (brand.clusters.length > this.o.maxClustersPerBrand) {
        // Forget the cluster that was updated longest ago (usually a one-off).
        let victim = 0;
        for (let i = 1; i < brand.clusters.length - 1; i++) {
          if (brand.clusters[i]!.touched < brand.clusters[victim]!.touched) victim = i;
        }
        brand.clusters.splice(victim, 1);
      }
    }
    addVector(best, v);
    best.count++;
    best.touched = this.s.seq;
    return best;
  }

  private label(c: Cluster, brand: BrandState): string {
    return clusterLabel(c, (w) => damp(brand, wordFeature(w)) >= 0.5);
  }

  private merge(brand: BrandState): void {
    const cs = brand.clusters;
    for (let i = 0; i < cs.length; i++) {
      for (let j = i + 1; j < cs.length; j++) {
        const a = cs[i]!;
        const b = cs[j]!;
        if (a.norm2 === 0 || b.norm2 === 0) continue;
        if (cosine(a, b) < this.o.mergeThreshold) continue;
        const [keep, gone] = a.count >= b.count ? [a, b] : [b, a];
        absorb(keep, gone);
        this.alias(gone.id, keep.id);
        cs[i] = keep;
        cs.splice(j, 1);
        j--;
      }
    }
  }

  private alias(from: string, to: string): void {
    const aliases = this.s.aliases;
    aliases.set(from, to);
    for (const [k, v] of aliases) if (v === from) aliases.set(k, to);
    while (aliases.size > ALIASES_MAX) {
      const oldest = aliases.keys().next();
      if (oldest.done) break;
      aliases.delete(oldest.value);
    }
  }

  resolve(id: string): string {
    return this.s.aliases.get(id) ?? id;
  }

  topics(brandKey: string, limit = 50): TopicSummary[] {
    const brand = this.s.brands.get(brandKey);
    if (!brand) return [];
    return [...brand.clusters]
      .sort((a, b) => b.count - a.count)
      .slice(0, limit)
      .map((c) => ({
        id: c.id,
        brand: brandKey,
        label: this.label(c, brand),
        lang: Object.entries(c.langs).sort((x, y) => y[1] - x[1])[0]?.[0] ?? 'und',
        count: c.count,
        first_seen: new Date(c.first).toISOString(),
        last_seen: new Date(c.last).toISOString(),
      }));
  }

  trending(brandKey: string, options: TrendingOptions): TrendingTopic[] {
    const brand = this.s.brands.get(brandKey);
    if (!brand) return [];
    return trendingTopics(brand.clusters, options, (c) => this.label(c, brand));
  }

  snapshot(): unknown {
    return writeSnapshot(this.s);
  }
}

/** A streaming topic clusterer; pass a previous `snapshot()` to continue after a restart. */
export function createTopicClusterer(
  options: TopicOptions = {},
  snapshot?: unknown,
): TopicClusterer {
  return new Clusterer(options, snapshot);
}
