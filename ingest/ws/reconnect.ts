import { backoffDelay, type BackoffOptions } from '../../core/retry.ts';
import type { SocketOutcome } from './socket.ts';

/** A `Retry-After` longer than this is capped: a broken header must not park a stream for days. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/**
 * How long a stream waits before reconnecting: the jittered backoff, but never less than what
 * the server asked for when it refused the upgrade (`Retry-After` on a 429 or 503). Reconnecting
 * sooner would be refused again and counts against us at rate-limited hosts.
 */
export function reconnectDelay(
  outcome: Pick<SocketOutcome, 'retryAfterMs'>,
  failures: number,
  backoff: BackoffOptions,
  random: () => number,
): number {
  const jittered = backoffDelay(failures, backoff, random);
  if (outcome.retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS));
}

/**
 * A refused upgrade that no retry can fix (a wrong path 404, 400, 401/403): the stream stops
 * with the error, like a polling source on the same statuses. 408, 425, 429 and 5xx are retried.
 */
export function isFatalRefusal(outcome: Pick<SocketOutcome, 'status'>): boolean {
  const s = outcome.status;
  return s !== undefined && s >= 400 && s < 500 && s !== 408 && s !== 425 && s !== 429;
}

/** "2.0 s" for messages a person reads. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
