import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../series.ts';
import {
  droppedMix,
  generateSeries,
  netOf,
  proportionShift,
  sovOf,
  type PlantedSpike,
  type SeriesSpec,
} from './synthetic.ts';

const START = Date.parse('2026-01-05T00:00:00Z');
const spec: SeriesSpec = {
  seed: 11,
  days: 1,
  rate: 30,
  daily: 0.3,
  weekend: 0.8,
  dispersion: 0,
  mix: { pos: 0.4, neu: 0.4, neg: 0.2 },
  competitorRatio: 2,
  startMs: START,
};
const at = START + 10 * 3_600_000;
const spike = (kind: PlantedSpike['kind'], size = 10): PlantedSpike => ({
  kind,
  startMs: at,
  durationMin: 120,
  size,
});

/** Sums of the rows in the spike's two hours. */
function during(rows: ReturnType<typeof generateSeries>) {
  const xs = rows.filter((r) => r.t >= at && r.t < at + 120 * MINUTE_MS);
  const sum = (f: (r: (typeof xs)[number]) => number) => xs.reduce((a, r) => a + f(r), 0);
  return {
    total: sum((r) => r.total),
    net: (sum((r) => r.pos) - sum((r) => r.neg)) / sum((r) => r.total),
    sov: sum((r) => r.total) / (sum((r) => r.total) + sum((r) => r.competitors ?? 0)),
  };
}

describe('synthetic series for the harness', () => {
  const quiet = during(generateSeries(spec, []));

  it('a sentiment spike lowers net sentiment by its size and leaves volume alone', () => {
    const s = spike('sentiment');
    const got = during(generateSeries(spec, [s]));
    const drop = proportionShift(spec, s, at);
    // 10 noise levels of a 15-minute window: a clear drop, measured over two hours.
    expect(drop).toBeGreaterThan(0.2);
    expect(quiet.net - got.net).toBeGreaterThan(0.75 * drop);
    expect(quiet.net - got.net).toBeLessThan(1.25 * drop);
    // Same draws for the volume: the same counts exactly.
    expect(got.total).toBe(quiet.total);
  });

  it('a share-of-voice spike lowers the brand share, not its volume', () => {
    const s = spike('sov', 6);
    const got = during(generateSeries(spec, [s]));
    const drop = proportionShift(spec, s, at);
    expect(quiet.sov).toBeCloseTo(sovOf(spec), 1);
    expect(quiet.sov - got.sov).toBeGreaterThan(0.75 * drop);
    expect(quiet.sov - got.sov).toBeLessThan(1.25 * drop);
    expect(got.total).toBe(quiet.total);
  });

  it('the dropped mix is a mix and falls by the asked amount', () => {
    const m = droppedMix(spec.mix, 0.15);
    expect(m.pos + m.neu + m.neg).toBeCloseTo(1, 12);
    expect(netOf(spec.mix) - netOf(m)).toBeCloseTo(0.15, 12);
    // Capped: some positive and neutral mentions always remain.
    const capped = droppedMix(spec.mix, 5);
    expect(capped.pos).toBeGreaterThan(0);
    expect(capped.neu).toBeGreaterThan(0);
  });

  it('a volume spike adds mentions; series are a pure function of the seed', () => {
    expect(during(generateSeries(spec, [spike('volume')])).total).toBeGreaterThan(quiet.total);
    expect(generateSeries(spec, [spike('negative')])).toEqual(
      generateSeries(spec, [spike('negative')]),
    );
  });
});
