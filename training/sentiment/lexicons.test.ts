import { describe, expect, it } from 'vitest';
import { buildLexicons } from './lexicons.ts';

describe('buildLexicons: romanised Hindi', () => {
  const { words, curated } = buildLexicons();
  const hi = words.hi!;

  it('reads the English sentiment words code-mixed Hinglish is written with', () => {
    // "movie bahut boring thi", "very nice bhai": the rule layer must see these words.
    expect(hi.boring).toBeLessThan(0);
    expect(hi.nice).toBeGreaterThan(0);
    expect(hi.worst).toBeLessThan(0);
    expect(Object.keys(hi).length).toBeGreaterThan(5000);
  });

  it('keeps its own seeds over the English entries, and only they are curated', () => {
    expect(hi.badhiya).toBeGreaterThan(0);
    expect(hi.bakwas).toBeLessThan(0);
    expect(curated.hi).toContain('badhiya');
    expect(curated.hi).not.toContain('nice');
  });

  it('leaves out English entries that are common Hindi words of another meaning', () => {
    // "lag raha hai" (seems), "ban gaya" (became)
    expect(words.en!.lag).toBeLessThan(0);
    expect(hi.lag).toBeUndefined();
    expect(hi.ban).toBeUndefined();
  });
});
