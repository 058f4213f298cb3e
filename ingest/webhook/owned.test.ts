import { describe, expect, it } from 'vitest';
import { MentionSchema } from '../../core/contracts/mention.ts';
import {
  ownedMention,
  WEBHOOK_MAX_DEAD_LETTER_BYTES,
  WEBHOOK_MAX_DEAD_LETTERS,
  webhookDeadLetters,
} from './owned.ts';
import { parseWebhookBody } from './parse.ts';

const item = {
  id: 'crm:ticket-1',
  source: 'crm',
  text: 'Acme support was great',
  created_at: '2026-11-20T10:00:00Z',
};

describe('a webhook item is the workspace’s own', () => {
  it('lives in the workspace’s id namespace and is owned by it, whatever the body says', () => {
    const m = MentionSchema.parse({ ...item, workspace: 'other' });
    expect(ownedMention(m, 'acme')).toMatchObject({ id: 'crm:@acme:ticket-1', workspace: 'acme' });
    // An id already in some namespace is nested in the sender's, never taken as is.
    const spoof = MentionSchema.parse({ ...item, id: 'crm:@other:ticket-1' });
    expect(ownedMention(spoof, 'acme')).toMatchObject({ id: 'crm:@acme:@other:ticket-1' });
    // The namespaced id is still a valid Mention id.
    const owned = ownedMention(m, 'acme');
    expect(MentionSchema.safeParse(owned).success).toBe(true);
  });

  it('rejects an id that would be too long once namespaced, at its index', () => {
    const long = { ...item, id: `crm:${'x'.repeat(505)}` };
    const r = parseWebhookBody('application/json', JSON.stringify([item, long]), 100, (m) =>
      ownedMention(m, 'acme'),
    );
    expect(r.mentions.map((m) => m.id)).toEqual(['crm:@acme:ticket-1']);
    expect(r.errors).toEqual([
      {
        index: 1,
        reason: expect.stringMatching(/^id too long: at most 506 characters/) as unknown,
        payload: JSON.stringify(long),
      },
    ]);
  });

  it('dead-letters rejected items, attributed, bounded in number and size', () => {
    const errors = Array.from({ length: WEBHOOK_MAX_DEAD_LETTERS + 5 }, (_, i) => ({
      index: i,
      reason: 'bad',
      payload: i === 0 ? 'é'.repeat(WEBHOOK_MAX_DEAD_LETTER_BYTES) : `{"n":${i}}`,
    }));
    const dead = webhookDeadLetters(
      [{ index: 999, reason: 'more than 2 items; the rest were not read' }, ...errors],
      'acme',
    );
    expect(dead).toHaveLength(WEBHOOK_MAX_DEAD_LETTERS);
    expect(dead[1]).toEqual({
      source: 'webhook',
      workspace: 'acme',
      payload: '{"n":1}',
      reason: 'item 1: bad',
    });
    // Cut at a character boundary, within the byte bound.
    expect(Buffer.byteLength(dead[0]!.payload)).toBeLessThanOrEqual(WEBHOOK_MAX_DEAD_LETTER_BYTES);
    expect(dead[0]!.payload).toMatch(/^é+$/);
  });
});
