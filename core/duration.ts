import { z } from 'zod';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

export const UNIT_MS = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: WEEK_MS } as const;

/** "15m", "1h", "1d", "1w" → milliseconds. */
export const DurationSchema = z
  .string()
  .regex(/^\d{1,4}[mhdw]$/, 'use a duration like 15m, 1h, 1d or 1w')
  .transform((s) => Number(s.slice(0, -1)) * UNIT_MS[s.slice(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms >= 60_000, 'must be at least 1m');

/** Milliseconds as `DurationSchema` reads them, in the largest whole unit (86400000 → "1d"). */
export function durationText(ms: number): string {
  for (const unit of ['w', 'd', 'h'] as const)
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${Math.round(ms / MINUTE_MS)}m`;
}
