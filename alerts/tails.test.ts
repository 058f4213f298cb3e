import { describe, expect, it } from 'vitest';
import { betaInc, countZ, negBinomialMidP, zOfUpperTail } from './tails.ts';

/** Poisson P(X ≤ k), summed term by term. */
function poissonCdf(m: number, k: number): number {
  let s = 0;
  let t = Math.exp(-m);
  for (let i = 0; i <= k; i++) {
    s += t;
    t *= m / (i + 1);
  }
  return s;
}

describe('exact tails for small counts', () => {
  it('the normal quantile of an upper tail', () => {
    expect(zOfUpperTail(0.5)).toBeCloseTo(0, 8);
    expect(zOfUpperTail(0.001)).toBeCloseTo(3.0902, 3);
    expect(zOfUpperTail(0.999)).toBeCloseTo(-3.0902, 3);
    expect(zOfUpperTail(1e-10)).toBeCloseTo(6.3613, 3);
  });

  it('the incomplete beta at known values', () => {
    expect(betaInc(0.5, 2, 2)).toBeCloseTo(0.5, 10);
    expect(betaInc(0.3, 1, 1)).toBeCloseTo(0.3, 10);
    expect(betaInc(0.2, 1, 3)).toBeCloseTo(1 - 0.8 ** 3, 10);
  });

  it('a negative binomial of huge shape is the Poisson, mid-p', () => {
    for (const [x, m] of [
      [0, 0.2],
      [4, 0.2],
      [3, 1.5],
      [12, 5],
    ] as const) {
      const exact = 1 - poissonCdf(m, x) + 0.5 * (poissonCdf(m, x) - poissonCdf(m, x - 1));
      expect(negBinomialMidP(x, m, 1e7)).toBeCloseTo(exact, 6);
    }
  });

  it('4 mentions where 0.2 are expected is rare, and rarer the surer the baseline', () => {
    // Anscombe's transform gave z ≈ 2.9 here: a quiet brand's burst could never page.
    const sure = countZ(4, 0.2, 1000);
    const unsure = countZ(4, 0.2, 10);
    expect(sure).toBeGreaterThan(3.9);
    expect(unsure).toBeLessThan(sure);
    expect(unsure).toBeGreaterThan(3);
    expect(countZ(0, 5, 20)).toBeLessThan(-2);
  });
});
