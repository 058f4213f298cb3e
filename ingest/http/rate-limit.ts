/**
 * What rate-limited public APIs tell us about their limits, as a wait in ms. No clock of its
 * own (`now` is a parameter) so every branch is testable without sleeping. The backoff itself
 * (full jitter) and `sleep` are `core/retry.ts`, shared with the stage runner.
 */

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
