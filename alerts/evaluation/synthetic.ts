import { MINUTE_MS, type MinuteRow } from '../series.ts';
import { gaussian, mulberry32, poisson } from '../../core/random.ts';

/**
 * Synthetic brand series with planted spikes, for the evaluation harness. Everything is a pure
 * function of a seed. A series has a daily cycle, a weekend dip, over-dispersion (the rate
 * itself wanders from one quarter hour to the next, as real traffic does) and Poisson counts.
 *
 * Spike size is stated in noise levels: the extra mentions per evaluation window divided by
 * the standard deviation of that window's count at that time of day (Poisson and
 * over-dispersion together). A "3×" spike adds three standard deviations in every window it
 * covers.
 */

export interface SeriesSpec {
  seed: number;
  days: number;
  /** Mean mentions per minute before seasonality. */
  rate: number;
  /** Daily cycle amplitude (0.6 = ±60 %). */
  daily: number;
  /** Rate factor on Saturday and Sunday. */
  weekend: number;
  /** Coefficient of variation of the quarter-hour rate (over-dispersion). */
  dispersion: number;
  /** Baseline sentiment mix. */
  mix: { pos: number; neu: number; neg: number };
  /** Competitor volume relative to this brand (share-of-voice rules). */
  competitorRatio: number;
  startMs: number;
}

export interface PlantedSpike {
  /**
   * `volume`: extra mentions with the usual sentiment mix; `negative`: extra negative mentions;
   * `sentiment`: net sentiment falls (mentions move from positive and neutral to negative),
   * volume unchanged; `sov`: the competitor set gets louder, so the brand's share of voice
   * falls while its own volume is unchanged.
   */
  kind: 'volume' | 'negative' | 'sentiment' | 'sov';
  startMs: number;
  durationMin: number;
  /** Extra per window in noise levels (standard deviations of the window count). */
  size: number;
}

export const EVAL_WINDOW_MS = 15 * MINUTE_MS;

export function expectedRate(spec: SeriesSpec, ms: number): number {
  const at = new Date(ms);
  const hour = at.getUTCHours() + at.getUTCMinutes() / 60;
  const daily = 1 + spec.daily * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  const weekly = at.getUTCDay() === 0 || at.getUTCDay() === 6 ? spec.weekend : 1;
  return spec.rate * daily * weekly;
}

/** Expected mentions of the brand in one evaluation window starting around `ms`. */
export function windowMentions(spec: SeriesSpec, ms: number): number {
  return expectedRate(spec, ms) * (EVAL_WINDOW_MS / MINUTE_MS);
}

/** Net sentiment of a mix: positive minus negative share. */
export function netOf(mix: SeriesSpec['mix']): number {
  return mix.pos - mix.neg;
}

/** Share of voice of the brand at this series' competitor ratio. */
export function sovOf(spec: SeriesSpec): number {
  return 1 / (1 + spec.competitorRatio);
}

/**
 * The shift of a proportion planted by a `sentiment` or `sov` spike, in its own units: `size`
 * noise levels, where a noise level is the binomial/multinomial standard deviation of the
 * window's proportion at that time of day (over-dispersion moves the brand's and the
 * competitors' rates alike and keeps the sentiment mix, so it does not move proportions).
 */
export function proportionShift(spec: SeriesSpec, spike: PlantedSpike, ms: number): number {
  const n = windowMentions(spec, ms);
  if (spike.kind === 'sentiment') {
    const { pos, neg } = spec.mix;
    return spike.size * Math.sqrt((pos + neg - (pos - neg) ** 2) / n);
  }
  const p = sovOf(spec);
  return spike.size * Math.sqrt((p * (1 - p)) / (n * (1 + spec.competitorRatio)));
}

/**
 * The sentiment mix while a `sentiment` spike of net-sentiment drop `drop` is on: a share d of
 * mentions moves to negative, taken from positive and neutral in proportion, so net sentiment
 * falls by d·(1 + pos/(pos + neu)) = drop. Capped so some positive and neutral mentions remain.
 */
export function droppedMix(mix: SeriesSpec['mix'], drop: number): SeriesSpec['mix'] {
  const rest = mix.pos + mix.neu;
  const d = Math.min(0.9 * rest, drop / (1 + mix.pos / rest));
  return {
    pos: mix.pos - (d * mix.pos) / rest,
    neu: mix.neu - (d * mix.neu) / rest,
    neg: mix.neg + d,
  };
}

/** Factor on the competitors' rate that lowers the brand's share of voice by `drop`. */
export function competitorFactor(spec: SeriesSpec, drop: number): number {
  const p = Math.max(0.02, sovOf(spec) - drop);
  return (1 - p) / p / spec.competitorRatio;
}

/** Standard deviation of a window's count of mean λ under this series' noise. */
export function windowSigma(spec: SeriesSpec, lambdaWindow: number): number {
  return Math.sqrt(lambdaWindow + (spec.dispersion * lambdaWindow) ** 2);
}

export function generateSeries(spec: SeriesSpec, spikes: readonly PlantedSpike[]): MinuteRow[] {
  const rng = mulberry32(spec.seed);
  const rows: MinuteRow[] = [];
  const minutes = spec.days * 1440;
  let blockFactor = 1;
  for (let i = 0; i < minutes; i++) {
    const t = spec.startMs + i * MINUTE_MS;
    if (i % 15 === 0) blockFactor = Math.max(0.05, 1 + spec.dispersion * gaussian(rng));
    const lambda = expectedRate(spec, t) * blockFactor;
    const total = poisson(lambda, rng);
    const row: MinuteRow = { t, total: 0, pos: 0, neu: 0, neg: 0, competitors: 0 };
    const active = spikes.filter(
      (s) => t >= s.startMs && t < s.startMs + s.durationMin * MINUTE_MS,
    );
    // Proportion spikes change how the usual mentions are drawn (same number of draws, so a
    // series without them is drawn exactly as before); count spikes add mentions below.
    let mix = spec.mix;
    let competitors = 1;
    for (const s of active) {
      if (s.kind === 'sentiment') mix = droppedMix(mix, proportionShift(spec, s, t));
      if (s.kind === 'sov') competitors *= competitorFactor(spec, proportionShift(spec, s, t));
    }
    addMix(row, total, mix, rng);
    row.competitors = poisson(lambda * spec.competitorRatio * competitors, rng);
    for (const s of active) {
      if (s.kind === 'sentiment' || s.kind === 'sov') continue;
      const base = expectedRate(spec, t) * (EVAL_WINDOW_MS / MINUTE_MS);
      const lambdaW = s.kind === 'negative' ? base * spec.mix.neg : base;
      const extraPerMinute = (s.size * windowSigma(spec, lambdaW)) / (EVAL_WINDOW_MS / MINUTE_MS);
      const extra = poisson(extraPerMinute, rng);
      if (s.kind === 'negative') {
        row.total += extra;
        row.neg += extra;
      } else addMix(row, extra, spec.mix, rng);
    }
    rows.push(row);
  }
  return rows;
}

function addMix(row: MinuteRow, n: number, mix: SeriesSpec['mix'], rng: () => number): void {
  for (let k = 0; k < n; k++) {
    const r = rng();
    row.total++;
    if (r < mix.pos) row.pos++;
    else if (r < mix.pos + mix.neu) row.neu++;
    else row.neg++;
  }
}

export { gaussian, mulberry32, poisson };
