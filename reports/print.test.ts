import { describe, expect, it } from 'vitest';
import { DAY_MS, durationText, HOUR_MS, MINUTE_MS, WEEK_MS } from '../core/duration.ts';
import { printPath } from './print.ts';

const job = {
  kind: 'brand' as const,
  brands: ['nimbus'],
  from: new Date('2026-11-01T00:00:00.000Z'),
  to: new Date('2026-11-08T00:00:00.000Z'),
};

describe('printPath', () => {
  it('is the print view of the period, with the buckets the report was asked for', () => {
    expect(printPath(job)).toBe(
      '/#/report/brand/nimbus?from=2026-11-01T00:00:00.000Z&to=2026-11-08T00:00:00.000Z',
    );
    expect(printPath({ ...job, interval: DAY_MS })).toBe(
      '/#/report/brand/nimbus?from=2026-11-01T00:00:00.000Z&to=2026-11-08T00:00:00.000Z&interval=1d',
    );
    expect(printPath({ ...job, kind: 'compare', brands: ['a', 'b'], interval: 6 * HOUR_MS })).toBe(
      '/#/report/compare?brands=a,b&from=2026-11-01T00:00:00.000Z&to=2026-11-08T00:00:00.000Z&interval=6h',
    );
  });
});

describe('durationText', () => {
  it('writes the largest whole unit, as DurationSchema reads it', () => {
    expect(durationText(WEEK_MS)).toBe('1w');
    expect(durationText(2 * DAY_MS)).toBe('2d');
    expect(durationText(90 * MINUTE_MS)).toBe('90m');
    expect(durationText(15 * MINUTE_MS)).toBe('15m');
    expect(durationText(36 * HOUR_MS)).toBe('36h');
  });
});
