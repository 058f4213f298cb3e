import { afterEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../core/errors.ts';
import { startHttpReplay, type HttpReplayServer } from '../../test/support/replay-servers.ts';
import { parseRetryAfter, rateLimitDelay } from './rate-limit.ts';
import { RequestBudget } from './budget.ts';
import { HttpClient } from './client.ts';

const NOW = new Date('2026-11-20T12:00:00Z');

describe('rate-limit headers (pure)', () => {
  it.each([
    ['120', 120_000],
    ['1.5', 1_500],
    ['Fri, 20 Nov 2026 12:00:30 GMT', 30_000],
    ['Fri, 20 Nov 2026 11:00:00 GMT', 0],
    ['soon', null],
    ['', null],
  ])('Retry-After %j → %j ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('waits for the reset only when nothing is left', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    // Mastodon: ISO timestamp
    expect(
      rateLimitDelay(
        h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-11-20T12:05:00.000Z' }),
        NOW,
      ),
    ).toBe(300_000);
    // Reddit: seconds until reset
    expect(
      rateLimitDelay(h({ 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': '42' }), NOW),
    ).toBe(42_000);
    // epoch seconds
    expect(
      rateLimitDelay(
        h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW.getTime() / 1000 + 10) }),
        NOW,
      ),
    ).toBe(10_000);
    expect(
      rateLimitDelay(h({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '42' }), NOW),
    ).toBeNull();
    expect(rateLimitDelay(h({}), NOW)).toBeNull();
  });
});

describe('RequestBudget', () => {
  it('allows a burst, then spaces requests by the refill rate', async () => {
    let t = 0;
    const waits: number[] = [];
    const budget = new RequestBudget({
      requests: 2,
      perMs: 1_000,
      now: () => t,
      sleep: (ms) => {
        waits.push(ms);
        t += ms;
        return Promise.resolve();
      },
    });
    await budget.take();
    await budget.take();
    expect(waits).toEqual([]);
    await budget.take();
    expect(waits).toEqual([500]);
  });
});

describe('HttpClient against a local server', () => {
  let server: HttpReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function client(
    sleeps: number[],
    extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {},
  ) {
    return new HttpClient({
      source: 'test',
      timeoutMs: 200,
      maxRetries: 3,
      backoff: { baseMs: 10, maxMs: 40 },
      random: () => 1,
      now: () => NOW,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      ...extra,
    });
  }

  it('honours Retry-After on 429, then succeeds', async () => {
    server = await startHttpReplay((_req, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '7' }, body: 'slow down' }
        : { body: { ok: true } },
    );
    const sleeps: number[] = [];
    const res = await client(sleeps).request(`${server.baseUrl}/x`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true });
    expect(sleeps).toEqual([7_000]);
    expect(server.requests).toHaveLength(2);
  });

  it('backs off exponentially on 500s and gives up with a retriable error', async () => {
    server = await startHttpReplay(() => ({ status: 503, body: 'down' }));
    const sleeps: number[] = [];
    const error = await client(sleeps)
      .request(`${server.baseUrl}/x`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as Error).message).toMatch(/4 attempts \(HTTP 503\)/);
    expect(sleeps).toEqual([10, 20, 40]);
    expect(server.requests).toHaveLength(4);
  });

  it('times out a hanging response and retries it', async () => {
    server = await startHttpReplay((_req, i) =>
      i === 0 ? { delayMs: 1_000, body: 'late' } : { body: 'on time' },
    );
    const sleeps: number[] = [];
    const res = await client(sleeps).request(`${server.baseUrl}/x`);
    expect(res.body).toBe('on time');
    expect(sleeps).toEqual([10]);
  });

  it('retries a dropped connection', async () => {
    server = await startHttpReplay((_req, i) => (i === 0 ? { destroy: true } : { body: 'ok' }));
    const res = await client([]).request(`${server.baseUrl}/x`);
    expect(res.body).toBe('ok');
  });

  it('returns non-retriable statuses to the caller without retrying', async () => {
    server = await startHttpReplay(() => ({ status: 404, body: 'nope' }));
    const res = await client([]).request(`${server.baseUrl}/x`);
    expect(res.status).toBe(404);
    expect(server.requests).toHaveLength(1);
  });

  it('pauses before the next request when the window is used up', async () => {
    server = await startHttpReplay(() => ({
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-11-20T12:00:09.000Z' },
      body: 'ok',
    }));
    const sleeps: number[] = [];
    const c = client(sleeps);
    await c.request(`${server.baseUrl}/a`);
    expect(sleeps).toEqual([]);
    await c.request(`${server.baseUrl}/b`);
    expect(sleeps).toEqual([9_000]);
  });

  it('sends the user agent and stops when aborted', async () => {
    server = await startHttpReplay(() => ({ status: 500 }));
    const controller = new AbortController();
    const c = client([], {
      userAgent: 'earshot-test',
      sleep: () => {
        controller.abort();
        return Promise.resolve();
      },
    });
    await expect(c.request(`${server.baseUrl}/x`, { signal: controller.signal })).rejects.toThrow();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers['user-agent']).toBe('earshot-test');
  });
});
