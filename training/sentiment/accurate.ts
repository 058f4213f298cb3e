import { CLASSES, K } from '../../enrich/sentiment/linear.ts';
import { macroF1 } from './metrics.ts';
import { fitTemperature, rng } from './train.ts';

/**
 * Heads of the accurate tier: logistic regressions over the encoder's sentence embeddings
 * (training/sentiment/encoder/cache.ts has them cached).
 *
 * - one **shared** head, fitted on every labelled language at once (each language weighing the
 *   same): it scores languages with no labelled data, and gives the others a prior;
 * - one head per labelled language, fitted with its weights pulled towards the shared head
 *   (an L2 penalty on the difference, strength chosen by cross-validation on train): 633 Greek
 *   tweets move it where they have evidence and leave it where they have none;
 * - languages with no or almost no neutral rows (Slovenian, Greek) take P(neutral) from the
 *   shared head, which learned neutral from the other languages (cross-lingual neutral evidence),
 *   and split the rest by their own pos/neg head;
 * - a temperature per head, fitted on out-of-fold (or held-out-language) predictions.
 * Leave-one-language-out: the shared head refitted without each labelled language, scored on it,
 * measures what the tier does for a language it has no data for.
 */
export interface HeadRow {
  lang: string;
  /** Class index (CLASSES order). */
  y: number;
  x: Float32Array;
}

export interface FitOptions {
  l2: number;
  iterations: number;
  /** Pull towards these weights instead of towards 0 (the language head's prior). */
  prior?: Float64Array;
  /** Classes the labels can take (a language without neutral rows: neg/pos). */
  allowed?: readonly boolean[];
  /** Row weights (default 1). */
  weights?: Float64Array;
}

export const ALL_CLASSES: readonly boolean[] = [true, true, true];

/** Logits of one embedding under head `w` (dims × K weights, then K biases). */
export function headLogits(
  w: ArrayLike<number>,
  x: ArrayLike<number>,
  dims: number,
  out: Float64Array,
): void {
  for (let c = 0; c < K; c++) out[c] = w[dims * K + c]!;
  for (let k = 0; k < dims; k++) {
    const v = x[k]!;
    if (v === 0) continue;
    const o = k * K;
    out[0] = out[0]! + w[o]! * v;
    out[1] = out[1]! + w[o + 1]! * v;
    out[2] = out[2]! + w[o + 2]! * v;
  }
}

function softmax(z: Float64Array, allowed: readonly boolean[], t = 1): void {
  let max = -Infinity;
  for (let c = 0; c < K; c++) if (allowed[c] && z[c]! / t > max) max = z[c]! / t;
  let sum = 0;
  for (let c = 0; c < K; c++) {
    z[c] = allowed[c] ? Math.exp(z[c]! / t - max) : 0;
    sum += z[c]!;
  }
  for (let c = 0; c < K; c++) z[c] = z[c]! / sum;
}

/** Multinomial logistic regression by full-batch Adam (deterministic). */
export function fitHead(rows: readonly HeadRow[], dims: number, o: FitOptions): Float64Array {
  const size = (dims + 1) * K;
  const w = new Float64Array(size);
  if (o.prior) w.set(o.prior);
  const allowed = o.allowed ?? ALL_CLASSES;
  const grad = new Float64Array(size);
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const z = new Float64Array(K);
  let wsum = 0;
  for (let i = 0; i < rows.length; i++) wsum += o.weights?.[i] ?? 1;
  const lr = 0.02;
  const b1 = 0.9;
  const b2 = 0.999;
  for (let it = 1; it <= o.iterations; it++) {
    grad.fill(0);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      headLogits(w, r.x, dims, z);
      softmax(z, allowed);
      const wi = (o.weights?.[i] ?? 1) / wsum;
      const g0 = wi * (z[0]! - (r.y === 0 ? 1 : 0));
      const g1 = wi * (z[1]! - (r.y === 1 ? 1 : 0));
      const g2 = wi * (z[2]! - (r.y === 2 ? 1 : 0));
      const x = r.x;
      for (let k = 0; k < dims; k++) {
        const xv = x[k]!;
        const q = k * K;
        grad[q] = grad[q]! + g0 * xv;
        grad[q + 1] = grad[q + 1]! + g1 * xv;
        grad[q + 2] = grad[q + 2]! + g2 * xv;
      }
      grad[dims * K] = grad[dims * K]! + g0;
      grad[dims * K + 1] = grad[dims * K + 1]! + g1;
      grad[dims * K + 2] = grad[dims * K + 2]! + g2;
    }
    const c1 = 1 - Math.pow(b1, it);
    const c2 = 1 - Math.pow(b2, it);
    for (let q = 0; q < size; q++) {
      const anchor = o.prior ? o.prior[q]! : 0;
      const g = grad[q]! + (q < dims * K || o.prior ? o.l2 * (w[q]! - anchor) : 0);
      m[q] = b1 * m[q]! + (1 - b1) * g;
      v[q] = b2 * v[q]! + (1 - b2) * g * g;
      w[q] = w[q]! - (lr * (m[q]! / c1)) / (Math.sqrt(v[q]! / c2) + 1e-8);
    }
  }
  return w;
}

/** Rows weighted so that every language weighs the same in total (mean row weight 1). */
export function languageWeights(rows: readonly HeadRow[]): Float64Array {
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.lang, (count.get(r.lang) ?? 0) + 1);
  const per = rows.length / count.size;
  return Float64Array.from(rows, (r) => per / count.get(r.lang)!);
}

export function foldsOf(n: number, k: number, seed: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  const rand = rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const fold = new Array<number>(n);
  idx.forEach((row, pos) => (fold[row] = pos % k));
  return fold;
}

export function logitsOf(w: Float64Array, rows: readonly HeadRow[], dims: number): Float64Array[] {
  return rows.map((r) => {
    const z = new Float64Array(K);
    headLogits(w, r.x, dims, z);
    return z;
  });
}

/** Probabilities of the gated form: P(neu) from the shared head, pos/neg split by the language's. */
export function gatedProbabilities(
  own: Float64Array,
  ownT: number,
  shared: Float64Array,
  sharedT: number,
  out: Float64Array,
): void {
  const s = Float64Array.from(shared);
  softmax(s, ALL_CLASSES, sharedT);
  const p = Float64Array.from(own);
  softmax(p, [true, false, true], ownT);
  const pn = s[1]!;
  out[0] = (1 - pn) * p[0]!;
  out[1] = pn;
  out[2] = (1 - pn) * p[2]!;
}

export function probabilities(z: Float64Array, t: number, allowed = ALL_CLASSES): Float64Array {
  const p = Float64Array.from(z);
  softmax(p, allowed, t);
  return p;
}

export function argmax(p: ArrayLike<number>): number {
  let b = 0;
  for (let c = 1; c < K; c++) if (p[c]! > p[b]!) b = c;
  return b;
}

export function f1Of(gold: readonly number[], pred: readonly number[]): number {
  const g = gold.map((y) => CLASSES[y]!);
  const p = pred.map((y) => CLASSES[y]!);
  const classes = [...new Set(g)].sort();
  return macroF1(g, p, classes.length === 2 ? [...new Set([...g, ...p])].sort() : undefined);
}

export { fitTemperature };

/** Per-dimension mean and standard deviation: the heads are fitted on standardised embeddings. */
export interface Standardizer {
  mean: Float64Array;
  std: Float64Array;
}

export function standardizer(rows: readonly HeadRow[], dims: number): Standardizer {
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  for (const r of rows) for (let k = 0; k < dims; k++) mean[k] = mean[k]! + r.x[k]!;
  for (let k = 0; k < dims; k++) mean[k] = mean[k]! / rows.length;
  for (const r of rows) for (let k = 0; k < dims; k++) sq[k] = sq[k]! + (r.x[k]! - mean[k]!) ** 2;
  const std = Float64Array.from(sq, (s) => Math.sqrt(s / rows.length) || 1);
  return { mean, std };
}

export function standardize(rows: readonly HeadRow[], s: Standardizer): HeadRow[] {
  return rows.map((r) => ({
    ...r,
    x: Float32Array.from(r.x, (v, k) => (v - s.mean[k]!) / s.std[k]!),
  }));
}

/** A head fitted on standardised inputs, as weights on the raw embedding. */
export function unstandardize(w: Float64Array, s: Standardizer, dims: number): number[] {
  const out = new Float64Array(w.length);
  for (let c = 0; c < K; c++) {
    let b = w[dims * K + c]!;
    for (let k = 0; k < dims; k++) {
      out[k * K + c] = w[k * K + c]! / s.std[k]!;
      b -= (w[k * K + c]! * s.mean[k]!) / s.std[k]!;
    }
    out[dims * K + c] = b;
  }
  return Array.from(out, (v) => Math.round(v * 1e5) / 1e5);
}

/** Weights of the fast tier tried in the combination (0: the heads alone, 1: the fast tier alone). */
export const FAST_WEIGHT_GRID: readonly number[] = Array.from({ length: 11 }, (_, i) => i / 10);

/**
 * Macro-F1 of acc^(1−w)·fast^w (normalised) for each weight of FAST_WEIGHT_GRID, over rows with
 * both tiers' out-of-fold probabilities. `combine` is the runtime's (combineWithFast).
 */
export function fastWeightCurve(
  acc: readonly Float64Array[],
  fast: readonly Float64Array[],
  gold: readonly number[],
  combine: (acc: Float64Array, fast: Float64Array, w: number) => void,
): number[] {
  return FAST_WEIGHT_GRID.map((w) => {
    const pred = acc.map((a, i) => {
      const p = Float64Array.from(a);
      combine(p, fast[i]!, w);
      return argmax(p);
    });
    return f1Of(gold, pred);
  });
}

/**
 * The weight for one language: the best of its own curve shrunk towards the curve pooled over
 * languages (`prior` rows' worth of it), so a few hundred rows cannot pick a weight by noise;
 * ties go to the smaller weight (more of the accurate tier).
 */
export function chooseFastWeight(
  own: readonly number[],
  n: number,
  pooled: readonly number[],
  prior: number,
): number {
  let best = 0;
  let bestScore = -Infinity;
  own.forEach((f, i) => {
    const s = (n * f + prior * pooled[i]!) / (n + prior);
    if (s > bestScore + 1e-9) {
      bestScore = s;
      best = i;
    }
  });
  return FAST_WEIGHT_GRID[best]!;
}
