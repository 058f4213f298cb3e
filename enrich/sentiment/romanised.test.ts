import { describe, expect, it } from 'vitest';
import { isRomanisedHindi, sentimentLanguage } from './romanised.ts';
import { tokenize } from './text.ts';

const hindi = (text: string): boolean => isRomanisedHindi(tokenize(text));

describe('isRomanisedHindi', () => {
  it.each([
    'Kya sai hai re',
    'yeh movie bahut bekar hai yaar',
    'so true fukrepanti le chakkar mein sab kuch sehan kr lete the',
    'mujhe nahi pata woh kab aayega',
  ])('reads "%s" as romanised Hindi', (text) => {
    expect(hindi(text)).toBe(true);
  });

  it.each([
    'Hi there, the update is out',
    'I love the new camera, it is great',
    'Tha best day ever with the crew',
    'Hair cutting',
    'ko ko ko the the the',
  ])('leaves "%s" alone', (text) => {
    expect(hindi(text)).toBe(false);
  });

  it('reads one distinctive marker as enough where the detected language has no model', () => {
    const text = 'padhai karni bahut zaroori';
    expect(isRomanisedHindi(tokenize(text))).toBe(false);
    expect(isRomanisedHindi(tokenize(text), true)).toBe(true);
    // a weak marker alone still is not
    expect(isRomanisedHindi(tokenize('ko ko the end'), true)).toBe(false);
  });

  it('knows common words beside the grammar words', () => {
    // Hinglish as posted: few of the classic markers ("hai", "nahi"), many everyday words.
    expect(hindi('sirf ek baat yaad rakh')).toBe(true);
    expect(hindi('aaj desh ka kaam kharab')).toBe(true);
    expect(isRomanisedHindi(tokenize('Badhiya'), true)).toBe(true);
  });

  it('counts a repeated marker once', () => {
    expect(hindi('hai hai hai')).toBe(false);
    expect(hindi('hai, bhai')).toBe(true);
  });
});

describe('sentimentLanguage', () => {
  const lang = (text: string, base: string, modelled: boolean): string =>
    sentimentLanguage(tokenize(text), base, modelled);

  it('reads Hinglish as Hindi whatever language was detected, modelled or not', () => {
    // umsab_hi: 231 of 1,831 train texts are detected as Slovenian, Italian, French… and were
    // scored by those languages' models.
    const text = 'Sir aap jo kam country ke lea kar rahe hai uske lie aapko badhi';
    for (const base of ['en', 'sl', 'it', 'fr', 'es', 'de', 'pt'])
      expect(lang(text, base, true)).toBe('hi');
    expect(
      lang('bhaiyo aman ki bto m mt aana ye bjp ko bdnam karne ki sajish hai', 'sl', true),
    ).toBe('hi');
    expect(lang('Badhiya', 'tl', false)).toBe('hi');
    expect(lang('Badhiya', 'it', true)).toBe('it');
  });

  it('leaves the languages it scores alone', () => {
    expect(lang('Danes je lep dan, res sem vesel', 'sl', true)).toBe('sl');
    expect(lang('Non è buono, ma va bene lo stesso', 'it', true)).toBe('it');
    expect(lang('Hi there, the update is out', 'en', true)).toBe('en');
    expect(lang('Mahal ko ang bagong telepono ko', 'tl', false)).toBe('tl');
    expect(lang('yeh hai', 'hi', true)).toBe('hi');
  });
});
