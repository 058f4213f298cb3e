import { describe, expect, it } from 'vitest';
import { range } from '../../ingest/demo/connector.ts';
import {
  fold,
  hasElongation,
  isShouted,
  splitHashtag,
  squeeze,
  tokenize,
  TOKEN_PATTERNS,
  type Token,
  type TokenKind,
} from './text.ts';

describe('tokenize', () => {
  it('finds the tokens one named group per pattern finds (matchAll), in every language of the demo', () => {
    // The plain form of the tokenizer: one named group per kind, read through matchAll.
    const named = new RegExp(TOKEN_PATTERNS.map(([kind, p]) => `(?<${kind}>${p})`).join('|'), 'gu');
    const reference = (text: string): Token[] =>
      [...text.matchAll(named)].map((m) => {
        const kind = Object.entries(m.groups!).find(([, v]) => v !== undefined)![0] as TokenKind;
        const raw = m[0];
        const norm =
          kind === 'word'
            ? fold(raw)
            : kind === 'hashtag'
              ? fold(raw.slice(1))
              : kind === 'emoji'
                ? raw.replace(/\ufe0f|\p{Emoji_Modifier}/gu, '')
                : kind === 'emoticon' || kind === 'punct'
                  ? raw
                  : '';
        return { kind, raw, norm, start: m.index, end: m.index + raw.length };
      });
    const start = Date.parse('2026-11-10T09:00:00Z');
    const texts = [
      ...range(start, start + 3_600_000, { ratePerMinute: 100, incident: null }).map((m) => m.text),
      'RT @user: 😍😍 So gooood!!! #BestDay http://x.co/a :) Καλό 👍🏽 🇩🇪 …… ?! <3 D: x:D',
      '',
      '   ',
    ];
    const kinds = new Set<string>();
    for (const text of texts) {
      const tokens = tokenize(text);
      expect(tokens).toEqual(reference(text));
      for (const t of tokens) kinds.add(t.kind);
    }
    expect([...kinds].sort()).toEqual(TOKEN_PATTERNS.map(([k]) => k).sort());
  });
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
