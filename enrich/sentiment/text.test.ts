import { describe, expect, it } from 'vitest';
import { fold, hasElongation, isShouted, splitHashtag, squeeze, tokenize } from './text.ts';

describe('tokenize', () => {
  it('keeps UTF-16 offsets into the original text, emoji included', () => {
    const text = 'RT @user: 😍😍 So gooood!!! #BestDay http://x.co/a :) Καλό 👍🏽';
    const tokens = tokenize(text);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.raw);
    expect(tokens.map((t) => t.kind)).toEqual([
      'word',
      'mention',
      'emoji',
      'emoji',
      'word',
      'word',
      'punct',
      'hashtag',
      'url',
      'emoticon',
      'word',
      'emoji',
    ]);
  });
  it('normalises emoji skin tones and variation selectors for lookup', () => {
    const [a] = tokenize('👍🏽');
    const [b] = tokenize('❤️');
    expect(a?.norm).toBe('👍');
    expect(b?.norm).toBe('❤');
  });
  it('does not read emoticons inside words or links', () => {
    expect(tokenize('http://example.com/D:').map((t) => t.kind)).toEqual(['url']);
    expect(tokenize('xDx').map((t) => t.kind)).toEqual(['word']);
  });
  it('keeps apostrophes inside words', () => {
    expect(tokenize("don't c'est l’amour").map((t) => t.norm)).toEqual([
      "don't",
      "c'est",
      "l'amour",
    ]);
  });
  it('handles empty and very long text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('ok '.repeat(50_000))).toHaveLength(50_000);
  });
});

describe('fold', () => {
  it.each([
    ['Καλό', 'καλο'],
    ['ΑΛΛΆ', 'αλλα'],
    ['Não', 'nao'],
    ['très', 'tres'],
    ['Äußerst', 'außerst'],
    ['كتاب', 'کتاب'],
    ['رائعة', 'رایعه'], // hamza seat dropped, ي → ی, ة → ه
    ['أحسن', 'احسن'],
    ['عالي', 'عالی'],
    ['خیلی', 'خیلی'],
    ['GOOD', 'good'],
  ])('%s → %s', (input, expected) => {
    expect(fold(input)).toBe(expected);
  });
});

describe('word helpers', () => {
  it('elongation', () => {
    expect(hasElongation('soooo')).toBe(true);
    expect(hasElongation('good')).toBe(false);
    expect(hasElongation('!!!')).toBe(false);
    expect(hasElongation('1000')).toBe(false);
    expect(squeeze('gooooood', 2)).toBe('good');
    expect(squeeze('gooooood', 1)).toBe('god');
  });
  it('shouting', () => {
    expect(isShouted('GREAT')).toBe(true);
    expect(isShouted('OK')).toBe(false);
    expect(isShouted('Great')).toBe(false);
    expect(isShouted('123')).toBe(false);
  });
  it('splits hashtags at case changes and underscores, with offsets', () => {
    const text = 'so #NotGoodAtAll and #worst_day';
    const tags = tokenize(text).filter((t) => t.kind === 'hashtag');
    const parts = tags.flatMap(splitHashtag);
    expect(parts.map((p) => p.norm)).toEqual(['not', 'good', 'at', 'all', 'worst', 'day']);
    for (const p of parts) expect(text.slice(p.start, p.end)).toBe(p.raw);
  });
});
