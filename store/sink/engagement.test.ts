import { describe, expect, it } from 'vitest';
import {
  engagementOf,
  engagementUpdateRows,
  maxEngagement,
  type StoredMention,
} from './engagement.ts';

const stored: StoredMention = {
  id: 'reddit:t3_a',
  created_at: '2026-11-20T10:00:00.000Z',
  source: 'reddit',
  lang: 'en',
  brand_workspaces: ['ws', 'ws', 'other'],
  brand_ids: ['acme', 'acme', 'acme'],
  likes: 3,
  reposts: 0,
  replies: 1,
  views: null,
};
const at = '2026-11-20T11:00:00.000Z';

describe('engagement updates at the sink', () => {
  it('records the growth over the current engagement and the new totals, once per brand', () => {
    const rows = engagementUpdateRows(
      stored,
      { likes: 5, reposts: 0, replies: 1, views: null },
      { likes: 9, reposts: 2, replies: 1, views: null },
      at,
    );
    // Two watch queries of ws/acme matched: still one (mention, brand) row; other/acme is another.
    expect(rows.map((r) => [r.workspace, r.brand])).toEqual([
      ['ws', 'acme'],
      ['other', 'acme'],
    ]);
    expect(rows[0]).toMatchObject({
      mention_id: 'reddit:t3_a',
      created_at: stored.created_at,
      source: 'reddit',
      lang: 'en',
      likes: 4,
      reposts: 2,
      replies: 0,
      likes_total: 9,
      reposts_total: 2,
      replies_total: 1,
      views_total: null,
      observed_at: at,
    });
  });

  it('records nothing when nothing grew, and never a negative growth', () => {
    const current = { likes: 5, reposts: 2, replies: 1, views: 10 };
    expect(engagementUpdateRows(stored, current, current, at)).toEqual([]);
    expect(
      engagementUpdateRows(stored, current, { likes: 4, reposts: 0, replies: 0, views: 3 }, at),
    ).toEqual([]);
    const rows = engagementUpdateRows(
      stored,
      current,
      { likes: 4, reposts: 3, replies: 0, views: null },
      at,
    );
    expect(rows[0]).toMatchObject({ likes: 0, reposts: 1, replies: 0, likes_total: 5 });
    expect(rows[0]!.views_total).toBe(10);
  });

  it('records views that grew even when the counts did not', () => {
    const rows = engagementUpdateRows(
      stored,
      { likes: 5, reposts: 2, replies: 1, views: null },
      { likes: 5, reposts: 2, replies: 1, views: 120 },
      at,
    );
    expect(rows[0]).toMatchObject({ likes: 0, reposts: 0, replies: 0, views_total: 120 });
  });

  it('reads an incoming row and merges observations field by field', () => {
    expect(engagementOf({ likes: 2, reposts: 1, replies: 0, views: null })).toEqual({
      likes: 2,
      reposts: 1,
      replies: 0,
      views: null,
    });
    expect(
      maxEngagement(
        { likes: 2, reposts: 5, replies: 0, views: null },
        { likes: 3, reposts: 1, replies: 0, views: 7 },
      ),
    ).toEqual({ likes: 3, reposts: 5, replies: 0, views: 7 });
  });
});
