import { InvalidMessageError } from '../../core/errors.ts';

/**
 * Every timestamp leaves ingest as UTC ISO 8601 with milliseconds (`…Z`). Sources send RFC 3339
 * with offsets, RFC 822 (RSS), epoch seconds (Reddit, HN) or microseconds (Jetstream).
 */
export function toUtcIso(value: string | number | Date, what = 'timestamp'): string {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else ms = Date.parse(value.trim());
  if (!Number.isFinite(ms)) throw new InvalidMessageError(`unreadable ${what}`);
  const date = new Date(ms);
  // Years outside 0000–9999 cannot be written as ISO without the extended form the contract refuses.
  if (date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) {
    throw new InvalidMessageError(`${what} out of range`);
  }
  return date.toISOString();
}

export function epochSecondsToIso(seconds: number, what = 'timestamp'): string {
  return toUtcIso(seconds * 1000, what);
}
