import { resolveRule, type AlertRule, type RuleDefaults } from '../config.ts';
import { replay } from '../replay.ts';
import { MinuteSeries, MINUTE_MS } from '../series.ts';
import {
  EVAL_WINDOW_MS,
  expectedRate,
  generateSeries,
  mulberry32,
  proportionShift,
  windowSigma,
  type PlantedSpike,
  type SeriesSpec,
} from './synthetic.ts';

/**
 * The evaluation harness: synthetic brand series with planted spikes of different sizes,
 * durations, seasonality and noise, plus quiet series, replayed through the real detector and
 * incident state machine minute by minute. Reports precision, recall (by spike size) and
 * time-to-detect. See docs/alerts.md for the definitions.
 */

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** A Monday, 00:00 UTC. */
const START_MS = Date.parse('2026-01-05T00:00:00Z');

export const SPIKE_SIZES = [1.5, 2, 3, 4, 6, 10] as const;
const DURATIONS_MIN = [15, 30, 60, 120, 240] as const;
const RATES = [1, 3, 10, 30] as const;

export type Regime = 'hour_of_week' | 'short_history';

export interface HarnessOptions {
  regime: Regime;
  kind: PlantedSpike['kind'];
  /** Series with planted spikes (each one evaluated brand-week or day). */
  spikySeries: number;
  /** Series without spikes in the evaluated period (false alerts). */
  quietSeries: number;
  sensitivity?: RuleDefaults['sensitivity'];
  minVolume?: number;
  /** Default 7: the tuning seed. Reported figures use another (bench/alerts.ts). */
  seed?: number;
}

export interface SpikeOutcome {
  spike: PlantedSpike;
  /** Mean mentions per minute of the series (before seasonality). */
  rate: number;
  /** Expected window count at the spike's peak ≥ the rule's minimum volume. */
  eligible: boolean;
  detected: boolean;
  ttdMinutes: number | null;
}

export interface HarnessReport {
  regime: Regime;
  kind: PlantedSpike['kind'];
  sensitivity: RuleDefaults['sensitivity'];
  alerts: number;
  truePositives: number;
  falseAlerts: number;
  precision: number;
  /** Recall over eligible spikes of at least 3 noise levels. */
  recall3: number;
  recallBySize: Array<{ size: number; spikes: number; detected: number; recall: number }>;
  ttdMedianMinutes: number | null;
  ttdP90Minutes: number | null;
  /** Share of detected ≥3× spikes found within two evaluation windows of their start. */
  withinTwoWindows: number;
  /**
   * Share of all eligible ≥3× spikes found within two evaluation windows of their start: unlike
   * `withinTwoWindows`, a spike found late no longer counts for less than a spike missed.
   */
  recall3WithinTwoWindows: number;
  /** False alerts per brand-week of evaluated time. */
  falsePerBrandWeek: number;
  evaluatedBrandWeeks: number;
  ineligibleSpikes: number;
  outcomes: SpikeOutcome[];
}

export interface Scenario {
  spec: SeriesSpec;
  spikes: PlantedSpike[];
  evalFrom: number;
  evalTo: number;
}

/** The harness's series and planted spikes for these options (a pure function of the seed). */
export function scenarios(o: HarnessOptions): Scenario[] {
  const rng = mulberry32(o.seed ?? 7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  const out: Scenario[] = [];
  const n = o.spikySeries + o.quietSeries;
  for (let i = 0; i < n; i++) {
    const quiet = i >= o.spikySeries;
    const days = o.regime === 'hour_of_week' ? 35 : 3;
    const evalFrom =
      o.regime === 'hour_of_week' ? START_MS + 4 * WEEK_MS : START_MS + 2 * DAY_MS + 2 * 3_600_000;
    const evalTo = START_MS + days * DAY_MS;
    const negShare = 0.15 + rng() * 0.2;
    const pos = 0.3 + rng() * 0.2;
    const spec: SeriesSpec = {
      seed: Math.floor(rng() * 2 ** 31),
      days,
      rate: RATES[i % RATES.length]!,
      daily: 0.2 + rng() * 0.5,
      weekend: 0.6 + rng() * 0.4,
      dispersion: pick([0, 0.05, 0.1, 0.15]),
      mix: { pos, neg: negShare, neu: 1 - pos - negShare },
      competitorRatio: 1 + rng() * 2,
      startMs: START_MS,
    };
    const spikes: PlantedSpike[] = [];
    // Past spikes in the history (the baseline must not learn them as normal).
    const historySpikes = o.regime === 'hour_of_week' ? 6 : 1;
    for (let k = 0; k < historySpikes; k++)
      spikes.push({
        kind: o.kind,
        startMs: floorMin(START_MS + rng() * (evalFrom - START_MS - 6 * 3_600_000)),
        durationMin: pick(DURATIONS_MIN),
        size: pick([4, 6, 10]),
      });
    if (!quiet) {
      // Spikes in the evaluated period, at least 10 h apart so each is its own incident.
      const slots = Math.max(1, Math.floor((evalTo - evalFrom) / (10 * 3_600_000)) - 1);
      const count = o.regime === 'hour_of_week' ? 6 : 1;
      const chosen = new Set<number>();
      while (chosen.size < Math.min(count, slots)) chosen.add(Math.floor(rng() * slots));
      let j = 0;
      for (const slot of chosen) {
        spikes.push({
          kind: o.kind,
          startMs: floorMin(evalFrom + slot * 10 * 3_600_000 + rng() * 3 * 3_600_000),
          durationMin: pick(DURATIONS_MIN.filter((d) => d >= 30)),
          size: SPIKE_SIZES[(i + j++) % SPIKE_SIZES.length]!,
        });
      }
    }
    out.push({ spec, spikes, evalFrom, evalTo });
  }
  return out;
}

/**
 * Whether the rule is meant to catch this spike at all: the window at its start is expected to
 * reach the rule's minimum volume (negative mentions for negative spikes, the brand and its
 * competitors for share of voice) and, for share of voice, to move by at least `min_change`.
 * Smaller ones are silent by design and left out of recall.
 */
export function isEligible(spec: SeriesSpec, s: PlantedSpike, rule: AlertRule): boolean {
  const lambdaW = expectedRate(spec, s.startMs) * 15;
  switch (s.kind) {
    case 'volume':
      return lambdaW + s.size * windowSigma(spec, lambdaW) >= rule.minVolume;
    case 'negative': {
      const neg = lambdaW * spec.mix.neg;
      return neg + s.size * windowSigma(spec, neg) >= rule.minVolume;
    }
    case 'sentiment':
      return lambdaW >= rule.minVolume;
    case 'sov':
      return (
        lambdaW * (1 + spec.competitorRatio) >= rule.minVolume &&
        proportionShift(spec, s, s.startMs) >= rule.minChange
      );
  }
}

function floorMin(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

const RULE_OF_KIND = {
  volume: 'volume_spike',
  negative: 'negative_spike',
  sentiment: 'sentiment_drop',
  sov: 'sov_shift',
} as const satisfies Record<PlantedSpike['kind'], AlertRule['type']>;

export function harnessRule(kind: PlantedSpike['kind'], o: HarnessOptions): AlertRule {
  return resolveRule(
    {
      id: `eval-${kind}`,
      brand: 'eval',
      type: RULE_OF_KIND[kind],
      ...(kind === 'sov' ? { direction: 'both' as const } : {}),
    },
    {
      window: EVAL_WINDOW_MS,
      sensitivity: o.sensitivity ?? 'medium',
      min_volume: o.minVolume ?? 20,
      cooldown: 3_600_000,
      min_change: 0.1,
    },
    'eval',
    'config',
  );
}

export function runHarness(o: HarnessOptions): HarnessReport {
  const rule = harnessRule(o.kind, o);
  const outcomes: SpikeOutcome[] = [];
  let alerts = 0;
  let truePositives = 0;
  let evaluatedMs = 0;
  for (const sc of scenarios(o)) {
    const rows = generateSeries(sc.spec, sc.spikes);
    const series = new MinuteSeries(START_MS, START_MS + sc.spec.days * DAY_MS, rows);
    const { events } = replay(rule, series, sc.evalFrom, sc.evalTo);
    evaluatedMs += sc.evalTo - sc.evalFrom;
    const opens = events.filter((e) => e.kind === 'open').map((e) => Date.parse(e.at));
    const live = sc.spikes.filter((s) => s.startMs >= sc.evalFrom);
    const matched = new Set<number>();
    for (const s of live) {
      const end = s.startMs + s.durationMin * MINUTE_MS + rule.windowMs;
      const hit = opens.find((t) => t > s.startMs && t <= end);
      if (hit !== undefined) opens.forEach((t, i) => t > s.startMs && t <= end && matched.add(i));
      outcomes.push({
        spike: s,
        rate: sc.spec.rate,
        eligible: isEligible(sc.spec, s, rule),
        detected: hit !== undefined,
        ttdMinutes: hit === undefined ? null : (hit - s.startMs) / MINUTE_MS,
      });
    }
    alerts += opens.length;
    if (process.env.HARNESS_DEBUG)
      opens.forEach((t, i) => {
        if (matched.has(i)) return;
        const near = sc.spikes
          .map((s) => (t - s.startMs) / MINUTE_MS)
          .filter((d) => d > -600 && d < 600);
        console.log(
          `false alert rate=${sc.spec.rate} disp=${sc.spec.dispersion} minutes from spikes: ${near.map((d) => d.toFixed(0)).join(',') || 'none within 10h'}`,
        );
      });
    truePositives += matched.size;
  }
  const eligible = outcomes.filter((x) => x.eligible);
  const big = eligible.filter((x) => x.spike.size >= 3);
  const ttds = big
    .flatMap((x) => (x.ttdMinutes === null ? [] : [x.ttdMinutes]))
    .sort((a, b) => a - b);
  const falseAlerts = alerts - truePositives;
  const brandWeeks = evaluatedMs / WEEK_MS;
  return {
    regime: o.regime,
    kind: o.kind,
    sensitivity: o.sensitivity ?? 'medium',
    alerts,
    truePositives,
    falseAlerts,
    precision: alerts === 0 ? 1 : truePositives / alerts,
    recall3: big.length === 0 ? 1 : big.filter((x) => x.detected).length / big.length,
    recallBySize: SPIKE_SIZES.map((size) => {
      const xs = eligible.filter((x) => x.spike.size === size);
      const detected = xs.filter((x) => x.detected).length;
      return { size, spikes: xs.length, detected, recall: xs.length ? detected / xs.length : 1 };
    }),
    ttdMedianMinutes: ttds.length ? ttds[Math.floor((ttds.length - 1) / 2)]! : null,
    ttdP90Minutes: ttds.length ? ttds[Math.ceil(0.9 * ttds.length) - 1]! : null,
    withinTwoWindows: ttds.length
      ? ttds.filter((t) => t <= (2 * EVAL_WINDOW_MS) / MINUTE_MS).length / ttds.length
      : 1,
    recall3WithinTwoWindows: big.length
      ? ttds.filter((t) => t <= (2 * EVAL_WINDOW_MS) / MINUTE_MS).length / big.length
      : 1,
    falsePerBrandWeek: falseAlerts / brandWeeks,
    evaluatedBrandWeeks: brandWeeks,
    ineligibleSpikes: outcomes.length - eligible.length,
    outcomes,
  };
}
