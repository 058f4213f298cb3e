import { describe, expect, it } from 'vitest';
import { loadBaselines } from './baselines.ts';

/** The comparison is only fair if every wrapped tool really works: each must read clear cases. */
describe('baselines', () => {
  it('every tool labels clear English positives and negatives', async () => {
    const tools = await loadBaselines();
    expect(tools.map((t) => t.name)).toEqual([
      'vader-sentiment',
      'sentiment (AFINN-165)',
      'multilang-sentiment',
      '@nlpjs/sentiment',
      'wink-nlp',
    ]);
    for (const t of tools) {
      expect(await t.predict('I love this, it is great', 'en'), t.name).toBe('pos');
      expect(await t.predict('I hate this, it is terrible', 'en'), t.name).toBe('neg');
    }
  }, 30_000);
});
