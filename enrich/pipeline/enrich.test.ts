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
