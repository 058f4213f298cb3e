import type { AlertRule } from './config.ts';
import { MINUTE_MS, type Counts, type MinuteSeries } from './series.ts';
import { binomialZ, countZ, negBinomialMidP } from './tails.ts';

/**
 * Detection math (docs/alerts.md has the derivation). Pure: a rule, a series and a time in,
 * a verdict with every number that explains it out.
 *
 * Baseline = a robust centre (interquartile mean or median, see `rawScore`) of the same window
 * at seasonal lags (same hour of week when there are two weeks of history, else same hour of
 * day over the last one to seven days), each lag with neighbouring shifts so a few noisy
 * samples do not decide. It ignores past spikes as long as they cover under a quarter (half,
 * for the median) of the samples. A brand with less than a day of history is still learning:
 * its rules do not fire (`insufficient_history`).
 *
 * Noise = the model noise the window must have anyway (Poisson for counts, binomial or
 * multinomial for shares), times a calibration factor measured on up to four past weeks:
 * the robust spread (1.4826·MAD) of the raw z-scores the same detector gave past windows,
 * modelled as over-dispersion that grows with the window's level (busy hours are noisier).
 */

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const MAD_TO_SIGMA = 1.4826;

export type BaselineMethod = 'hour_of_week' | 'hour_of_day';

export interface Baseline {
  method: BaselineMethod;
  /** Start offsets (ms before the observed window) of the samples used. */
  offsets: number[];
}

/**
 * Which past windows form the baseline of the window ending at `endMs`: seasonal lags, each
 * with five neighbours (shifts of −2…+2 windows: non-overlapping, so they are independent
 * samples of nearly the same time of day), kept only where the series has data. Null while
 * there is less than a day of history.
 */
/** Windows longer than this take their baseline from whole days (`baselineOffsets`). */
const MAX_SHIFTED_MS = 2 * 3_600_000;

export function baselineOffsets(
  series: MinuteSeries,
  endMs: number,
  windowMs: number,
): Baseline | null {
  const step = windowMs;
  const valid0 = (offset: number) => series.covers(endMs - windowMs - offset, endMs - offset);
  if (windowMs > MAX_SHIFTED_MS) {
    // Windows of hours and days (quiet brands, slow drifts): the same window on each of the
    // last three weeks' days. Neighbouring shifts would cross the daily cycle.
    const days = Array.from({ length: 21 }, (_, k) => (k + 1) * DAY_MS).filter(valid0);
    return days.length >= 3 ? { method: 'hour_of_day', offsets: days } : null;
  }
  const shifts = [-2, -1, 0, 1, 2].map((j) => j * step);
  const valid = (offset: number) => series.covers(endMs - windowMs - offset, endMs - offset);
  const seasonal = (period: number, lags: number[]): number[] =>
    lags
      .filter((k) => valid(k * period))
      .flatMap((k) => shifts.map((s) => k * period + s).filter(valid));

  // Hour of week: 1–4 weeks back, needs two of them (one week could be the odd one).
  const weekly = seasonal(WEEK_MS, [1, 2, 3, 4]);
  if (weekly.length >= 10) return { method: 'hour_of_week', offsets: weekly };
  // Hour of day: 1–7 days back (weekday and weekend mixed: their difference widens the
  // measured noise instead of biasing the baseline much, as the median takes the majority).
  const daily = seasonal(DAY_MS, [1, 2, 3, 4, 5, 6, 7]);
  if (daily.length >= 5) return { method: 'hour_of_day', offsets: daily };
  return null;
}

/**
 * The hours before a window that measure the current level against each daily lag's. Six: the
 * ratio of two Poisson sums is noisy for quiet brands, and with three hours that noise went
 * straight into a two-day baseline (harness, tuning seed, two days of history, volume spikes:
 * precision 0.90 with three hours, 0.94 with six, 0.90 with twelve, which lag behind the day).
 */
const LEVEL_MS = 6 * 3_600_000;
/**
 * Mentions added to both sides of that ratio: a quiet brand's six hours hold a dozen mentions,
 * whose ratio is mostly noise; with this prior it stays near 1 until the counts can say more.
 */
const LEVEL_PRIOR = 30;
/** Below this ratio the hours before a window are a dip, not a level (`baselineSamples`). */
const DIP_RATIO = 0.4;

/**
 * Counts of the baseline samples of the window ending at `endMs`. Same-hour-of-day samples
 * are rescaled by the ratio of the mention volume in the six hours before the window, now
 * vs on that day: yesterday may have been a Sunday, or the brand may be growing. The ratio
 * is clamped to [0.5, 2] so a spike in those hours cannot move the baseline much, and it
 * scales every count of a sample alike, so shares are unaffected. Same-hour-of-week samples
 * already share the weekday and are used as they are.
 */
export function baselineSamples(
  series: MinuteSeries,
  endMs: number,
  windowMs: number,
  base: Baseline,
): Counts[] {
  const start = endMs - windowMs;
  const levelNow = series.covers(start - LEVEL_MS, start)
    ? series.sum(start - LEVEL_MS, start).total
    : null;
  const ratios = new Map<number, number>();
  const ratio = (offset: number): number => {
    if (base.method !== 'hour_of_day' || levelNow === null) return 1;
    const lag = Math.round(offset / DAY_MS) * DAY_MS;
    let r = ratios.get(lag);
    if (r === undefined) {
      const from = start - LEVEL_MS - lag;
      const raw = series.covers(from, start - lag)
        ? (levelNow + LEVEL_PRIOR) / (series.sum(from, start - lag).total + LEVEL_PRIOR)
        : 1;
      // Six hours below 40 % of that day's are a dip (a holiday, a quiet day, an outage), not
      // the new level: scaling the baseline down by it paged on the ordinary night after it
      // (rate-band harness: most false volume alerts of the busy bands came the night after
      // a holiday or a quiet day).
      r = raw < DIP_RATIO ? 1 : Math.min(2, Math.max(0.5, raw));
      ratios.set(lag, r);
    }
    return r;
  };
  return base.offsets.map((o) => {
    const c = series.sum(start - o, endMs - o);
    const r = ratio(o);
    return r === 1
      ? c
      : {
          total: c.total * r,
          pos: c.pos * r,
          neu: c.neu * r,
          neg: c.neg * r,
          competitors: c.competitors * r,
        };
  });
}

/** Recent windows added to a proportion's hour-of-day baseline: 2 … 6 windows back. */
const RECENT_SHIFTS = [2, 3, 4, 5, 6];

/**
 * The baseline samples a statistic is scored against. Counts: the seasonal samples. A
 * proportion under an hour-of-day baseline also gets the five windows before the previous one
 * (a share has little daily cycle; counts do, so they do not): with two days of history, a
 * shift yesterday at this hour fills half of the seasonal samples and would move their median,
 * and a two-sided rule (share of voice) would then page a day later for the return to normal
 * (harness, two days of history, share of voice: most false alerts came 24 and 48 hours after
 * a past shift). With the recent windows, one bad day is at most a third of the samples.
 */
export function samplesFor(
  stat: Stat,
  series: MinuteSeries,
  endMs: number,
  windowMs: number,
  base: Baseline,
  seasonal: Counts[],
): Counts[] {
  if (stat.kind === 'count' || base.method !== 'hour_of_day') return seasonal;
  const recent = RECENT_SHIFTS.map((k) => endMs - k * windowMs)
    .filter((e) => series.covers(e - windowMs, e))
    .map((e) => series.sum(e - windowMs, e));
  return [...seasonal, ...recent];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
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
  const s = [...xs].sort((a, b) => a - b);
  const k = Math.floor(s.length / 4);
  let sum = 0;
  for (let i = k; i < s.length - k; i++) sum += s[i]!;
  return sum / (s.length - 2 * k);
}

/** Median absolute deviation from `center`. */
export function mad(xs: readonly number[], center: number): number {
  return median(xs.map((x) => Math.abs(x - center)));
}

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
  /** The brand's recent mean of this count per window (a quiet window's prior), if known. */
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
      const a = 0.5 + PRIOR_SAMPLES * priorMean;
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
  // Small samples: their pooled proportion (a median of shares of three mentions is noise).
  const med =
    pooledN / usable.length >= 30
      ? median(usable.map(stat.value))
      : usable.reduce((a, c) => a + stat.value(c) * stat.n(c), 0) / pooledN;
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

/** A count's mean over the last week, per window of `windowMs` (`rawScore`'s prior). */
function priorOf(stat: Stat, series: MinuteSeries, endMs: number, windowMs: number): number {
  if (stat.kind !== 'count') return 0;
  const from = Math.max(series.startMs, series.dataStartMs, endMs - 7 * 86_400_000);
  if (endMs <= from) return 0;
  return (stat.value(series.sum(from, endMs)) * windowMs) / (endMs - from);
}

/** Weight of the brand's mean rate in a quiet count's baseline, in samples (`rawScore`). */
const PRIOR_SAMPLES = 2;

/** Below this centre a count's baseline is the screened mean of its samples (`rawScore`). */
const ROBUST_CENTER_MIN = 20;

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

export interface Calibration {
  /** Median raw z over the recent past: a systematic bias of the baseline (trend). */
  center: number;
  /**
   * Noise factor before over-dispersion: 1 once measured (the measured excess is in
   * `perLevel`), 1.5 while there are too few past windows to measure it.
   */
  scale: number;
  /** Past windows it was measured on. */
  windows: number;
  /**
   * Over-dispersion φ: the raw z's variance is scale²·(1 + φ·level). A count whose rate itself
   * wanders has variance b + φ·b² (negative binomial), i.e. 1 + φ·b on the Anscombe scale; a
   * proportion whose true value wanders, 1 + φ·n. One factor for the whole day would
   * under-state the noise at the daily peak (and page there) and over-state it at night.
   */
  perLevel: number;
}

/**
 * Up to four weeks of non-overlapping past windows, at most this many (four weeks of 15-minute
 * windows). One week held 336 windows of 30 minutes and 168 of an hour: too few to pin the
 * tail the threshold sits in (a spread measured 5 % too low on one brand is a tail at 3.75
 * twice as heavy). Four weeks: harness, tuning seed, quiet 30-minute windows over z 3.5 fell
 * from 1.9 to 0.8 per 10,000 minutes (docs/alerts.md, "Calibration").
 */
const CALIBRATION_WINDOWS = 2688;
/** Counts expected below this in a window are not used to measure over-dispersion. */
const COUNT_CALIBRATION_MIN = 5;
/** Proportions over fewer mentions than this are not used to measure over-dispersion. */
const PROPORTION_CALIBRATION_MIN = 30;
const CALIBRATION_SPAN_MS = 28 * DAY_MS;
/** Without enough past windows to measure the noise, assume it is 50 % above the model. */
const UNCALIBRATED: Calibration = { center: 0, scale: 1.5, windows: 0, perLevel: 0 };

/** The calibrated noise factor of a window at `level`. */
export function scaleAt(cal: Calibration, level: number): number {
  return cal.scale * Math.sqrt(1 + cal.perLevel * level);
}

/**
 * φ such that the robust spread (1.4826·MAD) of the raw z, each divided by √(1 + φ·level),
 * is 1: all the excess over the model noise is put on over-dispersion, which grows with the
 * level. 0 when there is no excess. Bisection: the spread falls as φ grows.
 */
function fitPerLevel(deviations: readonly number[], levels: readonly number[]): number {
  const spread = (phi: number) =>
    MAD_TO_SIGMA * median(deviations.map((d, i) => d / Math.sqrt(1 + phi * levels[i]!)));
  if (spread(0) <= 1) return 0;
  let lo = 0;
  let hi = 1e-3;
  while (spread(hi) > 1 && hi < 1e6) hi *= 4;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (spread(mid) > 1) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Measure the real noise of the detector itself: the raw z of up to four past weeks' windows
 * (each against its own baseline, exactly as it would have been scored), summarised robustly
 * (median, 1.4826·MAD) so past spikes do not inflate it, as a noise factor √(1 + φ·level)
 * that grows with the window's level (`fitPerLevel`). Dividing by it turns raw z into a
 * calibrated z whose tail matches the assumed one, per brand, rule and hour, which is what
 * keeps false alerts per brand-week bounded on noisy brands.
 */
export function calibrate(
  stat: Stat,
  series: MinuteSeries,
  endMs: number,
  windowMs: number,
  method: BaselineMethod,
): Calibration {
  const zs: number[] = [];
  const levels: number[] = [];
  // Windows of hours and days step back by an hour (overlapping): non-overlapping ones would
  // be too few in four weeks to measure anything.
  const stepMs = Math.min(windowMs, 3_600_000);
  const span = Math.floor(CALIBRATION_SPAN_MS / stepMs);
  const stride = Math.max(1, Math.ceil(span / CALIBRATION_WINDOWS));
  for (let k = 1; k <= span; k += stride) {
    const e = endMs - k * stepMs;
    if (!series.covers(e - windowMs, e)) break;
    const base = baselineOffsets(series, e, windowMs);
    // Only windows scored the same way: residuals of a one-day baseline would misstate the
    // noise of a four-week one, and the other way round.
    if (base === null || base.method !== method) continue;
    const s = rawScore(
      stat,
      series.sum(e - windowMs, e),
      samplesFor(stat, series, e, windowMs, base, baselineSamples(series, e, windowMs, base)),
      method,
      priorOf(stat, series, e, windowMs),
    );
    if (s !== null) {
      zs.push(s.zRaw);
      levels.push(Math.max(0, s.level));
    }
  }
  // Counts whose windows hold a handful of mentions: the exact tail is the noise model (a
  // brand that quiet has no measurable excess), and the spread of a few discrete values would
  // be read as one. Only windows of at least COUNT_CALIBRATION_MIN expected are measured.
  if (stat.kind === 'count') {
    const keep = levels.map((l, i) => (l >= COUNT_CALIBRATION_MIN ? i : -1)).filter((i) => i >= 0);
    if (keep.length < 24)
      return levels.length >= 24 || median(levels) < COUNT_CALIBRATION_MIN
        ? { center: 0, scale: 1, windows: keep.length, perLevel: 0 }
        : { ...UNCALIBRATED, windows: keep.length };
    return fitMeasured(keep, zs, levels);
  }
  // Proportions likewise: a share of a few mentions takes a few discrete values, whose spread
  // says nothing of over-dispersion. Windows of fewer than PROPORTION_CALIBRATION_MIN mentions
  // are not measured; a brand with only such windows keeps the binomial model.
  const keep = levels
    .map((l, i) => (l >= PROPORTION_CALIBRATION_MIN ? i : -1))
    .filter((i) => i >= 0);
  if (keep.length < 24)
    return levels.length >= 24
      ? { center: 0, scale: 1, windows: keep.length, perLevel: 0 }
      : { ...UNCALIBRATED, windows: zs.length };
  return fitMeasured(keep, zs, levels);
}

/** Centre and per-level spread of the z-scores of the measured windows (`keep`). */
function fitMeasured(keep: number[], zs: readonly number[], levels: readonly number[]) {
  const kz = keep.map((i) => zs[i]!);
  const center = median(kz);
  const perLevel = fitPerLevel(
    kz.map((z) => Math.abs(z - center)),
    keep.map((i) => levels[i]!),
  );
  return { center, scale: 1, windows: keep.length, perLevel };
}

/** How often a statistic's calibration is measured again: it changes slowly. */
const RECALIBRATE_MS = 6 * 3_600_000;

/**
 * A rule's calibrations between evaluations. `phaseMs` shifts the rule's six-hour boundaries:
 * one calibration over four weeks of windows costs 0.3-0.4 s per statistic, and with every rule
 * recalibrating in the same minute a tick with many rules would outlast the minute (the next
 * tick is then skipped). The evaluator gives each rule its own phase, spreading that work.
 */
export interface CalibrationCache {
  entries: Map<string, Calibration>;
  phaseMs: number;
}

export function calibrationCache(phaseMs = 0): CalibrationCache {
  return {
    entries: new Map(),
    phaseMs: ((phaseMs % RECALIBRATE_MS) + RECALIBRATE_MS) % RECALIBRATE_MS,
  };
}

/** Calibrations change slowly: measured once per six hours per statistic. */
function calibrationFor(
  cache: CalibrationCache | undefined,
  stat: Stat,
  series: MinuteSeries,
  endMs: number,
  windowMs: number,
  method: BaselineMethod,
): Calibration {
  const period = cache ? Math.floor((endMs + cache.phaseMs) / RECALIBRATE_MS) : 0;
  const key = `${stat.name}:${method}:${windowMs}:${period}`;
  const hit = cache?.entries.get(key);
  if (hit) return hit;
  const c = calibrate(stat, series, endMs, windowMs, method);
  if (cache) {
    if (cache.entries.size > 64) cache.entries.clear();
    cache.entries.set(key, c);
  }
  return c;
}

function score(raw: RawScore, cal: Calibration): Score {
  return {
    observed: raw.observed,
    baseline: raw.median + cal.center * raw.sigma0,
    sigma: raw.sigma0 * scaleAt(cal, raw.level),
    z: (raw.zRaw - cal.center) / scaleAt(cal, raw.level),
  };
}

const clampShare = (p: number) => Math.min(0.99, Math.max(0.01, p));

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
      const p = clampShare(median(s.map(negativeShare)));
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
      const pos = median(s.map((c) => c.pos / scored(c)));
      const neg = median(s.map((c) => c.neg / scored(c)));
      return Math.max(0.01, pos + neg - (pos - neg) ** 2);
    },
  },
  share_of_voice: {
    name: 'share_of_voice',
    kind: 'proportion',
    value: shareOfVoice,
    n: (c) => c.total + c.competitors,
    unitVariance: (s) => {
      const p = clampShare(median(s.map(shareOfVoice)));
      return p * (1 - p);
    },
  },
} satisfies Record<string, Stat>;

export interface Detection {
  rule_id: string;
  type: AlertRule['type'];
  /** End of the evaluated window (exclusive), ISO 8601. */
  window_end: string;
  window_minutes: number;
  firing: boolean;
  /** Why not, when not firing for a reason other than "within the baseline". */
  reason:
    'fired' | 'within_baseline' | 'below_min_volume' | 'insufficient_history' | 'below_min_change';
  /** The headline statistic: observed vs baseline with its z-score. */
  metric: 'volume' | 'negative_count' | 'net_sentiment' | 'share_of_voice';
  observed: number;
  baseline: number;
  z: number;
  threshold: number;
  /** Secondary numbers that also had to hold (negative share for negative_spike). */
  secondary: { metric: string; observed: number; baseline: number; z: number } | null;
  baseline_method: BaselineMethod | null;
  baseline_samples: number;
  /** The standard deviation the z-score divided by (model noise × measured excess). */
  noise_scale: number | null;
  /** Counts of the window. */
  counts: Counts;
}

/** History a brand needs before its rules fire (`detect`). */
export const LEARNING_MS = 2 * DAY_MS;

/**
 * Evaluate one rule for the window [endMs − window, endMs). `series` must hold the brand's
 * filtered counts (and the competitor set's for share of voice). Pass one `cache` per
 * (rule, series) when evaluating many consecutive windows.
 */
export function detect(
  rule: AlertRule,
  series: MinuteSeries,
  endMs: number,
  cache?: CalibrationCache,
): Detection {
  const at = (w: number, end: number): Detection => detectScale(rule, series, end, w, cache);
  const single = at(rule.windowMs, endMs);
  if (single.reason === 'insufficient_history') return single;
  // A baseline of a single day is one sample of every hour: its errors paged more than any
  // incident did (rate-band harness, second day: half the false alerts of a busy brand). A
  // brand learns for LEARNING_MS before its rules speak.
  if (endMs - Math.max(series.startMs, series.dataStartMs) < LEARNING_MS)
    return { ...single, firing: false, reason: 'insufficient_history' };
  const rate = recentRatePerMinute(series, endMs);
  const scales = [...scalesOf(rule.windowMs, rule.type), ...longScales(rule, rate)];
  for (const w of scales) {
    // The sub-window finds a sharp spike of a busy brand sooner; a quiet brand's few mentions
    // there only add chances of a false alert.
    if (w < rule.windowMs && (statRate(rule, rate) * w) / MINUTE_MS < MIN_SUB_WINDOW_COUNT)
      continue;
    // A proportion of a few mentions is too coarse for its normal tail: such scales are left
    // to the longer ones.
    if (PROPORTION_TYPES.has(rule.type) && (rate.total * w) / MINUTE_MS < MIN_PROPORTION_N)
      continue;
    const d = w === rule.windowMs ? single : at(w, endMs);
    if (!d.firing) continue;
    if (w > rule.windowMs && !stillElevated(rule, series, endMs, d)) continue;
    // A marginal excess must also have fired one evaluation earlier (same scale): a clear
    // one pages at once, and so does the two-window scale of an hour-of-week baseline
    // (`scaleExtra`).
    if (
      d.z >= d.threshold + CONFIRM_MARGIN ||
      (w === 2 * rule.windowMs && d.baseline_method === 'hour_of_week') ||
      at(w, endMs - CONFIRM_LAG_MS).firing
    )
      return d;
  }
  return single.firing ? verdict(single, false) : single;
}

/**
 * The rule scored over one window length `w` ending at `endMs` (one of `scalesOf`), with the
 * minimum volume that scale answers to: a sub-window answers to the rule's minimum volume over
 * the whole rule window, a longer scale to the minimum volume times its length.
 */
export function detectScale(
  rule: AlertRule,
  series: MinuteSeries,
  endMs: number,
  w: number,
  cache?: CalibrationCache,
): Detection {
  return w < rule.windowMs
    ? detectAt(
        rule,
        series,
        endMs,
        w,
        rule.minVolume,
        series.sum(endMs - rule.windowMs, endMs),
        cache,
      )
    : detectAt(
        rule,
        series,
        endMs,
        w,
        (rule.minVolume * w) / rule.windowMs,
        series.sum(endMs - w, endMs),
        cache,
      );
}

/**
 * An excess less than this far above the threshold must also have fired one evaluation
 * earlier, on the same scale (precision); a larger one pages at once (speed). Chosen on the
 * harness's tuning seeds (docs/alerts.md, "Persistence").
 */
const CONFIRM_MARGIN = 1;
const CONFIRM_LAG_MS = MINUTE_MS;
/**
 * Extra threshold when the baseline is the same hour of day over one to seven days: its few
 * samples and its short calibration make the z-score's tail heavier than with four weeks.
 */
const HOUR_OF_DAY_EXTRA = 0.25;
/**
 * A longer scale holds a spike for a while after it ends. It speaks only while the latest rule
 * window, scored against the longer scale's own baseline and noise (prorated), is still this
 * many standard deviations beyond it: an incident then resolves a cooldown after the shift
 * ends, not a cooldown after the longest window has let go of it. (Not the rule window's own
 * z: with an hour-of-day baseline its level correction already counts the spike's first part
 * as the new normal.)
 */
const STILL_ELEVATED_Z = 1;
/** Rule types whose statistic is a count: the only ones scored on the w / 3 sub-window. */
const SUB_WINDOW_TYPES: ReadonlySet<AlertRule['type']> = new Set([
  'volume_spike',
  'negative_spike',
]);
/**
 * A two-sided test (share of voice, `direction: both`) crosses a threshold t in either
 * direction, twice as often as a one-sided one. Its threshold t' has the one-sided tail:
 * 2·Q(t') = Q(t), and as Q(t) ≈ φ(t)/t for the normal tail, t' ≈ t + ln 2 / t (0.18 at 3.75).
 */
export function twoSidedExtra(threshold: number): number {
  return Math.LN2 / threshold;
}
/**
 * The two-window scale decides whether a shift is found within two windows: a shift of 3 noise
 * levels per window scores 3·√2 ≈ 4.2 there (less after the baseline's own error: 3.6 on the
 * harness), and only from the end of its second window on. So, with an hour-of-week baseline,
 * it has a lower threshold and pages at once, without the one-minute confirmation (which would
 * put such a shift a minute past two windows). Not with an hour-of-day one (a few days of
 * history): its z has a heavier tail, and on the tuning seed the change found no short-history
 * spike sooner and cost precision (docs/alerts.md, "Scales").
 */
const TWO_WINDOW_EXTRA = -0.25;

/**
 * `negative_spike`'s second test: the window's negatives against the number its positive and
 * neutral mentions imply (`negative_given_others`). Its noise leaves out the brand's common-mode
 * wander (the whole rate drifts 10–15 % per quarter hour on the harness), which a negative
 * storm does not share, so on busy, wandering brands it sees a storm sooner than the seasonal
 * count does; on steady brands it is the noisier of the two (it also carries the noise of the
 * other mentions). Either test pages. This one answers to the threshold plus
 * `GIVEN_OTHERS_EXTRA` (the union of two tests crosses more often than either), and only while
 * the count is at least `GIVEN_OTHERS_GUARD_Z` above its seasonal baseline: fewer positive
 * mentions alone raise it too, and that is not a negative spike. Both chosen on the harness's
 * tuning seed (docs/alerts.md, "Negatives given the other mentions").
 */
const GIVEN_OTHERS_EXTRA = 0.25;
const GIVEN_OTHERS_GUARD_Z = 1;

/** Added to the rule's threshold on scale `w` of a rule of window `ruleWindowMs`. */
export function scaleExtra(w: number, ruleWindowMs: number, method: BaselineMethod): number {
  return w === 2 * ruleWindowMs && method === 'hour_of_week' ? TWO_WINDOW_EXTRA : 0;
}

const PROPORTION_TYPES: ReadonlySet<AlertRule['type']> = new Set(['sentiment_drop', 'sov_shift']);
/** Mentions a proportion's window must be expected to hold (`detect`). */
const MIN_PROPORTION_N = 30;

/** Longer scales stop here: beyond it their neighbour samples drift across the daily cycle. */
const MAX_SCALE_MS = 2 * 3_600_000;

function stillElevated(
  rule: AlertRule,
  series: MinuteSeries,
  endMs: number,
  d: Detection,
): boolean {
  // Scales of hours and days hold an incident long after it ended: their last quarter must be
  // clearly elevated itself, or the same incident would open again after its cooldown.
  const min =
    d.window_minutes * MINUTE_MS > MAX_SCALE_MS ? LONG_STILL_ELEVATED_Z : STILL_ELEVATED_Z;
  return tailZ(rule, series, endMs, d) >= min;
}
const LONG_STILL_ELEVATED_Z = 2;

/**
 * The latest rule window scored against a longer scale's detection `d` (its baseline and noise,
 * prorated), in the rule's direction. Infinity when `d` has no noise scale (nothing to prorate).
 */
export function tailZ(rule: AlertRule, series: MinuteSeries, endMs: number, d: Detection): number {
  if (d.noise_scale === null || d.noise_scale <= 0) return Number.POSITIVE_INFINITY;
  // The latest rule window, or a quarter of a scale of hours and days (a quiet brand's 15
  // minutes hold no mention; a drift shows over hours, not in the last quarter hour).
  const tailMs = Math.max(rule.windowMs, Math.floor(d.window_minutes / 4) * MINUTE_MS);
  const part = tailMs / (d.window_minutes * MINUTE_MS);
  const stat = STATS[d.metric];
  const tail = stat.value(series.sum(endMs - tailMs, endMs));
  const z =
    stat.kind === 'count'
      ? (tail - d.baseline * part) / (d.noise_scale * Math.sqrt(part))
      : (tail - d.baseline) / (d.noise_scale / Math.sqrt(part));
  const directed =
    rule.type === 'sentiment_drop'
      ? -z
      : rule.type === 'sov_shift' && rule.direction !== 'up'
        ? Math.abs(z)
        : z;
  return directed;
}

/**
 * Scales of hours and days, for brands too quiet to show a change within two hours: each is
 * added while the longest so far is expected to hold fewer than `LONG_SCALE_TARGET` of the
 * rule's statistic (negatives for a negative spike, mentions otherwise). The windows adapt to
 * the brand's rate: a brand at 3 mentions an hour is judged over up to a day (three days for
 * sentiment), one at 300 never needs them.
 */
export const LONG_SCALES_MS = [4, 8, 24, 48, 72].map((h) => h * 3_600_000);
const LONG_SCALE_TARGET: Record<AlertRule['type'], number> = {
  volume_spike: 60,
  negative_spike: 30,
  sentiment_drop: 400,
  sov_shift: 400,
};
const LONG_SCALE_MAX_MS: Record<AlertRule['type'], number> = {
  volume_spike: 24 * 3_600_000,
  negative_spike: 24 * 3_600_000,
  sentiment_drop: 72 * 3_600_000,
  sov_shift: 24 * 3_600_000,
};

/** The expected count of a rule's statistic a sub-window must reach to be scored. */
const MIN_SUB_WINDOW_COUNT = 10;

/** Per minute, what a rule counts: negatives for a negative spike, else mentions. */
function statRate(rule: AlertRule, perMinute: RecentRate): number {
  return rule.type === 'negative_spike'
    ? perMinute.neg
    : rule.type === 'sov_shift'
      ? perMinute.total + perMinute.competitors
      : perMinute.total;
}

export function longScales(rule: AlertRule, perMinute: RecentRate): number[] {
  const rate = statRate(rule, perMinute);
  const base = scalesOf(rule.windowMs, rule.type);
  let longest = Math.max(...base);
  const out: number[] = [];
  for (const w of LONG_SCALES_MS) {
    if (w <= longest || w > LONG_SCALE_MAX_MS[rule.type]) continue;
    if ((rate * longest) / MINUTE_MS >= LONG_SCALE_TARGET[rule.type]) break;
    out.push(w);
    longest = w;
  }
  return out;
}

export interface RecentRate {
  total: number;
  neg: number;
  competitors: number;
}

/** Mean counts per minute over the last week held (the brand's rate, for `longScales`). */
export function recentRatePerMinute(series: MinuteSeries, endMs: number): RecentRate {
  const from = Math.max(series.startMs, series.dataStartMs, endMs - 7 * 86_400_000);
  const minutes = Math.max(1, (endMs - from) / MINUTE_MS);
  const c = series.sum(from, endMs);
  return { total: c.total / minutes, neg: c.neg / minutes, competitors: c.competitors / minutes };
}

/** The window lengths evaluated for a rule of window w. */
export function scalesOf(w: number, type: AlertRule['type'] = 'volume_spike'): number[] {
  const out = [w];
  // A third of the window (windows of 15 minutes and more): a sharp spike of mentions shows
  // there first. Not for proportions: a third of the mentions gives a share too noisy for
  // the normal tail (on the harness, share-of-voice rules: 0.63 false alerts per brand-week
  // with it, 0.29 without; sentiment: docs/alerts.md).
  if (w >= 15 * MINUTE_MS && SUB_WINDOW_TYPES.has(type))
    out.push(Math.round(w / 3 / MINUTE_MS) * MINUTE_MS);
  // Twice the window always (as before), four times while it stays within two hours: a
  // shift lasting k windows is √k times clearer over k windows.
  out.push(2 * w);
  if (4 * w <= MAX_SCALE_MS) out.push(4 * w);
  return out;
}

function detectAt(
  rule: AlertRule,
  series: MinuteSeries,
  endMs: number,
  w: number,
  minVolume: number,
  volumeCounts: Counts,
  cache?: CalibrationCache,
): Detection {
  const counts = series.sum(endMs - w, endMs);
  const base = baselineOffsets(series, endMs, w);
  const metricOf: Record<AlertRule['type'], Detection['metric']> = {
    volume_spike: 'volume',
    negative_spike: 'negative_count',
    sentiment_drop: 'net_sentiment',
    sov_shift: 'share_of_voice',
  };
  const metric = metricOf[rule.type];
  const result: Detection = {
    rule_id: rule.id,
    type: rule.type,
    window_end: new Date(endMs).toISOString(),
    window_minutes: w / MINUTE_MS,
    firing: false,
    reason: 'insufficient_history',
    metric,
    observed: round(STATS[metric].value(counts)),
    baseline: 0,
    z: 0,
    threshold:
      rule.threshold +
      (base?.method === 'hour_of_day' ? HOUR_OF_DAY_EXTRA : 0) +
      (base ? scaleExtra(w, rule.windowMs, base.method) : 0) +
      (rule.type === 'sov_shift' && rule.direction === 'both' ? twoSidedExtra(rule.threshold) : 0),
    secondary: null,
    baseline_method: base?.method ?? null,
    baseline_samples: base?.offsets.length ?? 0,
    noise_scale: null,
    counts,
  };
  if (base === null) return result;
  const samples = baselineSamples(series, endMs, w, base);
  const scoreOf = (stat: Stat): Score | null => {
    const raw = rawScore(
      stat,
      counts,
      samplesFor(stat, series, endMs, w, base, samples),
      base.method,
      priorOf(stat, series, endMs, w),
    );
    if (raw === null) return null;
    const cal = calibrationFor(cache, stat, series, endMs, w, base.method);
    return score(raw, cal);
  };
  const main = scoreOf(STATS[metric]);
  if (main === null) return { ...result, reason: 'below_min_volume' };
  result.baseline = round(main.baseline);
  result.z = round(main.z);
  result.noise_scale = round(main.sigma);

  switch (rule.type) {
    case 'volume_spike': {
      if (volumeCounts.total < minVolume) return { ...result, reason: 'below_min_volume' };
      return verdict(result, main.z >= result.threshold);
    }
    case 'negative_spike': {
      const scoredShare = scoreOf(STATS.negative_share);
      // A share of fewer than MIN_PROPORTION_N mentions: its exact binomial tail, not the
      // normal one (which made one negative of one mention a z of 8).
      const share =
        scoredShare !== null && scored(counts) < MIN_PROPORTION_N
          ? {
              ...scoredShare,
              z: Math.min(
                scoredShare.z,
                binomialZ(counts.neg, scored(counts), clampShare(scoredShare.baseline)),
              ),
            }
          : scoredShare;
      if (share !== null)
        result.secondary = {
          metric: 'negative_share',
          observed: round(share.observed),
          baseline: round(share.baseline),
          z: round(share.z),
        };
      if (volumeCounts.neg < minVolume) return { ...result, reason: 'below_min_volume' };
      // The count must spike and the share must rise too: more negatives only because there
      // are more mentions overall is a volume spike, not a negative one.
      if (main.z >= result.threshold && (share?.z ?? 0) >= result.threshold / 2)
        return verdict(result, true);
      // Or: the share of negatives jumped without a matching volume rise (complaints
      // replacing the usual mentions), with the count itself up.
      if (
        share !== null &&
        share.z >= result.threshold + GIVEN_OTHERS_EXTRA &&
        main.z >= GIVEN_OTHERS_GUARD_Z
      )
        return verdict(result, true);
      // Or: the negatives against what this window's other mentions imply (not on the
      // sub-window, too few mentions there), with the count itself up (`GIVEN_OTHERS_GUARD_Z`).
      const given = w < rule.windowMs ? null : scoreOf(STATS.negative_given_others);
      if (
        given === null ||
        given.z < result.threshold + GIVEN_OTHERS_EXTRA ||
        main.z < GIVEN_OTHERS_GUARD_Z
      )
        return verdict(result, false);
      return verdict(
        {
          ...result,
          baseline: round(given.baseline),
          z: round(given.z),
          threshold: result.threshold + GIVEN_OTHERS_EXTRA,
          noise_scale: round(given.sigma),
          secondary: {
            metric: 'negative_count_seasonal',
            observed: result.observed,
            baseline: result.baseline,
            z: result.z,
          },
        },
        true,
      );
    }
    case 'sentiment_drop': {
      result.z = round(-main.z); // a drop is this rule's positive direction
      if (scored(volumeCounts) < minVolume) return { ...result, reason: 'below_min_volume' };
      return verdict(result, -main.z >= result.threshold);
    }
    case 'sov_shift': {
      if (volumeCounts.total + volumeCounts.competitors < minVolume)
        return { ...result, reason: 'below_min_volume' };
      const delta = main.observed - main.baseline;
      if (Math.abs(delta) < rule.minChange) return { ...result, reason: 'below_min_change' };
      const dirOk =
        rule.direction === 'both' ? true : rule.direction === 'up' ? delta > 0 : delta < 0;
      return verdict(result, dirOk && Math.abs(main.z) >= result.threshold);
    }
  }
}

function verdict(d: Detection, firing: boolean): Detection {
  return { ...d, firing, reason: firing ? 'fired' : 'within_baseline' };
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : 0;
}
