import { describe, expect, it } from 'vitest';
import {
  bucketStarts,
  calendarOf,
  ceilTo,
  isTimeZone,
  startOfLocalDay,
  startOfLocalWeek,
  TimeZoneSchema,
} from './time-zone.ts';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('reporting time zones', () => {
  it('accepts IANA names only', () => {
    for (const tz of ['UTC', 'Europe/Athens', 'Asia/Tehran', 'America/Argentina/Buenos_Aires'])
      expect(isTimeZone(tz), tz).toBe(true);
    for (const tz of ['Mars/Olympus', '+02:00', 'Europe/Athens; DROP', '', 'europe athens'])
      expect(isTimeZone(tz), tz).toBe(false);
    expect(TimeZoneSchema.safeParse('Nowhere/Special').error?.issues[0]?.message).toMatch(
      /IANA time zone/,
    );
  });

  it('a day starts at local midnight, with half- and quarter-hour offsets', () => {
    expect(iso(startOfLocalDay(t('2026-11-20T10:00:00Z'), 'Europe/Athens'))).toBe(
      '2026-11-19T22:00:00.000Z',
    );
    // 23:30 UTC is already the next day in Athens (UTC+2).
    expect(iso(startOfLocalDay(t('2026-11-20T23:30:00Z'), 'Europe/Athens'))).toBe(
      '2026-11-20T22:00:00.000Z',
    );
    expect(iso(startOfLocalDay(t('2026-11-20T10:00:00Z'), 'Asia/Tehran'))).toBe(
      '2026-11-19T20:30:00.000Z',
    );
    expect(iso(startOfLocalDay(t('2026-11-20T10:00:00Z'), 'Asia/Kathmandu'))).toBe(
      '2026-11-19T18:15:00.000Z',
    );
    expect(iso(startOfLocalDay(t('2026-11-20T10:00:00Z'), 'UTC'))).toBe('2026-11-20T00:00:00.000Z');
  });

  it('days across a DST change are 23 and 25 hours long', () => {
    // EU summer time starts Sunday 2026-03-29 at 03:00 Athens time (01:00 UTC).
    const spring = bucketStarts(
      t('2026-03-27T22:00:00Z'),
      t('2026-03-30T21:00:00Z'),
      86_400_000,
      calendarOf(86_400_000, 'Europe/Athens'),
    ).map(iso);
    expect(spring).toEqual([
      '2026-03-27T22:00:00.000Z',
      '2026-03-28T22:00:00.000Z',
      '2026-03-29T21:00:00.000Z',
    ]);
    // …and ends Sunday 2026-10-25 at 04:00 local (01:00 UTC).
    const autumn = bucketStarts(
      t('2026-10-24T21:00:00Z'),
      t('2026-10-26T22:00:00Z'),
      86_400_000,
      calendarOf(86_400_000, 'Europe/Athens'),
    ).map(iso);
    expect(autumn).toEqual(['2026-10-24T21:00:00.000Z', '2026-10-25T22:00:00.000Z']);
  });

  it('weeks start on Monday at local midnight', () => {
    // Friday 2026-11-20 → Monday 2026-11-16, 00:00 in New York (UTC−5).
    expect(iso(startOfLocalWeek(t('2026-11-20T12:00:00Z'), 'America/New_York'))).toBe(
      '2026-11-16T05:00:00.000Z',
    );
    const week = calendarOf(7 * 86_400_000, 'UTC')!;
    expect(iso(ceilTo(t('2026-11-18T00:00:00Z'), week))).toBe('2026-11-23T00:00:00.000Z');
    expect(iso(ceilTo(t('2026-11-23T00:00:00Z'), week))).toBe('2026-11-23T00:00:00.000Z');
  });

  it('fixed intervals are not calendars', () => {
    expect(calendarOf(3_600_000, 'Europe/Athens')).toBeNull();
    expect(calendarOf(2 * 86_400_000, 'Europe/Athens')).toBeNull();
    expect(bucketStarts(0, 3 * 3_600_000, 3_600_000, null)).toEqual([0, 3_600_000, 7_200_000]);
  });
});
