import { isRetriable } from './errors.ts';

export interface RetryOptions {
  /** Attempts in all, including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const defaultRetry: RetryOptions = { attempts: 8, baseDelayMs: 200, maxDelayMs: 15_000 };

/**
 * A stage's deliveries and startup: a broker or ClickHouse outage of minutes is ridden out
 * (60 attempts, waits up to 30 s: about a quarter of an hour in all) before the stage gives
 * up and stops without committing, for the orchestrator to restart it.
 */
export const stageRetry: RetryOptions = { attempts: 60, baseDelayMs: 200, maxDelayMs: 30_000 };

/**
 * "Full jitter" exponential backoff: a random delay in [0, min(max, base·2^n)], so many
 * workers that failed together do not retry together.
 */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/** Retry `fn` while it throws retriable errors; anything else is rethrown at once. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isRetriable(error) || attempt + 1 >= options.attempts || options.signal?.aborted)
        throw error;
      const delay = backoffDelay(attempt, options.baseDelayMs, options.maxDelayMs);
      options.onRetry?.(error, attempt + 1, delay);
      await sleep(delay, options.signal);
      // Stopped while waiting: give up now, not after one more attempt that may itself take
      // half a minute (kafkajs's own retries), which held a shutdown up.
      if (options.signal?.aborted) throw error;
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
