import type { Store } from '../port.ts';
import { mentionWhere, type MentionFilters } from './filters.ts';

/**
 * The number of mentions the feed (and so an export) lists for these filters: one per
 * (mention, created_at) of `brand_mentions`, as `mentionFeed` pages them. Counted before an
 * export starts, so the download can say how many rows it holds.
 */
export async function countMentions(store: Store, f: MentionFilters): Promise<number> {
  const { where, params } = mentionWhere(f);
  const [row] = await store.query<{ n: number | string }>(
    `SELECT count() AS n FROM (SELECT mention_id, created_at FROM brand_mentions
       WHERE ${where} GROUP BY mention_id, created_at)`,
    params,
  );
  return Number(row?.n ?? 0);
}
