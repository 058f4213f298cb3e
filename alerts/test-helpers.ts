import {
  AlertRuleInputSchema,
  resolveRule,
  type AlertRule,
  type AlertRuleInput,
} from './config.ts';
import { MinuteSeries, MINUTE_MS, type MinuteRow } from './series.ts';

/** Builders for the alert tests (not used by production code). */

export const T0 = Date.parse('2026-01-05T00:00:00Z');

export function aRule(over: Partial<AlertRuleInput> = {}): AlertRule {
  return resolveRule(
    AlertRuleInputSchema.parse({ id: 'r1', brand: 'b', type: 'volume_spike', ...over }),
    {
      window: 15 * MINUTE_MS,
      sensitivity: 'medium',
      min_volume: 20,
      cooldown: 3_600_000,
      min_change: 0.1,
    },
    'ws',
    'config',
  );
}

/**
 * A deterministic series: `f(minuteIndex)` gives each minute's counts. Deterministic "noise"
 * (a fixed pseudo-random wobble) keeps the calibration honest without flaky tests.
 */
export function seriesOf(
  days: number,
  f: (i: number, t: number) => Partial<MinuteRow>,
  startMs = T0,
): MinuteSeries {
  const rows: MinuteRow[] = [];
  for (let i = 0; i < days * 1440; i++) {
    const t = startMs + i * MINUTE_MS;
    rows.push({ t, total: 0, pos: 0, neu: 0, neg: 0, competitors: 0, ...f(i, t) });
  }
  return new MinuteSeries(startMs, startMs + days * 1440 * MINUTE_MS, rows);
}

/** Seeded wobble in [0, 1). */
export function wobble(i: number, seed = 1): number {
  let h = Math.imul(i ^ (seed * 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** A mix of pos/neu/neg for `n` mentions with a negative share `neg` (rest split evenly). */
export function mix(n: number, neg: number): Pick<MinuteRow, 'total' | 'pos' | 'neu' | 'neg'> {
  const negN = Math.round(n * neg);
  const pos = Math.floor((n - negN) / 2);
  return { total: n, pos, neu: n - negN - pos, neg: negN };
}
