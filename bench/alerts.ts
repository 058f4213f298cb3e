import { runHarness, type HarnessReport } from '../alerts/evaluation/harness.ts';
import type { BenchResult } from './types.ts';

/**
 * Alert detection quality: the evaluation harness (alerts/evaluation/) replays the real
 * detector and incident state machine minute by minute over synthetic brand series with
 * planted spikes (1.5–10 noise levels, 30–240 min, daily and weekly seasonality,
 * over-dispersion, past spikes in the history) and quiet series, for each rule type: volume
 * and negative spikes, net-sentiment drops and share-of-voice shifts. Two regimes: four weeks of
 * history (hour-of-week baseline) and the demo's situation (2–3 days, hour-of-day baseline).
 * Goals (issue 7): precision ≥ 0.9, recall ≥ 0.9 for spikes ≥ 3× noise, ≤ 1 false alert per
 * brand-week, detection within two evaluation windows (30 min for 15-min windows).
 *
 * The detector's constants were tuned on the harness's default seed (7); this suite reports on
 * a different seed, never used for tuning, so the figures are not fitted to the series.
 */
export const REPORT_SEED = 424242;

const RULE_NAME = {
  volume: 'volume_spike',
  negative: 'negative_spike',
  sentiment: 'sentiment_drop',
  sov: 'sov_shift',
} as const;

export default function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const configs = (['volume', 'negative', 'sentiment', 'sov'] as const).flatMap((kind) => [
    { regime: 'hour_of_week', kind, spikySeries: 32, quietSeries: 16 } as const,
    // Three times the short-history series of round 3 (one planted shift per series): 8–16
    // shifts per size made one shift worth 6–12 points of a size's recall.
    { regime: 'short_history', kind, spikySeries: 288, quietSeries: 144 } as const,
  ]);
  for (const c of configs) {
    const t0 = performance.now();
    const r = runHarness({ ...c, sensitivity: 'medium', seed: REPORT_SEED });
    const seconds = (performance.now() - t0) / 1000;
    results.push(...figures(r, seconds));
  }
  return Promise.resolve(results);
}

function figures(r: HarnessReport, seconds: number): BenchResult[] {
  const name = `${r.regime} ${RULE_NAME[r.kind]}`;
  const area = 'alerts';
  const bySize = r.recallBySize.map((s) => `${s.size}×: ${s.detected}/${s.spikes}`).join(', ');
  return [
    {
      area,
      name: `${name}: precision`,
      value: r.precision,
      unit: '',
      notes: `${r.truePositives}/${r.alerts} alerts`,
    },
    { area, name: `${name}: recall, spikes ≥ 3× noise`, value: r.recall3, unit: '', notes: bySize },
    {
      area,
      name: `${name}: false alerts per brand-week`,
      value: r.falsePerBrandWeek,
      unit: '/brand-week',
      notes: `${r.falseAlerts} over ${r.evaluatedBrandWeeks.toFixed(1)} brand-weeks`,
    },
    {
      area,
      name: `${name}: detected within 2 windows`,
      value: r.withinTwoWindows,
      unit: '',
      notes: `time to detect median ${r.ttdMedianMinutes} min, p90 ${r.ttdP90Minutes} min`,
    },
    {
      area,
      name: `${name}: spikes ≥ 3× found within 2 windows`,
      value: r.recall3WithinTwoWindows,
      unit: '',
      notes: 'share of all eligible ≥ 3× spikes, detected or not',
    },
    {
      area,
      name: `${name}: harness run time`,
      value: seconds,
      unit: 's',
      notes: `${r.outcomes.length} planted spikes, ${r.ineligibleSpikes} below min volume`,
    },
  ];
}
