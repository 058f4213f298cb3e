import { z } from 'zod';
import { DurationSchema, UNIT_MS } from '../core/duration.ts';
import { calendarOf, ceilTo, floorTo, type Calendar } from '../core/time-zone.ts';

export { DurationSchema };

/**
 * The times a query may name. Nothing is stored before 2000 (ingest refuses it, see
 * core/contracts/mention.ts), and past these bounds the engine's DateTime64 clamps or fails:
 * year 0 or 9999, or a relative `now-9999w`, would otherwise reach ClickHouse and answer 500.
 * Fixed bounds rather than ones relative to now, so the error message is the same tomorrow.
 */
export const QUERY_TIME_MIN = new Date('2000-01-01T00:00:00Z');
export const QUERY_TIME_MAX = new Date('2100-01-01T00:00:00Z');

/** Null when `t` is a time a query may name; otherwise the message of the 400, naming `name`. */
export function timeProblem(name: string, t: Date): string | null {
  const ms = t.getTime();
  if (ms >= QUERY_TIME_MIN.getTime() && ms < QUERY_TIME_MAX.getTime()) return null;
  const given = Number.isNaN(ms) ? 'not a valid time' : t.toISOString();
  return `${name}: ${given} is out of range: must be between ${QUERY_TIME_MIN.toISOString()} and ${QUERY_TIME_MAX.toISOString()}`;
}

/**
 * A point in time: ISO 8601 ("2026-11-20T10:00:00Z"), or relative to now ("now", "now-24h",
 * "-7d"). Returns a function of `now` so the route resolves it once per request; the resolved
 * time is then checked against the window above (`timeProblem`), where `now` is known.
 */
export const TimeSchema = z
  .string()
  .max(64)
  .refine(
    (s) => s.length > 0 && (/^(now)?(-\d{1,4}[mhdw])?$/.test(s) || !Number.isNaN(Date.parse(s))),
    'use ISO 8601 or now-24h',
  )
  .transform((s) => (now: Date): Date => {
    const rel = /^(?:now)?(?:-(\d{1,4})([mhdw]))?$/.exec(s);
    if (rel && s.length > 0)
      return new Date(
        now.getTime() - (rel[1] ? Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS] : 0),
      );
    return new Date(s);
  });

export interface ResolvedRange {
  from: Date;
  to: Date;
  intervalMs: number;
  /** When it was resolved: data after it does not exist yet (`to` may lie past it). */
  now: Date;
  /** The reporting time zone (IANA) the range was resolved in. */
  tz: string;
  /** Days or weeks of `tz` (a 1d or 1w interval), or null for fixed-width buckets. */
  calendar: Calendar | null;
}

export interface RangeProblem {
  error: string;
  parameter: string;
  /** Every bad parameter, when more than one is. */
  details?: Array<{ parameter: string; message: string }>;
}

/**
 * Default: the last 24 h; the interval is picked for at most ~48 buckets; at most 2,000.
 * `from` and `to` snap outward to the interval grid (buckets are whole), which also lets
 * queries of whole hours read the hourly rollup. Days and weeks (1d, 1w) are those of `tz`:
 * they start at local midnight (weeks on Monday) and last 23 or 25 hours across a DST change;
 * shorter intervals stay on the UTC grid (the same hours wherever the offset is whole hours).
 */
export function resolveRange(
  q: {
    from?: ((now: Date) => Date) | undefined;
    to?: ((now: Date) => Date) | undefined;
    interval?: number | undefined;
  },
  now: Date,
  tz = 'UTC',
): ResolvedRange | RangeProblem {
  const to = q.to ? q.to(now) : now;
  // A default `from` stays inside the window: only a time the caller gave is refused.
  const from = q.from
    ? q.from(now)
    : new Date(Math.max(to.getTime() - UNIT_MS.d, QUERY_TIME_MIN.getTime()));
  const problems = (
    [
      ['from', q.from ? timeProblem('from', from) : null],
      ['to', timeProblem('to', to)],
    ] as const
  ).flatMap(([parameter, message]) => (message === null ? [] : [{ parameter, message }]));
  if (problems.length > 0)
    return {
      error: problems.map((p) => p.message).join('; '),
      parameter: problems[0]!.parameter,
      details: problems,
    };
  if (from.getTime() >= to.getTime())
    return { error: '`from` must be before `to`', parameter: 'from' };
  const span = to.getTime() - from.getTime();
  const intervalMs = q.interval ?? pickInterval(span);
  if (span / intervalMs > 2_000)
    return { error: 'too many buckets (max 2000): use a longer interval', parameter: 'interval' };
  const calendar = calendarOf(intervalMs, tz);
  return {
    from: new Date(
      calendar
        ? floorTo(from.getTime(), calendar)
        : Math.floor(from.getTime() / intervalMs) * intervalMs,
    ),
    to: new Date(
      calendar ? ceilTo(to.getTime(), calendar) : Math.ceil(to.getTime() / intervalMs) * intervalMs,
    ),
    intervalMs,
    now,
    tz,
    calendar,
  };
}

function pickInterval(spanMs: number): number {
  const candidates = [
    5 * 60_000,
    15 * 60_000,
    UNIT_MS.h,
    3 * UNIT_MS.h,
    6 * UNIT_MS.h,
    UNIT_MS.d,
    UNIT_MS.w,
  ];
  return candidates.find((c) => spanMs / c <= 48) ?? UNIT_MS.w;
}
