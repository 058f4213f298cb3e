import { describe, expect, it } from 'vitest';
import { isRomanisedHindi } from './romanised.ts';
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
});
