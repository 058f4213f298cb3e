import { HOUR_MS } from '../../core/duration.ts';
import type { Candidate } from './keyphrases.ts';

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

export interface Cluster {
  id: string;
  count: number;
  centroid: Map<number, number>;
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
  /** Assignment sequence number of the last update (eviction order). */
  touched: number;
}

export interface BrandState {
  n: number;
  /** Misra–Gries counts of the features most posts of the brand share. */
  freq: Map<number, number>;
  clusters: Cluster[];
  sinceMerge: number;
}

export function newCluster(id: string, time: number, seq: number): Cluster {
  return {
    id,
    count: 0,
    centroid: new Map(),
    norm2: 0,
    langs: {},
    phrases: new Map(),
    buckets: new Map(),
    first: time,
    last: time,
    label: '',
    labelAt: 0,
    touched: seq,
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

export function addVector(c: Cluster, v: Map<number, number>): void {
  for (const [f, x] of v) {
    const old = c.centroid.get(f) ?? 0;
    const next = old + x;
    c.centroid.set(f, next);
    c.norm2 += next * next - old * old;
  }
  if (c.centroid.size > CENTROID_MAX) prune(c);
}

/** Keep the strongest features of a centroid (bounded memory); recompute its norm. */
function prune(c: Cluster): void {
  const kept = [...c.centroid].sort((a, b) => b[1] - a[1]).slice(0, CENTROID_KEEP);
  c.centroid = new Map(kept);
  c.norm2 = 0;
  for (const [, x] of kept) c.norm2 += x * x;
}

export function cosine(a: Cluster, b: Cluster): number {
  const [small, big] = a.centroid.size <= b.centroid.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [f, x] of small.centroid) dot += x * (big.centroid.get(f) ?? 0);
  return dot / Math.sqrt(a.norm2 * b.norm2);
}

/** Folds `gone` into `keep` (a merge); `keep`'s label is recomputed on next use. */
export function absorb(keep: Cluster, gone: Cluster): void {
  addVector(keep, gone.centroid);
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
}
