import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EnrichedMention } from '../../core/contracts/mention.ts';
import { mulberry32 } from '../../core/random.ts';
import { migrate, MIGRATIONS_DIR } from '../../store/migrate.ts';
import type { Store } from '../../store/port.ts';
import { brandHealth } from '../../store/queries/brand-health.ts';
import { compareBrands } from '../../store/queries/compare.ts';
import { brandTopics } from '../../store/queries/topics.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { emptyStore, storeThroughSink } from '../support/store.ts';

/**
 * Every read path of the analytics queries against an oracle computed here in plain code from
 * the same fixtures: the hourly rollup, the 15-minute rollup and raw rows for the sums; daily,
 * hourly and quarter-hour author sketches and raw rows for distinct authors (exact at this
 * size); the topic rollups with and without the source × language split. Half the data is
 * stored before migration 0005 exists (so its backfill is tested), half after (its views).
 */
const services = inject('services');
const WS = 'paths-ws';
const SOURCES = ['bluesky', 'mastodon', 'rss'];
const LANGS = ['en', 'de', 'fr'];
const LABELS = ['pos', 'neu', 'neg', 'unscored'] as const;
const START = Date.parse('2026-11-16T00:00:00Z');
const END = Date.parse('2026-11-20T06:00:00Z');

const random = mulberry32(20261121);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const FIXTURES: EnrichedMention[] = Array.from({ length: 900 }, (_, i) => {
  const brand = random() < 0.65 ? 'acme' : 'globex';
  const author = random() < 0.1 ? null : `author-${Math.floor(random() * 60)}`;
  const label = pick(LABELS);
  const topic = pick(['t-camera', 't-battery', 't-price', 't-outage']);
  return anEnrichedMention({
    id: `path:${i}`,
    source: pick(SOURCES),
    lang: pick(LANGS),
    created_at: new Date(START + Math.floor(random() * (END - START))).toISOString(),
    author: {
      id: author,
      handle: author,
      display_name: null,
      followers: random() < 0.2 ? null : Math.floor(random() * 1000),
    },
    engagement: {
      likes: Math.floor(random() * 9),
      reposts: Math.floor(random() * 4),
      replies: Math.floor(random() * 3),
      views: null,
    },
    sentiment: {
      label,
      score: { pos: 0.6, neu: 0, neg: -0.6, unscored: 0 }[label],
      confidence: 0.8,
      explanation: [],
      model: { name: 'test', version: '1' },
    },
    brands: [{ workspace: WS, brand, query_id: `${brand}:q`, terms: [brand] }],
    topics: [{ id: topic, label: topic.slice(2) }],
  });
});

let store: Store;

/**
 * Late engagement: refreshed copies of about a third of the mentions, with more likes and
 * replies (some reposts fewer: ignored, engagement only grows), seen by the sink in two rounds,
 * one batch of them redelivered as it was and part of it again in another batching.
 */
function refreshes(round: number): EnrichedMention[] {
  return FIXTURES.filter((_, i) => i % 3 === round).map((m) => ({
    ...m,
    fetched_at: new Date(Date.parse(m.created_at) + (round + 1) * 3_600_000).toISOString(),
    engagement: {
      likes: m.engagement.likes + Math.floor(random() * 20),
      reposts: random() < 0.2 ? 0 : m.engagement.reposts + 1,
      replies: m.engagement.replies + (random() < 0.5 ? 2 : 0),
      views: null,
    },
  }));
}

beforeAll(async () => {
  store = await emptyStore(services);
  // Every migration but 0005 (and 0011 and 0017, which build on it), then half the data, then
  // those (0005's backfill), then the other half.
  const before = mkdtempSync(join(tmpdir(), 'earshot-migrations-'));
  for (const f of readdirSync(MIGRATIONS_DIR).filter(
    (f) => !f.startsWith('0005_') && !f.startsWith('0011_') && !f.startsWith('0017_'),
  ))
    cpSync(join(MIGRATIONS_DIR, f), join(before, f));
  await migrate(store, undefined, before);
  await storeThroughSink(store, FIXTURES.slice(0, 450), 0);
  expect(await migrate(store)).toEqual([
    '0005_query_rollups',
    '0011_engagement_updates',
    '0017_mention_actions',
  ]);
  await storeThroughSink(store, FIXTURES.slice(450), 450);

  const first = refreshes(0);
  await storeThroughSink(store, first.slice(0, 200), 1000);
  await storeThroughSink(store, first.slice(0, 200), 1000); // redelivered as it was
  await storeThroughSink(store, first.slice(100), 1100); // and re-batched
  const second = refreshes(0).slice(0, 150).concat(refreshes(1));
  await storeThroughSink(store, second, 2000);
  // The oracle: each mention's highest engagement seen.
  const byId = new Map(FIXTURES.map((m) => [m.id, m]));
  for (const r of [...first, ...second]) {
    const m = byId.get(r.id)!;
    m.engagement = {
      likes: Math.max(m.engagement.likes, r.engagement.likes),
      reposts: Math.max(m.engagement.reposts, r.engagement.reposts),
      replies: Math.max(m.engagement.replies, r.engagement.replies),
      views: null,
    };
  }
});

afterAll(async () => {
  await store?.close();
});

interface Filter {
  source?: string;
  lang?: string;
  sentiment?: 'neg';
}

function within(brand: string, from: number, to: number, f: Filter = {}) {
  return FIXTURES.filter((m) => {
    const t = Date.parse(m.created_at);
    return (
      m.brands[0]!.brand === brand &&
      t >= from &&
      t < to &&
      (f.source === undefined || m.source === f.source) &&
      (f.lang === undefined || m.lang === f.lang)
    );
  });
}

function expectedTotals(ms: EnrichedMention[]) {
  const count = (l: string) => ms.filter((m) => m.sentiment.label === l).length;
  const sum = (k: 'likes' | 'reposts' | 'replies') => ms.reduce((s, m) => s + m.engagement[k], 0);
  return {
    volume: ms.length,
    positive: count('pos'),
    neutral: count('neu'),
    negative: count('neg'),
    unscored: count('unscored'),
    engagement: sum('likes') + sum('reposts') + sum('replies'),
    reach_estimate: ms.reduce((s, m) => s + (m.author.followers ?? 0), 0),
    unique_authors: new Set(ms.map((m) => m.author.id).filter((a) => a !== null)).size,
  };
}

const iso = (s: string) => Date.parse(s);

// [name, from, to, interval (s), filter]: which path each takes is in the name. Ranges start
// on the interval grid, as the API snaps them (brandHealth's contract).
const CASES: Array<[string, number, number, number, Filter]> = [
  [
    'hour rollup, authors from one daily sketch',
    iso('2026-11-19T00:00Z'),
    iso('2026-11-20T00:00Z'),
    3600,
    {},
  ],
  ['hour rollup, 6 h buckets', iso('2026-11-18T00:00Z'), iso('2026-11-20T00:00Z'), 21_600, {}],
  [
    'quarter-hour rollup, authors from quarter + hour + day sketches',
    iso('2026-11-18T20:45Z'),
    iso('2026-11-20T00:15Z'),
    900,
    {},
  ],
  [
    'hour-aligned range in 30 min buckets (quarter-hour rollup)',
    iso('2026-11-19T10:00Z'),
    iso('2026-11-19T16:00Z'),
    1800,
    {},
  ],
  [
    'raw rows (5 min buckets, range off the quarter grid)',
    iso('2026-11-19T10:05Z'),
    iso('2026-11-19T14:05Z'),
    300,
    {},
  ],
  [
    'hour rollup filtered by source',
    iso('2026-11-19T00:00Z'),
    iso('2026-11-20T00:00Z'),
    3600,
    { source: 'rss' },
  ],
  [
    'quarter-hour rollup filtered by language',
    iso('2026-11-19T07:15Z'),
    iso('2026-11-19T19:15Z'),
    900,
    { lang: 'de' },
  ],
  [
    'raw rows filtered by source and language',
    iso('2026-11-18T07:10Z'),
    iso('2026-11-19T19:10Z'),
    600,
    { source: 'bluesky', lang: 'en' },
  ],
];

describe('analytics read paths agree with an oracle computed from the fixtures', () => {
  it.each(CASES)('health: %s', async (_, from, to, interval, filter) => {
    const health = await brandHealth(store, {
      workspace: WS,
      brand: 'acme',
      from: new Date(from),
      to: new Date(to),
      intervalSeconds: interval,
      ...filter,
    });
    const current = within('acme', from, to, filter);
    const previous = within('acme', 2 * from - to, from, filter);
    expect(current.length).toBeGreaterThan(5);
    expect(previous.length).toBeGreaterThan(5);
    expect(health.totals).toMatchObject(expectedTotals(current));
    expect(health.previous).toMatchObject(expectedTotals(previous));
    const step = interval * 1000;
    expect(health.series.map((s) => [s.t, s.volume, s.negative])).toEqual(
      health.series.map((s) => {
        const inBucket = within('acme', Date.parse(s.t), Date.parse(s.t) + step, filter);
        return [s.t, inBucket.length, inBucket.filter((m) => m.sentiment.label === 'neg').length];
      }),
    );
    expect(health.series).toHaveLength((to - from) / step);
    const mix = (key: 'source' | 'lang') =>
      [...new Set(current.map((m) => m[key]))]
        .map((v) => [v, current.filter((m) => m[key] === v).length] as const)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    expect(health.mix.sources.map((s) => [s.source, s.volume])).toEqual(mix('source'));
    expect(health.mix.languages.map((s) => [s.lang, s.volume])).toEqual(mix('lang'));
  });

  it('health: a period that ends after now is compared with the same elapsed part of the last', async () => {
    // "now-24h" in hours at 23:20 is [00:00, 24:00): data only until 23:20, so the previous
    // period counts until 23:20 of its day as well: whole hours, and a third of 23:00-24:00.
    const from = iso('2026-11-19T00:00Z');
    const to = iso('2026-11-20T00:00Z');
    const now = iso('2026-11-19T23:20Z');
    const health = await brandHealth(store, {
      workspace: WS,
      brand: 'acme',
      from: new Date(from),
      to: new Date(to),
      intervalSeconds: 3600,
      now: new Date(now),
    });
    const cutHour = from - 3_600_000;
    const whole = expectedTotals(within('acme', 2 * from - to, cutHour));
    const last = within('acme', cutHour, from);
    expect(last.length).toBeGreaterThan(2);
    const third = (ms: EnrichedMention[], f: (m: EnrichedMention) => number) =>
      Math.round(ms.reduce((s, m) => s + f(m), 0) / 3);
    const label = (l: string) => third(last, (m) => (m.sentiment.label === l ? 1 : 0));
    const parts = { positive: label('pos'), neutral: label('neu'), negative: label('neg') };
    const volume = parts.positive + parts.neutral + parts.negative + label('unscored');
    expect(health.previous).toMatchObject({
      volume: whole.volume + volume,
      positive: whole.positive + parts.positive,
      neutral: whole.neutral + parts.neutral,
      negative: whole.negative + parts.negative,
      engagement:
        whole.engagement +
        third(last, (m) => m.engagement.likes) +
        third(last, (m) => m.engagement.reposts) +
        third(last, (m) => m.engagement.replies),
      reach_estimate: whole.reach_estimate + third(last, (m) => m.author.followers ?? 0),
    });
    // Distinct authors cannot be prorated: over a day, they are counted up to the nearest hour.
    const authorsCut = iso('2026-11-18T23:00Z');
    const authorsBefore = expectedTotals(within('acme', 2 * from - to, authorsCut)).unique_authors;
    const authorsAll = expectedTotals(within('acme', 2 * from - to, from)).unique_authors;
    expect(authorsBefore).toBeLessThan(authorsAll);
    expect(health.previous.unique_authors).toBe(authorsBefore);
    expect(health.totals).toMatchObject(expectedTotals(within('acme', from, to)));
  });

  it.each([
    ['rollup', iso('2026-11-19T00:00Z'), iso('2026-11-20T00:00Z')],
    ['raw rows', iso('2026-11-19T00:10Z'), iso('2026-11-20T00:10Z')],
  ])(
    'topics (%s): a period that ends after now trends against the same elapsed part',
    async (kind, from, to) => {
      // Asked 4 h 40 min before the range ends (an explicit `to` in the future): the previous
      // period counts until 19:20 of its day, whole hours from the rollup, 20 min from raw rows.
      const now = to - 280 * 60_000;
      const topics = await brandTopics(
        store,
        { workspace: WS, brand: 'acme', from: new Date(from), to: new Date(to) },
        { limit: 10, minVolume: 1, now: new Date(now) },
      );
      const cut = from - (to - now);
      expect(within('acme', cut, from).length).toBeGreaterThan(0);
      expect(topics.trending.length).toBeGreaterThan(2);
      const count = (a: number, b: number, id: string) =>
        within('acme', a, b).filter((m) => m.topics[0]!.id === id).length;
      for (const t of topics.trending) {
        // Raw rows count exactly up to the cut; the hourly rollup prorates the cut's hour.
        const cutHour = Math.floor(cut / 3_600_000) * 3_600_000;
        const expected =
          kind === 'raw rows'
            ? count(2 * from - to, cut, t.id)
            : count(2 * from - to, cutHour, t.id) +
              Math.round((count(cutHour, cutHour + 3_600_000, t.id) * (cut - cutHour)) / 3_600_000);
        expect(t.previous_volume, t.id).toBe(expected);
      }
    },
  );

  it.each(CASES.filter(([, , , , f]) => f.source === undefined && f.lang === undefined))(
    'compare: %s',
    async (_, from, to, interval) => {
      const result = await compareBrands(store, {
        workspace: WS,
        brands: [
          { id: 'acme', name: 'ACME' },
          { id: 'globex', name: 'Globex' },
        ],
        from: new Date(from),
        to: new Date(to),
        intervalSeconds: interval,
      });
      const acme = within('acme', from, to).length;
      const globex = within('globex', from, to).length;
      expect(result.brands.map((b) => b.volume)).toEqual([acme, globex]);
      expect(result.series.reduce((s, b) => s + b.volumes.acme!, 0)).toBe(acme);
      expect(result.series.reduce((s, b) => s + b.volumes.globex!, 0)).toBe(globex);
    },
  );

  it.each([
    ['unfiltered topic rollup', iso('2026-11-19T00:00Z'), iso('2026-11-20T00:00Z'), {}],
    [
      'split topic rollup (filtered)',
      iso('2026-11-19T00:00Z'),
      iso('2026-11-20T00:00Z'),
      { lang: 'fr' },
    ],
    ['raw rows (off the hour grid)', iso('2026-11-19T02:30Z'), iso('2026-11-19T20:30Z'), {}],
    [
      'raw rows (sentiment filter)',
      iso('2026-11-18T00:00Z'),
      iso('2026-11-20T00:00Z'),
      { sentiment: 'neg' },
    ],
  ] as Array<[string, number, number, Filter]>)('topics: %s', async (_, from, to, filter) => {
    const topics = await brandTopics(
      store,
      { workspace: WS, brand: 'acme', from: new Date(from), to: new Date(to), ...filter },
      { limit: 10, minVolume: 1 },
    );
    const of = (a: number, b: number) =>
      within('acme', a, b, filter).filter(
        (m) => filter.sentiment === undefined || m.sentiment.label === filter.sentiment,
      );
    const count = (ms: EnrichedMention[], id: string) =>
      ms.filter((m) => m.topics[0]!.id === id).length;
    const current = of(from, to);
    const previous = of(2 * from - to, from);
    const ids = [...new Set(current.map((m) => m.topics[0]!.id))];
    expect(topics.top.map((t) => [t.id, t.volume])).toEqual(
      ids
        .map((id) => [id, count(current, id)] as const)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    );
    for (const t of topics.trending) expect(t.previous_volume).toBe(count(previous, t.id));
    // Each topic names the languages of its mentions in the period, most mentions first.
    const langsOf = (id: string) => {
      const n = new Map<string, number>();
      for (const m of current) if (m.topics[0]!.id === id) n.set(m.lang, (n.get(m.lang) ?? 0) + 1);
      return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([l]) => l);
    };
    for (const t of [...topics.top, ...topics.trending]) expect(t.langs).toEqual(langsOf(t.id));
    expect(topics.top.some((t) => t.langs.length > 1)).toBe(filter.lang === undefined);
  });
});
