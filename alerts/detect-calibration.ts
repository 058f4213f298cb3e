import {
  baselineOffsets,
  baselineSamples,
  dayScreen,
  DAY_MS,
  levelUncorrected,
  samplesFor,
  type BaselineMethod,
} from './detect-baseline.ts';
import { MAD_TO_SIGMA, median } from './detect-robust.ts';
import { priorOf, rawScore, type RawScore, type Score, type Stat } from './detect-stats.ts';
import type { MinuteSeries } from './series.ts';

/**
 * Calibration: the detector's real noise, measured on up to four past weeks of its own raw
 * z-scores, as a factor that grows with the window's level (over-dispersion), cached per rule.
 */

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
  /** Distinct days the measured windows end on (`WANDER_MEASURED_DAYS`). */
  days: number;
  /** The noise factor is never below this (a borrowed calibration, `calibrationFor`). */
  floor?: number;
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
const UNCALIBRATED: Calibration = { center: 0, scale: 1.5, windows: 0, perLevel: 0, days: 0 };
/**
 * Below this many distinct days of measured windows, a calibration has not seen the day-to-day
 * wander of what it measures: its windows share one or two days' levels, so that wander reads as
 * their centre, not their spread. A statistic no day level corrects (a share, the negatives
 * given the others) then takes the day's wander as large as the within-day wander it did
 * measure (`youngWander`), as the share scan does with fewer than five daily blocks
 * (detect-shift.ts). Not counts: their level is corrected after a day's first hours, and a
 * doubled φ in those hours lost a planted spike at 3,000 an hour on day 4 (seeds 21–22) and
 * removed no false alert. A brand whose share wanders by a fifth from day to day
 * and hour to hour paged in its first three days (rate-band harness, `--mix-wander 0.2`, seeds
 * 21–22: 11 of 21 false alerts fell on days 3–5).
 */
const WANDER_MEASURED_DAYS = 5;
/** Past windows a calibration must have measured to stand on its own. */
const MEASURED_WINDOWS = 24;
/**
 * Windows from 30 minutes to two hours borrow (`calibrationFor`): the detection scales whose
 * half is itself a scale (15 minutes and more). Longer windows belong to quiet brands, whose
 * few mentions leave the model's tail as their noise model anyway.
 */
const BORROW_MS = [30 * 60_000, 2 * 3_600_000] as const;
/** Calibrations of this many statistics, windows and classes kept before older ones go. */
const CACHE_ENTRIES = 256;

/**
 * `cal` with its over-dispersion doubled while it spans fewer than `WANDER_MEASURED_DAYS`
 * days: the unmeasured day wander assumed as large as the measured within-day one. A brand
 * whose windows show no excess (φ = 0) is unchanged.
 */
export function youngWander(cal: Calibration): Calibration {
  return cal.days < WANDER_MEASURED_DAYS && cal.windows >= MEASURED_WINDOWS
    ? { ...cal, perLevel: 2 * cal.perLevel }
    : cal;
}

/** The calibrated noise factor of a window at `level`. */
export function scaleAt(cal: Calibration, level: number): number {
  return Math.max(cal.floor ?? 0, cal.scale * Math.sqrt(1 + cal.perLevel * level));
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
  /**
   * Counts only: measure only the past windows of this class of `levelUncorrected` (true: the
   * first hours of a day, whose baselines carry the day-to-day wander), or every window when
   * undefined.
   */
  uncorrected?: boolean,
): Calibration {
  const zs: number[] = [];
  const levels: number[] = [];
  const ends: number[] = [];
  // Windows of hours and days step back by an hour (overlapping): non-overlapping ones would
  // be too few in four weeks to measure anything.
  const stepMs = Math.min(windowMs, 3_600_000);
  const span = Math.floor(CALIBRATION_SPAN_MS / stepMs);
  const stride = Math.max(1, Math.ceil(span / CALIBRATION_WINDOWS));
  for (let k = 1; k <= span; k += stride) {
    const e = endMs - k * stepMs;
    if (!series.covers(e - windowMs, e)) break;
    if (uncorrected !== undefined && levelUncorrected(e - windowMs, e) !== uncorrected) continue;
    // Not the windows of a dip (a holiday, a quiet day): scored against ordinary days they
    // sit far below, and a quarter of the windows that far off inflated the measured noise by
    // half, hiding the next week's incidents (rate-band harness, tuning seeds, 300 an hour:
    // a doubling of the negatives scored 3 after a quiet day).
    if (dayScreen(series, e, windowMs).dip(0)) continue;
    // Every past window scored the same way (`baselineOffsets`' `method`): residuals of a
    // one-day baseline would misstate the noise of a four-week one, and the other way round.
    const base = baselineOffsets(series, e, windowMs, method);
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
      ends.push(e);
    }
  }
  // Counts whose windows hold a handful of mentions: the exact tail is the noise model (a
  // brand that quiet has no measurable excess), and the spread of a few discrete values would
  // be read as one. Only windows of at least COUNT_CALIBRATION_MIN expected are measured.
  if (stat.kind === 'count') {
    const keep = levels.map((l, i) => (l >= COUNT_CALIBRATION_MIN ? i : -1)).filter((i) => i >= 0);
    if (keep.length < MEASURED_WINDOWS)
      return levels.length >= MEASURED_WINDOWS || median(levels) < COUNT_CALIBRATION_MIN
        ? { center: 0, scale: 1, windows: keep.length, perLevel: 0, days: daysOf(keep, ends) }
        : { ...UNCALIBRATED, windows: keep.length };
    return fitMeasured(keep, zs, levels, ends);
  }
  // Proportions likewise: a share of a few mentions takes a few discrete values, whose spread
  // says nothing of over-dispersion. Windows of fewer than PROPORTION_CALIBRATION_MIN mentions
  // are not measured; a brand with only such windows keeps the binomial model. A conditional
  // count's level is its expected count, measured from COUNT_CALIBRATION_MIN like a count's.
  const min = stat.kind === 'conditional' ? COUNT_CALIBRATION_MIN : PROPORTION_CALIBRATION_MIN;
  const keep = levels.map((l, i) => (l >= min ? i : -1)).filter((i) => i >= 0);
  if (keep.length < MEASURED_WINDOWS)
    return levels.length >= MEASURED_WINDOWS
      ? { center: 0, scale: 1, windows: keep.length, perLevel: 0, days: daysOf(keep, ends) }
      : { ...UNCALIBRATED, windows: zs.length };
  // No bias correction for a conditional count: its expectation comes from the window's own
  // other mentions, so it follows the level with no lag to correct, while the windows kept
  // (those expecting the most) are the ones whose other mentions ran high by chance, whose z
  // is low. That selection read as a bias of −2 noise levels, and its correction paged on any
  // window with a z of 2 (rate-band harness, tuning seeds, 300 an hour: most false
  // negative-spike alerts of weeks 3 and 4).
  //
  // The negative share's centre is never below 0: it is `negative_spike`'s, which pages upwards,
  // and a negative centre (past baselines ran high) is what a past drift in the lags of the
  // measured windows leaves, not a property of today's baseline; its correction raised every
  // z of the weeks after by the drift's bias (rate-band harness, fresh seed 32, 300 an hour:
  // c = −0.55 to −0.70 on days 24–27, after a drift on days 6–8, and four false alerts).
  if (stat.name === 'negative_share')
    return fitMeasured(keep, zs, levels, ends, Math.max(0, median(keep.map((i) => zs[i]!))));
  return fitMeasured(keep, zs, levels, ends, stat.kind === 'conditional' ? 0 : undefined);
}

/**
 * Centre (the median, unless `fixedCenter`) and per-level spread around it of the z-scores of
 * the measured windows (`keep`).
 */
function fitMeasured(
  keep: number[],
  zs: readonly number[],
  levels: readonly number[],
  ends: readonly number[],
  fixedCenter?: number,
): Calibration {
  const kz = keep.map((i) => zs[i]!);
  const center = fixedCenter ?? median(kz);
  const perLevel = fitPerLevel(
    kz.map((z) => Math.abs(z - center)),
    keep.map((i) => levels[i]!),
  );
  return { center, scale: 1, windows: keep.length, perLevel, days: daysOf(keep, ends) };
}

/** Distinct UTC days the measured windows (`keep`, indices into `ends`) end on. */
function daysOf(keep: readonly number[], ends: readonly number[]): number {
  return new Set(keep.map((i) => Math.floor((ends[i]! - 1) / DAY_MS))).size;
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
export function calibrationFor(
  cache: CalibrationCache | undefined,
  stat: Stat,
  series: MinuteSeries,
  endMs: number,
  windowMs: number,
  method: BaselineMethod,
): Calibration {
  const period = cache ? Math.floor((endMs + cache.phaseMs) / RECALIBRATE_MS) : 0;
  const measure = (uncorrected?: boolean): Calibration => {
    const key = `${period}|${stat.name}:${method}:${windowMs}:${uncorrected ?? ''}`;
    const hit = cache?.entries.get(key);
    if (hit) return hit;
    const c = calibrate(stat, series, endMs, windowMs, method, uncorrected);
    if (cache) {
      // Only the entries of earlier periods go: clearing them all re-measured this period's
      // at a later minute, which both cost the measurement again and changed its numbers.
      if (cache.entries.size >= CACHE_ENTRIES)
        for (const k of cache.entries.keys())
          if (!k.startsWith(`${period}|`) && !k.startsWith(`${period - 1}|`))
            cache.entries.delete(k);
      cache.entries.set(key, c);
    }
    return c;
  };
  const own = measure();
  // Too few past windows of this length (a young brand's windows of an hour and more): its
  // over-dispersion is read from the half-length windows, which are twice as many. φ is the
  // squared wander of the rate or the share, and that does not average away within an hour.
  // Assuming only "50 % above the model" (`UNCALIBRATED`) left a busy young brand's hour at a
  // fifth of its real noise when its share wandered: its 60-minute windows paged on days 3–4
  // (rate-band harness, `--mix-wander 0.2`, 3,000 an hour, seeds 21–22: four false alerts).
  if (own.windows < MEASURED_WINDOWS && windowMs >= BORROW_MS[0] && windowMs <= BORROW_MS[1]) {
    const half = Math.round(windowMs / 2 / 60_000) * 60_000;
    const shorter = calibrationFor(cache, stat, series, endMs, half, method);
    if (shorter.windows >= MEASURED_WINDOWS)
      return { ...shorter, center: 0, scale: 1, floor: UNCALIBRATED.scale };
  }
  // A level-free statistic's day wander (`youngWander`): a share, a conditional count.
  if (stat.kind !== 'count') return youngWander(own);
  // A count's windows early in the day are scored without the day's level (`levelUncorrected`):
  // a busy brand's day runs a few per cent off its usual level, which is several noise levels
  // of such a window, while the rest of the day is corrected for it. Measured together, the
  // corrected majority set the noise, and the first hours of a high day paged (rate-band
  // harness, fresh seeds, 3,000 an hour: 7 of 12 false alerts between 00:20 and 01:10 UTC).
  // Such a window takes the noisier of the whole day's calibration and its own class's (past
  // windows also scored without their day's level): lacking a correction, it cannot be less
  // noisy than the rest, and alone the class's fewer windows (a sixth) measured less at night
  // and paged there instead (held-out seeds, 300 and 3,000 an hour: four early negative spikes).
  if (!levelUncorrected(endMs - windowMs, endMs)) return own;
  return noisier(own, measure(true));
}

/**
 * The more cautious of two calibrations: the larger bias (a higher expected value) and the
 * larger noise at every level. An unmeasured one (too few windows) leaves the other as it is.
 */
export function noisier(a: Calibration, b: Calibration): Calibration {
  if (b.windows < MEASURED_WINDOWS) return a;
  return {
    center: Math.max(a.center, b.center),
    scale: Math.max(a.scale, b.scale),
    windows: b.windows,
    perLevel: Math.max(a.perLevel, b.perLevel),
    days: b.days,
    floor: Math.max(a.floor ?? 0, b.floor ?? 0),
  };
}

export function score(raw: RawScore, cal: Calibration): Score {
  return {
    observed: raw.observed,
    baseline: raw.median + cal.center * raw.sigma0,
    sigma: raw.sigma0 * scaleAt(cal, raw.level),
    z: (raw.zRaw - cal.center) / scaleAt(cal, raw.level),
  };
}
