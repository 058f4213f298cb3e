import type { EnrichedMention, Mention, MentionInput } from '../../core/contracts/mention.ts';
import { MentionSchema } from '../../core/contracts/mention.ts';

let counter = 0;

/** A valid Mention with sensible defaults; override what the test is about. */
export function aMention(overrides: Partial<MentionInput> = {}): Mention {
  counter += 1;
  return MentionSchema.parse({
    id: `test:${counter}`,
    source: 'test',
    text: 'I love the new Aurora phone, the camera is great',
    created_at: '2026-11-20T10:00:00.000Z',
    ...overrides,
  });
}

export function anEnrichedMention(overrides: Partial<EnrichedMention> = {}): EnrichedMention {
  const base = aMention();
  return {
    ...base,
    lang: 'en',
    lang_confidence: 0.99,
    lang_declared: null,
    sentiment: {
      label: 'pos',
      score: 0.6,
      confidence: 0.8,
      explanation: [],
      model: { name: 'test', version: '1' },
    },
    emotion: null,
    brands: [{ workspace: 'demo', brand: 'aurora', query_id: 'aurora:q', terms: ['Aurora'] }],
    topics: [],
    keywords: [],
    hashtags: [],
    dup_group: null,
    spam: { score: 0, reasons: [] },
    enriched_at: '2026-11-20T10:00:01.000Z',
    ...overrides,
  };
}
