import { describe, expect, it } from 'vitest';
import { hinglishToDevanagari, wordToDevanagari } from './devanagari.ts';

describe('wordToDevanagari', () => {
  it('writes the common words as written Hindi has them', () => {
    expect(wordToDevanagari('nahi')).toBe('नहीं');
    expect(wordToDevanagari('hai')).toBe('है');
    expect(wordToDevanagari('accha')).toBe('अच्छा');
    expect(wordToDevanagari('Bahut')).toBe('बहुत');
  });

  it('reads a final a/i/u after a consonant as long', () => {
    expect(wordToDevanagari('mera')).toBe('मेरा');
    expect(wordToDevanagari('thi')).toBe('थी');
    expect(wordToDevanagari('raha')).toBe('रहा');
  });

  it('makes a conjunct at the start or end of a word and before y/r/v, two syllables inside', () => {
    expect(wordToDevanagari('pyaar')).toBe('प्यार');
    expect(wordToDevanagari('dard')).toBe('दर्द');
    expect(wordToDevanagari('karna')).toBe('करना');
    expect(wordToDevanagari('sabse')).toBe('सबसे');
    expect(wordToDevanagari('kitna')).toBe('कितना');
  });

  it('writes n before a consonant as anusvara, and vowels after vowels as letters', () => {
    expect(wordToDevanagari('andar')).toBe('अंदर');
    expect(wordToDevanagari('hindi')).toBe('हिंदी');
    expect(wordToDevanagari('hua')).toBe('हुआ');
    expect(wordToDevanagari('jaan')).toBe('जान');
  });

  it('shortens elongation and leaves non-Latin words alone', () => {
    expect(wordToDevanagari('bahuttt')).toBe('बहुत');
    expect(wordToDevanagari('yaaaar')).toBe('यार');
    expect(wordToDevanagari('café')).toBe('café');
    expect(wordToDevanagari('2015')).toBe('2015');
  });
});

describe('hinglishToDevanagari', () => {
  const english = new Set(['movie', 'boring', 'very', 'nice', 'the']);

  it('converts the Hindi words of a code-mixed text and keeps English ones, links, tags and emoji', () => {
    expect(
      hinglishToDevanagari(
        '@srk movie bahut boring thi yaar, very nice bhai #pathaan http://t.co/x 😂',
        english,
      ),
    ).toBe('@srk movie बहुत boring थी यार, very nice भाई #pathaan http://t.co/x 😂');
  });

  it('converts a Hindi grammar word that is English too when asked', () => {
    expect(hinglishToDevanagari('wo the', english)).toBe('वो the');
    expect(hinglishToDevanagari('wo the', english, new Set(['the']))).toBe('वो थे');
  });
});
