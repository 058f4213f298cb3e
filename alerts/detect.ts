import type { AlertRule } from './config.ts';
import {
  baselineOffsets,
  baselineSamples,
  DAY_MS,
  samplesFor,
  type BaselineMethod,
} from './detect-baseline.ts';
import { calibrationFor, score, type CalibrationCache } from './detect-calibration.ts';
import {
  clampShare,
  priorOf,
  rawScore,
  scored,
  STATS,
  type Score,
  type Stat,
} from './detect-stats.ts';
import { MINUTE_MS, type Counts, type MinuteSeries } from './series.ts';
import { noiseFactor, shareShift } from './detect-shift.ts';
import { binomialZ } from './tails.ts';
import { MAD_TO_SIGMA, mad, median } from './detect-robust.ts';

export * from './detect-baseline.ts';
export * from './detect-calibration.ts';
export * from './detect-robust.ts';
export * from './detect-shift.ts';
export * from './detect-stats.ts';

/**
 * Multi-scale detection (docs/alerts.md has the derivation): the rule's window, a third of it,
 * longer ones, and scales of hours and days for quiet brands. Pure: a rule, a series and a
 * time in, a verdict with every number that explains it out. The parts live beside it: robust
 * statistics (detect-robust.ts), baselines (detect-baseline.ts), the statistic table and raw
 * scores (detect-stats.ts), calibration (detect-calibration.ts).
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
 * (rule, series) when evaluating many consecutive windows. `reportedUntilMs`: when the rule's
 * last incident resolved (`reportedUntil`), so a longer scale does not page again for the
 * excess that incident already reported.
 */
export function detect(
  rule: AlertRule,
  series: MinuteSeries,
  endMs: number,
  cache?: CalibrationCache,
  reportedUntilMs?: number,
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
    if (w > rule.windowMs && !newSinceReported(rule, series, endMs, d, reportedUntilMs)) continue;
    // A marginal excess must also have fired one evaluation earlier (same scale): a clear
    // one pages at once.
    if (d.z >= d.threshold + CONFIRM_MARGIN || at(w, endMs - CONFIRM_LAG_MS).firing) return d;
  }
  if (rule.type === 'negative_spike') {
    const shift = shiftDetection(rule, series, endMs, single);
    if (shift !== null && newSinceReported(rule, series, endMs, shift, reportedUntilMs))
      return shift;
  }
  return single.firing ? verdict(single, false) : single;
}

/**
 * `negative_spike`'s share scan (`detect-shift.ts`) as a verdict: the negatives of the best
 * window against what the usual share makes of its scored mentions. A marginal crossing must
 * also hold one evaluation earlier, like the seasonal scales'.
 */
function shiftDetection(
  rule: AlertRule,
  series: MinuteSeries,
  endMs: number,
  single: Detection,
): Detection | null {
  const perMs = rule.minVolume / rule.windowMs;
  const s = shareShift(series, endMs, rule.threshold, perMs);
  if (s === null || s.z < s.threshold) return null;
  if (s.z < s.threshold + CONFIRM_MARGIN) {
    const before = shareShift(series, endMs - CONFIRM_LAG_MS, rule.threshold, perMs);
    if (before === null || before.z < before.threshold) return null;
  }
  const expected = s.scored * s.share;
  const sigma = Math.sqrt(expected * (1 - s.share) * noiseFactor(s, s.scored));
  return verdict(
    {
      ...single,
      window_minutes: s.windowMs / MINUTE_MS,
      observed: s.negatives,
      baseline: round(expected),
      z: round(s.z),
      threshold: round(s.threshold),
      noise_scale: round(sigma),
      secondary: {
        metric: 'negative_share_scan',
        observed: round(s.negatives / s.scored),
        baseline: round(s.share),
        z: round(s.z),
      },
      counts: series.sum(endMs - s.windowMs, endMs),
    },
    true,
  );
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

const PROPORTION_TYPES: ReadonlySet<AlertRule['type']> = new Set(['sentiment_drop', 'sov_shift']);
/** Scored mentions a `sentiment_drop` window must hold to be scored at all. */
const MIN_SENTIMENT_N = 10;
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
 * A scale longer than the rule's window still holds the excess of the rule's last incident for
 * hours after that incident resolved: the same viral post or spike paged again from a window of
 * 8 or 24 hours, 4–6 hours after it ended (rate-band harness, real posts, 3 and 8 an hour: 4 of
 * 14 false alerts). A window that reaches back into what was already reported speaks only when
 * the part after it, `reportedUntilMs` to now (at least the rule's window), crosses the
 * threshold by itself, scored against the window's baseline and noise prorated: the reported
 * excess is not evidence twice. Once the window has slid past it, it is scored as usual.
 */
function newSinceReported(
  rule: AlertRule,
  series: MinuteSeries,
  endMs: number,
  d: Detection,
  reportedUntilMs: number | undefined,
): boolean {
  const w = d.window_minutes * MINUTE_MS;
  if (reportedUntilMs === undefined || reportedUntilMs <= endMs - w) return true;
  const sinceMs = Math.min(w, Math.max(rule.windowMs, endMs - reportedUntilMs));
  return tailZ(rule, series, endMs, d, sinceMs) >= d.threshold;
}

/**
 * The latest rule window scored against a longer scale's detection `d` (its baseline and noise,
 * prorated), in the rule's direction. Infinity when `d` has no noise scale (nothing to prorate).
 */
export function tailZ(
  rule: AlertRule,
  series: MinuteSeries,
  endMs: number,
  d: Detection,
  // The latest rule window, or a quarter of a scale of hours and days (a quiet brand's 15
  // minutes hold no mention; a drift shows over hours, not in the last quarter hour).
  tailMs = Math.max(rule.windowMs, Math.floor(d.window_minutes / 4) * MINUTE_MS),
): number {
  if (d.noise_scale === null || d.noise_scale <= 0) return Number.POSITIVE_INFINITY;
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
      if (main.z < result.threshold) return verdict(result, false);
      // The model's noise is read at the baseline's level. When the baseline's few days
      // disagree (an outage yesterday at this hour, a brand whose quarter hours burst), a
      // centre far below the usual level gives a noise far too small: the window must also
      // stand out from the samples' own spread.
      const values = samples.map((c) => c.total);
      const prior = priorOf(STATS.volume, series, endMs, w);
      return verdict(
        result,
        prior < SPREAD_CHECK_MIN ||
          sampleSpreadZ(main.observed, values, lagDays(base.offsets)) >= SAMPLE_SPREAD_MIN_Z,
      );
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
      // A handful of mentions says nothing of the brand's sentiment: on a quiet day five
      // negatives in half an hour scored z ≈ 6 under the normal tail (rate-band harness,
      // tuning seeds, 300 an hour: three false drops on one quiet day).
      if (scored(counts) < MIN_SENTIMENT_N) return { ...result, reason: 'below_min_volume' };
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

/**
 * A count's window against its baseline samples' own spread: Anscombe's transform of the count
 * and of every sample (unit variance for a Poisson count), the distance from the samples'
 * median in units of their robust spread, widened for a centre known from `days` days only.
 * Shifts within a day share that day's bursts, so the days, not the samples, are what the
 * centre's error shrinks with. The spread is never taken below a Poisson count's (1).
 */
export function sampleSpreadZ(observed: number, samples: readonly number[], days: number): number {
  const a = (x: number) => 2 * Math.sqrt(Math.max(0, x) + 0.375);
  const values = samples.map(a);
  const centre = median(values);
  const spread = Math.max(1, MAD_TO_SIGMA * mad(values, centre));
  return (a(observed) - centre) / (spread * Math.sqrt(1 + Math.PI / (2 * Math.max(1, days))));
}

/** The distinct days a baseline's offsets come from. */
function lagDays(offsets: readonly number[]): number {
  return new Set(offsets.map((o) => Math.round(o / DAY_MS))).size;
}

/**
 * `sampleSpreadZ` a volume spike must also reach. Below it the window is within what the
 * baseline's own days show (chosen on the rate-band harness with bursty quarter hours:
 * docs/benchmarks.md, eighth round).
 */
const SAMPLE_SPREAD_MIN_Z = 2;
/**
 * Mentions a window is expected to hold (the brand's last-week mean) before the check applies:
 * fewer are a handful of discrete values, whose spread the exact Poisson tail already is.
 */
const SPREAD_CHECK_MIN = 20;

function verdict(d: Detection, firing: boolean): Detection {
  return { ...d, firing, reason: firing ? 'fired' : 'within_baseline' };
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : 0;
}
