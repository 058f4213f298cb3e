import { describe, expect, it } from 'vitest';
import { MIN_CENTRE, mergeClose, newCentre, type EmbedTexts } from './embed-merge.ts';
import { createTopicClusterer, type TopicClusterer } from './index.ts';
import { absorb, newCluster, type BrandState } from './model.ts';

/**
 * The cross-language merge with a stand-in encoder: each text's embedding is a large part every
 * post shares (as real sentence embeddings of one brand's posts do) plus the direction of the
 * story it tells, found by a word of each language. The real encoder is measured by
 * `npm run eval:topics` (scripts/eval-topics.ts).
 */
const STORIES: Record<string, string[]> = {
  battery: ['battery', 'akku', 'μπαταρία', 'baterija', 'باتری'],
  camera: ['camera', 'kamera', 'κάμερα', 'fotoaparat', 'دوربین'],
  price: ['price', 'preis', 'τιμή', 'cena', 'قیمت'],
  shipping: ['shipping', 'versand', 'αποστολή', 'dostava', 'ارسال'],
  screen: ['screen', 'bildschirm', 'οθόνη', 'zaslon', 'صفحه'],
};
const NAMES = Object.keys(STORIES);
const DIMS = 16;

function fakeEmbed(calls: string[][]): EmbedTexts {
  return (texts) => {
    calls.push([...texts]);
    return Promise.resolve(
      texts.map((t) => {
        const v = new Float64Array(DIMS).fill(0.3); // the shared part
        const lower = t.toLowerCase();
        NAMES.forEach((s, i) => {
          if (STORIES[s]!.some((w) => lower.includes(w))) v[i] = v[i]! + 1;
        });
        // A text of no story: its own direction (a one-off post).
        if (NAMES.every((s) => !STORIES[s]!.some((w) => lower.includes(w))))
          v[8 + (t.length % 8)] = 1;
        let n = 0;
        for (const x of v) n += x * x;
        return v.map((x) => x / Math.sqrt(n));
      }),
    );
  };
}

const POSTS: Array<[string, string, string]> = [
  ['battery', 'en', 'Nimbus battery drains overnight after the update'],
  ['battery', 'en', 'battery dead by lunch on my Nimbus, drains so fast'],
  ['battery', 'de', 'Nimbus Akku leer über Nacht, Akku hält nicht'],
  ['battery', 'de', 'Der Akku vom Nimbus ist mittags leer'],
  ['battery', 'el', 'Η μπαταρία του Nimbus αδειάζει τη νύχτα'],
  ['camera', 'en', 'Nimbus camera app crashes in night mode'],
  ['camera', 'en', 'camera freezes on my Nimbus when zooming'],
  ['camera', 'de', 'Nimbus Kamera stürzt im Nachtmodus ab'],
  ['camera', 'de', 'Die Kamera friert beim Zoomen ein, Nimbus'],
  ['price', 'en', 'Nimbus price went up again, too expensive'],
  ['price', 'de', 'Nimbus Preis schon wieder erhöht, viel zu teuer'],
  ['shipping', 'en', 'Nimbus shipping took three weeks, parcel lost'],
  ['shipping', 'sl', 'Nimbus dostava je trajala tri tedne'],
  ['screen', 'en', 'Nimbus screen flickers at low brightness'],
  ['screen', 'fa', 'صفحه Nimbus در نور کم چشمک می‌زند'],
  ['one-off', 'en', 'Saw a Nimbus billboard downtown today'],
  ['one-off', 'de', 'Mein Opa hat jetzt auch ein Nimbus, lustig'],
];

function feed(c: TopicClusterer): string[] {
  return POSTS.map(
    ([, lang, text], i) =>
      c.assign({
        id: `p${i}`,
        text,
        lang,
        brands: ['ws/nimbus'],
        created_at: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
        exclude_terms: ['Nimbus'],
      }).topics[0]!.id,
  );
}

/** Pairs of posts of one story / of two stories put in one topic. */
function pairs(ids: string[], c: TopicClusterer) {
  const r = ids.map((id) => c.resolve(id));
  let together = 0;
  let wrong = 0;
  for (let i = 0; i < r.length; i++)
    for (let j = i + 1; j < r.length; j++) {
      if (r[i] !== r[j]) continue;
      const same = POSTS[i]![0] === POSTS[j]![0] && POSTS[i]![0] !== 'one-off';
      if (same) together++;
      else wrong++;
    }
  return { together, wrong, topics: new Set(r).size };
}

describe('cross-language merge (sentence embeddings per cluster)', () => {
  it('merges one story told in several languages into one topic and keeps unrelated posts apart', async () => {
    const c = createTopicClusterer({ embedMerge: { threshold: 0.6 } });
    const ids = feed(c);
    const before = pairs(ids, c);
    const r = await c.mergeAcrossLanguages(fakeEmbed([]));
    const after = pairs(ids, c);
    expect(r.merged).toBeGreaterThan(0);
    expect(after.together).toBeGreaterThan(before.together);
    expect(after.wrong).toBe(0);
    // Every post of the battery story (en, de, el) in one topic.
    const battery = POSTS.map((p, i) => [p, c.resolve(ids[i]!)] as const).filter(
      ([p]) => p[0] === 'battery',
    );
    expect(new Set(battery.map(([, id]) => id)).size).toBe(1);
    // The merged topic says which languages it spans; its label is a phrase, not a word list.
    const topic = c.topics('ws/nimbus').find((t) => t.id === battery[0]![1])!;
    expect(topic.langs).toEqual(expect.arrayContaining(['en', 'de', 'el']));
    expect(topic.label).not.toMatch(/·/);
  });

  it('changes nothing at a threshold no pair reaches (the merge is what groups the languages)', async () => {
    const c = createTopicClusterer({ embedMerge: { threshold: 1.01 } });
    const ids = feed(c);
    const before = pairs(ids, c);
    const r = await c.mergeAcrossLanguages(fakeEmbed([]));
    expect(r.merged).toBe(0);
    expect(pairs(ids, c)).toEqual(before);
  });

  it('leaves same-language clusters to the lexical clusterer when cross-language only', async () => {
    const c = createTopicClusterer({ embedMerge: { threshold: 0.6 } });
    const ids = feed(c);
    await c.mergeAcrossLanguages(fakeEmbed([]));
    // No merged topic is made of clusters that were all English.
    for (const t of c.topics('ws/nimbus')) {
      const members = ids.filter((id) => c.resolve(id) === t.id).length;
      if (members > 1 && t.langs.length === 1) {
        // A single-language topic of several posts is lexical: those posts share words.
        expect(t.count).toBe(members);
      }
    }
  });

  it('embeds a few texts per cluster, and only clusters that changed since the last pass', async () => {
    const calls: string[][] = [];
    const c = createTopicClusterer({ embedMerge: { threshold: 0.6 } });
    feed(c);
    const first = await c.mergeAcrossLanguages(fakeEmbed(calls));
    expect(first.texts).toBeLessThanOrEqual(3 * first.clusters);
    // A merged topic's samples now speak for both languages: it alone is embedded again.
    const second = await c.mergeAcrossLanguages(fakeEmbed(calls));
    expect(second.clusters).toBeLessThanOrEqual(first.merged);
    const third = await c.mergeAcrossLanguages(fakeEmbed(calls));
    expect(third.texts).toBe(0);
    expect(calls).toHaveLength(second.texts > 0 ? 2 : 1);
  });

  it('never embeds during assign: the fast path pays nothing per mention', () => {
    const calls: string[][] = [];
    const c = createTopicClusterer({ embedMerge: { threshold: 0.6 } });
    feed(c);
    expect(calls).toHaveLength(0);
  });

  it('skips clusters evicted while the encoder ran', async () => {
    const c = createTopicClusterer({ embedMerge: { threshold: 0.6 }, maxClustersPerBrand: 20 });
    feed(c);
    const slow: EmbedTexts = async (texts) => {
      // Meanwhile a flood of unrelated one-off posts evicts the old clusters.
      const word = (i: number, k: number) =>
        String.fromCharCode(97 + ((i * 7 + k) % 26), 97 + ((i * 3 + k * 5) % 26), 97 + (i % 26)) +
        'ql'.repeat(1 + (i % 3));
      for (let i = 0; i < 40; i++)
        c.assign({
          id: `flood${i}`,
          text: `${word(i, 1)} ${word(i, 2)} ${word(i, 3)}`,
          lang: 'en',
          brands: ['ws/nimbus'],
          created_at: '2026-11-02T00:00:00Z',
        });
      return fakeEmbed([])(texts);
    };
    const r = await c.mergeAcrossLanguages(slow);
    expect(r.clusters).toBe(0);
    expect(r.merged).toBe(0);
  });

  it('rejects an encoder that returns the wrong number of embeddings', async () => {
    const c = createTopicClusterer();
    feed(c);
    await expect(c.mergeAcrossLanguages(() => Promise.resolve([]))).rejects.toThrow(
      /0 embeddings for \d+ texts/,
    );
  });

  it('keeps the sample texts in a snapshot, and the merge works after a restart', async () => {
    const c = createTopicClusterer({ embedMerge: { threshold: 0.6 } });
    const ids = feed(c);
    const restored = createTopicClusterer(
      { embedMerge: { threshold: 0.6 } },
      JSON.parse(JSON.stringify(c.snapshot())),
    );
    const r = await restored.mergeAcrossLanguages(fakeEmbed([]));
    expect(r.merged).toBeGreaterThan(0);
    expect(pairs(ids, restored).wrong).toBe(0);
    expect(pairs(ids, restored).together).toBeGreaterThan(pairs(ids, c).together);
  });
});

describe('linkage of merged topics', () => {
  // Three clusters in three languages on a circle: A–B and B–C close (40° and 42° apart), A–C
  // far (82°). Centred on a zero mean, cosines are the embeddings' own.
  const at = (deg: number) =>
    Float64Array.from([Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180), 0, 0]);
  const brandWith = (): BrandState => {
    const mk = (id: string, lang: string, deg: number, count: number) => {
      const c = newCluster(id, 0, 0);
      c.count = count;
      c.langs = { [lang]: count };
      c.emb = at(deg);
      c.parts = [{ emb: c.emb, lang }];
      return c;
    };
    return {
      n: 9,
      freq: new Map(),
      sinceMerge: 0,
      clusters: [mk('a', 'en', 0, 3), mk('b', 'de', 40, 2), mk('c', 'es', 82, 1)],
      postings: null,
    };
  };
  const centre = () => ({ ...newCentre(), sum: new Float64Array(4), n: MIN_CENTRE });
  const run = (linkage: 'mean' | 'complete') => {
    const brand = brandWith();
    const folds: string[] = [];
    const merged = mergeClose(
      brand,
      centre(),
      { threshold: 0.38, minCount: 1, crossLanguageOnly: true, linkage },
      (keep, gone) => {
        folds.push(`${gone.id}→${keep.id}`);
        absorb(keep, gone);
        brand.clusters.splice(brand.clusters.indexOf(gone), 1);
      },
    );
    return { merged, folds };
  };

  it('mean linkage chains a third story through the merged mean', () => {
    expect(run('mean')).toEqual({ merged: 2, folds: ['b→a', 'c→a'] });
  });

  it('complete linkage merges the close pair only: every part must agree', () => {
    expect(run('complete')).toEqual({ merged: 1, folds: ['b→a'] });
  });
});

describe('a pass while assign runs', () => {
  it('embeds the texts it collected, even when a cluster gains samples while the encoder runs', async () => {
    const c = createTopicClusterer({ embedMerge: { threshold: 0.6 } });
    feed(c);
    const inner = fakeEmbed([]);
    const r = await c.mergeAcrossLanguages(async (texts) => {
      // Meanwhile new posts join existing clusters (and may become their representatives).
      POSTS.forEach(([, lang, text], i) =>
        c.assign({
          id: `again${i}`,
          text: `${text} again today`,
          lang,
          brands: ['ws/nimbus'],
          created_at: '2026-11-02T00:00:00Z',
          exclude_terms: ['Nimbus'],
        }),
      );
      return inner(texts);
    });
    expect(r.clusters).toBeGreaterThan(0);
    expect(r.merged).toBeGreaterThan(0);
  });
});
