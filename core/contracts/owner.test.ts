import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnrichedMentionSchema, MentionSchema } from './mention.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/**
 * The owner of a workspace's own mention (`workspace`) and the brand of a topic (`brand`) are
 * optional additions to the v1 topics: messages without them keep their meaning.
 */
describe('Mention contract: owner workspace and topic brand (backward compatible)', () => {
  it('keeps v1 messages without them unchanged', () => {
    const m = MentionSchema.parse(fixture('mention.v1.json'));
    expect(m.workspace).toBeUndefined();
    const e = EnrichedMentionSchema.parse(fixture('enriched-mention.v1.json'));
    expect(e.topics.every((t) => t.brand === undefined)).toBe(true);
  });

  it('carries them when set, and a workspace must be a workspace id', () => {
    const owned = { ...fixture('mention.v1.json'), workspace: 'acme-ws' };
    expect(MentionSchema.parse(owned)).toEqual(owned);
    const bad = MentionSchema.safeParse({ ...owned, workspace: 'Acme WS' });
    expect(bad.error?.issues.map((i) => i.path[0])).toEqual(['workspace']);
    const enriched = fixture('enriched-mention.v1.json');
    const topics = [{ id: 'tp-1', label: 'battery', brand: 'acme-ws/acme' }];
    expect(EnrichedMentionSchema.parse({ ...enriched, topics }).topics).toEqual(topics);
  });
});
