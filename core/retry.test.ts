import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from './errors.ts';
import { backoffDelay, sleep, withRetry } from './retry.ts';

describe('backoffDelay (full jitter)', () => {
  it('grows exponentially and is capped', () => {
    const o = { baseMs: 100, maxMs: 1_000 };
    expect(backoffDelay(0, o, () => 1)).toBe(100);
    expect(backoffDelay(3, o, () => 1)).toBe(800);
    expect(backoffDelay(10, o, () => 1)).toBe(1_000);
    expect(backoffDelay(3, o, () => 0.5)).toBe(400);
    expect(backoffDelay(3, o, () => 0)).toBe(0);
  });

  it('stays within [0, ceiling] whatever the random source says', () => {
    const o = { baseMs: 100, maxMs: 1_000 };
    expect(backoffDelay(-1, o, () => 1)).toBe(100);
    expect(backoffDelay(2, o, () => 7)).toBe(400);
    expect(backoffDelay(2, o, () => -3)).toBe(0);
  });
});

describe('withRetry', () => {
  it('retries retriable errors up to the attempts, then rethrows', async () => {
    let calls = 0;
    const retries: number[] = [];
    const error = new DependencyUnavailableError('down');
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(error);
        },
        { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, onRetry: (_e, n) => retries.push(n) },
      ),
    ).rejects.toBe(error);
    expect(calls).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('rethrows anything else at once', async () => {
    let calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(new Error('bug'));
        },
        { attempts: 5, baseDelayMs: 1, maxDelayMs: 2 },
      ),
    ).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });
});

describe('sleep', () => {
  it('ends early when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const done = sleep(10_000, controller.signal);
    controller.abort();
    await done;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('withRetry and a stop', () => {
  it('a stop during the backoff wait ends the retries without another attempt', async () => {
    const stop = new AbortController();
    let calls = 0;
    const retrying = withRetry(
      () => {
        calls++;
        return Promise.reject(new DependencyUnavailableError('broker down'));
      },
      { attempts: 60, baseDelayMs: 60_000, maxDelayMs: 60_000, signal: stop.signal },
    );
    await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    await expect(retrying).rejects.toThrow('broker down');
    expect(calls).toBe(1);
  });
});
