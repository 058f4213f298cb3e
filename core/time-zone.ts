import { z } from 'zod';
import { DAY_MS, WEEK_MS } from './duration.ts';

/**
 * Reporting time zones: days and weeks of a report split at local midnight (weeks start on
 * Monday), where the people reading it live. IANA names only ("Europe/Athens", "UTC"): an
 * offset like "+02:00" would be wrong half of the year, and ClickHouse, which buckets the data
 * (`toStartOfDay(t, tz)`), knows the same IANA database.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether `name` is an IANA time zone this runtime knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(name: string): boolean {
  // Area/Location[/Sub], or a bare name like UTC: no numeric offsets, no spaces.
  if (name.length > 64 || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(name))
    return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** A query or config value: an IANA time zone, with the message a person can act on. */
export const TimeZoneSchema = z
  .string()
  .refine(isTimeZone, 'an IANA time zone name like "Europe/Athens" or "UTC"');

interface LocalParts {
  year: number;
  month: number;
  day: number;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** Local wall time minus UTC at this instant, in ms. */
  offset: number;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function localParts(ms: number, tz: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const wall = Date.UTC(
    year,
    month - 1,
    day,
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return {
    year,
    month,
    day,
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
    offset: wall - Math.floor(ms / 1000) * 1000,
  };
}

/** The instant of local midnight starting the local date y-m-d in `tz`. */
function midnightOf(year: number, month: number, day: number, tz: string, hint: number): number {
  const wall = Date.UTC(year, month - 1, day);
  // The offset at midnight may differ from the one at `hint` (a DST change that day): settle it.
  let at = wall - localParts(hint, tz).offset;
  for (let i = 0; i < 3; i++) {
    const next = wall - localParts(at, tz).offset;
    if (next === at) break;
    at = next;
  }
  return at;
}

/** Local midnight at or before the instant `ms` in `tz`. */
export function startOfLocalDay(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const m = midnightOf(p.year, p.month, p.day, tz, ms);
  return m <= ms ? m : startOfLocalDay(ms - DAY_MS / 2, tz);
}

/** Local midnight of the Monday starting the week of `ms` in `tz`. */
export function startOfLocalWeek(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day - p.weekday));
  return midnightOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), tz, ms);
}

/** Calendar buckets: days or weeks of a time zone, whose length varies with DST. */
export interface Calendar {
  unit: 'day' | 'week';
  tz: string;
}

/** The calendar an interval means, or null for a fixed-width one (hours, minutes, 2d…). */
export function calendarOf(intervalMs: number, tz: string): Calendar | null {
  if (intervalMs === DAY_MS) return { unit: 'day', tz };
  if (intervalMs === WEEK_MS) return { unit: 'week', tz };
  return null;
}

/** Start of the calendar bucket holding `ms`. */
export function floorTo(ms: number, c: Calendar): number {
  return c.unit === 'day' ? startOfLocalDay(ms, c.tz) : startOfLocalWeek(ms, c.tz);
}

/** Start of the next calendar bucket after the one starting at `start`. */
export function nextStart(start: number, c: Calendar): number {
  // Past the longest day (25 h) or week (7 d + 1 h), then back to its start.
  return floorTo(start + (c.unit === 'day' ? DAY_MS : WEEK_MS) + 2 * 3_600_000, c);
}

/** `ms` if it starts a bucket, else the start of the next one. */
export function ceilTo(ms: number, c: Calendar): number {
  const f = floorTo(ms, c);
  return f === ms ? ms : nextStart(f, c);
}

/**
 * Bucket starts in [from, to): calendar buckets (local days or Monday weeks), or fixed steps of
 * `stepMs` from `from` when `calendar` is null.
 */
export function bucketStarts(
  from: number,
  to: number,
  stepMs: number,
  calendar: Calendar | null,
): number[] {
  const out: number[] = [];
  if (calendar === null) {
    for (let t = from; t < to; t += stepMs) out.push(t);
    return out;
  }
  for (let t = floorTo(from, calendar); t < to; t = nextStart(t, calendar))
    if (t >= from) out.push(t);
  return out;
}

/** The ClickHouse expression of a calendar bucket's start, as Unix seconds. */
export function calendarBucketSql(time: string, c: Calendar, tzParam: string): string {
  return c.unit === 'day'
    ? `toUnixTimestamp(toStartOfDay(${time}, {${tzParam}:String}))`
    : `toUnixTimestamp(toDateTime(toMonday(${time}, {${tzParam}:String}), {${tzParam}:String}))`;
}
