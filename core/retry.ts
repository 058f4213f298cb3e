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

export interface BackoffOptions {
  /** Delay cap of the first retry; doubles per attempt. */
  baseMs: number;
  /** Upper bound of any single backoff delay. */
  maxMs: number;
}

/**
 * A stage's deliveries and startup: a broker or ClickHouse outage of minutes is ridden out
 * (60 attempts, waits up to 30 s: about a quarter of an hour in all) before the stage gives
 * up and stops without committing, for the orchestrator to restart it.
 */
export const stageRetry: RetryOptions = { attempts: 60, baseDelayMs: 200, maxDelayMs: 30_000 };

/**
 * "Full jitter" exponential backoff: a uniform delay in [0, min(max, base·2^attempt)], so many
 * workers (or clients of one API) that failed together do not retry together (AWS architecture
 * blog; kafkajs does the same). `random` is injected so tests are deterministic.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * Math.min(1, Math.max(0, random())));
}

/** Retry `fn` while it throws retriable errors; anything else is rethrown at once. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isRetriable(error) || attempt + 1 >= options.attempts || options.signal?.aborted)
        throw error;
      const delay = backoffDelay(attempt, {
        baseMs: options.baseDelayMs,
        maxMs: options.maxDelayMs,
      });
      options.onRetry?.(error, attempt + 1, delay);
      await sleep(delay, options.signal);
      // Stopped while waiting: give up now, not after one more attempt that may itself take
      // half a minute (kafkajs's own retries), which held a shutdown up.
      if (options.signal?.aborted) throw error;
    }
  }
}

/** Sleep that ends early (resolving, not rejecting) when the signal aborts: loops check it. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The shape of `sleep`, for loops that take a fake one in tests. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
