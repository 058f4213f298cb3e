import { describe, expect, it } from 'vitest';
import { createTopicClusterer, extract, type TopicInput } from './index.ts';
import { nmi, purity } from './quality.ts';
import { evaluateStories } from './testing/stories.ts';
import { loadTopicVectors } from '../pipeline/topic-vectors.ts';
import { labelledCorpus } from './testing/corpus.ts';

describe('keyphrase and hashtag extraction (table)', () => {
  // [lang, text, expected candidates (subset, normalized), expected hashtags]
  const cases: Array<[string, string, string[], string[]]> = [
    [
      'en',
      'The Acme Cloud outage again!! Support ticket open since Monday #fail https://x.y/z',
      ['acme cloud outage', 'support ticket', 'monday'],
      ['fail'],
    ],
    ['en', 'It is really so good, right?', [], []],
    [
      'de',
      'Das neue Update hat mein Handy zerstört. Totalausfall',
      ['update', 'handy zerstort', 'totalausfall'],
      [],
    ],
    ['es', 'La batería del móvil dura poco #Android', ['bateria', 'movil dura'], ['android']],
    ['el', 'Η μπαταρία του Aurora είναι καταπληκτική', ['μπαταρια', 'aurora'], []],
    ['fa', 'باتری گوشی خیلی زود تموم میشه', ['باتری گوشی'], []],
    ['zh', '三星手机电池很好', ['手机', '电池'], []],
    ['ja', 'ソニーのカメラが好き', ['ソニ', 'カメ'], []],
    ['en', '', [], []],
    ['en', '#a #b #c', [], ['a', 'b', 'c']],
  ];
  it.each(cases)('%s: %s', (lang, text, candidates, hashtags) => {
    const r = extract(text, lang);
    const norms = r.candidates.map((c) => c.norm);
    for (const c of candidates) expect(norms).toContain(c);
    if (candidates.length === 0) expect(norms).toEqual([]);
    expect(r.hashtags).toEqual(hashtags);
  });

  it('never crosses punctuation or stop words in a phrase', () => {
    const norms = extract('acme cloud, support team. billing invoice', 'en').candidates.map(
      (c) => c.norm,
    );
    expect(norms).toEqual(['acme cloud', 'support team', 'billing invoice']);
  });
});

function run(posts: ReturnType<typeof labelledCorpus>, clusterer = createTopicClusterer()) {
  const ids = posts.map(
    (p) =>
      clusterer.assign({
        id: p.id,
        text: p.text,
        lang: p.lang,
        brands: [p.brand],
        created_at: p.created_at,
      }).topics[0]?.id ?? 'none',
  );
  return { clusterer, ids: ids.map((id) => clusterer.resolve(id)) };
}

describe('topic clustering quality on the labelled corpus', () => {
  it('recovers the planted topics (purity and NMI measured, thresholds below the measured values)', () => {
    const posts = labelledCorpus({ size: 3000, seed: 11 });
    const { ids } = run(posts);
    const labels = posts.map((p) => `${p.brand}/${p.topic}`);
    const labelsByLang = posts.map((p) => `${p.brand}/${p.topic}/${p.lang}`);
    expect(purity(ids, labels)).toBeGreaterThan(0.95);
    expect(nmi(ids, labels)).toBeGreaterThan(0.75);
    // Within a language the partition is close to the truth (topics in different languages
    // share few words, so they mostly form separate clusters).
    expect(nmi(ids, labelsByLang)).toBeGreaterThan(0.85);
  });

  it('is better than chance: shuffled labels score far lower', () => {
    const posts = labelledCorpus({ size: 1500, seed: 5 });
    const { ids } = run(posts);
    const labels = posts.map((p) => `${p.brand}/${p.topic}`);
    const shuffled = [...labels].sort((a, b) => ((a.length * 31 + b.charCodeAt(0)) % 7) - 3);
    expect(nmi(ids, labels)).toBeGreaterThan(nmi(ids, shuffled) + 0.3);
  });

  it('labels each topic with a phrase its posts wrote, without the brand, not a word triple', () => {
    const posts = labelledCorpus({ size: 3000, seed: 2, langs: ['en'] });
    const { clusterer } = run(posts);
    const top = clusterer.topics('Acme', 8);
    expect(top.length).toBe(8);
    for (const t of top) {
      expect(t.lang).toBe('en');
      expect(t.label).not.toMatch(/acme/i);
      // One phrase ("status page", "error 503"), as a post wrote it: not "a · b · c".
      expect(t.label).not.toContain(' · ');
      expect(t.label.split(/\s+/).length).toBeLessThanOrEqual(4);
      expect(posts.some((p) => p.text.toLowerCase().includes(t.label.toLowerCase()))).toBe(true);
    }
    const labels = top.map((t) => t.label.toLowerCase()).join(' | ');
    for (const word of [
      'outage|servers|down|503|error|loading|status|offline',
      'earnings|revenue|stock|quarterly',
      'breach|hacked|security|vulnerability|passwords|phishing|patch|leak',
    ]) {
      expect(labels).toMatch(new RegExp(word));
    }
  });

  it('keeps brands apart: a post is clustered once per brand it mentions', () => {
    const c = createTopicClusterer();
    const r = c.assign({
      id: 'x:1',
      text: 'Acme and Globex both had an outage today',
      lang: 'en',
      brands: ['w/acme', 'w/globex'],
      created_at: '2026-11-20T10:00:00Z',
    });
    expect(r.topics).toHaveLength(2);
    expect(r.topics[0]!.id).not.toBe(r.topics[1]!.id);
    expect(c.topics('w/acme')).toHaveLength(1);
  });
});

describe('keywords and hashtags per mention', () => {
  it('returns keywords without the brand and the excluded terms', () => {
    const c = createTopicClusterer();
    const posts = labelledCorpus({ size: 300, seed: 9, langs: ['en'], brands: ['Acme'] });
    for (const p of posts)
      c.assign({
        id: p.id,
        text: p.text,
        lang: 'en',
        brands: ['w/acme'],
        created_at: p.created_at,
      });
    const r = c.assign({
      id: 'k:1',
      text: 'Acme data breach: passwords leaked, Initech blamed #infosec',
      lang: 'en',
      brands: ['w/acme'],
      created_at: '2026-11-20T10:00:00Z',
      exclude_terms: ['Initech'],
    });
    expect(r.hashtags).toEqual(['infosec']);
    expect(r.keywords.join(' ')).toMatch(/breach/);
    expect(r.keywords.join(' ')).not.toMatch(/acme|initech/i);
    expect(r.keywords.length).toBeLessThanOrEqual(5);
  });

  it('handles empty and emoji-only text', () => {
    const c = createTopicClusterer();
    const input: TopicInput = {
      id: 'e:1',
      text: '🔥🔥🔥',
      lang: 'und',
      brands: ['w/a'],
      created_at: '2026-11-20T10:00:00Z',
    };
    expect(c.assign(input)).toEqual({ topics: [], keywords: [], hashtags: [] });
    expect(c.assign({ ...input, id: 'e:2', text: '' })).toEqual({
      topics: [],
      keywords: [],
      hashtags: [],
    });
  });
});

describe('state', () => {
  it('continues identically after a snapshot round-trip through JSON', () => {
    const posts = labelledCorpus({ size: 1200, seed: 4 });
    const a = createTopicClusterer();
    for (const p of posts.slice(0, 600))
      a.assign({
        id: p.id,
        text: p.text,
        lang: p.lang,
        brands: [p.brand],
        created_at: p.created_at,
      });
    const b = createTopicClusterer({}, JSON.parse(JSON.stringify(a.snapshot())) as unknown);
    for (const p of posts.slice(600)) {
      const input = {
        id: p.id,
        text: p.text,
        lang: p.lang,
        brands: [p.brand],
        created_at: p.created_at,
      };
      expect(b.assign(input)).toEqual(a.assign(input));
    }
    expect(b.topics('Acme')).toEqual(a.topics('Acme'));
  });

  it('rejects a snapshot of the wrong shape', () => {
    expect(() => createTopicClusterer({}, { version: 2 })).toThrow();
  });

  it('bounds clusters per brand and brands', () => {
    const c = createTopicClusterer({ maxClustersPerBrand: 5, maxBrands: 3 });
    for (let i = 0; i < 200; i++) {
      c.assign({
        id: `b:${i}`,
        text: `unique${i} words${i} here${i}`,
        lang: 'en',
        brands: [`w/b${i % 7}`],
        created_at: '2026-11-20T10:00:00Z',
      });
    }
    const brands = (c.snapshot() as { brands: Array<{ clusters: unknown[] }> }).brands;
    expect(brands).toHaveLength(3);
    for (const b of brands) expect(b.clusters.length).toBeLessThanOrEqual(5);
  });

  it('resolves the id of a merged topic to the surviving one', () => {
    const c = createTopicClusterer({ threshold: 0.85, mergeThreshold: 0.3, mergeEvery: 8 });
    const ids: string[] = [];
    // Eight posts: fewer than the ten after which brand-wide words are damped.
    for (let i = 0; i < 8; i++) {
      const text =
        i % 2 === 0 ? 'server outage status page down' : 'server outage error down offline';
      ids.push(
        c.assign({
          id: `m:${i}`,
          text,
          lang: 'en',
          brands: ['w/a'],
          created_at: '2026-11-20T10:00:00Z',
        }).topics[0]!.id,
      );
    }
    expect(new Set(ids).size).toBe(2); // two clusters before the merge pass
    expect(new Set(ids.map((id) => c.resolve(id))).size).toBe(1);
    expect(c.topics('w/a')).toHaveLength(1);
  });
});

describe('trending topics', () => {
  it('ranks a topic that spikes in the current period first, with a minimum volume', () => {
    const c = createTopicClusterer();
    const base = labelledCorpus({
      size: 2000,
      seed: 8,
      langs: ['en'],
      brands: ['Acme'],
      start: '2026-11-18T00:00:00Z',
    });
    for (const p of base)
      c.assign({
        id: p.id,
        text: p.text,
        lang: 'en',
        brands: ['w/acme'],
        created_at: p.created_at,
      });
    // 2,000 posts one per minute end at 09:19 on 19 Nov; then a security spike.
    const spikeStart = Date.parse('2026-11-19T10:00:00Z');
    for (let i = 0; i < 60; i++) {
      c.assign({
        id: `spike:${i}`,
        text: `Acme data breach, passwords leaked ${i % 3 === 0 ? '#databreach' : 'hacked'}`,
        lang: 'en',
        brands: ['w/acme'],
        created_at: new Date(spikeStart + i * 30_000).toISOString(),
      });
    }
    const trending = c.trending('w/acme', {
      now: '2026-11-19T10:30:00Z',
      periodHours: 6,
      minVolume: 20,
    });
    expect(trending.length).toBeGreaterThan(0);
    expect(trending[0]!.label.toLowerCase()).toMatch(/breach|hacked|passwords/);
    expect(trending[0]!.current).toBeGreaterThanOrEqual(20);
    expect(trending[0]!.growth).toBeGreaterThan(1);
    // Nothing trends when the minimum volume is not reached.
    expect(
      c.trending('w/acme', { now: '2026-11-19T10:30:00Z', periodHours: 6, minVolume: 500 }),
    ).toEqual([]);
    expect(c.trending('w/unknown', { now: new Date() })).toEqual([]);
  });
});

describe('one story across languages (multilingual word vectors)', () => {
  const vectors = loadTopicVectors();

  it('groups more cross-language pairs of the tuning stories than words alone, and reads as a phrase', () => {
    const lexical = evaluateStories({}, 'tune');
    const withVectors = evaluateStories({ vectors }, 'tune');
    expect(withVectors.crossLanguage.recall).toBeGreaterThan(lexical.crossLanguage.recall * 1.5);
    expect(withVectors.all.f1).toBeGreaterThan(lexical.all.f1);
    expect(withVectors.topics).toBeLessThan(lexical.topics);
    for (const label of withVectors.labels) expect(label).not.toContain(' · ');
  });

  it('continues identically after a snapshot round-trip, word vectors included', () => {
    const posts = labelledCorpus({ size: 600, seed: 9 });
    const a = createTopicClusterer({ vectors });
    const input = (p: (typeof posts)[number]) => ({
      id: p.id,
      text: p.text,
      lang: p.lang,
      brands: [p.brand],
      created_at: p.created_at,
    });
    for (const p of posts.slice(0, 300)) a.assign(input(p));
    const b = createTopicClusterer(
      { vectors },
      JSON.parse(JSON.stringify(a.snapshot())) as unknown,
    );
    for (const p of posts.slice(300)) expect(b.assign(input(p))).toEqual(a.assign(input(p)));
    expect(b.topics('Acme')).toEqual(a.topics('Acme'));
  });
});
