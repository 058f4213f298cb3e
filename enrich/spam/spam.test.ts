import { describe, expect, it } from 'vitest';
import { countUrls, createSpamScorer, type SpamInput } from './index.ts';

let n = 0;
function post(over: Partial<SpamInput> = {}): SpamInput {
  n++;
  return {
    id: `t:${n}`,
    text: 'I switched our team to Acme Cloud last month and deploys are finally fast',
    author: `user${n}`,
    created_at: '2026-11-20T10:00:00Z',
    dup_group_size: 1,
    hashtags: [],
    urls: 0,
    ...over,
  };
}

describe('spam score signals (table)', () => {
  // [case, input, expected reason codes]
  const cases: Array<[string, Partial<SpamInput>, string[]]> = [
    ['an ordinary post', {}, []],
    ['link only', { text: 'https://spam.example/deal', urls: 1 }, ['link_only']],
    [
      'link with a comment',
      { text: 'Great write-up on Acme outages https://a.example/x', urls: 1 },
      [],
    ],
    [
      'hashtag stuffing',
      { text: 'Acme #a #b #c #d #e #f #g', hashtags: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] },
      ['hashtag_stuffing'],
    ],
    [
      'more tags than words',
      { text: 'wow #acme #cloud #deal', hashtags: ['acme', 'cloud', 'deal'] },
      ['hashtag_stuffing'],
    ],
    [
      'two tags in a sentence',
      { text: 'Loving the new #acme #cloud dashboard today', hashtags: ['acme', 'cloud'] },
      [],
    ],
    ['campaign', { dup_group_size: 25 }, ['campaign']],
    ['short generic duplicates are not a campaign', { text: 'thank you', dup_group_size: 500 }, []],
    ['new account', { account_created_at: '2026-11-18T10:00:00Z' }, ['new_account']],
    ['old account', { account_created_at: '2020-01-01T00:00:00Z' }, []],
    ['unparseable account date', { account_created_at: 'yesterday' }, []],
    ['empty text', { text: '' }, []],
  ];
  it.each(cases)('%s', (_name, over, codes) => {
    const r = createSpamScorer().score(post(over));
    expect(r.reasons.map((x) => x.split(':')[0])).toEqual(codes);
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(r.score).toBeLessThanOrEqual(1);
    if (codes.length === 0) expect(r.score).toBe(0);
    else expect(r.score).toBeGreaterThan(0);
  });

  it('adds independent signals up (noisy-OR) but stays below 1', () => {
    const scorer = createSpamScorer();
    const one = scorer.score(post({ text: 'https://x.example', urls: 1 })).score;
    const two = scorer.score(
      post({
        text: 'https://x.example #a #b #c #d #e #f',
        urls: 1,
        hashtags: ['a', 'b', 'c', 'd', 'e', 'f'],
      }),
    ).score;
    expect(two).toBeGreaterThan(one);
    expect(two).toBeLessThan(1);
  });
});

describe('per-author signals', () => {
  it('flags an author whose posts are mostly duplicates', () => {
    const scorer = createSpamScorer();
    const results = Array.from({ length: 4 }, (_, i) =>
      scorer.score(post({ id: `d:${i}`, author: 'bot1', dup_group_size: 2 + i })),
    );
    expect(results[0]!.reasons).toEqual([]); // too few posts to judge
    expect(results[3]!.reasons).toContain('author_duplicates:100pct_of_4');
    // Another author posting unique text is unaffected.
    expect(scorer.score(post({ author: 'human' })).reasons).toEqual([]);
  });

  it('flags a posting rate above the limit within one hour of created_at', () => {
    const scorer = createSpamScorer({ maxPostsPerHour: 10 });
    const base = Date.parse('2026-11-20T10:00:00Z');
    let last = { score: 0, reasons: [] as string[] };
    for (let i = 0; i < 12; i++) {
      last = scorer.score(
        post({
          id: `r:${i}`,
          author: 'fast',
          created_at: new Date(base + i * 60_000).toISOString(),
        }),
      );
    }
    expect(last.reasons).toEqual(['posting_rate:12_per_hour']);
    // The same number of posts spread over a day is fine.
    const slow = createSpamScorer({ maxPostsPerHour: 10 });
    for (let i = 0; i < 12; i++) {
      last = slow.score(
        post({
          id: `s:${i}`,
          author: 'slow',
          created_at: new Date(base + i * 2 * 3_600_000).toISOString(),
        }),
      );
    }
    expect(last.reasons).toEqual([]);
  });

  it('does not count a redelivered mention twice', () => {
    const scorer = createSpamScorer({ maxPostsPerHour: 2 });
    const p = post({ author: 'same' });
    for (let i = 0; i < 5; i++) expect(scorer.score(p).reasons).toEqual([]);
  });

  it('keeps author history across a restart and bounds the number of authors', () => {
    const scorer = createSpamScorer({ maxAuthors: 3 });
    for (let i = 0; i < 3; i++)
      scorer.score(post({ id: `k:${i}`, author: 'bot2', dup_group_size: 5 }));
    const json = JSON.parse(JSON.stringify(scorer.snapshot())) as unknown;
    const restored = createSpamScorer({ maxAuthors: 3 }, json);
    expect(restored.score(post({ id: 'k:9', author: 'bot2', dup_group_size: 5 })).reasons[0]).toBe(
      'author_duplicates:100pct_of_4',
    );
    for (let i = 0; i < 10; i++) restored.score(post({ author: `other${i}` }));
    const snap = restored.snapshot() as { authors: unknown[] };
    expect(snap.authors).toHaveLength(3);
  });
});

describe('countUrls', () => {
  it.each([
    ['no links here', 0],
    ['see https://a.example/x and www.b.example', 2],
    ['http://a.b http://c.d http://e.f', 3],
  ])('%s → %i', (text, n) => {
    expect(countUrls(text)).toBe(n);
  });
});
