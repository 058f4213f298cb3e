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
  kind: 'volume' | 'negative';
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
    addMix(row, total, spec.mix, rng);
    row.competitors = poisson(lambda * spec.competitorRatio, rng);
    for (const s of spikes) {
      if (t < s.startMs || t >= s.startMs + s.durationMin * MINUTE_MS) continue;
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
