import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import {
  compileWatchQueries,
  MAX_QUERY_DEPTH,
  parseQuery,
  queryId,
  QuerySyntaxError,
  type MatchInput,
  type WatchQueryDef,
} from './index.ts';

function matches(query: string, input: MatchInput | string): boolean {
  const m = compileWatchQueries([{ workspace: 'w', brand: 'b', query }]);
  return m.match(typeof input === 'string' ? { text: input } : input).length > 0;
}

function terms(query: string, text: string): string[] {
  const m = compileWatchQueries([{ workspace: 'w', brand: 'b', query }]);
  return m.match({ text })[0]?.terms ?? [];
}

// [query, text or input, expected]
const cases: Array<[string, MatchInput | string, boolean]> = [
  // Words, phrases, implicit AND, OR, NOT, precedence.
  ['acme', 'I love ACME products', true],
  ['acme', 'acmes are not acme-like', true],
  ['acme', 'acmes are here', false],
  ['"acme cloud"', 'the Acme   Cloud is down', true],
  ['"acme cloud"', 'acme-cloud is down', true],
  ['"acme cloud"', 'cloud acme', false],
  ['acme cloud', 'cloud of acme', true],
  ['acme AND cloud', 'acme only', false],
  ['acme OR globex', 'globex rules', true],
  ['acme OR globex cloud', 'globex rules', false],
  ['acme OR globex cloud', 'globex cloud', true],
  ['acme OR globex cloud', 'acme', true],
  ['acme -outage', 'acme outage today', false],
  ['acme NOT outage', 'acme has an OUTAGE', false],
  ['acme AND NOT outage', 'acme is fine', true],
  ['acme -"for sale"', 'acme for sale', false],
  ['acme -(sale OR discount)', 'acme discount', false],
  ['acme -(sale OR discount)', 'acme review', true],
  ['NOT acme', 'anything else', true],
  ['NOT acme', 'acme', false],
  // Common-word brands: the reason the language exists.
  [
    'raw:"Apple" AND (iphone OR ipad OR mac* OR ios OR "tim cook")',
    'Apple unveils the new iPhone',
    true,
  ],
  [
    'raw:"Apple" AND (iphone OR ipad OR mac* OR ios OR "tim cook")',
    'apple pie and my iphone',
    false,
  ],
  [
    'raw:"Apple" AND (iphone OR ipad OR mac* OR ios OR "tim cook")',
    'Apple MacBook Pro review',
    true,
  ],
  ['raw:"Apple" NOT (pie OR juice OR cider OR orchard)', 'Apple juice for breakfast', false],
  ['raw:"Apple" NOT (pie OR juice OR cider OR orchard)', 'Apple stock is up', true],
  ['zoom NEAR/3 (call OR meeting OR video OR webinar)', 'jumping on a Zoom call now', true],
  ['zoom NEAR/3 (call OR meeting OR video OR webinar)', 'the meeting is on zoom', true],
  ['zoom NEAR/3 (call OR meeting OR video OR webinar)', 'zoom in on the photo', false],
  [
    'zoom NEAR/3 (call OR meeting OR video OR webinar)',
    'zoom in to see the details of the video',
    false,
  ],
  [
    '"monday.com" OR (raw:"Monday" NEAR/4 (crm OR board OR workflow*))',
    'moved our CRM to Monday',
    true,
  ],
  ['"monday.com" OR (raw:"Monday" NEAR/4 (crm OR board OR workflow*))', 'see you on Monday', false],
  ['"monday.com" OR (raw:"Monday" NEAR/4 (crm OR board OR workflow*))', 'monday.com boards', true],
  ['"monday.com" OR (raw:"Monday" NEAR/4 (crm OR board OR workflow*))', 'i hate mondays', false],
  ['raw:HP -(engine OR horsepower OR car)', 'my HP laptop died', true],
  ['raw:HP -(engine OR horsepower OR car)', 'the car has 300 HP', false],
  ['raw:HP -(engine OR horsepower OR car)', 'game character lost 20 hp', false],
  ['raw:HP', 'HPE servers', false],
  ['raw:"Nestlé"', 'Nestle\u0301 news', true],
  ['raw:"Nestlé"', 'NESTLÉ news', false],
  ['AT&T', 'the AT&T network is down', true],
  ['AT&T', 'at the network', false],
  ['raw:C NEAR/3 (dotnet OR programming OR sharp)', 'learning C# programming', true],
  ['raw:C NEAR/3 (dotnet OR programming OR sharp)', 'grade c in programming', false],
  // NEAR / ONEAR details.
  ['tesla ONEAR/2 recall', 'Tesla issues a recall', true],
  ['tesla ONEAR/2 recall', 'a recall for Tesla', false],
  ['tesla NEAR/2 recall', 'a recall for Tesla', true],
  ['tesla NEAR/0 recall', 'tesla recall', true],
  ['tesla NEAR/0 recall', 'tesla big recall', false],
  ['tesla NEAR/1 tesla', 'tesla tesla', true],
  ['tesla NEAR/1 tesla', 'just tesla', false],
  ['"acme cloud" NEAR/2 (outage OR down)', 'acme cloud is down', true],
  ['acme NEAR/2 cloud NEAR/2 outage', 'acme cloud had an outage', true],
  ['acme NEAR/2 cloud NEAR/2 outage', 'acme cloud is great. Elsewhere, an outage', false],
  // Wildcards.
  ['micro*', 'Microsoft and microservices', true],
  ['micro*', 'macro economics', false],
  ['"acme clou*"', 'acme cloudy day', true],
  // Hashtags and mentions.
  ['#zoom', 'loving #Zoom today', true],
  ['#zoom', 'loving zoom today', false],
  ['hashtag:zoom', 'loving #ZOOM today', true],
  ['zoom', 'loving #zoom today', true],
  ['@acme', 'thanks @Acme for the help', true],
  ['@acme', 'thanks acme for the help', false],
  ['a#b', 'a#b', true],
  // Unicode: diacritics, scripts.
  ['nestle', 'Nestlé announces', true],
  ['nestlé', 'NESTLE announces', true],
  ['muller', 'Müller Milch', true],
  ['strasse', 'die Straße ist gesperrt', true],
  ['strasse', 'Hauptstraße 5', false],
  ['"κόκα κόλα"', 'ΚΟΚΑ-ΚΟΛΑ στην Αθήνα', true],
  ['κοκα', 'Η Κόκα είναι εδώ', true],
  ['Яндекс', 'новости яндекс сегодня', true],
  ['ёлка', 'елка в парке', true],
  ['دیجی‌کالا', 'خرید از ديجيكالا خوب بود', true],
  ['دیجیکالا', 'خرید از دیجی‌کالا', true],
  ['三星', '我买了三星手机', true],
  ['三星', '三个星期', false],
  ['三星 NEAR/2 手机', '三星新款手机', true],
  ['ソニー', 'ソニーのカメラが好き', true],
  ['삼성', '삼성 갤럭시 출시', true],
  ['सैमसंग', 'मेरा सैमसंग फोन', true],
  ['ｉｐｈｏｎｅ', 'iPhone', true],
  ['iphone', 'ｉＰｈｏｎｅ１５', false],
  ['"iphone 15"', 'ｉＰｈｏｎｅ　１５', true],
  // Fields.
  ['acme lang:de', { text: 'acme ist toll', lang: 'de' }, true],
  ['acme lang:de', { text: 'acme ist toll', lang: 'de-AT' }, true],
  ['acme lang:de', { text: 'acme is great', lang: 'en' }, false],
  ['acme lang:de', { text: 'acme ist toll', lang: 'dea' }, false],
  ['acme -lang:en', { text: 'acme', lang: null }, true],
  ['lang:de', { text: 'irgendwas', lang: 'de' }, true],
  ['acme source:bluesky', { text: 'acme', source: 'bluesky' }, true],
  ['acme source:bluesky', { text: 'acme', source: 'mastodon' }, false],
  ['author:@AcmeSupport', { text: 'hello', author: 'acmesupport' }, true],
  ['author:acmesupport', { text: 'hello', author: '@AcmeSupport' }, true],
  ['author:acmesupport', { text: 'hello', author: null }, false],
  ['site:example.com', { text: 'x', url: 'https://blog.example.com/post/1' }, true],
  ['site:example.com', { text: 'x', url: 'https://example.com' }, true],
  ['site:example.com', { text: 'x', url: 'https://notexample.com/a' }, false],
  ['site:https://example.com/', { text: 'x', url: 'http://www.example.com/a' }, true],
  ['url:"/blog/"', { text: 'x', url: 'https://a.io/Blog/post' }, true],
  ['url:"/blog/"', { text: 'x', url: 'https://a.io/news/post' }, false],
  // Title is searched too; a phrase never spans title and text.
  ['acme', { text: 'nothing here', title: 'Acme launches' }, true],
  ['"launches nothing"', { text: 'nothing here', title: 'Acme launches' }, false],
  // Edge cases.
  ['acme', '', false],
  ['acme', `${'lorem ipsum '.repeat(5000)} acme`, true],
  ['acme', '🙂🙂🙂 acme!!!', true],
];

describe('watch query matching (table)', () => {
  it.each(cases)('%s on %j → %s', (query, input, expected) => {
    expect(matches(query, input)).toBe(expected);
  });
});

describe('explanations', () => {
  it('reports the matched terms as written and their UTF-16 spans', () => {
    const m = compileWatchQueries([
      { workspace: 'w', brand: 'apple', query: 'raw:"Apple" AND (iphone OR mac*) -pie' },
    ]);
    const text = '😀 Apple iPhone & MacBook';
    const [hit] = m.match({ text });
    expect(hit).toBeDefined();
    expect(hit!.terms).toEqual(['Apple', 'iPhone', 'MacBook']);
    expect(hit!.spans).toEqual([
      [3, 8],
      [9, 15],
      [18, 25],
    ]);
    for (const [s, e] of hit!.spans) expect(hit!.terms).toContain(text.slice(s, e));
  });

  it('only explains NEAR occurrences that are near, never NOT terms', () => {
    expect(terms('zoom NEAR/2 call -fail', 'zoom call. later a long call')).toEqual([
      'zoom',
      'call',
    ]);
    const m = compileWatchQueries([{ workspace: 'w', brand: 'z', query: 'zoom NEAR/1 call' }]);
    const [hit] = m.match({ text: 'call me, then zoom call' });
    expect(hit!.spans).toEqual([
      [14, 18],
      [19, 23],
    ]);
  });

  it('includes the sigil in hashtag spans and title terms without spans', () => {
    const m = compileWatchQueries([{ workspace: 'w', brand: 'z', query: '#zoom OR acme' }]);
    const [hit] = m.match({ text: 'go #Zoom', title: 'ACME news' });
    expect(hit!.terms).toEqual(['#Zoom', 'ACME']);
    expect(hit!.spans).toEqual([[3, 8]]);
  });

  it('gives a stable query id: brand + hash of the query text', () => {
    const m = compileWatchQueries([{ workspace: 'w', brand: 'acme', query: ' acme ' }]);
    const [hit] = m.match({ text: 'acme' });
    expect(hit!.query_id).toBe(queryId('acme', 'acme'));
    expect(hit!.query_id).toMatch(/^acme:[0-9a-f]{8}$/);
    expect(queryId('acme', 'acme')).not.toBe(queryId('acme', 'acme OR globex'));
  });
});

// [query, error position, fragment of `expected`]
const errors: Array<[string, number, string]> = [
  ['', 0, 'a term'],
  ['   ', 0, 'a term'],
  ['apple AND', 9, 'a term'],
  ['apple OR OR pear', 9, 'a term'],
  ['(apple OR pear', 14, '")"'],
  ['apple)', 5, 'end of query'],
  ['()', 1, 'a term'],
  ['"apple', 0, 'closing "'],
  ['apple "pie', 6, 'closing "'],
  ['apple or pear', 6, 'OR or "or"'],
  ['apple and pear', 6, 'AND or "and"'],
  ['a NEAR b', 6, '"/" and a number'],
  ['a NEAR/x b', 7, '"/" and a number'],
  ['a NEAR/5000 b', 7, 'up to 1000'],
  ['(a AND b) NEAR/2 c', 1, 'OR-groups'],
  ['a NEAR/2 lang:de', 9, 'OR-groups'],
  ['a NEAR/2 -b', 9, 'a term'],
  ['ap*ple', 2, 'trailing wildcard'],
  ['*', 0, 'letters or digits'],
  ['a*', 0, 'at least 2'],
  ['foo:bar', 0, 'one of lang:'],
  ['lang:', 5, 'a value'],
  ['lang:deutsch!', 5, 'ISO 639'],
  ['!!!', 0, 'letters or digits'],
  ['apple NOT', 9, 'a term'],
];

describe('query syntax errors', () => {
  it.each(errors)('%j fails at %i expecting %s', (query, position, expected) => {
    let error: unknown;
    try {
      parseQuery(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuerySyntaxError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).name).toBe('QuerySyntaxError');
    const e = error as QuerySyntaxError;
    expect(e.expected).toContain(expected);
    expect(e.position).toBe(position);
    expect(e.message).toMatch(/position|empty/);
  });

  it('names the brand when a watch query in a config is invalid', () => {
    expect(() =>
      compileWatchQueries([
        { workspace: 'w', brand: 'ok', query: 'acme' },
        { workspace: 'w', brand: 'broken', query: 'acme AND' },
      ]),
    ).toThrow(/brand "w\/broken".*after AND/);
  });

  it('accepts lowercase operator words when quoted', () => {
    expect(matches('"or" NEAR/1 gold', 'or gold')).toBe(true);
  });
});

describe('mayMatch (early filtering before language detection)', () => {
  // [query, input, match, mayMatch]
  const cases: Array<[string, MatchInput, boolean, boolean]> = [
    ['acme lang:de', { text: 'acme ist toll', lang: null }, false, true],
    ['acme lang:de', { text: 'acme ist toll', lang: 'de' }, true, true],
    ['acme lang:de', { text: 'acme is great', lang: 'en' }, false, false],
    ['acme lang:de', { text: 'nothing here', lang: null }, false, false],
    ['acme -lang:en', { text: 'acme', lang: null }, true, true],
    ['acme -lang:en', { text: 'acme', lang: 'en' }, false, false],
    ['lang:de', { text: 'irgendwas' }, false, true],
    ['acme OR site:acme.com', { text: 'news', url: null }, false, true],
    ['acme OR site:acme.com', { text: 'news', url: 'https://other.org' }, false, false],
    ['acme author:acmebot', { text: 'acme', author: null }, false, true],
    ['(acme NEAR/1 cloud) source:bluesky', { text: 'acme is a cloud', source: null }, false, false],
  ];
  it.each(cases)('%s on %j: match %s, mayMatch %s', (query, input, match, may) => {
    const m = compileWatchQueries([{ workspace: 'w', brand: 'b', query }]);
    expect(m.match(input).length > 0).toBe(match);
    expect(m.mayMatch(input)).toBe(may);
  });
});

describe('many queries at once', () => {
  // A seeded generator so failures reproduce.
  let seed = 42;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const vocab = [
    'acme',
    'cloud',
    'zoom',
    'call',
    'apple',
    'pie',
    'iphone',
    'café',
    'ΚΟΚΑ',
    '三星',
    'sale',
    '#deal',
  ];
  const atoms = [
    ...vocab,
    'clo*',
    '"acme cloud"',
    'raw:Apple',
    'lang:de',
    'source:bluesky',
    'hashtag:deal',
  ];
  const genQuery = (depth: number): string => {
    const r = rand();
    if (depth === 0 || r < 0.35) return pick(atoms);
    if (r < 0.55) return `(${genQuery(depth - 1)} OR ${genQuery(depth - 1)})`;
    if (r < 0.75) return `${genQuery(depth - 1)} AND ${genQuery(depth - 1)}`;
    if (r < 0.85) return `-${pick(vocab)}`;
    return `${pick(vocab)} NEAR/${Math.floor(rand() * 3)} ${pick(vocab)}`;
  };

  it('gives the same answers as matching each query alone (candidate pruning is exact)', () => {
    const defs: WatchQueryDef[] = Array.from({ length: 300 }, (_, i) => ({
      workspace: 'w',
      brand: `b${i}`,
      query: genQuery(3),
    }));
    const all = compileWatchQueries(defs);
    const single = defs.map((d) => compileWatchQueries([d]));
    let matched = 0;
    for (let n = 0; n < 300; n++) {
      const words = Array.from({ length: 1 + Math.floor(rand() * 12) }, () =>
        pick([...vocab, 'the', 'Apple', 'ACME', 'cloudy', 'xyz']),
      );
      const input: MatchInput = {
        text: words.join(' '),
        lang: pick(['de', 'en', null]),
        source: pick(['bluesky', 'rss']),
      };
      const got = all.match(input);
      const expected = single.flatMap((m) => m.match(input));
      expect(got).toEqual(expected);
      // With every field known, mayMatch is exactly "some query matches"; with a field
      // unknown it never rules out a post that would match.
      if (input.lang != null) expect(all.mayMatch(input)).toBe(got.length > 0);
      else if (got.length > 0) expect(all.mayMatch(input)).toBe(true);
      if (got.length > 0) expect(all.mayMatch({ ...input, lang: null })).toBe(true);
      matched += got.length;
    }
    expect(matched).toBeGreaterThan(100); // the random queries do match things
  });
});

describe('query depth and size limits', () => {
  function syntaxError(query: string): QuerySyntaxError {
    try {
      parseQuery(query);
    } catch (e) {
      if (e instanceof QuerySyntaxError) return e;
      throw e;
    }
    throw new Error('query parsed');
  }

  it(`refuses nesting past ${MAX_QUERY_DEPTH} levels at the character that exceeds it`, () => {
    // 2,000 levels, 4,001 characters: under the config's 10,000, and it overflowed the stack.
    const deep = `${'('.repeat(2000)}acme${')'.repeat(2000)}`;
    const e = syntaxError(deep);
    expect(e.position).toBe(MAX_QUERY_DEPTH);
    expect(deep[e.position]).toBe('(');
    expect(e.message).toContain(`more than the ${MAX_QUERY_DEPTH} allowed`);
    expect(e.expected).toContain(`at most ${MAX_QUERY_DEPTH} levels`);
    // The same through the compiler, with the brand named.
    expect(() => compileWatchQueries([{ workspace: 'w', brand: 'b', query: deep }])).toThrow(
      /brand "w\/b".*nested too deeply/,
    );
  });

  it(`accepts exactly ${MAX_QUERY_DEPTH} levels`, () => {
    const query = `${'('.repeat(MAX_QUERY_DEPTH)}acme${')'.repeat(MAX_QUERY_DEPTH)}`;
    expect(matches(query, 'acme')).toBe(true);
    expect(matches(`${'NOT '.repeat(MAX_QUERY_DEPTH)}acme`, 'acme')).toBe(true); // even count
  });

  it('counts NOT, "-" and NEAR chains as levels too', () => {
    expect(syntaxError(`${'-'.repeat(9_999)}a`).position).toBe(MAX_QUERY_DEPTH);
    expect(syntaxError(`${'NOT '.repeat(2_000)}acme`).position).toBe(MAX_QUERY_DEPTH * 4);
    const chain = Array.from({ length: 2_000 }, () => 'ab').join(' NEAR/1 ');
    const e = syntaxError(chain);
    expect(chain.slice(e.position, e.position + 6)).toBe('NEAR/1');
    expect(e.position).toBe(3 + MAX_QUERY_DEPTH * 10); // "ab NEAR/1 " is 10 characters
    // Levels close again: many shallow groups in a row are fine.
    const wide = Array.from({ length: 500 }, (_, i) => `(w${i} NEAR/2 x)`).join(' OR ');
    expect(matches(wide, 'w499 and x')).toBe(true);
  });

  it('matches long flat queries and long texts without overflowing the stack', () => {
    const ors = Array.from({ length: 5_000 }, (_, i) => `w${i}`).join(' OR ');
    expect(matches(ors, 'say w4999')).toBe(true);
    expect(matches(ors, 'say nothing')).toBe(false);
    const ands = Array.from({ length: 5_000 }, (_, i) => `w${i}`).join(' AND ');
    expect(matches(ands, 'w1 w2')).toBe(false);
    // Past ~120,000 elements, spreading an array into push() overflows the stack.
    // A group of 150,000 alternatives: its trigger leaves were spread.
    const group = `(${Array.from({ length: 150_000 }, (_, i) => `w${i}`).join(' OR ')}) OR x`;
    expect(matches(group, 'w149999')).toBe(true);
    // 150,000 occurrences of a term: the explanation spread them.
    const m = compileWatchQueries([{ workspace: 'w', brand: 'b', query: 'acme' }]);
    expect(m.match({ text: 'acme '.repeat(150_000) })[0]?.spans).toHaveLength(150_000);
  }, 30_000);
});
