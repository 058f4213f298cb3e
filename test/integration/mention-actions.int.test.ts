import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultRules, parseAlertsConfig } from '../../alerts/config.ts';
import { loadRuleSeries } from '../../alerts/evaluator.ts';
import type { EnrichedMention } from '../../core/contracts/mention.ts';
import { parseEarshotConfig } from '../../core/workspace-config.ts';
import type { Store } from '../../store/port.ts';
import { brandHealth } from '../../store/queries/brand-health.ts';
import { compareBrands } from '../../store/queries/compare.ts';
import { CORRECTIONS_SQL, correctionRecords } from '../../store/queries/corrections.ts';
import { applyMentionPatch } from '../../store/queries/mention-actions.ts';
import { mentionFeed, topAuthors } from '../../store/queries/mentions.ts';
import { listMutes, setMute } from '../../store/queries/mutes.ts';
import { brandTopics } from '../../store/queries/topics.ts';
import { anEnrichedMention } from '../support/builders.ts';
import { freshStore, storeThroughSink } from '../support/store.ts';

/**
 * Corrections, hides and mutes on a real store: every number (brand health on the hourly,
 * 15-minute and raw-row paths, the comparison, topics, top authors, the feed and the alert
 * detector's minute series) moves a corrected mention from one class to another exactly once,
 * also when it is corrected twice or reverted, and leaves hidden and muted mentions out.
 */
const services = inject('services');
let store: Store;
const WS = 'demo';
const T = Date.parse('2026-11-20T10:00:00Z');
const actor = { keyId: 'k1', keyName: 'analyst' };
const at = (minute: number) => new Date(T + minute * 60_000);

type Label = 'pos' | 'neu' | 'neg';
/** 12 aurora mentions (4 per class, one topic, authors a0..a3) and 4 of nimbus. */
const seed: Array<{ id: string; brand: string; label: Label; minute: number; author: string }> = [];
for (let i = 0; i < 12; i++)
  seed.push({
    id: `test:a${i}`,
    brand: 'aurora',
    label: (['pos', 'neu', 'neg'] as const)[i % 3]!,
    minute: 5 + i * 9,
    author: `a${i % 4}`,
  });
for (let i = 0; i < 4; i++)
  seed.push({ id: `test:n${i}`, brand: 'nimbus', label: 'neg', minute: 7 + i * 20, author: 'n' });

const mention = (s: (typeof seed)[number]): EnrichedMention =>
  anEnrichedMention({
    id: s.id,
    source: 'test',
    url: `https://${s.author === 'a3' ? 'www.noisy.example' : 'news.example'}/${s.id}`,
    text: `${s.brand} battery ${s.id}`,
    created_at: at(s.minute).toISOString(),
    author: { id: s.author, handle: s.author, display_name: null, followers: 100 },
    engagement: { likes: 2, reposts: 1, replies: 0, views: null },
    sentiment: {
      label: s.label,
      score: s.label === 'pos' ? 0.5 : s.label === 'neg' ? -0.5 : 0,
      confidence: 0.9,
      explanation: [],
      model: { name: 'test', version: '1' },
    },
    brands: [{ workspace: WS, brand: s.brand, query_id: `${s.brand}:q`, terms: [s.brand] }],
    topics: [{ id: `tp-${s.brand}`, label: 'battery', brand: `${WS}/${s.brand}` }],
  });

/** What every path must show for aurora: the seed with these labels, minus what is out. */
function oracle(labels: Map<string, Label>, out: Set<string>) {
  const rows = seed.filter((s) => s.brand === 'aurora' && !out.has(s.id));
  const count = (l: Label) => rows.filter((s) => (labels.get(s.id) ?? s.label) === l).length;
  return { volume: rows.length, pos: count('pos'), neu: count('neu'), neg: count('neg') };
}

const config = parseEarshotConfig(`
workspaces:
  - id: demo
    name: Demo
    brands:
      - { id: aurora, name: Aurora, query: aurora, competitors: [nimbus] }
      - { id: nimbus, name: Nimbus, query: nimbus }
`);

/** Aurora's numbers on every path that serves them. */
async function everyPath() {
  const hourly = await brandHealth(store, {
    workspace: WS,
    brand: 'aurora',
    from: new Date(T),
    to: new Date(T + 2 * 3_600_000),
    intervalSeconds: 3600,
  });
  const quarter = await brandHealth(store, {
    workspace: WS,
    brand: 'aurora',
    from: new Date(T),
    to: new Date(T + 2 * 3_600_000),
    intervalSeconds: 900,
  });
  // Off the quarter-hour grid (5-minute buckets from 10:05): the raw rows, with the adjustments.
  const raw = await brandHealth(store, {
    workspace: WS,
    brand: 'aurora',
    from: new Date(T + 5 * 60_000),
    to: new Date(T + 2 * 3_600_000 - 5 * 60_000),
    intervalSeconds: 300,
  });
  const compare = await compareBrands(store, {
    workspace: WS,
    brands: [
      { id: 'aurora', name: 'Aurora' },
      { id: 'nimbus', name: 'Nimbus' },
    ],
    from: new Date(T),
    to: new Date(T + 2 * 3_600_000),
    intervalSeconds: 3600,
  });
  const filters = {
    workspace: WS,
    brand: 'aurora',
    from: new Date(T),
    to: new Date(T + 7_200_000),
  };
  const topics = await brandTopics(store, filters, { limit: 10, minVolume: 1 });
  const rawTopics = await brandTopics(
    store,
    { ...filters, q: 'battery' },
    { limit: 10, minVolume: 1 },
  );
  const feed = async (sentiment?: Label) =>
    (await mentionFeed(store, { ...filters, sentiment }, { limit: 200, cursor: null })).mentions;
  const alerts = parseAlertsConfig(config);
  const rule = defaultRules(config, alerts, []).find((r) => r.brand === 'aurora')!;
  const series = await loadRuleSeries(store, config, rule, T, T + 2 * 3_600_000);
  const minutes = series.sum(T, T + 2 * 3_600_000);
  const classes = (h: Awaited<ReturnType<typeof brandHealth>>) => ({
    volume: h.series.reduce((s, b) => s + b.volume, 0),
    pos: h.series.reduce((s, b) => s + b.positive, 0),
    neu: h.series.reduce((s, b) => s + b.neutral, 0),
    neg: h.series.reduce((s, b) => s + b.negative, 0),
  });
  const aurora = compare.brands.find((b) => b.brand === 'aurora')!;
  return {
    hourly: classes(hourly),
    quarter: classes(quarter),
    raw: classes(raw),
    compareVolume: aurora.volume,
    compareNegShare: aurora.negative_share.value,
    topic: topics.top.find((x) => x.id === 'tp-aurora'),
    rawTopic: rawTopics.top.find((x) => x.id === 'tp-aurora'),
    feed: {
      all: (await feed()).length,
      pos: (await feed('pos')).length,
      neu: (await feed('neu')).length,
      neg: (await feed('neg')).length,
    },
    alert: { volume: minutes.total, pos: minutes.pos, neu: minutes.neu, neg: minutes.neg },
  };
}

async function expectEveryPath(labels: Map<string, Label>, out = new Set<string>()) {
  const want = oracle(labels, out);
  const got = await everyPath();
  for (const path of ['hourly', 'quarter', 'raw', 'alert'] as const)
    expect(got[path], path).toEqual(want);
  expect(got.compareVolume).toBe(want.volume);
  expect(got.compareNegShare).toBeCloseTo(want.neg / want.volume, 4);
  for (const topic of [got.topic, got.rawTopic]) {
    expect(topic?.volume).toBe(want.volume);
    expect(topic?.negative_share).toBeCloseTo(want.neg / want.volume, 4);
  }
  expect(got.feed).toEqual({ all: want.volume, pos: want.pos, neu: want.neu, neg: want.neg });
}

beforeAll(async () => {
  store = await freshStore(services);
  await storeThroughSink(store, seed.map(mention), 0);
});
afterAll(async () => {
  await store?.close();
});

describe('sentiment corrections count in every number, once', () => {
  const labels = new Map<string, Label>();

  it('before any action, every path shows the model labels', async () => {
    await expectEveryPath(labels);
  });

  it('a correction moves the mention to its new class on every path and in the alert series', async () => {
    const actions = await applyMentionPatch(
      store,
      WS,
      'test:a0',
      { sentiment: 'neg' },
      actor,
      at(200),
    );
    expect(actions?.corrected).toMatchObject({
      label: 'neg',
      original_label: 'pos',
      by: 'analyst (k1)',
    });
    labels.set('test:a0', 'neg');
    await expectEveryPath(labels);
    const [m] = (
      await mentionFeed(
        store,
        {
          workspace: WS,
          brand: 'aurora',
          from: new Date(T),
          to: new Date(T + 7_200_000),
          q: 'test:a0',
        },
        { limit: 5, cursor: null },
      )
    ).mentions;
    expect(m?.sentiment.label).toBe('neg');
    expect(m?.actions.corrected?.original_label).toBe('pos');
  });

  it('corrected twice: it leaves the second class, not the model one', async () => {
    await applyMentionPatch(store, WS, 'test:a0', { sentiment: 'neu' }, actor, at(201));
    labels.set('test:a0', 'neu');
    await expectEveryPath(labels);
    // The same correction again changes nothing.
    await applyMentionPatch(store, WS, 'test:a0', { sentiment: 'neu' }, actor, at(202));
    await expectEveryPath(labels);
  });

  it('reverted: back to the model label, and no correction shows', async () => {
    await applyMentionPatch(store, WS, 'test:a0', { sentiment: null }, actor, at(203));
    labels.delete('test:a0');
    await expectEveryPath(labels);
    await applyMentionPatch(store, WS, 'test:a1', { sentiment: 'pos' }, actor, at(204));
    // Correcting to the model's own label is a revert as well.
    await applyMentionPatch(store, WS, 'test:a1', { sentiment: 'neu' }, actor, at(205));
    await expectEveryPath(labels);
    const [row] = await store.query<{ n: number }>(
      "SELECT count() AS n FROM sentiment_corrections WHERE workspace = 'demo'",
    );
    // a0: neg, neu, revert; a1: pos, revert (the repeated neu stored nothing).
    expect(Number(row!.n)).toBe(5);
  });

  it('a mention of another workspace cannot be corrected (null → 404)', async () => {
    expect(
      await applyMentionPatch(store, 'other', 'test:a2', { sentiment: 'pos' }, actor, at(206)),
    ).toBeNull();
    expect(
      await applyMentionPatch(store, WS, 'test:nope', { sentiment: 'pos' }, actor, at(206)),
    ).toBeNull();
    await expectEveryPath(labels);
  });
});

describe('hide and mute leave every number, reversibly', () => {
  const labels = new Map<string, Label>([['test:a4', 'pos']]);

  it('a hidden corrected mention leaves every number; unhidden it comes back corrected', async () => {
    await applyMentionPatch(store, WS, 'test:a4', { sentiment: 'pos' }, actor, at(210));
    await applyMentionPatch(store, WS, 'test:a4', { hidden: true }, actor, at(211));
    await expectEveryPath(labels, new Set(['test:a4']));
    const hidden = await mentionFeed(
      store,
      {
        workspace: WS,
        brand: 'aurora',
        from: new Date(T),
        to: new Date(T + 7_200_000),
        hidden: true,
      },
      { limit: 10, cursor: null },
    );
    expect(hidden.mentions.map((m) => m.id)).toEqual(['test:a4']);
    await applyMentionPatch(store, WS, 'test:a4', { hidden: false }, actor, at(212));
    await expectEveryPath(labels);
  });

  it('a muted author and a muted domain leave every number, new mentions too; unmuted they come back', async () => {
    await setMute(
      store,
      WS,
      { kind: 'author', value: 'test/a1', label: 'a1', muted: true },
      actor,
      at(220),
    );
    const a1 = new Set(seed.filter((s) => s.author === 'a1').map((s) => s.id));
    await expectEveryPath(labels, a1);
    // The domain of a3's posts, named with its "www.".
    await setMute(
      store,
      WS,
      { kind: 'domain', value: 'noisy.example', label: 'noisy.example', muted: true },
      actor,
      at(221),
    );
    const a3 = seed.filter((s) => s.author === 'a3').map((s) => s.id);
    await expectEveryPath(labels, new Set([...a1, ...a3]));
    expect((await listMutes(store, WS)).map((m) => m.value).sort()).toEqual([
      'noisy.example',
      'test/a1',
    ]);
    // A new mention of the muted author, stored by the sink, is left out at once.
    const late = {
      id: 'test:a-late',
      brand: 'aurora',
      label: 'neg' as const,
      minute: 100,
      author: 'a1',
    };
    seed.push(late);
    await storeThroughSink(store, [mention(late)], 100);
    a1.add(late.id);
    await expectEveryPath(labels, new Set([...a1, ...a3]));
    // Hidden while muted, then unmuted: still out (hidden); unhidden: back.
    await applyMentionPatch(store, WS, 'test:a5', { hidden: true }, actor, at(222));
    await setMute(
      store,
      WS,
      { kind: 'author', value: 'test/a1', label: 'a1', muted: false },
      actor,
      at(223),
    );
    await expectEveryPath(labels, new Set([...a3, 'test:a5']));
    await applyMentionPatch(store, WS, 'test:a5', { hidden: false }, actor, at(224));
    await setMute(
      store,
      WS,
      { kind: 'domain', value: 'noisy.example', label: '', muted: false },
      actor,
      at(225),
    );
    await expectEveryPath(labels);
    expect(await listMutes(store, WS)).toEqual([]);
  });

  it('top authors count corrected labels and leave muted authors out', async () => {
    const filters = {
      workspace: WS,
      brand: 'aurora',
      from: new Date(T),
      to: new Date(T + 7_200_000),
    };
    await setMute(
      store,
      WS,
      { kind: 'author', value: 'test/a2', label: 'a2', muted: true },
      actor,
      at(230),
    );
    const authors = await topAuthors(store, filters, 10);
    expect(authors.map((a) => a.author_id)).not.toContain('a2');
    // a0 wrote a0 (pos), a4 (neu, corrected to pos), a8 (neg)
    const a0 = authors.find((a) => a.author_id === 'a0')!;
    expect(a0.mentions).toBe(3);
    expect(a0.negative_share).toBeCloseTo(1 / 3, 4);
    const a1 = authors.find((a) => a.author_id === 'a1')!;
    // a1 (neu), a5 (neg), a9 (pos) and the late one (neg)
    expect(a1.negative_share).toBe(0.5);
    await setMute(
      store,
      WS,
      { kind: 'author', value: 'test/a2', label: 'a2', muted: false },
      actor,
      at(231),
    );
  });
});

describe('tags and bookmarks', () => {
  it('filter the feed and change no number', async () => {
    const before = await everyPath();
    await applyMentionPatch(
      store,
      WS,
      'test:a6',
      { tags: ['Follow-up', ' press '], bookmarked: true },
      actor,
      at(240),
    );
    await applyMentionPatch(store, WS, 'test:a7', { tags: ['press'] }, actor, at(241));
    const filters = {
      workspace: WS,
      brand: 'aurora',
      from: new Date(T),
      to: new Date(T + 7_200_000),
    };
    const ids = async (f: Partial<Parameters<typeof mentionFeed>[1]>) =>
      (await mentionFeed(store, { ...filters, ...f }, { limit: 50, cursor: null })).mentions
        .map((m) => m.id)
        .sort();
    expect(await ids({ tag: 'press' })).toEqual(['test:a6', 'test:a7']);
    expect(await ids({ tag: 'follow-up' })).toEqual(['test:a6']);
    expect(await ids({ bookmarked: true })).toEqual(['test:a6']);
    const [a6] = (
      await mentionFeed(store, { ...filters, tag: 'follow-up' }, { limit: 5, cursor: null })
    ).mentions;
    expect(a6?.actions).toMatchObject({
      tags: ['follow-up', 'press'],
      bookmarked: true,
      hidden: false,
    });
    expect(await everyPath()).toEqual(before);
  });
});

describe('earshot export corrections', () => {
  it('writes the corrections in force as labelled data: text, lang, label, original label and model', async () => {
    // What the command runs (read-only, so also through a running server's admin endpoint).
    const records = correctionRecords(await store.readOnlyQuery(CORRECTIONS_SQL, 'JSONEachRow'));
    // a0 and a1 were reverted; a4 stays corrected to pos.
    expect(records).toEqual([
      {
        workspace: WS,
        id: 'test:a4',
        text: 'aurora battery test:a4',
        lang: 'en',
        label: 'pos',
        original_label: 'neu',
        original_score: 0,
        model: 'test@1',
        corrected_by: 'analyst (k1)',
        corrected_at: at(210).toISOString(),
      },
    ]);
    expect(
      correctionRecords(await store.readOnlyQuery(CORRECTIONS_SQL, 'JSONEachRow'), 'other'),
    ).toEqual([]);
  });
});
