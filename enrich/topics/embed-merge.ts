import { unit, type BrandState, type Cluster } from './model.ts';

/**
 * The cross-language merge: one story told in several languages starts as one cluster per
 * language (their words differ, so the lexical clusterer cannot see they agree). A merge pass
 * embeds a few texts per cluster (its latest representative posts, `Cluster.samples`) with a
 * multilingual sentence encoder, and merges clusters whose mean embeddings are close. The cost is
 * per cluster (and only for clusters that grew new representatives since the last pass), never
 * per mention; the pass is asynchronous and runs beside the stream (enrich/pipeline/topic-merge.ts).
 *
 * Embeddings are compared centred on the running mean embedding of their language: sentence
 * embeddings of posts about one brand share a large common part (raw cosines of unrelated posts
 * are 0.82–0.90, as are those of one story in two languages), and each language adds its own
 * offset (without removing it, Slovenian and Persian clusters of different stories chained into
 * one topic: docs/benchmarks.md). A merged cluster is centred on its languages' means weighted
 * by its posts; a language with fewer than MIN_CENTRE embeddings uses the mean of all.
 */

/** Texts → unit-length embeddings, in order (the pipeline passes the accurate tier's encoder). */
export type EmbedTexts = (texts: readonly string[]) => Promise<ArrayLike<number>[]>;

export interface EmbedMergeOptions {
  /** Centred cosine of two clusters' embeddings at which they are merged. */
  threshold: number;
  /** Clusters with fewer posts are not embedded (one-off posts are most clusters and no topic). */
  minCount: number;
  /** Texts embedded per pass at most (bounds a pass's cost), biggest clusters first. */
  maxTexts: number;
  /** Merge only clusters whose main languages differ (same-language merges stay lexical). */
  crossLanguageOnly: boolean;
  /**
   * How close two clusters are: `mean`, their mean embeddings' cosine; `complete`, the least
   * cosine between the parts each was merged from (a merged topic joins a third only when every
   * part agrees, so two neighbouring stories do not chain through a topic between them).
   */
  linkage: 'mean' | 'complete';
}

export interface EmbedMergeResult {
  /** Texts embedded in this pass. */
  texts: number;
  /** Clusters whose embedding was (re)computed. */
  clusters: number;
  /** Merges made. */
  merged: number;
}

/** Embeddings computed before centring means anything (a mean of few is mostly those few). */
export const MIN_CENTRE = 8;

export interface Centre {
  sum: Float64Array | null;
  n: number;
  /** The same per language (a cluster's main language when it was embedded). */
  byLang: Map<string, { sum: Float64Array; n: number }>;
}

export function newCentre(): Centre {
  return { sum: null, n: 0, byLang: new Map() };
}

export interface StaleCluster {
  brand: BrandState;
  cluster: Cluster;
  key: string;
  /** The texts to embed, as they were when collected (assign may add samples meanwhile). */
  texts: string[];
}

/** Clusters whose samples changed since they were embedded, biggest first, within `maxTexts`. */
export function staleClusters(
  brands: Iterable<BrandState>,
  o: Pick<EmbedMergeOptions, 'minCount' | 'maxTexts'>,
): StaleCluster[] {
  const all: StaleCluster[] = [];
  for (const brand of brands)
    for (const cluster of brand.clusters) {
      if (cluster.count < o.minCount || cluster.samples.length === 0) continue;
      const key = cluster.samples.join('\n');
      if (key !== cluster.embOf) all.push({ brand, cluster, key, texts: [...cluster.samples] });
    }
  all.sort((a, b) => b.cluster.count - a.cluster.count);
  const out: StaleCluster[] = [];
  let texts = 0;
  for (const s of all) {
    if (texts + s.texts.length > o.maxTexts) break;
    texts += s.texts.length;
    out.push(s);
  }
  return out;
}

/**
 * The mean of `rows` (texts in `lang`) at unit length; each row is also added to the running
 * centres, of all and of `lang`.
 */
export function meanEmbedding(
  rows: ArrayLike<number>[],
  centre: Centre,
  lang: string,
): Float64Array {
  const d = rows[0]!.length;
  const out = new Float64Array(d);
  const sum = (centre.sum ??= new Float64Array(d));
  let own = centre.byLang.get(lang);
  if (!own) centre.byLang.set(lang, (own = { sum: new Float64Array(d), n: 0 }));
  for (const r of rows) {
    for (let k = 0; k < d; k++) {
      out[k] = out[k]! + r[k]!;
      sum[k] = sum[k]! + r[k]!;
      own.sum[k] = own.sum[k]! + r[k]!;
    }
    centre.n++;
    own.n++;
  }
  return unit(out);
}

/** The mean embedding of `langs` (weights: posts per language), of all where one has too few. */
function centreOf(langs: Record<string, number>, centre: Centre, d: number): Float64Array {
  const mean = new Float64Array(d);
  let total = 0;
  for (const n of Object.values(langs)) total += n;
  for (const [lang, n] of Object.entries(langs)) {
    const own = centre.byLang.get(lang);
    const m = own && own.n >= MIN_CENTRE ? own : { sum: centre.sum!, n: centre.n };
    const w = n / total / m.n;
    for (let k = 0; k < d; k++) mean[k] = mean[k]! + w * m.sum[k]!;
  }
  return mean;
}

/** `emb` minus `mean`, at unit length. */
function minus(emb: Float64Array, mean: Float64Array): Float64Array {
  const out = new Float64Array(emb.length);
  for (let k = 0; k < emb.length; k++) out[k] = emb[k]! - mean[k]!;
  return unit(out);
}

/** A cluster's embedding centred on its languages (weighted by its posts). */
function centred(c: Cluster, centre: Centre): Float64Array {
  return minus(c.emb!, centreOf(c.langs, centre, c.emb!.length));
}

/** Each part of a cluster centred on its own language. */
function centredParts(c: Cluster, centre: Centre): Float64Array[] {
  const parts = c.parts.length > 0 ? c.parts : [{ emb: c.emb!, lang: mainLanguage(c) }];
  return parts.map((p) => minus(p.emb, centreOf({ [p.lang]: 1 }, centre, p.emb.length)));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

/** The language most of a cluster's posts are in. */
export function mainLanguage(c: Cluster): string {
  let best = 'und';
  let n = -1;
  for (const [l, k] of Object.entries(c.langs))
    if (k > n) {
      best = l;
      n = k;
    }
  return best;
}

/**
 * Merges a brand's clusters whose centred embeddings are close (`linkage`), closest pair first,
 * until no pair reaches the threshold. `fold(keep, gone)` does the merge (absorb, alias);
 * returns the number of merges.
 */
export function mergeClose(
  brand: BrandState,
  centre: Centre,
  o: Pick<EmbedMergeOptions, 'threshold' | 'minCount' | 'crossLanguageOnly' | 'linkage'>,
  fold: (keep: Cluster, gone: Cluster) => void,
): number {
  if (centre.sum === null || centre.n < MIN_CENTRE) return 0;
  const cs = brand.clusters.filter((c) => c.emb !== null && c.count >= o.minCount);
  if (cs.length < 2) return 0;
  const complete = o.linkage === 'complete';
  const vs = cs.map((c) => (complete ? centredParts(c, centre) : [centred(c, centre)]));
  const langs = cs.map(mainLanguage);
  const closeness = (a: Float64Array[], b: Float64Array[]): number => {
    let least = Infinity;
    for (const x of a) for (const y of b) least = Math.min(least, dot(x, y));
    return least;
  };
  // Pairwise closeness once; after a merge, the merged row is updated (complete linkage: the
  // lesser of the two rows, Lance–Williams; mean linkage: from the new mean).
  const sim: number[][] = cs.map((_, i) =>
    cs.map((_, j) => (i < j ? closeness(vs[i]!, vs[j]!) : 0)),
  );
  const at = (i: number, j: number) => (i < j ? sim[i]![j]! : sim[j]![i]!);
  const set = (i: number, j: number, v: number) => {
    if (i < j) sim[i]![j] = v;
    else sim[j]![i] = v;
  };
  let merged = 0;
  for (;;) {
    let bi = -1;
    let bj = -1;
    let best = o.threshold;
    for (let i = 0; i < cs.length; i++)
      for (let j = i + 1; j < cs.length; j++) {
        if (o.crossLanguageOnly && langs[i] === langs[j]) continue;
        const s = sim[i]![j]!;
        if (s >= best) {
          best = s;
          bi = i;
          bj = j;
        }
      }
    if (bi < 0) return merged;
    const [k, g] = cs[bi]!.count >= cs[bj]!.count ? [bi, bj] : [bj, bi];
    fold(cs[k]!, cs[g]!);
    merged++;
    langs[k] = mainLanguage(cs[k]!);
    if (complete) {
      for (let x = 0; x < cs.length; x++)
        if (x !== k && x !== g) set(k, x, Math.min(at(k, x), at(g, x)));
    } else {
      vs[k] = [centred(cs[k]!, centre)];
      for (let x = 0; x < cs.length; x++)
        if (x !== k && x !== g) set(k, x, closeness(vs[k], vs[x]!));
    }
    cs.splice(g, 1);
    vs.splice(g, 1);
    langs.splice(g, 1);
    sim.splice(g, 1);
    for (const row of sim) row.splice(g, 1);
  }
}
