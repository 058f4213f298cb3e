import { DENSE_PER_COPY, DENSE_SIZE, type FeatureBuffer, type FeatureConfig } from './features.ts';
import { GATE_INPUTS, gatedProbabilities } from './neutral.ts';

/**
 * The trained model, in two stages:
 *   1. the text model: three classes (neg, neu, pos) over hashed sparse features, one pass over
 *      the feature buffer into typed-array weights;
 *   2. the combiner, per language: a small logistic regression over the text model's three
 *      logits and the rule layer's dense features, fitted on *out-of-fold* text-model logits
 *      (stacking), so it learns how far to trust each source in that language and its output
 *      probabilities are calibrated.
 * A language without a combiner uses the text model with its fitted temperature. A language
 * without (enough) neutral training data takes its pos/neg margin from either, and its neutral
 * from the language-independent neutral gate (neutral.ts).
 */

export const CLASSES = ['neg', 'neu', 'pos'] as const;
export type ClassName = (typeof CLASSES)[number];
export const K = CLASSES.length;
const K_CLASSES = 3;

/**
 * Combiner inputs: the 3 text-model logits, the shared copy of the dense rule features, then the
 * 3 logits of the word-vector head (embedding.ts; zeros for a language without one).
 */
export const COMBINER_INPUTS = K_CLASSES + DENSE_PER_COPY + K_CLASSES;
/** Where the word-vector head's logits start among the combiner inputs. */
export const HEAD_OFFSET = K_CLASSES + DENSE_PER_COPY;

export interface LinearModelData {
  config: FeatureConfig;
  /**
   * Sparse weights, bucket-major: w[bucket * 3 + class] × `sparseFactor`. At run time the int16
   * values from disk are used as they are (half the bytes of float32, so twice as much of the
   * table stays in the CPU caches: the dot product is the hot loop); training passes float32.
   */
  sparse: Float32Array | Int16Array;
  /** Multiplier of `sparse` (the quantisation step); 1 for float weights. */
  sparseFactor?: number;
  /** Dense weights: d[feature * 3 + class]. */
  dense: Float32Array;
  /** Softmax temperature per language (1 = as trained). */
  temperatures: Record<string, number>;
  /** Languages the model was trained on, and which classes each had in its training data. */
  languages: Record<string, ClassName[]>;
  /** Per language: combiner weights c[input * 3 + class] (COMBINER_INPUTS × 3). */
  combiners: Record<string, Float32Array>;
  /**
   * The neutral gate (neutral.ts): its weights, and the languages it decides neutral for, each
   * with the temperature that makes its pos − neg margin a calibrated log-odds.
   */
  neutralGate?: { weights: Float32Array; languages: Record<string, number> } | undefined;
}

export class LinearModel {
  readonly config: FeatureConfig;
  private readonly sparse: Float32Array | Int16Array;
  private readonly factor: number;
  private readonly dense: Float32Array;
  private readonly temperatures: Record<string, number>;
  readonly languages: Record<string, ClassName[]>;
  private readonly combiners: Record<string, Float32Array>;
  private readonly gate: LinearModelData['neutralGate'];
  private readonly zScratch = new Float64Array(K_CLASSES);

  constructor(data: LinearModelData) {
    if (data.sparse.length !== (1 << data.config.bits) * K) {
      throw new Error(
        `sparse weights have ${data.sparse.length} values, expected ${(1 << data.config.bits) * K}`,
      );
    }
    if (data.dense.length !== DENSE_SIZE * K) {
      throw new Error(`dense weights have ${data.dense.length} values, expected ${DENSE_SIZE * K}`);
    }
    this.config = data.config;
    this.sparse = data.sparse;
    this.factor = data.sparseFactor ?? 1;
    this.dense = data.dense;
    this.temperatures = data.temperatures;
    this.languages = data.languages;
    for (const [lang, c] of Object.entries(data.combiners)) {
      if (c.length !== COMBINER_INPUTS * K) {
        throw new Error(
          `combiner for ${lang} has ${c.length} weights, expected ${COMBINER_INPUTS * K}`,
        );
      }
    }
    this.combiners = data.combiners;
    if (data.neutralGate !== undefined && data.neutralGate.weights.length !== GATE_INPUTS) {
      throw new Error(
        `neutral gate has ${data.neutralGate.weights.length} weights, expected ${GATE_INPUTS}`,
      );
    }
    this.gate = data.neutralGate;
  }

  /** Whether the neutral gate decides neutral for this language. */
  gated(lang: string): boolean {
    return this.gate?.languages[lang] !== undefined;
  }

  /**
   * Raw class scores (before temperature) into `out`. With `perToken`, the same pass adds each
   * sparse feature's (pos − neg) contribution to its source token's slot, for the explanation
   * (one pass over the weights instead of two: this is the hot path).
   */
  logits(buf: FeatureBuffer, out: Float64Array, perToken?: Float64Array): void {
    let a = 0;
    let b = 0;
    let c = 0;
    const w = this.sparse;
    const f = this.factor;
    if (perToken === undefined) {
      for (let i = 0; i < buf.n; i++) {
        const o = buf.idx[i]! * 3;
        const v = buf.val[i]!;
        a += w[o]! * v;
        b += w[o + 1]! * v;
        c += w[o + 2]! * v;
      }
    } else {
      const src = buf.src;
      for (let i = 0; i < buf.n; i++) {
        const o = buf.idx[i]! * 3;
        const v = buf.val[i]!;
        const w0 = w[o]! * v;
        const w2 = w[o + 2]! * v;
        a += w0;
        b += w[o + 1]! * v;
        c += w2;
        const t = src[i]!;
        if (t >= 0) perToken[t] = perToken[t]! + (w2 - w0) * f;
      }
    }
    a *= f;
    b *= f;
    c *= f;
    const d = this.dense;
    const x = buf.dense;
    for (let k = 0; k < DENSE_SIZE; k++) {
      const v = x[k]!;
      if (v === 0) continue;
      const o = k * 3;
      a += d[o]! * v;
      b += d[o + 1]! * v;
      c += d[o + 2]! * v;
    }
    out[0] = a;
    out[1] = b;
    out[2] = c;
  }

  /**
   * Calibrated class probabilities into `out` (classes a language never saw stay possible);
   * `perToken` as in `logits`; `head`: the word-vector head's logits for this text, if the
   * language has a head.
   */
  probabilities(
    buf: FeatureBuffer,
    lang: string,
    out: Float64Array,
    perToken?: Float64Array,
    head?: ArrayLike<number>,
  ): void {
    const comb = this.combiners[lang];
    const gateT = this.gate?.languages[lang];
    if (comb === undefined) this.logits(buf, out, perToken);
    else {
      const z = this.zScratch;
      this.logits(buf, z, perToken);
      combine(comb, z, buf.dense, out, head);
    }
    if (gateT !== undefined) {
      gatedProbabilities(this.gate!.weights, (out[2]! - out[0]!) / gateT, buf.dense, out);
      return;
    }
    softmaxInPlace(out, comb === undefined ? (this.temperatures[lang] ?? 1) : 1);
  }

  /** Contribution of sparse feature i to (pos − neg), in logit units: for explanations. */
  polarityOf(buf: FeatureBuffer, i: number): number {
    const o = buf.idx[i]! * 3;
    return (this.sparse[o + 2]! - this.sparse[o]!) * this.factor * buf.val[i]!;
  }
}

export function softmaxInPlace(z: Float64Array, temperature: number): void {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) if (z[i]! > max) max = z[i]!;
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    const e = Math.exp((z[i]! - max) / temperature);
    z[i] = e;
    sum += e;
  }
  for (let i = 0; i < z.length; i++) z[i] = z[i]! / sum;
}

/**
 * Weights on disk: int16 with one scale per array (|w| ≤ scale), little-endian. Halves the size
 * of float32 at no measurable cost in accuracy (the rounding step is scale/32767).
 */
export function quantize(w: Float32Array): { scale: number; bytes: Buffer } {
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  const scale = max === 0 ? 1 : max;
  const bytes = Buffer.alloc(w.length * 2);
  for (let i = 0; i < w.length; i++) bytes.writeInt16LE(Math.round((w[i]! / scale) * 32767), i * 2);
  return { scale, bytes };
}

/** The int16 weights of `quantize` as stored (little-endian), and their multiplier. */
export function int16View(bytes: Buffer, scale: number): { sparse: Int16Array; factor: number } {
  const sparse = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < sparse.length; i++) sparse[i] = bytes.readInt16LE(i * 2);
  return { sparse, factor: scale / 32767 };
}

export function dequantize(bytes: Buffer, scale: number): Float32Array {
  const n = bytes.length >> 1;
  const out = new Float32Array(n);
  const f = scale / 32767;
  for (let i = 0; i < n; i++) out[i] = bytes.readInt16LE(i * 2) * f;
  return out;
}

/**
 * Combiner logits from text-model logits `z`, the dense rule features `d` (shared copy) and the
 * word-vector head's logits `h` (absent: zeros).
 */
export function combine(
  c: Float32Array,
  z: ArrayLike<number>,
  d: ArrayLike<number>,
  out: Float64Array,
  h?: ArrayLike<number>,
): void {
  for (let k = 0; k < K_CLASSES; k++) {
    let s = 0;
    for (let i = 0; i < K_CLASSES; i++) s += c[i * 3 + k]! * z[i]!;
    for (let j = 0; j < DENSE_PER_COPY; j++) s += c[(K_CLASSES + j) * 3 + k]! * d[j]!;
    if (h !== undefined)
      for (let i = 0; i < K_CLASSES; i++) s += c[(HEAD_OFFSET + i) * 3 + k]! * h[i]!;
    out[k] = s;
  }
}
