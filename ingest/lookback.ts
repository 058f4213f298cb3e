import { DAY_MS, DurationSchema } from '../core/duration.ts';
import type { NewestFirstState } from './newest-first.ts';
import type { IngestPorts } from './ports.ts';

/**
 * How far back a polling source reads when it has no cursor yet (its first run, and every
 * `--dry-run`). One rule for every polling source, so "the first run" means the same thing
 * everywhere: read everything posted since `now − lookback`, newest first, at most
 * `max_pages` pages per target; from then on continue from the cursor. A source that reads
 * one page and stops would silently drop the rest of the window (issue 18: 5 of 12 mentions).
 */
export const DEFAULT_LOOKBACK = '24h';
/** Sources keep far less than a month in their listings (Reddit ~1,000 items, Jetstream ~36 h). */
const MAX_LOOKBACK_MS = 30 * DAY_MS;

/** A look-back duration like `24h` or `7d`, in ms. */
export const LookbackDurationSchema = DurationSchema.refine(
  (ms) => ms <= MAX_LOOKBACK_MS,
  'at most 30d',
);
/** `sources.<source>.lookback`, with the default. */
export const LookbackSchema = LookbackDurationSchema.prefault(DEFAULT_LOOKBACK);

/** The instant (ms) before which a first run does not read. */
export function lookbackStart(now: Date, lookbackMs: number): number {
  return now.getTime() - lookbackMs;
}

/**
 * Where a newest-first walk stops: the stored state, or on a first run a state that sits at
 * the look-back start (items at or before it count as already seen). Saving it even when
 * the window was empty keeps the window: a restart days later still starts from there.
 */
export function resumeState(
  stored: NewestFirstState | null,
  now: Date,
  lookbackMs: number,
): NewestFirstState {
  return stored ?? { newest_ms: lookbackStart(now, lookbackMs), ids: [] };
}

/**
 * The page bound ended a walk before it reached what was already read (or the look-back
 * start): the items between are not read. Said once per walk, with the target, so an
 * operator can raise `max_pages` or shorten the poll interval.
 */
export function warnPageLimit(
  ports: IngestPorts,
  source: string,
  target: string,
  maxPages: number,
  firstRun: boolean,
): void {
  ports.logger.warn(
    { event: 'page_limit_reached', source, target, max_pages: maxPages, first_run: firstRun },
    firstRun
      ? 'first run stopped at max_pages before the look-back start; older items are not read'
      : 'poll stopped at max_pages before reaching the cursor; items in between are not read',
  );
}

/**
 * The end of a newest-first walk: whether its cursor may move. A walk that shutdown stopped
 * between pages may not (the older pages are unread); one the page bound cut may, with a
 * warning (`warnPageLimit`).
 */
export function walkMayAdvance(
  done: boolean,
  ports: IngestPorts,
  source: string,
  target: string,
  maxPages: number,
  firstRun: boolean,
): boolean {
  if (done) return true;
  if (ports.signal.aborted) return false;
  warnPageLimit(ports, source, target, maxPages, firstRun);
  return true;
}
