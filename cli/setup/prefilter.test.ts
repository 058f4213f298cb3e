import { describe, expect, it } from 'vitest';
import { compileWatchQueries, parseQuery } from '../../enrich/match/index.ts';
import { foldNeedle, foldText, queryNeedles } from './prefilter.ts';

describe('queryNeedles: words a matching text must hold one of', () => {
  it.each([
    ['acme', ['acme']],
    ['"acme cloud"', ['cloud']],
    ['acme OR globex', ['acme', 'globex']],
    ['acme AND #cloud', ['cloud']],
    ['acme* NEAR/3 "big data"', ['acme']],
    ['nestlé', ['nestle']],
    ['strasse', ['strasse', 'straße']],
    ['lang:de', null],
    ['NOT acme', null],
    ['acme OR lang:de', null],
    ['source:hackernews acme', ['acme']],
    ['한국어', null],
  ])('%s → %j', (query, needles) => {
    expect(queryNeedles(parseQuery(query))).toEqual(needles);
  });

  // The prefilter must never lose a match: whatever the matcher matches, the folded text holds
  // a needle. Texts with the letters the tokenizer folds (diacritics, ß, æ, Greek tonos…).
  it.each([
    ['nestle', 'Le café de NESTLÉ est bon'],
    ['strasse', 'Die Straße ist lang'],
    ['aeon', 'Æon flux'],
    ['αθηνα', 'Η Αθήνα είναι ωραία'],
    ['"cafe creme"', 'un Café Crème svp'],
    ['#zorblax', 'love #Zörblax today'],
    ['acme*', 'ACMÉCORP ships'],
    ['zurich', 'Zu\u0308rich (decomposed)'],
    ['میخواهم', 'من می\u200cخواهم'],
    ['كتاب', 'هذا كِتَابٌ و كـتـاب'],
    ['istanbul', 'İstanbul'],
    ['finance', 'ﬁnance'],
  ])('%s matches %j and the folded text holds a needle', (query, text) => {
    const matcher = compileWatchQueries([{ workspace: 'w', brand: 'b', query }]);
    expect(matcher.match({ text })).toHaveLength(1);
    const needles = queryNeedles(parseQuery(query));
    expect(needles).not.toBeNull();
    expect(needles!.some((n) => foldText(text).includes(n))).toBe(true);
  });

  it('folds a needle the way the text is folded', () => {
    expect(foldNeedle('Zürich')).toBe('zurich');
  });
});
