/**
 * Is a difference real? The tests behind the comparison's verdicts (api/routes/compare.ts), each
 * at the 5 % level (95 %), pure and pinned against published values in significance.test.ts.
 *
 * - Shares (share of voice, positive and negative share): the two-proportion z-test with a
 *   pooled variance (`prop.test(correct = FALSE)` in R): the counts are large and the test is
 *   the one a reader can check by hand.
 * - Volumes (mentions in a period): Poisson counts over equal or unequal exposures; conditioned
 *   on the total, the first count is binomial, so the exact binomial test decides (`poisson.test`
 *   in R), with its normal approximation past 50,000 mentions where the two agree to 3 decimals.
 * - Engagement per mention: a t interval on the mean and Welch's test between brands. Per-mention
 *   engagement is heavily skewed (most mentions get nothing, a few get thousands). A log-normal
 *   interval would describe the geometric mean, not the arithmetic "engagement / mentions" the
 *   table shows, and zeros break the log; a bootstrap needs every mention's value in memory (a
 *   million rows for a month of a large brand). The t interval needs only n, Σx and Σx², read in
 *   the same pass as the sums, and the central limit theorem makes it fair for the mean from a
 *   few dozen mentions on; below 30 mentions we say "too few mentions" instead of a verdict.
 */

export type Verdict = 'higher' | 'lower' | 'no_clear_difference' | 'too_little_data';

export interface TestResult {
  /** Of the first group against the second: higher / lower (p < 0.05), or not clear. */
  verdict: Verdict;
  /** Two-sided p-value; null when there was too little data to test. */
  p_value: number | null;
}

/** Fewer mentions than this in either group: no verdict on a mean (see above). */
export const MIN_MEAN_N = 30;
const ALPHA = 0.05;

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

function decide(diff: number, p: number): TestResult {
  const pValue = Math.min(1, Math.max(0, p));
  return {
    verdict: pValue < ALPHA ? (diff > 0 ? 'higher' : 'lower') : 'no_clear_difference',
    p_value: r4(pValue),
  };
}

/** erf: its Maclaurin series below 2, the continued fraction of erfc above (double precision). */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  if (a < 2) {
    // Maclaurin series: converges fast for |x| < 2 and is exact to double precision there.
    let term = a;
    let sum = a;
    for (let n = 1; n < 60; n++) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  // Continued fraction for erfc (Lentz), accurate for x ≥ 2.
  let f = a;
  let c = a;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = a + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = a + an / c;
    if (c === 0) c = 1e-300;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / (f * Math.sqrt(Math.PI));
  return sign * (1 - erfc);
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/** Two-sided p-value of a z statistic. */
const twoSidedZ = (z: number) => 2 * (1 - normalCdf(Math.abs(z)));

/**
 * Two-proportion z-test, pooled: k1/n1 against k2/n2. Equal to R's
 * `prop.test(c(k1, k2), c(n1, n2), correct = FALSE)` (its X² is z²).
 */
export function twoProportionTest(k1: number, n1: number, k2: number, n2: number): TestResult {
  if (n1 === 0 || n2 === 0) return { verdict: 'too_little_data', p_value: null };
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { verdict: 'no_clear_difference', p_value: 1 };
  return decide(p1 - p2, twoSidedZ((p1 - p2) / se));
}

function logGamma(x: number): number {
  // Lanczos (g = 7, n = 9): 15 significant digits for x > 0.
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = g[0]!;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += g[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

const logChoose = (n: number, k: number) => logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);

/**
 * Exact two-sided binomial test of k successes in n at probability p (R's `binom.test`): the
 * p-value sums every outcome no more likely than the one seen (with R's relative tolerance).
 */
export function binomialTestP(k: number, n: number, p: number): number {
  if (n === 0) return 1;
  if (p <= 0) return k === 0 ? 1 : 0;
  if (p >= 1) return k === n ? 1 : 0;
  const logPmf = (i: number) => logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log(1 - p);
  const observed = logPmf(k);
  const limit = observed + Math.log(1 + 1e-7);
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const l = logPmf(i);
    if (l <= limit) total += Math.exp(l);
  }
  return Math.min(1, total);
}

/** Past this many mentions the exact test's O(n) sum is replaced by its normal approximation. */
const EXACT_POISSON_MAX = 50_000;

/**
 * Two Poisson rates: c1 events over exposure t1 against c2 over t2 (e.g. mentions in two
 * periods, or two brands over the same period with t1 = t2). Conditioned on c1 + c2, c1 is
 * Binomial(c1 + c2, t1 / (t1 + t2)) under equal rates (R's `poisson.test(c(c1, c2), c(t1, t2))`).
 */
export function poissonRateTest(c1: number, t1: number, c2: number, t2: number): TestResult {
  const n = c1 + c2;
  if (t1 <= 0 || t2 <= 0) return { verdict: 'too_little_data', p_value: null };
  if (n === 0) return { verdict: 'no_clear_difference', p_value: 1 };
  const p0 = t1 / (t1 + t2);
  const diff = c1 / t1 - c2 / t2;
  if (n <= EXACT_POISSON_MAX) return decide(diff, binomialTestP(c1, n, p0));
  const z = (c1 - n * p0) / Math.sqrt(n * p0 * (1 - p0));
  return decide(diff, twoSidedZ(z));
}

/** Regularized incomplete beta I_x(a, b) by its continued fraction (Numerical Recipes 6.4). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  const cf = (xx: number, aa: number, bb: number) => {
    const tiny = 1e-300;
    let c = 1;
    let d = 1 - ((aa + bb) * xx) / (aa + 1);
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    let h = d;
    for (let m = 1; m <= 300; m++) {
      const m2 = 2 * m;
      let num = (m * (bb - m) * xx) / ((aa + m2 - 1) * (aa + m2));
      d = 1 + num * d;
      d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
      num = (-(aa + m) * (aa + bb + m) * xx) / ((aa + m2) * (aa + m2 + 1));
      d = 1 + num * d;
      d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      const del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-15) break;
    }
    return h;
  };
  return x < (a + 1) / (a + b + 2) ? (front * cf(x, a, b)) / a : 1 - (front * cf(1 - x, b, a)) / b;
}

/** Student's t CDF with `df` degrees of freedom (df may be fractional: Welch). */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t quantile for a two-sided 95 % interval (t such that CDF = 0.975), by bisection. */
export function tQuantile975(df: number): number {
  let lo = 0;
  let hi = 1000;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < 0.975) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Sufficient statistics of a sample: its size, sum and sum of squares. */
export interface Moments {
  n: number;
  sum: number;
  sumSquares: number;
}

function meanVariance(m: Moments): { mean: number; variance: number } {
  const mean = m.sum / m.n;
  // Σx² − n·mean², clamped: rounding can make it a hair negative when every value is equal.
  const variance = m.n > 1 ? Math.max(0, (m.sumSquares - m.n * mean * mean) / (m.n - 1)) : 0;
  return { mean, variance };
}

/** The mean with its 95 % t interval; the interval is null below MIN_MEAN_N values. */
export function meanWithInterval(m: Moments): {
  value: number | null;
  ci95: [number, number] | null;
} {
  if (m.n === 0) return { value: null, ci95: null };
  const { mean, variance } = meanVariance(m);
  if (m.n < MIN_MEAN_N) return { value: r4(mean), ci95: null };
  const half = tQuantile975(m.n - 1) * Math.sqrt(variance / m.n);
  return { value: r4(mean), ci95: [r4(Math.max(0, mean - half)), r4(mean + half)] };
}

/** Welch's unequal-variance t-test of two means (R's `t.test(x, y)`), from their moments. */
export function welchTest(a: Moments, b: Moments, minN = MIN_MEAN_N): TestResult {
  if (a.n < Math.max(2, minN) || b.n < Math.max(2, minN))
    return { verdict: 'too_little_data', p_value: null };
  const x = meanVariance(a);
  const y = meanVariance(b);
  const va = x.variance / a.n;
  const vb = y.variance / b.n;
  const se = Math.sqrt(va + vb);
  if (se === 0)
    return x.mean === y.mean
      ? { verdict: 'no_clear_difference', p_value: 1 }
      : decide(x.mean - y.mean, 0);
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = (x.mean - y.mean) / se;
  return decide(x.mean - y.mean, 2 * (1 - studentTCdf(Math.abs(t), df)));
}
