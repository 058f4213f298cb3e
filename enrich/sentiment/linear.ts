import { DENSE_SIZE, type FeatureBuffer, type FeatureConfig } from './features.ts';

/**
 * The trained linear model: three classes (neg, neu, pos) over hashed sparse features and the
 * dense rule features, with a temperature per language fitted on out-of-fold predictions so
 * that its probabilities are calibrated. Weights live in typed arrays; scoring is one pass over
 * the feature buffer.
 */
export const CLASSES = ['neg', 'neu', 'pos'] as const;
export type ClassName = (typeof CLASSES)[number];
export const K = CLASSES.length;

export interface LinearModelData {
  config: FeatureConfig;
  /** Sparse weights, bucket-major: w[bucket * 3 + class]. */
  sparse: Float32Array;
  /** Dense weights: d[feature * 3 + class]. */
  dense: Float32Array;
  /** Softmax temperature per language (1 = as trained). */
  temperatures: Record<string, number>;
  /** Languages the model was trained on, and which classes each had in its training data. */
  languages: Record<string, ClassName[]>;
}

export class LinearModel {
  readonly config: FeatureConfig;
  private readonly sparse: Float32Array;
  private readonly dense: Float32Array;
  private readonly temperatures: Record<string, number>;
  readonly languages: Record<string, ClassName[]>;

  constructor(data: LinearModelData) {
    if (data.sparse.length !== (1 << data.config.bits) * K) {
      throw new Error(`sparse weights have ${data.sparse.length} values, expected ${(1 << data.config.bits) * K}`);
    }
    if (data.dense.length !== DENSE_SIZE * K) {
      throw new Error(`dense weights have ${data.dense.length} values, expected ${DENSE_SIZE * K}`);
    }
    this.config = data.config;
    this.sparse = data.sparse;
    this.dense = data.dense;
    this.temperatures = data.temperatures;
    this.languages = data.languages;
  }

  /** Raw class scores (before temperature) into `out`. */
  logits(buf: FeatureBuffer, out: Float64Array): void {
    let a = 0;
    let b = 0;
    let c = 0;
    const w = this.sparse;
    for (let i = 0; i < buf.n; i++) {
      const o = buf.idx[i]! * 3;
      const v = buf.val[i]!;
      a += w[o]! * v;
      b += w[o + 1]! * v;
      c += w[o + 2]! * v;
    }
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

  /** Calibrated class probabilities into `out` (classes a language never saw stay possible). */
  probabilities(buf: FeatureBuffer, lang: string, out: Float64Array): void {
    this.logits(buf, out);
    softmaxInPlace(out, this.temperatures[lang] ?? 1);
  }

  /** Contribution of sparse feature i to (pos − neg), in logit units: for explanations. */
  polarityOf(buf: FeatureBuffer, i: number): number {
    const o = buf.idx[i]! * 3;
    return (this.sparse[o + 2]! - this.sparse[o]!) * buf.val[i]!;
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

export function dequantize(bytes: Buffer, scale: number): Float32Array {
  const n = bytes.length >> 1;
  const out = new Float32Array(n);
  const f = scale / 32767;
  for (let i = 0; i < n; i++) out[i] = bytes.readInt16LE(i * 2) * f;
  return out;
}
