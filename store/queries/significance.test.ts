import { describe, expect, it } from 'vitest';
import {
  binomialTestP,
  meanWithInterval,
  normalCdf,
  poissonRateTest,
  studentTCdf,
  tQuantile975,
  twoProportionTest,
  welchTest,
  type Moments,
} from './significance.ts';

const moments = (xs: number[]): Moments => ({
  n: xs.length,
  sum: xs.reduce((s, x) => s + x, 0),
  sumSquares: xs.reduce((s, x) => s + x * x, 0),
});

// Reference values from R 4.x (stats package), as printed by the calls named in each case.
describe('significance tests against published values', () => {
  it('normal CDF: pnorm(1.959964) = 0.975, pnorm(-1) = 0.1586553, pnorm(3) = 0.9986501', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 6);
    expect(normalCdf(3)).toBeCloseTo(0.9986501, 6);
  });

  it('Student t: pt(2, 10) = 0.9633062, qt(0.975, 10) = 2.228139, qt(0.975, 29) = 2.04523', () => {
    expect(studentTCdf(2, 10)).toBeCloseTo(0.9633062, 6);
    expect(studentTCdf(-2, 10)).toBeCloseTo(1 - 0.9633062, 6);
    expect(tQuantile975(10)).toBeCloseTo(2.228139, 5);
    expect(tQuantile975(29)).toBeCloseTo(2.04523, 5);
  });

  it('two proportions: prop.test(c(45, 30), c(100, 100), correct = FALSE): X² = 4.8, p = 0.02846', () => {
    expect(twoProportionTest(45, 100, 30, 100)).toEqual({ verdict: 'higher', p_value: 0.0285 });
    expect(twoProportionTest(30, 100, 45, 100)).toEqual({ verdict: 'lower', p_value: 0.0285 });
    // 45 % against 40 % of 100 each (by hand: pooled 0.425, z = 0.7152, X² = 0.5115): p = 0.4745.
    expect(twoProportionTest(45, 100, 40, 100)).toEqual({
      verdict: 'no_clear_difference',
      p_value: 0.4745,
    });
    expect(twoProportionTest(1, 0, 3, 10).verdict).toBe('too_little_data');
  });

  it('exact binomial: binom.test(682, 925, p = 0.75) p = 0.3825; binom.test(7, 20) p = 0.2632', () => {
    expect(binomialTestP(682, 925, 0.75)).toBeCloseTo(0.3825, 4);
    expect(binomialTestP(7, 20, 0.5)).toBeCloseTo(0.2632, 4);
  });

  it('Poisson rates: poisson.test(c(11, 21), c(800, 3011)) p = 0.07967 (R documentation example)', () => {
    expect(poissonRateTest(11, 800, 21, 3011)).toEqual({
      verdict: 'no_clear_difference',
      p_value: 0.0797,
    });
    // Same exposure: 30 mentions against 15 is binom.test(30, 45): p = 0.03567.
    expect(poissonRateTest(30, 1, 15, 1)).toEqual({ verdict: 'higher', p_value: 0.0357 });
    // Large counts take the normal approximation: 100,000 vs 99,000 over equal time, z = 2.2417.
    const big = poissonRateTest(100_000, 1, 99_000, 1);
    expect(big.verdict).toBe('higher');
    expect(big.p_value).toBeCloseTo(0.025, 3);
  });

  it('Welch: t.test on R’s sleep data (extra ~ group): t = −1.8608, df = 17.776, p = 0.07939', () => {
    const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    expect(welchTest(moments(g1), moments(g2), 2)).toEqual({
      verdict: 'no_clear_difference',
      p_value: 0.0794,
    });
    // With the default minimum (30 values each), ten values are too few for a verdict.
    expect(welchTest(moments(g1), moments(g2)).verdict).toBe('too_little_data');
  });

  it('mean interval: t.test(x)$conf.int for x = 0..39 is 15.85 to 23.15 (mean 19.5)', () => {
    const xs = Array.from({ length: 40 }, (_, i) => i);
    // sd = 11.69045, se = 1.848423, qt(0.975, 39) = 2.022691: 19.5 ± 3.738793.
    expect(meanWithInterval(moments(xs))).toEqual({ value: 19.5, ci95: [15.7612, 23.2388] });
    expect(meanWithInterval(moments([1, 2, 3]))).toEqual({ value: 2, ci95: null });
    expect(meanWithInterval({ n: 0, sum: 0, sumSquares: 0 })).toEqual({ value: null, ci95: null });
  });
});
