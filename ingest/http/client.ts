import { DependencyUnavailableError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import {
  backoffDelay,
  sleep as realSleep,
  type BackoffOptions,
  type Sleep,
} from '../../core/retry.ts';
import { parseRetryAfter, rateLimitDelay } from './rate-limit.ts';
import type { RequestBudget } from './budget.ts';
import { proxiedFetch } from '../../core/proxy.ts';

/**
 * The one way connectors talk HTTP: timeout per attempt, retries with jittered exponential
 * backoff on 429 / 5xx / timeouts / network errors, `Retry-After` and `X-RateLimit-*`
 * honoured, and an optional per-source request budget. Other statuses (304, 401, 403, 404…)
 * are returned: only the connector knows what they mean for its source.
 */

export interface HttpClientOptions {
  /** Source name, for logs and error context. */
  source: string;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** Retries after the first attempt; then a DependencyUnavailableError. */
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** A `Retry-After` longer than this is capped (a broken header must not park us for days). */
  maxRetryAfterMs?: number;
  budget?: RequestBudget;
  userAgent?: string;
  /** A fetch of its own (tests); the default is undici's, through the proxy of `env`. */
  fetch?: typeof fetch;
  /** Where `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` are read; default `process.env`. */
  env?: Record<string, string | undefined>;
  sleep?: Sleep;
  random?: () => number;
  now?: () => Date;
  logger?: Logger;
}

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
  url: string;
}

const RETRIABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

export class HttpClient {
  private pauseUntil = 0;
  private readonly fetch: typeof fetch;
  private readonly opts: Required<
    Pick<HttpClientOptions, 'timeoutMs' | 'maxRetries' | 'backoff' | 'maxRetryAfterMs'>
  > &
    HttpClientOptions;

  constructor(options: HttpClientOptions) {
    this.opts = {
      timeoutMs: 15_000,
      maxRetries: 5,
      backoff: { baseMs: 500, maxMs: 60_000 },
      maxRetryAfterMs: 15 * 60_000,
      ...options,
    };
    this.fetch = options.fetch ?? proxiedFetch(options.env);
  }

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  async request(url: string, init: HttpRequest = {}): Promise<HttpResponse> {
    const doFetch = this.fetch;
    const sleep = this.opts.sleep ?? realSleep;
    const random = this.opts.random ?? Math.random;
    const host = safeHost(url);
    let lastProblem = 'no attempt made';

    for (let attempt = 0; attempt <= this.opts.maxRetries; attempt++) {
      // A previous response said the window is used up: wait for its reset first.
      const paused = this.pauseUntil - this.now().getTime();
      if (paused > 0) await sleep(paused, init.signal);
      if (this.opts.budget) await this.opts.budget.take(init.signal);
      if (init.signal?.aborted) throw abortError(init.signal);

      const timeout = AbortSignal.timeout(this.opts.timeoutMs);
      const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      let retryAfter: number | null = null;
      try {
        const response = await doFetch(url, {
          method: init.method ?? 'GET',
          headers: {
            ...(this.opts.userAgent ? { 'user-agent': this.opts.userAgent } : {}),
            ...init.headers,
          },
          ...(init.body === undefined ? {} : { body: init.body }),
          signal,
          redirect: 'follow',
        });
        const body = await response.text();
        const limited = rateLimitDelay(response.headers, this.now());
        if (limited !== null && limited > 0) {
          this.pauseUntil = this.now().getTime() + Math.min(limited, this.opts.maxRetryAfterMs);
        }
        if (!RETRIABLE_STATUS.has(response.status)) {
          return {
            status: response.status,
            headers: response.headers,
            body,
            url: response.url || url,
          };
        }
        lastProblem = `HTTP ${response.status}`;
        retryAfter = parseRetryAfter(response.headers.get('retry-after'), this.now()) ?? limited;
      } catch (error) {
        if (init.signal?.aborted) throw abortError(init.signal);
        lastProblem = timeout.aborted
          ? `timeout after ${this.opts.timeoutMs} ms`
          : `network error: ${(error as Error).message}`;
      }

      if (attempt === this.opts.maxRetries) break;
      const wait =
        retryAfter !== null
          ? Math.min(retryAfter, this.opts.maxRetryAfterMs)
          : backoffDelay(attempt, this.opts.backoff, random);
      this.opts.logger?.warn(
        {
          event: 'source_request_retry',
          source: this.opts.source,
          host,
          attempt,
          wait_ms: wait,
          problem: lastProblem,
        },
        'source request failed, retrying',
      );
      await sleep(wait, init.signal);
    }
    throw new DependencyUnavailableError(
      `${this.opts.source}: ${host} unavailable after ${this.opts.maxRetries + 1} attempts (${lastProblem})`,
      { context: { source: this.opts.source, host } },
    );
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
