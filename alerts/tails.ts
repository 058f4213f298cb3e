/**
 * Exact tails for small counts (docs/alerts.md, "Quiet brands"). A quiet brand's window holds
 * a handful of mentions: the normal approximation (or Anscombe's) misstates how rare 4
 * negatives are when 0.2 are expected, by orders of magnitude. These give the mid-p tail of the
 * count's predictive distribution and turn it into a z-score (the normal quantile of the same
 * tail), so every statistic keeps one threshold scale.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x), Lanczos (g = 7, n = 9): 15 significant digits for x > 0. */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (xx + i);
  return LOG_SQRT_2PI + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta (Numerical Recipes' betacf). */
function betacf(a: number, b: number, x: number): number {
  const FPMIN = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-12) break;
  }
  return h;
}

/** I_x(a, b), the regularized incomplete beta function. */
export function betaInc(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  return x < (a + 1) / (a + b + 2)
    ? (Math.exp(lbt) * betacf(a, b, x)) / a
    : 1 - (Math.exp(lbt) * betacf(b, a, 1 - x)) / b;
}

/**
 * The normal quantile of an upper tail probability p: z with Q(z) = p. Acklam's rational
 * approximation (relative error 1e-9), valid down to the smallest doubles.
 */
export function zOfUpperTail(p: number): number {
  if (!(p > 0)) return 40;
  if (p >= 1) return -40;
  const q = 1 - p;
  // Lower-tail quantile of q, by symmetry −quantile(p).
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
    -3.066479806614716e1, 2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
    -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lowerQuantile = (u: number, tail: number): number => {
    // u: the lower-tail probability; tail = min(u, 1 − u) computed without cancellation.
    if (tail < 0.02425) {
      const r = Math.sqrt(-2 * Math.log(tail));
      const v =
        (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) /
        ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
      return u < 0.5 ? v : -v;
    }
    const s = u - 0.5;
    const r = s * s;
    return (
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * s) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
    );
  };
  return lowerQuantile(q, Math.min(p, q));
}

/**
 * Mid-p upper tail of a count x under a negative binomial of mean m and shape r (a Poisson
 * whose rate is itself uncertain: Gamma with mean m and relative variance 1/r):
 * P(X > x) + ½·P(X = x). r = ∞ is the Poisson.
 */
export function negBinomialMidP(x: number, m: number, r: number): number {
  if (m <= 0) return x > 0 ? 0 : 0.5;
  const k = Math.max(0, Math.round(x));
  // q: the "success" probability of the NB with shape r; P(X ≤ k) = I_q(r, k + 1).
  const shape = Math.min(r, 1e7);
  const q = shape / (shape + m);
  const logPmf =
    logGamma(k + shape) -
    logGamma(shape) -
    logGamma(k + 1) +
    shape * Math.log(q) +
    k * Math.log1p(-q);
  const above = k + 1 > 0 ? betaInc(1 - q, k + 1, shape) : 1; // P(X ≥ k + 1)
  return above + 0.5 * Math.exp(logPmf);
}

/**
 * The z-score of a count x against a baseline mean m estimated from `exposure` windows like
 * this one (its sampling error makes the predictive tail heavier: a Gamma posterior of the
 * rate, shape m·exposure + 1). Exact for small counts; above `NORMAL_ABOVE` expected the
 * Anscombe-scaled normal is as good and cheaper.
 */
export function countZ(x: number, m: number, exposure: number): number {
  const shape = m * exposure;
  if (m >= NORMAL_ABOVE)
    return (2 * (Math.sqrt(x + 0.375) - Math.sqrt(m + 0.375))) / Math.sqrt(1 + m / shape);
  return zOfUpperTail(negBinomialMidP(x, Math.max(m, 1e-6), shape));
}
const NORMAL_ABOVE = 400;

/**
 * The z-score of k successes in n trials at probability p, from the exact binomial mid-p tail
 * P(X > k) + ½·P(X = k): a share of a handful of mentions (one negative of one is not a
 * z of 8, as the normal approximation made it).
 */
export function binomialZ(k: number, n: number, p: number): number {
  if (n <= 0) return 0;
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  const above = k + 1 <= n ? betaInc(q, k + 1, n - k) : 0; // P(X ≥ k + 1)
  const logPmf =
    logGamma(n + 1) -
    logGamma(k + 1) -
    logGamma(n - k + 1) +
    k * Math.log(q) +
    (n - k) * Math.log1p(-q);
  return zOfUpperTail(above + 0.5 * Math.exp(logPmf));
}
