/**
 * Pure timing decisions for talking to rate-limited public APIs: how long to wait before a
 * retry, and what the server told us about its limits. No clock or randomness of its own
 * (both are parameters) so every branch is testable without sleeping.
 */

export interface BackoffOptions {
  /** Delay cap of the first retry; doubles per attempt. */
  baseMs: number;
  /** Upper bound of any single backoff delay. */
  maxMs: number;
}

/**
 * "Full jitter" exponential backoff: a uniform delay in [0, min(max, base·2^attempt)].
 * Full jitter spreads retries of many clients best (AWS architecture blog, kafkajs does the
 * same); `random` is injected so tests are deterministic.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * Math.min(1, Math.max(0, random())));
}

/**
 * `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns the wait in
 * ms (never negative), or null when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/**
 * When a server says "0 requests left until reset", wait until the reset. Sources disagree on
 * the reset format: Mastodon sends an ISO timestamp, Reddit seconds-until-reset (float),
 * GitHub-style APIs epoch seconds. Numbers above 1e9 are taken as epoch seconds.
 */
export function rateLimitDelay(headers: Headers, now: Date): number | null {
  const remaining = headers.get('x-ratelimit-remaining');
  if (remaining === null) return null;
  const left = Number(remaining);
  if (!Number.isFinite(left) || left > 0) return null;
  const reset = headers.get('x-ratelimit-reset');
  if (reset === null) return null;
  return resetToDelay(reset.trim(), now);
}

function resetToDelay(reset: string, now: Date): number | null {
  if (/^\d+(\.\d+)?$/.test(reset)) {
    const n = Number(reset);
    if (n > 1e9) return Math.max(0, Math.round(n * 1000 - now.getTime()));
    return Math.round(n * 1000);
  }
  const at = Date.parse(reset);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
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

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
