import { describe, expect, it } from 'vitest';
import { loadEnrichers } from '../../cli/roles/index.ts';
import { DEMO_CONFIG_PATH } from '../../cli/settings.ts';
import { MentionSchema } from '../../core/contracts/mention.ts';
import { loadEarshotConfig } from '../../core/workspace-config.ts';
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
