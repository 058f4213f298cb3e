import { DAY_MS } from './detect-baseline.ts';
import { median } from './detect-robust.ts';
import { MINUTE_MS, type MinuteSeries } from './series.ts';
import { binomialZ, zOfUpperTail } from './tails.ts';

/**
 * `negative_spike`'s share scan (docs/alerts.md, "Share scan"): the negatives of the windows of
 * 15 minutes to 8 hours ending now, each scored by the exact binomial tail of its negative share
 * against the brand's usual share (`referenceShare`), with the over-dispersion the brand's own
 * hours show (`dispersion`), and the largest of those scores compared with a threshold raised
 * for the number of windows scanned (`scanThreshold`).
 *
 * Why a second method beside the seasonal one: the seasonal statistics compare a window with
 * the same window on past days, whose few samples carry each past day's incidents and level,
 * and whose calibration measures that as noise; on a busy brand that noise was 1.6–2.5 times the
 * binomial one, so a ramp of +140 negatives an hour on 500 (a share from 20 % to 24 % over three
 * hours) never paged (rate-band harness, tuning seeds). The share of negatives has little daily
 * cycle, so the brand's share over the last week is a baseline of tens of thousands of
 * mentions with no seasonal sampling error, and every window length is scored against it. A
 * quiet brand's windows of a few mentions are scored by the exact tail, so three negatives of
 * four mentions is what it is, not a z of 5.
 */

/** The windows scanned, shortest first (the first to cross reports: the fastest evidence). */
export const SHIFT_WINDOWS_MS = [15, 30, 60, 120, 240, 480].map((m) => m * MINUTE_MS);
/**
 * Windows over two hours are scanned only while the window before them is expected to hold
 * fewer scored mentions than this (from the brand's rate over the last week, as the seasonal
 * scales of hours: `longScales`): a busy brand's shift shows within two hours, and a window of
 * hours holds an incident (and its alert, `holdMs`) for hours after it ended. 400 mentions
 * measure a share to ±2 points, the size of the smallest shifts worth a page.
 */
const LONG_WINDOW_TARGET = 400;

/** The windows scanned for a brand: all six for one under 100 mentions an hour, else fewer. */
export function shiftWindows(series: MinuteSeries, endMs: number): number[] {
  const from = Math.max(series.startMs, series.dataStartMs, endMs - REFERENCE_DAYS * DAY_MS);
  if (endMs <= from) return SHIFT_WINDOWS_MS.filter((w) => w <= 2 * HOUR_MS);
  const c = series.sum(from, endMs);
  const perMs = (c.pos + c.neu + c.neg) / (endMs - from);
  const out: number[] = [];
  for (const w of SHIFT_WINDOWS_MS) {
    if (w > 2 * HOUR_MS && perMs * out.at(-1)! >= LONG_WINDOW_TARGET) break;
    out.push(w);
  }
  return out;
}
/** Days of history the brand's rate and usual window sizes are read from. */
const REFERENCE_DAYS = 7;
/**
 * 24-hour blocks the usual share is read from (before the longest window). Two weeks, not one:
 * a slow drift ramps over one to three days and recovers over a day and a half, so it can fill
 * four of seven blocks, and then their median was the drift's share: a steep shift the evening
 * after a drift was scored against a usual share 4 points high and with the drift's hours as
 * over-dispersion, and was missed (rate-band harness, held-out seed 21, 3,000 an hour). With
 * fourteen, any incident of under a week is a minority of the blocks.
 */
const SHARE_BLOCKS = 14;
/** The usual blocks (most recent first) whose hours measure over-dispersion: a week's. */
const DISPERSION_BLOCKS = 7;
const HOUR_MS = 3_600_000;
/** Hours with fewer scored mentions than this do not measure over-dispersion. */
const DISPERSION_MIN_N = 10;
/** Hours needed to measure it at all (else the binomial is the noise model). */
const DISPERSION_MIN_HOURS = 24;
/** Lower quartile of a χ² with one degree of freedom: a robust χ² of the hours' residuals. */
const CHI2_1_LOWER_QUARTILE = 0.1015;

export interface ShareShift {
  /** The window that scored highest against its threshold. */
  windowMs: number;
  negatives: number;
  scored: number;
  /** The brand's usual negative share. */
  share: number;
  /** Over-dispersion: an n-mention share's variance is binomial × (1 + (n − 1)·rho). */
  rho: number;
  /** Day-to-day variance of the brand's true share (`dayWander`), on top of that. */
  dayVar: number;
  z: number;
  threshold: number;
}

/**
 * The threshold of a scan over `k` windows: the largest of k scores crosses t about k times as
 * often as one does (Bonferroni), and with the normal tail Q(t) ≈ φ(t)/t the level Q(t)/k is
 * reached at t' ≈ √(t² + 2 ln k) (4.20 for t = 3.75 and six windows).
 */
export function scanThreshold(t: number, k: number): number {
  return Math.sqrt(t * t + 2 * Math.log(k));
}

interface Reference {
  share: number;
  rho: number;
  dayVar: number;
}

/**
 * The variance of a window's negatives over the binomial one, n mentions at the usual share:
 * the hours' over-dispersion (1 + (n − 1)·ρ) and the day's wander of the share itself (n²·τ²
 * over n·p·(1 − p)), which no number of mentions averages away.
 */
export function noiseFactor(ref: Reference, n: number): number {
  const p = Math.min(0.99, Math.max(0.01, ref.share));
  return 1 + (n - 1) * ref.rho + (n * ref.dayVar) / (p * (1 - p));
}

/**
 * The brand's usual negative share and its over-dispersion, from the `SHARE_BLOCKS` 24-hour
 * blocks that end where the longest scanned window begins (an incident under way is not part
 * of its own baseline). The share: pooled over the blocks whose share is not far above the
 * blocks' median (a drift or a day-long storm would raise it). Null with fewer than two blocks.
 */
export function referenceShare(series: MinuteSeries, endMs: number): Reference | null {
  const until = endMs - SHIFT_WINDOWS_MS.at(-1)!;
  const blocks: { k: number; neg: number; n: number }[] = [];
  for (let k = 0; k < SHARE_BLOCKS; k++) {
    const to = until - k * DAY_MS;
    if (!series.covers(to - DAY_MS, to)) break;
    const c = series.sum(to - DAY_MS, to);
    const n = c.pos + c.neu + c.neg;
    if (n > 0) blocks.push({ k, neg: c.neg, n });
  }
  if (blocks.length < 2) return null;
  const mid = median(blocks.map((b) => b.neg / b.n));
  const measured = dayWander(blocks);
  // The blocks within 3 standard deviations of the median share (binomial, and the day's
  // wander): a drift, a day-long storm or a launch's praise moves a block's share, and on a
  // busy brand a block of 70,000 mentions that is 0.7 points off biased every hour's residual
  // (below) by a noise level.
  const near = (p: number) =>
    blocks.filter(
      (b) =>
        Math.abs(b.neg - p * b.n) <= 3 * Math.sqrt(p * (1 - p) * b.n + b.n * b.n * measured) + 1,
    );
  let usual = near(mid);
  // Unless the median's blocks are no majority: in a brand's first week a drift (a ramp of one
  // to three days, a day held, half a day back) fills four of seven blocks, each at a share of
  // its own, and the median was one of them. The ordinary days agree with each other; a drift's
  // do not, so the largest set of blocks that agree is the ordinary days (rate-band harness,
  // fresh seed 32, 3,000 an hour: the usual share read 20.6 % where the ordinary days held
  // 17.4 %, and a steep spike to 20.5 % was missed). With a majority around the median, the
  // median's premise holds and nothing changes (a larger set around a block at the edge of the
  // usual ones would take in a drift day or two as well).
  if (2 * usual.length <= blocks.length)
    for (const b of blocks) {
      const agree = near(b.neg / b.n);
      if (agree.length > usual.length) usual = agree;
    }
  const neg = usual.reduce((a, b) => a + b.neg, 0);
  const n = usual.reduce((a, b) => a + b.n, 0);
  // Half a mention of prior each way: a brand that never had a negative still may.
  const share = usual.length ? (neg + 0.5) / (n + 1) : mid;
  const rho = dispersion(series, until, usual.slice(0, DISPERSION_BLOCKS));
  // Too few days to measure the day's wander: a brand whose hours wander beyond the binomial is
  // taken to wander as much from one day to the next. On a young brand whose share moves by a
  // fifth a day and an hour, each new day read against its first two or three paged (harness
  // as in `dayWander`, 3,000 an hour: five of the scan's false alerts fell in the brands' first
  // three days, two with this).
  const dayVar = blocks.length < WANDER_MIN_BLOCKS ? rho * share * (1 - share) : measured;
  return { share, rho, dayVar };
}

/** Blocks needed to measure the day's wander of the share (else none is assumed). */
const WANDER_MIN_BLOCKS = 5;

/**
 * The day-to-day variance τ² of the brand's true negative share. A real brand's share of
 * complaints moves from day to day with the news and the threads of the day, and a busy brand's
 * day of 70,000 mentions measures its own share to a tenth of a point: against the pooled share
 * alone, every day a fifth above the usual paged (rate-band harness with the share wandering by
 * 20 % a day and an hour, `eval:alerts -- --mix-wander 0.2`, 3,000 an hour: 4.3 false alerts per
 * brand-week, 26 of the 33 from this scan).
 *
 * Measured on the lower half of the blocks only: an incident that holds for days (a drift, a
 * storm) raises the share, and a young brand's four drift days of seven, each at a share of its
 * own, would read as wander by any spread around the median. The span from the lowest block
 * (the second lowest from eight blocks: a launch's praise lowers one) to the block at the
 * lower half's top, over the span a normal sample's order statistics have there (Blom's
 * scores), is the spread σ; τ² is σ² less twice a block's binomial variance (a few order
 * statistics are a noisy measure, and a quiet brand's blocks of tens of mentions would read
 * their own sampling noise as wander). 0 with fewer than WANDER_MIN_BLOCKS blocks.
 */
function dayWander(blocks: readonly { neg: number; n: number }[]): number {
  const n = blocks.length;
  if (n < WANDER_MIN_BLOCKS) return 0;
  const shares = blocks.map((b) => b.neg / b.n).sort((a, b) => a - b);
  const lo = n >= 8 ? 1 : 0;
  const hi = Math.floor(n / 2) - 1;
  const score = (i: number) => zOfUpperTail(1 - (i + 1 - 0.375) / (n + 0.25));
  const sigma = (shares[hi]! - shares[lo]!) / (score(hi) - score(lo));
  const p = median(shares);
  const binomial = median(blocks.map((b) => (p * (1 - p)) / b.n));
  return Math.max(0, sigma * sigma - 2 * binomial);
}

/**
 * Over-dispersion of the hourly negative share over the 24-hour `blocks` (k = 0: the one
 * ending at `until`), each hour around its block's share: a robust χ² (the lower quartile of the squared Pearson
 * residuals over the χ²₁ lower quartile) of the hours with enough mentions, read as a
 * beta-binomial's intra-class correlation ρ (variance factor 1 + (n − 1)ρ at n mentions). A
 * real brand's share moves with the hour and the day's news; this is where the scan learns it.
 * The lower quartile, not the median: the hours of past incidents (a drift's ramp, which the
 * block test lets through) only raise residuals, and with the median a drift over 40 % of the
 * week's hours made ρ 2·10⁻³ on a busy brand, four times the binomial noise at 8,000 mentions
 * (rate-band harness, tuning seeds, 3,000 an hour).
 */
function dispersion(
  series: MinuteSeries,
  until: number,
  blocks: readonly { k: number; neg: number; n: number }[],
): number {
  const residuals: number[] = [];
  let mentions = 0;
  for (const b of blocks) {
    // Around the block's own share: the day-to-day wander of the share is not the hours'.
    const p = Math.min(0.99, Math.max(0.01, b.neg / b.n));
    for (let i = 0; i < 24; i++) {
      const to = until - b.k * DAY_MS - i * HOUR_MS;
      const c = series.sum(to - HOUR_MS, to);
      const n = c.pos + c.neu + c.neg;
      if (n < DISPERSION_MIN_N) continue;
      residuals.push((c.neg - n * p) ** 2 / (n * p * (1 - p)));
      mentions += n;
    }
  }
  if (residuals.length < DISPERSION_MIN_HOURS) return 0;
  residuals.sort((a, b) => a - b);
  const factor = residuals[Math.floor(residuals.length / 4)]! / CHI2_1_LOWER_QUARTILE;
  const meanN = mentions / residuals.length;
  return factor <= 1 || meanN <= 1 ? 0 : (factor - 1) / (meanN - 1);
}

/**
 * The scan at `endMs` for a rule of sensitivity `threshold`: the window with the largest score
 * (z over the scan threshold), or null when no window has negatives above the usual share or
 * the brand has under two days of history. A window is scored only while its negatives are also
 * a noise level above what the same window usually holds (`usualNegatives`): fewer positive
 * mentions alone raise the share too, and that is not a negative spike.
 */
export function shareShift(
  series: MinuteSeries,
  endMs: number,
  threshold: number,
  /** A rule's `min_volume` as negatives per millisecond of window (0: none). */
  minNegativesPerMs = 0,
): ShareShift | null {
  const ref = referenceShare(series, endMs);
  if (ref === null) return null;
  const windows = shiftWindows(series, endMs);
  const t = scanThreshold(threshold, windows.length);
  let best: ShareShift | null = null;
  for (const w of windows) {
    if (!series.covers(endMs - w, endMs)) continue;
    const c = series.sum(endMs - w, endMs);
    const n = c.pos + c.neu + c.neg;
    if (n === 0 || c.neg <= n * ref.share || c.neg < minNegativesPerMs * w) continue;
    const z = binomialZ(c.neg, n, ref.share) / Math.sqrt(noiseFactor(ref, n));
    if (best !== null && z - t <= best.z - best.threshold) continue;
    const usual = usualNegatives(series, endMs, w, ref.share);
    if (c.neg < usual + Math.sqrt(usual)) continue;
    if (w > TAIL_FROM_MS && tailZ(series, endMs, w, ref) < (w > 2 * HOUR_MS ? 2 : 1)) continue;
    best = {
      windowMs: w,
      negatives: c.neg,
      scored: n,
      share: ref.share,
      rho: ref.rho,
      dayVar: ref.dayVar,
      z,
      threshold: t,
    };
  }
  return best;
}

/**
 * A window of hours holds an incident for hours after it ended: it speaks only while its last
 * quarter is itself above the usual share (one noise level, two for windows over two hours, as
 * the seasonal scales' `stillElevated`), else an incident would open again after its cooldown
 * (rate-band harness, tuning seeds, 30 an hour: the eight-hour window paged 5 hours after a
 * spike had ended).
 */
const TAIL_FROM_MS = HOUR_MS;
function tailZ(series: MinuteSeries, endMs: number, w: number, ref: Reference): number {
  const c = series.sum(endMs - w / 4, endMs);
  const n = c.pos + c.neu + c.neg;
  if (n === 0) return 0;
  return binomialZ(c.neg, n, ref.share) / Math.sqrt(noiseFactor(ref, n));
}

/**
 * The negatives the same window usually holds: the median of its scored mentions on the last
 * week's days, at the usual share (0 when none is held). Their mentions, not their negatives:
 * a drift on those days raised their negatives but not their volume.
 */
function usualNegatives(series: MinuteSeries, endMs: number, w: number, share: number): number {
  const xs: number[] = [];
  for (let k = 1; k <= REFERENCE_DAYS; k++) {
    const e = endMs - k * DAY_MS;
    if (!series.covers(e - w, e)) continue;
    const c = series.sum(e - w, e);
    xs.push(c.pos + c.neu + c.neg);
  }
  return xs.length ? median(xs) * share : 0;
}
