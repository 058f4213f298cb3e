import { describe, expect, it } from 'vitest';
import {
  completeBuckets,
  pctChange,
  shareOfVoice,
  totalsFromSeries,
  uniqueTopics,
} from './metrics.ts';

describe('totalsFromSeries', () => {
  it('uses the API definitions: shares of scored mentions, net = (pos − neg) / scored', () => {
    const t = totalsFromSeries([
      { t: 'a', volume: 10, positive: 5, neutral: 2, negative: 1, unscored: 2 },
      { t: 'b', volume: 10, positive: 3, neutral: 3, negative: 2, unscored: 2 },
    ]);
    expect(t).toMatchObject({ volume: 20, positive: 8, neutral: 5, negative: 3 });
    expect(t.net_sentiment).toBeCloseTo(5 / 16);
    expect(t.negative_share).toBeCloseTo(3 / 16);
  });

  it('has no shares without scored mentions', () => {
    expect(totalsFromSeries([])).toMatchObject({
      volume: 0,
      net_sentiment: null,
      positive_share: null,
    });
  });
});

describe('shareOfVoice', () => {
  it('divides by the volume of the brands shown', () => {
    expect(shareOfVoice({ a: 30, b: 10 })).toEqual({ a: 0.75, b: 0.25 });
    expect(shareOfVoice({ a: 0, b: 0 })).toEqual({ a: null, b: null });
  });
});

describe('uniqueTopics', () => {
  it('keeps topics no other brand has, loudest first', () => {
    const t = (id: string, volume: number) => ({ id, label: id, volume });
    const out = uniqueTopics({
      a: [t('battery', 5), t('camera', 9), t('price', 3)],
      b: [t('camera', 4), t('support', 7)],
      c: [],
    });
    expect(out).toEqual({ a: [t('battery', 5), t('price', 3)], b: [t('support', 7)], c: [] });
  });

  it('compares labels, not ids: per-brand topics about the same thing are not unique', () => {
    const t = (id: string, label: string, volume = 1) => ({ id, label, volume });
    const out = uniqueTopics({
      a: [t('tp-a1', 'battery drains overnight', 5), t('tp-a2', 'shipping delays', 3)],
      b: [t('tp-b1', 'Batteries · charger', 4), t('tp-b2', '#support tickets', 2)],
    });
    expect(out).toEqual({
      a: [t('tp-a2', 'shipping delays', 3)],
      b: [t('tp-b2', '#support tickets', 2)],
    });
  });
});

describe('pctChange', () => {
  it('is null without a previous value', () => {
    expect(pctChange(110, 100)).toBeCloseTo(10);
    expect(pctChange(5, 0)).toBeNull();
    expect(pctChange(5, undefined)).toBeNull();
  });
});

describe('completeBuckets', () => {
  const series = [
    { t: '2026-11-21T08:00:00Z' },
    { t: '2026-11-21T09:00:00Z' },
    { t: '2026-11-21T10:00:00Z' },
  ];
  const later = Date.parse('2026-11-22T00:00:00Z');
  it('drops a last bucket that is still filling', () => {
    expect(completeBuckets(series, 3_600_000, '2026-11-21T10:20:00Z', later)).toHaveLength(2);
  });
  it('drops it when the range was snapped past now (now-24h in hours ends at the next hour)', () => {
    const now = Date.parse('2026-11-21T10:20:00Z');
    expect(completeBuckets(series, 3_600_000, '2026-11-21T11:00:00Z', now)).toHaveLength(2);
    expect(
      completeBuckets(series, 3_600_000, '2026-11-21T11:00:00Z', now + 3_600_000),
    ).toHaveLength(3);
  });
  it('keeps a last bucket that is complete, and everything when the interval is unknown', () => {
    expect(completeBuckets(series, 3_600_000, '2026-11-21T11:00:00Z', later)).toHaveLength(3);
    expect(completeBuckets(series, null, '2026-11-21T10:20:00Z', later)).toHaveLength(3);
    expect(completeBuckets([], 3_600_000, '2026-11-21T10:20:00Z', later)).toEqual([]);
  });
});
