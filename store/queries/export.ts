import type { Store } from '../port.ts';
import { mentionWhere, type MentionFilters } from './filters.ts';

/**
 * The number of mentions the feed (and so an export) lists for these filters: one per
 * (mention, created_at) of `brand_mentions`, as `mentionFeed` pages them. Counted before an
 * export starts, so the download can say how many rows it holds; with the newest `version`
 * among them (`storedUpTo`). The export then reads under `storedUpTo` too, so a mention stored
 * while the file streams is in neither the count nor the file: they match to the row.
 *
 * `version` is the enrichment time, and the sink stores mentions in the order they were
 * enriched, so "version ≤ the newest counted" is "stored when the count was taken". What that
 * bound cannot see: a mention re-enriched during the download (its new row replaces the
 * counted one at the next merge), and a hide or mute made meanwhile.
 */
export async function countMentions(
  store: Store,
  f: MentionFilters,
): Promise<{ rows: number; storedUpTo: number }> {
  const { where, params } = mentionWhere(f);
  const [row] = await store.query<{ n: number | string; v: number | string }>(
    `SELECT count() AS n, max(v) AS v FROM (SELECT mention_id, created_at, max(version) AS v
       FROM brand_mentions WHERE ${where} GROUP BY mention_id, created_at)`,
    params,
  );
  return { rows: Number(row?.n ?? 0), storedUpTo: Number(row?.v ?? 0) };
}

/**
 * The UTC days (as epoch ms of their midnight, newest first) that hold a mention of the filters:
 * an export pages day by day through these only, so a range of years with data on a few days
 * costs a few windows, not one query per empty day.
 */
export async function daysWithMentions(store: Store, f: MentionFilters): Promise<number[]> {
  const { where, params } = mentionWhere(f);
  const rows = await store.query<{ day: string }>(
    `SELECT DISTINCT toString(toStartOfDay(created_at, 'UTC')) AS day FROM brand_mentions
       WHERE ${where} ORDER BY day DESC`,
    params,
  );
  return rows.map((r) => Date.parse(`${r.day.replace(' ', 'T')}Z`));
}
