import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnrichedMentionSchema, MentionSchema } from './mention.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('Mention contract (golden fixtures)', () => {
  it('accepts the full v1 fixture unchanged', () => {
    const input = fixture('mention.v1.json');
    expect(MentionSchema.parse(input)).toEqual(input);
  });

  it('fills defaults for a minimal mention', () => {
    const m = MentionSchema.parse(fixture('mention.v1.minimal.json'));
    expect(m.author).toEqual({ id: null, handle: null, display_name: null, followers: null });
    expect(m.engagement).toEqual({ likes: 0, reposts: 0, replies: 0, views: null });
    expect(m.lang).toBeNull();
    expect(m.synthetic).toBe(false);
  });

  it('accepts the enriched v1 fixture unchanged', () => {
    const input = fixture('enriched-mention.v1.json');
    expect(EnrichedMentionSchema.parse(input)).toEqual(input);
  });

  it.each([
    ['id without source prefix', { id: 'abc' }, 'id'],
    ['bad timestamp', { created_at: 'yesterday' }, 'created_at'],
    ['negative likes', { engagement: { likes: -1 } }, 'engagement'],
    ['uppercase source', { source: 'BlueSky' }, 'source'],
    ['text too long', { text: 'x'.repeat(100_001) }, 'text'],
  ])('rejects %s and names the field', (_what, patch, field) => {
    const input = { ...(fixture('mention.v1.json') as object), ...patch };
    const result = MentionSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toContain(field);
  });

  it.each([
    ['created_at', '0001-01-01T00:00:00Z'],
    ['created_at', '0000-01-01T00:00:00Z'],
    ['created_at', '1999-12-31T23:59:59Z'],
    ['created_at', '2000-01-01T00:30:00+01:00'],
    ['created_at', '9999-12-31T23:59:59Z'],
    ['created_at', new Date(Date.now() + 2 * 86_400_000).toISOString()],
    ['fetched_at', '9999-12-31T23:59:59Z'],
  ])('refuses a %s of %s with the accepted window as the reason', (field, value) => {
    const input = { ...(fixture('mention.v1.json') as object), [field]: value };
    const result = MentionSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: [field],
        message: expect.stringMatching(
          /^outside the accepted window: not before 2000-01-01T00:00:00Z and not more than a day ahead of now/,
        ) as unknown,
      }),
    ]);
  });

  it('accepts the edges of the window: 2000-01-01 and up to a day ahead of now', () => {
    for (const created_at of [
      '2000-01-01T00:00:00Z',
      '2000-01-01T00:30:00-01:00',
      '2000-01-02T00:30:00+23:00',
      new Date().toISOString(),
      new Date().toISOString().replace('Z', '+14:00'),
      new Date(Date.now() + 86_400_000 - 60_000).toISOString(),
    ]) {
      const input = { ...(fixture('mention.v1.json') as object), created_at };
      expect(MentionSchema.safeParse(input).success).toBe(true);
    }
  });

  it('rejects an enriched mention with an out-of-range score', () => {
    const input = fixture('enriched-mention.v1.json') as { sentiment: { score: number } };
    input.sentiment.score = 1.5;
    expect(EnrichedMentionSchema.safeParse(input).success).toBe(false);
  });
});
