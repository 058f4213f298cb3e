import { describe, expect, it } from 'vitest';
import { ownedMentionId, ownerOfMentionId } from '../../core/contracts/owned-id.ts';
import { engagementUpdateRows, type StoredMention } from './engagement.ts';

/**
 * Engagement sent for a workspace's own mention (an id in its namespace) counts for that
 * workspace's brands only, even if the stored row lists brands of others (which the matcher
 * never gives an owned mention: this is the second wall).
 */
const stored = (id: string): StoredMention => ({
  id,
  created_at: '2026-11-20 10:00:00.000',
  source: 'crm',
  lang: 'en',
  brand_workspaces: ['a', 'b'],
  brand_ids: ['acme', 'bolt'],
  likes: 1,
  reposts: 0,
  replies: 0,
  views: null,
});
const zero = { likes: 1, reposts: 0, replies: 0, views: null };
const more = { likes: 1_000_000, reposts: 0, replies: 0, views: null };

describe('late engagement of a workspace-owned mention', () => {
  it('reads the owner back from a namespaced id, and none from a public id', () => {
    expect(ownerOfMentionId(ownedMentionId('crm', 'a', 'ticket:1'))).toBe('a');
    expect(ownerOfMentionId('crm:ticket:1')).toBeNull();
    expect(ownerOfMentionId('mastodon:https://x.test/@a:1')).toBeNull();
  });

  it('updates the owner workspace’s brands only', () => {
    const rows = engagementUpdateRows(stored('crm:@a:ticket-1'), zero, more, 't');
    expect(rows.map((r) => [r.workspace, r.brand])).toEqual([['a', 'acme']]);
  });

  it('updates every matched brand for a public mention, as before', () => {
    const rows = engagementUpdateRows(stored('crm:ticket-1'), zero, more, 't');
    expect(rows.map((r) => [r.workspace, r.brand])).toEqual([
      ['a', 'acme'],
      ['b', 'bolt'],
    ]);
  });
});
