import { sleep as realSleep, type Sleep } from '../../core/retry.ts';

/**
 * A per-source request budget (token bucket): at most `requests` per `perMs`, with bursts up
 * to the bucket size. It keeps us under documented limits *before* the server has to say 429
 * (Mastodon 300/5 min, Reddit 100/min, Algolia ~10k/h), which is both politer and faster.
 */
export class RequestBudget {
  private tokens: number;
  private last: number;
  private readonly ratePerMs: number;

  constructor(
    private readonly options: {
      requests: number;
      perMs: number;
      now?: () => number;
      sleep?: Sleep;
    },
  ) {
    if (options.requests <= 0 || options.perMs <= 0)
      throw new RangeError('budget must be positive');
    this.tokens = options.requests;
    this.ratePerMs = options.requests / options.perMs;
    this.last = this.clock();
  }

  private clock(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(this.options.requests, this.tokens + (now - this.last) * this.ratePerMs);
    this.last = now;
  }

  /** Milliseconds until one request may go, without taking it. */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.ratePerMs);
  }

  /** Waits (abortably) until a request may go, then takes it. */
  async take(signal?: AbortSignal): Promise<void> {
    const sleep = this.options.sleep ?? realSleep;
    for (;;) {
      const wait = this.waitMs();
      if (wait === 0) {
        this.tokens -= 1;
        return;
      }
      if (signal?.aborted) return;
      await sleep(wait, signal);
    }
  }
}
