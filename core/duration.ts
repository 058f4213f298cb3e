import { z } from 'zod';

export const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** "15m", "1h", "1d", "1w" → milliseconds. */
export const DurationSchema = z
  .string()
  .regex(/^\d{1,4}[mhdw]$/, 'use a duration like 15m, 1h, 1d or 1w')
  .transform((s) => Number(s.slice(0, -1)) * UNIT_MS[s.slice(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms >= 60_000, 'must be at least 1m');
