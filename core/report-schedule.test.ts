import { describe, expect, it } from 'vitest';
import { lastCompletePeriod, ReportScheduleSchema } from './report-schedule.ts';

const iso = (p: { from: Date; to: Date }) => [p.from.toISOString(), p.to.toISOString()];

describe('report schedules', () => {
  it('a weekly report covers the last whole week, Monday to Monday, local time', () => {
    // Wednesday 2026-11-25, 10:00 UTC: last week is Mon 16 → Mon 23 November.
    const now = new Date('2026-11-25T10:00:00Z');
    expect(iso(lastCompletePeriod('weekly', now, 'UTC'))).toEqual([
      '2026-11-16T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
    expect(iso(lastCompletePeriod('weekly', now, 'Europe/Athens'))).toEqual([
      '2026-11-15T22:00:00.000Z',
      '2026-11-22T22:00:00.000Z',
    ]);
  });

  it('a monthly report covers the last calendar month, across a DST change', () => {
    const now = new Date('2026-11-03T09:00:00Z');
    // October in Athens starts at +03:00 and ends at +02:00.
    expect(iso(lastCompletePeriod('monthly', now, 'Europe/Athens'))).toEqual([
      '2026-09-30T21:00:00.000Z',
      '2026-10-31T22:00:00.000Z',
    ]);
    expect(iso(lastCompletePeriod('monthly', new Date('2026-01-01T00:30:00Z'), 'UTC'))).toEqual([
      '2025-12-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
  });

  it('reads a schedule with its defaults and refuses unknown keys', () => {
    expect(
      ReportScheduleSchema.parse({ id: 'mon', every: 'weekly', brands: ['a'], channels: ['m'] }),
    ).toEqual({ id: 'mon', every: 'weekly', brands: ['a'], channels: ['m'], pdf: 'attach' });
    expect(
      ReportScheduleSchema.safeParse({
        id: 'mon',
        every: 'daily',
        brands: ['a'],
        channels: ['m'],
      }).success,
    ).toBe(false);
  });
});
