import {
  DENSE_PER_COPY,
  DENSE_SIZE,
  FeatureBuffer,
  extractFeatures,
  type FeatureConfig,
  type Features,
} from '../../enrich/sentiment/features.ts';
import { rulesFor } from '../../enrich/sentiment/lang-rules.ts';
import {
  CLASSES,
  COMBINER_INPUTS,
  HEAD_OFFSET,
  K,
  LinearModel,
  combine,
  softmaxInPlace,
  type ClassName,
} from '../../enrich/sentiment/linear.ts';
import { scoreRules, type Lexicons } from '../../enrich/sentiment/rules.ts';
import { tokenize } from '../../enrich/sentiment/text.ts';
import type { LabelledRow } from './data.ts';
import { mulberry32 } from '../../core/random.ts';

/**
 * Training of the linear sentiment model: multinomial logistic regression by SGD over hashed
 * features (fastText's recipe without the hidden layer), with a linearly decaying learning rate,
 * L2 on the touched weights, class weights that balance each language's label distribution, and
 * a seeded shuffle so that the same data and seed give the same weights.
 *
 * Languages whose data lacks a class (Slovenian: no neutral) are trained on the classes they
 * have: the softmax is taken over those only, so their words are never pushed away from a class
 * they could not show. Their neutral then comes from the neutral gate (neutral.ts).
 */

export interface TrainParams {
  features: FeatureConfig;
  epochs: number;
  lr: number;
  l2: number;
  /** Learning-rate factor of the dense (rule) features relative to the sparse ones. */
  denseLr: number;
  /**
   * 'stacked': the text model learns only the dense biases; the rule features enter through the
   * per-language combiner fitted on out-of-fold logits. 'joint': one model over everything.
   */
  mode: 'stacked' | 'joint';
  /** Fit the per-language combiner on out-of-fold logits (always on in 'stacked' mode). */
  combiner: boolean;
  /** L2 of the combiner (per-example mean loss), pulling it towards "trust the text model". */
  combinerL2: number;
  /**
   * Models trained with different shuffles (seeds) and averaged. For a linear model, averaging
   * the weights is averaging the logits: a variance-reducing ensemble at no cost at run time.
   */
  ensemble: number;
  seed: number;
}

export const DEFAULT_PARAMS: TrainParams = {
  // charMin 3: character bigrams cost 30 % of the features and scoring time for no measurable
  // gain (3-fold CV mean macro-F1 0.6368 with, 0.6357 without); prefix 4: +0.003 over two seeds.
  features: { bits: 20, charMin: 3, charMax: 5, wordBigrams: true, charWeight: 0.5, prefix: 4 },
  epochs: 8,
  lr: 0.5,
  l2: 1e-3,
  denseLr: 0.1,
  mode: 'joint',
  combiner: true,
  combinerL2: 1e-3,
  ensemble: 3,
  seed: 42,
};

export interface Example {
  lang: string;
  y: number;
  f: Features;
  /** Class weight (balances each language's classes). */
  weight: number;
  /** Classes this example's language has in training (others are left out of its softmax). */
  allowed: boolean[];
}

/** mulberry32: tiny, seeded, good enough for shuffling. */
export const rng = mulberry32;

export function featurize(
  rows: readonly LabelledRow[],
  lexicons: ReadonlyMap<string, Lexicons>,
  cfg: FeatureConfig,
): Example[] {
  const buf = new FeatureBuffer();
  // Class balance per language, over the whole set given.
  const counts = new Map<string, number[]>();
  for (const r of rows) {
    const c = counts.get(r.lang) ?? [0, 0, 0];
    c[CLASSES.indexOf(r.label)]!++;
    counts.set(r.lang, c);
  }
  const out: Example[] = [];
  for (const r of rows) {
    const lex = lexicons.get(r.lang);
    if (lex === undefined) continue;
    const rules = rulesFor(r.lang) ?? null;
    const tokens = tokenize(r.text);
    const rr = scoreRules(r.text, tokens, lex, rules);
    extractFeatures(buf, cfg, r.lang, r.text, tokens, rr, rules?.negators ?? null);
    const c = counts.get(r.lang)!;
    const present = c.filter((n) => n > 0).length;
    const total = c.reduce((a, b) => a + b, 0);
    const y = CLASSES.indexOf(r.label);
    out.push({
      lang: r.lang,
      y,
      f: buf.snapshot(),
      weight: total / (present * c[y]!),
      allowed: c.map((n) => n > 0),
    });
  }
  return out;
}

export interface Trained {
  sparse: Float32Array;
  dense: Float32Array;
}

export function train(examples: readonly Example[], p: TrainParams): Trained {
  if (p.ensemble <= 1) return trainOne(examples, p);
  let acc: Trained | null = null;
  for (let m = 0; m < p.ensemble; m++) {
    const t = trainOne(examples, { ...p, seed: p.seed + 1000 * m });
    if (acc === null) acc = t;
    else {
      for (let i = 0; i < acc.sparse.length; i++) acc.sparse[i] = acc.sparse[i]! + t.sparse[i]!;
      for (let i = 0; i < acc.dense.length; i++) acc.dense[i] = acc.dense[i]! + t.dense[i]!;
    }
  }
  const inv = 1 / p.ensemble;
  for (let i = 0; i < acc!.sparse.length; i++) acc!.sparse[i] = acc!.sparse[i]! * inv;
  for (let i = 0; i < acc!.dense.length; i++) acc!.dense[i] = acc!.dense[i]! * inv;
  return acc!;
}

function trainOne(examples: readonly Example[], p: TrainParams): Trained {
  const sparse = new Float32Array((1 << p.features.bits) * K);
  const dense = new Float32Array(DENSE_SIZE * K);
  const order = examples.map((_, i) => i);
  const rand = rng(p.seed);
  const total = p.epochs * examples.length;
  const z = new Float64Array(K);
  const g = new Float64Array(K);
  // Stacked: only each copy's bias (its first dense value) is learned here.
  const step = p.mode === 'stacked' ? DENSE_PER_COPY : 1;
  let t = 0;
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    for (const ei of order) {
      const ex = examples[ei]!;
      const lr = p.lr * (1 - t / total);
      t++;
      const f = ex.f;
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      for (let i = 0; i < f.n; i++) {
        const o = f.idx[i]! * 3;
        const v = f.val[i]!;
        z0 += sparse[o]! * v;
        z1 += sparse[o + 1]! * v;
        z2 += sparse[o + 2]! * v;
      }
      for (let k = 0; k < DENSE_SIZE; k += step) {
        const v = f.dense[k]!;
        if (v === 0) continue;
        z0 += dense[k * 3]! * v;
        z1 += dense[k * 3 + 1]! * v;
        z2 += dense[k * 3 + 2]! * v;
      }
      z[0] = z0;
      z[1] = z1;
      z[2] = z2;
      softmaxOver(z, ex.allowed);
      for (let c = 0; c < K; c++) g[c] = ex.weight * (z[c]! - (c === ex.y ? 1 : 0));
      const decay = 1 - lr * p.l2;
      for (let i = 0; i < f.n; i++) {
        const o = f.idx[i]! * 3;
        const v = f.val[i]! * lr;
        for (let c = 0; c < K; c++) sparse[o + c] = sparse[o + c]! * decay - g[c]! * v;
      }
      for (let k = 0; k < DENSE_SIZE; k += step) {
        const v = f.dense[k]!;
        if (v === 0) continue;
        const s = v * lr * p.denseLr;
        for (let c = 0; c < K; c++) dense[k * 3 + c] = dense[k * 3 + c]! - g[c]! * s;
      }
    }
  }
  return { sparse, dense };
}

export function modelOf(
  t: Trained,
  p: TrainParams,
  temperatures: Record<string, number>,
  languages: Record<string, ClassName[]>,
  combiners: Record<string, Float32Array> = {},
): LinearModel {
  return new LinearModel({
    config: p.features,
    sparse: t.sparse,
    dense: t.dense,
    temperatures,
    languages,
    combiners,
  });
}

/**
 * The per-language combiner: multinomial logistic regression over [text-model logits, rule
 * features], fitted by full-batch gradient descent on out-of-fold logits (deterministic, no
 * shuffling), with the same class weights and allowed classes as the text model.
 */
export function fitCombiner(
  examples: readonly Example[],
  logits: readonly Float64Array[],
  l2: number,
  iterations = 600,
  heads?: readonly Float64Array[],
): Float32Array {
  const n = examples.length;
  const w = new Float32Array(COMBINER_INPUTS * K);
  // Start from "trust the text model": identity on its logits.
  for (let k = 0; k < K; k++) w[k * 3 + k] = 1;
  const grad = new Float64Array(COMBINER_INPUTS * K);
  const out = new Float64Array(K);
  const x = new Float64Array(COMBINER_INPUTS);
  let wsum = 0;
  for (const ex of examples) wsum += ex.weight;
  // Adam: the inputs differ in scale (logits vs 0..1 features), plain steps would crawl.
  const m = new Float64Array(w.length);
  const v = new Float64Array(w.length);
  const lr = 0.05;
  for (let it = 1; it <= iterations; it++) {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const ex = examples[i]!;
      const h = heads?.[i];
      combine(w, logits[i]!, ex.f.dense, out, h);
      softmaxOver(out, ex.allowed);
      for (let j = 0; j < K; j++) x[j] = logits[i]![j]!;
      for (let j = 0; j < DENSE_PER_COPY; j++) x[K + j] = ex.f.dense[j]!;
      for (let j = 0; j < K; j++) x[HEAD_OFFSET + j] = h === undefined ? 0 : h[j]!;
      for (let c = 0; c < K; c++) {
        const g = (ex.weight * (out[c]! - (c === ex.y ? 1 : 0))) / wsum;
        if (g === 0) continue;
        for (let j = 0; j < COMBINER_INPUTS; j++) grad[j * 3 + c] = grad[j * 3 + c]! + g * x[j]!;
      }
    }
    for (let q = 0; q < w.length; q++) {
      const g = grad[q]! + l2 * (w[q]! - (q % 3 === Math.floor(q / 3) && q < K * 3 ? 1 : 0));
      adamStep(w, m, v, q, g, it, lr);
    }
  }
  return w;
}

/**
 * Softmax of `z` in place over the classes a language has (`allowed`); the others get 0.
 * Shared by every model the training fits, so they all read a language's classes alike.
 */
export function softmaxOver(z: Float64Array, allowed: readonly boolean[]): void {
  let max = -Infinity;
  for (let c = 0; c < K; c++) if (allowed[c] && z[c]! > max) max = z[c]!;
  let sum = 0;
  for (let c = 0; c < K; c++) {
    z[c] = allowed[c] ? Math.exp(z[c]! - max) : 0;
    sum += z[c]!;
  }
  for (let c = 0; c < K; c++) z[c] = z[c]! / sum;
}

/**
 * One Adam step (β1 0.9, β2 0.999, ε 1e-8) on coordinate `q` of `w`, for gradient `g`
 * (regularisation included) at iteration `it` (from 1): the optimiser of every small model
 * the training fits (combiners, the neutral gate, word-vector heads).
 */
export function adamStep(
  w: Float32Array | Float64Array,
  m: Float64Array,
  v: Float64Array,
  q: number,
  g: number,
  it: number,
  lr: number,
): void {
  m[q] = 0.9 * m[q]! + 0.1 * g;
  v[q] = 0.999 * v[q]! + 0.001 * g * g;
  const mh = m[q] / (1 - 0.9 ** it);
  const vh = v[q] / (1 - 0.999 ** it);
  w[q] = w[q]! - (lr * mh) / (Math.sqrt(vh) + 1e-8);
}

/** Raw logits of each example under trained weights. */
export function logitsOf(t: Trained, p: TrainParams, examples: readonly Example[]): Float64Array[] {
  const m = modelOf(t, p, {}, {});
  const buf = new FeatureBuffer();
  return examples.map((ex) => {
    buf.n = ex.f.n;
    buf.idx = ex.f.idx;
    buf.val = ex.f.val;
    buf.dense = ex.f.dense;
    const out = new Float64Array(K);
    m.logits(buf, out);
    return out;
  });
}

/** k folds by a seeded shuffle, stratified by language. */
export function folds(examples: readonly Example[], k: number, seed: number): number[] {
  const rand = rng(seed);
  const fold = new Array<number>(examples.length).fill(0);
  const byLang = new Map<string, number[]>();
  examples.forEach((ex, i) => byLang.set(ex.lang, [...(byLang.get(ex.lang) ?? []), i]));
  for (const idx of byLang.values()) {
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
    }
    idx.forEach((ei, n) => (fold[ei] = n % k));
  }
  return fold;
}

/** Out-of-fold logits: each example scored by a model that did not see it. */
export function outOfFold(examples: readonly Example[], p: TrainParams, k: number): Float64Array[] {
  const fold = folds(examples, k, p.seed + 1);
  const out = new Array<Float64Array>(examples.length);
  for (let f = 0; f < k; f++) {
    const trainSet = examples.filter((_, i) => fold[i] !== f);
    const t = train(trainSet, p);
    const testIdx = examples.map((_, i) => i).filter((i) => fold[i] === f);
    const l = logitsOf(
      t,
      p,
      testIdx.map((i) => examples[i]!),
    );
    testIdx.forEach((ei, n) => (out[ei] = l[n]!));
  }
  return out;
}

/** The temperature minimising the negative log-likelihood of the labels (grid 0.25..4). */
export function fitTemperature(logits: readonly Float64Array[], ys: readonly number[]): number {
  let best = 1;
  let bestNll = Infinity;
  const z = new Float64Array(K);
  for (let t = 0.25; t <= 4.0001; t *= 1.05) {
    let nll = 0;
    for (let i = 0; i < logits.length; i++) {
      z.set(logits[i]!);
      softmaxInPlace(z, t);
      nll -= Math.log(Math.max(z[ys[i]!]!, 1e-12));
    }
    if (nll < bestNll) {
      bestNll = nll;
      best = t;
    }
  }
  return Math.round(best * 1000) / 1000;
}
