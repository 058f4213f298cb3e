import { median } from './detect-robust.ts';
import type { Stat } from './detect-stats.ts';
import type { Counts, MinuteSeries } from './series.ts';

/**
 * Baselines (docs/alerts.md): which past windows a window is compared with, and their counts.
 * Seasonal lags (same hour of week with two weeks of history, else same hour of day over the
 * last one to seven days), each with neighbouring shifts; days that were dips left out, days
 * of the same type (weekday, weekend) preferred, and those of the other type level-corrected.
 */

export const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export type BaselineMethod = 'hour_of_week' | 'hour_of_day';

export interface Baseline {
  method: BaselineMethod;
  /** Start offsets (ms before the observed window) of the samples used. */
  offsets: number[];
}

/*
 * The detector's baseline is the same hour of day (of the same day type) over the last days,
 * whatever the history. The same hour of week over one to four weeks, which it took from three
 * weeks of history on, is chosen only when asked for (`baselineOffsets`' `method`): two to four
 * samples of an hour a week apart carry the weeks' own wander, and its z-scores' tail was heavier
 * than its calibration measured. Rate-band harness over eight weeks (events in the first four),
 * held-out seeds 21–22, false alerts per brand-week at 3 / 30 / 300 / 3,000 an hour: 0.51, 0.96,
 * 0.76, 0.32 with the hour of week from week three, 0.32, 0.32, 0.13, 0.06 without, recall
 * unchanged (docs/benchmarks.md, sixth round).
 */

/** Windows longer than this take their baseline from whole days (`baselineOffsets`). */
const MAX_SHIFTED_MS = 2 * 3_600_000;
const HALF_DAY_MS = DAY_MS / 2;
/** The neighbouring windows of a lag reach at least this far either side (`baselineOffsets`). */
const MIN_SHIFT_REACH_MS = 30 * 60_000;
const MIN_SHIFT_SPACING_MS = 10 * 60_000;
/**
 * A lag whose day (the 24 hours around its sample) holds less than this share of the recent
 * days' is a dip (a holiday, a quiet day, an outage) and is not a baseline sample. Reasoned, not
 * tuned: a holiday runs at 30–50 % of a day and a day's level wanders by a few per cent, so
 * anything between separates them; at 0.75 a quiet brand's normal day (whose count alone
 * varies by 10–15 %) is dropped rarely, and then only one sample of several is lost.
 */
const DIP_DAY = 0.75;
/** Mentions added to both sides of that comparison (a quiet brand's day is a few dozen). */
const DIP_DAY_PRIOR = 20;

/** The value a third of the way down from the largest (NaN when there are none). */
export function upperThird(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => b - a);
  return s[Math.ceil(s.length / 3) - 1]!;
}

export type DayType = 'weekday' | 'weekend';

/** Saturday and Sunday (UTC) are the weekend: brands are quieter then, or busier. */
export function dayType(ms: number): DayType {
  // 1970-01-01 was a Thursday (4); no Date object: this runs for every calibration window.
  const d = (Math.floor(ms / DAY_MS) + 4) % 7;
  return d === 0 || d === 6 ? 'weekend' : 'weekday';
}

/** The last seven days, as offsets: the days a reference level is taken from. */
const RECENT_DAYS = [1, 2, 3, 4, 5, 6, 7].map((k) => k * DAY_MS);

/**
 * For the window ending at `endMs`: whether the day around the same window `offset` earlier
 * was a dip (`DIP_DAY`; offset 0 is the window's own day, once 12 hours past it are held),
 * and whether it was of the same day type. The reference is the upper third of the last
 * week's days (of today's type when two exist), not their median: with two or three days of
 * history one of them may be the dip.
 */
export function dayScreen(
  series: MinuteSeries,
  endMs: number,
  windowMs: number,
): { dip: (offset: number) => boolean; sameType: (offset: number) => boolean } {
  const center = endMs - windowMs / 2;
  const level = (offset: number): number | null => {
    const c = center - offset;
    return series.covers(c - HALF_DAY_MS, c + HALF_DAY_MS)
      ? series.total(c - HALF_DAY_MS, c + HALF_DAY_MS)
      : null;
  };
  const today = dayType(endMs - windowMs);
  const sameType = (offset: number) => dayType(endMs - windowMs - offset) === today;
  const levelsOf = (offsets: number[]) => offsets.map(level).filter((l): l is number => l !== null);
  const sameLevels = levelsOf(RECENT_DAYS.filter(sameType));
  const reference = upperThird(sameLevels.length >= 2 ? sameLevels : levelsOf(RECENT_DAYS));
  /** The whole UTC day the lag's sample falls in (past days only; null when not held). */
  const calendarDay = (offset: number): number | null => {
    if (offset < DAY_MS) return null;
    const d = Math.floor((center - offset) / DAY_MS) * DAY_MS;
    return series.covers(d, d + DAY_MS) ? series.total(d, d + DAY_MS) : null;
  };
  const low = (l: number | null) =>
    l !== null && (l + DIP_DAY_PRIOR) / (reference + DIP_DAY_PRIOR) < DIP_DAY;
  // The 24 hours around the sample, or its own day: near midnight the 24 hours around a
  // holiday's first or last hour are half a normal day and passed as one (rate-band harness,
  // held-out seeds, 3,000 an hour: a Saturday 00:20 scored against a quiet Saturday's samples
  // of 3–8 mentions where 160 are usual, and paged).
  const dip = (offset: number): boolean =>
    Number.isFinite(reference) && (low(level(offset)) || low(calendarDay(offset)));
  return { dip, sameType };
}

/**
 * Which past windows form the baseline of the window ending at `endMs`: seasonal lags, each
 * with five neighbours (shifts of −2…+2 windows: non-overlapping, so they are independent
 * samples of nearly the same time of day), kept only where the series has data. Null while
 * there is less than a day of history.
 *
 * Lags that fell on a dip (`DIP_DAY`: a holiday, a quiet day) are left out: with two or three
 * weeks of history one such day is a third to a half of the hour-of-week samples, and a
 * baseline that follows it pages all the next week on that weekday (rate-band harness, tuning
 * seeds: the Monday after a quiet Monday, the Thursday after a quiet and a holiday Thursday).
 * The hour-of-day baseline takes lags of the same day type (weekday or weekend) when there
 * are two: a Sunday against five weekdays leaned on the level correction, which a holiday
 * before it threw off; only while a brand has no such day yet are the other type's lags used,
 * rescaled (`baselineSamples`).
 */
export function baselineOffsets(
  series: MinuteSeries,
  endMs: number,
  windowMs: number,
  /**
   * The calibration's: score a past window the way the current one is. `hour_of_week` only when
   * asked for (the note at the top of this file: the detector never asks).
   */
  method?: BaselineMethod,
): Baseline | null {
  const step = windowMs;
  const valid = (offset: number) => series.covers(endMs - windowMs - offset, endMs - offset);
  const { dip, sameType } = dayScreen(series, endMs, windowMs);
  const recent = RECENT_DAYS;
  /** Lag offsets of the usable days: no dips, and of today's type when `min` of them are. */
  const pick = (lags: number[], min: number): number[] => {
    const ok = lags.filter((o) => valid(o) && !dip(o));
    const same = ok.filter(sameType);
    return same.length >= min ? same : ok;
  };
  if (windowMs > MAX_SHIFTED_MS) {
    // Windows of hours and days (quiet brands, slow drifts): the same window on each of the
    // last three weeks' days. Neighbouring shifts would cross the daily cycle.
    const days = pick(
      Array.from({ length: 21 }, (_, k) => (k + 1) * DAY_MS),
      3,
    );
    return days.length >= 3 ? { method: 'hour_of_day', offsets: days } : null;
  }
  // At least half an hour either side: a sub-window of five minutes with ±2 neighbours spans
  // 25 minutes of each lag day, one or two quarter hours, and one low quarter hour yesterday
  // became the whole baseline (docs/alerts.md, step 1). Spaced ten minutes apart there: seven
  // samples a day, not thirteen (the baseline and its calibration are summed per sample).
  const spacing = Math.max(step, MIN_SHIFT_SPACING_MS);
  const reach = Math.max(2, Math.ceil(MIN_SHIFT_REACH_MS / spacing));
  const shifts = Array.from({ length: 2 * reach + 1 }, (_, j) => (j - reach) * spacing);
  const withShifts = (lags: number[]): number[] =>
    lags.flatMap((lag) => shifts.map((s) => lag + s).filter(valid));

  // Hour of week: 1–4 weeks back, needs two of them (one week could be the odd one). Only when
  // asked for: the detector's own choice is the hour of day (the note at the top of this file).
  const weeks =
    method === 'hour_of_week'
      ? [1, 2, 3, 4].map((k) => k * WEEK_MS).filter((o) => valid(o) && !dip(o))
      : [];
  const weekly = withShifts(weeks);
  if (weeks.length >= 2 && weekly.length >= 10) return { method: 'hour_of_week', offsets: weekly };
  if (method === 'hour_of_week') return null;
  // Hour of day: 1–7 days back, of today's type when two such days exist.
  const daily = withShifts(pick(recent, 2));
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
 * The level of the day so far against the same hours `lagMs` (whole days) earlier: the median
 * over the whole hours of the window's own UTC day before `startMs` (the last `LEVEL_HOURS` of
 * them) of each hour's ratio (mentions + prior), or null when fewer than `MIN_LEVEL_HOURS` are
 * held. The window's own day: a brand's level wanders from day to day, and the hours before a
 * Monday morning are a Sunday's (which scaled Monday's baseline to the weekend's level and
 * paged all morning). A median of hours, not a ratio of sums: an incident or a dip in a few of
 * them (a launch, a holiday's end) does not move it, while the day's level moves every hour.
 */
export function hourlyLevelRatio(
  series: MinuteSeries,
  startMs: number,
  lagMs: number,
): number | null {
  const dayStart = Math.floor(startMs / DAY_MS) * DAY_MS;
  const hours = Math.min(LEVEL_HOURS, Math.floor((startMs - dayStart) / HOUR_MS));
  if (hours < MIN_LEVEL_HOURS) return null;
  const from = startMs - hours * HOUR_MS;
  if (!series.covers(from - lagMs, startMs)) return null;
  const ratios = new Float64Array(hours);
  for (let h = 0; h < hours; h++) {
    const a = from + h * HOUR_MS;
    ratios[h] =
      (series.total(a, a + HOUR_MS) + HOUR_LEVEL_PRIOR) /
      (series.total(a - lagMs, a + HOUR_MS - lagMs) + HOUR_LEVEL_PRIOR);
  }
  ratios.sort();
  const mid = hours >> 1;
  return hours % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
}

/** Fewer whole hours of the day than this before a window (the night): no level correction. */
const MIN_LEVEL_HOURS = 4;
const HOUR_MS = 3_600_000;

/**
 * Whether the window [startMs, endMs) is scored without its day's level: too few of its day's
 * hours precede it for `hourlyLevelRatio` (the first hours of a UTC day), or it runs past
 * midnight into a day whose level nothing has corrected for (the correction is its start's
 * day's). Its counts are then noisier than the rest of the day's by the day-to-day wander, and
 * are calibrated apart (`calibrationFor`).
 */
export function levelUncorrected(startMs: number, endMs: number): boolean {
  const day = Math.floor(startMs / DAY_MS) * DAY_MS;
  return startMs - day < MIN_LEVEL_HOURS * HOUR_MS || endMs - 1 >= day + DAY_MS;
}
/**
 * At most this many hours make a lag's level correction (`hourlyLevelRatio`): a dip or an
 * incident must fill half of them to move the median.
 */
const LEVEL_HOURS = 12;
/** Mentions added to both sides of each hour's ratio: a quiet brand's ratio stays near 1. */
const HOUR_LEVEL_PRIOR = 20;
/**
 * The correction a same-type lag takes from the day's level `today` (`hourlyLevelRatio`; null
 * in the day's first hours). Within `LEVEL_BAND` it is applied; below it, nothing; above it,
 * the band's edge, unless the brand's volume rose for good (`risen`, `risenLevel`). Then the
 * lag takes the rise since its own day, also before the day's level is known: that rise over
 * the week's rise at the lag (`riseAtLag`, `dayRise`), so a lag from after the rise is not
 * scaled up again. A brand whose volume doubled for good (a keyword added to its search, a
 * following that stays) had its baseline held at the band's edge until the old days left its
 * samples two days later, and its rules paged or held one incident open meanwhile. Only
 * upwards: a baseline scaled down by a lasting drop that then ends (a holiday's last hours)
 * pages on the ordinary hours after it.
 */
function sameTypeLevel(
  today: number | null,
  lag: number,
  risen: () => number | null,
  riseAtLag: (lag: number) => number | null,
): number {
  if (today !== null && today >= LEVEL_BAND[0] && today <= LEVEL_BAND[1]) return today;
  if (today !== null && today < LEVEL_BAND[0]) return 1;
  const now = risen();
  if (now === null) return today === null ? 1 : LEVEL_BAND[1];
  const since = now / (riseAtLag(lag) ?? 1);
  return Math.max(since, today === null ? 1 : LEVEL_BAND[1]);
}

/**
 * The level a brand's volume rose to for good, or null: the mentions of the 24 whole hours
 * before `startMs` over the same hours a week earlier (`weekOnWeek`), when three quarters of
 * those hours ran above `LEVEL_BAND` (the lower quartile of the hours' ratios, + 20 each, so a
 * quiet brand's noise does not pass). An incident of hours fills neither. Null with fewer than
 * 12 hours to compare, and before the brand has eight days.
 */
export function risenLevel(series: MinuteSeries, startMs: number): number | null {
  const w = weekOnWeek(series, startMs);
  if (w === null) return null;
  const ratios = w.ratios.sort((p, q) => p - q);
  if (ratios[Math.floor(ratios.length / 4)]! <= LEVEL_BAND[1]) return null;
  return w.ratio;
}

/**
 * The 24 whole hours before `startMs` against the same hours a week earlier: each hour's ratio
 * (+ 20 each) and that of their sums, or null with fewer than 12 hours to compare. An hour
 * whose week-earlier day was a dip of its type (`dipDay`: a holiday a week ago is no level to
 * rise from) is compared with two weeks earlier instead, and left out when that was a dip too
 * or is not held. Without the second week, a holiday Friday blinded the next Friday's test
 * (the brand's tripled level went unseen into its weekend), and a holiday a week before a
 * lag's day read as a rise at that lag, so the lag was scaled up by a third of the rise
 * (rate-band harness, `--level-shift 3`, 300 an hour: two false volume alerts on the first
 * Saturday after the rise, at z 5.1–5.4).
 *
 * Hours on a past day that was itself a dip are skipped too, and the 24 are taken from the
 * ordinary hours before it (`RISE_REACH_MS` back at most): a holiday two days after a rise
 * filled the 24 hours the test read, so the rise went unseen for a day, and the next morning was
 * scored against samples from before it (rate-band harness, `--level-shift 3`, 3,000 an hour,
 * seeds 41–42: a false volume alert on a Friday at 06:00, z 7.0). Only days whole by
 * `knownUntilMs` are judged: the evaluated window's own day is not known yet.
 */
function weekOnWeek(
  series: MinuteSeries,
  startMs: number,
  knownUntilMs = startMs,
): { ratios: number[]; ratio: number } | null {
  if (!series.covers(startMs - DAY_MS - WEEK_MS, startMs)) return null;
  const dips = new Map<number, boolean>();
  const onDip = (ms: number): boolean => {
    const d = Math.floor(ms / DAY_MS) * DAY_MS;
    if (!dips.has(d)) dips.set(d, dipDay(series, d, true));
    return dips.get(d)!;
  };
  const known = Math.floor(knownUntilMs / DAY_MS) * DAY_MS;
  const reference = (a: number): number | null => {
    const w = a - WEEK_MS;
    if (!series.covers(w, w + HOUR_MS)) return null;
    if (!onDip(w)) return w;
    const b = a - 2 * WEEK_MS;
    return series.covers(b, b + HOUR_MS) && !onDip(b) ? b : null;
  };
  const ratios: number[] = [];
  let now = 0;
  let before = 0;
  let hours = 0;
  for (let a = startMs - HOUR_MS; hours < 24 && a >= startMs - RISE_REACH_MS; a -= HOUR_MS) {
    if (a < known && onDip(a)) continue;
    hours++;
    const b = reference(a);
    if (b === null) continue;
    const x = series.total(a, a + HOUR_MS);
    const y = series.total(b, b + HOUR_MS);
    ratios.push((x + HOUR_LEVEL_PRIOR) / (y + HOUR_LEVEL_PRIOR));
    now += x;
    before += y;
  }
  if (ratios.length < 12) return null;
  return { ratios, ratio: (now + DIP_DAY_PRIOR) / (before + DIP_DAY_PRIOR) };
}

/** How far back `weekOnWeek` looks for 24 ordinary hours past dips: a long weekend's. */
const RISE_REACH_MS = 3 * DAY_MS;

/**
 * Whether the UTC day starting at `d` (held whole) was a dip (`DIP_DAY`) against the upper third
 * of the seven days before it; `ofItsType`: of those of its own type when two are held (a
 * brand's ordinary Saturday, at half its weekdays' level, is then no dip).
 */
function dipDay(series: MinuteSeries, d: number, ofItsType: boolean): boolean {
  if (!series.covers(d, d + DAY_MS)) return false;
  const days = RECENT_DAYS.map((o) => d - o).filter((x) => series.covers(x, x + DAY_MS));
  const same = ofItsType ? days.filter((x) => dayType(x) === dayType(d)) : [];
  const reference = upperThird(
    (same.length >= 2 ? same : days).map((x) => series.total(x, x + DAY_MS)),
  );
  return (
    Number.isFinite(reference) &&
    (series.total(d, d + DAY_MS) + DIP_DAY_PRIOR) / (reference + DIP_DAY_PRIOR) < DIP_DAY
  );
}

/**
 * How far the brand's volume had moved in the week before `startMs` (`weekOnWeek`: the 24 hours
 * before it over the same hours a week earlier, + 20 each), or null where that cannot be read.
 * A lag's: `knownUntilMs` is the evaluated window's start, so the lag's own day is judged too:
 * a holiday on it, or on the day before, is passed over, not read as a fall that the lag is
 * then scaled up by on top of the rise (the unit test: 2.3 read where the rise is 3).
 */
export function dayRise(
  series: MinuteSeries,
  startMs: number,
  knownUntilMs = startMs,
): number | null {
  return weekOnWeek(series, startMs, knownUntilMs)?.ratio ?? null;
}

/**
 * A level correction between days of the same type (and weeks apart) below this band is not
 * a level but a dip or an incident in the hours before the window, and is not applied; above
 * it, the band's edge is applied (`baselineSamples`). A day's level wanders by a few per cent
 * (2–8 % on the harness), rarely by a fifth.
 */
const LEVEL_BAND = [0.8, 1.25] as const;

/**
 * Counts of the baseline samples of the window ending at `endMs`, each rescaled to the current
 * level (`hourlyLevelRatio`): a busy brand's day runs a few per cent above or below its usual
 * level all day, which is several noise levels of a window of hundreds of mentions, so without
 * it a high day paged all day (rate-band harness, tuning seeds: most false `volume_spike`
 * alerts of the busy bands came in runs on one day). Samples of the same day type (and every
 * hour-of-week sample) take that correction while it stays within `LEVEL_BAND`. Same-hour-of-day
 * samples of the other day type (a brand's first weekend against its weekdays) are rescaled
 * by the ratio of the mention volume in the six hours before the window, now vs on that day,
 * clamped to [0.5, 2] so a spike in those hours cannot move the baseline much, until the
 * brand's weekend level is known from whole days (`weekendRatio`, `typeMixFactor`). Either ratio
 * scales every count of a sample alike, so shares are unaffected.
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
  let onDip: boolean | undefined;
  let risenNow: number | null | undefined;
  const risen = (): number | null => {
    if (risenNow === undefined) risenNow = risenLevel(series, start);
    return risenNow;
  };
  const riseAtLag = (lag: number): number | null => dayRise(series, start - lag, start);
  const levelOnDip = () => (onDip ??= hoursOnDipDay(series, start - LEVEL_MS, start, endMs));
  const today = dayType(start);
  const ratio = (offset: number): number => {
    const lag = Math.round(offset / DAY_MS) * DAY_MS;
    let r = ratios.get(lag);
    if (r !== undefined) return r;
    if (base.method === 'hour_of_week' || dayType(start - offset) === today) {
      // Same day type: the day's level, from the median hour (`hourlyLevelRatio`).
      const level = hourlyLevelRatio(series, start, lag);
      // Above the band: the band's edge, not no correction at all. A day a third above a lag's
      // is rare but real (a level wandering 7.7 % from day to day: rate-band harness, fresh
      // seed 31, 3,000 an hour, a day 1.26–1.39 times its lags, paged from 08:30 to 22:15 on
      // samples left a third low). The edge errs the safe way for rules that page upwards: a
      // baseline raised too much costs sensitivity, one left low pages. Below the band (today
      // a dip so far, or a lag day's launch) it stays uncorrected: scaling down there would page
      // when the volume comes back. A rise for good goes beyond the edge (`sameTypeLevel`).
      r = sameTypeLevel(level, lag, risen, riseAtLag);
    } else if (levelNow === null || levelOnDip()) {
      r = 1;
    } else {
      const from = start - LEVEL_MS - lag;
      const raw = series.covers(from, start - lag)
        ? (levelNow + LEVEL_PRIOR) / (series.sum(from, start - lag).total + LEVEL_PRIOR)
        : 1;
      // Six hours below 40 % of that day's are a dip (a holiday, a quiet day, an outage), not
      // the new level: scaling the baseline down by it paged on the ordinary night after it
      // (rate-band harness: most false volume alerts of the busy bands came the night after
      // a holiday or a quiet day).
      r = raw < DIP_RATIO ? 1 : Math.min(2, Math.max(0.5, raw));
    }
    ratios.set(lag, r);
    return r;
  };
  // Once the brand's weekend level is known from whole days (`weekendRatio`), a sample that
  // holds another mix of weekday and weekend than the window is scaled by it (`typeMixFactor`):
  // a sample of the other type (a Saturday night's weekday lags) instead of by the six hours
  // before, which on a Saturday's or Monday's first hours are yesterday's, of the other type,
  // and read ~1; a window across a midnight between types (Sunday 23:45 to Monday 00:45, a
  // quiet brand's day-long window from Sunday afternoon) against samples of one type.
  const weekendNow = weekendShare(start, endMs);
  let weekendLevel: number | null | undefined;
  /**
   * The sample's factor for its mix of day types; null while the weekend's level is unknown,
   * and in the week after the brand's level rose for good: the weekends of the last 14 days are
   * all from before, its weekdays mostly from after (the earlier ones left out as dips), so
   * their ratio halved a doubled brand's weekday samples for its first weekend (rate-band
   * harness, `--level-shift 2`, 3,000 an hour: six false volume alerts that weekend).
   */
  const mix = (o: number): number | null => {
    const weekendThen = weekendShare(start - o, endMs - o);
    if (weekendThen === weekendNow) return 1;
    if (weekendLevel === undefined)
      weekendLevel = risen() !== null ? null : weekendRatio(series, start);
    return weekendLevel === null ? null : typeMixFactor(weekendLevel, weekendNow, weekendThen);
  };
  /**
   * A sample of the other day type while the weekend's level is unknown: the six hours before
   * the window (`ratio`) read the level of today's type over the sample's. That is the whole
   * correction for a window of one type; a window across a midnight between types holds the
   * other type too, so the ratio is taken as the weekend's level and applied by the mix of
   * types (`typeMixFactor`). A quiet brand's day-long window from Sunday 20:15, in its second
   * week, was scored as a weekend day: its weekday samples scaled to 0.66, and Monday paged
   * at z 5.7 (rate-band harness, real posts, seed 41, 8 an hour).
   */
  const byHoursBefore = (o: number): number => {
    const r = ratio(o);
    const weekendLevelRead = today === 'weekend' ? r : 1 / r;
    return typeMixFactor(weekendLevelRead, weekendNow, weekendShare(start - o, endMs - o));
  };
  return base.offsets.map((o) => {
    const c = series.sum(start - o, endMs - o);
    const sameType = base.method === 'hour_of_week' || dayType(start - o) === today;
    const r = sameType ? ratio(o) * (mix(o) ?? 1) : (mix(o) ?? byHoursBefore(o));
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

/** The share of [fromMs, toMs) that falls on weekend days (UTC). */
export function weekendShare(fromMs: number, toMs: number): number {
  let weekend = 0;
  for (let d = Math.floor(fromMs / DAY_MS) * DAY_MS; d < toMs; d += DAY_MS)
    if (dayType(d) === 'weekend') weekend += Math.min(toMs, d + DAY_MS) - Math.max(fromMs, d);
  return weekend / (toMs - fromMs);
}

/**
 * The brand's weekend level against its weekdays': the 14 whole UTC days before the day
 * `startMs` falls in, dips left out within each type (`DIP_DAY` of that type's median day, or
 * of the higher of two), as (median weekend day + `DIP_DAY_PRIOR`) / (median weekday +
 * `DIP_DAY_PRIOR`). Null with fewer than two days of either type. Medians, not the mean of the
 * days at three quarters of the upper third or more: the weekend is read from two to four
 * days, and a launch on one of three made it the reference, so the ordinary Saturday counted as
 * a dip and the level read was the launch's and a viral post's (rate-band harness, `--weekend
 * 0.3`, 300 an hour, a brand's second Sunday: 0.38 read where the level is 0.3, now 0.33).
 */
export function weekendRatio(series: MinuteSeries, startMs: number): number | null {
  const today = Math.floor(startMs / DAY_MS) * DAY_MS;
  const weekend: number[] = [];
  const weekday: number[] = [];
  for (let k = 1; k <= 14; k++) {
    const d = today - k * DAY_MS;
    if (!series.covers(d, d + DAY_MS)) continue;
    (dayType(d) === 'weekend' ? weekend : weekday).push(series.total(d, d + DAY_MS));
  }
  if (weekend.length < 2 || weekday.length < 2) return null;
  const usualDay = (xs: number[]): number => {
    // Dips are judged against the median day where three or more are held: the upper third
    // of three is the highest, and a launch there made the ordinary days dips.
    const reference = xs.length >= 3 ? median(xs) : upperThird(xs);
    return median(xs.filter((t) => (t + DIP_DAY_PRIOR) / (reference + DIP_DAY_PRIOR) >= DIP_DAY));
  };
  return (usualDay(weekend) + DIP_DAY_PRIOR) / (usualDay(weekday) + DIP_DAY_PRIOR);
}

/**
 * A sample's scale for the mix of day types: the expected level of a window with weekend
 * share `now` over one with share `then`, the weekend at `weekendLevel` times the weekdays'.
 * A Sunday-to-Monday hour against a Saturday-to-Sunday one: the Monday part runs at the
 * weekdays' level (rate-band harness, new seed 41, 300 an hour: two false `volume_spike`
 * alerts at Monday 00:45, a week apart; at 3 an hour day-long windows from Sunday afternoon
 * paged on Mondays at z 4.0–5.4). Within a type both shares are equal and this is 1.
 */
export function typeMixFactor(weekendLevel: number, now: number, then: number): number {
  return (1 + (weekendLevel - 1) * now) / (1 + (weekendLevel - 1) * then);
}

/**
 * Whether [fromMs, toMs) overlaps a UTC day that was a dip (`DIP_DAY` of the upper third of the
 * seven days before it) and is whole by `knownUntilMs` (the evaluated window's end): then those
 * hours are no measure of the brand's level. A day-long window from a holiday Saturday's
 * evening, evaluated on Sunday, has the holiday whole behind it: checked only up to the
 * window's start, it passed, and a young brand's Sunday was scored against weekday samples
 * halved by the holiday's six hours (rate-band harness, real posts, seed 22, 8 an hour: a false
 * `negative_spike` at z 4.3, 49 negatives against 22).
 * Between 40 % and 100 % of a usual day, the six hours before a window read the tail of a
 * holiday or a quiet day as the level, and a brand's first weekend, whose lags are weekdays
 * rescaled by that ratio, was scored against half its samples (rate-band harness, held-out
 * seeds, 3,000 an hour: four false alerts at z 4.4–8.6 the night after a holiday Friday and a
 * quiet Saturday, in the first week).
 */
export function hoursOnDipDay(
  series: MinuteSeries,
  fromMs: number,
  toMs: number,
  knownUntilMs = toMs,
): boolean {
  for (let d = Math.floor(fromMs / DAY_MS) * DAY_MS; d < toMs; d += DAY_MS)
    if (d + DAY_MS <= knownUntilMs && dipDay(series, d, false)) return true;
  return false;
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
