import type { BaselineMethod } from './detect-baseline.ts';
import { median, screenedSamples, trimmedMean } from './detect-robust.ts';
import type { Counts, MinuteSeries } from './series.ts';
import { countZ } from './tails.ts';

/**
 * The statistic table: what each rule type measures of a window (`STATS`), its noise model,
 * and the raw score of a window against its baseline samples (`rawScore`), before calibration.
 */

export interface Score {
  observed: number;
  /** The expected value: centre of the samples, corrected by the calibration's bias. */
  baseline: number;
  /** Standard deviation the z-score divides by (noise model × calibration scale). */
  sigma: number;
  /** (observed − baseline) / sigma: positive above the baseline. */
  z: number;
}

/**
 * A statistic of a window and its noise model. Counts: Poisson (σ₀ = √b). Proportions (a
 * share, net sentiment, share of voice) over n mentions: σ₀ = √(v(baseline)/n) with v the
 * variance of one mention's contribution. Conditional counts (negatives given the other
 * mentions): Poisson around the number the other count implies (`rawScore`). Real traffic is
 * noisier than these models (over-dispersion, baseline error, leftover seasonality):
 * `calibrate` measures by how much.
 */
export interface Stat {
  name: string;
  kind: 'count' | 'proportion' | 'conditional';
  value: (c: Counts) => number;
  /**
   * Mentions the proportion is over (ignored for counts); for a conditional count, the other
   * count whose rate it is expected from.
   */
  n: (c: Counts) => number;
  /** Per-mention variance at the baseline, from the baseline samples (proportions only). */
  unitVariance: (samples: readonly Counts[]) => number;
}

export interface RawScore {
  observed: number;
  /** Centre of the baseline samples (the median, or the interquartile mean: `rawScore`). */
  median: number;
  sigma0: number;
  zRaw: number;
  /**
   * What over-dispersion grows with (see `Calibration.perLevel`): the baseline count for
   * counts, the window's mentions for proportions.
   */
  level: number;
}

/**
 * Observed statistic vs the centre of its baseline samples, in units of model noise. The centre
 * is the median, except for counts against an hour-of-week baseline: the interquartile mean
 * (`trimmedMean`). With four weeks a past spike is one week of four, a quarter of the samples,
 * which the trimmed mean drops; with an hour-of-day baseline over two days it can be half of
 * them, which only the median ignores.
 */
export function rawScore(
  stat: Stat,
  counts: Counts,
  samples: readonly Counts[],
  method: BaselineMethod = 'hour_of_day',
  /**
   * The brand's recent value of the statistic over the last week (`priorOf`): a count's mean
   * per window (a quiet window's prior), a proportion's value (the prior of a baseline of few
   * mentions); NaN when unknown.
   */
  priorMean = 0,
): RawScore | null {
  const observed = stat.value(counts);
  if (stat.kind === 'count') {
    const values = samples.map(stat.value);
    let med = method === 'hour_of_week' ? trimmedMean(values) : median(values);
    // A quiet brand's samples are mostly 0s and 1s: their median or trimmed mean is biased
    // low (it trims the few that carry the rate). Below ROBUST_CENTER_MIN, the mean of the
    // samples left after dropping the ones a Poisson around the others' mean makes absurd.
    let exposure = values.length;
    if (!(med >= ROBUST_CENTER_MIN)) {
      // The posterior mean of the rate (Jeffreys prior): never 0, so the first mention of a
      // window that has always been empty is unusual, not impossible.
      // The prior is the brand's mean rate for a window this long, worth PRIOR_SAMPLES
      // samples: ten empty nights do not prove the next one must stay empty.
      const kept = screenedSamples(values);
      const a = 0.5 + PRIOR_SAMPLES * (Number.isFinite(priorMean) ? priorMean : 0);
      exposure = kept.length + PRIOR_SAMPLES;
      med = (kept.reduce((x, y) => x + y, 0) + a) / exposure;
    }
    const sigma0 = Math.sqrt(Math.max(med, 1));
    // The mid-p tail of the count under a Poisson whose rate is known only from the samples
    // (tails.ts `countZ`), as a z-score: exact for the handful of mentions of a quiet brand's
    // window, where Anscombe's transform understated how rare a burst is and a normal
    // (x − b)/√b overstated it.
    const zRaw = countZ(observed, med, exposure);
    return { observed, median: med, sigma0, zRaw, level: med };
  }
  const usable = samples.filter((c) => stat.n(c) > 0);
  if (stat.kind === 'conditional') {
    // A count x against the rate another count N implies: expected E = r·N with r the median
    // ratio x/N of the samples. Given the rate both are Poisson, so x − r·N has variance
    // r·N·(1 + r) whatever the rate (which moves x and N alike): on Anscombe's scale, the
    // excess over (1 + r). Not the ratio x/N itself with a proportion's noise: with N in the
    // denominator its right tail is far heavier (docs/alerts.md, step 3a).
    if (usable.length < 3) return null;
    // Pooled over the samples when they are small: a median of ratios of a few mentions each
    // is often 0, which would make any negative look infinitely unlikely.
    const pooledN = usable.reduce((a, c) => a + stat.n(c), 0);
    const r =
      pooledN / usable.length >= 50
        ? median(usable.map((c) => stat.value(c) / stat.n(c)))
        : usable.reduce((a, c) => a + stat.value(c), 0) / pooledN;
    const expected = stat.n(counts) * r;
    // Too few to say anything on Anscombe's scale: the seasonal count speaks alone.
    if (expected < 2) return null;
    return {
      observed,
      median: expected,
      sigma0: Math.sqrt(Math.max(expected, 1) * (1 + r)),
      zRaw: (2 * (Math.sqrt(observed + 0.375) - Math.sqrt(expected + 0.375))) / Math.sqrt(1 + r),
      level: expected,
    };
  }
  if (usable.length < 3 || stat.n(counts) === 0) return null;
  const pooledN = usable.reduce((a, c) => a + stat.n(c), 0);
  // Small samples: their pooled proportion (a median of shares of three mentions is noise),
  // with the brand's value over the last week worth PRIOR_MENTIONS mentions. A quiet brand's
  // twenty samples hold a mention each: a baseline share of negatives read off them alone was
  // often 0 (clamped to 1 %), and then three negatives of three mentions scored a z of 4.9
  // (rate-band harness, tuning seeds, 3 an hour: the false `negative_spike` alerts).
  const prior = stat.kind === 'proportion' && Number.isFinite(priorMean) ? PRIOR_MENTIONS : 0;
  const med =
    pooledN / usable.length >= SMALL_SAMPLE_MENTIONS
      ? median(usable.map(stat.value))
      : (usable.reduce((a, c) => a + stat.value(c) * stat.n(c), 0) +
          prior * (prior ? priorMean : 0)) /
        (pooledN + prior);
  const v = Math.max(stat.unitVariance(usable), 1e-4);
  const sigma0 = Math.sqrt(v / stat.n(counts));
  return {
    observed,
    median: med,
    sigma0,
    zRaw: (observed - med) / sigma0,
    level: stat.n(counts),
  };
}

/**
 * `rawScore`'s prior, from the last week: a count's mean per window of `windowMs`, a
 * proportion's value (NaN when the week holds no mention), 0 for a conditional count.
 */
export function priorOf(stat: Stat, series: MinuteSeries, endMs: number, windowMs: number): number {
  if (stat.kind === 'conditional') return 0;
  const from = Math.max(series.startMs, series.dataStartMs, endMs - 7 * 86_400_000);
  if (endMs <= from) return stat.kind === 'count' ? 0 : Number.NaN;
  const c = series.sum(from, endMs);
  if (stat.kind === 'proportion') return stat.n(c) > 0 ? stat.value(c) : Number.NaN;
  return (stat.value(c) * windowMs) / (endMs - from);
}

/** Weight of the brand's last-week value in a proportion's baseline of few mentions. */
const PRIOR_MENTIONS = 30;

/** Below this many mentions per sample on average, a proportion's samples are pooled. */
const SMALL_SAMPLE_MENTIONS = 30;

/**
 * A share of the baseline samples (`part` of `whole`): the median of their shares, or their
 * pooled share when they are small, as the baseline itself is (`rawScore`). The median of
 * shares of a mention or two each is 0 or 1: a quiet brand's negative share read that way was
 * 0, clamped to 1 %, and its noise p(1 − p) a sixteenth of the real one, so one negative of two
 * mentions scored z 4.3.
 */
function sampleShare(
  samples: readonly Counts[],
  part: (c: Counts) => number,
  whole: (c: Counts) => number,
): number {
  const n = samples.reduce((a, c) => a + whole(c), 0);
  if (n === 0) return 0;
  if (n / samples.length < SMALL_SAMPLE_MENTIONS)
    return samples.reduce((a, c) => a + part(c), 0) / n;
  return median(samples.map((c) => (whole(c) === 0 ? 0 : part(c) / whole(c))));
}

/** Weight of the brand's mean rate in a quiet count's baseline, in samples (`rawScore`). */
const PRIOR_SAMPLES = 2;

/** Below this centre a count's baseline is the screened mean of its samples (`rawScore`). */
const ROBUST_CENTER_MIN = 20;

export const clampShare = (p: number) => Math.min(0.99, Math.max(0.01, p));

export const scored = (c: Counts) => c.pos + c.neu + c.neg;
export const negativeShare = (c: Counts) => (scored(c) === 0 ? 0 : c.neg / scored(c));
/** Scored mentions that are not negative: what a negative spike leaves alone. */
export const others = (c: Counts) => c.pos + c.neu;
export const netSentiment = (c: Counts) => (scored(c) === 0 ? 0 : (c.pos - c.neg) / scored(c));
export const shareOfVoice = (c: Counts) =>
  c.total + c.competitors === 0 ? 0 : c.total / (c.total + c.competitors);

const none = () => 0;
export const STATS = {
  volume: {
    name: 'volume',
    kind: 'count',
    value: (c) => c.total,
    n: (c) => c.total,
    unitVariance: none,
  },
  negative_count: {
    name: 'negative_count',
    kind: 'count',
    value: (c) => c.neg,
    n: (c) => c.neg,
    unitVariance: none,
  },
  negative_share: {
    name: 'negative_share',
    kind: 'proportion',
    value: negativeShare,
    n: scored,
    unitVariance: (s) => {
      const p = clampShare(sampleShare(s, (c) => c.neg, scored));
      return p * (1 - p);
    },
  },
  negative_given_others: {
    name: 'negative_given_others',
    kind: 'conditional',
    value: (c) => c.neg,
    n: others,
    unitVariance: none,
  },
  net_sentiment: {
    name: 'net_sentiment',
    kind: 'proportion',
    value: netSentiment,
    n: scored,
    // Variance of a +1/0/−1 score with the baseline's positive and negative shares.
    unitVariance: (s) => {
      const pos = sampleShare(s, (c) => c.pos, scored);
      const neg = sampleShare(s, (c) => c.neg, scored);
      return Math.max(0.01, pos + neg - (pos - neg) ** 2);
    },
  },
  share_of_voice: {
    name: 'share_of_voice',
    kind: 'proportion',
    value: shareOfVoice,
    n: (c) => c.total + c.competitors,
    unitVariance: (s) => {
      const p = clampShare(
        sampleShare(
          s,
          (c) => c.total,
          (c) => c.total + c.competitors,
        ),
      );
      return p * (1 - p);
    },
  },
} satisfies Record<string, Stat>;
