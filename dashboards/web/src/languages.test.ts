import { describe, expect, it } from 'vitest';
import { languageName } from './languages.ts';

describe('language names', () => {
  it('names the languages the pipeline detects, in the reader’s language', () => {
    expect(languageName('el', 'en')).toBe('Greek');
    expect(languageName('fa', 'en')).toBe('Persian');
    expect(languageName('sl', 'en')).toBe('Slovenian');
    expect(languageName('de', 'de')).toBe('Deutsch');
    expect(languageName('el', 'de')).toBe('Griechisch');
  });

  it('says "unknown" for und and keeps a code it cannot name', () => {
    expect(languageName('und', 'en')).toBe('Unknown language');
    expect(languageName(null, 'en')).toBe('Unknown language');
    expect(languageName('qqq', 'en')).toBe('qqq');
    expect(languageName('not a code', 'en')).toBe('not a code');
  });
});
