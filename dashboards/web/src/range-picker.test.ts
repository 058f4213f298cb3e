import { describe, expect, it } from 'vitest';
import { rangeOfDays, zonedDate, zonedMidnight } from './range-picker.ts';

describe('custom date range in the reporting time zone', () => {
  it('starts a day at local midnight', () => {
    expect(zonedMidnight('2026-11-20', 'Europe/Athens')).toBe('2026-11-19T22:00:00.000Z');
    expect(zonedMidnight('2026-11-20', 'Asia/Tehran')).toBe('2026-11-19T20:30:00.000Z');
    expect(zonedMidnight('2026-11-20', 'UTC')).toBe('2026-11-20T00:00:00.000Z');
    // The day summer time starts in Athens still begins at +02:00.
    expect(zonedMidnight('2026-03-29', 'Europe/Athens')).toBe('2026-03-28T22:00:00.000Z');
    expect(zonedMidnight('2026-03-30', 'Europe/Athens')).toBe('2026-03-29T21:00:00.000Z');
  });

  it('covers the first to the last day, both whole', () => {
    expect(rangeOfDays('2026-11-16', '2026-11-22', 'Europe/Athens')).toEqual({
      from: '2026-11-15T22:00:00.000Z',
      to: '2026-11-22T22:00:00.000Z',
    });
    expect(rangeOfDays('2026-11-22', '2026-11-16', 'UTC')).toBeNull();
    expect(rangeOfDays('', '2026-11-16', 'UTC')).toBeNull();
    expect(zonedDate('2026-11-19T22:30:00.000Z', 'Europe/Athens')).toBe('2026-11-20');
  });
});
