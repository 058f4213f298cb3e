import { beforeAll, describe, expect, it } from 'vitest';
import {
  brandScenario,
  DETECTED_BY,
  generateBrand,
  levelShiftEvent,
  runBrand,
  summarizeBand,
  type BrandResult,
  oracleMinutes,
  scoreBrand,
  type EventOutcome,
} from './bands.ts';
import { mix, seriesOf, T0 } from '../test-helpers.ts';
import { MINUTE_MS } from '../series.ts';
import { buildSentimentPool } from '../../scripts/lib-alerts-sentiment-pool.ts';
import type { SentimentPool } from './pool.ts';

/**
 * The rate-band harness on a small configuration (one brand each at 3 and 30 mentions an hour;
 * `npm run eval:alerts` runs every band over several seeds): the quiet bands are where a fixed
 * minimum volume made every incident silent. Floors, not the targets (docs/benchmarks.md
 * has the measured figures per band).
 */
let pool: SentimentPool;
// Scoring the demo's ~1,200 sentences takes seconds, more on a loaded machine than the
// default 10 s hook timeout.
beforeAll(() => {
  pool = buildSentimentPool();
}, 120_000);

describe('sentiment pool', () => {
  it('is the enricher: mostly right, with real errors', () => {
    expect(pool.texts).toBeGreaterThan(500);
    expect(pool.confusion.pos.pos).toBeGreaterThan(0.9);
    expect(pool.confusion.incident.neg).toBeGreaterThan(0.8);
    // The enricher reads some neutral sentences as negative: the detector must live with it.
    expect(pool.confusion.neu.neg).toBeGreaterThan(0.02);
  });
});

describe('rate-band harness', () => {
  it('plants incidents and decoys at any hour, seeded', () => {
    const a = brandScenario(30, 11);
    expect(brandScenario(30, 11)).toEqual(a);
    const kinds = a.events.map((e) => e.kind);
    expect(kinds).toContain('negative_spike');
    expect(kinds.some((k) => DETECTED_BY[k].length === 0)).toBe(true); // decoys
  });

  it('draws a wandering negative share at the same level (`--mix-wander`)', () => {
    const steady = brandScenario(300, 11, 7);
    const wandering = brandScenario(300, 11, 7);
    wandering.spec.mixWander = 0.3;
    const a = generateBrand(steady, pool);
    const b = generateBrand(wandering, pool);
    const total = (rows: typeof a) => rows.reduce((x, r) => x + r.total, 0);
    expect(total(b) / total(a)).toBeCloseTo(1, 1);
    // The days' negative shares spread far beyond the binomial noise of 7,000 mentions a day.
    const dayShares = (rows: typeof a) =>
      Array.from({ length: 7 }, (_, d) => {
        const day = rows.slice(d * 1440, (d + 1) * 1440);
        const neg = day.reduce((x, r) => x + r.neg, 0);
        return neg / day.reduce((x, r) => x + r.pos + r.neu + r.neg, 0);
      });
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    expect(spread(dayShares(b))).toBeGreaterThan(2 * spread(dayShares(a)));
  });

  it('changes the volume for good from a drawn hour, and nothing before it (`--level-shift`)', () => {
    const plain = brandScenario(300, 11);
    const shifted = brandScenario(300, 11);
    const shift = levelShiftEvent(shifted, 2);
    shifted.events.push(shift);
    const a = generateBrand(plain, pool);
    const b = generateBrand(shifted, pool);
    const at = (shift.startMs - a[0]!.t) / MINUTE_MS;
    expect(at).toBeGreaterThanOrEqual(12 * 1440);
    expect(at).toBeLessThan(16 * 1440);
    // The same series up to the shift; twice the mentions on each later day, not only its first.
    expect(b.slice(0, at)).toEqual(a.slice(0, at));
    const total = (rows: typeof a, from: number, to: number) =>
      rows.slice(from, to).reduce((x, r) => x + r.total, 0);
    const lastWeek = a.length - 7 * 1440;
    expect(total(b, lastWeek, a.length) / total(a, lastWeek, a.length)).toBeCloseTo(2, 1);
  });

  it('counts a rise that starts on a quiet day as news from when that day ends', () => {
    const sc = brandScenario(3000, 41 * 7919 + 3000);
    const quiet = sc.events.find((e) => e.kind === 'quiet_day')!;
    const shift = levelShiftEvent(sc, 3);
    // This brand's rise is drawn on its quiet day: seen at midnight, news until noon.
    expect(shift.startMs).toBeGreaterThanOrEqual(quiet.startMs);
    expect(shift.startMs).toBeLessThan(quiet.endMs);
    expect(shift.endMs).toBe(quiet.endMs + 12 * 60 * MINUTE_MS);
    sc.events.push(shift);
    const volume = (min: number) => ({
      rule: 'volume_spike' as const,
      openedMs: quiet.endMs + min * MINUTE_MS,
      windowMinutes: 5,
      statistic: 'volume',
      z: 14,
    });
    const r = scoreBrand(3000, 1, sc, [volume(5), volume(20 * 60)], null);
    expect(r.alerts.map((a) => [a.event, a.correct])).toEqual([
      ['level_shift', true],
      [null, false],
    ]);
    // Elsewhere, 12 hours from the rise itself.
    const other = brandScenario(300, 11);
    const plain = levelShiftEvent(other, 2);
    expect(plain.endMs - plain.startMs).toBe(12 * 60 * MINUTE_MS);
  });

  it('scores an alert by the event it is right for, where a level shift falls inside a drift', () => {
    const sc = brandScenario(300, 11);
    const drift = sc.events.find((e) => e.kind === 'drift')!;
    const shift = { ...levelShiftEvent(sc, 2), startMs: drift.startMs + 60 * MINUTE_MS };
    shift.endMs = shift.startMs + 12 * 60 * MINUTE_MS;
    sc.events.push(shift);
    const alert = (rule: 'volume_spike' | 'negative_spike', min: number) => ({
      rule,
      openedMs: shift.startMs + min * MINUTE_MS,
      windowMinutes: 60,
      statistic: 'volume',
      z: 5,
    });
    const r = scoreBrand(
      300,
      11,
      sc,
      [alert('volume_spike', 30), alert('negative_spike', 40)],
      null,
    );
    // The rise's volume alert is the shift's (a drift allows none); the negative one the drift's.
    expect(r.alerts.map((a) => [a.event, a.correct])).toEqual([
      ['level_shift', true],
      ['drift', true],
    ]);
  });

  const results: BrandResult[] = [];
  it.each([3, 30])(
    'a brand at %i mentions an hour: incidents found, few false alerts',
    (perHour) => {
      const r = runBrand(perHour, 7919 + perHour, pool);
      results.push(r);
      const band = summarizeBand(perHour, [r]);
      // Before: min_volume 20 silenced every incident of these bands (recall 0).
      expect(band.recall).toBeGreaterThanOrEqual(0.6);
      expect(band.falsePerBrandWeek).toBeLessThanOrEqual(3);
    },
    600_000,
  );
});

describe('time to detect, per kind', () => {
  it("reports the harness's spike median, the negative incidents' alone, and each kind's", () => {
    const o = (kind: EventOutcome['kind'], steep: boolean, ttd: number | null): EventOutcome => ({
      kind,
      startMs: 0,
      night: false,
      weekend: false,
      steep,
      rampMin: steep ? 0 : 60,
      durationMin: 60,
      size: 1,
      detected: ttd !== null,
      ttdMinutes: ttd,
      foundBy: null,
      oracleMinutes: kind === 'negative_spike' ? (ttd ?? 30) / 2 : null,
    });
    const r: BrandResult = {
      perHour: 300,
      seed: 1,
      outcomes: [
        o('negative_spike', true, 20),
        o('negative_spike', false, 80),
        o('negative_shift', true, 40),
        o('launch', false, 10),
        o('launch', false, 15),
        o('drift', false, 900),
        o('negative_shift', false, null),
      ],
      alerts: [],
      evaluatedMs: 7 * 86_400_000,
      evaluations: 1,
    };
    const band = summarizeBand(300, [r]);
    // Spikes (negative, shift, launch): 10, 15, 20, 40, 80 → 20. Negative only: 20, 40, 80 → 40.
    expect(band.ttdSpikeMedian).toBe(20);
    expect(band.ttdNegativeMedian).toBe(40);
    expect(band.ttdByKind['negative_spike steep']).toEqual({ found: 1, median: 20, minutes: [20] });
    expect(band.ttdByKind['launch']).toEqual({ found: 2, median: 10, minutes: [10, 15] });
    expect(band.ttdByKind['drift']).toBeUndefined();
    // The oracle's bound over the negative incidents: spikes 10, 40; shifts none (∞) → 40.
    expect(band.oracleNegativeMedian).toBe(40);
  });
});

describe('the oracle bound on time to detect', () => {
  it('is the first window from the start whose negatives cross the threshold', () => {
    // 40 mentions a minute at 20 % negative; from day 9, 10:00, 30 %: an hour's window would
    // be 10 noise levels, its first 5 minutes (200 mentions) about 3.5, its first 10 about 5.
    const startMin = 9 * 1440 + 600;
    const s = seriesOf(10, (i) => mix(40, i >= startMin ? 0.3 : 0.2));
    const e = {
      kind: 'negative_shift' as const,
      startMs: T0 + startMin * MINUTE_MS,
      endMs: T0 + (startMin + 60) * MINUTE_MS,
      rampMin: 0,
      size: 0.1,
    };
    expect(oracleMinutes(s, e)).toBe(10);
    // Nothing there: never within six hours.
    expect(
      oracleMinutes(
        seriesOf(10, () => mix(40, 0.2)),
        e,
      ),
    ).toBeNull();
  });
});
