import { describe, expect, it } from 'vitest';
import { range } from '../../ingest/demo/connector.ts';
import {
  countPlainWords,
  FLAG_HASHTAG,
  FLAG_MENTION,
  FLAG_NONE,
  normalizeWord,
  tokenize,
} from './tokenize.ts';

const norms = (text: string): string[] => tokenize(text).map((t) => t.norm);

describe('tokenize (table)', () => {
  // [text, normalized tokens]
  const cases: Array<[string, string[]]> = [
    ['Coca-Cola, coca cola & COCA·COLA', ['coca', 'cola', 'coca', 'cola', 'coca', 'cola']],
    ["McDonald's isn't", ['mcdonald', 's', 'isn', 't']],
    [
      'Nestlé Müller Straße ÆON Øresund Łódź',
      ['nestle', 'muller', 'strasse', 'aeon', 'oresund', 'lodz'],
    ],
    ['İstanbul IŞIK', ['istanbul', 'isik']],
    ['Ἀθῆναι ΚΌΚΑ-ΚΌΛΑ σοφός', ['αθηναι', 'κοκα', 'κολα', 'σοφοσ']],
    ['Ёлка Йогурт', ['елка', 'иогурт']],
    ['ديجي‌كالا دیجیکالا', ['دیجیکالا', 'دیجیکالا']],
    ['مُحَمَّد', ['محمد']],
    ['שָׁלוֹם', ['שלום']],
    ['हिंदी काम कम', ['हिंदी', 'काम', 'कम']],
    ['三星手机 iPhone用', ['三', '星', '手', '机', 'iphone', '用']],
    ['ソニーのカメラ', ['ソ', 'ニ', 'ー', 'の', 'カ', 'メ', 'ラ']],
    ['삼성 갤럭시', ['삼성', '갤럭시']],
    ['ｉＰｈｏｎｅ１５ ﬁne', ['iphone15', 'fine']],
    ['🙂 😀👍 !!!', []],
    ['', []],
    ['3.5 v2 2026', ['3', '5', 'v2', '2026']],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(norms(text)).toEqual(expected);
  });

  it('gives UTF-16 offsets into the original text, across surrogate pairs', () => {
    const text = '😀 Café 𝒳 ok';
    const tokens = tokenize(text);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.raw);
    expect(tokens.map((t) => t.raw)).toEqual(['Café', '𝒳', 'ok']);
  });

  it('flags hashtags and mentions at word starts only, with the sigil in the span', () => {
    const text = 'Hi @Acme! #Launch day, mail a@b.c or x#y';
    const tokens = tokenize(text);
    const acme = tokens.find((t) => t.raw === 'Acme')!;
    expect(acme.flag).toBe(FLAG_MENTION);
    expect(text.slice(acme.start, acme.end)).toBe('@Acme');
    const launch = tokens.find((t) => t.raw === 'Launch')!;
    expect(launch.flag).toBe(FLAG_HASHTAG);
    expect(tokens.find((t) => t.raw === 'b')!.flag).toBe(0);
    expect(tokens.find((t) => t.raw === 'y')!.flag).toBe(0);
  });

  it('normalizes a word the same way in a query and in a text', () => {
    expect(normalizeWord('NESTLÉ')).toBe(normalizeWord('nestle'));
    expect(normalizeWord('Nestle\u0301')).toBe('nestle');
  });

  it('tokenizes very long text completely', () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(20_000);
    const tokens = tokenize(text);
    expect(tokens).toHaveLength(100_000);
    expect(tokens.at(-1)!.end).toBe(text.length - 1);
  });
});

describe('countPlainWords', () => {
  it('counts the tokens without a sigil that tokenize finds', () => {
    const start = Date.parse('2026-11-10T09:00:00Z');
    const texts = [
      ...range(start, start + 3_600_000, { ratePerMinute: 100, incident: null }).map((m) => m.text),
      '#tag @handle a#b c@d (#x) "@y" iPhone用 東京 coca-cola',
      '#',
      '',
    ];
    for (const text of texts)
      expect(countPlainWords(text), text).toBe(
        tokenize(text).filter((t) => t.flag === FLAG_NONE).length,
      );
    expect(countPlainWords('#tag @handle a#b c@d')).toBe(4);
  });
});

describe('tokenize: the last text’s tokens are reused', () => {
  it('returns the same tokens for the same text, and fresh ones for another', () => {
    const a = 'Nimbus battery #fail @someone';
    const first = tokenize(a);
    expect(tokenize(a)).toBe(first); // enrichment's second and third call on a post: free
    expect(tokenize(`${a} `.trimEnd())).toBe(first); // equal text, another string
    const other = tokenize('Other words');
    expect(other).not.toBe(first);
    expect(other.map((t) => t.norm)).toEqual(['other', 'words']);
    // Interleaved texts still get their own tokens.
    expect(tokenize(a).map((t) => [t.norm, t.flag])).toEqual(first.map((t) => [t.norm, t.flag]));
    expect(tokenize(a).map((t) => t.norm)).toEqual(['nimbus', 'battery', 'fail', 'someone']);
  });

  it('counts plain words from them as it counts them from the text', () => {
    const start = Date.parse('2026-11-10T09:00:00Z');
    const texts = [
      ...range(start, start + 3_600_000, { ratePerMinute: 100, incident: null }).map((m) => m.text),
      '#tag @handle a#b c@d (#x) "@y" iPhone用 東京 coca-cola',
      '',
    ];
    for (const text of texts) {
      const fresh = countPlainWords(text); // another text was tokenized last
      tokenize(text);
      expect(countPlainWords(text), text).toBe(fresh);
      tokenize('something else');
    }
    tokenize('#tag @handle a#b c@d');
    expect(countPlainWords('#tag @handle a#b c@d')).toBe(4); // a, b, c and d
  });
});
