import { describe, expect, it } from 'vitest';
import {
  authorsCutOf,
  changePct,
  delta,
  engagement,
  netSentiment,
  netSentimentPolar,
  reachEstimate,
  share,
  shareOfVoice,
  summarize,
  wilson,
  EMPTY_AGGREGATE,
} from './metrics.ts';
import { DAY_MS as DAY } from '../../core/duration.ts';

// Hand-computed fixture: 10 mentions, 4 pos, 3 neu, 2 neg, 1 unscored.
const counts = { positive: 4, neutral: 3, negative: 2 };

describe('metric definitions (hand-computed)', () => {
  it('net sentiment = (pos − neg) / (pos + neu + neg)', () => {
    expect(netSentiment(counts)).toBe(0.2222); // (4-2)/9
    expect(netSentiment({ positive: 0, neutral: 0, negative: 0 })).toBeNull();
    expect(netSentiment({ positive: 0, neutral: 0, negative: 5 })).toBe(-1);
  });

  it('polar net sentiment = (pos − neg) / (pos + neg)', () => {
    expect(netSentimentPolar(counts)).toBe(0.3333); // 2/6
    expect(netSentimentPolar({ positive: 0, neutral: 7, negative: 0 })).toBeNull();
  });

  it('shares are of scored mentions; unscored count only in volume', () => {
    expect(share(2, counts)).toBe(0.2222);
    expect(share(3, counts)).toBe(0.3333);
    const s = summarize({ ...EMPTY_AGGREGATE, ...counts, volume: 10, unscored: 1 });
    expect(s.volume).toBe(10);
    expect((s.positive_share ?? 0) + (s.neutral_share ?? 0) + (s.negative_share ?? 0)).toBeCloseTo(
      1,
      3,
    );
  });

  it('engagement = likes + reposts + replies, weights configurable', () => {
    expect(engagement({ likes: 10, reposts: 3, replies: 2 })).toBe(15);
    expect(
      engagement({ likes: 10, reposts: 3, replies: 2 }, { likes: 1, reposts: 2, replies: 0.5 }),
    ).toBe(17);
  });

  it('reach estimate = sum of known followers', () => {
    expect(reachEstimate({ followers: 1200 + 30 })).toBe(1230);
  });

  it('share of voice = brand volume / brand-set volume', () => {
    expect(shareOfVoice(30, 120)).toBe(0.25);
    expect(shareOfVoice(0, 0)).toBeNull();
  });

  it('change vs previous period', () => {
    expect(changePct(150, 120)).toBe(25);
    expect(changePct(5, 0)).toBeNull();
    expect(delta(0.1, 0.3)).toBe(-0.2);
    expect(delta(null, 0.3)).toBeNull();
  });

  it('Wilson 95 % interval matches published values', () => {
    // 8 of 10: [0.4902, 0.9433]; 50 of 100: [0.4038, 0.5962]; 0 of 10: [0, 0.2775]
    expect(wilson(8, 10)).toEqual([0.4902, 0.9433]);
    expect(wilson(50, 100)).toEqual([0.4038, 0.5962]);
    expect(wilson(0, 10)).toEqual([0, 0.2775]);
    expect(wilson(0, 0)).toBeNull();
  });
});

describe('authorsCutOf', () => {
  const at = (t: string) => Date.parse(t);
  it('moves the cut to the nearest hour over a day or more, else the nearest quarter hour', () => {
    const from = at('2026-11-19T00:00Z');
    expect(authorsCutOf(at('2026-11-18T23:20Z'), from, DAY)).toBe(at('2026-11-18T23:00Z'));
    expect(authorsCutOf(at('2026-11-18T23:40Z'), from, 7 * DAY)).toBe(at('2026-11-19T00:00Z'));
    expect(authorsCutOf(at('2026-11-18T23:20Z'), from, 3_600_000)).toBe(at('2026-11-18T23:15Z'));
  });
  it('keeps the cut exact off the sketches grid, and the period end when there is no cut', () => {
    const from = at('2026-11-19T00:10Z');
    expect(authorsCutOf(at('2026-11-18T23:21Z'), from, DAY)).toBe(at('2026-11-18T23:21Z'));
    const onGrid = at('2026-11-19T00:00Z');
    expect(authorsCutOf(onGrid, onGrid, DAY)).toBe(onGrid);
  });
});
