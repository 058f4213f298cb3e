import { describe, expect, it } from 'vitest';
import { INITIAL_MS_PER_TEXT, TierGovernor, parseTier, planAccurate } from './tiers.ts';

describe('planAccurate', () => {
  const base = { n: 100, budgetMs: 1_000, msPerText: 10 };
  it('fast scores nothing with the accurate tier, accurate everything', () => {
    expect(planAccurate({ ...base, tier: 'fast' })).toBe(0);
    expect(planAccurate({ ...base, tier: 'accurate', msPerText: 1e6, fullBatch: 100 })).toBe(100);
  });
  it('auto gives the accurate tier what the budget covers, the rest to fast', () => {
    expect(planAccurate({ ...base, tier: 'auto' })).toBe(100);
    expect(planAccurate({ ...base, tier: 'auto', msPerText: 25 })).toBe(40);
    expect(planAccurate({ ...base, tier: 'auto', budgetMs: 0 })).toBe(0);
  });
  it('auto falls back to fast for a full batch (a backlog is waiting)', () => {
    expect(planAccurate({ ...base, tier: 'auto', fullBatch: 100 })).toBe(0);
    expect(planAccurate({ ...base, tier: 'auto', fullBatch: 101 })).toBe(100);
  });
});

describe('TierGovernor', () => {
  it('learns the cost per text and gives the accurate tier less when it is slow', () => {
    const g = new TierGovernor('auto', 500);
    expect(g.msPerText).toBe(INITIAL_MS_PER_TEXT);
    expect(g.plan(40)).toBe(40);
    for (let i = 0; i < 10; i++) g.record(40, 40 * 100); // 100 ms per text measured
    expect(g.msPerText).toBeGreaterThan(90);
    expect(g.plan(40)).toBeLessThanOrEqual(5);
  });
  it('a tier name is checked', () => {
    expect(parseTier('auto', 'SENTIMENT_TIER')).toBe('auto');
    expect(() => parseTier('best', 'SENTIMENT_TIER')).toThrow(/unknown sentiment tier "best"/);
  });
});
