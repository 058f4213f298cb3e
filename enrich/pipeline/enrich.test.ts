import { describe, expect, it } from 'vitest';
import { loadEnrichers } from '../../cli/roles/index.ts';
import { DEMO_CONFIG_PATH } from '../../cli/settings.ts';
import { MentionSchema } from '../../core/contracts/mention.ts';
import { loadEarshotConfig, parseEarshotConfig } from '../../core/workspace-config.ts';
import { enrichMention } from './enrich.ts';

describe('enrichMention: a refresh (the same mention re-read for its engagement)', () => {
  it('is scored and matched again but stays out of the topic clusters', () => {
    const enrichers = loadEnrichers(loadEarshotConfig(DEMO_CONFIG_PATH));
    const post = MentionSchema.parse({
      id: 'reddit:t3_refresh',
      source: 'reddit',
      text: 'The Nimbus battery dies after two hours, really disappointed with the battery life',
      created_at: '2026-11-20T10:00:00Z',
      engagement: { likes: 1 },
    });
    const first = enrichMention(post, enrichers);
    expect(first.topics.length).toBeGreaterThan(0);
    const before = JSON.stringify(enrichers.topics!.snapshot());

    const again = enrichMention(
      { ...post, refresh: true, engagement: { ...post.engagement, likes: 40 } },
      enrichers,
    );
    expect(JSON.stringify(enrichers.topics!.snapshot())).toBe(before);
    expect(again).toMatchObject({
      refresh: true,
      engagement: { likes: 40 },
      lang: first.lang,
      sentiment: { label: first.sentiment.label },
      brands: first.brands,
      topics: [],
      dup_group: first.dup_group,
    });
    // Without the flag, the clusterer would have counted the post a second time.
    enrichMention(post, enrichers);
    expect(JSON.stringify(enrichers.topics!.snapshot())).not.toBe(before);
  });
});

describe('enrichMention: a sentiment the mention came with (an import from another tool)', () => {
  const enrichers = loadEnrichers(loadEarshotConfig(DEMO_CONFIG_PATH));
  const praise = {
    id: 'csv:given-1',
    source: 'csv',
    text: 'I love the Nimbus camera, absolutely wonderful, best phone ever',
    created_at: '2026-11-20T10:00:00Z',
  };

  it('keeps the given label, marked "given", even where the model reads the opposite', () => {
    const model = enrichMention(MentionSchema.parse(praise), enrichers);
    expect(model.sentiment.label).toBe('pos');
    const given = enrichMention(MentionSchema.parse({ ...praise, sentiment: 'neg' }), enrichers);
    expect(given.sentiment).toEqual({
      label: 'neg',
      score: -1,
      confidence: 1,
      explanation: [],
      model: { name: 'given', version: '' },
    });
    // The rest of enrichment runs as for any mention.
    expect(given.brands).toEqual(model.brands);
    expect(given.lang).toBe(model.lang);
  });

  it('never calls a scorer for a given label, whatever the tier', () => {
    let calls = 0;
    const counting = {
      ...enrichers,
      sentiment: {
        ...enrichers.sentiment,
        score: (...args: Parameters<typeof enrichers.sentiment.score>) => {
          calls++;
          return enrichers.sentiment.score(...args);
        },
      },
    };
    enrichMention(
      MentionSchema.parse({ ...praise, id: 'csv:given-2', sentiment: 'neu' }),
      counting,
    );
    expect(calls).toBe(0);
    enrichMention(MentionSchema.parse({ ...praise, id: 'csv:given-3' }), counting);
    expect(calls).toBe(1);
  });

  it('refuses a label that is not pos, neu or neg (a dead letter naming it)', () => {
    const bad = MentionSchema.safeParse({ ...praise, sentiment: 'positive' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('sentiment must be one of pos, neu, neg');
  });
});

describe('enrichMention: the enriched message', () => {
  it('keeps its bytes: the mention’s keys in order, then the enrichment’s, brands as before', () => {
    const config = parseEarshotConfig(`
workspaces:
  - id: acme-ws
    name: ACME
    brands:
      - id: acme
        name: Acme
        query: '"acme"'
        owned:
          bluesky: [acme.bsky.social]
`);
    const enrichers = { ...loadEnrichers(config), now: () => new Date('2026-12-01T00:00:00Z') };
    const post = MentionSchema.parse({
      id: 'bluesky:1',
      source: 'bluesky',
      text: 'Acme support answered in five minutes #fast',
      created_at: '2026-11-20T10:00:00Z',
      author: { handle: 'someone.bsky.social' },
      parent_author: { handle: 'acme.bsky.social' },
      sentiment: 'pos',
      refresh: false,
    });
    const out = enrichMention(post, enrichers);
    expect(Object.keys(out)).toEqual([
      ...Object.keys(post),
      'lang_confidence',
      'lang_declared',
      'emotion',
      'brands',
      'topics',
      'keywords',
      'hashtags',
      'dup_group',
      'spam',
      'enriched_at',
    ]);
    expect(Object.keys(post)).toContain('sentiment'); // a given label keeps its place
    expect(JSON.stringify(out.brands)).toBe(
      `[{"workspace":"acme-ws","brand":"acme","query_id":"${out.brands[0]!.query_id}","terms":["Acme"],"owned":true}]`,
    );
    expect(out.sentiment.model.name).toBe('given');
    expect(out.enriched_at).toBe('2026-12-01T00:00:00.000Z');
    const plain = enrichMention({ ...post, id: 'bluesky:2', parent_author: undefined }, enrichers);
    expect(JSON.stringify(plain.brands[0])).not.toContain('owned');
  });

  it('is the same bytes whether built as one literal (plain keys) or key by key (any other)', () => {
    const fresh = () => ({
      ...loadEnrichers(loadEarshotConfig(DEMO_CONFIG_PATH)),
      now: () => new Date('2026-12-01T00:00:00Z'),
    });
    const post = MentionSchema.parse({
      id: 'reddit:t3_plain',
      source: 'reddit',
      url: 'https://reddit.com/r/x/1',
      text: 'The Nimbus battery dies after two hours #nimbus @someone',
      title: 'Battery',
      lang: 'en',
      created_at: '2026-11-20T10:00:00Z',
      author: { handle: 'someone' },
      engagement: { likes: 3 },
    });
    // The plain form: every key of the contract without an optional one, in its order.
    expect(Object.keys(post)).toEqual([
      'id',
      'source',
      'url',
      'author',
      'text',
      'title',
      'lang',
      'created_at',
      'fetched_at',
      'engagement',
      'parent_id',
      'synthetic',
    ]);
    const literal = enrichMention(post, fresh());
    // An extra key (undefined: JSON leaves it out) sends the same mention the other way.
    const assigned = enrichMention({ ...post, workspace: undefined }, fresh());
    expect(JSON.stringify(literal)).toBe(JSON.stringify(assigned));
    expect(Object.keys(literal)).toEqual(Object.keys(assigned).filter((k) => k !== 'workspace'));
    expect(literal.brands.length).toBeGreaterThan(0);
    expect(literal.lang).toBe('en');
  });
});
