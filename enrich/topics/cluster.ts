import { shortHash } from '../text/hash.ts';
import { damp, denseFeatures, DIM, idf, mgAdd, postFeatures, wordFeature } from './features.ts';
import { extract, type Candidate } from './keyphrases.ts';
import {
  mainLanguage,
  meanEmbedding,
  mergeClose,
  newCentre,
  staleClusters,
  type Centre,
  type EmbedMergeOptions,
  type EmbedMergeResult,
  type EmbedTexts,
} from './embed-merge.ts';
import { clusterLabel, postKeywords } from './labels.ts';
import {
  absorb,
  addVector,
  cosine,
  newCluster,
  denseDot,
  offerRepresentative,
  recordPost,
  type BrandState,
  type Cluster,
  type PostVector,
} from './model.ts';
import { Postings, tailNorm } from './postings.ts';
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
/**
 * Tails (postings.ts) are kept at this share of the bound they must stay under: a bigger tail
 * leaves common words out of more index lists but loosens the bounds that spare exact scores
 * (0.6 / 0.75 / 0.9 / 0.99: 131 / 119 / 122 / 150 µs per mention at 1,000 clusters per brand,
 * `npm run bench -- topics-cpu`). Below 1, it also absorbs rounding in the running sums.
 */
const TAIL_SHARE = 0.75;
/**
 * Brands are indexed from this many clusters on. The index about doubles a brand's memory
 * (0.28 → 0.55 MB for 100 clusters of the benchmark stream) and saves little below: at the
 * default cap of 100, 52.5 against 53.3 µs per mention (docs/benchmarks.md).
 */
const INDEX_FROM = 128;
/** Upper bounds are raised, lower bounds lowered by this factor before they rule a cluster out (rounding). */
const BOUND_SLACK = 1 + 1e-9;
const LOWER_SLACK = 1 - 1e-9;
/**
 * Weight of the word-vector part (TopicOptions.vectorWeight): chosen by `npm run eval:topics`
 * on its tuning sets only (the best mean pairwise F1 of the tuning stories and the synthetic
 * corpus); the figure on the held-out stories is in docs/benchmarks.md.
 */
export const DEFAULT_VECTOR_WEIGHT = 0.75;
const ALIASES_MAX = 10_000;
/**
 * Defaults of the cross-language merge (embed-merge.ts). The threshold is chosen by
 * `npm run eval:topics` on its development sets only (cross-validated across them, with
 * precision ≥ 0.9 on each as a guard); the held-out figures are in docs/benchmarks.md.
 */
export const DEFAULT_EMBED_MERGE: EmbedMergeOptions = {
  threshold: 0.35,
  minCount: 1,
  maxTexts: 256,
  crossLanguageOnly: true,
  linkage: 'mean',
};

class Clusterer implements TopicClusterer {
  private readonly s: ClustererState = {
    df: new Uint32Array(DIM),
    centre: { sum: new Float64Array(0), n: 0 },
    n: 0,
    seq: 0,
    aliases: new Map(),
    brands: new Map(),
  };
  private readonly o: Required<Omit<TopicOptions, 'vectors' | 'embedMerge'>>;
  private readonly vectors: TopicOptions['vectors'];
  private readonly embedMerge: EmbedMergeOptions;
  /** Running sums of the sentence embeddings computed, of all and per language (embed-merge.ts). */
  private readonly embCentre: Centre = newCentre();
  /** Stamp of the current scoring or probing round (Cluster.mark). */
  private round = 0;
  /** The clusters a post shares a feature with (reused: `place` runs for every post). */
  private readonly found: Cluster[] = [];
  private readonly fs: number[] = [];
  private readonly xs: number[] = [];
  private readonly order: number[] = [];
  private readonly rest: number[] = [];
  /** Made once: a closure made per post costs its allocation (and tsx's naming) every time. */
  private readonly heavierFirst = (p: number, q: number): number => this.xs[q]! - this.xs[p]!;

  /**
   * `indexFrom`: a brand's clusters are indexed (postings.ts) once it has that many; below, and
   * always when Infinity, a post is compared with every cluster and every cluster with every
   * other, as before the index (the reference the index is tested against, search.test.ts).
   */
  constructor(
    options: TopicOptions,
    snapshot: unknown,
    private readonly indexFrom = INDEX_FROM,
  ) {
    this.o = {
      threshold: options.threshold ?? 0.2,
      mergeThreshold: options.mergeThreshold ?? 0.4,
      mergeEvery: options.mergeEvery ?? 300,
      maxClustersPerBrand: options.maxClustersPerBrand ?? 100,
      maxBrands: options.maxBrands ?? 10_000,
      maxKeywords: options.maxKeywords ?? 5,
      unbrandedKey: options.unbrandedKey === undefined ? '*' : options.unbrandedKey,
      vectorWeight: options.vectorWeight ?? DEFAULT_VECTOR_WEIGHT,
    };
    this.vectors = options.vectors ?? null;
    this.embedMerge = { ...DEFAULT_EMBED_MERGE, ...options.embedMerge };
    this.s.centre = { sum: new Float64Array(this.vectors?.dims ?? 0), n: 0 };
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
    const excluded = new Set(
      (input.exclude_terms ?? []).flatMap((t) => t.toLowerCase().split(/\s+/)),
    );
    const keep = (w: string, brand: BrandState): boolean =>
      !excluded.has(w) && damp(brand, wordFeature(w)) >= 0.5;

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
    // The post's key phrases (rarest first), without the brand's own words: its keywords, and
    // its topic's label when it is the most central post of the topic.
    let phrases: string[] | null = null;
    const keywords = (): string[] =>
      (phrases ??= postKeywords(
        candidates,
        input.exclude_terms ?? [],
        (w) => brandStates.every((b) => damp(b, wordFeature(w)) >= 0.5),
        (w) => idf(s.df, s.n, wordFeature(w)),
        this.o.maxKeywords,
      ));
    for (const key of keys) {
      const brand = this.brand(key);
      brandStates.push(brand);
      brand.n++;
      for (const f of features.keys()) mgAdd(brand.freq, f, BRAND_FREQ_MAX);
      const vector = this.vector(features, brand, this.dense(candidates, excluded, brand));
      if (vector === null) continue;
      const { cluster, sim } = this.place(key, brand, vector, input.id, time);
      recordPost(cluster, lang, candidates, hashtags, time);
      offerRepresentative(
        cluster,
        () => representativePhrase(candidates, cluster, (w) => keep(w, brand)),
        sim,
        input.text,
      );
      topics.push({ id: cluster.id, label: this.label(cluster, brand), brand: key });
      if (++brand.sinceMerge >= this.o.mergeEvery) {
        brand.sinceMerge = 0;
        this.merge(brand);
      }
    }

    return { topics, keywords: keywords(), hashtags };
  }

  private brand(key: string): BrandState {
    const brands = this.s.brands;
    let state = brands.get(key);
    if (state) {
      brands.delete(key); // re-insert: least recently used first
    } else {
      state = { n: 0, freq: new Map(), clusters: [], sinceMerge: 0, postings: null };
    }
    brands.set(key, state);
    while (brands.size > this.o.maxBrands) {
      const oldest = brands.keys().next();
      if (oldest.done) break;
      brands.delete(oldest.value);
    }
    return state;
  }

  /** The post's word-vector features, without the brand's own words. */
  private dense(
    candidates: ReturnType<typeof extract>['candidates'],
    excluded: Set<string>,
    brand: BrandState,
  ): Float64Array | null {
    if (!this.vectors) return null;
    const words: string[] = [];
    const weights: number[] = [];
    for (const c of candidates)
      for (const w of c.words) {
        const f = wordFeature(w);
        if (excluded.has(w) || damp(brand, f) < 0.5) continue;
        words.push(w);
        weights.push(idf(this.s.df, this.s.n, f));
      }
    return denseFeatures(words, weights, this.vectors, this.o.vectorWeight, this.s.centre);
  }

  private vector(
    features: Map<number, number>,
    brand: BrandState,
    dense: Float64Array | null,
  ): PostVector | null {
    const v = new Map<number, number>();
    let sparse2 = 0;
    for (const [f, w] of features) {
      const x = w * idf(this.s.df, this.s.n, f) * damp(brand, f);
      if (x <= 0) continue;
      v.set(f, x);
      sparse2 += x * x;
    }
    if (sparse2 === 0) return null;
    // The word part at unit length, the vector part at its weight (denseFeatures): their
    // balance does not depend on how many words the post has. Then the whole at unit length.
    const dense2 = dense ? dense.reduce((a, x) => a + x * x, 0) : 0;
    const total = Math.sqrt(1 + dense2);
    const unit = 1 / (Math.sqrt(sparse2) * total);
    for (const [f, x] of v) v.set(f, x * unit);
    if (dense) for (let k = 0; k < dense.length; k++) dense[k] = dense[k]! / total;
    return { sparse: v, dense };
  }

  private place(
    key: string,
    brand: BrandState,
    v: PostVector,
    id: string,
    time: number,
  ): { cluster: Cluster; sim: number } {
    const postings = this.postingsOf(brand);
    let { best, sim: bestSim } = postings
      ? this.nearest(brand, postings, v)
      : nearestScan(brand, v);
    if (!best || bestSim < this.o.threshold) {
      // The founder of a cluster is as central as a post can be when it joins one.
      bestSim = this.o.threshold;
      best = newCluster(`tp-${shortHash(`${key}\n${id}`)}`, time, this.s.seq);
      postings?.attach(best);
      brand.clusters.push(best);
      if (brand.clusters.length > this.o.maxClustersPerBrand) {
        // Forget the cluster that was updated longest ago (usually a one-off).
        let victim = 0;
        for (let i = 1; i < brand.clusters.length - 1; i++) {
          if (brand.clusters[i]!.touched < brand.clusters[victim]!.touched) victim = i;
        }
        const [gone] = brand.clusters.splice(victim, 1);
        postings?.detach(gone!);
      }
    }
    addVector(best, v);
    best.count++;
    best.touched = this.s.seq;
    return { cluster: best, sim: bestSim };
  }

  /**
   * The brand's index (postings.ts), built from the centroids when the brand reaches
   * `indexFrom` clusters (or is restored with as many), then kept. Null below, and with word
   * vectors (their dense part gives every cluster a score): every cluster is compared
   * (`nearestScan`, `mergeScan`).
   */
  private postingsOf(brand: BrandState): Postings | null {
    if (brand.postings !== null) return brand.postings;
    // Tails under the join threshold (a post is unit length) and under half the merge
    // threshold (two clusters are compared on the features in both heads: see `probe`).
    const t = Math.min(this.o.threshold, this.o.mergeThreshold / 2) * TAIL_SHARE;
    if (brand.clusters.length < this.indexFrom || this.vectors || !(t > 0)) return null;
    const postings = new Postings(t);
    for (const c of brand.clusters) postings.attach(c);
    brand.postings = postings;
    return postings;
  }

  /**
   * `nearestScan` through the index (postings.ts). A cluster sharing no head feature with the
   * post is below the threshold, so the scan would pick it only to start a new cluster instead;
   * one whose head features and tail (at most |tail|, Cauchy–Schwarz with the unit post) cannot
   * reach the threshold or the best so far is skipped likewise. The others are scored as the
   * scan scores them, term by term in the same order, so equal to the bit; a tie goes to the
   * cluster first in the brand's list, as in the scan.
   */
  private nearest(
    brand: BrandState,
    postings: Postings,
    v: PostVector,
  ): { best: Cluster | null; sim: number } {
    const round = ++this.round;
    const found = this.found;
    const { fs, xs, order, rest } = this;
    for (const [f, x] of v.sparse) {
      order.push(fs.length);
      fs.push(f);
      xs.push(x);
    }
    // Heaviest features first; rest[k]: the squared norm of the post's features from k on.
    order.sort(this.heavierFirst);
    rest.length = order.length + 1;
    rest[order.length] = 0;
    for (let k = order.length - 1; k >= 0; k--) rest[k] = rest[k + 1]! + xs[order[k]!]! ** 2;
    // A cluster's score so far is a lower bound of its similarity (every term is positive): the
    // best one is the floor a cluster must reach to be chosen, or the threshold. A cluster not
    // found by the features read so far can add at most the norm of the post's other features
    // and its tail's share (Cauchy–Schwarz): once that is below the floor, reading stops.
    let floor = this.o.threshold;
    const tail = postings.tailRatio * BOUND_SLACK;
    let cut = order.length;
    for (let k = 0; k < order.length; k++) {
      if (Math.sqrt(rest[k]!) * BOUND_SLACK + tail < floor) {
        cut = k;
        break;
      }
      const i = order[k]!;
      const x = xs[i]!;
      const list = postings.heads.get(fs[i]!);
      if (list === undefined) continue;
      for (const [c, w] of list) {
        if (c.mark === round) c.score += x * w;
        else {
          c.mark = round;
          c.score = x * w;
          found.push(c);
        }
        const low = (c.score / Math.sqrt(c.norm2)) * LOWER_SLACK;
        if (low > floor) floor = low;
      }
    }
    const unread = Math.sqrt(rest[cut]!);
    let best: Cluster | null = null;
    let bestSim = 0;
    for (const c of found) {
      if (c.norm2 === 0) continue;
      const norm = Math.sqrt(c.norm2);
      const bound = ((c.score + tailNorm(c)) / norm + unread) * BOUND_SLACK;
      if (bound < floor || bound < bestSim) continue;
      // The scan's sum, term by term in the post's order: equal to the bit.
      let dot = 0;
      const centroid = c.centroid;
      for (let i = 0; i < fs.length; i++) dot += xs[i]! * (centroid.get(fs[i]!) ?? 0);
      const sim = dot / norm;
      if (
        sim > bestSim ||
        (sim === bestSim && best !== null && firstOf(brand.clusters, c, best) === c)
      ) {
        best = c;
        bestSim = sim;
      }
    }
    found.length = 0;
    fs.length = 0;
    xs.length = 0;
    order.length = 0;
    return { best, sim: bestSim };
  }

  /** The most central post's key phrase; the old top-phrases label for clusters without one. */
  private label(c: Cluster, brand: BrandState): string {
    if (c.rep !== '') return c.rep;
    return clusterLabel(c, (w) => damp(brand, wordFeature(w)) >= 0.5);
  }

  /**
   * Merges the brand's clusters whose centroids became similar: the pairs in list order, as
   * `mergeScan` visits them, but only the pairs that can reach the threshold. Two clusters that
   * did not change since the last pass were compared then and stay below it; a pair with a
   * changed cluster is compared only when `probe` cannot rule it out (no feature in both heads,
   * or a bound below the threshold). So the same pairs merge, in the same order, at a cost per
   * changed cluster rather than per pair of clusters.
   */
  private merge(brand: BrandState): void {
    const postings = this.postingsOf(brand);
    if (postings === null || !(this.o.mergeThreshold > 0)) {
      mergeScan(brand, this.o.mergeThreshold, (keep, gone) => this.alias(gone.id, keep.id));
      return;
    }
    const cs = brand.clusters;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      c.rank = i;
      c.passAt = c.version;
    }
    // A changed cluster's partners are the clusters it may reach; an unchanged one's, the changed
    // ones that may reach it (two unchanged ones were compared in an earlier pass).
    for (const c of cs) {
      if (c.checked === c.version) continue;
      for (const x of this.probe(c, postings, -1)) {
        c.partners.push(x);
        if (x.checked === x.version) x.partners.push(c);
      }
    }
    for (let i = 0; i < cs.length; i++) {
      let a = cs[i]!;
      let todo: Cluster[] = [];
      for (const x of a.partners) if (x.rank > a.rank) todo.push(x);
      todo.sort(byRank);
      for (let k = 0; k < todo.length; k++) {
        const b = todo[k]!;
        if (b.postings !== postings) continue; // merged away in this pass
        if (a.norm2 === 0 || b.norm2 === 0) continue;
        if (cosine(a, b) < this.o.mergeThreshold) continue;
        const [keep, gone] = a.count >= b.count ? [a, b] : [b, a];
        const after = b.rank;
        absorb(keep, gone);
        this.alias(gone.id, keep.id);
        postings.detach(gone);
        keep.rank = a.rank;
        cs.splice(cs.indexOf(b, i + 1), 1);
        cs[i] = keep;
        // The merged cluster changed: compare it with every cluster after b that may reach it.
        a = keep;
        todo = this.probe(a, postings, after);
        k = -1;
      }
    }
    for (const c of cs) {
      // A cluster that merged in this pass was not compared, as it is now, with the clusters
      // between it and its last partner: it stays changed for the next pass.
      if (c.passAt === c.version) c.checked = c.version;
      c.partners.length = 0;
    }
  }

  /**
   * Clusters after rank `after` that may reach the merge threshold with `a`: sharing a feature
   * that is in both heads (postings.ts: each tail is under half the threshold, so two clusters
   * sharing only tail features are below it), and not ruled out by the bound (their head dot
   * product plus each norm times the other's tail norm). In list order.
   */
  private probe(a: Cluster, postings: Postings, after: number): Cluster[] {
    const round = ++this.round;
    const found: Cluster[] = [];
    for (const [f, y] of a.centroid) {
      if (a.tail.has(f)) continue;
      const list = postings.heads.get(f);
      if (list === undefined) continue;
      for (const [x, w] of list) {
        if (x.mark === round) x.score += y * w;
        else if (x.rank > after && x !== a) {
          x.mark = round;
          x.score = y * w;
          found.push(x);
        }
      }
    }
    const norm = Math.sqrt(a.norm2);
    const tail = tailNorm(a);
    const out: Cluster[] = [];
    for (const x of found) {
      const xNorm = Math.sqrt(x.norm2);
      const bound = ((x.score + norm * tailNorm(x) + xNorm * tail) / (norm * xNorm)) * BOUND_SLACK;
      if (bound >= this.o.mergeThreshold) out.push(x);
    }
    return out.sort(byRank);
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

  aliases(): Array<[string, string]> {
    return [...this.s.aliases];
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
        lang: mainLanguage(c),
        langs: Object.entries(c.langs)
          .sort((x, y) => y[1] - x[1])
          .map(([l]) => l),
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

  async mergeAcrossLanguages(
    embed: EmbedTexts,
    options: Partial<EmbedMergeOptions> = {},
  ): Promise<EmbedMergeResult> {
    const o = { ...this.embedMerge, ...options };
    const stale = staleClusters(this.s.brands.values(), o);
    const texts = stale.flatMap((s) => s.texts);
    if (texts.length === 0) return { texts: 0, clusters: 0, merged: 0 };
    const rows = await embed(texts);
    if (rows.length !== texts.length)
      throw new Error(`embedder returned ${rows.length} embeddings for ${texts.length} texts`);
    // assign() may have run meanwhile: a cluster evicted or merged since is no longer in its
    // brand's list (or its brand is gone) and is skipped.
    const live = (x: (typeof stale)[number]): boolean =>
      x.brand.clusters.includes(x.cluster) && [...this.s.brands.values()].includes(x.brand);
    const touched = new Set<BrandState>();
    let at = 0;
    let clusters = 0;
    for (const x of stale) {
      const mine = rows.slice(at, at + x.texts.length);
      at += mine.length;
      if (!live(x)) continue;
      const lang = mainLanguage(x.cluster);
      x.cluster.emb = meanEmbedding(mine, this.embCentre, lang);
      x.cluster.embOf = x.key;
      // A cluster not merged across languages is its own one part; a merged one keeps its parts.
      if (x.cluster.parts.length <= 1) x.cluster.parts = [{ emb: x.cluster.emb, lang }];
      touched.add(x.brand);
      clusters++;
    }
    let merged = 0;
    for (const brand of touched) {
      merged += mergeClose(brand, this.embCentre, o, (keep, gone) => {
        absorb(keep, gone);
        this.alias(gone.id, keep.id);
        brand.clusters.splice(brand.clusters.indexOf(gone), 1);
        brand.postings?.detach(gone);
      });
    }
    return { texts: texts.length, clusters, merged };
  }
}

/** The post's nearest cluster by comparing it with every cluster of the brand. */
function nearestScan(brand: BrandState, v: PostVector): { best: Cluster | null; sim: number } {
  let best: Cluster | null = null;
  let bestSim = 0;
  // The post's features as two arrays, read once per cluster: iterating the Map for each of
  // up to 100 clusters cost more than the lookups. Same order, so the same sums to the bit.
  const fs: number[] = [];
  const xs: number[] = [];
  for (const [f, x] of v.sparse) {
    fs.push(f);
    xs.push(x);
  }
  for (const c of brand.clusters) {
    if (c.norm2 === 0) continue;
    let dot = denseDot(v.dense, c.dense);
    const centroid = c.centroid;
    for (let i = 0; i < fs.length; i++) dot += xs[i]! * (centroid.get(fs[i]!) ?? 0);
    const sim = dot / Math.sqrt(c.norm2);
    if (sim > bestSim) {
      best = c;
      bestSim = sim;
    }
  }
  return { best, sim: bestSim };
}

/** Merges clusters by comparing every pair (`Clusterer.merge` does the same through the index). */
function mergeScan(
  brand: BrandState,
  threshold: number,
  merged: (keep: Cluster, gone: Cluster) => void,
): void {
  const cs = brand.clusters;
  for (let i = 0; i < cs.length; i++) {
    for (let j = i + 1; j < cs.length; j++) {
      const a = cs[i]!;
      const b = cs[j]!;
      if (a.norm2 === 0 || b.norm2 === 0) continue;
      if (cosine(a, b) < threshold) continue;
      const [keep, gone] = a.count >= b.count ? [a, b] : [b, a];
      absorb(keep, gone);
      merged(keep, gone);
      cs[i] = keep;
      cs.splice(j, 1);
      j--;
    }
  }
}

const byRank = (p: Cluster, q: Cluster): number => p.rank - q.rank;

/** Whichever of `a` and `b` comes first in `list` (a tie in score goes to it, as in a scan). */
function firstOf(list: Cluster[], a: Cluster, b: Cluster): Cluster {
  return list.indexOf(a) < list.indexOf(b) ? a : b;
}

/**
 * The key phrase of a post for its topic's label: of its candidate phrases (brand words left
 * out), the one whose words weigh most in the topic's centroid, a little in favour of phrases
 * of two or three words (a phrase says more than a word). So the label is words the topic's
 * posts share, as the most central post wrote them.
 */
function representativePhrase(
  candidates: Candidate[],
  cluster: Cluster,
  keep: (w: string) => boolean,
): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  for (const c of candidates) {
    const idx = c.words.map((w, i) => (keep(w) ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    let weight = 0;
    for (const i of idx) weight += cluster.centroid.get(wordFeature(c.words[i]!)) ?? 0;
    const n = Math.min(idx.length, 3);
    const score = (weight * (1 + 0.25 * (n - 1))) / Math.max(1, idx.length - 2);
    if (score > bestScore) {
      bestScore = score;
      best = idx.map((i) => c.surfaces[i]!).join(' ');
    }
  }
  return best;
}

/** A streaming topic clusterer; pass a previous `snapshot()` to continue after a restart. */
export function createTopicClusterer(
  options: TopicOptions = {},
  snapshot?: unknown,
): TopicClusterer {
  return new Clusterer(options, snapshot);
}

/** The clusterer without its index: every cluster compared. Only for tests and benchmarks. */
export function createExhaustiveTopicClusterer(
  options: TopicOptions = {},
  snapshot?: unknown,
): TopicClusterer {
  return new Clusterer(options, snapshot, Infinity);
}

/** The clusterer indexing brands from `indexFrom` clusters on. Only for tests and benchmarks. */
export function createIndexedTopicClusterer(
  indexFrom: number,
  options: TopicOptions = {},
  snapshot?: unknown,
): TopicClusterer {
  return new Clusterer(options, snapshot, indexFrom);
}
