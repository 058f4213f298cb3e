import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../core/random.ts';
import {
  argmax,
  fitHead,
  gatedProbabilities,
  headLogits,
  languageWeights,
  standardize,
  standardizer,
  unstandardize,
  type HeadRow,
} from './accurate.ts';

const DIMS = 8;

/** Three classes along dimension 0 (neg < 0 < pos), noise elsewhere, an offset on every dimension. */
function rows(n: number, lang: string, seed: number): HeadRow[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const y = i % 3;
    const x = Float32Array.from({ length: DIMS }, (_, k) =>
      k === 0 ? (y - 1) * 0.2 + (rand() - 0.5) * 0.1 + 0.5 : rand() * 0.3 + 0.5,
    );
    return { lang, y, x };
  });
}

describe('accurate tier heads', () => {
  const train = [...rows(300, 'aa', 1), ...rows(60, 'bb', 2)];
  const std = standardizer(train, DIMS);

  it('learn a separable problem, and the raw-space weights give the same logits', () => {
    const z = standardize(train, std);
    const w = fitHead(z, DIMS, { l2: 1e-3, iterations: 150, weights: languageWeights(train) });
    const test = rows(90, 'aa', 3);
    const raw = unstandardize(w, std, DIMS);
    const out = new Float64Array(3);
    let right = 0;
    for (const r of test) {
      headLogits(raw, r.x, DIMS, out);
      if (argmax(out) === r.y) right++;
    }
    expect(right / test.length).toBeGreaterThan(0.9);
    const a = new Float64Array(3);
    headLogits(w, standardize([test[0]!], std)[0]!.x, DIMS, a);
    headLogits(raw, test[0]!.x, DIMS, out);
    for (let c = 0; c < 3; c++) expect(out[c]).toBeCloseTo(a[c]!, 2);
  });

  it('a language head is pulled towards its prior where its data say nothing', () => {
    const prior = Float64Array.from({ length: (DIMS + 1) * 3 }, (_, q) => (q % 5) * 0.1);
    const w = fitHead([], DIMS, { l2: 1, iterations: 50, prior });
    expect(Array.from(w)).toEqual(Array.from(prior));
  });

  it('every language weighs the same in total', () => {
    const w = languageWeights(train);
    const sum = (lang: string) => train.reduce((a, r, i) => a + (r.lang === lang ? w[i]! : 0), 0);
    expect(sum('aa')).toBeCloseTo(sum('bb'), 6);
  });

  it('gated probabilities take neutral from the shared head and sum to 1', () => {
    const p = new Float64Array(3);
    gatedProbabilities(Float64Array.from([0, 99, 2]), 1, Float64Array.from([0, 3, 0]), 1, p);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 9);
    expect(argmax(p)).toBe(1); // the shared head is sure it is neutral
    expect(p[2]!).toBeGreaterThan(p[0]!); // the language head's own 99 on neutral is ignored
  });
});
