import { isUnspacedScript } from '../text/tokenize.ts';
import type { Candidate } from './keyphrases.ts';
import type { BrandState } from './model.ts';
import type { TopicVectors } from './vectors.ts';

/**
 * A post's features: a sparse vector of hashed features (2^18 buckets): content words cut to
 * six characters (a cheap stemmer that works across Latin, Greek and Cyrillic languages:
 * `batteries`/`battery`, `Kamera`/`Kameras`), character bigrams for Chinese/Japanese/Thai,
 * word pairs, and hashtags. Weights are TF-IDF with a global, streaming document frequency,
 * damped per brand for features that most of the brand's posts share (the brand's own name
 * would otherwise glue every topic together).
 */

const DIM_BITS = 18;
export const DIM = 1 << DIM_BITS;
const MASK = DIM - 1;
const STEM = 6;
/** Below this many posts a brand's feature frequencies say nothing yet. */
const BRAND_MIN_DOCS = 10;

export function hashFeature(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) & MASK;
}

export function stem(word: string): string {
  return word.length > STEM && !isUnspacedScript(word) ? word.slice(0, STEM) : word;
}

export function wordFeature(word: string): number {
  return hashFeature(`w:${stem(word)}`);
}

/** Weighted features of a post (binary term frequency: short posts rarely repeat words). */
export function postFeatures(candidates: Candidate[], hashtags: string[]): Map<number, number> {
  const features = new Map<number, number>();
  const put = (f: number, w: number): void => {
    if ((features.get(f) ?? 0) < w) features.set(f, w);
  };
  for (const c of candidates) {
    if (c.words.length === 2 && isUnspacedScript(c.words[0]!)) {
      put(hashFeature(`w:${c.norm}`), 1);
      continue;
    }
    for (const w of c.words) if (!isUnspacedScript(w)) put(wordFeature(w), 1);
    for (let i = 0; i + 1 < c.words.length; i++) {
      put(hashFeature(`p:${stem(c.words[i]!)} ${stem(c.words[i + 1]!)}`), 0.5);
    }
  }
  for (const tag of hashtags) {
    put(hashFeature(`#${tag}`), 1);
    put(wordFeature(tag), 1);
  }
  return features;
}

/** Smoothed inverse document frequency of feature `f` among `n` posts. */
export function idf(df: Uint32Array, n: number, f: number): number {
  return Math.log((n + 1) / (df[f]! + 1)) + 1;
}

/** 1 for ordinary features; → 0 for features in (almost) every post of the brand. */
export function damp(brand: BrandState, f: number): number {
  if (brand.n < BRAND_MIN_DOCS) return 1;
  const ratio = (brand.freq.get(f) ?? 0) / brand.n;
  return ratio <= 0.4 ? 1 : Math.max(0, (1 - ratio) / 0.6);
}

/** Misra–Gries: keeps every item with frequency > n/cap (undercounted by at most n/cap). */
export function mgAdd<K>(map: Map<K, number>, key: K, cap: number): void {
  const c = map.get(key);
  if (c !== undefined) {
    map.set(key, c + 1);
    return;
  }
  if (map.size < cap) {
    map.set(key, 1);
    return;
  }
  for (const [k, v] of map) {
    if (v <= 1) map.delete(k);
    else map.set(k, v - 1);
  }
}

/**
 * The word-vector part of a post: the mean word vector of its content words (`words`, brand
 * words already out; each weighted by `wordWeights`, the words' idf), centred on the running
 * mean of posts, at length `weight` against the unit-length word part. Null when no word is in
 * the table.
 */
export function denseFeatures(
  words: readonly string[],
  wordWeights: readonly number[],
  vectors: TopicVectors,
  weight: number,
  centre: { sum: Float64Array; n: number },
): Float64Array | null {
  if (words.length === 0 || weight <= 0) return null;
  // Each word's row weighted by how rare the word is in the stream (idf): words every post
  // has ("honestly", "today") would otherwise pull every post's mean to the same place.
  const d = vectors.dims;
  const one = new Float64Array(d);
  const out = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < words.length; i++) {
    if (!vectors.wordVector(words[i]!, one)) continue;
    const w = wordWeights[i] ?? 1;
    for (let k = 0; k < d; k++) out[k] = out[k]! + w * one[k]!;
    total += w;
  }
  if (total === 0) return null;
  // Centred on the running mean of posts: means of word vectors share a common direction that
  // would make every post look alike.
  const n = centre.n;
  let norm2 = 0;
  for (let k = 0; k < d; k++) {
    const x = out[k]! / total;
    centre.sum[k] = centre.sum[k]! + x;
    const c = n > 0 ? x - centre.sum[k]! / (n + 1) : 0;
    out[k] = c;
    norm2 += c * c;
  }
  centre.n = n + 1;
  if (norm2 === 0) return null;
  const f = weight / Math.sqrt(norm2);
  for (let k = 0; k < d; k++) out[k] = out[k]! * f;
  return out;
}
