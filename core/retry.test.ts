import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from './errors.ts';
import { withRetry } from './retry.ts';

describe('withRetry', () => {
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
