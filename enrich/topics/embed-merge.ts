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
      if (key !== cluster.embOf) all.push({ brand, cluster, key });
    }
  all.sort((a, b) => b.cluster.count - a.cluster.count);
  const out: StaleCluster[] = [];
  let texts = 0;
  for (const s of all) {
    if (texts + s.cluster.samples.length > o.maxTexts) break;
    texts += s.cluster.samples.length;
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

/** `c`'s embedding minus the mean of its languages (weighted by its posts), at unit length. */
function centred(c: Cluster, centre: Centre): Float64Array {
  const emb = c.emb!;
  const mean = new Float64Array(emb.length);
  let total = 0;
  for (const n of Object.values(c.langs)) total += n;
  for (const [lang, n] of Object.entries(c.langs)) {
    const own = centre.byLang.get(lang);
    const m = own && own.n >= MIN_CENTRE ? own : { sum: centre.sum!, n: centre.n };
    const w = n / total / m.n;
    for (let k = 0; k < emb.length; k++) mean[k] = mean[k]! + w * m.sum[k]!;
  }
  const out = new Float64Array(emb.length);
  for (let k = 0; k < emb.length; k++) out[k] = emb[k]! - mean[k]!;
  return unit(out);
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
 * Merges a brand's clusters whose centred embeddings are close, closest pair first, until no
 * pair reaches the threshold (a merged cluster's embedding is its parts' weighted mean, so a
 * third language joins the pair only when it is close to both). `fold(keep, gone)` does the
 * merge (absorb, alias); returns the number of merges.
 */
export function mergeClose(
  brand: BrandState,
  centre: Centre,
  o: Pick<EmbedMergeOptions, 'threshold' | 'minCount' | 'crossLanguageOnly'>,
  fold: (keep: Cluster, gone: Cluster) => void,
): number {
  if (centre.sum === null || centre.n < MIN_CENTRE) return 0;
  const cs = brand.clusters.filter((c) => c.emb !== null && c.count >= o.minCount);
  if (cs.length < 2) return 0;
  const vs = cs.map((c) => centred(c, centre));
  const langs = cs.map(mainLanguage);
  let merged = 0;
  for (;;) {
    let bi = -1;
    let bj = -1;
    let best = o.threshold;
    for (let i = 0; i < cs.length; i++)
      for (let j = i + 1; j < cs.length; j++) {
        if (o.crossLanguageOnly && langs[i] === langs[j]) continue;
        const sim = dot(vs[i]!, vs[j]!);
        if (sim >= best) {
          best = sim;
          bi = i;
          bj = j;
        }
      }
    if (bi < 0) return merged;
    const [k, g] = cs[bi]!.count >= cs[bj]!.count ? [bi, bj] : [bj, bi];
    fold(cs[k]!, cs[g]!);
    merged++;
    vs[k] = centred(cs[k]!, centre);
    langs[k] = mainLanguage(cs[k]!);
    cs.splice(g, 1);
    vs.splice(g, 1);
    langs.splice(g, 1);
  }
}
