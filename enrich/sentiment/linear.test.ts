import { describe, expect, it } from 'vitest';
import { DENSE_SIZE, FeatureBuffer, extractFeatures, type FeatureConfig } from './features.ts';
import { rulesFor } from './lang-rules.ts';
import { K, LinearModel, int16View, quantize } from './linear.ts';
import { GATE_INPUTS, gatedProbabilities } from './neutral.ts';
import { makeLexicons, scoreRules } from './rules.ts';
import { tokenize } from './text.ts';

const cfg: FeatureConfig = { bits: 12, charMin: 2, charMax: 4, wordBigrams: true, charWeight: 0.5 };
const lex = makeLexicons(new Map([['good', 1.9]]), new Map([['😍', 2.5]]), new Map());

function seeded(n: number, seed: number): Float32Array {
  let a = seed;
  return Float32Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 2 ** 32 - 0.5;
  });
}

function buffer(text: string): FeatureBuffer {
  const buf = new FeatureBuffer();
  const tokens = tokenize(text);
  const rules = rulesFor('en') ?? null;
  const r = scoreRules(text, tokens, lex, rules);
  extractFeatures(buf, cfg, 'en', text, tokens, r, rules?.negators ?? null);
  return buf;
}

describe('LinearModel', () => {
  const sparse = seeded((1 << cfg.bits) * K, 7);
  const dense = seeded(DENSE_SIZE * K, 9);
  const base = { config: cfg, dense, temperatures: {}, languages: {}, combiners: {} };
  const float = new LinearModel({ ...base, sparse });
  const q = quantize(sparse);
  const packed = int16View(q.bytes, q.scale);
  const int16 = new LinearModel({ ...base, sparse: packed.sparse, sparseFactor: packed.factor });

  it('scores the int16 weights as stored like their float values (within the rounding step)', () => {
    const buf = buffer('this is not good at all 😍 #wow');
    const a = new Float64Array(K);
    const b = new Float64Array(K);
    float.logits(buf, a);
    int16.logits(buf, b);
    for (let c = 0; c < K; c++) expect(b[c]).toBeCloseTo(a[c]!, 3);
  });

  it('attributes the sparse (pos − neg) contributions to tokens in the same pass', () => {
    const text = 'good phone, bad battery';
    const buf = buffer(text);
    const perToken = new Float64Array(tokenize(text).length);
    const z = new Float64Array(K);
    int16.logits(buf, z, perToken);
    const plain = new Float64Array(K);
    int16.logits(buf, plain);
    expect(Array.from(z)).toEqual(Array.from(plain));
    let total = 0;
    for (let i = 0; i < buf.n; i++) if (buf.src[i]! >= 0) total += int16.polarityOf(buf, i);
    expect(perToken.reduce((s, v) => s + v, 0)).toBeCloseTo(total, 9);
    expect(perToken.every((v) => v !== 0)).toBe(true);
  });
});

describe('LinearModel: the neutral gate', () => {
  const sparse = seeded((1 << cfg.bits) * K, 7);
  const dense = seeded(DENSE_SIZE * K, 9);
  const weights = seeded(GATE_INPUTS, 11);
  const base = { config: cfg, sparse, dense, languages: {}, combiners: {} };
  const model = new LinearModel({
    ...base,
    temperatures: { en: 1.3 },
    neutralGate: { weights, languages: { en: 1.7 } },
  });
  const plain = new LinearModel({ ...base, temperatures: { en: 1.3 } });

  it('takes neutral from the gate and pos/neg from the calibrated margin, for gated languages only', () => {
    const buf = buffer('this is not good at all 😍 #wow');
    const z = new Float64Array(K);
    plain.logits(buf, z);
    const expected = new Float64Array(K);
    gatedProbabilities(weights, (z[2]! - z[0]!) / 1.7, buf.dense, expected);
    const p = new Float64Array(K);
    model.probabilities(buf, 'en', p);
    for (let c = 0; c < K; c++) expect(p[c]).toBeCloseTo(expected[c]!, 12);
    expect(model.gated('en')).toBe(true);
    expect(model.gated('de')).toBe(false);
    const q = new Float64Array(K);
    const r = new Float64Array(K);
    model.probabilities(buf, 'de', q);
    plain.probabilities(buf, 'de', r);
    expect(Array.from(q)).toEqual(Array.from(r));
  });

  it('rejects gate weights of the wrong length', () => {
    expect(
      () =>
        new LinearModel({
          ...base,
          temperatures: {},
          neutralGate: { weights: new Float32Array(3), languages: { sl: 1 } },
        }),
    ).toThrow(/neutral gate has 3 weights/);
  });
});
