import { describe, expect, it } from 'vitest';
import { ResultCache } from './cache.ts';

describe('ResultCache', () => {
  it('answers the same key from memory within the TTL, and recomputes after', async () => {
    let t = 0;
    let calls = 0;
    const cache = new ResultCache(1_000, 10, () => t);
    const compute = () => Promise.resolve(++calls);
    expect(await cache.get('a', compute)).toBe(1);
    expect(await cache.get('a', compute)).toBe(1);
    t = 1_001;
    expect(await cache.get('a', compute)).toBe(2);
  });

  it('shares one computation between concurrent requests', async () => {
    let calls = 0;
    const cache = new ResultCache(1_000);
    const slow = () => new Promise<number>((r) => setTimeout(() => r(++calls), 10));
    expect(
      await Promise.all([cache.get('k', slow), cache.get('k', slow), cache.get('k', slow)]),
    ).toEqual([1, 1, 1]);
  });

  it('does not keep errors, and stays bounded', async () => {
    const cache = new ResultCache(1_000, 2);
    await expect(cache.get('e', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('e', () => Promise.resolve('ok'))).toBe('ok');
    let calls = 0;
    for (const k of ['x', 'y', 'z']) await cache.get(k, () => Promise.resolve(++calls));
    await cache.get('x', () => Promise.resolve(++calls)); // evicted: computed again
    expect(calls).toBe(4);
  });

  it('TTL 0 disables caching', async () => {
    let calls = 0;
    const cache = new ResultCache(0);
    await cache.get('a', () => Promise.resolve(++calls));
    await cache.get('a', () => Promise.resolve(++calls));
    expect(calls).toBe(2);
  });
});
