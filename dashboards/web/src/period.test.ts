import { describe, expect, it } from 'vitest';
import { fitsRange, rangeParams } from './period.ts';
import { DEFAULT_STATE } from './state.ts';

describe('rangeParams', () => {
  it('asks for the chosen buckets where they fit the range', () => {
    expect(rangeParams({ ...DEFAULT_STATE, period: '7d', interval: '1d' })).toEqual({
      from: 'now-7d',
      interval: '1d',
    });
    expect(
      rangeParams({
        ...DEFAULT_STATE,
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-08T00:00:00.000Z',
        interval: '6h',
      }),
    ).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z', interval: '6h' });
    expect(rangeParams({ ...DEFAULT_STATE, period: '24h' })).toEqual({ from: 'now-24h' });
  });

  it('falls back to the automatic buckets where the chosen ones do not fit', () => {
    // 30 days of 15 minutes is 2,880 buckets, over the API's 2,000; a week on a day is one bucket.
    expect(rangeParams({ ...DEFAULT_STATE, period: '30d', interval: '15m' })).toEqual({
      from: 'now-30d',
    });
    expect(rangeParams({ ...DEFAULT_STATE, period: '24h', interval: '1w' })).toEqual({
      from: 'now-24h',
    });
  });
});

describe('fitsRange', () => {
  it('wants at least two buckets and at most 2,000', () => {
    expect(fitsRange('1h', { ...DEFAULT_STATE, period: '24h' })).toBe(true);
    expect(fitsRange('1d', { ...DEFAULT_STATE, period: '24h' })).toBe(false);
    expect(fitsRange('15m', { ...DEFAULT_STATE, period: '7d' })).toBe(true);
    expect(fitsRange('15m', { ...DEFAULT_STATE, period: '30d' })).toBe(false);
    expect(fitsRange('nonsense', { ...DEFAULT_STATE, period: '7d' })).toBe(false);
  });
});
