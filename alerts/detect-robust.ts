import { negBinomialMidP } from './tails.ts';

/** Robust statistics of the detector: centres and spreads that a past spike does not move. */

export const MAD_TO_SIGMA = 1.4826;

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  // A typed array sorts numerically without a comparator, several times faster: the
  // calibration takes ~40 medians of up to 2,688 values per fit.
  const s = Float64Array.from(xs).sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Mean of the middle half of the values (the interquartile mean: a quarter trimmed from each
 * end). The baseline of counts: as robust to a past spike as the median while the spike covers
 * under a quarter of the samples (one week of four, five neighbours of twenty), and it averages
 * about half of them instead of picking one. The median is inefficient here: on the steep parts
 * of the daily cycle the ±2 neighbouring windows spread out by the trend, and the median then
 * rests on the few samples at the same time of day (measured: docs/alerts.md, "Robust baseline").
 */
export function trimmedMean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const k = Math.floor(s.length / 4);
  let sum = 0;
  for (let i = k; i < s.length - k; i++) sum += s[i]!;
  return sum / (s.length - 2 * k);
}

/** Median absolute deviation from `center`. */
export function mad(xs: readonly number[], center: number): number {
  return median(xs.map((x) => Math.abs(x - center)));
}

/**
 * The samples left after dropping those a Poisson around the mean of the others puts beyond a
 * 1-in-10,000 tail (a past spike in the baseline), twice.
 */
export function screenedSamples(values: readonly number[]): number[] {
  let kept = [...values];
  for (let pass = 0; pass < 2 && kept.length > 2; pass++) {
    const total = kept.reduce((a, b) => a + b, 0);
    const next = kept.filter((v) => {
      const others = (total - v) / (kept.length - 1);
      return negBinomialMidP(v, Math.max(others, 0.05), 1e7) >= 1e-4;
    });
    if (next.length === kept.length || next.length < 2) break;
    kept = next;
  }
  return kept;
}
