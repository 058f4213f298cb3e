import { HOUR_MS } from '../../core/duration.ts';
import type { Candidate } from './keyphrases.ts';
import type { Postings } from './postings.ts';

/**
 * What a topic cluster remembers, and the bounded updates on it: a centroid of feature
 * weights, the languages and phrases of its posts (for its label), and hourly counts (for
 * trends). Every part has a cap, so a long-running process holds a fixed amount per cluster.
 */

const CENTROID_KEEP = 150;
const CENTROID_MAX = 300;
export const PHRASES_MAX = 40;
const BUCKETS_MAX = 24 * 8;

export interface PhraseStat {
  count: number;
  lang: string;
  words: string[];
  surfaces: string[];
}

/** A post as the clusterer compares it: hashed word features and, optionally, a word-vector part. */
export interface PostVector {
  sparse: Map<number, number>;
  dense: Float64Array | null;
}

export interface Cluster {
  id: string;
  count: number;
  centroid: Map<number, number>;
  /** Sum of its posts' word-vector parts (features.ts denseFeatures); null without vectors. */
  dense: Float64Array | null;
  /** Squared norm of centroid and dense together. */
  norm2: number;
  langs: Record<string, number>;
  phrases: Map<string, PhraseStat>;
  /** Hour index → mentions. */
  buckets: Map<number, number>;
  first: number;
  last: number;
  /** Cached label and the count it was computed at. */
  label: string;
  labelAt: number;
  /**
   * The key phrase of the most central post seen (the label a person reads) and that post's
   * similarity to the centroid when it joined, decayed a little with every post so that a
   * cluster that drifts gets a newer representative.
   */
  rep: string;
  repSim: number;
  /**
   * Texts of its most central posts (the latest representatives first, at most SAMPLES_MAX,
   * each cut to SAMPLE_CHARS): what the cross-language merge embeds (embed-merge.ts), a few texts
   * per cluster rather than every post.
   */
  samples: string[];
  /** Mean sentence embedding of `samples` (unit length); null until a merge pass embeds it. */
  emb: Float64Array | null;
  /** The samples `emb` was computed from (joined): a change means it is stale. */
  embOf: string;
  /**
   * The embeddings of the clusters merged into it across languages (itself first; at most
   * PARTS_MAX), each with its language: complete linkage compares every part (embed-merge.ts).
   */
  parts: EmbeddedPart[];
  /** Assignment sequence number of the last update (eviction order). */
  touched: number;
  // Search bookkeeping (postings.ts, cluster.ts `nearest` and `merge`), not in the snapshot.
  /** The brand's index this cluster is in (kept in step by `addVector`); null: not indexed. */
  postings: Postings | null;
  /** Its features not in the index (light ones), their squared weights' sum, updates since chosen. */
  tail: Set<number>;
  tailMass: number;
  sinceRebalance: number;
  /** Bumped by every change of the centroid. */
  version: number;
  /** `version` when a merge pass last compared it with every other cluster (-1: never). */
  checked: number;
  /** Its `version` when the running merge pass began. */
  passAt: number;
  /** Stamp of the last search round that found it, and its dot product over head features then. */
  mark: number;
  score: number;
  /** Its position in the brand's list during a merge pass, and its partners to compare. */
  rank: number;
  partners: Cluster[];
}

export interface EmbeddedPart {
  emb: Float64Array;
  lang: string;
}

export const PARTS_MAX = 8;

export interface BrandState {
  n: number;
  /** Misra–Gries counts of the features most posts of the brand share. */
  freq: Map<number, number>;
  clusters: Cluster[];
  sinceMerge: number;
  /** Feature → clusters (postings.ts); null until first needed (and without word vectors). */
  postings: Postings | null;
}

export function newCluster(id: string, time: number, seq: number): Cluster {
  return {
    id,
    count: 0,
    centroid: new Map(),
    dense: null,
    norm2: 0,
    langs: {},
    phrases: new Map(),
    buckets: new Map(),
    first: time,
    last: time,
    label: '',
    labelAt: 0,
    rep: '',
    repSim: 0,
    samples: [],
    emb: null,
    embOf: '',
    parts: [],
    touched: seq,
    postings: null,
    tail: new Set(),
    tailMass: 0,
    sinceRebalance: 0,
    version: 0,
    checked: -1,
    passAt: -1,
    mark: 0,
    score: 0,
    rank: 0,
    partners: [],
  };
}

/** Records a post's language, phrases and hour in its cluster. */
export function recordPost(
  c: Cluster,
  lang: string,
  candidates: Candidate[],
  hashtags: string[],
  time: number,
): void {
  c.langs[lang] = (c.langs[lang] ?? 0) + 1;
  for (const cand of candidates) {
    const key = `${lang}\u0000${cand.norm}`;
    const stat = c.phrases.get(key);
    if (stat) stat.count++;
    else if (c.phrases.size < PHRASES_MAX)
      c.phrases.set(key, { count: 1, lang, words: cand.words, surfaces: cand.surfaces });
    else decrementAll(c.phrases);
  }
  for (const tag of hashtags) {
    const key = `${lang}\u0000#${tag}`;
    const stat = c.phrases.get(key);
    if (stat) stat.count++;
    else if (c.phrases.size < PHRASES_MAX)
      c.phrases.set(key, { count: 1, lang, words: [tag], surfaces: [`#${tag}`] });
    else decrementAll(c.phrases);
  }
  if (time > 0) {
    const hour = Math.floor(time / HOUR_MS);
    c.buckets.set(hour, (c.buckets.get(hour) ?? 0) + 1);
    if (c.buckets.size > BUCKETS_MAX) {
      let min = Infinity;
      for (const h of c.buckets.keys()) if (h < min) min = h;
      c.buckets.delete(min);
    }
    if (c.first === 0 || time < c.first) c.first = time;
    if (time > c.last) c.last = time;
  }
}

function decrementAll(phrases: Map<string, PhraseStat>): void {
  for (const [k, s] of phrases) {
    if (s.count <= 1) phrases.delete(k);
    else s.count--;
  }
}

export function addVector(c: Cluster, v: PostVector): void {
  const postings = c.postings;
  for (const [f, x] of v.sparse) {
    const had = c.centroid.get(f);
    const old = had ?? 0;
    const next = old + x;
    c.centroid.set(f, next);
    c.norm2 += next * next - old * old;
    postings?.grew(c, f, had, next);
  }
  if (v.dense) {
    const d = (c.dense ??= new Float64Array(v.dense.length));
    for (let k = 0; k < d.length; k++) {
      const old = d[k]!;
      const next = old + (v.dense[k] ?? 0);
      d[k] = next;
      c.norm2 += next * next - old * old;
    }
  }
  c.version++;
  postings?.settle(c, v.sparse.keys());
  if (c.centroid.size > CENTROID_MAX) prune(c);
}

/** Squared norm of a cluster's dense part. */
function dense2(c: Cluster): number {
  let n = 0;
  if (c.dense) for (const x of c.dense) n += x * x;
  return n;
}

/** Keep the strongest features of a centroid (bounded memory); recompute its norm. */
function prune(c: Cluster): void {
  const sorted = [...c.centroid].sort((a, b) => b[1] - a[1]);
  const kept = sorted.slice(0, CENTROID_KEEP);
  for (let i = CENTROID_KEEP; i < sorted.length; i++) c.postings?.forget(c, sorted[i]![0]);
  c.centroid = new Map(kept);
  c.norm2 = dense2(c);
  for (const [, x] of kept) c.norm2 += x * x;
  c.postings?.rebalance(c);
}

/** The norm of a restored cluster (snapshot.ts). */
export function normOf(c: Pick<Cluster, 'centroid' | 'dense'>): number {
  let n = 0;
  for (const x of c.centroid.values()) n += x * x;
  if (c.dense) for (const x of c.dense) n += x * x;
  return n;
}

/** Dot product of two dense parts (0 when either is missing). */
export function denseDot(a: Float64Array | null, b: Float64Array | null): number {
  if (!a || !b) return 0;
  let dot = 0;
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) dot += a[k]! * b[k]!;
  return dot;
}

export function cosine(a: Cluster, b: Cluster): number {
  const small = a.centroid.size <= b.centroid.size ? a.centroid : b.centroid;
  const big = small === a.centroid ? b.centroid : a.centroid;
  let dot = denseDot(a.dense, b.dense);
  // forEach, not `for (const [f, x] of …)`: a merge pass calls this for every pair of a brand's
  // clusters, and the loop's [f, x] entries were 9 % of what enrich allocated (heap sampling).
  // The same entries in the same order: the same sum.
  small.forEach((x, f) => {
    dot += x * (big.get(f) ?? 0);
  });
  return dot / Math.sqrt(a.norm2 * b.norm2);
}

/** Folds `gone` into `keep` (a merge); `keep`'s label is recomputed on next use. */
export function absorb(keep: Cluster, gone: Cluster): void {
  addVector(keep, { sparse: gone.centroid, dense: gone.dense });
  keep.count += gone.count;
  for (const [l, n] of Object.entries(gone.langs)) keep.langs[l] = (keep.langs[l] ?? 0) + n;
  for (const [k, s] of gone.phrases) {
    const mine = keep.phrases.get(k);
    if (mine) mine.count += s.count;
    else if (keep.phrases.size < PHRASES_MAX) keep.phrases.set(k, { ...s });
  }
  for (const [h, n] of gone.buckets) keep.buckets.set(h, (keep.buckets.get(h) ?? 0) + n);
  keep.first = Math.min(keep.first || gone.first, gone.first || keep.first);
  keep.last = Math.max(keep.last, gone.last);
  keep.touched = Math.max(keep.touched, gone.touched);
  keep.labelAt = 0;
  keep.label = '';
  if (keep.rep === '') {
    keep.rep = gone.rep;
    keep.repSim = gone.repSim;
  }
  // Samples of both (alternating), so the merged topic's next embedding speaks for both; until
  // then its embedding is the two weighted by their posts.
  const both: string[] = [];
  for (let i = 0; i < SAMPLES_MAX; i++) {
    if (keep.samples[i] !== undefined) both.push(keep.samples[i]!);
    if (gone.samples[i] !== undefined) both.push(gone.samples[i]!);
  }
  keep.samples = both.slice(0, SAMPLES_MAX);
  if (keep.emb && gone.emb) {
    const wk = keep.count - gone.count;
    for (let k = 0; k < keep.emb.length; k++)
      keep.emb[k] = keep.emb[k]! * wk + (gone.emb[k] ?? 0) * gone.count;
    unit(keep.emb);
  } else keep.emb ??= gone.emb;
  keep.parts = [...keep.parts, ...gone.parts].slice(0, PARTS_MAX);
}

/** Scales `v` to unit length in place (a zero vector stays zero). */
export function unit(v: Float64Array): Float64Array {
  let n = 0;
  for (const x of v) n += x * x;
  if (n > 0) {
    const f = 1 / Math.sqrt(n);
    for (let k = 0; k < v.length; k++) v[k] = v[k]! * f;
  }
  return v;
}

/** How much a representative's similarity fades with each post that joins its cluster. */
const REP_DECAY = 0.98;

export const SAMPLES_MAX = 3;
const SAMPLE_CHARS = 300;

/**
 * Makes `phrase` the cluster's representative when its post is at least as central, and the
 * post's `text` its newest sample.
 */
export function offerRepresentative(
  c: Cluster,
  phrase: () => string | undefined,
  sim: number,
  text: string,
): void {
  c.repSim *= REP_DECAY;
  if (c.rep !== '' && sim < c.repSim) return;
  const p = phrase();
  if (p === undefined || p === '') return;
  c.rep = p;
  c.repSim = sim;
  const sample = text.slice(0, SAMPLE_CHARS);
  if (c.samples[0] !== sample) c.samples = [sample, ...c.samples].slice(0, SAMPLES_MAX);
}
